"""Yardstick for BM_LoaderImageNetJpeg: the reference's training pipeline (PIL decode, torchvision's
RandomResizedCrop(224), horizontal flip, ToTensor, ImageNet normalisation) on one core, over the 1000
ImageNet sample images of ../shared/datasets/imagenet-sample-1000.tar, read from memory.

Usage: /usr/bin/python3 bench/reference/pil_loader.py [TAR]   (Debian's python3-torch, -torchvision, -pil)
"""
import io
import os
import sys
import tarfile
import time

import torch
from PIL import Image
from torchvision import transforms


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    tar = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "../../../shared/datasets/imagenet-sample-1000.tar")
    torch.set_num_threads(1)
    with tarfile.open(tar) as archive:
        files = [archive.extractfile(m).read() for m in archive.getmembers()
                 if m.isfile() and m.name.lower().endswith((".jpeg", ".jpg"))]
    pipeline = transforms.Compose([
        transforms.RandomResizedCrop(224),
        transforms.RandomHorizontalFlip(),
        transforms.ToTensor(),
        transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
    ])
    torch.manual_seed(0)
    start = time.perf_counter()
    for data in files:
        pipeline(Image.open(io.BytesIO(data)).convert("RGB"))
    seconds = time.perf_counter() - start
    print(f"PIL + torchvision, RandomResizedCrop(224) + flip + normalise: {len(files) / seconds:.0f} images/s "
          f"on one core ({len(files)} images)")


if __name__ == "__main__":
    main()
