#!/usr/bin/env bash
# Runs neuroevo's throughput benchmarks and the Python peer in one run, on the same core, and prints every
# figure with its ratio against the peer or the limit, and whether each aim of docs/benchmarks.md is met.
#
#   bench/run_all.sh [BUILD_DIR]          (default: build; needs BUILD_DIR/neuroevo and python3-numpy)
#
# Environment: ROUNDS (default 3), STEPS (neuroevo steps per repeat, default 500000), PY_STEPS (Python
# steps per repeat, default 30000), CORE (core to pin to with taskset, default 0), PYTHON (default
# /usr/bin/python3), MICRO=0 skips the Google Benchmark binary, JSON_OUT=FILE also writes all results.
# Takes one to two minutes. Rates are per core: work divided by the process's CPU time (both sides), so
# other programs on the machine slow the wall clock but less the figures. neuroevo and the peer run in
# alternation, ROUNDS times, each with 3 repeats; every figure is the best over all repeats (the run
# least disturbed by other programs, e.g. a busy sibling hyperthread of a shared virtual machine), and
# the per-round ratios are shown as a range beside it.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${1:-build}
bin="$build/neuroevo"
py=${PYTHON:-/usr/bin/python3}
rounds=${ROUNDS:-3}
steps=${STEPS:-500000}
py_steps=${PY_STEPS:-30000}

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

for round in $(seq 1 "$rounds"); do
  for name in linear mlp64x64; do
    if [ "$name" = linear ]; then args=(--linear); else args=(--hidden 64,64); fi
    "${pin[@]}" "$bin" bench env "${args[@]}" --steps "$steps" --repeats 3 --save-params "$tmp/$name.params.json" \
      --json > "$tmp/env_${name}_$round.json"
    "${pin[@]}" "$py" bench/python/cartpole_mlp.py --params "$tmp/$name.params.json" --steps "$py_steps" --repeats 3 \
      --json > "$tmp/py_${name}_$round.json"
  done
done
"${pin[@]}" "$bin" bench mutation --params 4000000 --json > "$tmp/mutation.json"
for s in ga openai_es random_search; do
  "${pin[@]}" "$bin" bench strategy --strategy "$s" --params 100000 --population 256 --generations 3 --json \
    > "$tmp/strategy_$s.json"
done

"$py" - "$tmp" "${JSON_OUT:-}" "$rounds" <<'EOF'
import json, os, statistics, sys
tmp, out, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
load = lambda n: json.load(open(os.path.join(tmp, n + ".json")))
res = {n: load(n) for n in ["mutation", "strategy_ga", "strategy_openai_es", "strategy_random_search"]}
for name in ["linear", "mlp64x64"]:
    res["env_" + name] = [load(f"env_{name}_{r}") for r in range(1, rounds + 1)]
    res["py_" + name] = [load(f"py_{name}_{r}") for r in range(1, rounds + 1)]
verdict = lambda ok: "met" if ok else "NOT met"

def show(label, value, unit, fmt="{:.4g}", rounds=None, note=""):
    """One figure: the best over all rounds, with the per-round values' range when given."""
    rng = f"[{fmt.format(min(rounds))} .. {fmt.format(max(rounds))}]" if rounds and len(rounds) > 1 else ""
    print(f"    {label:24s} {fmt.format(value):>10s} {unit:8s} {rng:22s} {note}")
    return value

print(f"CartPole-v1, one core: rates = work / CPU time, best over {rounds} alternating rounds x 3 repeats"
      " [range of the per-round values]")
for name in ["linear", "mlp64x64"]:
    cs, ps = res["env_" + name], res["py_" + name]
    c0 = cs[0]
    top = lambda runs, key: max(r[key] for r in runs)
    print(f"  {c0['policy']}")
    c_roll, p_roll = top(cs, "rollout_steps_per_s"), top(ps, "rollout_steps_per_s")
    show("neuroevo env + policy", c_roll, "steps/s", rounds=[c["rollout_steps_per_s"] for c in cs],
         note=f"episodes {statistics.median(c['rollout_mean_episode_steps'] for c in cs):.1f} steps")
    show("python peer", p_roll, "steps/s", rounds=[p["rollout_steps_per_s"] for p in ps],
         note=f"episodes {statistics.median(p['rollout_mean_episode_steps'] for p in ps):.1f} steps")
    ratio = show("ratio neuroevo/python", c_roll / p_roll, "x", "{:.1f}",
                 rounds=[c["rollout_steps_per_s"] / p["rollout_steps_per_s"] for c, p in zip(cs, ps)],
                 note=f"aim >= 500x: {verdict(c_roll / p_roll >= 500)}")
    peak = top(cs, "peak_flops")
    limit = peak / c0["flops_per_act"]
    show("arithmetic limit", limit, "calls/s", rounds=[c["forward_limit_per_s"] for c in cs],
         note=f"{c0['flops_per_act']:.0f} FLOP / {peak / 1e9:.1f} GFLOP/s (4-wide mul+add kernel)")
    show("limit / rollout", limit / c_roll, "x", "{:.2f}", rounds=[c["limit_over_rollout"] for c in cs],
         note=f"aim <= 3x: {verdict(limit / c_roll <= 3)}")
    c_fwd, p_fwd = top(cs, "forward_per_s"), top(ps, "forward_per_s")
    show("limit / forward only", limit / c_fwd, "x", "{:.2f}", rounds=[c["limit_over_forward"] for c in cs],
         note=f"forward {c_fwd:.4g} calls/s")
    show("forward vs python", c_fwd / p_fwd, "x", "{:.0f}",
         rounds=[c["forward_per_s"] / p["forward_per_s"] for c, p in zip(cs, ps)],
         note=f"python forward {p_fwd:.4g} calls/s")
    if c0.get("peak_flops_avx2_fma"):
        hw = top(cs, "peak_flops_avx2_fma") / c0["flops_per_act"]
        show("AVX2+FMA limit / forward", hw / c_fwd, "x", "{:.2f}", rounds=[c["limit_avx2_fma_over_forward"] for c in cs],
             note=f"hardware peak {hw * c0['flops_per_act'] / 1e9:.1f} GFLOP/s, unused by the portable build")
    c_env, p_env = top(cs, "env_only_steps_per_s"), top(ps, "env_only_steps_per_s")
    show("env only vs python", c_env / p_env, "x", "{:.0f}",
         rounds=[c["env_only_steps_per_s"] / p["env_only_steps_per_s"] for c, p in zip(cs, ps)],
         note=f"neuroevo {c_env:.4g}, python {p_env:.4g} steps/s (random actions)")
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
