#!/usr/bin/env bash
# Builds everything (installing what is missing) and runs every test through
# CTest. Exits non-zero if the build or any test fails.
# Usage: tools/test.sh [extra ctest arguments, e.g. -R Corpus]
set -euo pipefail
cd "$(dirname "$0")/.."

NER_CMAKE_ARGS="${NER_CMAKE_ARGS:-} -DNER_WERROR=ON" tools/setup.sh

echo "==> running tests"
cd build
ctest --output-on-failure --timeout 600 -j "${JOBS:-$(nproc)}" "$@"
