#!/usr/bin/env bash
# Builds the Debian package with CPack and checks it:
#   - apt-get resolves its dependencies on this Debian (simulated install),
#   - it holds the binaries, examples, unit file, deploy files and maintainer scripts,
#   - the extracted sieved --version prints the project version, and sievectl config
#     check accepts every installed example,
#   - as root, with no sieve package present: dpkg -i, run the installed binaries, purge,
#   - `cmake --install` lays out the same tree.
# Usage: package_test.sh BUILD_DIR VERSION
set -euo pipefail
build=$1 version=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

(cd "$tmp" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/out" > cpack.log 2>&1) ||
  { cat "$tmp/cpack.log"; fail "cpack"; }
deb=$(ls "$tmp"/out/sieve_"${version}"_*.deb)
echo "package: $(basename "$deb") ($(du -h "$deb" | cut -f1))"

[[ $(dpkg-deb -f "$deb" Package) == sieve ]] || fail "package name"
[[ $(dpkg-deb -f "$deb" Version) == "$version" ]] || fail "package version"
depends=$(dpkg-deb -f "$deb" Depends)
echo "depends: $depends"
for lib in librdkafka librocksdb libyaml-cpp libsystemd adduser; do
  [[ $depends == *"$lib"* ]] || fail "Depends lacks $lib"
done
# Every dependency resolves against this system's package lists.
apt-get install --simulate --no-install-recommends "$deb" > "$tmp/apt.log" 2>&1 ||
  { cat "$tmp/apt.log"; fail "apt-get cannot install the package"; }

dpkg-deb -e "$deb" "$tmp/control"
for script in postinst prerm postrm; do
  [[ -x $tmp/control/$script ]] || fail "missing $script"
  sh -n "$tmp/control/$script" || fail "$script does not parse"
done
grep -q "adduser --system" "$tmp/control/postinst" || fail "postinst does not create the user"

root=$tmp/root
dpkg-deb -x "$deb" "$root"
expected=(
  usr/bin/sieved usr/bin/sievectl usr/bin/sieve-kafka-dev usr/bin/sieve-generate
  usr/lib/systemd/system/sieved.service
  usr/share/sieve/examples/quickstart.yaml usr/share/sieve/examples/production.yaml
  usr/share/sieve/deploy/prometheus/sieve-rules.yaml usr/share/sieve/deploy/prometheus/prometheus.yml
  usr/share/sieve/deploy/grafana/sieve.json
  usr/share/sieve/deploy/kubernetes/kustomization.yaml
)
for path in "${expected[@]}"; do
  [[ -e $root/$path ]] || fail "package lacks /$path"
done
# The unit refers to binaries the package installs.
for exe in $(sed -n 's/^Exec[A-Za-z]*=\([^ ]*\).*/\1/p' "$root/usr/lib/systemd/system/sieved.service"); do
  [[ $exe == /bin/kill || -x $root$exe ]] || fail "unit runs $exe, not in the package"
done

out=$("$root/usr/bin/sieved" --version)
[[ $out == "sieved $version" ]] || fail "sieved --version printed '$out'"
for example in "$root"/usr/share/sieve/examples/*.yaml; do
  "$root/usr/bin/sievectl" config check "$example" > /dev/null ||
    fail "sievectl config check $(basename "$example")"
done
# A broken config is refused, so the loop above checks something.
printf 'daemon:\n  no_such_key: 1\n' > "$tmp/broken.yaml"
if "$root/usr/bin/sievectl" config check "$tmp/broken.yaml" > /dev/null 2>&1; then
  fail "sievectl accepted a broken config"
fi

# A real install on this Debian, where it cannot disturb anything: as root (as CI runs)
# and only when no sieve package is installed already; removed again afterwards.
if [[ $(id -u) == 0 ]] && ! dpkg-query -W -f='${Status}' sieve 2>/dev/null | grep -q "install ok installed"; then
  trap 'dpkg --purge sieve > /dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
  dpkg -i "$deb" > "$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "dpkg -i failed"; }
  out=$(/usr/bin/sieved --version)
  [[ $out == "sieved $version" ]] || fail "installed sieved --version printed '$out'"
  /usr/bin/sievectl config check /usr/share/sieve/examples/quickstart.yaml > /dev/null ||
    fail "installed sievectl rejects the installed quickstart.yaml"
  id sieve > /dev/null 2>&1 || fail "installing did not create the sieve user"
  dpkg --purge sieve > "$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "dpkg --purge failed"; }
  [[ ! -e /usr/bin/sieved ]] || fail "purge left /usr/bin/sieved"
  echo "installed, ran and purged the package"
fi

DESTDIR=$tmp/install cmake --install "$build" --prefix /usr > /dev/null
for path in "${expected[@]}"; do
  [[ -e $tmp/install/$path ]] || fail "cmake --install lacks /$path"
done
echo PASS
