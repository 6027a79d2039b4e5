#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/suggest.hpp"
#include "neuroevo/genomes/candidate.hpp"
#include "neuroevo/strategies/builtin.hpp"

namespace neuroevo {

const std::vector<StrategyInfo>& strategy_registry() {
  static const std::vector<StrategyInfo> registry = {
      {"ga", "Deep GA (Such et al. 2017): truncation selection, Gaussian mutation, seed-chain genomes, re-evaluated elite",
       true, make_ga},
      {"openai_es", "OpenAI-ES (Salimans et al. 2017): antithetic sampling, centred ranks, Adam, weight decay", true,
       make_openai_es},
      {"random_search", "Random search: fresh random initialisations every generation, keeps the best (baseline)",
       false, make_random_search, random_search_keys},
      {"cmaes", "CMA-ES (Hansen 2016 tutorial): full covariance, CSA, optional bounds, IPOP/BIPOP restarts", false,
       make_cmaes, cmaes_keys},
      {"sep_cmaes", "sep-CMA-ES (Ros & Hansen 2008): diagonal covariance, O(n) per candidate, optional bounds and restarts",
       false, make_sep_cmaes, sep_cmaes_keys},
      {"lm_ma_es", "LM-MA-ES (Loshchilov, Glasmachers & Beyer 2019): limited-memory matrix adaptation, O(m n), optional bounds and restarts",
       false, make_lm_ma_es, lm_ma_es_keys},
      {"snes", "SNES (Schaul et al. 2011): separable natural evolution strategy, NES utilities", false, make_snes},
      {"xnes", "xNES (Glasmachers et al. 2010): natural evolution strategy with full covariance (up to 1000 parameters)",
       false, make_xnes},
      {"pgpe", "PGPE (Sehnke et al. 2010) with symmetric sampling, centred ranks, ClipUp and adaptive sigma", false,
       make_pgpe},
      {"ars", "ARS V1-t/V2-t (Mania et al. 2018): top-b antithetic directions, step scaled by the returns' std", false,
       make_ars},
      {"hill_climb", "Gaussian (1+lambda) hill climbing, accepts better-or-equal, 1/5th success rule for sigma", false,
       make_hill_climb},
      {"simple_ga", "Real-valued GA: tournament selection, uniform/blend crossover, Gaussian mutation, elitism", false,
       make_simple_ga},
      {"ns_es", "NS-ES (Conti et al. 2018): a meta-population of ES centres following the novelty gradient", true,
       make_ns_es},
      {"nsr_es", "NSR-ES (Conti et al. 2018): NS-ES stepping on the mean of novelty and reward ranks", true,
       make_nsr_es},
      {"map_elites", "MAP-Elites (Mouret & Clune 2015): best candidate per cell of a behaviour grid, seed chains",
       true, make_map_elites},
      {"sparse_hc", "Structural (1+lambda) hill climbing over sparse linear policies of varying length (structured genomes)",
       false, make_sparse_hc, sparse_hc_keys},
  };
  return registry;
}

const StrategyInfo& find_strategy(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& s : strategy_registry()) {
    if (s.name == name) return s;
    names.push_back(s.name);
  }
  throw UsageError(unknown_name_message("strategy", name, names));
}

std::unique_ptr<const Candidate> Strategy::build(size_t) const {
  throw std::logic_error("Strategy::build() called on a strategy whose candidates are fixed vectors");
}

void Strategy::decode_double(size_t i, std::span<double> x) const {
  std::vector<float> p(x.size());
  decode(i, p);
  std::copy(p.begin(), p.end(), x.begin());
}

std::vector<double> ranking_fitness(std::span<const Result> results) {
  std::vector<double> f(results.size());
  for (size_t i = 0; i < results.size(); ++i)
    f[i] = (results[i].valid && std::isfinite(results[i].fitness)) ? results[i].fitness
                                                                   : -std::numeric_limits<double>::infinity();
  return f;
}

}  // namespace neuroevo
