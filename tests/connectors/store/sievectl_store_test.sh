#!/usr/bin/env bash
# End-to-end check of `sievectl store inspect|backup|restore|verify` on a real store.
# usage: sievectl_store_test.sh SIEVECTL STORE_CRASH_WRITER
set -euo pipefail
sievectl=$1
writer=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
expect_in() {  # expect_in TEXT PATTERN
  grep -q -- "$2" <<<"$1" || fail "expected '$2' in: $1"
}

# 6 rounds of the writer: 7 versions (v3 and v6 made active, v5 a rollback to v3)
# and 6 window chunks.
"$writer" "$dir/db" 6 >/dev/null

out=$("$sievectl" store inspect --db "$dir/db")
expect_in "$out" "^ctr: latest v7, active 6, candidate -, window"

out=$("$sievectl" store inspect --db "$dir/db" --pipeline ctr --limit 2)
expect_in "$out" "  v7  candidate"
[[ $(grep -c "^  v" <<<"$out") == 2 ]] || fail "expected 2 versions in: $out"

out=$("$sievectl" store inspect --db "$dir/db" --pipeline ctr --limit 1 --json)
expect_in "$out" '"schema_version": 1'
expect_in "$out" '"pipeline": "ctr"'

out=$("$sievectl" store verify --db "$dir/db")
expect_in "$out" "^ok: "

out=$("$sievectl" store backup --db "$dir/db" --to "$dir/backups")
expect_in "$out" "^backup 1 of "
out=$("$sievectl" store verify --backup "$dir/backups")
expect_in "$out" "^backup 1: .* ok$"

"$sievectl" store restore --from "$dir/backups" --db "$dir/restored" >/dev/null
diff <("$sievectl" store inspect --db "$dir/db" --pipeline ctr --json) \
     <("$sievectl" store inspect --db "$dir/restored" --pipeline ctr --json) \
  || fail "restored store differs"

set +e
err=$("$sievectl" store restore --from "$dir/backups" --db "$dir/db" 2>&1); rc=$?
[[ $rc == 1 ]] || fail "restore over a store: exit $rc"
expect_in "$err" "already exists"
err=$("$sievectl" store inspect --db "$dir/missing" 2>&1); rc=$?
[[ $rc == 1 ]] || fail "inspect of a missing store: exit $rc"
expect_in "$err" "no store at"
err=$("$sievectl" store verify 2>&1); rc=$?
[[ $rc == 2 ]] || fail "verify without a target: exit $rc"
set -e
echo "ok"
