#!/usr/bin/env bash
# Builds and runs the ingest benchmark: sieve's Kafka ingest (JSON records of 50
# numeric features decoded into column buffers) next to kcat's raw consume rate,
# from the same embedded broker and topic, in one run.
#   bench/ingest/run_ingest_bench.sh [build-dir] [--records N] [--partitions N] [--repetitions N]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build-bench}
shift $(( $# > 0 ? 1 : 0 ))
cmake -S "$root" -B "$build" -G Ninja -DSIEVE_BUILD_BENCH=ON >/dev/null
ninja -C "$build" sieve_ingest_bench >/dev/null
"$build/bench/ingest/sieve_ingest_bench" "$@"
