#!/bin/sh
# Builds main.c as a pkg-config user would, then runs it:
#
#   build-with-pkg-config.sh CC OUTPUT [CFLAGS...]
#
# PKG_CONFIG_PATH names the folder of the installed medlint.pc.  The program
# finds libmedlint.so.1 in the package's libdir.
set -eu
cc="$1"
output="$2"
shift 2
pkg-config --exists --print-errors 'medlint >= 0.1'
# shellcheck disable=SC2046  # pkg-config prints one word per flag
"$cc" "$@" -o "$output" "$(dirname "$0")/main.c" $(pkg-config --cflags --libs medlint)
LD_LIBRARY_PATH="$(pkg-config --variable=libdir medlint)" "$output"
