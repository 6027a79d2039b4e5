// The CMA family's factories and key tables, for tests and drivers that build a CMA strategy directly
// (the campaign's restart checks, the algorithm tests). Registration does not need this header: every
// strategy file defines `StrategyInfo NAME_strategy()`, declared by its line in src/strategies/registry.cpp.
#pragma once
#include <memory>

#include "neuroevo/strategies/strategy.hpp"

namespace neuroevo {

std::unique_ptr<Strategy> make_cmaes(ConfigSection& cfg, const StrategyContext& ctx);
std::vector<ParamDoc> cmaes_keys();
std::unique_ptr<Strategy> make_sep_cmaes(ConfigSection& cfg, const StrategyContext& ctx);
std::vector<ParamDoc> sep_cmaes_keys();
std::unique_ptr<Strategy> make_lm_ma_es(ConfigSection& cfg, const StrategyContext& ctx);
std::vector<ParamDoc> lm_ma_es_keys();

}  // namespace neuroevo
