// Factories of the built-in policies, one per file under src/nn/.
#pragma once
#include <memory>

#include "neuroevo/nn/policy.hpp"

namespace neuroevo {

std::unique_ptr<const Policy> make_mlp_policy(ConfigSection& cfg, const Space& obs, const Space& action);
std::unique_ptr<const Policy> make_random_policy(ConfigSection& cfg, const Space& obs, const Space& action);
std::unique_ptr<const Policy> make_linear_policy(ConfigSection& cfg, const Space& obs, const Space& action);
std::unique_ptr<const Policy> make_ncap_policy(ConfigSection& cfg, const Space& obs, const Space& action);

}  // namespace neuroevo
