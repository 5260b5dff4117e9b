"""The DTCWT against python3-dtcwt: the errors behind the README's reliability figures, as a Markdown table.

Per configuration (size, J, banks), relative to the magnitude of what is compared: the forward transform in
float64 and float32 (low-pass and every highpass), the inverse of arbitrary coefficients shaped like a pyramid
against dtcwt's inverse, and the reconstruction of the input; then the 1-D transform.

Usage: PYTHONPATH=build/python /usr/bin/python3 bench/python/dtcwt_accuracy.py
"""
import logging

import dtcwt
import numpy as np
import torch

import wavetwin

logging.disable(logging.WARNING)

CASES = [(33, 20, 3, "near_sym_a", "qshift_a"), (16, 16, 1, "near_sym_a", "qshift_a"), (7, 5, 2, "near_sym_a", "qshift_a"),
         (1, 1, 2, "near_sym_a", "qshift_a"), (3, 2, 3, "legall", "qshift_06"), (64, 40, 5, "near_sym_b", "qshift_b"),
         (29, 45, 4, "antonini", "qshift_c"), (12, 31, 3, "legall", "qshift_d"), (20, 17, 2, "near_sym_b", "qshift_06"),
         (50, 38, 4, "near_sym_a", "qshift_c"), (512, 512, 3, "near_sym_a", "qshift_a")]


def as_dtcwt(h):
    """(6, H, W, 2) in wavetwin's layout as dtcwt's (H, W, 6) complex array."""
    h = h.double().numpy()
    return np.moveaxis(h[..., 0] + 1j * h[..., 1], 0, 2)


def forward_error(x, yl, yh, t, levels):
    error = 0.0
    for c in range(x.shape[1]):
        p = t.forward(x[0, c].numpy(), nlevels=levels)
        error = max(error, np.abs(yl[0, c].double().numpy() - p.lowpass).max())
        for j in range(levels):
            error = max(error, np.abs(as_dtcwt(yh[j][0, c]) - p.highpasses[j]).max())
    return error / float(x.abs().max())


def two_dimensional():
    print("| size | J | banks | forward, float64 | forward, float32 | inverse of arbitrary coefficients | reconstruction |")
    print("|---|---|---|---|---|---|---|")
    for h, w, levels, biort, qshift in CASES:
        x = torch.randn(1, 2, h, w, dtype=torch.float64)
        t = dtcwt.Transform2d(biort=biort, qshift=qshift)
        forward = wavetwin.DTCWTForward(biort=biort, qshift=qshift, J=levels)
        inverse = wavetwin.DTCWTInverse(biort=biort, qshift=qshift)
        yl, yh = forward(x)
        e64 = forward_error(x, yl, yh, t, levels)
        e32 = forward_error(x, *forward(x.float()), t, levels)
        yl_r, yh_r = torch.randn_like(yl), [torch.randn_like(a) for a in yh]
        got = inverse((yl_r, yh_r))
        e_inv = 0.0
        for c in range(2):
            reference = t.inverse(dtcwt.Pyramid(yl_r[0, c].numpy(), tuple(as_dtcwt(a[0, c]) for a in yh_r)))
            e_inv = max(e_inv, np.abs(got[0, c].numpy() - reference).max() / np.abs(reference).max())
        e_rec = float((inverse((yl, yh))[..., :h, :w] - x).abs().max() / x.abs().max())
        print(f"| {h}x{w} | {levels} | {biort}/{qshift} | {e64:.1e} | {e32:.1e} | {e_inv:.1e} | {e_rec:.1e} |")


def one_dimensional():
    for length, levels, biort, qshift in [(30, 3, "near_sym_a", "qshift_a"), (64, 5, "near_sym_b", "qshift_b")]:
        x = torch.randn(2, 3, length, dtype=torch.float64)
        yl, yh = wavetwin.DTCWTForward1d(biort=biort, qshift=qshift, J=levels)(x)
        t = dtcwt.Transform1d(biort=biort, qshift=qshift)
        error = 0.0
        for n in range(2):
            for c in range(3):
                p = t.forward(x[n, c].numpy(), nlevels=levels)
                error = max(error, np.abs(yl[n, c].numpy() - p.lowpass[:, 0]).max())
                for j in range(levels):
                    z = yh[j][n, c, :, 0].numpy() + 1j * yh[j][n, c, :, 1].numpy()
                    error = max(error, np.abs(z - p.highpasses[j][:, 0]).max())
        back = wavetwin.DTCWTInverse1d(biort=biort, qshift=qshift)((yl, yh))
        scale = float(x.abs().max())
        print(f"1-D, L = {length}, J = {levels}, {biort}/{qshift}: forward {error / scale:.1e}, "
              f"reconstruction {float((back - x).abs().max()) / scale:.1e}")


if __name__ == "__main__":
    torch.manual_seed(0)
    two_dimensional()
    one_dimensional()
