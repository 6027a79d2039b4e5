// Factories of the built-in policies, one per file under src/nn/.
#pragma once
#include <memory>

#include "neuroevo/nn/policy.hpp"

namespace neuroevo {

std::unique_ptr<const Policy> make_mlp_policy(ConfigSection& cfg, const Space& obs, const Space& action);
// Hebbian ABCD plastic MLP (src/nn/hebbian.cpp). PolicyScratch::state after reset(): the weights, layer by
// layer, each input-major [in][out], then the activations of layers 1..L of the last act().
std::unique_ptr<const Policy> make_hebbian_policy(ConfigSection& cfg, const Space& obs, const Space& action);
std::unique_ptr<const Policy> make_conv_policy(ConfigSection& cfg, const Space& obs, const Space& action);
std::unique_ptr<const Policy> make_random_policy(ConfigSection& cfg, const Space& obs, const Space& action);
std::unique_ptr<const Policy> make_snn_policy(ConfigSection& cfg, const Space& obs, const Space& action);
std::unique_ptr<const Policy> make_linear_policy(ConfigSection& cfg, const Space& obs, const Space& action);
std::unique_ptr<const Policy> make_ncap_policy(ConfigSection& cfg, const Space& obs, const Space& action);
// Expressive Leaky Memory neuron (src/nn/elm.cpp). PolicyScratch::state after reset(): branch traces, then memory units.
std::unique_ptr<const Policy> make_elm_policy(ConfigSection& cfg, const Space& obs, const Space& action);
// Modern Hopfield memory layer (src/nn/hopfield_policy.cpp). PolicyScratch::state after reset(): written
// count, next slot, then the written patterns (slots x pattern_dim).
std::unique_ptr<const Policy> make_hopfield_policy(ConfigSection& cfg, const Space& obs, const Space& action);

}  // namespace neuroevo
