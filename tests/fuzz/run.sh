#!/usr/bin/env bash
# Runs the libFuzzer targets of the fuzz preset's build, each for --seconds
# (default 1200: 80 minutes for the four), from a copy of its seed corpus so
# that the repository is not written, and prints what each did: executions,
# coverage (cov: edges, ft: features) and corpus size.  Fails when a target
# finds anything (crash, leak, sanitizer report, timeout); the input that
# did it is kept and named.  .ci/run runs it with --seconds 60.
#
#   tests/fuzz/run.sh [--seconds N] [--jobs N] [--keep DIR] [TARGET...] [-- LIBFUZZER-FLAGS...]
#
# TARGET is request, documents, pack or national (default: all); --jobs runs that many
# at once; --keep DIR leaves each grown corpus in DIR/TARGET (to minimise
# into corpus/TARGET with -merge=1, README.md).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${MEDLINT_FUZZ_BUILD:-$here/../../build/fuzz}/tests/fuzz"

seconds=1200 jobs=1 keep="" targets=() flags=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;
    --) shift; flags=("$@"); break ;;
    -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(request documents pack national)

work="$(mktemp -d "${TMPDIR:-/tmp}/medlint-fuzz-run.XXXXXX")"
findings="$work/findings"
mkdir -p "$findings"

fuzz() {
  local target="$1" corpus="$work/corpus-$1" dict=()
  cp -r "$here/corpus/$target" "$corpus"
  [ -f "$here/$target.dict" ] && dict=(-dict="$here/$target.dict")
  # From the work folder: a target's temporary store and any crash file land there.
  local status=0
  (cd "$work" && "$build/medlint_fuzz_$target" "$corpus" "${dict[@]}" -max_total_time="$seconds" \
      -timeout=25 -rss_limit_mb=2560 -print_final_stats=1 -artifact_prefix="$findings/$target-" \
      "${flags[@]}") >"$work/$target.log" 2>&1 || status=$?
  echo "$status" >"$work/$target.status"
}

summary() {
  local target="$1" log="$work/$1.log"
  local done_line executions
  done_line="$(grep -E '^#[0-9]+[[:space:]]+(DONE|INITED|NEW|REDUCE|pulse)' "$log" | tail -n 1 || true)"
  executions="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
  printf '%-10s executions %-10s %s\n' "$target" "${executions:-?}" \
    "$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9a-zA-Z]+' <<<"$done_line")"
  if [ -n "$keep" ]; then
    mkdir -p "$keep/$target"
    cp "$work/corpus-$target"/* "$keep/$target/" 2>/dev/null || true
  fi
}

failed=()
running=0
for target in "${targets[@]}"; do
  [ -x "$build/medlint_fuzz_$target" ] || { echo "run.sh: no target $build/medlint_fuzz_$target (cmake --build --preset fuzz)" >&2; exit 2; }
  if [ "$jobs" -gt 1 ]; then
    fuzz "$target" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
  else
    fuzz "$target"
  fi
done
wait

for target in "${targets[@]}"; do
  summary "$target"
  if [ "$(cat "$work/$target.status")" != 0 ]; then
    failed+=("$target")
    echo "== $target found something; the end of its log:" >&2
    tail -n 60 "$work/$target.log" >&2
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "run.sh: findings in ${failed[*]}; inputs kept in $findings:" >&2
  ls -l "$findings" >&2
  exit 1
fi
rm -rf "$work"
