#!/usr/bin/python3
"""PIL oracle for tests/data/image_test.cpp.

  image.py make DIR                      writes sample images of every supported kind into DIR
  image.py decode IN...                  PIL's decoding of each IN (grey stays grey, everything else RGB,
                                         16-bit scaled by 1/257) as uint8 (H, W, C), written to IN.pt
  image.py resize IN PREFIX H W [H W...] PIL's Image.resize((W, H), BILINEAR) of the decoded IN, written to
                                         PREFIX_HxW.pt
"""
import sys

import numpy as np
import torch
from PIL import Image


def make(directory):
    rng = np.random.default_rng(3)
    smooth = np.add.outer(np.arange(37) * 5, np.arange(53) * 3) % 256
    rgb = np.stack([smooth, 255 - smooth, (smooth * 7) % 256], axis=2).astype(np.uint8)
    gray = smooth.astype(np.uint8)
    Image.fromarray(gray).save(f"{directory}/gray.png")
    Image.fromarray(rgb).save(f"{directory}/rgb.png")
    Image.fromarray(np.dstack([rgb, rng.integers(0, 256, gray.shape, dtype=np.uint8)])).save(f"{directory}/rgba.png")
    Image.fromarray(rgb).convert("P", palette=Image.ADAPTIVE, colors=16).save(f"{directory}/palette.png")
    Image.fromarray((smooth.astype(np.uint16) * 257)).save(f"{directory}/gray16.png")
    Image.fromarray(gray).save(f"{directory}/gray.jpg", quality=95)
    Image.fromarray(rgb).save(f"{directory}/rgb.jpg", quality=95)
    Image.fromarray(rgb).convert("CMYK").save(f"{directory}/cmyk.jpg", quality=95)


def load(path):
    image = Image.open(path)
    if image.mode in ("I", "I;16"):
        return Image.fromarray(np.round(np.array(image) / 257).astype(np.uint8))
    return image if image.mode == "L" else image.convert("RGB")


def save(image, path):
    array = np.array(image)
    if array.ndim == 2:
        array = array[:, :, None]
    torch.save(torch.from_numpy(np.ascontiguousarray(array)), path)


def main():
    command = sys.argv[1]
    if command == "make":
        make(sys.argv[2])
    elif command == "decode":
        for path in sys.argv[2:]:
            save(load(path), path + ".pt")
    elif command == "resize":
        image = load(sys.argv[2])
        sizes = [int(v) for v in sys.argv[4:]]
        for height, width in zip(sizes[::2], sizes[1::2]):
            save(image.resize((width, height), Image.BILINEAR), f"{sys.argv[3]}_{height}x{width}.pt")


if __name__ == "__main__":
    main()
