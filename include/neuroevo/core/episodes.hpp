// The rule that turns what an evaluation measured into a Result's fitness, and the tail of a candidate's
// episodes, written once for every rollout loop (RlTask::run, its lockstep path, the Python env task)
// and every black-box fitness (the BBOB task, the Python fitness function and ask/tell).
#pragma once
#include <cmath>
#include <cstdint>
#include <span>

#include "neuroevo/core/result.hpp"

namespace neuroevo {

// A NaN or infinite fitness is kept but the result is invalid, so strategies rank it last.
inline void set_fitness(Result& r, double fitness) {
  r.fitness = fitness;
  r.valid = std::isfinite(fitness);
}

// Each episode's behaviour descriptor adds b / episodes to the result's mean descriptor (in episode
// order; the first descriptor sets the dimension, later ones are cut to it)...
inline void add_episode_behaviour(Result& r, std::span<const double> b, uint32_t episodes) {
  if (r.behaviour.empty()) r.behaviour.assign(b.size(), 0.0);
  for (size_t k = 0; k < b.size() && k < r.behaviour.size(); ++k) r.behaviour[k] += b[k] / episodes;
}

// ...and once all have run, the fitness is the mean return (`total`: the returns summed in episode order).
inline void set_mean_return(Result& r, double total, uint32_t episodes) {
  r.episodes = episodes;
  set_fitness(r, total / episodes);
}

}  // namespace neuroevo
