#!/usr/bin/python3
"""The DTCWT of Debian's python3-dtcwt (dtcwt.Transform2d / Transform1d), image by image, in wavetwin's layout.

Layout written (dtcwt.h): low-pass (N, C, H', W'); highpass j (N, C, 6, H_j, W_j, 2) from dtcwt's
(H_j, W_j, 6) complex array, orientations in dtcwt's order, then (real, imaginary); 1-D highpass j
(N, C, L_j, 2) from dtcwt's (L_j, 1) column. Used by tests/wavelets/dtcwt_test.cpp.

Usage:
  dtcwt_transform.py forward DIMS LEVELS BIORT QSHIFT IN.pt OUT.pt
      OUT.pt: {"lowpass", "highpass0".., "scale0"..} of IN.pt ((N, C, H, W) or (N, C, L), float64).
  dtcwt_transform.py inverse DIMS BIORT QSHIFT OUT.pt LOWPASS.pt HIGHPASS0.pt [HIGHPASS1.pt ...]
      OUT.pt: dtcwt's inverse of the given coefficients, (N, C, H, W) or (N, C, L).
"""
import logging
import sys

import dtcwt
import numpy as np
import torch

logging.disable(logging.WARNING)  # dtcwt logs every odd-sized image it extends


def transform(dims, biort, qshift):
    return (dtcwt.Transform2d if dims == 2 else dtcwt.Transform1d)(biort=biort, qshift=qshift)


def highpass_to_layout(h, dims):
    if dims == 2:
        z = np.moveaxis(h, 2, 0)  # (6, H_j, W_j)
    else:
        z = h[:, 0]  # (L_j,)
    return np.stack([z.real, z.imag], axis=-1)


def highpass_from_layout(h, dims):
    z = h[..., 0] + 1j * h[..., 1]
    return np.moveaxis(z, 0, 2) if dims == 2 else z[:, None]


def forward(dims, levels, biort, qshift, src, dst):
    x = torch.load(src).numpy().astype(np.float64)
    t = transform(dims, biort, qshift)
    results = {}
    for n in range(x.shape[0]):
        for c in range(x.shape[1]):
            signal = x[n, c] if dims == 2 else x[n, c][:, None]
            p = t.forward(signal, nlevels=levels, include_scale=True)
            items = {"lowpass": p.lowpass if dims == 2 else p.lowpass[:, 0]}
            for j, h in enumerate(p.highpasses):
                items[f"highpass{j}"] = highpass_to_layout(h, dims)
            for j, s in enumerate(p.scales):
                items[f"scale{j}"] = s if dims == 2 else s[:, 0]
            for key, value in items.items():
                results.setdefault(key, []).append(value)
    shape = x.shape[:2]
    out = {k: torch.from_numpy(np.stack(v).reshape(shape + v[0].shape).copy()) for k, v in results.items()}
    torch.save(out, dst)


def inverse(dims, biort, qshift, dst, low_path, high_paths):
    low = torch.load(low_path).numpy().astype(np.float64)
    highs = [torch.load(p).numpy().astype(np.float64) for p in high_paths]
    t = transform(dims, biort, qshift)
    images = []
    for n in range(low.shape[0]):
        for c in range(low.shape[1]):
            lowpass = low[n, c] if dims == 2 else low[n, c][:, None]
            pyramid = dtcwt.Pyramid(lowpass, tuple(highpass_from_layout(h[n, c], dims) for h in highs))
            images.append(np.asarray(t.inverse(pyramid)).reshape(-1) if dims == 1 else t.inverse(pyramid))
    out = np.stack(images).reshape(low.shape[:2] + images[0].shape)
    torch.save(torch.from_numpy(out.copy()), dst)


def main():
    mode, dims = sys.argv[1], int(sys.argv[2])
    if mode == "forward":
        levels, biort, qshift, src, dst = sys.argv[3:8]
        forward(dims, int(levels), biort, qshift, src, dst)
    else:
        biort, qshift, dst, low = sys.argv[3:7]
        inverse(dims, biort, qshift, dst, low, sys.argv[7:])


if __name__ == "__main__":
    main()
