#!/bin/bash
# bench/dist_scaling.sh: data-parallel scaling on this machine: 2 ranks x (cores / 2) threads against 1 process
# x all cores, for wavetwin (BM_DataParallelStep, R18wyC_mod, with and without --sync-bn) and for PyTorch's DistributedDataParallel with
# Gloo on torchvision's ResNet-18 (bench/reference/ddp_resnet18.py), alternated ROUNDS times (default 3).
# The ranks are started with torchrun's variables on loopback. Usage: bench/dist_scaling.sh [ROUNDS] [BUILD_DIR]
set -euo pipefail
rounds=${1:-3}
build=${2:-build}
here=$(cd "$(dirname "$0")" && pwd)
port=29611

# images/s of BM_DataParallelStep/VARIANT, and its exposed communication per step, from Google Benchmark's
# console line. VARIANT: R18wyC_mod, or R18wyC_mod_sync_bn (--sync-bn).
ours() {
  "$build/wavetwin_bench" --benchmark_filter="DataParallelStep/$1/" 2>/dev/null | grep 'BM_DataParallelStep' |
    sed -E -e 's/.*exposed_comm_ms=([-0-9.k]+).*items_per_second=([0-9.k]+)\/s.*/\2 images\/s, exposed communication \1 ms per step/' \
      -e 's/.*items_per_second=([0-9.k]+)\/s.*/\1 images\/s/'
}
two_ranks() {  # COMMAND...: rank 1 in the background, rank 0 in the foreground
  port=$((port + 1))
  RANK=1 WORLD_SIZE=2 LOCAL_RANK=1 LOCAL_WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=$port "$@" >/dev/null 2>&1 &
  RANK=0 WORLD_SIZE=2 LOCAL_RANK=0 LOCAL_WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=$port "$@"
  wait
}
for round in $(seq "$rounds"); do
  echo "round $round"
  echo "  wavetwin 1 process:  $(ours R18wyC_mod)"
  echo "  wavetwin 2 ranks:    $(two_ranks ours R18wyC_mod)"
  echo "  wavetwin 2 ranks, --sync-bn: $(two_ranks ours R18wyC_mod_sync_bn)"
  echo "  $(/usr/bin/python3 "$here/reference/ddp_resnet18.py")"
  echo "  $(two_ranks /usr/bin/python3 "$here/reference/ddp_resnet18.py")"
done
