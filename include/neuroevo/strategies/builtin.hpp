// Factories of the CMA family (cmaes.cpp, sep_cmaes.cpp, lm_ma_es.cpp), registered in registry.cpp.
// Every other strategy file defines its own `StrategyInfo NAME_strategy()`, declared by its registry line
// (src/strategies/registry.cpp); this header goes once the CMA files do the same.
#pragma once
#include <memory>

#include "neuroevo/strategies/strategy.hpp"

namespace neuroevo {

std::unique_ptr<Strategy> make_cmaes(ConfigSection& cfg, const StrategyContext& ctx);
std::unique_ptr<Strategy> make_sep_cmaes(ConfigSection& cfg, const StrategyContext& ctx);
std::unique_ptr<Strategy> make_lm_ma_es(ConfigSection& cfg, const StrategyContext& ctx);

}  // namespace neuroevo
