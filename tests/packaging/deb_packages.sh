#!/usr/bin/env bash
# The Debian packages and the tarball as a new user gets them.  CPack makes
# them from the build directory into PACKAGES; this checks their names,
# control fields and contents, unpacks the packages with `dpkg -x` into a
# scratch root, and there runs the installed `medlint check` with no
# configuration and builds and runs each host sample as its README says.
#
#   deb_packages.sh CPACK BUILD_DIR PACKAGES SCRATCH VERSION LIBDIR SOURCE_DIR
#
# LIBDIR is CMAKE_INSTALL_LIBDIR; SOURCE_DIR serves only to show that no
# installed file names the source or build tree.
set -euo pipefail
cpack=$1 build=$2 packages=$3 scratch=$4 version=$5 libdir=$6 source=$7
arch=$(dpkg --print-architecture)
root="$scratch/root"
examples="$root/usr/share/medlint/examples"
sample="$examples/clean-outpatient-prescription.xml"

fail() {
  echo "deb_packages: $*" >&2
  exit 1
}
command -v dpkg-shlibdeps >/dev/null || fail "dpkg-shlibdeps is missing (Debian package dpkg-dev): run .ci/install-deps"

rm -rf "$packages" "$scratch"
mkdir -p "$root" "$scratch/home"
"$cpack" --config "$build/CPackConfig.cmake" -B "$packages" >"$scratch/cpack.log" ||
  { cat "$scratch/cpack.log"; fail "cpack failed"; }
rm -rf "$packages/_CPack_Packages"
echo "made: $(cd "$packages" && echo *)"

expect_field() {  # DEB FIELD REGEX
  local value
  value=$(dpkg-deb -f "$1" "$2")
  [[ $value =~ $3 ]] || fail "${1##*/}: $2 is \"$value\", expected to match $3"
}
expect_file() {  # DEB PATH
  dpkg-deb -c "$1" | grep " \./$2\( -> .*\)\?\$" >/dev/null || fail "${1##*/} lacks /$2"
}

for package in libmedlint1 libmedlint-dev medlint-tools medlint-server; do
  deb="$packages/${package}_${version}_${arch}.deb"
  [ -f "$deb" ] || fail "no ${deb##*/}"
  expect_field "$deb" Package "^$package\$"
  expect_field "$deb" Version "^$version\$"
  expect_field "$deb" Architecture "^$arch\$"
  expect_file "$deb" "usr/share/doc/$package/copyright"
  dpkg-deb -f "$deb" Package Version Architecture Depends
  dpkg -x "$deb" "$root"
done
runtime="$packages/libmedlint1_${version}_${arch}.deb"
dev="$packages/libmedlint-dev_${version}_${arch}.deb"
tools="$packages/medlint-tools_${version}_${arch}.deb"
server="$packages/medlint-server_${version}_${arch}.deb"

# Depends: the libraries' packages found by dpkg-shlibdeps, and the library
# package of the same version for the other two.
expect_field "$runtime" Depends "libc6 \(>= [0-9.]+\)"
expect_field "$runtime" Depends "libboost-locale1\.81\.0"
expect_field "$runtime" Depends "libsqlite3-0"
expect_field "$runtime" Depends "libpugixml1v5"
expect_field "$dev" Depends "^libmedlint1 \(= $version\)\$"
expect_field "$tools" Depends "libmedlint1 \(= $version\)"
expect_field "$tools" Depends "libstdc\+\+6"
expect_field "$tools" Depends "libssl3"
expect_field "$server" Depends "medlint-tools \(= $version\)"
expect_field "$server" Depends "adduser"
[[ $(dpkg-deb -I "$runtime" shlibs) == "libmedlint 1 libmedlint1 (>= $version)" ]] ||
  fail "libmedlint1's shlibs file is \"$(dpkg-deb -I "$runtime" shlibs)\""

expect_file "$runtime" "usr/$libdir/libmedlint.so.1"
expect_file "$runtime" "usr/share/medlint/rules/default/pack.xml"
expect_file "$runtime" "usr/share/medlint/rules/default/README.md"
expect_file "$runtime" "usr/share/medlint/rules/national/catalog.csv"
expect_file "$dev" "usr/$libdir/libmedlint.so"
expect_file "$dev" "usr/include/medlint/medlint.h"
expect_file "$dev" "usr/$libdir/cmake/medlint/medlintConfig.cmake"
expect_file "$dev" "usr/$libdir/pkgconfig/medlint.pc"
expect_file "$tools" "usr/bin/medlint"
expect_file "$server" "usr/lib/systemd/system/medlint.service"
expect_file "$server" "usr/share/medlint/server/medlint.xml"
expect_file "$server" "usr/share/medlint/server/serve.conf"
dpkg-deb -I "$server" postinst | grep -q "adduser --system --group" || fail "medlint-server's postinst makes no user"
dpkg-deb -I "$server" postrm >/dev/null || fail "medlint-server has no postrm"
unit="$root/usr/lib/systemd/system/medlint.service"
for line in "User=medlint" "StateDirectory=medlint" \
            "ExecStart=/usr/bin/medlint serve --config /etc/medlint/medlint.xml \$MEDLINT_SERVE_OPTIONS"; do
  grep -qxF "$line" "$unit" || fail "medlint.service lacks the line $line"
done

# Relocatable: no installed file names the tree it was built in.
if built_in=$(grep -rlF -e "$source" -e "$build" "$root"); then
  fail "these installed files name the source or build tree: $built_in"
fi

# The tarball holds the same files as the three packages.
tarball="$packages/medlint-$version-Linux-$(uname -m).tar.gz"
[ -f "$tarball" ] || fail "no ${tarball##*/}"
mkdir "$scratch/tgz"
tar -xzf "$tarball" -C "$scratch/tgz"
diff <(cd "$root/usr" && find . ! -type d | sort) \
     <(cd "$scratch/tgz/medlint-$version-Linux-$(uname -m)" && find . ! -type d | sort) ||
  fail "${tarball##*/} and the packages hold different files (<: packages, >: tarball)"

# Installed programs find the library in the scratch root; stores go to the
# scratch HOME.
run_installed() {
  env -u XDG_DATA_HOME HOME="$scratch/home" LD_LIBRARY_PATH="$root/usr/$libdir" "$@"
}
expect_pass() {  # WHAT EXPECTED_TEXT COMMAND...
  local what=$1 expected=$2 output status=0
  shift 2
  output=$(run_installed "$@" 2>&1) || status=$?
  echo "$what: $output"
  [ "$status" -eq 0 ] || fail "$what: exit status $status"
  [[ $output == *"$expected"* ]] || fail "$what: no \"$expected\" in the output"
}

# The tool with the built-in defaults: the pack inside the installed library.
expect_pass "medlint check" ": pass;" "$root/usr/bin/medlint" check "$sample"
[ -f "$scratch/home/.local/share/medlint/medlint.db" ] || fail "medlint check left no store in HOME"

# The service's default configuration opens an engine with the installed
# pack, once its absolute paths point into the scratch root.
server_config="$scratch/server-medlint.xml"
mkdir -p "$scratch/var-lib-medlint"
sed -e "s|/usr/share/medlint|$root/usr/share/medlint|" -e "s|/var/lib/medlint|$scratch/var-lib-medlint|" \
  "$root/usr/share/medlint/server/medlint.xml" >"$server_config"
expect_pass "medlint check with the service's configuration" ": pass;" \
  "$root/usr/bin/medlint" --config "$server_config" check "$sample"
expect_pass "medlint serve --help" "POST /v1/call" "$root/usr/bin/medlint" serve --help

# The host samples, built as their READMEs say.
export PKG_CONFIG_PATH="$root/usr/$libdir/pkgconfig"
# shellcheck disable=SC2046  # pkg-config prints one word per flag
cc -std=c11 $(pkg-config --cflags medlint) -o "$scratch/c-host" "$examples/hosts/c/medlint_host.c" -ldl
cmake="${cpack%/*}/cmake"
"$cmake" -S "$examples/hosts/cpp" -B "$scratch/cpp-host" -DCMAKE_PREFIX_PATH="$root/usr" >"$scratch/cpp-host.log" &&
  "$cmake" --build "$scratch/cpp-host" >>"$scratch/cpp-host.log" ||
  { cat "$scratch/cpp-host.log"; fail "the C++ host sample does not build"; }
expect_pass "C host" "verdict: pass" "$scratch/c-host" "$sample"
expect_pass "C++ host" "verdict: pass" "$scratch/cpp-host/medlint_host" "$sample"
expect_pass "Python host" "verdict: pass" python3 "$examples/hosts/python/medlint_host.py" "$sample"
