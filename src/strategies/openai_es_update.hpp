// The OpenAI-ES sampling and update (Salimans et al. 2017), shared by openai_es and ns_es / nsr_es
// (Conti et al. 2018 step each centre with exactly this estimator). Defined in openai_es.cpp.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "neuroevo/core/adam.hpp"
#include "neuroevo/core/noise.hpp"
#include "neuroevo/core/param_space.hpp"
#include "neuroevo/strategies/schema.hpp"

namespace neuroevo::openai_es {

// One OpenAI-ES search point: the centre theta and Adam's moments (the whole per-centre state; NS-ES
// keeps M of them).
struct Centre {
  std::vector<float> theta;
  AdamMoments adam;
  NEUROEVO_STATE_FIELDS(Centre, theta, adam)
};

// theta = space.init_params(stream_key(seed, 0, individual, Init)), Adam's moments zero.
Centre initial_centre(const ParamSpace& space, uint64_t seed, uint64_t individual);

// The noise seed of each antithetic pair k of `generation`: Stream(seed, generation, k, Mutation).
std::vector<uint32_t> pair_seeds(uint64_t seed, uint64_t generation, size_t pairs);

// Candidate 2k = theta + sigma eps_k, candidate 2k+1 = theta - sigma eps_k (antithetic pair k).
void decode_pair(std::span<const float> theta, double sigma, const NoiseTable& noise, std::span<const uint32_t> seeds,
                 size_t i, std::span<float> out);

// One step of the centre's theta for the per-candidate weights w (centred ranks, candidate order):
//   g = sum_k (w_2k - w_2k+1) eps_k / P;  Adam on -g + l2 theta.
// Accumulated in double, pair by pair in candidate order: independent of how evaluations were scheduled.
void step(std::span<const double> w, std::span<const uint32_t> seeds, const NoiseTable& noise, double l2,
          const Adam& adam, Centre& centre);

}  // namespace neuroevo::openai_es
