#!/usr/bin/env bash
# Walks tools/bench/gpu/run.sh through its fixed, reference and full phases on
# the CPU with the tiny config, so the GPU benchmark is known to run end to
# end before a GPU session spends its time on it.
# Usage: gpu_bench_dry_run.sh SOURCE_DIR BUILD_DIR   (exit 77: skipped)
set -euo pipefail
source_dir="$1"
build_dir="$(cd "$2" && pwd)"
command -v python3 > /dev/null || {
  echo "python3 is missing: the benchmark's report cannot be written here"
  exit 77
}
work="$build_dir/gpu-bench"
rm -rf "$work"
if ! output="$(BUILD_DIR="$build_dir" DEVICE=cpu CONFIG=configs/tiny.yaml PHASE=fixed,reference,full \
  DOCS=40 STEPS=6 WARMUP=2 "$source_dir/tools/bench/gpu/run.sh" 2>&1)"; then
  echo "$output"
  echo "FAILED: run.sh exited with an error"
  exit 1
fi
report="$(ls "$work"/*-cpu.md)"
cat "$report"
failed=0
for expected in "| ner-train bf16 |" "| ner-train bf16 +ckpt |" "| ner-train fp32 |" \
  "| ner-train fp32 +ckpt |" "- bf16 / fp32:" "- checkpointing, bf16:" \
  "Full bf16 run to early stopping" "Full fp32 run" "Step components"; do
  if ! grep -qF -- "$expected" "$report"; then
    echo "FAILED: the report has no '$expected'"
    failed=1
  fi
done
# Where Python has PyTorch 2 (fused attention), the reference runs too; here
# it needs no GPU either.
if python3 -c 'import sys, torch.nn.functional as F
sys.exit(0 if hasattr(F, "scaled_dot_product_attention") else 1)' 2> /dev/null; then
  for expected in "| pytorch-eager bf16 |" "| pytorch-eager bf16 +ckpt |" "| pytorch-eager fp32 |" \
    "- ner-train bf16 / pytorch-eager bf16:"; do
    if ! grep -qF -- "$expected" "$report"; then
      echo "FAILED: PyTorch is here, but the report has no '$expected'"
      failed=1
    fi
  done
fi
# A second call keeps every finished run instead of training it again.
again="$(BUILD_DIR="$build_dir" DEVICE=cpu CONFIG=configs/tiny.yaml PHASE=fixed,full STEPS=6 \
  "$source_dir/tools/bench/gpu/run.sh" 2>&1)"
if grep -E '^==> .*ner-train [a-z0-9-]+$' <<< "$again"; then
  echo "FAILED: the second call trained again instead of keeping the runs above"
  failed=1
fi
rm -rf "$work"
exit "$failed"
