#!/usr/bin/env bash
# `cmake --install` puts the commands in PREFIX/bin and they run from there:
# ner-train finds ner-train-prepare and ner-train-find-threshold beside it, ner-tag tags from a pipe.
# Usage: install_test.sh BUILD_DIR [WITH_TORCH=1]
set -euo pipefail
build="$1"
with_torch="${2:-1}"
prefix="$(mktemp -d)"
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
for command in ner-tag ner-corpus ner-eval; do
  "$prefix/bin/$command" --version | grep -q "^$command "
done
test -f "$prefix/share/doc/ner_ml_facts/LICENSE"
"$prefix/bin/ner-corpus" generate --docs 20 --seed 1 --out "$prefix/corpus" --progress none >/dev/null
if [ "$with_torch" = 1 ]; then
  "$prefix/bin/ner-train" --version | grep -q "^ner-train "
  # `prepare` is handed to ner-train-prepare in the same directory.
  "$prefix/bin/ner-train" prepare --corpus "$prefix/corpus" --set tokenizer.vocab_size=500 \
    --out "$prefix/d.h5" 2>/dev/null
  test -s "$prefix/d.h5"
  # `find-threshold` is handed to ner-train-find-threshold in the same directory.
  "$prefix/bin/ner-train" find-threshold --help | grep -q "^Usage: ner-train find-threshold"
fi
echo "installed and ran from $prefix/bin"
