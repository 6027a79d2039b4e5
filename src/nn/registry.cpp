#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/suggest.hpp"
#include "neuroevo/nn/policies.hpp"

namespace neuroevo {

const std::vector<PolicyInfo>& policy_registry() {
  static const std::vector<PolicyInfo> registry = {
      {"mlp", "multi-layer perceptron: hidden sizes, tanh or relu; argmax or tanh-scaled head", make_mlp_policy},
      {"hebbian", "ABCD Hebbian plastic MLP (Najarro & Risi 2020): evolves per-synapse rule coefficients; weights random each episode",
       make_hebbian_policy},
      {"conv", "convolutional network on image observations: presets minatar, deepga_atari or custom layers", make_conv_policy},
      {"random", "uniform random actions, no parameters (baseline)", make_random_policy},
      {"snn", "spiking: observation as input current to LIF neurons, actions from a leaky readout of their spikes", make_snn_policy},
      {"linear", "linear map W obs (+ b), zero-initialised, clipped to the action bounds (ARS)", make_linear_policy},
      {"ncap", "C. elegans swimming circuit (NCAP): oscillator, B-neurons, muscles; 4 shared weights", make_ncap_policy},
      {"elm", "Expressive Leaky Memory neuron (Spieler et al. 2024): slow leaky memory units, branch traces, 2-layer integration", make_elm_policy},
      {"hopfield", "modern Hopfield memory (Ramsauer et al. 2020): evolved and per-episode written patterns, xi <- X softmax(beta X^T xi)",
       make_hopfield_policy},
  };
  return registry;
}

std::unique_ptr<const Policy> make_policy(ConfigSection& cfg, const Space& obs, const Space& action) {
  const std::string type = cfg.get_string("type", "mlp");
  std::vector<std::string> names;
  for (const auto& p : policy_registry()) {
    if (p.name == type) return p.make(cfg, obs, action);
    names.push_back(p.name);
  }
  throw UsageError("config key '" + cfg.full_key("type") + "': " + unknown_name_message("policy", type, names));
}

}  // namespace neuroevo
