// The Policy interface's default lockstep call: act() lane by lane.
#include "neuroevo/nn/policy.hpp"

#include <stdexcept>

namespace neuroevo {

void Policy::act_lanes(std::span<const std::span<const float>> params, std::span<const float> obs,
                       std::span<float> actions, PolicyLanes& lanes, std::span<const uint8_t> active) const {
  const size_t k = params.size();
  if (lanes.scratch.size() != k || lanes.fresh.size() != k || active.size() != k || k == 0 || obs.size() % k != 0 ||
      actions.size() % k != 0)
    throw std::invalid_argument("Policy::act_lanes: buffers do not match " + std::to_string(k) + " lanes");
  const size_t in = obs.size() / k, out = actions.size() / k;
  lanes.rows.resize(in);
  lanes.out.resize(out);
  for (size_t lane = 0; lane < k; ++lane) {
    if (!active[lane]) continue;
    for (size_t d = 0; d < in; ++d) lanes.rows[d] = obs[d * k + lane];
    act(params[lane], lanes.rows, lanes.out, lanes.scratch[lane]);
    for (size_t d = 0; d < out; ++d) actions[d * k + lane] = lanes.out[d];
  }
  if (lanes.any_fresh) {
    lanes.fresh.assign(k, 0);
    lanes.any_fresh = false;
  }
}

}  // namespace neuroevo
