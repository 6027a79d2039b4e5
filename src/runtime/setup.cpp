#include "neuroevo/runtime/setup.hpp"

#include <sstream>

#include "neuroevo/core/error.hpp"
#include "neuroevo/genomes/candidate.hpp"

namespace neuroevo {

std::string section_toml(const Config& config, const std::string& name) {
  const toml::node* n = config.table().get(name);
  if (n == nullptr || !n->is_table()) return "";
  std::ostringstream os;
  os << *n->as_table();
  return os.str();
}

Setup build_setup(Config config, int threads) {
  Setup s;
  s.config = std::move(config);
  ConfigSection run = s.config.section("run");
  s.seed = static_cast<uint64_t>(run.get_int("seed", 0, 0));
  s.generations = static_cast<uint64_t>(run.get_int("generations", 50, 1, 100'000'000));
  s.checkpoint_every = static_cast<uint64_t>(run.get_int("checkpoint_every", 10, 1));
  // 100 episodes: the CartPole "solved" criterion (Gymnasium) and the usual reporting standard.
  s.eval_episodes = static_cast<uint32_t>(run.get_int("eval_episodes", 100, 1, 1'000'000));

  ConfigSection env = s.config.section("env");
  s.env_name = env.get_string("name", "CartPole-v1");
  const auto probe = make_env(s.env_name);
  s.observation_space = probe->observation_space();
  s.action_space = probe->action_space();

  ConfigSection pol = s.config.section("policy");
  // OpenAI-ES gathers observation statistics from 1% of rollouts (Salimans et al. 2017, calc_obstat_prob).
  s.obs_norm = pol.get_bool("obs_norm", false);
  s.obs_norm_prob = pol.get_double("obs_norm_prob", 0.01, 0.0, 1.0);
  s.policy = make_policy(pol, probe->observation_space(), probe->action_space());
  if (s.obs_norm) s.normalizer = std::make_unique<ObsNormalizer>(probe->observation_space().dim());

  ConfigSection task = s.config.section("task");
  const auto episodes = static_cast<uint32_t>(task.get_int("episodes", 1, 1, 1'000'000));
  s.max_steps = static_cast<int>(task.get_int("max_steps", 0, 0, 100'000'000));
  s.task = std::make_unique<RlTask>(s.env_name, s.policy, s.normalizer.get(), episodes, s.max_steps);

  // 2^25 values (128 MiB): room for distinct slices of networks up to a few million parameters. The
  // original OpenAI-ES and Deep GA code used 250M values; raise noise.size for larger networks.
  ConfigSection noise = s.config.section("noise");
  const auto noise_size = static_cast<size_t>(noise.get_int("size", 1 << 25, 1, int64_t{1} << 34));
  const auto noise_seed = static_cast<uint64_t>(noise.get_int("seed", 123, 0));

  ConfigSection strat = s.config.section("strategy");
  s.strategy_name = strat.get_string("name", "ga");
  const StrategyInfo& info = find_strategy(s.strategy_name);
  StrategyContext ctx{s.seed, s.policy.get(), nullptr, s.policy->num_params(), &s.observation_space, &s.action_space};
  if (info.uses_noise_table) {
    if (s.policy->num_params() > noise_size)
      throw UsageError("config key 'noise.size' = " + std::to_string(noise_size) + " is smaller than the policy's " +
                       std::to_string(s.policy->num_params()) + " parameters");
  }
  if (info.uses_noise_table) {
    s.noise = std::make_unique<NoiseTable>(noise_seed, noise_size, threads);
    ctx.noise = s.noise.get();
  }
  s.strategy = info.make(strat, ctx);
  s.policy_toml = section_toml(s.config, "policy");
  s.config.check_unknown();
  return s;
}

std::string Setup::policy_description() const {
  return strategy->structured() ? "structured genomes of " + strategy_name : policy->describe();
}

Champion Setup::champion(const Genome& genome, uint64_t generation, double train_fitness) const {
  Champion c;
  c.env = env_name;
  c.policy_toml = policy_toml;
  c.obs_norm = normalizer ? normalizer->to_json() : nlohmann::json(nullptr);
  if (genome.kind == Genome::Kind::SeedChain && noise) {
    c.noise_seed = noise->seed();
    c.noise_size = noise->size();
  }
  c.generation = generation;
  c.max_steps = max_steps;
  c.train_fitness = train_fitness;
  c.genome = genome;
  return c;
}

ChampionModel load_champion_model(const Champion& c, int threads) {
  ChampionModel m;
  auto env = make_env(c.env);
  Config pc = Config::from_string(c.policy_toml, "champion policy");
  ConfigSection root = pc.root();
  root.get_bool("obs_norm", false);
  root.get_double("obs_norm_prob", 0.01, 0.0, 1.0);
  m.policy = make_policy(root, env->observation_space(), env->action_space());
  pc.check_unknown();
  if (!c.obs_norm.is_null()) m.normalizer = std::make_unique<ObsNormalizer>(ObsNormalizer::from_json(c.obs_norm));
  if (c.genome.kind == Genome::Kind::SeedChain && !c.genome.steps.empty())
    m.noise = std::make_unique<NoiseTable>(c.noise_seed, c.noise_size, threads);
  if (c.genome.kind == Genome::Kind::Structured) {
    // The genome builds its own policy; the [policy] table was only checked above.
    PolicyPhenotype p = decode_genome(c.genome)->policy(env->observation_space(), env->action_space());
    m.policy = std::move(p.policy);
    m.params = std::move(p.params);
    return m;
  }
  m.params.resize(m.policy->num_params());
  materialize(c.genome, *m.policy, m.noise.get(), m.params);
  return m;
}

}  // namespace neuroevo
