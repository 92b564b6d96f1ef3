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
#   env: STEPS=60 WARMUP=10 DOCS=4000 FULL_FP32=0 SKIP_BUILD=0 REAL_DEV=../shared/real-dev
#        PHASE=all|fixed|full  (fixed: up to the reference; full: the full runs, reusing
#                               the build and dataset when present; both write the report)
#        COPY_TO=DIR           (also copy the report and the runs' logs and metrics there)
set -euo pipefail
cd "$(dirname "$0")/../../.."

steps="${STEPS:-60}"
warmup="${WARMUP:-10}"
docs="${DOCS:-4000}"
phase="${PHASE:-all}"
work=build-cuda/gpu-bench
bin=build-cuda
case "$phase" in all | fixed | full) ;; *)
  echo "run.sh: PHASE must be all, fixed or full" >&2
  exit 2
  ;;
esac

stage() { echo "==> [$((SECONDS / 60))m$((SECONDS % 60))s] $*"; }

if [[ "${SKIP_BUILD:-0}" != 1 && ! ("$phase" == full && -x "$bin/train/ner-train") ]]; then
  stage "build"
  tools/build_cuda.sh --no-test
fi
device="$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)"
stage "device: $device"
if ! "$bin/train/ner-train" env | grep -Eq '^cuda_memory_statistics +true'; then
  echo "run.sh: this build cannot read the CUDA allocator's statistics; memory columns will be 0" >&2
fi

if [[ "$phase" != full || ! -f "$work/data.h5" ]]; then
  rm -rf "$work"
  mkdir -p "$work/runs"
  stage "generate $docs documents and prepare them with configs/base.yaml"
  "$bin/tools/corpus/ner-corpus" generate --docs "$docs" --seed 1 --out "$work/corpus" \
    --gold "$work/gold"
  "$bin/train/ner-train" prepare --config configs/base.yaml --data "$work/corpus" \
    --gold "$work/gold" --out "$work/data.h5"
fi

train() {  # name, then --set overrides
  local name="$1"
  shift
  stage "ner-train $name"
  rm -rf "$work/runs/$name"
  "$bin/train/ner-train" --config configs/base.yaml --data "$work/data.h5" \
    --out "$work/runs/$name" --progress lines --set train.device=cuda "$@"
}

reference="$work/reference.jsonl"
if [[ "$phase" != full ]]; then
  stage "PyTorch reference self-check (parallel-scan CRF against the loop)"
  python3 tools/bench/gpu/reference.py --self-check
  stage "train_step_bench (base shapes, CUDA)"
  "$bin/tools/bench/train_step_bench" configs/base.yaml --device cuda |
    tee "$work/components.txt" || echo "(train_step_bench: a target was missed, see above)"
  for precision in fp32 bf16 fp16; do
    for checkpointing in false true; do
      train "$precision-ckpt$checkpointing" --set "train.precision=$precision" \
        --set "model.checkpointing=$checkpointing" --set "train.max_steps=$steps"
    done
  done
  : > "$reference"
  for mode in "" --compile; do
    for precision in fp32 bf16; do
      stage "PyTorch reference $precision ${mode:-eager}"
      python3 tools/bench/gpu/reference.py --log "$work/runs/$precision-ckptfalse/log.jsonl" \
        --run "$work/runs/$precision-ckptfalse" --precision "$precision" --warmup "$warmup" \
        $mode >> "$reference"
    done
  done
  stage "PyTorch reference bf16 eager, checkpointing"
  python3 tools/bench/gpu/reference.py --log "$work/runs/bf16-ckpttrue/log.jsonl" \
    --run "$work/runs/bf16-ckpttrue" --precision bf16 --checkpointing --warmup "$warmup" \
    >> "$reference"
fi

if [[ "$phase" != fixed ]]; then
  train full-bf16 --set train.precision=bf16
  if [[ "${FULL_FP32:-0}" == 1 ]]; then train full-fp32 --set train.precision=fp32; fi
  real_dev="${REAL_DEV:-../shared/real-dev}"
  if [[ -d "$real_dev" ]]; then
    stage "real-dev, full bf16 run"
    NER_BUILD_DIR="$bin" tools/score_real_dev.sh "$work/runs/full-bf16" "$real_dev" |
      tee "$work/real-dev.txt" || echo "(real-dev scoring failed, see above)"
  fi
fi

stage "report"
[[ -f "$reference" ]] || : > "$reference"
slug="$(echo "$device" | tr -cs 'A-Za-z0-9' '-' | sed 's/-$//')"
results="tools/bench/gpu/results/$(date +%F)-$slug.md"
python3 tools/bench/gpu/report.py --runs "$work/runs" --reference "$reference" \
  --device "$device" --warmup "$warmup" --components "$work/components.txt" \
  --real-dev "$work/real-dev.txt" --out "$results"
if [[ -n "${COPY_TO:-}" ]]; then
  mkdir -p "$COPY_TO"
  cp "$results" "$COPY_TO/"
  (cd "$work" && find runs -name log.jsonl -o -name metrics.json -o -name config.yaml |
    tar -czf - -T - reference.jsonl $(ls components.txt real-dev.txt 2> /dev/null)) \
    > "$COPY_TO/gpu-bench-logs.tar.gz"
fi
stage "done"
