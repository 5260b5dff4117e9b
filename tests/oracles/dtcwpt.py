#!/usr/bin/python3
"""Independent numpy oracle of the 2-D and 1-D DT-CWPT (reference-system.md section 1).

Each real packet is computed by its own direct chain of 1-D filters, stage by stage, rows then columns at
every stage (the reference's order), with the filters read from python3-dtcwt. Used by
tests/wavelets/dtcwpt_test.cpp.

Usage: dtcwpt.py IN.pt OUT.pt DIMS LEVELS STRIDE FILTERS MODE BEFORE AFTER [BEFORE_W AFTER_W]
  IN.pt: (N, C, H, W) or (N, C, L) float64; MODE: constant, symmetric or wrap (numpy.pad modes).
"""
import sys

import dtcwt.coeffs
import numpy as np
import torch

SUCCESSORS = {"h1fs": ("h1", "g1"), "g1fs": ("h2", "g2"), "h2fs": ("h2", "g2"), "g2fs": ("h1", "g1"),
              "h1": ("h1", "g1"), "h2": ("h2", "g2"), "g1": ("h", "g"), "g2": ("h", "g"), "h": ("h", "g"),
              "g": ("h", "g")}


def bank(name):
    h0a, h0b, _, _, h1a, h1b, _, _ = (c.ravel() for c in dtcwt.coeffs.qshift(name))
    h1, h2, g1, g2 = h0b, h0a, h1b, h1a  # wcnn's naming (tree a/b swapped)
    z = np.zeros(1)
    return {"h1fs": np.concatenate([z, z, h1]), "h2fs": np.concatenate([z, h1, z]),
            "g1fs": np.concatenate([g1, z, z]), "g2fs": np.concatenate([z, -g1, z]),
            "h1": h1, "h2": h2, "g1": g1, "g2": g2, "h": h1, "g": g1}


def schedule(levels, stride):
    decimated = int(np.log2(stride))
    strides = [2 if j < decimated else 1 for j in range(levels)]
    dilations = [1 if j < decimated else 2 ** (j - decimated) for j in range(levels)]
    return strides, dilations


def path_types(tree, bits, levels):
    first = ("h1fs", "g1fs") if tree == 0 else ("h2fs", "g2fs")
    types = [first[(bits >> (levels - 1)) & 1]]
    for j in range(1, levels):
        types.append(SUCCESSORS[types[-1]][(bits >> (levels - 1 - j)) & 1])
    return types


def correlate(x, f, stride, dilation, axis):
    x = np.moveaxis(x, axis, -1)
    n_out = (x.shape[-1] - dilation * (len(f) - 1) - 1) // stride + 1
    y = np.zeros(x.shape[:-1] + (n_out,))
    for k, fk in enumerate(f):
        start = dilation * k
        y += fk * x[..., start:start + stride * (n_out - 1) + 1:stride]
    return np.moveaxis(y, -1, axis)


def sigma(bits, levels):
    return -1 if bits & ((1 << (levels - 1)) - 1) == 0 else 1


def transform2d(x, levels, stride, filters):
    f = bank(filters)
    strides, dilations = schedule(levels, stride)
    paths = 2 ** levels
    out = []
    for c in range(x.shape[1]):
        trees = {}
        for tv in range(2):
            for th in range(2):
                for v in range(paths):
                    for u in range(paths):
                        y = x[:, c]
                        tv_types, th_types = path_types(tv, v, levels), path_types(th, u, levels)
                        for j in range(levels):
                            y = correlate(y, f[tv_types[j]], strides[j], dilations[j], 1)
                            y = correlate(y, f[th_types[j]], strides[j], dilations[j], 2)
                        trees[(tv, th, v, u)] = y
        per_channel = [None] * (4 * paths * paths)
        for code in range(paths * paths):
            digits = [(code >> (2 * (levels - 1 - j))) & 3 for j in range(levels)]
            v = sum(((d >> 1) & 1) << (levels - 1 - j) for j, d in enumerate(digits))
            u = sum((d & 1) << (levels - 1 - j) for j, d in enumerate(digits))
            d11, d12 = trees[(0, 0, v, u)], trees[(0, 1, v, u)]
            d21, d22 = trees[(1, 0, v, u)], trees[(1, 1, v, u)]
            s_u = sigma(u, levels)
            conj_a, conj_b = s_u < 0, s_u > 0
            per_channel[2 * code] = d11 - d22
            per_channel[2 * code + 1] = (-1 if conj_a else 1) * (d21 + d12)
            per_channel[2 * (paths * paths + code)] = d11 + d22
            per_channel[2 * (paths * paths + code) + 1] = (-1 if conj_b else 1) * (d21 - d12)
        out.extend(per_channel)
    return np.stack(out, axis=1)


def transform1d(x, levels, stride, filters):
    f = bank(filters)
    strides, dilations = schedule(levels, stride)
    out = []
    for c in range(x.shape[1]):
        for p in range(2 ** levels):
            d = []
            for tree in range(2):
                y = x[:, c]
                for j, t in enumerate(path_types(tree, p, levels)):
                    y = correlate(y, f[t], strides[j], dilations[j], 1)
                d.append(y)
            out.append(d[0])
            out.append((-1 if sigma(p, levels) < 0 else 1) * d[1])
    return np.stack(out, axis=1)


def pad_axis(x, axis, before, after, mode):
    """numpy.pad, except that "wrap" and "symmetric" index explicitly: numpy 1.24 misaligns pads longer than
    the axis."""
    if mode == "constant":
        width = [(0, 0)] * x.ndim
        width[axis] = (before, after)
        return np.pad(x, width)
    n = x.shape[axis]
    i = np.arange(-before, n + after)
    if mode == "wrap":
        index = i % n
    else:
        m = i % (2 * n)
        index = np.where(m < n, m, 2 * n - 1 - m)
    return np.take(x, index, axis=axis)


def main():
    src, dst, dims, levels, stride, filters, mode = sys.argv[1:8]
    pads = [int(v) for v in sys.argv[8:]]
    dims, levels, stride = int(dims), int(levels), int(stride)
    x = torch.load(src).numpy().astype(np.float64)
    for a in range(dims):
        x = pad_axis(x, 2 + a, pads[2 * a], pads[2 * a + 1], mode)
    y = transform2d(x, levels, stride, filters) if dims == 2 else transform1d(x, levels, stride, filters)
    torch.save(torch.from_numpy(np.ascontiguousarray(y)), dst)


if __name__ == "__main__":
    main()
