// Long-horizon memory tasks (docs/memory.md): delayed recall and the T-maze with a cue.
#pragma once
#include <memory>
#include <string>

#include "neuroevo/envs/env.hpp"

namespace neuroevo {

// Delayed recall: a one-hot cue of `cues` symbols is shown at t = 0 only; at t = delay a recall flag is
// shown and the action taken then scores 1 if it names the cue (0 otherwise). Actions at other steps are
// not scored. Observation: [cue one-hot (cues), recall flag]; actions: Discrete(cues); delay + 1 steps.
// State for set_state: [cue, t].
std::unique_ptr<Env> make_delayed_recall(int delay, int cues);
// The T-maze of Bakker (2002): a corridor of `length` cells ending in a junction; the cue (up or down) is
// visible only in the start cell; at the junction going up or down ends the episode. State: [cue, x].
std::unique_ptr<Env> make_tmaze(int length);
// "delayed_recall-T", "delayed_recall-T-K", "tmaze-L": the tasks at other sizes; nullptr for other names.
// Throws UsageError for a recognised prefix with bad sizes (T in [1, 100000], K in [2, 64], L in [1, 100000]).
std::unique_ptr<Env> make_memory_task_by_name(const std::string& name);

}  // namespace neuroevo
