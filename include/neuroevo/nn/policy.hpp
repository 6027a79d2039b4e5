// Policy interface: the immutable architecture (shared by all threads, read-only) is separate from the
// parameters (one flat float32 vector per individual) and the per-episode scratch state, as mjModel is
// separate from mjData in MuJoCo.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "neuroevo/core/param_space.hpp"
#include "neuroevo/core/rng.hpp"
#include "neuroevo/core/space.hpp"

namespace neuroevo {

class ConfigSection;

// Mutable per-worker, per-episode state of a policy: activations and any randomness it uses.
struct PolicyScratch {
  std::vector<float> a, b;  // ping-pong activation buffers
  std::vector<float> state;  // per-episode state: plastic weights, membrane potentials, recurrent units
  Stream rng{0};
};

// What a policy keeps across the act_lanes() calls of one lockstep rollout (RlTask::evaluate_many): a
// scratch per lane, and a lane's `fresh` flag, which the caller sets when the lane starts an episode
// (possibly with other parameters) and act_lanes() clears once it has taken the lane's parameters into
// `packed`, the policy's own arrangement of the lanes' parameters (e.g. with the lanes as the SIMD
// dimension). `rows` and `out` are gather buffers.
struct PolicyLanes {
  std::vector<PolicyScratch> scratch;
  std::vector<uint8_t> fresh;
  bool any_fresh = false;
  std::vector<float> packed, rows, out;
  void resize(size_t lanes) {
    scratch.resize(lanes);
    fresh.assign(lanes, 1);
    any_fresh = true;
  }
};

class Policy : public ParamSpace {
 public:
  // Called at the start of every episode.
  virtual void reset(PolicyScratch& scratch, uint64_t episode_seed) const { scratch.rng = Stream(episode_seed); }
  // Maps an (already normalised) observation to an action in the env's action format.
  virtual void act(std::span<const float> params, std::span<const float> obs, std::span<float> action,
                   PolicyScratch& scratch) const = 0;
  // Lockstep: act() for every lane k whose active[k] is non-zero, lane k reading params[k] and
  // lanes.scratch[k]. Buffers are structure of arrays (batch_env.hpp): observation component d of lane k
  // is obs[d * K + k] and action component d is actions[d * K + k]. An override must give act()'s bits
  // lane by lane; the default gathers each lane's observation and calls act().
  virtual void act_lanes(std::span<const std::span<const float>> params, std::span<const float> obs,
                         std::span<float> actions, PolicyLanes& lanes, std::span<const uint8_t> active) const;
  // Floating point operations of one act() call (multiply-adds count 2), for throughput limits.
  virtual double flops_per_act() const = 0;
  virtual std::string describe() const = 0;
};

struct PolicyInfo {
  std::string name;
  std::string description;
  std::function<std::unique_ptr<const Policy>(ConfigSection&, const Space& obs, const Space& action)> make;
};

const std::vector<PolicyInfo>& policy_registry();
// Reads policy.type and the type's own keys. Throws UsageError for unknown types or bad values.
std::unique_ptr<const Policy> make_policy(ConfigSection& policy_section, const Space& obs, const Space& action);

}  // namespace neuroevo
