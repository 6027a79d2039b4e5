#!/usr/bin/env bash
# Proves neuroevo's reliability promises (docs/reliability.md) with sanitizers and fuzzing:
#   asan  clang, AddressSanitizer + UndefinedBehaviorSanitizer: the whole test suite (build-asan/),
#         including the fuzz corpus replays (ctest FuzzCorpus.*); ASAN_SKIP (a ctest regex) leaves out
#         more tests (.ci/run uses it for the long end-to-end runs, to fit CI's time budget)
#   tsan  gcc, ThreadSanitizer: the threaded and MPI tests (build-tsan/)
#   fuzz  the libFuzzer targets of fuzz/ (built in build-asan/), each for FUZZ_SECONDS (default 60) from
#         the committed seed corpus in fuzz/corpus/<target>; any crash, leak, timeout or sanitizer report
#         fails. New inputs are kept in build-asan/fuzz-corpus/, never in the committed corpus.
# Usage: scripts/sanitize.sh [asan|tsan|fuzz|all]... (default: all). Needs clang and libclang-rt-14-dev
# (scripts/setup.sh installs them). Exits non-zero on the first failure. Each stage prints its wall time.
# The ASan build also serves the fuzz targets (one instrumented build of the library instead of two).
# Every stage configures and builds (incrementally), so a stale build never passes.
# Both sanitizer builds configure with NEUROEVO_REQUIRE_ALL_DEPS=ON, so MPI and MuJoCo tests run, never skip.
set -euo pipefail
cd "$(dirname "$0")/.."
steps=("$@")
((${#steps[@]})) || steps=(all)
jobs=$(nproc)
fuzz_seconds=${FUZZ_SECONDS:-60}
fuzz_targets=(fuzz_config fuzz_checkpoint fuzz_champion fuzz_env_state fuzz_bbob_eval)
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# OpenMPI and MuJoCo keep allocations until exit that LeakSanitizer reports as leaks of their own; the
# suite runs without leak checking (the fuzz targets, which load neither, keep it).
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
# Reports inside third-party code that TSan cannot see into (each entry documents why it is not ours).
[[ -f scripts/tsan.supp ]] && TSAN_OPTIONS+=":suppressions=$PWD/scripts/tsan.supp"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# RLIMIT_AS tests cannot run under ASan/TSan (their shadow memory needs terabytes of address space).
exclude='WorkerThreadThatCannotStartFailsCleanly|NoiseTableSizeIsLimitedAndItsAllocationFailureNamed'
# The Python package is not built with sanitizers: Debian's python3 cannot load an ASan-instrumented
# module without preloading the runtime; its C++ core is the library the other tests cover.
asan_exclude="$exclude|python_package|python_venv_install${ASAN_SKIP:+|$ASAN_SKIP}"
# The TSan subset: every test that starts threads or MPI ranks (evaluators, thread-count determinism,
# MPI, the noise table's parallel fill, run-directory locking and signals, COBA/LSM threads).
tsan_tests=${TSAN_TESTS:-'Evaluator|BatchRunner|Determinism|Thread|Mpi|MPI|Noise|RunDir|Resume|Coba|Lsm'}

# Each stage reports its wall time and its CPU time (user + sys of every process it waited for, from
# bash's `times`): on a shared machine wall time depends on the load, CPU time much less so.
# `times` must run in this shell, not in a $(...) subshell (which would report its own, empty, children),
# so it writes to a file that is read afterwards.
times_file=$(mktemp)
trap 'rm -f "$times_file"' EXIT
cpu_now() {
  times >"$times_file"
  cpu=$(tail -n 1 "$times_file" | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%d", u[1] * 60 + u[2] + s[1] * 60 + s[2] }')
}
stage_start=$SECONDS
cpu_now
stage_cpu=$cpu
stage_done() {
  cpu_now
  echo "sanitize: $1 took $((SECONDS - stage_start)) s wall, $((cpu - stage_cpu)) s CPU"
  stage_start=$SECONDS
  stage_cpu=$cpu
}

want() { for s in "${steps[@]}"; do [[ $s == all || $s == "$1" ]] && return 0; done; return 1; }

# build_asan [TARGET...]: configure build-asan/ and build the targets (default: all).
build_asan() {
  local flags="-O1 -g1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined -fsanitize=fuzzer-no-link"
  cmake -S . -B build-asan -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Sanitize \
    -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
    -DNEUROEVO_FUZZ=ON -DNEUROEVO_BUILD_BENCH=OFF -DNEUROEVO_BUILD_PYTHON=OFF -DNEUROEVO_REQUIRE_ALL_DEPS=ON >/dev/null
  local targets=()
  (($#)) && targets=(--target "$@")
  cmake --build build-asan -j"$jobs" "${targets[@]}"
  stage_done "ASan+UBSan build${1:+ of $*}"
}

if want asan; then
  echo "== ASan+UBSan: whole test suite"
  build_asan
  ctest --test-dir build-asan --output-on-failure -j"$jobs" -E "$asan_exclude"
  stage_done "ASan+UBSan tests"
fi

if want tsan; then
  echo "== TSan: threaded and MPI tests"
  # Only the test files that define a test of the subset are compiled (about half of them): a file
  # holds a test of the subset when a TEST line's suite or name matches the regex (a superset of
  # ctest's -R match on "Suite.Name", so no test of the subset is left out).
  mapfile -t tsan_files < <(grep -lE "^(TYPED_)?TEST(_F|_P)?\([^)]*($tsan_tests)" tests/test_*.cpp | xargs -n1 basename)
  ((${#tsan_files[@]})) || { echo "no test file matches TSAN_TESTS='$tsan_tests'" >&2; exit 1; }
  echo "TSan: ${#tsan_files[@]} test files: ${tsan_files[*]}"
  cmake -S . -B build-tsan -DCMAKE_CXX_COMPILER=g++ -DCMAKE_BUILD_TYPE=Sanitize \
    -DCMAKE_CXX_FLAGS="-O1 -g1 -fsanitize=thread" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" \
    -DNEUROEVO_BUILD_BENCH=OFF -DNEUROEVO_BUILD_PYTHON=OFF -DNEUROEVO_REQUIRE_ALL_DEPS=ON \
    -DNEUROEVO_TEST_FILES="$(IFS=';'; echo "${tsan_files[*]}")" >/dev/null
  cmake --build build-tsan -j"$jobs" --target neuroevo neuroevo_tests
  stage_done "TSan build"
  ctest --test-dir build-tsan --output-on-failure -j"$jobs" -E "$exclude" -R "$tsan_tests"
  stage_done "TSan tests"
fi

# fuzz_target T: runs libFuzzer target T for FUZZ_SECONDS; prints its executions, or the crash and fails.
fuzz_target() {
  local t=$1 work="build-asan/fuzz-corpus/$1" log="build-asan/fuzz-artifacts/$1.log"
  mkdir -p "$work" "build-asan/fuzz-artifacts/$t"
  if ! build-asan/fuzz/$t -max_total_time="$fuzz_seconds" -timeout=20 -rss_limit_mb=2048 -max_len=65536 \
      -print_final_stats=1 -artifact_prefix="build-asan/fuzz-artifacts/$t/" "$work" "fuzz/corpus/$t" >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "FAIL: $t found a crash; the input is in build-asan/fuzz-artifacts/$t/ (add it to fuzz/corpus/$t," >&2
    echo "      where ctest FuzzCorpus.$t replays it, once fixed)" >&2
    return 1
  fi
  echo "$t: $(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}') executions in ${fuzz_seconds} s, no crash"
}

if want fuzz; then
  echo "== libFuzzer: ${fuzz_seconds} s per target, ${jobs} at a time"
  build_asan "${fuzz_targets[@]}"
  export ASAN_OPTIONS=abort_on_error=1
  # Each target is one single-threaded process: run as many at once as there are cores.
  running=0 failed=0
  for t in "${fuzz_targets[@]}"; do
    if ((running >= jobs)); then
      wait -n || failed=1
      running=$((running - 1))
    fi
    fuzz_target "$t" &
    running=$((running + 1))
  done
  while ((running > 0)); do
    wait -n || failed=1
    running=$((running - 1))
  done
  ((failed == 0)) || exit 1
  stage_done "fuzzing"
fi

echo "sanitize: all requested steps passed"
