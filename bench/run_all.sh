#!/usr/bin/env bash
# Runs neuroevo's throughput benchmarks and the Python peer in one run, on the same core, and prints every
# figure with its ratio against the peer or the limit, and whether each aim of docs/benchmarks.md is met.
#
#   bench/run_all.sh [BUILD_DIR]          (default: build; needs BUILD_DIR/neuroevo and python3-numpy)
#
# Environment: STEPS (neuroevo steps per repeat, default 1000000), PY_STEPS (Python steps per repeat,
# default 50000), CORE (core to pin to with taskset, default 0), PYTHON (default /usr/bin/python3),
# MICRO=0 skips the Google Benchmark binary, JSON_OUT=FILE also writes all results as one JSON object.
# Takes about a minute. Rates are per core: work divided by the process's CPU time (both sides), so
# other programs on the machine slow the wall clock but not the figures.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${1:-build}
bin="$build/neuroevo"
py=${PYTHON:-/usr/bin/python3}
steps=${STEPS:-1000000}
py_steps=${PY_STEPS:-50000}

[ -x "$bin" ] || { echo "run_all.sh: $bin not found; build first (cmake --build $build)" >&2; exit 2; }
"$py" -c "import numpy" 2>/dev/null || {
  echo "run_all.sh: $py cannot import numpy; install it with: apt-get install -y python3-numpy" >&2
  exit 2
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pin=()
if command -v taskset >/dev/null 2>&1; then pin=(taskset -c "${CORE:-0}"); fi

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(uname -sr)"
echo "commit:  $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- src app 2>/dev/null || echo ' (with uncommitted changes)')"
echo "pinned:  ${pin[*]:-(taskset not available)}"
echo

for name in linear mlp64x64; do
  if [ "$name" = linear ]; then args=(--linear); else args=(--hidden 64,64); fi
  "${pin[@]}" "$bin" bench env "${args[@]}" --steps "$steps" --save-params "$tmp/$name.params.json" --json \
    > "$tmp/env_$name.json"
  "${pin[@]}" "$py" bench/python/cartpole_mlp.py --params "$tmp/$name.params.json" --steps "$py_steps" --json \
    > "$tmp/py_$name.json"
done
"${pin[@]}" "$bin" bench mutation --params 4000000 --json > "$tmp/mutation.json"
for s in ga openai_es random_search; do
  "${pin[@]}" "$bin" bench strategy --strategy "$s" --params 100000 --population 256 --generations 3 --json \
    > "$tmp/strategy_$s.json"
done

"$py" - "$tmp" "${JSON_OUT:-}" <<'EOF'
import json, os, sys
tmp, out = sys.argv[1], sys.argv[2]
load = lambda n: json.load(open(os.path.join(tmp, n + ".json")))
res = {n: load(n) for n in ["env_linear", "py_linear", "env_mlp64x64", "py_mlp64x64", "mutation",
                            "strategy_ga", "strategy_openai_es", "strategy_random_search"]}
verdict = lambda ok: "met" if ok else "NOT met"
print("CartPole-v1, one core (rates = work / CPU time; median of repeats)")
for name in ["linear", "mlp64x64"]:
    c, p = res["env_" + name], res["py_" + name]
    ratio = c["rollout_steps_per_s"] / p["rollout_steps_per_s"]
    lim = c["limit_over_rollout"]
    print(f"  {c['policy']}")
    print(f"    neuroevo env + policy  {c['rollout_steps_per_s']:12.4g} steps/s   (episodes {c['rollout_mean_episode_steps']:.1f} steps)")
    print(f"    python peer            {p['rollout_steps_per_s']:12.4g} steps/s   (episodes {p['rollout_mean_episode_steps']:.1f} steps)")
    print(f"    ratio neuroevo/python  {ratio:12.1f}x          aim >= 500x: {verdict(ratio >= 500)}")
    print(f"    arithmetic limit       {c['forward_limit_per_s']:12.4g} calls/s   ({c['flops_per_act']:.0f} FLOP at {c['peak_flops'] / 1e9:.1f} GFLOP/s, 4-wide mul+add)")
    print(f"    limit / rollout        {lim:12.2f}x          aim <= 3x: {verdict(lim <= 3)}")
    print(f"    limit / forward only   {c['limit_over_forward']:12.2f}x          (forward {c['forward_per_s']:.4g}/s; python {p['forward_per_s']:.4g}/s, {c['forward_per_s'] / p['forward_per_s']:.0f}x)")
    if c.get("limit_avx2_fma_over_forward"):
        print(f"    AVX2+FMA peak limit    {c['forward_limit_avx2_fma_per_s']:12.4g} calls/s   limit / forward {c['limit_avx2_fma_over_forward']:.2f}x (not used by the portable build)")
    print(f"    env only               {c['env_only_steps_per_s']:12.4g} steps/s   python {p['env_only_steps_per_s']:.4g} steps/s ({c['env_only_steps_per_s'] / p['env_only_steps_per_s']:.0f}x)")
m = res["mutation"]
print(f"Mutation, {m['params']} parameters: child from a cached parent {m['add_scaled_seconds'] * 1e3:.3f} ms, "
      f"memcpy {m['memcpy_seconds'] * 1e3:.3f} ms: {m['add_scaled_over_memcpy']:.2f}x (GA decode {m['ga_decode_over_memcpy']:.2f}x)"
      f"   aim <= 3x: {verdict(m['add_scaled_over_memcpy'] <= 3 and m['ga_decode_over_memcpy'] <= 3)}")
print("Strategy overhead per generation, 100000 parameters, population 256, dummy fitness, 1 thread:")
for s in ["ga", "openai_es", "random_search"]:
    r = res["strategy_" + s]
    print(f"  {s:14s} {r['generation_cpu_seconds'] * 1e3:9.3f} ms  (ask {r['ask_cpu_seconds'] * 1e3:.3f}, decode {r['decode_cpu_seconds'] * 1e3:.3f}, "
          f"tell {r['tell_cpu_seconds'] * 1e3:.3f} ms; {r['generation_over_memcpy']:.1f}x memcpy of the {r['candidates_per_generation']} decoded vectors)")
if out:
    with open(out, "w") as f:
        json.dump(res, f, indent=1)
EOF

if [ "${MICRO:-1}" != 0 ] && [ -x "$build/bench/neuroevo_bench" ]; then
  echo
  echo "Google Benchmark micro-benchmarks ($build/bench/neuroevo_bench):"
  "${pin[@]}" "$build/bench/neuroevo_bench" --benchmark_min_time=0.2 2>&1 | grep -E '^(BM_|-|Benchmark)'
fi
