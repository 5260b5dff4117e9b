"""DtCwpt2d forward from Python against the same workload in C++ (BM_DtCwpt2dForward), alternated.

224x224, batch 32, J = 2, stride 2, float32, one channel, no gradient, all threads: the issue's target is
Python within 5 % of C++. Needs the built package (PYTHONPATH=build/python) and build/wavetwin_bench.

Usage: PYTHONPATH=build/python /usr/bin/python3 bench/python/dtcwpt_bench.py [ROUNDS]
"""
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time

import torch

import wavetwin

ROOT = pathlib.Path(__file__).resolve().parents[2]
FILTER = "BM_DtCwpt2dForward/size:224/batch:32/J:2/S:2/real:0/real_time"


def python_images_per_second(seconds=2.0):
    xfm = wavetwin.DtCwpt2d(2, stride=2)
    x = torch.rand(32, 1, 224, 224)
    times = []
    with torch.no_grad():
        xfm(x)
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            t = time.perf_counter()
            xfm(x)
            times.append(time.perf_counter() - t)
    return 32 / statistics.median(times)


def cpp_images_per_second():
    bench = os.environ.get("WAVETWIN_BENCH", str(ROOT / "build" / "wavetwin_bench"))
    out = subprocess.run([bench, f"--benchmark_filter={FILTER}$", "--benchmark_format=json", "--benchmark_min_time=2"],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)["benchmarks"][0]["items_per_second"]


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    torch.set_num_threads(os.cpu_count())
    for r in range(rounds):
        cpp = cpp_images_per_second()
        py = python_images_per_second()
        print(f"round {r + 1}: C++ {cpp:.0f} images/s, Python {py:.0f} images/s, Python / C++ {100 * py / cpp:.1f} %")


if __name__ == "__main__":
    main()
