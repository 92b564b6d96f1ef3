#!/usr/bin/env bash
# Scores a trained model on real papers the way users run it: the gold-tagged
# texts in ../shared/real-dev are stripped of their tags, tagged with ner-tag
# (JSON lines, with scores) and compared with the gold by ner-eval: F1 per
# type, and how well the scores match exact-span correctness. Nothing is
# trained on them.
# Usage: tools/score_real_dev.sh RUN_DIR|MODEL.nerm [REAL_DEV_DIR] [--json | --json-out FILE]
#          [--raw-scores]  (--json-out: the table here, the JSON into FILE, one tagging)
#          [--min-score S] [--threshold TYPE=S ...]  (ner-tag's; pick them with
#          ner-train find-threshold on a dev set, never on real-dev)
#          [--known-names FILE:COLUMN ...] [--known-corpus DIR ...]  (ner-eval's: adds
#          recall on the gold model names listed in none of them)
#        (env: NER_BUILD_DIR=build, the build whose ner-tag and ner-eval run)
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $# -lt 1 || "$1" == -h || "$1" == --help ]]; then
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
model="$1"
shift
[[ -d "$model" ]] && model="$model/model.nerm"
real_dev=../shared/real-dev
json=() json_out="" tag_flags=() eval_flags=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --json) json=(--json) ;;
    --json-out)
      [[ $# -ge 2 ]] || { echo "score_real_dev: $1 needs a value" >&2; exit 2; }
      json_out="$2"
      shift
      ;;
    --raw-scores) tag_flags+=(--raw-scores) ;;
    --min-score | --threshold)
      [[ $# -ge 2 ]] || { echo "score_real_dev: $1 needs a value" >&2; exit 2; }
      tag_flags+=("$1" "$2")
      shift
      ;;
    --known-names | --known-corpus)
      [[ $# -ge 2 ]] || { echo "score_real_dev: $1 needs a value" >&2; exit 2; }
      eval_flags+=("$1" "$2")
      shift
      ;;
    -*) echo "score_real_dev: unknown option $1" >&2; exit 2 ;;
    *) real_dev="$1" ;;
  esac
  shift
done
[[ -f "$model" ]] || { echo "score_real_dev: $model is missing (is it a finished run?)" >&2; exit 2; }
[[ -d "$real_dev" ]] || { echo "score_real_dev: $real_dev: no such directory" >&2; exit 2; }

bin="${NER_BUILD_DIR:-build}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
"$bin/tools/corpus/ner-corpus" strip "$real_dev" --out "$scratch/plain" 2>/dev/null
"$bin/infer/ner-tag" --model "$model" --format jsonl "${tag_flags[@]}" --progress none \
  --out "$scratch/tagged" "$scratch/plain" >&2
"$bin/tools/eval/ner-eval" --gold "$real_dev" --pred "$scratch/tagged" "${json[@]}" "${eval_flags[@]}"
if [[ -n "$json_out" ]]; then
  "$bin/tools/eval/ner-eval" --gold "$real_dev" --pred "$scratch/tagged" --json "${eval_flags[@]}" \
    > "$json_out.partial"
  mv "$json_out.partial" "$json_out"
fi
