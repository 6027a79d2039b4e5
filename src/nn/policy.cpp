// The Policy interface's default lockstep call: act() lane by lane.
#include "neuroevo/nn/policy.hpp"

#include <stdexcept>

namespace neuroevo {

void Policy::act_lanes(std::span<const std::span<const float>> params, std::span<const float> obs,
                       std::span<float> actions, std::span<PolicyScratch> scratch,
                       std::span<const uint8_t> active) const {
  const size_t k = params.size();
  if (scratch.size() != k || active.size() != k || k == 0 || obs.size() % k != 0 || actions.size() % k != 0)
    throw std::invalid_argument("Policy::act_lanes: buffers do not match " + std::to_string(k) + " lanes");
  const size_t in = obs.size() / k, out = actions.size() / k;
  for (size_t lane = 0; lane < k; ++lane)
    if (active[lane]) act(params[lane], obs.subspan(lane * in, in), actions.subspan(lane * out, out), scratch[lane]);
}

}  // namespace neuroevo
