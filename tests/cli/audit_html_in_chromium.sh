#!/bin/sh
# The audit's HTML report as a person sees it: headless Chromium opens the
# page offline, runs its script, and the page it ends with must show the
# totals of the JSON report written by the same run, a chart per view, and
# the sortable findings table.  Exits 77 (skipped) where the chromium
# package is not installed.
#
# usage: audit_html_in_chromium.sh MEDLINT SAMPLES_FOLDER
set -eu
medlint=$1
samples=$2

if ! command -v chromium >/dev/null 2>&1; then
    echo "chromium is not installed: skipped"
    exit 77
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '<medlint><store path="store.db"/><policy profile="national-2024"/></medlint>\n' >"$work/config.xml"

status=0
"$medlint" --config "$work/config.xml" audit --commit --html "$work/report.html" --json "$work/report.json" \
    "$samples" >"$work/audit.txt" || status=$?
if [ "$status" -gt 2 ]; then
    echo "FAIL: medlint audit exited $status"
    cat "$work/audit.txt"
    exit 1
fi

# A profile of its own, so that nothing depends on the user's.
timeout 120 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$work/profile" \
    --dump-dom "file://$work/report.html" >"$work/dom.html" 2>"$work/chromium.txt" || {
    echo "FAIL: chromium could not render the page"
    cat "$work/chromium.txt"
    exit 1
}

failures=0
expect() {  # expect TEXT WHAT
    if grep -qF -- "$1" "$work/dom.html"; then
        echo "ok: the page shows $2"
    else
        echo "FAIL: the page does not show $2 ($1)"
        failures=$((failures + 1))
    fi
}

# The totals of the JSON report, whose "totals" object lists one per line.
total() { sed -n "s/^    \"$1\": \\([0-9.]*\\),\\{0,1\\}\$/\\1/p" "$work/report.json"; }
expect "id=\"documents-checked\">$(total checked)<" "the documents checked"
expect "id=\"findings\">$(total findings)<" "the findings"
expect "id=\"amount-at-risk\">¥$(total amount_at_risk)<" "the amount at risk"
expect "id=\"points-at-risk\">$(total points_at_risk)<" "the points at risk"
for chart in by-rule by-department by-physician points; do
    expect "<section id=\"$chart\"><h2>" "the section $chart"
done
first_rule=$(sed -n 's/^      "rule": "\(.*\)",$/\1/p' "$work/report.json" | head -n 1)
expect ">$first_rule</text>" "a bar labelled with the rule of most findings, $first_rule"
expect "data-sortable=\"ready\"" "a findings table its script made sortable"

charts=$(grep -o '<svg' "$work/dom.html" | wc -l)
if [ "$charts" -ge 4 ]; then
    echo "ok: $charts SVG charts"
else
    echo "FAIL: $charts SVG charts, expected 4"
    failures=$((failures + 1))
fi

[ "$failures" -eq 0 ]
