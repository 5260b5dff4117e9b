"""The pytorch_wavelets drop-in (DTCWTForward, DTCWTInverse, ScatLayer) against Debian's python3-dtcwt.

The layout is converted here from pytorch_wavelets' documented conventions, not from any code: yh[j] holds
the orientations (dtcwt's order, 15 .. 165 degrees) at o_dim and (real, imaginary) at ri_dim, the other
dimensions N, C, H, W in that order; yl is (N, C, H', W').
"""

import logging
import re

import dtcwt
import numpy as np
import pytest
import torch

import wavetwin
from conftest import SOURCE_DIR

# dtcwt logs (through the deprecated logging.warn) every odd-sized image it extends.
pytestmark = pytest.mark.filterwarnings("ignore:The 'warn' function is deprecated:DeprecationWarning")
logging.disable(logging.WARNING)


def documented_layout(h, o_dim, ri_dim):
    """yh[j] in the canonical order (N, C, 6, H, W, 2), from where the documentation puts each dimension."""
    o, ri = o_dim % 6, ri_dim % 6
    others = [d for d in range(6) if d not in (o, ri)]  # N, C, H, W in order
    return h.permute(others[0], others[1], o, others[2], others[3], ri)


def oracle_pyramid(x, levels, biort, qshift):
    t = dtcwt.Transform2d(biort=biort, qshift=qshift)
    return [[t.forward(x[n, c].numpy(), nlevels=levels, include_scale=True) for c in range(x.shape[1])]
            for n in range(x.shape[0])]


def as_complex(h):
    return h[..., 0].numpy() + 1j * h[..., 1].numpy()


CASES = [(33, 20, 3, "near_sym_a", "qshift_a"), (16, 24, 1, "legall", "qshift_06"), (7, 9, 2, "near_sym_b", "qshift_b"),
         (40, 29, 4, "antonini", "qshift_c"), (12, 12, 5, "near_sym_a", "qshift_d")]


@pytest.mark.parametrize("h,w,levels,biort,qshift", CASES)
def test_forward_matches_dtcwt(h, w, levels, biort, qshift):
    x = torch.randn(2, 3, h, w, dtype=torch.float64)
    yl, yh = wavetwin.DTCWTForward(biort=biort, qshift=qshift, J=levels)(x)
    expected = oracle_pyramid(x, levels, biort, qshift)
    for n in range(2):
        for c in range(3):
            np.testing.assert_allclose(yl[n, c].numpy(), expected[n][c].lowpass, rtol=0, atol=1e-10)
            for j in range(levels):
                # dtcwt: (H_j, W_j, 6) complex; here (N, C, 6, H_j, W_j, 2).
                got = np.moveaxis(as_complex(yh[j][n, c]), 0, 2)
                np.testing.assert_allclose(got, expected[n][c].highpasses[j], rtol=0, atol=1e-10)
    yl32, yh32 = wavetwin.DTCWTForward(biort=biort, qshift=qshift, J=levels)(x.float())
    assert yl32.dtype == torch.float32 and yh32[-1].dtype == torch.float32
    scale = yh[-1].abs().max().item()
    assert (yh32[-1].double() - yh[-1]).abs().max().item() <= 1e-5 * scale


@pytest.mark.parametrize("o_dim,ri_dim", [(2, -1), (1, 2), (3, 1), (-1, 1), (5, 4)])
def test_orientation_and_complex_dimensions(o_dim, ri_dim):
    x = torch.randn(2, 3, 20, 16, dtype=torch.float64)
    _, reference = wavetwin.DTCWTForward(J=2)(x)
    _, yh = wavetwin.DTCWTForward(J=2, o_dim=o_dim, ri_dim=ri_dim)(x)
    for j in range(2):
        assert yh[j].shape[o_dim] == 6 and yh[j].shape[ri_dim] == 2
        assert torch.equal(documented_layout(yh[j], o_dim, ri_dim), reference[j])
    inverse = wavetwin.DTCWTInverse(o_dim=o_dim, ri_dim=ri_dim)
    torch.testing.assert_close(inverse((wavetwin.DTCWTForward(J=2, o_dim=o_dim, ri_dim=ri_dim)(x)[0], yh)), x,
                               rtol=0, atol=1e-10)


def test_include_scale_and_skip_hps():
    x = torch.randn(1, 2, 31, 26, dtype=torch.float64)
    expected = oracle_pyramid(x, 3, "near_sym_a", "qshift_a")
    scales, yh = wavetwin.DTCWTForward(J=3, include_scale=[False, True, True], skip_hps=[True, False, False])(x)
    assert scales[0].shape == torch.Size([]) and yh[0].shape == torch.Size([])
    for j in (1, 2):
        np.testing.assert_allclose(scales[j][0, 1].numpy(), expected[0][1].scales[j], rtol=0, atol=1e-10)
        np.testing.assert_allclose(np.moveaxis(as_complex(yh[j][0, 1]), 0, 2), expected[0][1].highpasses[j],
                                   rtol=0, atol=1e-10)
    all_scales, _ = wavetwin.DTCWTForward(J=2, include_scale=True)(x)
    assert [tuple(s.shape) for s in all_scales] == [(1, 2, 32, 26), (1, 2, 16, 14)]
    yl, none = wavetwin.DTCWTForward(J=0)(x)
    assert yl is x and none is None


@pytest.mark.parametrize("h,w,levels,biort,qshift", CASES)
def test_inverse_matches_dtcwt_and_reconstructs(h, w, levels, biort, qshift):
    x = torch.randn(1, 2, h, w, dtype=torch.float64)
    yl, yh = wavetwin.DTCWTForward(biort=biort, qshift=qshift, J=levels)(x)
    # Arbitrary coefficients of the same shapes: the inverse against dtcwt's inverse.
    yl_r, yh_r = torch.randn_like(yl), [torch.randn_like(h_) for h_ in yh]
    got = wavetwin.DTCWTInverse(biort=biort, qshift=qshift)((yl_r, yh_r))
    t = dtcwt.Transform2d(biort=biort, qshift=qshift)
    for c in range(2):
        pyramid = dtcwt.Pyramid(yl_r[0, c].numpy(), tuple(np.moveaxis(as_complex(h_[0, c]), 0, 2) for h_ in yh_r))
        np.testing.assert_allclose(got[0, c].numpy(), t.inverse(pyramid), rtol=0, atol=1e-9)
    back = wavetwin.DTCWTInverse(biort=biort, qshift=qshift)((yl, yh))
    assert back.shape[-2:] == (h + h % 2, w + w % 2)  # odd sizes come back with their repeated row / column
    torch.testing.assert_close(back[..., :h, :w], x, rtol=0, atol=1e-10)


def test_missing_lowpass_or_highpasses_count_as_zeros():
    x = torch.randn(1, 1, 32, 32, dtype=torch.float64)
    yl, yh = wavetwin.DTCWTForward(J=2)(x)
    inverse = wavetwin.DTCWTInverse()
    torch.testing.assert_close(inverse((None, yh)), inverse((torch.zeros_like(yl), yh)))
    torch.testing.assert_close(inverse((yl, [torch.tensor([]), yh[1]])), inverse((yl, [torch.zeros_like(yh[0]), yh[1]])))


def test_gradients_are_exact():
    x = torch.randn(1, 2, 9, 6, dtype=torch.float64, requires_grad=True)
    forward = wavetwin.DTCWTForward(J=2, biort="near_sym_b", qshift="qshift_b")
    assert torch.autograd.gradcheck(lambda t: (lambda p: (p[0],) + tuple(p[1]))(forward(t)), (x,))
    yl, yh = forward(x.detach())
    inverse = wavetwin.DTCWTInverse(biort="near_sym_b", qshift="qshift_b")
    low = yl.clone().requires_grad_(True)
    high = yh[1].clone().requires_grad_(True)
    assert torch.autograd.gradcheck(lambda a, b: inverse((a, [yh[0], b])), (low, high))


def test_custom_filter_tuples_equal_named_banks():
    coeffs = wavetwin._C.DtcwtBanks("near_sym_b", "qshift_c")
    x = torch.randn(1, 1, 24, 20, dtype=torch.float64)
    named = wavetwin.DTCWTForward(biort="near_sym_b", qshift="qshift_c", J=3)(x)
    custom = wavetwin.DTCWTForward(biort=(coeffs.h0o, coeffs.h1o), qshift=(coeffs.h0a, coeffs.h0b, coeffs.h1a, coeffs.h1b),
                                   J=3)(x)
    assert torch.equal(named[0], custom[0]) and all(torch.equal(a, b) for a, b in zip(named[1], custom[1]))
    inverse = wavetwin.DTCWTInverse(biort=(coeffs.g0o, coeffs.g1o), qshift=(coeffs.g0a, coeffs.g0b, coeffs.g1a, coeffs.g1b))
    torch.testing.assert_close(inverse(named), x, rtol=0, atol=1e-10)


@pytest.mark.parametrize("combine_colour", [False, True])
def test_scat_layer_is_lowpass_and_smoothed_modulus(combine_colour):
    x = torch.randn(2, 3, 15, 18, dtype=torch.float64)
    z = wavetwin.ScatLayer(magbias=0.1, combine_colour=combine_colour)(x)
    assert z.shape == (2, 9 if combine_colour else 21, 8, 9)
    expected = oracle_pyramid(x, 1, "near_sym_a", "qshift_a")
    for n in range(2):
        lows = [expected[n][c].lowpass for c in range(3)]
        highs = np.stack([expected[n][c].highpasses[0] for c in range(3)])  # (C, h, w, 6)
        for c in range(3):
            pooled = lows[c].reshape(8, 2, 9, 2).mean(axis=(1, 3))
            np.testing.assert_allclose(z[n, c].numpy(), pooled, rtol=0, atol=1e-12)
        for o in range(6):
            if combine_colour:
                modulus = np.sqrt((np.abs(highs[..., o]) ** 2).sum(0) + 0.01) - 0.1
                np.testing.assert_allclose(z[n, 3 + o].numpy(), modulus, rtol=0, atol=1e-12)
            else:
                for c in range(3):
                    modulus = np.sqrt(np.abs(highs[c, ..., o]) ** 2 + 0.01) - 0.1
                    np.testing.assert_allclose(z[n, 3 * (1 + o) + c].numpy(), modulus, rtol=0, atol=1e-12)
    y = torch.randn(1, 3, 6, 5, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(wavetwin.ScatLayer(magbias=0.1, combine_colour=combine_colour), (y,))


def test_one_dimensional_matches_dtcwt():
    x = torch.randn(2, 2, 30, dtype=torch.float64)
    yl, yh = wavetwin.DTCWTForward1d(J=3, biort="near_sym_b", qshift="qshift_b")(x)
    t = dtcwt.Transform1d(biort="near_sym_b", qshift="qshift_b")
    for n in range(2):
        for c in range(2):
            p = t.forward(x[n, c].numpy(), nlevels=3)
            np.testing.assert_allclose(yl[n, c].numpy(), p.lowpass[:, 0], rtol=0, atol=1e-10)
            for j in range(3):
                np.testing.assert_allclose(as_complex(yh[j][n, c]), p.highpasses[j][:, 0], rtol=0, atol=1e-10)
    back = wavetwin.DTCWTInverse1d(biort="near_sym_b", qshift="qshift_b")((yl, yh))
    torch.testing.assert_close(back, x, rtol=0, atol=1e-10)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="different dimensions"):
        wavetwin.DTCWTForward(o_dim=2, ri_dim=-4)
    with pytest.raises(ValueError, match="mode='symmetric' only"):
        wavetwin.DTCWTForward(mode="zero")
    with pytest.raises(ValueError, match="unknown biorthogonal bank 'near_sym_b_bp'"):
        wavetwin.ScatLayer(biort="near_sym_b_bp")
    with pytest.raises(ValueError, match="unknown Q-shift bank"):
        wavetwin.DTCWTInverse(qshift="qshift_32")
    with pytest.raises(ValueError, match="2 flags for J=3"):
        wavetwin.DTCWTForward(J=3, skip_hps=[True, False])
    with pytest.raises(ValueError, match=r"expected an input of shape \(N, C, H, W\)"):
        wavetwin.DTCWTForward()(torch.randn(8, 8))


def test_the_readme_example_runs_as_written():
    text = (SOURCE_DIR / "README.md").read_text()
    (example,) = [b for b in re.findall(r"```python\n(.*?)```", text, re.S) if "DTCWTForward(" in b]
    scope = {}
    exec(compile(example, "README.md", "exec"), scope)
    assert scope["yl"].shape == (10, 5, 16, 16)
    assert [tuple(h.shape) for h in scope["yh"]] == [(10, 5, 6, 32, 32, 2), (10, 5, 6, 16, 16, 2), (10, 5, 6, 8, 8, 2)]
    assert scope["z"].shape == (10, 35, 32, 32)
    torch.testing.assert_close(scope["x2"], scope["x"], rtol=0, atol=1e-5)
