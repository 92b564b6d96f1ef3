#!/usr/bin/env bash
# Scores a trained run on real papers: the gold-tagged texts in ../shared/real-dev
# are prepared with the run's own tokenizer (all in the test split, gold labels,
# no repair) and evaluated with `ner-train evaluate`. Nothing is trained on them.
# Usage: tools/score_real_dev.sh RUN_DIR [REAL_DEV_DIR] [--json]
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $# -lt 1 || "$1" == -h || "$1" == --help ]]; then
  sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
run="$1"
real_dev="${2:-../shared/real-dev}"
json=()
[[ "${3:-}" == --json ]] && json=(--json)
train=build/train/ner-train
for needed in "$run/tokenizer.model" "$run/data_config.yaml" "$run/best.pt"; do
  [[ -f "$needed" ]] || { echo "score_real_dev: $needed is missing (is $run a finished run?)" >&2; exit 2; }
done
[[ -d "$real_dev" ]] || { echo "score_real_dev: $real_dev: no such directory" >&2; exit 2; }

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/corpus/test"
cp "$real_dev"/*.txt "$scratch/corpus/test/"
"$train" prepare --config "$run/data_config.yaml" --tokenizer "$run/tokenizer.model" \
  --data "$scratch/corpus" --gold "$scratch/corpus" --out "$scratch/real-dev.h5" \
  --set data.split=folders --set data.weak_label_repair=false >&2
"$train" evaluate --run "$run" --data "$scratch/real-dev.h5" --split test "${json[@]}"
