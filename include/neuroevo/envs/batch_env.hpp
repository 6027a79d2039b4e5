// Batched environments: K lanes of one environment stepped by one call, for lockstep rollouts
// (RlTask::evaluate_many). A lane is an independent episode; lane i of a batched environment gives
// exactly the bits of the scalar environment (env.hpp) fed the same seed and actions.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "neuroevo/core/space.hpp"
#include "neuroevo/envs/env.hpp"

namespace neuroevo {

// Bits of a lane's step flags (BatchEnv::step): the StepResult booleans of the scalar environment.
inline constexpr uint8_t kLaneTerminated = 1, kLaneTruncated = 2, kLaneUnstable = 4;

// Buffers are structure of arrays, so that the lanes can be the SIMD dimension of the environment and of
// the policy (Policy::act_lanes): observation component d of lane k is obs[d * lanes() + k], and a lane's
// action, reward and flags are actions[k], reward[k] and flags[k] (every batched environment has a
// single action value: a discrete index or one continuous value).
class BatchEnv {
 public:
  virtual ~BatchEnv() = default;
  virtual size_t lanes() const = 0;
  virtual const Space& observation_space() const = 0;
  virtual const Space& action_space() const = 0;
  virtual int max_episode_steps() const = 0;
  // Starts an episode in one lane, as Env::reset(seed, obs) does, writing that lane's observation
  // column of `obs`.
  virtual void reset(size_t lane, uint64_t seed, std::span<float> obs) = 0;
  // Steps every lane whose active[lane] is non-zero with actions[lane], writing its observation column,
  // reward[lane] and flags[lane] (kLane* bits). Inactive lanes keep their state, get reward 0 and flags 0,
  // and their observation column is rewritten unchanged. Invalid actions of active lanes throw
  // UsageError as Env::step does.
  virtual void step(std::span<const float> actions, std::span<const uint8_t> active, std::span<float> obs,
                    std::span<double> reward, std::span<uint8_t> flags) = 0;

 protected:
  // Throws std::invalid_argument unless the buffers fit `lanes` lanes of `obs_dim` observations and a
  // single action value per lane.
  static void check_batch(size_t actions, size_t active, size_t obs, size_t reward, size_t flags, size_t lanes,
                          size_t obs_dim);
};

// A batched version of the registered environment `name` with `lanes` lanes, or null when the
// environment has none (the caller then runs the scalar environment, one individual at a time).
std::unique_ptr<BatchEnv> make_batch_env(const std::string& name, size_t lanes);

// Whether lockstep lanes are on by default for `name` (task.lockstep, `eval --lanes`, the Python Task):
// yes except for MinAtar. Its lanes step one scalar game each and pay only with a policy that works
// across lanes; with the examples' conv network at 8 lanes they ran at 0.6-0.8x the one-at-a-time path
// (docs/benchmarks.md, issue 23, session 8), so there they are opt-in. Either path gives the same bits;
// an environment without a batched version runs one at a time whatever this says.
bool lockstep_by_default(const std::string& name);

}  // namespace neuroevo
