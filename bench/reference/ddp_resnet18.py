"""Yardstick for BM_DataParallelStep: PyTorch's own DistributedDataParallel with Gloo on torchvision's
ResNet-18, a CIFAR-sized global batch of 256 (3 x 32 x 32, 10 classes) split over the ranks, SGD with momentum
0.9 and weight decay 1e-4. Alone (no WORLD_SIZE) it trains one process on the whole batch with all cores; with
torchrun's variables (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT) each rank takes its part with the cores
divided among the ranks (bench/dist_scaling.sh starts them: Debian's torchrun fails under Python 3.11).

Usage: /usr/bin/python3 bench/reference/ddp_resnet18.py [STEPS]
Rank 0 prints the global images/s over STEPS timed steps (default 12) after two warm-up steps.
"""
import os
import sys
import time

import torch
import torch.distributed as dist
import torchvision


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 12
    ranks = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    torch.set_num_threads(max(1, os.cpu_count() // ranks))
    torch.manual_seed(0)
    model = torchvision.models.resnet18(num_classes=10)
    model.train()
    if ranks > 1:
        dist.init_process_group("gloo", rank=rank, world_size=ranks)
        model = torch.nn.parallel.DistributedDataParallel(model)
    sgd = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
    part = 256 // ranks + (1 if rank < 256 % ranks else 0)
    x = torch.rand(part, 3, 32, 32)
    labels = torch.randint(10, (part,))

    def step():
        sgd.zero_grad()
        torch.nn.functional.cross_entropy(model(x), labels).backward()
        sgd.step()

    for _ in range(2):
        step()
    if ranks > 1:
        dist.barrier()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    seconds = time.perf_counter() - start
    if rank == 0:
        print(f"DDP torchvision resnet18, global batch 256, {ranks} rank(s) x {torch.get_num_threads()} thread(s): "
              f"{steps * 256 / seconds:.0f} images/s ({torch.__version__})")
    if ranks > 1:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
