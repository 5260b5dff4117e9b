#!/usr/bin/env bash
# The CIFAR-10 reproduction of docs/results/cifar10/: R18C, R18wyC and R18wyC_mod, and beside them APS (R18aps3C)
# and APS after the CMod twin (R18aps3wyC_mod), trained with the reference's
# CIFAR-10 recipe shortened to EPOCHS epochs (the step schedule scaled: lr 0.1, x0.1 every ceil(EPOCHS/3) epochs),
# evaluated on the test set (one-crop, ten-crops on all 10000 images; shifts, consistency and circular shifts on
# SHIFT_IMAGES),
# and reported beside the paper's Table II with the paper's claims of CLAIMS (default scripts/cifar10_claims.json)
# checked on the runs.
# Usage: scripts/reproduce_cifar10.sh CIFAR10_DIR [OUT]   (CIFAR10_DIR: the JPEG folders train/ and test/, or
# cifar-10-batches-bin/); EPOCHS, SHIFT_IMAGES, STORE, MODELS (space-separated) and CLAIMS may be set in the
# environment.
set -euo pipefail
data=${1:?usage: scripts/reproduce_cifar10.sh CIFAR10_DIR [OUT]}
out=${2:-docs/results/cifar10}
cli=${WAVETWIN:-build/wavetwin}
epochs=${EPOCHS:-3}
step=$(( (epochs + 2) / 3 ))
shift_images=${SHIFT_IMAGES:-1000}
store=${STORE:-runs/cifar10/wavetwin.db}
claims=${CLAIMS:-$(dirname "$0")/cifar10_claims.json}
read -r -a models <<< "${MODELS:-R18C R18wyC R18wyC_mod R18aps3C R18aps3wyC_mod}"
for model in "${models[@]}"; do
  if "$cli" runs show "$model" --store "$store" 2>/dev/null | grep -q "status   finished"; then continue; fi
  resume=()
  "$cli" runs show "$model" --store "$store" >/dev/null 2>&1 && resume=(--resume)
  "$cli" train "$model" --data "cifar10:$data" --recipe cifar10-resnet --epochs "$epochs" --step "$step" \
    --name "$model" --store "$store" "${resume[@]}"
done
for model in "${models[@]}"; do
  "$cli" eval "$model" --store "$store" --mode all --shift-limit "$shift_images"
done
"$cli" report "${models[@]}" --reference R18C --paper cifar10 --store "$store" --out "$out" --claims "$claims" \
  --title "CIFAR-10 reproduction: ResNet-18, its wavelet twins and APS ($epochs epochs)"
