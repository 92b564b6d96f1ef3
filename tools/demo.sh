#!/usr/bin/env bash
# The main job on the embedded data: for now, statistics of the seed corpus
# (../shared/seeds), showing what the reader finds in tagged documents.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/setup.sh

seeds=../shared/seeds
if [ ! -d "$seeds" ]; then
  echo "demo: no seed corpus at $seeds (the shared folder beside the repository);" >&2
  echo "      try: build/tools/corpus/ner-corpus stats YOUR_CORPUS_DIR" >&2
  exit 1
fi
echo "==> ner-corpus stats $seeds"
build/tools/corpus/ner-corpus stats "$seeds"
