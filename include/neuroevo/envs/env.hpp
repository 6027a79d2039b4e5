// Environment interface and registry.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "neuroevo/core/space.hpp"

namespace neuroevo {

struct StepResult {
  double reward = 0.0;
  bool terminated = false;
  bool truncated = false;
  // The simulation became unstable (NaN state, physics warnings): the env also sets `terminated`, and the
  // task counts such episodes instead of aborting the run.
  bool unstable = false;
};

// One environment instance: mutable simulation state. Not thread-safe; each worker owns its own.
// Actions are float vectors: a discrete action is its index stored in action[0].
class Env {
 public:
  virtual ~Env() = default;
  virtual const Space& observation_space() const = 0;
  virtual const Space& action_space() const = 0;
  virtual int max_episode_steps() const = 0;
  // Size of the internal state vector used by set_state (`neuroevo env rollout --state`).
  virtual size_t state_dim() const = 0;

  // Starts an episode with a fresh random initial state drawn from `seed`; writes the observation.
  virtual void reset(uint64_t seed, std::span<float> obs) = 0;
  // Sets the internal state exactly (step counter back to 0); writes the observation.
  // Throws UsageError if state.size() != state_dim().
  virtual void set_state(std::span<const double> state, std::span<float> obs) = 0;
  // Advances one step; writes the new observation (inside observation_space()). An action outside the
  // action space's shape (wrong size, an index outside [0, n)) is a UsageError. After an episode ended
  // (terminated or truncated) the caller resets; a further step either throws UsageError or continues
  // the dynamics with a valid observation (the classic-control environments continue, as Gymnasium's
  // do without its checker). tests/test_env_registry.cpp checks this for every registered environment.
  virtual StepResult step(std::span<const float> action, std::span<float> obs) = 0;
  // Behaviour descriptor of the episode so far (e.g. the final position in a maze), read by the task at
  // the end of each episode for novelty search and quality-diversity. Empty when the env defines none.
  virtual std::vector<double> behaviour() const { return {}; }
};

struct EnvInfo {
  std::string name;
  std::string description;
  std::function<std::unique_ptr<Env>()> make;
};

// All registered environments, in listing order (src/envs/registry.cpp).
const std::vector<EnvInfo>& env_registry();
// Throws UsageError naming the unknown environment and the nearest valid name.
std::unique_ptr<Env> make_env(const std::string& name);

// The index of a discrete action, checked: `action` must hold one value, an integer in [0, space.n).
// Throws UsageError naming `env` otherwise (an action from outside the declared space is bad input).
int discrete_action(const std::string& env, const Space& space, std::span<const float> action);

}  // namespace neuroevo
