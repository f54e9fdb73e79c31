#!/usr/bin/env bash
# Checks deploy/systemd/sieved.service with systemd-analyze:
#   - `verify` reports nothing (it exits 0 on unknown keys and bad values, so any
#     output is a failure; a deliberately broken copy proves the check can fail),
#   - the directives the operations guide promises are present,
#   - the `security` exposure score stays at or below the documented threshold.
# Usage: systemd_unit_test.sh UNIT SIEVED SIEVECTL
set -euo pipefail
unit=$1 sieved=$2 sievectl=$3
max_exposure=2.0

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# verify checks that the executables exist: point the unit at the built binaries.
sed -e "s#/usr/bin/sieved#${sieved}#g" -e "s#/usr/bin/sievectl#${sievectl}#g" "$unit" \
  > "$tmp/sieved.service"

out=$(systemd-analyze verify "$tmp/sieved.service" 2>&1) || fail "verify exited non-zero: $out"
[[ -z $out ]] || fail "verify reported problems:"$'\n'"$out"

printf 'BogusKey=1\n' >> "$tmp/broken.service"
cat "$tmp/sieved.service" "$tmp/broken.service" > "$tmp/sieved-broken.service"
out=$(systemd-analyze verify "$tmp/sieved-broken.service" 2>&1 || true)
[[ $out == *"Unknown key"* ]] || fail "verify did not flag an unknown key; the check above proves nothing"

required=(
  "Type=notify" "WatchdogSec=" "ExecReload=/bin/kill -HUP \$MAINPID" "StateDirectory=sieve"
  "User=sieve" "NoNewPrivileges=yes" "ProtectSystem=strict" "ProtectHome=yes" "PrivateTmp=yes"
  "PrivateDevices=yes" "RestrictAddressFamilies=" "CapabilityBoundingSet=" 
  "SystemCallFilter=@system-service" "ExecStart=/usr/bin/sieved --config /etc/sieve/sieve.yaml"
)
for directive in "${required[@]}"; do
  grep -qxF -- "$directive" "$unit" || grep -q "^${directive}" "$unit" || fail "missing $directive"
done
grep -qx "CapabilityBoundingSet=" "$unit" || fail "CapabilityBoundingSet= must be empty"

# The daemon's shutdown timeout in the production example must fit in TimeoutStopSec.
stop=$(sed -n 's/^TimeoutStopSec=\([0-9]*\)s$/\1/p' "$unit")
[[ -n $stop ]] || fail "TimeoutStopSec=<n>s missing"
examples=$(dirname "$unit")/../../config/examples
drain=$(sed -n 's/^ *shutdown_timeout: *\([0-9]*\)s.*/\1/p' "$examples/production.yaml")
[[ -n $drain ]] || fail "no shutdown_timeout in production.yaml"
((drain < stop)) || fail "shutdown_timeout ${drain}s is not below TimeoutStopSec=${stop}s"

score=$(systemd-analyze security --offline=yes --threshold=100 "$tmp/sieved.service" 2>&1 |
  sed -n 's/.*Overall exposure level for sieved.service: \([0-9.]*\).*/\1/p')
[[ -n $score ]] || fail "no exposure score"
echo "systemd-analyze security exposure: $score (threshold $max_exposure)"
awk -v s="$score" -v m="$max_exposure" 'BEGIN { exit !(s <= m) }' ||
  fail "exposure $score above $max_exposure"
echo "PASS"
