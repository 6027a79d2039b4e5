#include "neuroevo/report/replay.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "neuroevo/core/rng.hpp"
#include "neuroevo/envs/hard_maze.hpp"
#include "neuroevo/runtime/champion.hpp"
#include "neuroevo/runtime/setup.hpp"
#include "neuroevo/tasks/rl_task.hpp"

namespace neuroevo::report {

namespace {

// Rounds to 6 significant digits: the animation needs no more, and the JSON stays small.
double short_num(double v) {
  if (!std::isfinite(v) || v == 0.0) return v;
  const double mag = std::pow(10.0, 5 - static_cast<int>(std::floor(std::log10(std::abs(v)))));
  return std::round(v * mag) / mag;
}

// MinAtar-sized binary grids are stored as hex strings, one per frame, instead of 400+ numbers.
constexpr size_t kGridLimit = 10 * 10 * 16;

std::string grid_frame(std::span<const float> obs, int cells, int channels) {
  static const char* kHex = "0123456789abcdef";
  const int digits = (channels + 3) / 4;
  std::string s;
  s.reserve(static_cast<size_t>(cells * digits));
  for (int cell = 0; cell < cells; ++cell)
    for (int d = digits - 1; d >= 0; --d) {
      int nibble = 0;
      for (int b = 0; b < 4; ++b) {
        const int ch = d * 4 + b;
        if (ch < channels && obs[static_cast<size_t>(cell * channels + ch)] > 0.5f) nibble |= 1 << b;
      }
      s += kHex[nibble];
    }
  return s;
}

}  // namespace

nlohmann::json record_episode(const ReplaySource& src, uint64_t seed) {
  auto env = make_env(src.env_name);
  const Space& os = env->observation_space();
  const bool maze_env = maze::robot_of(*env) != nullptr;
  std::vector<float> obs(os.dim()), normed(os.dim()), action(env->action_space().dim());
  const bool image = !os.shape.empty();
  const bool grid = image && os.dim() <= kGridLimit;
  const int cells = image ? os.shape[0] * os.shape[1] : 0;
  const int channels = image ? os.shape[2] : 0;

  nlohmann::json j_obs = nlohmann::json::array(), j_grid = nlohmann::json::array(), j_act = nlohmann::json::array(),
                 j_rew = nlohmann::json::array(), j_state = nlohmann::json::array();
  auto record_frame = [&] {
    if (grid)
      j_grid.push_back(grid_frame(obs, cells, channels));
    else if (!image)
      for (float v : obs) j_obs.push_back(short_num(v));
    if (maze_env) {
      const maze::Robot& r = *maze::robot_of(*env);
      j_state.push_back(short_num(r.pos.x));
      j_state.push_back(short_num(r.pos.y));
      j_state.push_back(short_num(r.heading));
    }
  };

  // The first episode of evaluate_episodes(seed): the same keys as src/runtime/episodes.cpp and rl_task.cpp.
  const uint64_t key = stream_key(seed, 0, 0, Purpose::FinalEval);
  const uint64_t ep_seed = episode_seed(key, 0);
  PolicyScratch scratch;
  env->reset(ep_seed, obs);
  src.policy->reset(scratch, mix64(ep_seed ^ static_cast<uint64_t>(Purpose::Policy)));
  record_frame();
  const int limit = src.max_steps > 0 ? src.max_steps : env->max_episode_steps();
  double ret = 0.0;
  int steps = 0;
  bool diverged = false;
  for (int t = 0; t < limit; ++t) {
    std::span<const float> input = obs;
    if (src.normalizer != nullptr) {
      src.normalizer->apply(obs, normed);
      input = normed;
    }
    src.policy->act(src.params, input, action, scratch);
    if (!std::all_of(action.begin(), action.end(), [](float a) { return std::isfinite(a); })) {
      diverged = true;  // as in RlTask: a non-finite action ends the episode
      break;
    }
    const StepResult s = env->step(action, obs);
    ret += s.reward;
    ++steps;
    for (float a : action) j_act.push_back(short_num(a));
    j_rew.push_back(short_num(s.reward));
    record_frame();
    if (s.terminated || s.truncated) break;
  }

  nlohmann::json j = {{"format", "neuroevo-replay"},
                      {"version", 1},
                      {"env", src.env_name},
                      {"policy", src.policy->describe()},
                      {"seed", seed},
                      {"return", diverged ? nlohmann::json(nullptr) : nlohmann::json(ret)},
                      {"steps", steps},
                      {"obs_dim", os.dim()},
                      {"action_dim", env->action_space().dim()},
                      {"discrete", env->action_space().is_discrete()},
                      {"actions", std::move(j_act)},
                      {"rewards", std::move(j_rew)}};
  if (image) j["shape"] = os.shape;
  if (grid) j["grid"] = std::move(j_grid);
  if (!image) j["obs"] = std::move(j_obs);
  if (maze_env) {
    j["states"] = std::move(j_state);
    j["state_dim"] = 3;
  }
  return j;
}

nlohmann::json record_champion(const std::string& run_or_champion, uint64_t seed) {
  std::string path = run_or_champion;
  if (std::filesystem::is_directory(path)) path += "/champion.bin";
  const Champion c = Champion::load(path);
  ChampionModel m = load_champion_model(c, 1);
  ReplaySource src{c.env, m.policy, m.normalizer.get(), m.params, c.max_steps};
  return record_episode(src, seed);
}

}  // namespace neuroevo::report
