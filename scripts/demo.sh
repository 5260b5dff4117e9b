#!/usr/bin/env bash
# `make demo`: the DT-CWPT of a natural image from ../shared, its packet mosaics, a perfect reconstruction,
# and the packet table. Writes into $BUILD/demo/ (build/demo/ by default).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build}
out=$build/demo
mkdir -p "$out"
archive=../shared/datasets/imagenet-sample-1000.tar
image=tests/fixtures/image/natural_gray.png
if [ -f "$archive" ]; then
  tar -xf "$archive" -C "$out" imagenet-sample/n01443537_goldfish.JPEG
  image="$out/imagenet-sample/n01443537_goldfish.JPEG"
fi
cli=$build/wavetwin
echo "== ResNet twin transform (J=2, stride 2), packet mosaics"
"$cli" transform "$image" --gray --depth 2 --stride 2 --output "$out/packets_j2.pt" --mosaic "$out/mosaic_j2.png"
echo "== AlexNet twin transform (J=3, stride 4)"
"$cli" transform "$image" --gray --depth 3 --stride 4 --mosaic "$out/mosaic_j3.png"
echo "== Perfect reconstruction (J=3, fully decimated, full zero padding; then periodic)"
"$cli" transform "$image" --gray --depth 3 --full --inverse
"$cli" transform "$image" --depth 2 --padding periodic --inverse
echo "== Packet metadata, depth 2"
"$cli" filters --packets 2
echo "demo outputs in $out/"
