#!/usr/bin/env bash
# scripts/fuzz.sh BUILD SECONDS JOBS (run by `make fuzz`): seeds the corpora, runs every libFuzzer target of
# BUILD/fuzz for SECONDS, JOBS at a time, and sums up. Exits 1 when a target found a crash, leak, timeout or
# out-of-memory; the input is then in BUILD/findings/TARGET/.
set -euo pipefail
build=$(cd "$1" && pwd) seconds=$2 jobs=$3
root=$(cd "$(dirname "$0")/.." && pwd)
targets=(image idx cifar10 tensor_file checkpoint model_spec data_spec)

seeds=$build/seeds
rm -rf "$seeds"
"$build/fuzz/wavetwin_fuzz_seeds" "$seeds"
cp "$root"/tests/fixtures/image/* "$seeds/image/"
/usr/bin/python3 "$root/fuzz/image_seeds.py" "$root/tests/fixtures/image/natural_rgb.jpg" "$seeds/image"
# Ten photographs of ../shared's CIFAR-10 JPEGs, when it is there.
shared_cifar=$root/../shared/datasets/cifar10-jpg.tar.gz
if [ -f "$shared_cifar" ]; then
  mapfile -t members < <(tar -tzf "$shared_cifar" | grep '\.jpg$' | awk 'NR % 997 == 1' | head -10)
  tar -xzf "$shared_cifar" -C "$seeds/image" --transform='s,.*/,cifar10-,' "${members[@]}"
else
  echo "fuzz: $shared_cifar not found; the image target starts from the fixtures alone"
fi

# Reports with function names; leaks inside libtorch (fuzz/lsan.supp) told apart from wavetwin's.
export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-16/bin/llvm-symbolizer
export LSAN_OPTIONS=suppressions=$root/fuzz/lsan.supp

run_target() {
  local target=$1
  mkdir -p "$build/corpus/$target" "$build/findings/$target"
  # A decode may take 10 s and 2 GB at most: more is a finding (a hang, or memory not bounded by the input).
  "$build/fuzz/${target}_fuzz" "$build/corpus/$target" "$seeds/$target" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -max_len=262144 -print_final_stats=1 -artifact_prefix="$build/findings/$target/" \
    > "$build/findings/$target.log" 2>&1 || true
}

echo "fuzz: ${#targets[@]} targets, $seconds s each, $jobs at a time; logs in $build/findings/"
running=0
for target in "${targets[@]}"; do
  run_target "$target" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
done
wait

status=0
printf '%-12s %12s %10s %8s %9s\n' target executions corpus seconds findings
for target in "${targets[@]}"; do
  log=$build/findings/$target.log
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  took=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  corpus=$(find "$build/corpus/$target" -type f | wc -l)
  findings=$(find "$build/findings/$target" -type f | wc -l)
  printf '%-12s %12s %10s %8s %9s\n' "$target" "${runs:-0}" "$corpus" "$seconds" "$findings"
  if [ "$findings" -gt 0 ] || ! grep -q 'Done [0-9]* runs' "$log"; then
    echo "fuzz: $target found a problem (exec/s $took); see $log and $build/findings/$target/"
    status=1
  fi
done
exit $status
