#!/usr/bin/env bash
# The JUnit-XML grader's parse of large reports (issue 9): 1, 2.5, 5 and 10 MB pytest-style reports
# with 5 % failing cases and long failure texts, each read ROUNDS times by the grader's parser
# (release build), next to xmllint --stream (libxml2's own streaming reader, C) and Python's
# xml.etree.ElementTree.iterparse (expat) on the same files in the same run. Prints ms per file
# and µs per MB, which stays flat when the parse grows linearly.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
ROUNDS="${ROUNDS:-5}"
work="$(mktemp -d /tmp/llmbench-junit-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
swift build -c release --product junit-parse-benchmark >/dev/null
bin="$(swift build -c release --show-bin-path)/junit-parse-benchmark"

python3 - "$work" <<'PY'
import sys, random
random.seed(7)
out = sys.argv[1]
for mb in (1, 2.5, 5, 10):
    target = int(mb * 1_000_000)
    parts = ['<?xml version="1.0" encoding="utf-8"?>\n<testsuites><testsuite name="pytest" tests="0">\n']
    size, i = len(parts[0]), 0
    while size < target:
        if i % 20 == 7:
            body = "".join(f"    line {k}: assert value_{k} == expected_{k} &lt;{random.random():.6f}&gt;\n" for k in range(12))
            case = (f'<testcase classname="tests.test_module_{i // 100}" name="test_case_{i}[param-{i % 7}]" time="{random.random():.3f}">'
                    f'<failure message="AssertionError: assert {i} == {i + 1}">{body}</failure></testcase>\n')
        else:
            case = f'<testcase classname="tests.test_module_{i // 100}" name="test_case_{i}[param-{i % 7}]" time="{random.random():.3f}"/>\n'
        parts.append(case)
        size += len(case)
        i += 1
    parts.append("</testsuite></testsuites>\n")
    with open(f"{out}/report-{mb}MB.xml", "w") as f:
        f.write("".join(parts))
PY

files=("$work/report-1MB.xml" "$work/report-2.5MB.xml" "$work/report-5MB.xml" "$work/report-10MB.xml")
median_ms() { # command... → median wall ms over ROUNDS runs
    local times=()
    for _ in $(seq "$ROUNDS"); do
        local s e
        s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N)
        times+=($(( (e - s) / 1000 )))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}'
}
printf '%-10s %8s %8s | %10s %10s | %12s %12s\n' file cases failed "grader ms" "µs/MB" "xmllint ms" "etree ms"
ROUNDS="$ROUNDS" "$bin" "${files[@]}" > "$work/grader.tsv"
i=0
while IFS=$'\t' read -r bytes cases failed best median; do
    file="${files[$i]}"
    xl=$(median_ms xmllint --stream --noout "$file")
    et=$(median_ms python3 -c "import sys, xml.etree.ElementTree as E
n=0
for ev, el in E.iterparse(sys.argv[1]):
    if el.tag == 'testcase': n += 1
    el.clear()
" "$file")
    per_mb=$(python3 -c "print(f'{$median / ($bytes / 1e6) * 1000:.0f}')")
    printf '%-10s %8s %8s | %10s %10s | %12s %12s\n' "$(basename "$file" .xml | sed 's/report-//')" "$cases" "$failed" "$median" "$per_mb" "$xl" "$et"
    i=$((i + 1))
done < "$work/grader.tsv"
echo "(grader: parse only, in process, median of $ROUNDS; xmllint and etree: whole process, median of $ROUNDS)"
