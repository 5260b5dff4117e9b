"""Yardstick for the Python DtCwpt2d: the reference's DtCwpt2d.forward in its batched form
(reference-system.md 1.4-1.6: zero padding P, the input replicated 4x in tree order, each stage a depthwise
torch conv2d along H then along W with two outputs per channel, the dual-tree recombination with the
make_analytic conjugation), written from that description in PyTorch, its filters built once as the
reference's module does. It is checked against wavetwin.DtCwpt2d before anything is timed.

224x224, batch 32, one channel, J = 2, stride 2, float32, no gradient, all threads, alternated with
wavetwin.DtCwpt2d on the same input: the issue's target is wavetwin at least 8x the reference.

Usage: PYTHONPATH=build/python /usr/bin/python3 bench/reference/dtcwpt_reference.py [ROUNDS]
"""
import os
import pathlib
import sys
import time

import torch
import torch.nn.functional as F

import wavetwin

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "tests" / "oracles"))
from dtcwpt import SUCCESSORS, bank, schedule, sigma  # noqa: E402 (the filter types of reference-system.md 1.3)

LEVELS, STRIDE, BATCH, SIZE = 2, 2, 32, 224


def padding(levels, stride, f):
    """The reference's P (reference-system.md 1.4)."""
    strides, dilations = schedule(levels, stride)
    total, product = 0, 1
    for j in range(levels):
        k = len(f["h1fs"]) if j == 0 else len(f["h1"])
        total += product * (dilations[j] * (k - 1) + 1 - strides[j] + 1)
        product *= strides[j]
    return 2 * ((total // 2) // 2)


class ReferenceDtCwpt2d:
    def __init__(self, levels, stride, channels=1, filters="qshift_a"):
        f = bank(filters)
        self.levels, self.channels, self.pad = levels, channels, padding(levels, stride, f)
        self.strides, self.dilations = schedule(levels, stride)
        # Per stage, the (2 * channels) filters along H and along W; channel q of stage j has types (vertical,
        # horizontal), its outputs 2q + bit after the H pass and 4q + 2v + u after the W pass.
        vertical = [("h1fs", "g1fs") if t >> 1 == 0 else ("h2fs", "g2fs") for t in range(4) for _ in range(channels)]
        horizontal = [("h1fs", "g1fs") if t & 1 == 0 else ("h2fs", "g2fs") for t in range(4) for _ in range(channels)]
        self.weights = []
        v_types, h_types = [None] * len(vertical), [None] * len(horizontal)
        for j in range(levels):
            v_next = [vertical[q][bit] if j == 0 else SUCCESSORS[v_types[q]][bit]
                      for q in range(len(v_types)) for bit in (0, 1)]
            h_carry = [h_types[q] for q in range(len(h_types)) for _ in (0, 1)]
            h_first = [horizontal[q] for q in range(len(horizontal)) for _ in (0, 1)]
            h_next = [h_first[q][bit] if j == 0 else SUCCESSORS[h_carry[q]][bit]
                      for q in range(len(h_carry)) for bit in (0, 1)]
            v_next_carried = [v for v in v_next for _ in (0, 1)]
            k = len(f[v_next[0]])
            along_h = torch.tensor([list(f[t]) for t in v_next], dtype=torch.float32).view(-1, 1, k, 1)
            along_w = torch.tensor([list(f[t]) for t in h_next], dtype=torch.float32).view(-1, 1, 1, k)
            self.weights.append((along_h, along_w))
            v_types, h_types = v_next_carried, h_next
        paths = 4 ** levels
        codes = torch.arange(paths)
        u = sum(((codes >> (2 * (levels - 1 - j))) & 1) << (levels - 1 - j) for j in range(levels))
        s_u = torch.tensor([sigma(int(b), levels) for b in u], dtype=torch.float32).view(1, 1, paths, 1, 1)
        self.sign_a, self.sign_b = torch.where(s_u < 0, -1.0, 1.0), torch.where(s_u > 0, -1.0, 1.0)

    def __call__(self, x):
        n, c = x.shape[:2]
        y = F.pad(x, [self.pad] * 4).repeat(1, 4, 1, 1)
        for j, (along_h, along_w) in enumerate(self.weights):
            s, d = self.strides[j], self.dilations[j]
            y = F.conv2d(y, along_h, stride=(s, 1), dilation=(d, 1), groups=y.shape[1])
            y = F.conv2d(y, along_w, stride=(1, s), dilation=(1, d), groups=y.shape[1])
        paths = 4 ** self.levels
        t = y.view(n, 4, c, paths, *y.shape[2:])
        d11, d12, d21, d22 = t.unbind(1)
        ya = torch.stack([d11 - d22, self.sign_a * (d21 + d12)], 3)
        yb = torch.stack([d11 + d22, self.sign_b * (d21 - d12)], 3)
        return torch.stack([ya, yb], 2).reshape(n, c * 4 * paths, *y.shape[2:])


def images_per_second(transform, x, seconds=3.0):
    transform(x)
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        transform(x)
        count += 1
    return BATCH * count / (time.perf_counter() - start)


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    torch.set_num_threads(os.cpu_count())
    x = torch.rand(BATCH, 1, SIZE, SIZE)
    reference, ours = ReferenceDtCwpt2d(LEVELS, STRIDE), wavetwin.DtCwpt2d(LEVELS, stride=STRIDE)
    with torch.no_grad():
        expected, got = reference(x), ours(x)
        error = ((got - expected).abs().max() / expected.abs().max()).item()
        assert got.shape == expected.shape and error < 1e-5, (got.shape, expected.shape, error)
        print(f"same output {list(got.shape)}, largest difference {error:.1e} of the largest value")
        for r in range(rounds):
            slow, fast = images_per_second(reference, x), images_per_second(ours, x)
            print(f"round {r + 1}: reference {slow:.0f} images/s, wavetwin {fast:.0f} images/s, "
                  f"{fast / slow:.1f}x", flush=True)


if __name__ == "__main__":
    main()
