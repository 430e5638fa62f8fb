#!/usr/bin/env bash
# audit_throughput.sh: how fast `medlint audit` gets through generated
# hospitals of growing size.  For each size it generates the documents with
# medlint_workload (not timed), imports the agency's ledger into a fresh
# store, then times the audit with /usr/bin/time -v (peak memory) and
# date +%s.%N (wall time), and prints documents/s, items/s and peak RSS.
#
# --harness times medlint_recall instead: the same documents through the
# library, as a stand-in while `medlint audit` is not there, or to compare.
# With --commit the harness also checks recall, and a miss fails the run.
#
#   audit_throughput.sh [--build DIR] [--seed S] [--inpatient-share F] [--violation-share F]
#                       [--jobs N] [--commit] [--harness] [--work DIR] [--keep] [SIZE...]
#
# SIZE: documents per run (default 10000 100000 1000000).  The figures are
# for a person to read; nothing here judges them.  See README.md.
set -euo pipefail

usage() {
    sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
    exit "${1:-2}"
}

build="" seed=1 inpatient_share=0.2 violation_share=0.1 jobs="" commit=0 harness=0 work="" keep=0
sizes=()
while [ $# -gt 0 ]; do
    case "$1" in
        --build) build="$2"; shift ;;
        --seed) seed="$2"; shift ;;
        --inpatient-share) inpatient_share="$2"; shift ;;
        --violation-share) violation_share="$2"; shift ;;
        --jobs) jobs="$2"; shift ;;
        --commit) commit=1 ;;
        --harness) harness=1 ;;
        --work) work="$2"; shift ;;
        --keep) keep=1 ;;
        -h|--help) usage 0 ;;
        -*) echo "audit_throughput.sh: unknown option $1" >&2; usage ;;
        *) sizes+=("$1") ;;
    esac
    shift
done
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000 1000000)

# The programs: from a build tree, else on PATH.
program() {
    local in_build="$1" name="$2"
    if [ -n "$build" ]; then echo "$build/$in_build"; else command -v "$name" || echo "$name"; fi
}
workload=$(program tests/bench/medlint_workload medlint_workload)
recall=$(program tests/bench/medlint_recall medlint_recall)
medlint=$(program sdk/medlint medlint)
for tool in "$workload" "$([ $harness = 1 ] && echo "$recall" || echo "$medlint")"; do
    [ -x "$tool" ] || { echo "audit_throughput.sh: $tool not found; give --build DIR" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "audit_throughput.sh: /usr/bin/time not found (Debian package time)" >&2; exit 2; }

# Seconds since a `date +%s.%N` reading, by awk: no bc on a minimal system.
elapsed_since() { awk -v from="$1" -v to="$(date +%s.%N)" 'BEGIN { printf "%.3f", to - from }'; }

if [ -z "$work" ]; then work=$(mktemp -d "${TMPDIR:-/tmp}/medlint-throughput-XXXXXX"); fi
mkdir -p "$work"
[ $keep = 1 ] || trap 'rm -rf "$work"' EXIT

what=$([ $harness = 1 ] && echo "medlint_recall (harness)" || echo "medlint audit")
mode=$([ $commit = 1 ] && echo "commit" || echo "check only")
echo "$what, $mode, jobs ${jobs:-default}; seed $seed, inpatient share $inpatient_share, violation share $violation_share"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
printf '%10s %10s %8s %10s %10s %9s %6s %9s\n' documents items seconds "docs/s" "items/s" "peak MiB" "cpu" "gen s"

status=0
for size in "${sizes[@]}"; do
    run="$work/$size"
    rm -rf "$run" && mkdir -p "$run"
    generated_from=$(date +%s.%N)
    "$workload" --seed "$seed" --documents "$size" --inpatient-share "$inpatient_share" \
        --violation-share "$violation_share" --out "$run/documents" --manifest "$run/manifest.csv" \
        --ledger "$run/ledger.xml" 2> "$run/workload.log"
    generated_in=$(elapsed_since "$generated_from")
    sync  # the generator's writes reach the disk now, not during the timed run
    items=$(awk -F, 'NR > 1 { sum += $2 } END { print sum }' "$run/manifest.csv")
    printf '<medlint><store path="%s" share="alliance"/><policy profile="national-2024"/></medlint>\n' "$run/medlint.db" > "$run/medlint.xml"

    if [ $harness = 1 ]; then
        command=("$recall" "$run/documents" --manifest "$run/manifest.csv" --ledger "$run/ledger.xml" --dir "$run")
        [ $commit = 1 ] || command+=(--check-only)
        [ -z "$jobs" ] || command+=(--jobs "$jobs")
    else
        "$medlint" --config "$run/medlint.xml" ledger import "$run/ledger.xml" > "$run/ledger.log"
        command=("$medlint" --config "$run/medlint.xml" audit)
        if [ $commit = 1 ]; then command+=(--commit); fi
        [ -z "$jobs" ] || command+=(--jobs "$jobs")
        command+=("$run/documents")
    fi
    started=$(date +%s.%N)
    set +e
    /usr/bin/time -v -o "$run/time.txt" "${command[@]}" > "$run/run.log" 2>&1
    code=$?
    set -e
    seconds=$(elapsed_since "$started")
    # medlint audit: 0 pass, 1 warnings, 2 blocks; the harness: 0 recall held.
    if { [ $harness = 1 ] && [ $code -ne 0 ]; } || [ $code -gt 2 ]; then
        echo "audit_throughput.sh: $size documents: ${command[0]##*/} exited $code; its output:" >&2
        tail -20 "$run/run.log" >&2
        status=1
    fi
    peak_kib=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$run/time.txt")
    cpu=$(awk -F': ' '/Percent of CPU/ { print $2 }' "$run/time.txt")
    awk -v n="$size" -v items="$items" -v s="$seconds" -v kib="$peak_kib" -v cpu="$cpu" -v gen="$generated_in" \
        'BEGIN { printf "%10d %10d %8.2f %10.0f %10.0f %9.1f %6s %9.2f\n", n, items, s, n / s, items / s, kib / 1024, cpu, gen }'
    [ $keep = 1 ] || rm -rf "$run"
done
exit $status
