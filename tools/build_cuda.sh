#!/usr/bin/env bash
# Configures and builds for CUDA on a machine with PyTorch installed (its
# LibTorch, found through PyTorch's CMake prefix), into build-cuda/, and runs
# the tests there. Installs nothing: the libraries must be present already
# (tools/bench/gpu/debs.sh carries them to a machine without a package archive).
# Usage: tools/build_cuda.sh [--no-test]
set -euo pipefail
cd "$(dirname "$0")/.."

prefix="$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')" || {
  echo "build_cuda: python3 cannot import torch; install PyTorch or use tools/setup.sh" >&2
  exit 1
}
echo "==> LibTorch from PyTorch: $prefix"
pdf_args=()
if ! pkg-config --exists poppler-cpp 2>/dev/null; then
  echo "==> no poppler-cpp here: ner-tag without PDF input" >&2
  pdf_args=(-DNER_WITH_PDF=OFF)
fi
cmake -S . -B build-cuda -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" \
  "${pdf_args[@]}" ${NER_CMAKE_ARGS:-}
cmake --build build-cuda -j "${JOBS:-$(nproc)}"
build-cuda/train/ner-train env
if [ "${1:-}" != "--no-test" ]; then
  (cd build-cuda && ctest --output-on-failure -j "${JOBS:-$(nproc)}")
fi
