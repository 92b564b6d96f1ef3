#!/usr/bin/env bash
# tools/self_train.sh end to end on a tiny recipe (tiny config): a round runs,
# writes its metrics and the teacher's counts; run again with more rounds, it
# keeps the finished round and goes on after it.
# Usage: self_train_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
source_dir="$1"
export NER_BUILD_DIR="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
corpus="$NER_BUILD_DIR/tools/corpus/ner-corpus"
train="$NER_BUILD_DIR/train/ner-train"
config="$source_dir/configs/tiny.yaml"
recipe="$work/recipe"
fail() { echo "self_train_test: $*" >&2; exit 1; }

# A tiny recipe, as tools/train_real_text.sh lays it out.
"$corpus" generate --docs 120 --seed 31 --out "$recipe/generated" --gold "$recipe/generated-gold" \
  --progress none
"$corpus" generate --raw --docs 60 --seed 32 --out "$work/raw" --gold "$work/raw-gold" \
  --progress none 2>/dev/null
"$corpus" label "$work/raw" --out "$recipe/real" --progress none >/dev/null
"$train" prepare --config "$config" --corpus "generated=$recipe/generated,gold=$recipe/generated-gold" \
  --corpus "real=$recipe/real" --out "$recipe/dataset.h5" >/dev/null 2>&1
"$train" --config "$config" --set train.epochs=2 --dataset "$recipe/dataset.h5" \
  --out "$recipe/run" --progress none >/dev/null

# Round 1 takes its settings from the config's self_train section, one of
# them overridden on the command line.
out="$work/self"
self_config="$work/self.yaml"
{
  cat "$config"
  printf 'self_train:\n  rounds: 1\n  epochs: 1\n  min_score: 0.7\n  type_min_scores: year=0.95\n'
  printf '  confident_o: true\n'
} > "$self_config"
"$source_dir/tools/self_train.sh" --recipe "$recipe" --config "$self_config" --min-score 0.5 \
  --real-dev "$work/raw-gold" --out "$out" > "$work/first.log"
[ -f "$out/round-0.json" ] || fail "no round-0.json"
[ -f "$out/round-1/run/model.nerm" ] || fail "round 1 trained no student"
grep -q '"micro_strict_f1"' "$out/round-1/round.json" || fail "round 1 has no dev F1"
grep -q '"per_corpus"' "$out/round-1/round.json" || fail "round 1 has no dev F1 per corpus"
grep -q '"offered": *[0-9]' "$out/round-1/round.json" || fail "round 1 has no teacher counts"
grep -q '"real_dev": *{' "$out/round-1/round.json" || fail "round 1 was not scored on real papers"
[ "$(wc -l < "$out/rounds.jsonl")" -eq 2 ] || fail "rounds.jsonl should hold rounds 0 and 1"
grep -q '"best_round"' "$out/metrics.json" || fail "no metrics.json"
grep -q '^round 1: dev micro F1' "$work/first.log" || fail "round 1 not reported: $(cat "$work/first.log")"
grep -q '"real_dev": *{' "$out/round-0.json" || fail "round 0 was not scored on real papers"
grep -q '"unlisted_models"' "$out/round-1/round.json" || fail "no count of the names listed nowhere"
grep -q '^round 1: .*listed nowhere: [0-9]* mentions, [0-9]* found' "$work/first.log" ||
  fail "round 1 did not say how many unlisted names it found: $(cat "$work/first.log")"
grep -q '"rounds": \[{"round": 0, .*{"round": 1, ' "$out/metrics.json" || fail "metrics.json lacks the rounds"
grep -q '^round 1: dev micro F1 [0-9.e-]* (generated [0-9.e-]* real [0-9.e-]*;' "$work/first.log" ||
  fail "round 1's dev F1 per corpus is not in the log: $(cat "$work/first.log")"
grep -q '"confident_o": true' "$out/metrics.json" || fail "confident O not recorded: $(cat "$out/metrics.json")"
grep -q '"type_min_scores": "year=0.95"' "$out/metrics.json" || fail "type scores not recorded"
grep -q '"min_score": 0.5' "$out/metrics.json" || fail "--min-score did not win over the config"
grep -q '^prepare: confident O: [1-9]' "$work/first.log" || fail "no confident O: $(cat "$work/first.log")"
grep -q '"year": *0.95' "$out/round-1/label-report.json" || fail "the year's own least score was not used"
grep -q '^  epochs: 1$' "$out/round-1/run/config.yaml" || fail "the student did not train the config's 1 epoch"

# Again with two rounds: round 1 is kept as it is, and round 2 runs unless round 1 did not improve.
student="$out/round-1/run/model.nerm"
before="$(stat -c %Y "$student")"
"$source_dir/tools/self_train.sh" --recipe "$recipe" --rounds 2 --epochs 1 --min-score 0.5 \
  --real-dev "$work/raw-gold" --out "$out" > "$work/second.log"
grep -q '^round 1: finished earlier' "$work/second.log" || fail "round 1 was not kept: $(cat "$work/second.log")"
[ "$(stat -c %Y "$student")" = "$before" ] || fail "round 1 was trained again"
if grep -q '^round 1 did not improve' "$work/second.log"; then
  [ ! -d "$out/round-2" ] || fail "round 2 ran after a round that did not improve"
else
  [ -f "$out/round-2/round.json" ] || fail "round 2 did not run"
fi
"$source_dir/tools/self_train.sh" --recipe "$work/none" 2>/dev/null && fail "a missing recipe was accepted"
echo "self-training rounds ran, were recorded and resumed"
