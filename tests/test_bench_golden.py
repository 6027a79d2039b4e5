"""bench/golden.sh: each example's own budget line (no real runs; a stand-in neuroevo; seconds).

The shortening replaces every example's run.generations, so the result hashes alone cannot show a change of
an example's budget. The stand-in binary writes the same result files whatever its config, as a shortened
run would after a change of the example's generations; the budget line must still tell the examples apart.
Expected lines are written out by hand from the example texts below and the header of bench/golden.sh.
"""
import os
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent

# `neuroevo run CFG --set k=v ... --threads N --quiet --out DIR`: a resolved config.toml with the --set
# values and a strategy population of 7 where none is set (a stand-in default), and fixed result files.
STAND_IN = r'''#!/usr/bin/env python3
import pathlib, sys
a = sys.argv[1:]
sets = dict(a[i + 1].split('=', 1) for i in range(len(a)) if a[i] == '--set')
out = pathlib.Path(a[a.index('--out') + 1]); out.mkdir(parents=True)
gens = sets.get('run.generations', '50')
pop = sets.get('strategy.population', '7')
(out / 'config.toml').write_text(f'[run]\ngenerations = {gens}\n\n[strategy]\nname = "ga"\npopulation = {pop}\n')
(out / 'metrics.csv').write_text('generation,episodes,env_steps,best,mean,median,invalid,wall_time\n1,2,3,4,5,6,0,0.5\n')
(out / 'champion.bin').write_bytes(b'champion')
(out / 'summary.json').write_text('{"finished": true, "wall_time_s": 1.0}')
'''


def golden(tmp_path, examples: dict[str, str]) -> list[str]:
    build = tmp_path / "build"
    build.mkdir(parents=True, exist_ok=True)
    (build / "neuroevo").write_text(STAND_IN)
    (build / "neuroevo").chmod(0o755)
    exdir = tmp_path / "examples"
    exdir.mkdir(exist_ok=True)
    paths = []
    for name, text in examples.items():
        (exdir / f"{name}.toml").write_text(text)
        paths.append(str(exdir / f"{name}.toml"))
    out = tmp_path / "golden.txt"
    env = dict(os.environ, EXAMPLES=" ".join(paths), KEEP=str(tmp_path / "work"))
    subprocess.run(["bash", str(ROOT / "bench" / "golden.sh"), str(build), str(out)], check=True, env=env,
                   capture_output=True, text=True)
    return out.read_text().splitlines()


def test_budget_line_states_the_examples_own_budget(tmp_path):
    lines = golden(tmp_path, {
        "cartpole_a": '[run]\ngenerations = 40\n\n[strategy]\nname = "ga"\n',
        "cartpole_b": '[run]\ngenerations = 80\nmax_env_steps = 5000\n\n[strategy]\nname = "ga"\npopulation = 30\n',
        "minatar_c_ga": '[run]\ngenerations = 100\n\n[strategy]\nname = "ga"\n',
    })
    budget = [line for line in lines if " budget " in line]
    assert budget == [
        # not stated and not shortened: the resolved default of the shortened run
        "example cartpole_a budget generations=40 max_env_steps=none population=7",
        "example cartpole_b budget generations=80 max_env_steps=5000 population=30",
        # not stated, and the shortening sets strategy.population=16 for minatar_*_ga: only "default" is known
        "example minatar_c_ga budget generations=100 max_env_steps=none population=default",
    ]


def test_a_changed_generation_count_shows_although_the_hashes_do_not(tmp_path):
    before = golden(tmp_path / "before", {"cartpole_a": '[run]\ngenerations = 40\n\n[strategy]\nname = "ga"\n'})
    after = golden(tmp_path / "after", {"cartpole_a": '[run]\ngenerations = 60\n\n[strategy]\nname = "ga"\n'})
    hashes = lambda lines: [line for line in lines if " budget " not in line]  # noqa: E731
    assert hashes(before) == hashes(after) and len(hashes(before)) == 3  # metrics.csv, champion.bin, summary.json
    assert before != after
    assert "example cartpole_a budget generations=60 max_env_steps=none population=7" in after
