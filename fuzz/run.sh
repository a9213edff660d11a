#!/usr/bin/env bash
# Builds the libFuzzer targets with the address sanitizer, optimised (-O keeps Swift's overflow and
# bounds checks, and runs about ten times as many inputs per second as debug), and runs each for FUZZ_SECONDS from its
# seed corpus in fuzz/corpus/<name>/ (new inputs go to a scratch copy, never into the repository).
# Any crash, trap, leak, timeout or out-of-memory fails the run; the input that did it is saved as
# fuzz/crashes/<target>-<kind>-<hash> to be added to the corpus and to a unit test.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${FUZZ_SECONDS:-60}
# FUZZ_RUNS=N instead runs N inputs from seed 1: the same inputs every time (CI's smoke test).
if [ -n "${FUZZ_RUNS:-}" ]; then LIMIT="-runs=$FUZZ_RUNS -seed=1"; else LIMIT="-max_total_time=$SECONDS_EACH"; fi
TARGETS=${FUZZ_TARGETS:-"Reads Designs Tables Models Structures Sheets"}
export SWIFT_BACKTRACE=enable=no   # a crash must not wait in the backtracer
for t in $TARGETS; do
    swift build --scratch-path .build-fuzz -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld \
        -Xswiftc -DFUZZING --product "Fuzz$t" 2>&1 | grep -E "error|complete" || true
done
mkdir -p fuzz/crashes
status=0
for t in $TARGETS; do
    name=$(echo "$t" | tr 'A-Z' 'a-z')
    work=$(mktemp -d)
    log=$(mktemp)
    echo "== Fuzz$t: $LIMIT (seed corpus fuzz/corpus/$name)"
    if ! ".build-fuzz/release/Fuzz$t" "$work" "fuzz/corpus/$name" $LIMIT -timeout=10 \
        -rss_limit_mb=4096 -artifact_prefix="fuzz/crashes/$t-" -print_final_stats=1 >"$log" 2>&1; then
        status=1
        echo "Fuzz$t FAILED:"; grep -E "ERROR|SUMMARY|Test unit written|Fatal error|deadly signal" "$log" | head -10
    fi
    grep -E "^stat::number_of_executed_units|^Done" "$log" | sed "s/^/  /"
    rm -rf "$work" "$log"
done
exit $status
