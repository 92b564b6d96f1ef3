#!/usr/bin/env bash
# Trains the tiny model that the tagging and engine-parity tests share (a CTest
# fixture, so it is trained once per test run): a generated corpus with gold
# twins, its dataset, a training run, and raw papers with their gold twins.
# Usage: make_tiny_model.sh NER_CORPUS NER_TRAIN CONFIG OUT_DIR
set -euo pipefail
corpus="$1" train="$2" config="$3" out="$4"
work="$out.partial"
rm -rf "$work"
mkdir -p "$work"
"$corpus" generate --docs 200 --seed 12 --out "$work/w" --gold "$work/g"
"$train" prepare --config "$config" --corpus "$work/w" --gold "$work/g" --out "$work/data.h5"
"$train" --config "$config" --dataset "$work/data.h5" --out "$work/run" --set train.epochs=6 \
  --progress none
"$corpus" generate --raw --docs 30 --seed 13 --out "$work/raw" --gold "$work/raw-gold"
rm -rf "$out"
mv "$work" "$out"
