#!/usr/bin/env bash
# Installs every Debian package wavetwin needs; safe to run again (already installed packages are skipped).
# `setup.sh fuzz` adds what `make fuzz` needs: clang 16 with libFuzzer, llvm-16 (its symbolizer) and libstdc++
# 11's headers, since clang rejects libtorch 1.13's headers in C++20 with libstdc++ 12's constexpr std::vector.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libtorch-dev libopenblas0-openmp
  libjpeg62-turbo-dev libpng-dev zlib1g-dev
  libsqlite3-dev libcli11-dev nlohmann-json3-dev libgtest-dev libgmock-dev libbenchmark-dev
  gnuplot-nox fonts-dejavu-core
  dataset-fashion-mnist
  python3-torch python3-numpy python3-dtcwt python3-pywt python3-pil
  python3-skimage python3-torchvision
  pybind11-dev python3-dev python3-pytest
  libgloo-dev
)
if [ "${1:-}" = fuzz ]; then
  packages+=(clang-16 libclang-rt-16-dev llvm-16 libstdc++-11-dev)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "setup: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
