"""Training a zoo model from a plain PyTorch loop against the same step in C++ (BM_TrainCifar), alternated.

The step of both: batch 256 of 3 x 32 x 32, 10 classes, forward, cross-entropy, backward, SGD with lr 0.01,
momentum 0.9, weight decay 1e-4, on the same fixed batch; all threads. The issue's target: Python at least 95 %
of C++. Needs the built package (PYTHONPATH=build/python) and build/wavetwin_bench.

Usage: PYTHONPATH=build/python /usr/bin/python3 bench/python/train_bench.py [ROUNDS] [MODEL]
"""
import json
import os
import pathlib
import subprocess
import sys
import time

import torch

import wavetwin

ROOT = pathlib.Path(__file__).resolve().parents[2]


def python_images_per_second(name, seconds=6.0):
    model = wavetwin.models.build(name)
    model.train()
    sgd = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
    x = torch.rand(256, 3, 32, 32)
    labels = torch.randint(0, 10, (256,))

    def step():
        sgd.zero_grad()
        torch.nn.functional.cross_entropy(model(x), labels).backward()
        sgd.step()

    step()  # first-call allocations, as the C++ benchmark
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:  # images over the whole time, as Google Benchmark counts them
        step()
        steps += 1
    return 256 * steps / (time.perf_counter() - start)


def cpp_images_per_second(name):
    bench = os.environ.get("WAVETWIN_BENCH", str(ROOT / "build" / "wavetwin_bench"))
    out = subprocess.run([bench, f"--benchmark_filter=BM_TrainCifar/{name}/", "--benchmark_format=json",
                          "--benchmark_min_time=6", "--benchmark_repetitions=1"],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)["benchmarks"][0]["items_per_second"]


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    name = sys.argv[2] if len(sys.argv) > 2 else "R18wyC_mod"
    torch.set_num_threads(os.cpu_count())
    for r in range(rounds):
        cpp = cpp_images_per_second(name)
        py = python_images_per_second(name)
        print(f"round {r + 1}: {name} C++ {cpp:.0f} images/s, Python {py:.0f} images/s, "
              f"Python / C++ {100 * py / cpp:.1f} %", flush=True)


if __name__ == "__main__":
    main()
