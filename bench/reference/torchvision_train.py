"""Yardstick for BM_TrainCifar: the reference's standard ResNet-18 (torchvision's, as wcnn builds it) trained
on random CIFAR-sized batches with PyTorch on this machine: forward, cross-entropy, backward, SGD step with
momentum 0.9 and weight decay 1e-4, batch 256, 3 x 32 x 32, 10 classes, all cores.

Usage: /usr/bin/python3 bench/reference/torchvision_train.py [STEPS]   (Debian's python3-torch, -torchvision)
Prints images/s over STEPS timed steps (default 20) after two warm-up steps.
"""
import os
import sys
import time

import torch
import torchvision


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    torch.set_num_threads(os.cpu_count())
    torch.manual_seed(0)
    model = torchvision.models.resnet18(num_classes=10)
    model.train()
    sgd = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
    x = torch.rand(256, 3, 32, 32)
    labels = torch.randint(10, (256,))

    def step():
        sgd.zero_grad()
        torch.nn.functional.cross_entropy(model(x), labels).backward()
        sgd.step()

    for _ in range(2):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    seconds = time.perf_counter() - start
    print(f"torchvision resnet18, batch 256, 3x32x32: {steps * 256 / seconds:.0f} images/s "
          f"({torch.__version__}, {torch.get_num_threads()} threads)")


if __name__ == "__main__":
    main()
