#!/usr/bin/env bash
# Runs one decoder fuzz target for a while on its seed corpus.
#   fuzz/run_fuzzer.sh <fuzzer-binary> <seed-corpus-dir> [seconds=20] [extra libFuzzer flags...]
# ctest runs each target for a few seconds; run it for minutes or hours by hand:
#   fuzz/run_fuzzer.sh build/fuzz/json_decoder_fuzzer fuzz/corpus/json 3600 -jobs=2
# New inputs go to a temporary corpus (printed), never into the source tree; a
# crashing input is written to the current directory (crash-*) and the exit is 1.
set -euo pipefail
fuzzer=$1
seeds=$2
seconds=${3:-20}
shift $(( $# >= 3 ? 3 : $# ))
work=$(mktemp -d "${TMPDIR:-/tmp}/sieve-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "fuzzing ${fuzzer##*/} for ${seconds}s, corpus in $work" >&2
"$fuzzer" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 "$@" "$work" "$seeds"
