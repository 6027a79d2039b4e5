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

namespace neuroevo {

// Double pole balancing (Wieland 1991, "Evolving neural network controllers for unstable systems"), the
// setup of the NEAT paper (section 4.3) and of Gruau, Whitley & Pyeatt 1996: a cart on a 4.8 m track with
// poles of half-lengths 0.5 m and 0.05 m (masses 0.1 kg and 0.01 kg), pole hinge friction 2e-6, forces
// (2 a - 1) * 10 N for the action a in [0, 1], RK4 with 0.01 s steps, two steps per action. The long pole
// starts at 0.07 rad (about 4 degrees), everything else at rest. The episode fails when |x| > 2.4 m or a
// pole leans more than 36 degrees.
//  - "double_pole": observation (x/4.8, x'/2, t1/0.52, t1'/2, t2/0.52, t2'/2), reward 1 per step,
//    100,000 steps (the paper's success criterion);
//  - "double_pole_nv": observation (x/4.8, t1/0.52, t2/0.52), 1,000 steps, and the whole episode's
//    fitness in the last step's reward: Gruau et al.'s damping fitness 0.1 t/1000 + 0.9 f2, with
//    f2 = 0.75 / sum over the last 100 steps of (|x| + |x'| + |t1| + |t1'|) once t >= 100, else 0.
// State for set_state: (x, x', t1, t1', t2, t2').
std::unique_ptr<Env> make_double_pole(bool velocities);
// One Runge-Kutta 4 step of Wieland's equations for the force `force` (state as for set_state), exposed
// for the tests' independent reference.
void double_pole_rk4(double state[6], double force, double dt);

}  // namespace neuroevo
