#!/usr/bin/env bash
# The main job. When ../shared/real-text is present: distant-label a subset
# of that real text with the tables of ../shared/knowledge, generate a
# synthetic corpus, train the `small` model on both (tools/train_real_text.sh)
# and score it on ../shared/real-dev. Otherwise: generate the default corpus
# (weak labels plus gold twins), prepare it, train on it alone and print its
# held-out per-type F1 (scored against gold). Either way, finally tag a new
# raw paper with ner-tag, print it, score it against its gold twin, write HTML.
# Usage: tools/demo.sh [DOCS]   (default 3000 generated documents; 800 with real text)
set -euo pipefail
cd "$(dirname "$0")/.."

tools/setup.sh
corpus_tool=build/tools/corpus/ner-corpus
demo=build/demo

if [[ -d ../shared/real-text ]]; then
  docs="${1:-800}"
  echo "==> real text found in ../shared/real-text: training on it and on $docs generated documents"
  # A subset keeps the demo within about 20 minutes on 2 cores.
  # Pretraining takes about 2 hours on 2 cores: the demo trains from random weights.
  # Self-training adds a student run per round: left out here too.
  tools/train_real_text.sh --docs "$docs" --arxiv-docs 100 --epochs 2 --no-pretrain --self-train-rounds 0 \
    --out "$demo/real-text"
  run=$demo/real-text/run
  dataset=$demo/real-text/dataset.h5
  gold_corpus=(--corpus generated)
else
docs="${1:-3000}"
echo "==> no ../shared/real-text: training on the generated corpus alone"

rm -rf "$demo/corpus" "$demo/gold"
echo "==> ner-corpus generate --docs $docs --seed 1 --out $demo/corpus --gold $demo/gold"
"$corpus_tool" generate --docs "$docs" --seed 1 --out "$demo/corpus" --gold "$demo/gold"

echo
echo "==> ner-corpus stats $demo/corpus   (weak labels: what training sees)"
"$corpus_tool" stats --top 5 "$demo/corpus"

echo
echo "==> one generated document, weak version:"
cat "$demo/corpus/000000.txt"
echo

echo
echo "==> ner-train prepare --config configs/small.yaml --corpus $demo/corpus --gold $demo/gold --out $demo/dataset.h5"
build/train/ner-train prepare --config configs/small.yaml --corpus "$demo/corpus" --gold "$demo/gold" \
  --out "$demo/dataset.h5"
echo
echo "==> ner-corpus stats --dataset $demo/dataset.h5"
"$corpus_tool" stats --dataset "$demo/dataset.h5"

run=$demo/run-small
dataset=$demo/dataset.h5
gold_corpus=()
rm -rf "$run"
echo
echo "==> ner-train --config configs/small.yaml --dataset $demo/dataset.h5 --out $run"
build/train/ner-train --config configs/small.yaml --dataset "$demo/dataset.h5" --out "$run"

if [[ -d ../shared/real-dev ]]; then
  echo
  echo "==> tools/score_real_dev.sh $run   (real papers, gold tags; never trained on)"
  tools/score_real_dev.sh "$run"
fi
fi

# Thresholds for the best F1 on the dev split's gold-labelled documents
# (never on real-dev), then real-dev scored with them.
echo
echo "==> ner-train find-threshold --model $run/model.nerm --dataset $dataset ${gold_corpus[*]}"
build/train/ner-train find-threshold --model "$run/model.nerm" --dataset "$dataset" \
  "${gold_corpus[@]}" --progress none | tee "$demo/thresholds.txt"
read -r -a thresholds <<< "$(sed -n 's/^per type:  ner-tag --/--/p' "$demo/thresholds.txt")"
if [[ -d ../shared/real-dev && ${#thresholds[@]} -gt 0 ]]; then
  echo
  echo "==> tools/score_real_dev.sh $run ${thresholds[*]}"
  tools/score_real_dev.sh "$run" "${thresholds[@]}"
fi

paper=$demo/paper
rm -rf "$paper"
echo
echo "==> ner-corpus generate --raw --docs 1 --seed 2026 --out $paper/raw --gold $paper/gold"
"$corpus_tool" generate --raw --docs 1 --seed 2026 --out "$paper/raw" --gold "$paper/gold" 2>/dev/null
echo "==> ner-tag --model $run/model.nerm --out $paper/tagged $paper/raw"
build/infer/ner-tag --model "$run/model.nerm" --out "$paper/tagged" "$paper/raw"
echo
cat "$paper/tagged/000000.txt"
echo
echo "==> ner-eval --gold $paper/gold --pred $paper/tagged"
build/tools/eval/ner-eval --gold "$paper/gold" --pred "$paper/tagged"
build/infer/ner-tag --model "$run/model.nerm" --format html --out "$paper/html" "$paper/raw" 2>/dev/null
echo
echo "HTML view: $paper/html/000000.html (open it in a browser; no network needed)"
