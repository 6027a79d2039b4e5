// Factories of the built-in strategies, one per file under src/strategies/.
#pragma once
#include <memory>

#include "neuroevo/strategies/strategy.hpp"

namespace neuroevo {

std::unique_ptr<Strategy> make_ga(ConfigSection& cfg, const StrategyContext& ctx);
std::unique_ptr<Strategy> make_openai_es(ConfigSection& cfg, const StrategyContext& ctx);
std::unique_ptr<Strategy> make_random_search(ConfigSection& cfg, const StrategyContext& ctx);
std::vector<ParamDoc> random_search_keys();
std::unique_ptr<Strategy> make_cmaes(ConfigSection& cfg, const StrategyContext& ctx);
std::vector<ParamDoc> cmaes_keys();
std::unique_ptr<Strategy> make_sep_cmaes(ConfigSection& cfg, const StrategyContext& ctx);
std::vector<ParamDoc> sep_cmaes_keys();
std::unique_ptr<Strategy> make_lm_ma_es(ConfigSection& cfg, const StrategyContext& ctx);
std::vector<ParamDoc> lm_ma_es_keys();
std::unique_ptr<Strategy> make_snes(ConfigSection& cfg, const StrategyContext& ctx);
std::unique_ptr<Strategy> make_xnes(ConfigSection& cfg, const StrategyContext& ctx);
std::unique_ptr<Strategy> make_pgpe(ConfigSection& cfg, const StrategyContext& ctx);
std::unique_ptr<Strategy> make_ars(ConfigSection& cfg, const StrategyContext& ctx);
std::unique_ptr<Strategy> make_hill_climb(ConfigSection& cfg, const StrategyContext& ctx);
std::unique_ptr<Strategy> make_simple_ga(ConfigSection& cfg, const StrategyContext& ctx);
std::unique_ptr<Strategy> make_ns_es(ConfigSection& cfg, const StrategyContext& ctx);
std::unique_ptr<Strategy> make_nsr_es(ConfigSection& cfg, const StrategyContext& ctx);
std::unique_ptr<Strategy> make_map_elites(ConfigSection& cfg, const StrategyContext& ctx);
std::unique_ptr<Strategy> make_sparse_hc(ConfigSection& cfg, const StrategyContext& ctx);
std::vector<ParamDoc> sparse_hc_keys();

}  // namespace neuroevo
