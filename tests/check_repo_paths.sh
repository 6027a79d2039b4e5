#!/usr/bin/env bash
# Fails when a file of the project refers to a path outside the repository: the design notes and
# specifications that code and docs rely on must be in docs/ (docs/design.md, docs/reference/), so that a
# user who clones the project can follow every reference (issue 12, item 8).
#
# Usage: tests/check_repo_paths.sh SOURCE_DIR   (registered with CTest in tests/CMakeLists.txt)
set -euo pipefail
root=${1:?usage: check_repo_paths.sh SOURCE_DIR}
cd "$root"

# Paths that name places outside the repository: the workspace's shared notes (with or without ../), and
# the absolute directories of the machine the project was developed on. This file itself is skipped.
pattern='(^|[^[:alnum:]_./-])shared[/](specs|design)|\.\./shared[/]|/work/(shared|wt|main)\b'

# The project's files: what git tracks (plus untracked files it does not ignore) in a checkout, else
# every file below the root except build trees and installed data.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files --cached --others --exclude-standard)
else
  mapfile -t files < <(find . -type f -not -path './.git/*' -not -path './build*/*' -not -path './data/*' \
                        -not -path '*/node_modules/*' | sed 's|^\./||')
fi
if [ "${#files[@]}" -eq 0 ]; then
  echo "check_repo_paths: no files found under $root" >&2
  exit 1
fi

self=tests/check_repo_paths.sh
status=0
for f in "${files[@]}"; do
  [ -f "$f" ] || continue
  [ "$f" = "$self" ] && continue
  if hits=$(grep -nIE -- "$pattern" "$f"); then
    while IFS= read -r line; do echo "$f:$line"; done <<<"$hits"
    status=1
  fi
done
if [ "$status" -ne 0 ]; then
  echo "check_repo_paths: the lines above refer to paths outside the repository;" \
       "point them at docs/design.md or docs/reference/ instead" >&2
fi
exit "$status"
