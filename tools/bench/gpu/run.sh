#!/usr/bin/env bash
# GPU training benchmark, run on the GPU machine in one call: builds the project
# there (tools/build_cuda.sh), generates and prepares a corpus, trains
# configs/base.yaml for a fixed number of steps in fp32, bf16 and fp16, each with
# checkpointing off and on, runs the PyTorch reference (eager and torch.compile)
# on the same batch shapes, then one full bf16 run to early stopping, and writes
# the table to tools/bench/gpu/results/DATE-DEVICE.md, with train_step_bench's
# breakdown of the step and, when REAL_DEV names the gold real-dev texts, the
# full run's F1 on them.
# Usage: tools/bench/gpu/run.sh
#   (env: STEPS=60 WARMUP=10 DOCS=4000 FULL_FP32=0 SKIP_BUILD=0 REAL_DEV=../shared/real-dev)
set -euo pipefail
cd "$(dirname "$0")/../../.."

steps="${STEPS:-60}"
warmup="${WARMUP:-10}"
docs="${DOCS:-4000}"
work=build-cuda/gpu-bench
bin=build-cuda

[[ "${SKIP_BUILD:-0}" == 1 ]] || tools/build_cuda.sh --no-test
device="$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)"
echo "==> device: $device"
rm -rf "$work"
mkdir -p "$work/runs"
echo "==> PyTorch reference self-check (parallel-scan CRF against the loop)"
python3 tools/bench/gpu/reference.py --self-check
echo "==> train_step_bench (base shapes, CUDA)"
"$bin/tools/bench/train_step_bench" configs/base.yaml --device cuda | tee "$work/components.txt" ||
  echo "(train_step_bench: a target was missed, see above)"
"$bin/tools/corpus/ner-corpus" generate --docs "$docs" --seed 1 --out "$work/corpus" \
  --gold "$work/gold"
"$bin/train/ner-train" prepare --config configs/base.yaml --data "$work/corpus" \
  --gold "$work/gold" --out "$work/data.h5"

train() {  # name, then --set overrides
  local name="$1"
  shift
  echo "==> ner-train $name"
  "$bin/train/ner-train" --config configs/base.yaml --data "$work/data.h5" \
    --out "$work/runs/$name" --progress lines --set train.device=cuda "$@"
}
for precision in fp32 bf16 fp16; do
  for checkpointing in false true; do
    train "$precision-ckpt$checkpointing" --set "train.precision=$precision" \
      --set "model.checkpointing=$checkpointing" --set "train.max_steps=$steps"
  done
done

reference="$work/reference.jsonl"
: > "$reference"
for mode in "" --compile; do
  for precision in fp32 bf16; do
    echo "==> PyTorch reference $precision ${mode:-eager}"
    python3 tools/bench/gpu/reference.py --log "$work/runs/$precision-ckptfalse/log.jsonl" \
      --run "$work/runs/$precision-ckptfalse" --precision "$precision" --warmup "$warmup" \
      $mode >> "$reference"
  done
done
python3 tools/bench/gpu/reference.py --log "$work/runs/bf16-ckpttrue/log.jsonl" \
  --run "$work/runs/bf16-ckpttrue" --precision bf16 --checkpointing --warmup "$warmup" \
  >> "$reference"

train full-bf16 --set train.precision=bf16
[[ "${FULL_FP32:-0}" == 1 ]] && train full-fp32 --set train.precision=fp32
real_dev="${REAL_DEV:-../shared/real-dev}"
if [[ -d "$real_dev" ]]; then
  echo "==> real-dev, full bf16 run"
  NER_BUILD_DIR="$bin" tools/score_real_dev.sh "$work/runs/full-bf16" "$real_dev" |
    tee "$work/real-dev.txt" || echo "(real-dev scoring failed, see above)"
fi

slug="$(echo "$device" | tr -cs 'A-Za-z0-9' '-' | sed 's/-$//')"
python3 tools/bench/gpu/report.py --runs "$work/runs" --reference "$reference" \
  --device "$device" --warmup "$warmup" --components "$work/components.txt" \
  --real-dev "$work/real-dev.txt" \
  --out "tools/bench/gpu/results/$(date +%F)-$slug.md"
