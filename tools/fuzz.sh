#!/usr/bin/env bash
# Fuzzes the tagged-text reader with libFuzzer (clang, ASan, UBSan).
# Usage: tools/fuzz.sh [SECONDS]   (default 600). Needs Debian's clang and
# libclang-rt-14-dev; installs them if missing. Prints the executions run.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"

source tools/setup.sh --deps-only
ensure_packages clang libclang-rt-14-dev

build=build-fuzz
echo "==> configuring $build with clang (fuzzers, ASan, UBSan; no LibTorch)"
CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DNER_BUILD_FUZZERS=ON -DNER_WITH_TORCH=OFF -DNER_BUILD_TESTS=OFF -DNER_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$build" --target tagged_text_fuzzer

corpus="$build/fuzz-corpus"
mkdir -p "$corpus"
if [ -d ../shared/seeds ]; then cp -n ../shared/seeds/*.txt "$corpus"/ 2>/dev/null || true; fi
printf '<model>A</model><params>7B</params>' >"$corpus/adjacent.txt"
printf 'a\r\n\t<country>the United Kingdom</country> \xce\xa3 \xf0\x9f\x9a\x80' >"$corpus/crlf.txt"
printf '<p><Model>x</MODEL></p>' >"$corpus/case.txt"

echo "==> fuzzing for ${seconds}s (log: $build/fuzz.log)"
log="$build/fuzz.log"
status=0
"$build/tests/fuzz/tagged_text_fuzzer" -max_total_time="$seconds" -max_len=4096 \
  -print_final_stats=1 "$corpus" >"$log" 2>&1 || status=$?
grep -E "^#[0-9]+ +(pulse|DONE)" "$log" | tail -n 3 || true
grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$log" || true
if [ "$status" -ne 0 ]; then
  echo "fuzzer failed (exit $status): see $log" >&2
  tail -n 30 "$log" >&2
  exit 1
fi
echo "no crash in ${seconds}s"
