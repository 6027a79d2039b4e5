#include "neuroevo/runtime/setup.hpp"

#include <sstream>

#include "neuroevo/core/error.hpp"
#include "neuroevo/genomes/candidate.hpp"
#include "neuroevo/tasks/registry.hpp"

namespace neuroevo {

namespace {

// The noise table is the largest single allocation of a run: say which one failed and what to lower.
std::unique_ptr<NoiseTable> make_noise_table(uint64_t seed, size_t size, int threads, const std::string& what) {
  try {
    return std::make_unique<NoiseTable>(seed, size, threads);
  } catch (const std::bad_alloc&) {
    throw std::runtime_error("out of memory allocating " + what + " (" + std::to_string(size) + " float32 values, " +
                             std::to_string(size * 4 / (1024 * 1024)) + " MiB)" +
                             (what == "the noise table" ? "; lower noise.size" : ""));
  }
}

// The noise table a champion's seed chain refers to (null when the genome has no chain steps), checked
// against the number of parameters of the model (`what`: "policy" or "task") it is loaded into.
std::unique_ptr<NoiseTable> champion_noise_table(const Champion& c, size_t num_params, const char* what, int threads) {
  if (c.genome.kind != Genome::Kind::SeedChain || c.genome.steps.empty()) return nullptr;
  if (c.noise_size < num_params)
    throw UsageError("champion: noise_size " + std::to_string(c.noise_size) + " is smaller than the " + what + "'s " +
                     std::to_string(num_params) + " parameters");
  return make_noise_table(c.noise_seed, c.noise_size, threads, "the champion's noise table");
}

// The parameter space of a task whose candidates are structured genomes only.
class NoVectorSpace final : public ParamSpace {
 public:
  size_t num_params() const override { return 0; }
  void init_params(uint64_t, std::span<float>) const override {
    throw UsageError("this task has no parameter vector to initialise");
  }
};

// policy.obs_norm_var_floor and policy.obs_norm_clip (nn/obs_norm.hpp). The defaults are OpenAI-ES's
// RunningStat (Salimans et al. 2017): variance floor 1e-2, clip 5. ARS V2 (Mania, Guy & Recht 2018; their
// code's MeanStdFilter) uses neither: var_floor = 0, clip = 0.
// Read only when given: the resolved [policy] table is stored in champion.bin, so writing these defaults
// back would change the champion file of every existing RL config.
ObsNormOptions obs_norm_options(ConfigSection& pol) {
  ObsNormOptions o;
  if (pol.has("obs_norm_var_floor")) o.var_floor = pol.get_double("obs_norm_var_floor", o.var_floor, 0.0, 1e12);
  if (pol.has("obs_norm_clip")) o.clip = static_cast<float>(pol.get_double("obs_norm_clip", o.clip, 0.0, 1e30));
  return o;
}

}  // namespace

std::string section_toml(const Config& config, const std::string& name) {
  const toml::node* n = config.table().get(name);
  if (n == nullptr || !n->is_table()) return "";
  std::ostringstream os;
  os << *n->as_table();
  return os.str();
}

Setup build_setup(Config config, int threads, std::span<const TaskTypeInfo> task_types) {
  Setup s;
  s.config = std::move(config);
  ConfigSection run = s.config.section("run");
  s.seed = static_cast<uint64_t>(run.get_int("seed", 0, 0));
  s.generations = static_cast<uint64_t>(run.get_int("generations", 50, 1, 100'000'000));
  s.checkpoint_every = static_cast<uint64_t>(run.get_int("checkpoint_every", 10, 1));
  // A frame budget, as papers on Atari-like games report results (e.g. MinAtar's curves up to 5 M frames):
  // the run stops after the first generation whose cumulative env_steps reach it (or at run.generations,
  // whichever comes first). Read only when given, so that configs without it resolve as before.
  if (run.has("max_env_steps"))
    s.max_env_steps = static_cast<uint64_t>(run.get_int("max_env_steps", 1, 1));
  // Also keep a copy of each checkpoint's champion as champions/gen<G>.bin (e.g. to evaluate the centre of
  // ARS every 10 generations, as its paper does, without spending training episodes on it).
  s.keep_champions = run.get_bool("keep_champions", false);
  // 100 episodes: the CartPole "solved" criterion (Gymnasium) and the usual reporting standard.
  s.eval_episodes = static_cast<uint32_t>(run.get_int("eval_episodes", 100, 1, 1'000'000));

  ConfigSection task = s.config.section("task");
  s.task_type = task.get_string("type", "rl");
  if (s.is_rl()) {
    ConfigSection env = s.config.section("env");
    s.env_name = env.get_string("name", "CartPole-v1");
    const auto probe = make_env(s.env_name);
    s.observation_space = probe->observation_space();
    s.action_space = probe->action_space();

    ConfigSection pol = s.config.section("policy");
    // OpenAI-ES gathers observation statistics from 1% of rollouts (Salimans et al. 2017, calc_obstat_prob).
    s.obs_norm = pol.get_bool("obs_norm", false);
    s.obs_norm_prob = pol.get_double("obs_norm_prob", 0.01, 0.0, 1.0);
    const ObsNormOptions norm_options = obs_norm_options(pol);
    s.policy = make_policy(pol, probe->observation_space(), probe->action_space());
    s.space = s.policy;
    if (s.obs_norm) s.normalizer = std::make_unique<ObsNormalizer>(probe->observation_space().dim(), norm_options);

    const auto episodes = static_cast<uint32_t>(task.get_int("episodes", 1, 1, 1'000'000));
    s.max_steps = static_cast<int>(task.get_int("max_steps", 0, 0, static_cast<int64_t>(kMaxEpisodeSteps)));
    // Lockstep rollouts (several candidates' episodes stepped together in a batched environment; the same
    // results bit for bit): see lockstep_by_default.
    const bool lockstep = task.get_bool("lockstep", lockstep_by_default(s.env_name));
    // ARS's `shift` (Mania, Guy & Recht 2018; their code's --shift, 1 for Hopper and Walker2d, 5 for
    // Humanoid): a constant subtracted from every step's reward of the training rollouts the strategy
    // ranks, so that standing still to collect the survival bonus stops paying. Metrics and the champion's
    // evaluation keep the environment's own reward.
    s.reward_shift = task.get_double("reward_shift", 0.0, -1e6, 1e6);
    const auto lanes = static_cast<size_t>(task.get_int("lanes", kDefaultLanes, 2, kMaxLanes));
    s.task = std::make_unique<RlTask>(s.env_name, s.policy, s.normalizer.get(), episodes, s.max_steps,
                                      lockstep ? lanes : 0);
  } else {
    TaskSpec spec = find_task_type(s.task_type, task_types).make(task, s.seed);
    s.env_name = spec.name;
    s.space = std::move(spec.space);
    s.observation_space = std::move(spec.inputs);
    s.action_space = std::move(spec.outputs);
    s.probe = std::move(spec.probe);
    s.task = std::move(spec.task);
  }

  // 2^25 values (128 MiB): room for distinct slices of networks up to a few million parameters. The
  // original OpenAI-ES and Deep GA code used 250M values; raise noise.size for larger networks.
  ConfigSection noise = s.config.section("noise");
  const auto noise_size = static_cast<size_t>(noise.get_int("size", 1 << 25, 1, static_cast<int64_t>(kMaxNoiseSize)));
  const auto noise_seed = static_cast<uint64_t>(noise.get_int("seed", 123, 0));

  ConfigSection strat = s.config.section("strategy");
  s.strategy_name = strat.get_string("name", "ga");
  const StrategyInfo& info = find_strategy(s.strategy_name);
  // A task of structured genomes only (no fixed-vector space) still hands strategies a space, an empty one
  // that refuses to be initialised; only strategies registered as structured are accepted for it.
  if (!s.space) s.space = std::make_shared<NoVectorSpace>();
  const size_t num_params = s.space->num_params();
  StrategyContext ctx{s.seed, s.space.get(), nullptr, num_params, &s.observation_space, &s.action_space, s.probe};
  if (info.uses_noise_table) {
    if (num_params > noise_size)
      throw UsageError("config key 'noise.size' = " + std::to_string(noise_size) + " is smaller than the policy's " +
                       std::to_string(num_params) + " parameters");
  }
  if (info.uses_noise_table) {
    s.noise = make_noise_table(noise_seed, noise_size, threads, "the noise table");
    ctx.noise = s.noise.get();
  }
  if (num_params == 0 && !info.structured)
    throw UsageError("task type '" + s.task_type + "' evaluates structured genomes only; strategy '" +
                     s.strategy_name + "' proposes parameter vectors");
  s.strategy = info.make(strat, ctx);
  s.policy_toml = section_toml(s.config, "policy");
  if (!s.is_rl()) s.task_toml = section_toml(s.config, "task");
  s.config.check_unknown();
  return s;
}

std::string Setup::policy_description() const {
  if (strategy->structured()) return "structured genomes of " + strategy_name;
  return policy ? policy->describe() : std::to_string(space->num_params()) + " parameters";
}

Champion Setup::champion(const Genome& genome, uint64_t generation, double train_fitness) const {
  Champion c;
  c.env = env_name;
  c.task_toml = task_toml;
  c.policy_toml = is_rl() ? policy_toml : "";
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
  if (!c.task_toml.empty()) {
    Config tc = Config::from_string(c.task_toml, "champion task");
    ConfigSection root = tc.root();
    m.task_type = root.get_string("type", "rl");
    if (m.task_type == "rl") throw UsageError("champion: an RL champion must not carry a [task] table");
    TaskSpec spec = find_task_type(m.task_type).make(root, 0);
    tc.check_unknown();
    m.task = std::move(spec.task);
    const std::shared_ptr<const ParamSpace> space =
        spec.space ? std::move(spec.space) : std::make_shared<NoVectorSpace>();
    m.noise = champion_noise_table(c, space->num_params(), "task", threads);
    m.genome = genome_model(c.genome, *space, m.noise.get());
    return m;
  }
  auto env = make_env(c.env);
  Config pc = Config::from_string(c.policy_toml, "champion policy");
  ConfigSection root = pc.root();
  const bool obs_norm = root.get_bool("obs_norm", false);
  root.get_double("obs_norm_prob", 0.01, 0.0, 1.0);
  const ObsNormOptions norm_options = obs_norm_options(root);
  m.policy = make_policy(root, env->observation_space(), env->action_space());
  pc.check_unknown();
  // Every field is checked against the model it is loaded into (the file may come from anyone).
  if (obs_norm != !c.obs_norm.is_null())
    throw UsageError(std::string("champion: the policy ") + (obs_norm ? "uses" : "does not use") +
                     " observation normalisation but the file " + (obs_norm ? "has no" : "has") + " statistics");
  if (obs_norm)
    m.normalizer = std::make_unique<ObsNormalizer>(
        ObsNormalizer::from_json(c.obs_norm, env->observation_space().dim(), norm_options));
  m.noise = champion_noise_table(c, m.policy->num_params(), "policy", threads);
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
