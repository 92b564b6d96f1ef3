#!/usr/bin/env bash
# Installs what the project needs from Debian's archive (only what is missing),
# then configures and builds into build/. Safe to run again at any time.
#
# Usage: tools/setup.sh [--no-build] [--build-dir DIR] [-- EXTRA_CMAKE_ARGS...]
#   --no-build        install packages only
#   --build-dir DIR   build somewhere else than build/
# Environment: NER_CMAKE_ARGS adds CMake arguments; JOBS sets build parallelism.
#
# On the GPU machine (no apt, PyTorch installed) use tools/build_cuda.sh instead.
#
# Sourced with --deps-only, it only defines ensure_packages for other scripts.

NER_PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libtorch-dev libopenblas0-pthread libblas-dev
  libsentencepiece-dev libhdf5-dev libeigen3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev libyaml-cpp-dev nlohmann-json3-dev libfmt-dev libicu-dev
  libpoppler-cpp-dev libcairo2-dev
)
# libcairo2-dev only makes the test PDFs.

ner_log() { printf '==> %s\n' "$*" >&2; }

# Installs the given Debian packages that are not installed yet.
ensure_packages() {
  local missing=() package
  for package in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$package")
    fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    ner_log "packages: all ${#} present"
    return 0
  fi
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "setup: missing packages (${missing[*]}) and not root, and sudo is not available" >&2
      return 1
    fi
    sudo=(sudo)
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: missing packages (${missing[*]}) and apt-get is not available" >&2
    return 1
  fi
  ner_log "installing ${#missing[@]} package(s): ${missing[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
}

if [ "${1:-}" = "--deps-only" ] && [ "${BASH_SOURCE[0]}" != "$0" ]; then
  return 0
fi

set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build_dir=build
do_build=1
extra_cmake_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) do_build=0 ;;
    --build-dir) build_dir="$2"; shift ;;
    --) shift; extra_cmake_args+=("$@"); break ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

ner_log "checking Debian packages"
ensure_packages "${NER_PACKAGES[@]}"
[ "$do_build" -eq 1 ] || exit 0

# shellcheck disable=SC2206
env_cmake_args=(${NER_CMAKE_ARGS:-})
ner_log "configuring $build_dir (Release)"
configure_log="$(mktemp)"
trap 'rm -f "$configure_log"' EXIT
if ! cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  "${env_cmake_args[@]}" "${extra_cmake_args[@]}" >"$configure_log" 2>&1; then
  cat "$configure_log" >&2
  exit 1
fi
grep -E "^-- (LibTorch|Found HDF5: .* found version)" "$configure_log" | cut -c1-120 >&2 || true
jobs="${JOBS:-$(nproc)}"
ner_log "building $build_dir with $jobs job(s)"
cmake --build "$build_dir" -j "$jobs"
ner_log "build ready in $build_dir/"
