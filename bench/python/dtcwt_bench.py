"""The DTCWT from Python against its peers on the same inputs, rounds alternated, medians reported.

1. python3-dtcwt (Debian): Transform2d forward and inverse, one 512x512 float64 image, J = 3 (the issue's
   acceptance workload), against wavetwin.DTCWTForward / DTCWTInverse on the same array.
2. pytorch_wavelets, when importable (it is not packaged in Debian; put its source on PYTHONPATH): DTCWTForward
   forward and forward + backward, 224x224, batch 32, J = 3, float32, near_sym_a / qshift_a, against
   wavetwin.DTCWTForward with the same arguments.
All threads for torch; numpy's dtcwt runs single-threaded as it does anywhere.

Usage: PYTHONPATH=build/python[:PATH/TO/pytorch_wavelets] /usr/bin/python3 bench/python/dtcwt_bench.py [ROUNDS]
"""
import logging
import os
import statistics
import sys
import time

import dtcwt
import torch

import wavetwin

logging.disable(logging.WARNING)


def median_seconds(fn, seconds=2.0, at_least=3):
    fn()
    times = []
    start = time.perf_counter()
    while time.perf_counter() - start < seconds or len(times) < at_least:
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def versus_dtcwt(rounds):
    x = torch.rand(1, 1, 512, 512, dtype=torch.float64)
    image = x[0, 0].numpy()
    numpy_xfm = dtcwt.Transform2d("near_sym_a", "qshift_a")
    forward, inverse = wavetwin.DTCWTForward(J=3), wavetwin.DTCWTInverse()
    pyramid = numpy_xfm.forward(image, nlevels=3)
    coeffs = forward(x)
    with torch.no_grad():
        for r in range(rounds):
            ours = median_seconds(lambda: forward(x))
            theirs = median_seconds(lambda: numpy_xfm.forward(image, nlevels=3))
            ours_inv = median_seconds(lambda: inverse(coeffs))
            theirs_inv = median_seconds(lambda: numpy_xfm.inverse(pyramid))
            print(f"round {r + 1}: 512x512 float64 J=3 forward: wavetwin {1e3 * ours:.2f} ms, python3-dtcwt "
                  f"{1e3 * theirs:.2f} ms ({theirs / ours:.1f}x); inverse: wavetwin {1e3 * ours_inv:.2f} ms, "
                  f"python3-dtcwt {1e3 * theirs_inv:.2f} ms ({theirs_inv / ours_inv:.1f}x)")


def forward_backward(module):
    def step(x):
        yl, yh = module(x)
        loss = yl.sum() + sum(h.sum() for h in yh)
        return torch.autograd.grad(loss, x)
    return step


def versus_pytorch_wavelets(rounds):
    try:
        import pytorch_wavelets
    except ImportError:
        print("pytorch_wavelets: not importable (not packaged in Debian); put its source on PYTHONPATH to compare")
        return
    x = torch.rand(32, 1, 224, 224)
    ours, theirs = wavetwin.DTCWTForward(J=3), pytorch_wavelets.DTCWTForward(J=3)
    xg = x.clone().requires_grad_(True)
    for r in range(rounds):
        with torch.no_grad():
            f_ours = median_seconds(lambda: ours(x))
            f_theirs = median_seconds(lambda: theirs(x))
        b_ours = median_seconds(lambda: forward_backward(ours)(xg))
        b_theirs = median_seconds(lambda: forward_backward(theirs)(xg))
        print(f"round {r + 1}: 224x224 batch 32 float32 J=3: forward wavetwin {32 / f_ours:.0f} images/s, "
              f"pytorch_wavelets {32 / f_theirs:.0f} images/s ({f_theirs / f_ours:.1f}x); forward + backward "
              f"wavetwin {32 / b_ours:.0f} images/s, pytorch_wavelets {32 / b_theirs:.0f} images/s "
              f"({b_theirs / b_ours:.1f}x)")


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    torch.set_num_threads(os.cpu_count())
    versus_dtcwt(rounds)
    versus_pytorch_wavelets(rounds)


if __name__ == "__main__":
    main()
