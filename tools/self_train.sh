#!/usr/bin/env bash
# Self-training on the real text of a recipe run (tools/train_real_text.sh):
# the model of each round (first the recipe's) tags the real documents; its
# confident entities join the distant labels where they agree with the
# knowledge tables (ner-corpus label --teacher); a student is trained on those
# and the generated corpus, from the same pretrained encoder; it teaches the
# next round. Rounds stop when the dev F1 of the training corpora (the
# recipe's dataset, the same yardstick every round) no longer improves.
# Resumable: run it again with the same --out and it goes on after the last
# finished round (a round cut short resumes its training).
#
# Usage: tools/self_train.sh --recipe DIR [options]
#   --recipe DIR       a finished tools/train_real_text.sh --out DIR (real/, generated/,
#                      generated-gold/, dataset.h5, run/, pretrain/ if it pretrained)
#   --config FILE      config for preparing and training, and its self_train section
#                      (rounds, min_score, type_min_scores, confident_o, epochs: see
#                      configs/README.md; default: the recipe run's data_config.yaml and
#                      config.yaml, and the section's defaults)
#   --set self_train.KEY=VALUE  a self_train value; --set KEY=VALUE for any other
#                      section overrides training; repeatable
#   --rounds N         rounds at most (self_train.rounds, default 3)
#   --min-score S      least calibrated score of a teacher entity (self_train.min_score, 0.9)
#   --threshold TYPE=S  a type's own least score; repeatable (self_train.type_min_scores)
#   --confident-o      undecided weak text (name-like words, numbers, years the
#                      distant labels leave untagged) that the teacher leaves untagged
#                      trains as O instead of unknown (self_train.confident_o)
#   --epochs N         epochs per student (self_train.epochs, default 3)
#   --models/--chips/--countries FILE:COL  knowledge for the labels and the drift guard
#                      (default: the tables of ../shared/knowledge, as the recipe uses)
#   --pretrained RUN   the pretraining run students start from (default RECIPE/pretrain
#                      when there is one; else random weights, as the recipe's run)
#   --real-dev DIR     gold real papers to report on each round (default ../shared/real-dev;
#                      reported only, never used to choose)
#   --out DIR          default RECIPE/self-training
#   Options given here win over the config.
# Environment: NER_BUILD_DIR (default build) holds the binaries.
# Writes OUT/rounds.jsonl (a line per round: dev F1 overall and per corpus,
# the teacher's entities added and dropped, real-dev F1) and OUT/metrics.json.
set -euo pipefail
cd "$(dirname "$0")/.."

shared=../shared
recipe="" out="" rounds="" min_score="" epochs="" config="" pretrained="" confident_o=""
thresholds=() knowledge=() overrides=() self_overrides=() real_dev="$shared/real-dev"
while [ $# -gt 0 ]; do
  case "$1" in
    --recipe) recipe="$2"; shift ;;
    --rounds) rounds="$2"; shift ;;
    --min-score) min_score="$2"; shift ;;
    --threshold) thresholds+=(--teacher-threshold "$2"); shift ;;
    --confident-o) confident_o=true ;;
    --models | --chips | --countries) knowledge+=("$1" "$2"); shift ;;
    --config) config="$2"; shift ;;
    --epochs) epochs="$2"; shift ;;
    --pretrained) pretrained="$2"; shift ;;
    --set)
      case "$2" in
        self_train.*) self_overrides+=(--set "$2") ;;
        *) overrides+=(--set "$2") ;;
      esac
      shift
      ;;
    --real-dev) real_dev="$2"; shift ;;
    --out) out="$2"; shift ;;
    -h | --help) sed -n '2,39p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "self_train: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$recipe" ] || { echo "self_train: --recipe DIR is required (try --help)" >&2; exit 2; }
for needed in real generated generated-gold dataset.h5 run/model.nerm run/tokenizer.model; do
  [ -e "$recipe/$needed" ] || {
    echo "self_train: $recipe/$needed is missing: give a finished tools/train_real_text.sh --out" >&2
    exit 2
  }
done
out="${out:-$recipe/self-training}"
prepare_config="${config:-$recipe/run/data_config.yaml}"
train_config="${config:-$recipe/run/config.yaml}"
bin="${NER_BUILD_DIR:-build}"

# The self_train section, resolved; what the command line gave wins.
config_values="$("$bin/train/ner-train" self-train-config --config "$train_config" \
  "${self_overrides[@]}")" || exit 2
config_value() { printf '%s\n' "$config_values" | sed -n "s/^$1=//p"; }
rounds="${rounds:-$(config_value rounds)}"
min_score="${min_score:-$(config_value min_score)}"
epochs="${epochs:-$(config_value epochs)}"
confident_o="${confident_o:-$(config_value confident_o)}"
if [ ${#thresholds[@]} -eq 0 ]; then
  IFS=, read -r -a type_scores <<< "$(config_value type_min_scores)"
  for type_score in "${type_scores[@]}"; do
    if [ -n "$type_score" ]; then thresholds+=(--teacher-threshold "$type_score"); fi
  done
fi
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "self_train: --rounds $rounds: give a whole number, 1 or more" >&2; exit 2; }
if [ ${#knowledge[@]} -eq 0 ] && [ -d "$shared/knowledge" ]; then
  knowledge=(--models "$shared/knowledge/epoch-ai-models.csv:Model"
    --models "$shared/knowledge/hf-tracked-models.csv:model"
    --chips "$shared/knowledge/epoch-ml-hardware.csv:Hardware name"
    --countries "$shared/knowledge/epoch-ai-models.csv:Country (of organization)")
fi
[ -z "$pretrained" ] && [ -f "$recipe/pretrain/pretraining.json" ] && pretrained="$recipe/pretrain"
init=()
[ -n "$pretrained" ] && init=(--init "$pretrained")
# Real-dev model names in none of the model tables and not in the generated
# corpus: the names users look for. Each round reports how many it finds.
known=(--known-corpus "$recipe/generated")
for ((k = 0; k < ${#knowledge[@]}; k += 2)); do
  if [ "${knowledge[k]}" = --models ]; then known+=(--known-names "${knowledge[k + 1]}"); fi
done

mkdir -p "$out"
start=$SECONDS
step() { echo; echo "==> [$((SECONDS - start))s] $*"; }

# The dev F1 of a run on the recipe's dataset, overall and per corpus, as one JSON object.
dev_scores() {
  "$bin/train/ner-train" evaluate --run "$1" --dataset "$recipe/dataset.h5" --split dev --json |
    tr -d '\n' | sed 's/^ *//'
}
# Run $1 on real-dev, tagged once, into $2/real-dev.txt (the table) and
# $2/real-dev.json; prints the JSON on one line ("null" without real-dev).
real_dev_scores() {
  if [ -d "$real_dev" ]; then
    tools/score_real_dev.sh "$1" "$real_dev" "${known[@]}" --json-out "$2/real-dev.json" \
      > "$2/real-dev.txt"
    tr -d '\n' < "$2/real-dev.json"
  else
    printf null
  fi
}
# The unlisted-names line of the real-dev table in $1: "28 mentions, 17 found (recall 0.607)".
unlisted_found() {
  if [ -f "$1/real-dev.txt" ]; then
    sed -n 's/^Model names listed nowhere[^:]*: //p' "$1/real-dev.txt"
  fi
}
# The dev micro F1 in what dev_scores printed (its first "micro_strict_f1").
micro_f1() { printf '%s' "$1" | grep -o '"micro_strict_f1": *[0-9.e+-]*' | head -1 | sed 's/.*: *//'; }
# "generated 0.9235 real 0.5671": the dev F1 per corpus in what dev_scores printed.
corpus_f1() {
  printf '%s' "$1" | sed 's/.*"per_corpus": *{\(.*\)}, *"run":.*/\1/' |
    grep -o '"[a-z0-9_-]*": *{ *"f1": *[0-9.e+-]*' |
    sed 's/"\([^"]*\)": *{ *"f1": *\([0-9.e+-]*\)/\1 \2/' | tr '\n' ' ' | sed 's/ $//'
}
# Round $1, with dev F1 $2, becomes the best and teaches the next when it
# improves on the best so far; otherwise says so and fails (the rounds stop).
take_if_better() {
  if awk -v a="$2" -v b="$best_f1" 'BEGIN { exit !(a > b) }'; then
    best_f1="$2" best_round=$1 teacher="$out/round-$1/run"
    return 0
  fi
  echo "round $1 did not improve on round $best_round: stopped there"
  return 1
}

if [ ! -f "$out/plain/.complete" ]; then
  step "ner-corpus strip $recipe/real -> $out/plain (the texts the teachers tag)"
  rm -rf "$out/plain"
  "$bin/tools/corpus/ner-corpus" strip "$recipe/real" --out "$out/plain" >/dev/null 2>&1
  touch "$out/plain/.complete"
fi

teacher="$recipe/run"
best_round=0
if [ ! -f "$out/round-0.json" ]; then
  step "round 0: the recipe's model on the dev split of $recipe/dataset.h5"
  scores="$(dev_scores "$teacher")"
  mkdir -p "$out/round-0"
  real_dev_json="$(real_dev_scores "$teacher" "$out/round-0")"
  printf '{"round": 0, "run": "%s", "dev": %s, "real_dev": %s}\n' "$teacher" "$scores" \
    "$real_dev_json" > "$out/round-0.json"
fi
best_f1="$(micro_f1 "$(cat "$out/round-0.json")")"
echo "round 0 ($teacher): dev micro F1 $best_f1 ($(corpus_f1 "$(cat "$out/round-0.json")"));" \
  "real-dev model names listed nowhere:" \
  "$(unlisted_found "$out/round-0")"

for ((round = 1; round <= rounds; round++)); do
  dir="$out/round-$round"
  if [ -f "$dir/round.json" ]; then
    f1="$(micro_f1 "$(cat "$dir/round.json")")"
    echo "round $round: finished earlier, dev micro F1 $f1"
    take_if_better "$round" "$f1" || break
    continue
  fi
  mkdir -p "$dir"
  if [ ! -f "$dir/teacher/.complete" ]; then
    step "round $round: $teacher tags $out/plain"
    rm -rf "$dir/teacher"
    "$bin/infer/ner-tag" --model "$teacher/model.nerm" --format jsonl --progress lines \
      --out "$dir/teacher" "$out/plain"
    touch "$dir/teacher/.complete"
  fi
  if [ ! -f "$dir/real/.complete" ]; then
    step "round $round: distant labels with the teacher's confident entities -> $dir/real"
    rm -rf "$dir/real"
    "$bin/tools/corpus/ner-corpus" label "$out/plain" --out "$dir/real" "${knowledge[@]}" \
      --teacher "$dir/teacher" --teacher-min-score "$min_score" "${thresholds[@]}" \
      --report "$dir/label-report.json" --progress none | grep '^teacher'
    touch "$dir/real/.complete"
  fi
  if [ ! -f "$dir/dataset.h5" ]; then
    step "round $round: ner-train prepare (generated with gold twin, real with the teacher's labels)"
    real_corpus="real=$dir/real"
    [ "$confident_o" = true ] && real_corpus+=",teacher=$dir/teacher"
    "$bin/train/ner-train" prepare --config "$prepare_config" \
      --corpus "generated=$recipe/generated,gold=$recipe/generated-gold" \
      --corpus "$real_corpus" --tokenizer "$recipe/run/tokenizer.model" \
      --out "$dir/dataset.h5" > /dev/null 2> "$dir/prepare.log" ||
      { cat "$dir/prepare.log" >&2; exit 1; }
    grep 'confident O' "$dir/prepare.log" || true
  fi
  if [ -f "$dir/run/model.nerm" ]; then
    :
  elif [ -f "$dir/run/last.pt" ]; then
    step "round $round: resuming the student's training"
    "$bin/train/ner-train" --resume "$dir/run" --progress lines
  else
    step "round $round: training the student -> $dir/run"
    rm -rf "$dir/run"
    "$bin/train/ner-train" --config "$train_config" --set "train.epochs=$epochs" "${overrides[@]}" \
      "${init[@]}" --dataset "$dir/dataset.h5" --out "$dir/run" --progress lines
  fi
  scores="$(dev_scores "$dir/run")"
  f1="$(micro_f1 "$scores")"
  real_dev_json="$(real_dev_scores "$dir/run" "$dir")"
  printf '{"round": %d, "run": "%s", "teacher": "%s", "dev": %s, "labels": %s, "real_dev": %s}\n' \
    "$round" "$dir/run" "$teacher" "$scores" "$(tr -d '\n' < "$dir/label-report.json")" \
    "$real_dev_json" > "$dir/round.json.partial"
  mv "$dir/round.json.partial" "$dir/round.json"
  echo "round $round: dev micro F1 $f1 ($(corpus_f1 "$scores"); best so far $best_f1, round $best_round);" \
    "real-dev model names listed nowhere: $(unlisted_found "$dir")"
  take_if_better "$round" "$f1" || break
done

{
  cat "$out/round-0.json"
  for ((r = 1; r <= rounds; r++)); do
    if [ -f "$out/round-$r/round.json" ]; then cat "$out/round-$r/round.json"; fi
  done
} > "$out/rounds.jsonl.partial"
mv "$out/rounds.jsonl.partial" "$out/rounds.jsonl"
type_min_scores="$(printf '%s ' "${thresholds[@]}" | sed 's/--teacher-threshold //g; s/ *$//')"
printf '{"best_round": %d, "best_run": "%s", "best_dev_f1": %s, "min_score": %s, "type_min_scores": "%s", "confident_o": %s, "rounds": [%s]}\n' \
  "$best_round" "$teacher" "$best_f1" "$min_score" "$type_min_scores" "$confident_o" \
  "$(paste -sd, "$out/rounds.jsonl")" > "$out/metrics.json.partial"
mv "$out/metrics.json.partial" "$out/metrics.json"
step "done: the best is round $best_round ($teacher/model.nerm), dev micro F1 $best_f1"
