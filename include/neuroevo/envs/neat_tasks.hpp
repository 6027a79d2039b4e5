// The classic NEAT benchmarks written as environments (Stanley & Miikkulainen 2002, section 4): XOR and
// n-bit parity, and pole balancing on a cart with two poles (with and without velocity inputs).
#pragma once
#include <memory>
#include <string>

#include "neuroevo/envs/env.hpp"

namespace neuroevo {

// n-bit parity: the 2^n input patterns, one per step in binary order (input k is bit n-1-k of the step
// index), observation Box(n) in {0, 1}, action Box(1) in [0, 1]: the network's output. At the last step
// the reward is (2^n - sum |target - output|)^2, NEAT's XOR fitness (4 - sum|error|)^2 for n = 2; every
// other step gives 0. behaviour(): the 2^n outputs (a pattern is solved when its output is on the right
// side of 0.5). State for set_state: [step, error so far].
std::unique_ptr<Env> make_parity(int bits);
// "parity-N" for N in [2, 10]; nullptr for other names (UsageError for a bad N).
std::unique_ptr<Env> make_parity_by_name(const std::string& name);

}  // namespace neuroevo
