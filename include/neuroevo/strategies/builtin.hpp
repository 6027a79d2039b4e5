// The CMA family's factories, for tests and drivers that build a CMA strategy directly (the campaign's
// restart checks, the algorithm tests): the registry's entries by name. Registration does not need this
// header: every strategy file defines `StrategyInfo NAME_strategy()`, declared by its line in
// src/strategies/registry.cpp.
#pragma once
#include <memory>

#include "neuroevo/strategies/strategy.hpp"

namespace neuroevo {

inline std::unique_ptr<Strategy> make_cmaes(ConfigSection& cfg, const StrategyContext& ctx) {
  return find_strategy("cmaes").make(cfg, ctx);
}
inline std::unique_ptr<Strategy> make_sep_cmaes(ConfigSection& cfg, const StrategyContext& ctx) {
  return find_strategy("sep_cmaes").make(cfg, ctx);
}
inline std::unique_ptr<Strategy> make_lm_ma_es(ConfigSection& cfg, const StrategyContext& ctx) {
  return find_strategy("lm_ma_es").make(cfg, ctx);
}

}  // namespace neuroevo
