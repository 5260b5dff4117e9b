#!/usr/bin/python3
"""Writes small images of every kind the decoder handles into DIR (seeds of the image fuzz target): JPEG grey,
4:2:0 and 4:4:4 RGB, progressive and CMYK; PNG grey, grey + alpha, RGB, RGBA, palette and 16-bit grey.

Usage: /usr/bin/python3 fuzz/image_seeds.py FIXTURE.jpg DIR
"""
import os
import sys

from PIL import Image


def main():
    source, out = sys.argv[1], sys.argv[2]
    rgb = Image.open(source).convert("RGB").crop((0, 0, 21, 13))
    rgb.convert("L").save(os.path.join(out, "grey.jpg"), quality=80)
    rgb.save(os.path.join(out, "rgb-420.jpg"), quality=75)
    rgb.save(os.path.join(out, "rgb-444.jpg"), quality=95, subsampling=0)
    rgb.save(os.path.join(out, "progressive.jpg"), progressive=True)
    rgb.convert("CMYK").save(os.path.join(out, "cmyk.jpg"))
    rgb.convert("L").save(os.path.join(out, "grey.png"))
    rgb.convert("LA").save(os.path.join(out, "grey-alpha.png"))
    rgb.save(os.path.join(out, "rgb.png"))
    rgb.convert("RGBA").save(os.path.join(out, "rgba.png"))
    rgb.convert("P").save(os.path.join(out, "palette.png"))
    rgb.convert("L").convert("I;16").save(os.path.join(out, "grey-16.png"))


if __name__ == "__main__":
    main()
