"""The transforms from Python: against the independent numpy oracle, the functional forms, gradcheck, inverses."""

import numpy as np
import pytest
import torch

import dtcwpt as oracle  # tests/oracles/dtcwpt.py
import wavetwin
import wavetwin.functional as F

MODES = {"zeros": "constant", "symmetric": "symmetric", "periodic": "wrap", "none": "constant"}


def oracle_2d(x, levels, stride, padding):
    options = wavetwin.wavelets.dtcwpt_options(levels, stride, padding=padding, in_channels=x.shape[1])
    padded = x.numpy()
    for axis in (2, 3):
        before, after = wavetwin._C.dtcwpt_padding(x.shape[axis], options)
        padded = oracle.pad_axis(padded, axis, before, after, MODES[padding])
    return torch.from_numpy(np.ascontiguousarray(oracle.transform2d(padded, levels, stride or 2 ** levels, "qshift_a")))


@pytest.mark.parametrize("levels,stride,h,w,padding", [
    (1, 2, 7, 5, "zeros"), (2, 2, 19, 14, "zeros"), (2, 1, 13, 17, "symmetric"), (3, 4, 37, 30, "periodic"),
    (2, 4, 33, 40, "none"),
])
def test_dtcwpt2d_matches_the_numpy_oracle(levels, stride, h, w, padding):
    x = torch.randn(2, 3, h, w, dtype=torch.float64)
    module = wavetwin.DtCwpt2d(levels, stride=stride, padding=padding, in_channels=3)
    got = module(x)
    expected = oracle_2d(x, levels, stride, padding)
    assert got.shape == expected.shape
    assert torch.allclose(got, expected, rtol=0, atol=1e-10 * expected.abs().max())
    # The module and the functional form run the same C++ code: bit-exact.
    assert torch.equal(F.dtcwpt2d(x, levels, stride, padding=padding), got)


def test_dtcwpt1d_matches_the_numpy_oracle():
    x = torch.randn(3, 2, 41, dtype=torch.float64)
    options = wavetwin.wavelets.dtcwpt_options(3, 2, in_channels=2)
    before, after = wavetwin._C.dtcwpt_padding(41, options)
    padded = oracle.pad_axis(x.numpy(), 2, before, after, "constant")
    expected = torch.from_numpy(np.ascontiguousarray(oracle.transform1d(padded, 3, 2, "qshift_a")))
    got = wavetwin.DtCwpt1d(3, stride=2, in_channels=2)(x)
    assert torch.allclose(got, expected, rtol=0, atol=1e-10 * expected.abs().max())


def test_layouts_complex_and_real_only():
    x = torch.randn(1, 1, 32, 32)
    interleaved = wavetwin.DtCwpt2d(2)(x)
    assert interleaved.shape[1] == 4 * 16
    z = wavetwin.DtCwpt2d(2, complex=True)(x)
    assert z.is_complex() and torch.equal(F.as_interleaved(z), interleaved)
    real = wavetwin.DtCwpt2d(2, real_only=True)(x)
    assert torch.allclose(real, interleaved[:, 0::2], atol=1e-5)


@pytest.mark.parametrize("module,shape", [
    (lambda: wavetwin.DtCwpt2d(2, stride=2, in_channels=2), (2, 2, 13, 11)),
    (lambda: wavetwin.DtCwpt2d(1, real_only=True), (1, 1, 9, 12)),
    (lambda: wavetwin.DtCwpt1d(2, stride=1), (2, 1, 17)),
])
def test_gradcheck_in_float64(module, shape):
    m = module().double()
    x = torch.randn(*shape, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(m, (x,), eps=1e-6, atol=1e-7)


def test_inverses_reconstruct():
    x = torch.randn(2, 1, 32, 24, dtype=torch.float64)
    forward = wavetwin.DtCwpt2d(2, padding="periodic").double()
    inverse = wavetwin.IDtCwpt2d(2, padding="periodic").double()
    assert torch.allclose(inverse(forward(x), 32, 24), x, atol=1e-10)
    assert torch.allclose(forward.inverse(forward(x), 32, 24), x, atol=1e-10)
    line = torch.randn(3, 2, 64, dtype=torch.float64)
    f1 = wavetwin.DtCwpt1d(3, padding="periodic", in_channels=2).double()
    assert torch.allclose(wavetwin.IDtCwpt1d(3, padding="periodic", in_channels=2).double()(f1(line), 64), line,
                          atol=1e-10)


def test_module_is_a_torch_module_with_the_cpp_buffers():
    module = wavetwin.DtCwpt2d(2, stride=2)
    assert isinstance(module, torch.nn.Module)
    assert list(module.state_dict()) == ["filters"]
    assert module.filters.shape[0] == 4
    module.double()
    assert module.filters.dtype == torch.float64
    assert module(torch.randn(1, 1, 20, 20, dtype=torch.float64)).dtype == torch.float64
    trainable = wavetwin.DtCwpt2d(1, trainable_filters=True)
    assert [name for name, _ in trainable.named_parameters()] == ["filters"]
    trainable(torch.randn(1, 1, 16, 16)).square().sum().backward()
    assert trainable.filters.grad is not None and trainable.filters.grad.abs().sum() > 0


def test_packet_info_records():
    table = wavetwin.packet_info(2)
    assert len(table) == 32
    assert [p.index for p in table] == list(range(32))
    low = [p for p in table if p.lowpass]
    assert len(low) == 2 and all(p.band_row == 0 and p.band_col == 0 for p in low)
    assert all(abs(p.freq_row) <= np.pi and 0 <= p.freq_col <= np.pi for p in table)


def test_errors_are_value_errors_with_the_library_message():
    with pytest.raises(ValueError, match=r"dtcwpt2d: input has 3 channels; expected in_channels=1"):
        wavetwin.DtCwpt2d(2)(torch.randn(1, 3, 32, 32))
    with pytest.raises(ValueError, match=r"stride=3; expected a power of two"):
        wavetwin.DtCwpt2d(2, stride=3)(torch.randn(1, 1, 32, 32))
    with pytest.raises(ValueError, match=r"padding: unknown mode 'mirror'"):
        wavetwin.DtCwpt2d(2, padding="mirror")
    with pytest.raises(ValueError, match=r"drops border coefficients"):
        wavetwin.IDtCwpt2d(2, padding="zeros")(torch.randn(1, 64, 16, 16), 32, 32)
