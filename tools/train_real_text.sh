#!/usr/bin/env bash
# Trains a model on real text and generated text together, in one command:
# distant-label the real documents with known facts (ner-corpus label),
# generate the synthetic corpus with its gold twin, prepare both as one
# dataset of two corpora, train, export, and score ../shared/real-dev.
#
# Usage: tools/train_real_text.sh [options]
#   --text PATH        real text to label: *.jsonl files ({"id","text"} lines), *.txt files or
#                      directories of them; repeatable (default: ../shared/real-text, with only
#                      the first --arxiv-docs lines of each arxiv-cs-abstracts file)
#   --models FILE:COL  a table column of model names; repeatable
#   --chips FILE:COL   a table column of accelerator names; repeatable
#   --countries FILE:COL  a table column of countries; repeatable
#                      (default for the three: the tables of ../shared/knowledge, when present)
#   --docs N           generated documents (default 1500)
#   --arxiv-docs N     arXiv abstracts taken from each default file (default 500)
#   --real-weight W    the real corpus's share of training windows against 1 for
#                      the generated one (default 1)
#   --config FILE      model and training config (default configs/small.yaml)
#   --epochs N         training epochs (default 3)
#   --set KEY=VALUE    config override, passed to prepare and training; repeatable
#   --real-dev DIR     gold-tagged real papers to score on (default ../shared/real-dev)
#   --out DIR          everything goes here (default build/real-text)
#   --pretrain-text PATH  untagged text to pretrain the encoder on (masked language
#                      model, ner-train pretrain); repeatable (default: every
#                      ../shared/real-text/*.jsonl, whole)
#   --pretrain-config FILE  pretraining config (default configs/pretrain-small.yaml,
#                      sized to finish within about 2 hours on 2 cores)
#   --pretrain-set KEY=VALUE  pretraining config override; repeatable
#   --pretrained RUN   start from this pretraining run instead of pretraining
#   --no-pretrain      train from random weights
#   --self-train-rounds N  then self-train: up to N teacher-student rounds on the real
#                      text (tools/self_train.sh; default: the config's self_train.rounds,
#                      1 in configs/small.yaml; 0 to skip)
#   --self-train-min-score S  least teacher score for a new label (default: the
#                      config's self_train.min_score); the rest of the self_train
#                      section (confident O, type scores) comes from --config and --set
# The model is OUT/run/model.nerm (the best self-training round's:
# OUT/self-training/metrics.json names it); scores are printed and kept in OUT/*.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

shared=../shared
texts=() models=() chips=() countries=() overrides=()
docs=1500 arxiv_docs=500 real_weight=1 config=configs/small.yaml epochs=3
real_dev="$shared/real-dev" out=build/real-text
pretrain_texts=() pretrain_config=configs/pretrain-small.yaml pretrain_overrides=() pretrained=""
pretrain=1 self_train_rounds="" self_train_min_score=""
while [ $# -gt 0 ]; do
  case "$1" in
    --text) texts+=("$2"); shift ;;
    --models) models+=(--models "$2"); shift ;;
    --chips) chips+=(--chips "$2"); shift ;;
    --countries) countries+=(--countries "$2"); shift ;;
    --docs) docs="$2"; shift ;;
    --arxiv-docs) arxiv_docs="$2"; shift ;;
    --real-weight) real_weight="$2"; shift ;;
    --config) config="$2"; shift ;;
    --epochs) epochs="$2"; shift ;;
    --set) overrides+=(--set "$2"); shift ;;
    --real-dev) real_dev="$2"; shift ;;
    --out) out="$2"; shift ;;
    --pretrain-text) pretrain_texts+=(--text "$2"); shift ;;
    --pretrain-config) pretrain_config="$2"; shift ;;
    --pretrain-set) pretrain_overrides+=(--set "$2"); shift ;;
    --pretrained) pretrained="$2"; shift ;;
    --no-pretrain) pretrain=0 ;;
    --self-train-rounds) self_train_rounds="$2"; shift ;;
    --self-train-min-score) self_train_min_score="$2"; shift ;;
    -h|--help) sed -n '2,40p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "train_real_text: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

tools/setup.sh >&2
bin=build
rm -rf "$out"
mkdir -p "$out"
start=$SECONDS
step() { echo; echo "==> [$((SECONDS - start))s] $*"; }

if [ ${#texts[@]} -eq 0 ]; then
  if [ ! -d "$shared/real-text" ]; then
    echo "train_real_text: no --text given and $shared/real-text is missing" >&2
    exit 2
  fi
  mkdir -p "$out/text"
  for file in "$shared"/real-text/*.jsonl; do
    case "$(basename "$file")" in
      arxiv-cs-abstracts-*) head -n "$arxiv_docs" "$file" >"$out/text/$(basename "$file")" ;;
      *) texts+=("$file") ;;
    esac
  done
  for file in "$out"/text/*.jsonl; do texts+=("$file"); done
fi
knowledge="$shared/knowledge"
if [ ${#models[@]} -eq 0 ] && [ ${#chips[@]} -eq 0 ] && [ ${#countries[@]} -eq 0 ] &&
  [ -d "$knowledge" ]; then
  models=(--models "$knowledge/epoch-ai-models.csv:Model" --models "$knowledge/hf-tracked-models.csv:model")
  chips=(--chips "$knowledge/epoch-ml-hardware.csv:Hardware name")
  countries=(--countries "$knowledge/epoch-ai-models.csv:Country (of organization)")
fi

# The encoder: pretrained here, taken from --pretrained, or random.
init=() tokenizer=()
if [ -n "$pretrained" ]; then
  step "pretraining skipped: starting from the pretraining run $pretrained"
  init=(--init "$pretrained") tokenizer=(--tokenizer "$pretrained/tokenizer.model")
elif [ "$pretrain" -eq 0 ]; then
  step "pretraining skipped (--no-pretrain): the encoder starts from random weights"
else
  if [ ${#pretrain_texts[@]} -eq 0 ]; then
    for file in "$shared"/real-text/*.jsonl; do pretrain_texts+=(--text "$file"); done
  fi
  if [ ${#pretrain_texts[@]} -eq 0 ]; then
    step "pretraining skipped: no --pretrain-text and no $shared/real-text"
  else
    step "ner-train pretrain (masked language model) -> $out/pretrain"
    "$bin/train/ner-train" pretrain "${pretrain_texts[@]}" --config "$pretrain_config" \
      "${pretrain_overrides[@]}" --out "$out/pretrain" --progress lines
    init=(--init "$out/pretrain") tokenizer=(--tokenizer "$out/pretrain/tokenizer.model")
  fi
fi

step "ner-corpus label ${texts[*]} -> $out/real"
"$bin/tools/corpus/ner-corpus" label "${texts[@]}" --out "$out/real" "${models[@]}" "${chips[@]}" \
  "${countries[@]}" --report "$out/label-report.json" --progress none | tee "$out/label-report.txt"

step "ner-corpus generate --docs $docs -> $out/generated (gold twin $out/generated-gold)"
"$bin/tools/corpus/ner-corpus" generate --docs "$docs" --seed 1 --out "$out/generated" \
  --gold "$out/generated-gold" --progress none

step "ner-train prepare: corpora generated (gold twin) and real (weight $real_weight)"
"$bin/train/ner-train" prepare --config "$config" "${overrides[@]}" \
  --corpus "generated=$out/generated,gold=$out/generated-gold" \
  --corpus "real=$out/real,weight=$real_weight" "${tokenizer[@]}" --out "$out/dataset.h5"
"$bin/tools/corpus/ner-corpus" stats --dataset "$out/dataset.h5" | tee "$out/dataset-stats.txt"

step "ner-train --config $config --set train.epochs=$epochs -> $out/run"
"$bin/train/ner-train" --config "$config" --set "train.epochs=$epochs" "${overrides[@]}" \
  "${init[@]}" --dataset "$out/dataset.h5" --out "$out/run" --progress lines
train_seconds=$(grep -o '"train_seconds": *[0-9]*' "$out/run/metrics.json" | head -1 | grep -o '[0-9]*$' || true)

if [ -d "$real_dev" ]; then
  step "the labeller alone on $real_dev (tags stripped, scored against the gold)"
  "$bin/tools/corpus/ner-corpus" strip "$real_dev" --out "$out/real-dev-plain" >/dev/null 2>&1
  "$bin/tools/corpus/ner-corpus" label "$out/real-dev-plain" --out "$out/real-dev-labelled" \
    --gold "$real_dev" "${models[@]}" "${chips[@]}" "${countries[@]}" --progress none \
    | tee "$out/real-dev-labeller.txt"
  step "the model on $real_dev (tools/score_real_dev.sh $out/run)"
  tools/score_real_dev.sh "$out/run" "$real_dev" | tee "$out/real-dev-model.txt"
fi
model="$out/run/model.nerm"
if [ "$self_train_rounds" != 0 ]; then
  step "self-training on the real text (tools/self_train.sh)"
  pretrained_run=() self_options=()
  [ ${#init[@]} -gt 0 ] && pretrained_run=(--pretrained "${init[1]}")
  [ -n "$self_train_rounds" ] && self_options+=(--rounds "$self_train_rounds")
  [ -n "$self_train_min_score" ] && self_options+=(--min-score "$self_train_min_score")
  tools/self_train.sh --recipe "$out" "${self_options[@]}" \
    --config "$config" "${overrides[@]}" "${pretrained_run[@]}" \
    "${models[@]}" "${chips[@]}" "${countries[@]}" --real-dev "$real_dev"
  best_run="$(grep -o '"best_run": *"[^"]*"' "$out/self-training/metrics.json" | sed 's/.*: *"//; s/"$//')"
  model="$best_run/model.nerm"
else
  step "self-training skipped (--self-train-rounds 0)"
fi
step "done in $((SECONDS - start))s (training ${train_seconds:-?}s); model: $model"
