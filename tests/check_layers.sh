#!/usr/bin/env bash
# Fails when a dependency points the wrong way between the project's layers (docs/design.md, "Layers"):
# core -> models (nn, snn, envs, mujoco) -> strategies -> runtime -> drivers -> app. Each rule names the
# files it covers and a pattern those files must not contain; the rules check what is settled today and
# grow as the layering does.
#
# Usage: tests/check_layers.sh SOURCE_DIR   (registered with CTest in tests/CMakeLists.txt)
set -euo pipefail
root=${1:?usage: check_layers.sh SOURCE_DIR}
cd "$root"

upper='#include "neuroevo/(strategies|runtime|tasks|drivers)/'
models="src/nn src/snn src/envs src/mujoco include/neuroevo/nn include/neuroevo/snn include/neuroevo/envs"
models+=" include/neuroevo/mujoco"
# Rule k: the files under dirs[k] must not match pattern[k] (extended regex); why[k] says what it protects.
dirs=(); pattern=(); why=()
dirs+=("src/core include/neuroevo/core")
pattern+=('#include "neuroevo/([a-z_]+/|[a-z_]+\.hpp")')
why+=("core is the bottom layer: it includes only core/")
dirs+=("$models")
pattern+=("$upper")
why+=("models know nothing of strategies, tasks, runtime or drivers")
dirs+=("src/mujoco include/neuroevo/mujoco")
pattern+=('(make_env|env_registry)\(')
why+=("mujoco/ is listed by the environment registry and must not call it back (no envs <-> mujoco cycle)")

status=0
checked=0
for k in "${!dirs[@]}"; do
  for d in ${dirs[$k]}; do
    if [ ! -d "$d" ]; then
      echo "check_layers: missing directory $d (rule: ${why[$k]})" >&2
      status=1
      continue
    fi
    while IFS= read -r -d '' f; do
      checked=$((checked + 1))
      set +e
      hits=$(grep -nE -- "${pattern[$k]}" "$f")
      rc=$?
      set -e
      if [ "$rc" -gt 1 ]; then
        echo "check_layers: grep failed on $f with pattern ${pattern[$k]}" >&2
        exit 1
      fi
      # Inside core/, including another core header is what the rule allows.
      hits=$(grep -v '#include "neuroevo/core/' <<<"$hits" || true)
      if [ -n "$hits" ]; then
        while IFS= read -r line; do echo "$f:$line   <- ${why[$k]}"; done <<<"$hits"
        status=1
      fi
    done < <(find "$d" -type f \( -name '*.cpp' -o -name '*.hpp' \) -print0)
  done
done
if [ "$checked" -eq 0 ]; then
  echo "check_layers: no source files found under $root" >&2
  exit 1
fi
[ "$status" -eq 0 ] || echo "check_layers: the lines above make a dependency point up (docs/design.md, \"Layers\")" >&2
exit "$status"
