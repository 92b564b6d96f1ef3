#!/usr/bin/env bash
# GPU training benchmark, for the GPU machine: builds the project there
# (tools/build_cuda.sh) and runs the tests that exercise CUDA, generates and
# prepares a corpus, trains configs/base.yaml for a fixed number of steps in
# fp32, bf16 and fp16, each with checkpointing off and on, runs the PyTorch
# reference (eager and torch.compile) on the same batch shapes, then one full
# bf16 run to early stopping, and writes the table to
# tools/bench/gpu/results/DATE-DEVICE.md, with train_step_bench's breakdown of
# the step and, when REAL_DEV names the gold real-dev texts, the full run's F1
# on them. The report is rewritten after every stage, so a run cut short still
# leaves what it measured, and finished runs are kept: calling the script
# again goes on where it stopped (RERUN=1 starts the runs over).
# Usage: tools/bench/gpu/run.sh
#   env: STEPS=60 WARMUP=10 DOCS=4000 FULL_FP32=1 RERUN=0 REAL_DEV=../shared/real-dev
#        PHASE=all, or a comma-separated list of build, fixed, reference, full
#              (a phase without build reuses BUILD_DIR when it has the tools,
#              and every phase reuses the prepared dataset when it is there)
#        COPY_TO=DIR  (also copy the report and the runs' logs and metrics there)
#        CONFIG=configs/base.yaml DEVICE=cuda BUILD_DIR=build-cuda
#              (DEVICE=cpu CONFIG=configs/tiny.yaml BUILD_DIR=build PHASE=fixed,reference,full
#              walks the stages on a machine without a GPU, to check the script)
set -euo pipefail
cd "$(dirname "$0")/../../.."

steps="${STEPS:-60}"
warmup="${WARMUP:-10}"
docs="${DOCS:-4000}"
config="${CONFIG:-configs/base.yaml}"
train_device="${DEVICE:-cuda}"
phases=",${PHASE:-all},"
[[ "$phases" == ,all, ]] && phases=",build,fixed,reference,full,"
for phase in ${phases//,/ }; do
  case "$phase" in build | fixed | reference | full) ;; *)
    echo "run.sh: unknown phase '$phase'; PHASE is all or a list of build, fixed, reference, full" >&2
    exit 2
    ;;
  esac
done
wants() { [[ "$phases" == *",$1,"* ]]; }
bin="${BUILD_DIR:-build-cuda}"
work="$bin/gpu-bench"
if wants build && [[ "$bin" != build-cuda ]]; then
  echo "run.sh: the build phase builds into build-cuda; leave BUILD_DIR unset with it" >&2
  exit 2
fi
cuda_tests="$bin/cuda-tests.txt"
reference="$work/reference.jsonl"
results=""

stage() { echo "==> [$((SECONDS / 60))m$((SECONDS % 60))s] $*"; }

if [[ "$train_device" == cpu ]]; then
  device="cpu"
else
  device="$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)"
fi
stage "device: $device"
if wants build || [[ ! -x "$bin/train/ner-train" ]]; then
  stage "build"
  tools/build_cuda.sh --no-test
  stage "tests that run on CUDA"
  (cd "$bin" && ctest -R 'cuda|Cuda|CUDA|TorchRuntime' --output-on-failure -j 4) 2>&1 |
    tee "$cuda_tests" || echo "(some CUDA tests failed, see above)"
fi
if [[ "$train_device" != cpu ]] &&
  ! "$bin/train/ner-train" env | grep -Eq '^cuda_memory_statistics +true'; then
  echo "run.sh: this build cannot read the CUDA allocator's statistics; memory columns will be 0" >&2
fi

publish() {
  stage "report"
  cat /dev/null "$work"/reference/*.json > "$reference" 2> /dev/null || true
  local slug
  slug="$(echo "$device" | tr -cs 'A-Za-z0-9' '-' | sed 's/-$//')"
  # A dry run on the CPU keeps its report out of the results.
  results="tools/bench/gpu/results/$(date +%F)-$slug.md"
  [[ "$train_device" == cpu ]] && results="$work/$(date +%F)-$slug.md"
  python3 tools/bench/gpu/report.py --runs "$work/runs" --reference "$reference" \
    --device "$device" --warmup "$warmup" --components "$work/components.txt" \
    --real-dev "$work/real-dev.txt" --tests "$cuda_tests" --out "$results" > /dev/null
  echo "    $results"
  if [[ -n "${COPY_TO:-}" ]]; then
    mkdir -p "$COPY_TO"
    cp "$results" "$COPY_TO/"
    local kept=()
    for item in runs reference components.txt real-dev.txt; do
      [[ -e "$work/$item" ]] && kept+=("$item")
    done
    (cd "$work" && find "${kept[@]}" -name log.jsonl -o -name metrics.json -o -name config.yaml \
      -o -name '*.json' -o -name '*.txt' | tar -czf - -T -) > "$COPY_TO/gpu-bench-logs.tar.gz"
  fi
}

if wants fixed || wants reference || wants full; then
  if [[ ! -f "$work/data.h5" ]]; then
    rm -rf "$work"
    mkdir -p "$work/runs"
    stage "generate $docs documents and prepare them with $config"
    "$bin/tools/corpus/ner-corpus" generate --docs "$docs" --seed 1 --out "$work/corpus" \
      --gold "$work/gold"
    "$bin/train/ner-train" prepare --config "$config" --corpus "$work/corpus" \
      --gold "$work/gold" --out "$work/data.h5"
  fi
fi
mkdir -p "$work/runs" "$work/reference"
if [[ "${RERUN:-0}" == 1 ]]; then
  rm -rf "$work/runs"/* "$work/reference"/* "$work/components.txt"
fi

train() {  # name, then --set overrides
  local name="$1"
  shift
  if [[ -f "$work/runs/$name/metrics.json" ]]; then
    stage "ner-train $name: done before, kept"
    return
  fi
  stage "ner-train $name"
  rm -rf "$work/runs/$name"
  if "$bin/train/ner-train" --config "$config" --dataset "$work/data.h5" \
    --out "$work/runs/$name" --progress lines --set "train.device=$train_device" "$@"; then
    publish
  else
    echo "(ner-train $name failed, see above; going on)" >&2
  fi
}

if wants fixed; then
  if [[ -f "$work/components.txt" ]]; then
    stage "train_step_bench: done before, kept"
  else
    stage "train_step_bench ($config, $train_device)"
    "$bin/tools/bench/train_step_bench" "$config" --device "$train_device" |
      tee "$work/components.txt.partial" || echo "(train_step_bench: a target was missed, see above)"
    mv "$work/components.txt.partial" "$work/components.txt"
  fi
  precisions=(bf16 fp32 fp16)
  [[ "$train_device" == cpu ]] && precisions=(bf16 fp32)  # fp16 training needs CUDA
  for precision in "${precisions[@]}"; do
    for checkpointing in false true; do
      train "$precision-ckpt$checkpointing" --set "train.precision=$precision" \
        --set "model.checkpointing=$checkpointing" --set "train.max_steps=$steps"
    done
  done
fi

reference_run() {  # name, the ner-train run whose batch shapes it replays, then reference.py options
  local name="$1" run="$work/runs/$2"
  shift 2
  if [[ -f "$work/reference/$name.json" ]]; then
    stage "PyTorch reference $name: done before, kept"
    return
  fi
  stage "PyTorch reference $name"
  if python3 tools/bench/gpu/reference.py --log "$run/log.jsonl" --run "$run" --warmup "$warmup" \
    --device "$train_device" "$@" > "$work/reference/$name.json.partial"; then
    mv "$work/reference/$name.json.partial" "$work/reference/$name.json"
    publish
  else
    echo "(PyTorch reference $name failed, see above; going on)" >&2
  fi
}

if wants reference; then
  stage "PyTorch reference self-check (parallel-scan CRF against the loop)"
  if ! python3 tools/bench/gpu/reference.py --self-check; then
    echo "(the reference's CRF does not match the loop, or PyTorch is missing: no reference runs)" >&2
  else
    # The targets compare bf16 with eager and compiled PyTorch; fp32 eager
    # shows what mixed precision buys there.
    reference_run eager-bf16 bf16-ckptfalse --precision bf16
    reference_run compile-bf16 bf16-ckptfalse --precision bf16 --compile
    reference_run eager-bf16-ckpt bf16-ckpttrue --precision bf16 --checkpointing
    reference_run eager-fp32 fp32-ckptfalse --precision fp32
  fi
fi

if wants full; then
  train full-bf16 --set train.precision=bf16
  real_dev="${REAL_DEV:-../shared/real-dev}"
  if [[ -d "$real_dev" ]]; then
    stage "real-dev, full bf16 run"
    NER_BUILD_DIR="$bin" tools/score_real_dev.sh "$work/runs/full-bf16" "$real_dev" |
      tee "$work/real-dev.txt" || echo "(real-dev scoring failed, see above)"
    publish
  fi
  if [[ "${FULL_FP32:-1}" == 1 ]]; then train full-fp32 --set train.precision=fp32; fi
fi

publish
cat "$results"
stage "done"
