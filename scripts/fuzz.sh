#!/usr/bin/env bash
# scripts/fuzz.sh [SECONDS]: fuzzes the parsers of what others write, each for SECONDS (default 60):
# suites and price tables (fuzz-suite), server-sent event streams (fuzz-sse), the plugin kit's JSON
# readers (fuzz-json) and Core's JSON parser (fuzz-core-json). Builds them with libFuzzer and
# AddressSanitizer into .build-fuzz (the normal .build is left alone), starts each from its committed
# corpus in Tests/Fuzz/Corpus/<target>, which it only reads, and keeps what it finds in a temporary
# folder. Fails if any target crashes, hangs past -timeout or grows past -rss_limit_mb; the input
# that did it is named, for replaying with the plainly built target (.build/debug/<target> FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
seconds="${1:-60}"
targets=(fuzz-suite fuzz-sse fuzz-json fuzz-core-json)

# -DLLMBENCH_FUZZING makes each target's main hand over to libFuzzer's driver, which it finds with
# dlsym: hence the exported symbol (see Tests/Fuzz/Support/FuzzMain.swift).
build=(--build-path .build-fuzz -c release
       -Xswiftc -sanitize=fuzzer,address -Xswiftc -DLLMBENCH_FUZZING
       -Xcc -fsanitize=fuzzer-no-link,address
       -Xlinker --export-dynamic-symbol=LLVMFuzzerRunDriver)
start=$(date +%s)
for target in "${targets[@]}"; do
    # The linker warns that it cannot export AddressSanitizer's local symbols: harmless, and noisy.
    swift build "${build[@]}" --product "$target" 2>&1 | { grep -v "Cannot export local symbol" || true; }
done
echo "fuzz build: $(( $(date +%s) - start )) s"

work=$(mktemp -d "${TMPDIR:-/tmp}/llmbench-fuzz.XXXXXX")
failed=()
for target in "${targets[@]}"; do
    mkdir -p "$work/$target/found" "$work/$target/artifacts"
    log="$work/$target/log"
    # The first folder receives new inputs; the committed corpus after it is only read.
    # SWIFT_BACKTRACE=enable=no: libFuzzer reports the crash itself (the backtracer can stall).
    if SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 ".build-fuzz/release/$target" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$work/$target/artifacts/" \
        "$work/$target/found" "Tests/Fuzz/Corpus/$target" >"$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
        echo "$target: ok, $runs inputs in ${seconds} s ($rate a second)"
    else
        failed+=("$target")
        echo "$target: FAILED; the log is $log, the input:"
        ls "$work/$target/artifacts/"*
        grep -E "ERROR|SUMMARY|Fatal error|Precondition failed" "$log" | head -5 || true
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzzing found problems in: ${failed[*]} (inputs and logs in $work)"
    exit 1
fi
rm -rf "$work"
