#!/usr/bin/python3
"""Writes tests/fixtures/image/natural_gray.png (131 x 97 grey) and natural_rgb.jpg (77 x 61 colour): small
crops of one natural photograph of ../shared/datasets/imagenet-sample-1000.tar, odd and non-square on purpose.

Usage: /usr/bin/python3 tests/oracles/make_image_fixtures.py ../shared/datasets/imagenet-sample-1000.tar
"""
import io
import os
import sys
import tarfile

from PIL import Image

MEMBER = "imagenet-sample/n01443537_goldfish.JPEG"


def main():
    out = os.path.join(os.path.dirname(__file__), "..", "fixtures", "image")
    with tarfile.open(sys.argv[1]) as tar:
        image = Image.open(io.BytesIO(tar.extractfile(MEMBER).read()))
        image.load()
    image.convert("L").crop((40, 30, 171, 127)).save(os.path.join(out, "natural_gray.png"))
    image.convert("RGB").crop((10, 10, 87, 71)).save(os.path.join(out, "natural_rgb.jpg"), quality=90)


if __name__ == "__main__":
    main()
