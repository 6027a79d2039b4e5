#!/usr/bin/env bash
# Golden results: runs every example in examples/ (shortened), one example under `mpirun -np 2` and a
# small BBOB campaign, and writes one sha256 per result file, so that a refactoring can show that it
# changed no result:
#
#   bench/golden.sh [BUILD_DIR] OUT        (BUILD_DIR defaults to build; needs BUILD_DIR/neuroevo, python3)
#   diff bench/golden/2af3119.txt OUT      (no output: every metric, champion and summary is unchanged)
#
# Hashed per run: metrics.csv without its timing columns (wall_time, steps_per_s, episodes_per_s and the
# MPI columns bytes_sent, bytes_per_ind, rank_util, which depend on scheduling), champion.bin as written,
# summary.json without wall_time_s (keys sorted), and behaviours.csv/archive.csv where the run wrote them.
# For the campaign: runs.csv, traces.csv, ert.csv, ecdf.csv and the COCO data files. Checkpoints are not
# hashed: they hold wall-clock time, and their encoding may change while the results must not.
#
# Every example gets the same shortening before and after a change (the table in `shorten` below): fewer
# generations, small populations and capped episodes where an example is expensive (MuJoCo, MinAtar,
# the image maze). OUT holds only hashes, no dates or commits, so two OUT files compare with diff.
# Since the shortening hides the example's own budget, each example also gets a line with it as the example
# resolves unshortened: `example NAME budget generations=G max_env_steps=M population=P` (and
# directions=D for ARS): the value the example states, else the shortened run's resolved one when the
# shortening leaves that key alone, else `default` (a default the shortening overrides); max_env_steps
# `none` when unset; population and directions only where the strategy has them. A changed example
# budget (e.g. its generations) thus shows in the diff even when the shortened results cannot.
# Environment: THREADS (threads per run, default 2; results do not depend on it), KEEP=DIR keeps the run
# directories in DIR. Takes 2-4 minutes on 2 cores.
# EXAMPLES="examples/a.toml examples/b.toml" runs only those examples (and skips the MPI run and the BBOB
# campaign); GOLDEN_SET="key=value ..." adds --set overrides to every example, e.g. to compare
#   EXAMPLES="$(ls examples/cartpole_*.toml)" GOLDEN_SET="task.lockstep=false" bench/golden.sh OUT
# with the same examples' lines of a full run (lockstep off and on give the same hashes), or
# NEUROEVO_ISA=portable (core/simd_isa.hpp) against the widest instruction set.
set -uo pipefail
cd "$(dirname "$0")/.."

if (($# == 1)); then build=build; out=$1
elif (($# == 2)); then build=$1; out=$2
else echo "usage: bench/golden.sh [BUILD_DIR] OUT" >&2; exit 2; fi
bin="$build/neuroevo"
[ -x "$bin" ] || { echo "golden.sh: $bin not found; build first (cmake --build $build --target neuroevo)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "golden.sh: python3 not found" >&2; exit 2; }
threads=${THREADS:-2}
work=${KEEP:-$(mktemp -d)}
mkdir -p "$work"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
: >"$out" || exit 2

# The shortening of each example (identical for every commit compared).
shorten() {
  local name=$1 s="run.generations=3 run.eval_episodes=3 run.checkpoint_every=2"
  local ga="strategy.truncation=4 strategy.elite_candidates=2 strategy.elite_episodes=2"
  case $name in
    hard_maze_image_*) s="run.generations=2 run.eval_episodes=1 run.checkpoint_every=1 task.max_steps=30"
                       s+=" strategy.population=16 $ga strategy.elite_episodes=1" ;;
    minatar_*_ga)      s+=" strategy.population=16 $ga task.max_steps=200" ;;
    minatar_*_es)      s+=" strategy.population=16 task.max_steps=200" ;;
    hyperneat_minatar_*) s+=" strategy.population=16 task.max_steps=200" ;;
    ars_ant|ars_humanoid) s+=" task.max_steps=100 strategy.directions=4 strategy.top=4" ;;  # 120 / 460 episodes per generation
    ant_*|halfcheetah_*|hopper_*|humanoid_*|walker2d_*|swimmer_*|ncap_swimmer_*)
      s="run.generations=2 run.eval_episodes=2 run.checkpoint_every=1 task.max_steps=100 strategy.population=8"
      case $name in *_ga) s+=" $ga" ;; esac ;;
  esac
  echo "$s"
}

# sha256 of one result file, with the timing parts removed.
digest() {  # KIND FILE
  python3 - "$1" "$2" <<'EOF'
import csv, hashlib, io, json, sys
kind, path = sys.argv[1], sys.argv[2]
data = open(path, 'rb').read()
timing = {'wall_time', 'wall_time_s', 'steps_per_s', 'episodes_per_s', 'bytes_sent', 'bytes_per_ind', 'rank_util'}
if kind == 'csv':
    rows = list(csv.reader(io.StringIO(data.decode())))
    keep = [i for i, h in enumerate(rows[0]) if h not in timing] if rows else []
    data = '\n'.join(','.join(r[i] for i in keep) for r in rows).encode()
elif kind == 'json':
    def strip(v):
        if isinstance(v, dict): return {k: strip(x) for k, x in v.items() if k not in timing}
        if isinstance(v, list): return [strip(x) for x in v]
        return v
    data = json.dumps(strip(json.loads(data)), sort_keys=True).encode()
print(hashlib.sha256(data).hexdigest())
EOF
}

# The example's own budget (see the header): EXAMPLE.toml, the shortened run's config.toml, the shortening.
budget() {  # EXAMPLE_TOML RUN_DIR SHORTENING
  python3 - "$1" "$2/config.toml" "$3" <<'EOF'
import sys, tomllib
example, resolved_path, shortening = sys.argv[1], sys.argv[2], sys.argv[3].split()
with open(example, 'rb') as f: stated = tomllib.load(f)
with open(resolved_path, 'rb') as f: resolved = tomllib.load(f)
shortened = {kv.split('=', 1)[0] for kv in shortening}
def value(table, key):
    for part in key.split('.'):
        if not isinstance(table, dict) or part not in table: return None
        table = table[part]
    return table
out = []
for key, always in (('run.generations', True), ('run.max_env_steps', True), ('strategy.population', False),
                    ('strategy.directions', False)):
    v = value(stated, key)
    if v is None and key not in shortened: v = value(resolved, key)
    if v is None and key in shortened: v = 'default'
    if v is None and always: v = 'none'
    if v is not None: out.append(f"{key.split('.')[1]}={v}")
print(' '.join(out))
EOF
}

hash_run() {  # LABEL DIR
  local label=$1 dir=$2
  for f in metrics.csv champion.bin summary.json behaviours.csv archive.csv; do
    local kind=raw
    case $f in metrics.csv) kind=csv ;; summary.json) kind=json ;; esac
    if [ -f "$dir/$f" ]; then echo "$label $f $(digest $kind "$dir/$f")" >>"$out"
    elif [[ $f != behaviours.csv && $f != archive.csv ]]; then echo "$label $f MISSING" >>"$out"; fi
  done
}

start=$SECONDS
for cfg in ${EXAMPLES:-examples/*.toml}; do
  name=$(basename "$cfg" .toml)
  sets=()
  for kv in $(shorten "$name") ${GOLDEN_SET:-}; do sets+=(--set "$kv"); done
  t0=$SECONDS
  if "$bin" run "$cfg" "${sets[@]}" --threads "$threads" --quiet --out "$work/$name" >"$work/$name.log" 2>&1; then
    echo "example $name budget $(budget "$cfg" "$work/$name" "$(shorten "$name")")" >>"$out"
    hash_run "example $name" "$work/$name"
  else
    echo "example $name FAILED (exit $?): $(tail -1 "$work/$name.log")" >>"$out"
  fi
  echo "golden: $name $((SECONDS - t0))s" >&2
done

if [ -n "${EXAMPLES:-}" ]; then
  echo "golden: $(grep -c . "$out") hashes in $out (EXAMPLES only), $((SECONDS - start))s" >&2
  ! grep -q 'FAILED\|MISSING' "$out"
  exit
fi

# The same run on two MPI ranks must give the same files as on one process.
if command -v mpirun >/dev/null; then
  sets=(); for kv in $(shorten cartpole_es); do sets+=(--set "$kv"); done
  if OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun --oversubscribe -np 2 "$bin" run \
      examples/cartpole_es.toml "${sets[@]}" --threads 1 --quiet --out "$work/mpi2" >"$work/mpi2.log" 2>&1; then
    hash_run "mpi2 cartpole_es" "$work/mpi2"
  else
    echo "mpi2 cartpole_es FAILED: $(tail -1 "$work/mpi2.log")" >>"$out"
  fi
else
  echo "mpi2 cartpole_es UNAVAILABLE (no mpirun)" >>"$out"
fi

# A small BBOB campaign with every strategy that runs on black-box functions.
strategies=ars,cmaes,hill_climb,lm_ma_es,openai_es,pgpe,random_search,sep_cmaes,simple_ga,snes,xnes
t0=$SECONDS
if "$bin" bbob run --strategies "$strategies" --functions 1-24 --instances 1,2 --dims 2,5 --budget 200 \
    --threads "$threads" --out "$work/bbob" >"$work/bbob.log" 2>&1; then
  for f in runs.csv traces.csv ert.csv ecdf.csv; do echo "bbob $f $(digest raw "$work/bbob/$f")" >>"$out"; done
  (cd "$work/bbob" && find coco -type f | LC_ALL=C sort | xargs sha256sum) | sha256sum |
    { read -r h _; echo "bbob coco/ $h" >>"$out"; }
else
  echo "bbob FAILED: $(tail -1 "$work/bbob.log")" >>"$out"
fi
echo "golden: bbob campaign $((SECONDS - t0))s" >&2
echo "golden: $(grep -c . "$out") hashes in $out, $((SECONDS - start))s" >&2
! grep -q 'FAILED\|MISSING' "$out"
