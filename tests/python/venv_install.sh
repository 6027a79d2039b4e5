#!/bin/sh
# The README's offline install: `python3 -m venv --system-site-packages V && V/bin/pip install
# --no-build-isolation .` into a temporary directory, with --no-index so that pip cannot download
# anything (a missing build or runtime dependency fails here instead). setup.py reuses the configured
# build directory given as the third argument. Then the package is imported from the venv, outside the
# source tree, and used once.
# Usage: venv_install.sh PYTHON3 SOURCE_DIR BUILD_DIR
set -eu
python=$1 src=$2 build=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$python" -m venv --system-site-packages "$tmp/venv"
NEUROEVO_BUILD_DIR="$build" "$tmp/venv/bin/pip" install --quiet --no-build-isolation --no-index "$src"
cd "$tmp"
"$tmp/venv/bin/python" - <<'PY'
import os, sys
import numpy as np
import neuroevo
assert neuroevo.__file__.startswith(sys.prefix), neuroevo.__file__  # the venv's copy, not build/python
es = neuroevo.Strategy("cmaes", num_params=3, seed=0, sigma=0.5)
X = es.ask()
es.tell(X, (X ** 2).sum(axis=1))
assert es.generation == 1
env = neuroevo.make("CartPole-v1", render_mode="rgb_array")
env.reset(seed=0)
assert env.render().shape == (400, 600, 3)
assert os.path.exists(os.path.join(os.path.dirname(neuroevo.__file__), "__init__.pyi"))
print("venv install OK:", neuroevo.__file__)
PY
