#!/usr/bin/env bash
# Installs neuroevo's build dependencies from Debian's packages (only those missing) and builds
# build/neuroevo, the tests and the benchmarks. Idempotent: quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake g++ make libtomlplusplus-dev libcli11-dev nlohmann-json3-dev libgtest-dev libbenchmark-dev python3 python3-numpy libpagmo-dev python3-cmaes libmujoco-dev libqhull-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
