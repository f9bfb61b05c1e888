#!/usr/bin/env bash
# Runs ConvKit's libFuzzer targets under AddressSanitizer, with memory and time limits so that
# blow-ups and hangs count as findings:
#   Fuzz/run.sh                 # every target, 600 s each
#   Fuzz/run.sh png 60          # one target, 60 s
#   Fuzz/run.sh "npy png" 600   # some targets (FUZZ_SKIP_BUILD=1 reuses the last build)
# Findings (crashing, leaking, oversized or slow inputs) land in Fuzz/findings/<target>/; the
# corpus grows in Fuzz/corpus-work/<target>/ from the committed seeds in Fuzz/Corpus/<target>/
# (Fuzz/make_corpus.py writes them). Fixed findings are kept as cases in swift test
# (HardeningTests.fuzzFindings…).
set -euo pipefail
cd "$(dirname "$0")"
all=(npy npz safetensors checkpoint idx gzip png model-spec bench-suite onnx)
read -r -a targets <<< "${1:-all}"
[ "${targets[0]}" = all ] && targets=("${all[@]}")
seconds=${2:-600}
# lld: gold fails on the fuzzer runtime's objects.
[ -n "${FUZZ_SKIP_BUILD:-}" ] || swift build -c debug --scratch-path .build-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address -Xswiftc -use-ld=lld
export LSAN_OPTIONS="suppressions=$PWD/../Tests/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
status=0
for target in "${targets[@]}"; do
    mkdir -p "corpus-work/$target" "findings/$target"
    options=(-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
             -artifact_prefix="findings/$target/")
    [ -f "Dictionaries/$target.dict" ] && options+=(-dict="Dictionaries/$target.dict")
    echo "== fuzz-$target for $seconds s"
    if ! ".build-fuzz/debug/fuzz-$target" "${options[@]}" "corpus-work/$target" "Corpus/$target" 2>&1 \
        | tee "findings/$target.log" | grep -E "^(#[0-9]+ +DONE|stat::|==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)"; then
        :
    fi
    if ls "findings/$target"/* > /dev/null 2>&1; then
        echo "fuzz-$target: findings in Fuzz/findings/$target/"
        status=1
    fi
done
exit $status
