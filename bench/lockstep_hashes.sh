#!/usr/bin/env bash
# Issue 23's "unchanged results": every example's metrics and champion hashes (bench/golden.sh, EXAMPLES
# mode: all of examples/*.toml, without the MPI run and the BBOB campaign) under
#   - the widest instruction set this CPU has (the default),
#   - NEUROEVO_ISA=avx2 and NEUROEVO_ISA=portable (core/simd_isa.hpp; avx2 only if the CPU has it),
#   - lockstep rollouts off (task.lockstep=false), on the examples whose environment has a batched
#     version (CartPole, Acrobot, MountainCar(Continuous), Pendulum, the MinAtar games: the others never
#     run lockstep),
# then compares each variant with the default, line by line, and the default with the committed baseline
# (BASELINE=FILE, default the newest baseline, set below).
#   bench/lockstep_hashes.sh [BUILD_DIR] OUT_DIR
# EXAMPLES="examples/a.toml ..." limits every variant to those examples (the whole set takes about 4 x
# golden.sh's time). OUT_DIR gets default.txt, avx2.txt, portable.txt, lockstep_off.txt and summary.txt; the script exits 1
# if any variant differs from the default on a line both have.
set -uo pipefail
cd "$(dirname "$0")/.."
if (($# == 1)); then build=build; out=$1
elif (($# == 2)); then build=$1; out=$2
else echo "usage: bench/lockstep_hashes.sh [BUILD_DIR] OUT_DIR" >&2; exit 2; fi
[ -x "$build/neuroevo" ] || { echo "lockstep_hashes.sh: $build/neuroevo not found" >&2; exit 2; }
mkdir -p "$out" || exit 2
all=${EXAMPLES:-$(ls examples/*.toml)}
# shellcheck disable=SC2086
batched=$(grep -l '^name = "\(CartPole-v1\|Acrobot-v1\|MountainCar-v0\|MountainCarContinuous-v0\|Pendulum-v1\|minatar/[a-z_-]*\)"' $all)
summary="$out/summary.txt"
{
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
  echo "avx2: $(grep -qw avx2 /proc/cpuinfo && echo yes || echo no), avx512f: $(grep -qw avx512f /proc/cpuinfo && echo yes || echo no)"
} >"$summary"
EXAMPLES="$all" bench/golden.sh "$build" "$out/default.txt" 2>"$out/default.log"
variants=(portable)
grep -qw avx2 /proc/cpuinfo && variants=(avx2 portable)
for isa in "${variants[@]}"; do
  NEUROEVO_ISA=$isa EXAMPLES="$all" bench/golden.sh "$build" "$out/$isa.txt" 2>"$out/$isa.log"
done
EXAMPLES="$batched" GOLDEN_SET="task.lockstep=false" bench/golden.sh "$build" "$out/lockstep_off.txt" 2>"$out/lockstep_off.log"
status=0
for v in "${variants[@]}" lockstep_off; do
  # Lines of the variant that the default does not have (same example and file, another hash).
  diff_lines=$(grep -vxF -f "$out/default.txt" "$out/$v.txt")
  n=$(grep -c . "$out/$v.txt")
  if [ -z "$diff_lines" ]; then echo "$v: $n hashes, all identical to the default" >>"$summary"
  else status=1; { echo "$v: $n hashes, these differ from the default:"; echo "$diff_lines"; } >>"$summary"; fi
done
echo "default: $(grep -c . "$out/default.txt") hashes; failed runs: $(grep -c 'FAILED\|MISSING' "$out/default.txt")" >>"$summary"
# And the default against the committed baseline (BASELINE, default the newest bench/golden file).
base=${BASELINE:-bench/golden/4110984.txt}
if [ -f "$base" ]; then
  changed=$(grep -vxF -f "$base" "$out/default.txt")
  if [ -z "$changed" ]; then echo "default vs $base: every line identical" >>"$summary"
  else { echo "default vs $base: these lines differ:"; echo "$changed"; } >>"$summary"; fi
fi
cat "$summary"
exit $status
