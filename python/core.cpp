// neuroevo._core: the compiled half of the Python package (python/neuroevo/ holds the pure-Python half).
//
// - StrategyCore: ask/tell over numpy arrays for every registered fixed-vector strategy, built exactly as
//   `neuroevo run` builds it for a box parameter space (same seed, same init box, same noise table), so
//   the same settings give bit-identical candidates to the CLI's `[task] type = "bbob"` run.
// - TaskCore: a built-in environment and policy evaluated on the engine's thread pool with the GIL
//   released (the fast path).
// - EnvCore: one environment instance stepped from Python (the Gymnasium-protocol wrapper's engine).
// - run_experiment: `neuroevo run` from Python, the GIL released between Python-signal checks.
//
// Errors: UsageError (bad keys, values, files) becomes ValueError, or KeyError for an unknown config key;
// other exceptions keep pybind11's default mapping. Nothing here may abort the interpreter.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <cmath>
#include <mutex>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "neuroevo/bbob/bbob.hpp"
#include "neuroevo/core/box_space.hpp"
#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/noise.hpp"
#include "neuroevo/core/episodes.hpp"
#include "neuroevo/core/rng.hpp"
#include "neuroevo/drivers/experiment.hpp"
#include "neuroevo/envs/env.hpp"
#include "neuroevo/envs/hard_maze.hpp"
#include "neuroevo/nn/policy.hpp"
#include "neuroevo/runtime/batch_runner.hpp"
#include "neuroevo/runtime/champion.hpp"
#include "neuroevo/runtime/setup.hpp"
#include "neuroevo/genomes/candidate.hpp"
#include "neuroevo/strategies/strategy.hpp"
#include "neuroevo/tasks/rl_task.hpp"
#include "user_tasks.hpp"

namespace py = pybind11;
using namespace neuroevo;

namespace {

using F64Array = py::array_t<double, py::array::c_style | py::array::forcecast>;
using F32Array = py::array_t<float, py::array::c_style | py::array::forcecast>;

// The noise table's defaults, as build_setup reads them (src/runtime/setup.cpp).
constexpr int64_t kDefaultNoiseSize = int64_t{1} << 25;
constexpr int64_t kDefaultNoiseSeed = 123;

class StrategyCore {
 public:
  // `toml_text` holds the tables [run] (seed), [strategy] (name and keys), [task] (dim, init_low,
  // init_high) and optionally [noise]; the Python side writes it from the constructor's arguments.
  explicit StrategyCore(const std::string& toml_text) : toml_(toml_text) {
    config_ = Config::from_string(toml_text, "neuroevo.Strategy arguments");
    ConfigSection run = config_.section("run");
    seed_ = static_cast<uint64_t>(run.get_int("seed", 0, 0));
    ConfigSection task = config_.section("task");
    dim_ = static_cast<size_t>(task.get_int("dim", 0, 1, 100'000'000));
    // The bbob task's starting box, [-4, 4]^D (COCO's example experiments), so runs compare with the CLI.
    const double lo = task.get_double("init_low", -4.0, -1e6, 1e6);
    const double hi = task.get_double("init_high", 4.0, -1e6, 1e6);
    if (!(lo < hi)) throw UsageError("init_low must be below init_high");
    space_ = std::make_shared<BoxSpace>(dim_, lo, hi);
    ConfigSection noise = config_.section("noise");
    const auto noise_size = static_cast<size_t>(noise.get_int("size", kDefaultNoiseSize, 1, static_cast<int64_t>(kMaxNoiseSize)));
    const auto noise_seed = static_cast<uint64_t>(noise.get_int("seed", kDefaultNoiseSeed, 0));
    ConfigSection strat = config_.section("strategy");
    name_ = strat.get_string("name", "ga");
    const StrategyInfo& info = find_strategy(name_);
    if (info.structured)
      throw UsageError("strategy '" + name_ + "' evolves structured genomes, which have no parameter vector to ask for");
    StrategyContext ctx{seed_, space_.get(), nullptr, dim_, &observation_, &action_};
    if (info.uses_noise_table) {
      if (dim_ > noise_size)
        throw UsageError("noise_size = " + std::to_string(noise_size) + " is smaller than num_params = " + std::to_string(dim_));
      py::gil_scoped_release release;
      noise_ = std::make_unique<NoiseTable>(noise_seed, noise_size, 1);
    }
    ctx.noise = noise_.get();
    observation_ = Space::box(std::vector<double>(dim_, lo), std::vector<double>(dim_, hi));
    action_ = Space::box({-1e308}, {1e308});
    strategy_ = info.make(strat, ctx);
    config_.check_unknown();
  }

  py::array_t<double> ask() {
    batch_ = strategy_->ask();
    asked_ = true;
    py::array_t<double> out({batch_.size, dim_});
    auto* data = out.mutable_data();
    for (size_t i = 0; i < batch_.size; ++i) strategy_->decode_double(i, std::span<double>(data + i * dim_, dim_));
    return out;
  }

  // Candidates as the float32 vectors `neuroevo run` evaluates (Strategy::decode).
  py::array_t<float> ask_float32() {
    batch_ = strategy_->ask();
    asked_ = true;
    py::array_t<float> out({batch_.size, dim_});
    auto* data = out.mutable_data();
    for (size_t i = 0; i < batch_.size; ++i) strategy_->decode(i, std::span<float>(data + i * dim_, dim_));
    return out;
  }

  bool tell(const py::object& x, const py::object& f, bool maximize) {
    if (!asked_) throw py::value_error("tell() without a preceding ask(): call ask() first");
    const auto fa = py::array::ensure(f);
    if (!fa || fa.ndim() != 1) throw py::value_error("tell(): fitness must be a 1-D array of numbers");
    if (!py::isinstance<py::array_t<double>>(fa) && !py::isinstance<py::array_t<float>>(fa) &&
        !py::isinstance<py::array_t<int64_t>>(fa) && !py::isinstance<py::array_t<int32_t>>(fa))
      throw py::type_error("tell(): fitness must be a numeric array, got dtype " + std::string(py::str(fa.dtype())));
    const F64Array fit = F64Array::ensure(fa);
    if (static_cast<size_t>(fit.shape(0)) != batch_.size)
      throw py::value_error("tell(): " + std::to_string(fit.shape(0)) + " fitness values for a batch of " +
                            std::to_string(batch_.size) + " candidates");
    if (!x.is_none()) {
      const auto xa = py::array::ensure(x);
      if (!xa || xa.ndim() != 2 || static_cast<size_t>(xa.shape(0)) != batch_.size || static_cast<size_t>(xa.shape(1)) != dim_)
        throw py::value_error("tell(): X must be the (" + std::to_string(batch_.size) + ", " + std::to_string(dim_) +
                              ") array ask() returned");
    }
    std::vector<Result> results(batch_.size);
    for (size_t i = 0; i < batch_.size; ++i) {
      const double v = fit.at(i);
      if (std::isnan(v)) throw py::value_error("tell(): fitness " + std::to_string(i) + " is NaN");
      // As the bbob task does: fitness is higher-is-better, invalid when not finite.
      set_fitness(results[i], maximize ? v : -v);
    }
    asked_ = false;
    return strategy_->tell(results);
  }

  uint64_t generation() const { return strategy_->generation(); }
  size_t num_params() const { return dim_; }
  const std::string& name() const { return name_; }
  const std::string& toml() const { return toml_; }
  bool pending() const { return asked_; }

  py::array_t<float> champion() const {
    const Genome g = strategy_->champion();
    py::array_t<float> out(static_cast<py::ssize_t>(dim_));
    materialize(g, *space_, noise_.get(), std::span<float>(out.mutable_data(), dim_));
    return out;
  }

  std::string state() const {
    if (asked_) throw py::value_error("state(): a batch is asked but not told; save the state between tell() and ask()");
    return strategy_->save().dump();
  }
  void load(const std::string& json_text) {
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(json_text);
    } catch (const nlohmann::json::exception& e) {
      throw py::value_error(std::string("load(): the state is not JSON: ") + e.what());
    }
    strategy_->load(j);
    asked_ = false;
  }

 private:
  std::string toml_;
  Config config_;
  uint64_t seed_ = 0;
  size_t dim_ = 0;
  std::string name_;
  std::shared_ptr<BoxSpace> space_;
  std::unique_ptr<NoiseTable> noise_;
  Space observation_, action_;
  std::unique_ptr<Strategy> strategy_;
  Batch batch_;
  bool asked_ = false;
};

py::dict space_dict(const Space& s) {
  py::dict d;
  d["discrete"] = s.is_discrete();
  d["n"] = s.n;
  d["low"] = s.low;
  d["high"] = s.high;
  d["shape"] = s.shape;
  return d;
}

// A built-in environment and a policy, evaluated on the engine's threads.
class TaskCore {
 public:
  TaskCore(const std::string& env_name, const std::string& policy_toml, uint32_t episodes, int max_steps)
      : env_name_(env_name) {
    const auto probe = make_env(env_name);
    Config c = Config::from_string(policy_toml, "policy");
    ConfigSection pol = c.section("policy");
    policy_ = make_policy(pol, probe->observation_space(), probe->action_space());
    c.check_unknown();
    task_ = std::make_unique<RlTask>(env_name, policy_, nullptr, episodes, max_steps,
                                     lockstep_by_default(env_name) ? kDefaultLanes : 0);
    description_ = policy_->describe();
  }

  size_t num_params() const { return policy_->num_params(); }
  const std::string& describe() const { return description_; }
  // True while evaluate() runs its rollouts with the GIL released (readable from other Python threads).
  bool busy() const { return busy_.load(); }

  py::array_t<float> init_params(uint64_t seed) const {
    py::array_t<float> out(static_cast<py::ssize_t>(num_params()));
    policy_->init_params(seed, std::span<float>(out.mutable_data(), num_params()));
    return out;
  }

  // Returns (returns, steps, behaviours) for every row of `params`. Candidate i's episodes use the keys
  // stream_key(seed, 0, i, Episode), as generation 0 of a run with that seed.
  py::tuple evaluate(const py::object& params_obj, uint32_t episodes, uint64_t seed, int threads) {
    const auto raw = py::array::ensure(params_obj);
    if (!raw) throw py::type_error("evaluate(): params must be an array of numbers");
    if (raw.dtype().kind() != 'f' && raw.dtype().kind() != 'i' && raw.dtype().kind() != 'u')
      throw py::type_error("evaluate(): params must be numeric, got dtype " + std::string(py::str(raw.dtype())));
    F32Array p = F32Array::ensure(raw);
    if (p.ndim() == 1) p = p.reshape({py::ssize_t{1}, p.shape(0)});
    if (p.ndim() != 2 || static_cast<size_t>(p.shape(1)) != num_params())
      throw py::value_error("evaluate(): params must have shape (batch, " + std::to_string(num_params()) + ")");
    if (threads < 0) throw py::value_error("evaluate(): threads must be >= 0");
    const size_t n = static_cast<size_t>(p.shape(0));
    const size_t dim = num_params();
    const float* data = p.data();
    std::vector<Result> results(n);
    {
      py::gil_scoped_release release;
      // Only one evaluation at a time per task: its workspaces and thread pool are not shared.
      std::lock_guard<std::mutex> lock(mutex_);
      busy_.store(true);
      struct Idle {
        std::atomic<bool>& b;
        ~Idle() { b.store(false); }
      } idle{busy_};
      if (!runner_ || threads_ != threads) {
        runner_ = std::make_unique<LocalRunner>(threads);
        threads_ = threads;
        workspaces_.clear();
      }
      while (workspaces_.size() < runner_->threads()) workspaces_.push_back(task_->make_workspace());
      // Lockstep (RlTask::evaluate_many) where the environment has a batched version: the same results.
      const size_t group = task_->lockstep_lanes();
      runner_->evaluate_groups(results, group, [&](size_t first, size_t count, size_t w) {
        std::vector<std::span<const float>> ps(count);
        std::vector<EpisodeRequest> reqs(count);
        for (size_t k = 0; k < count; ++k) {
          ps[k] = std::span<const float>(data + (first + k) * dim, dim);
          reqs[k] = {stream_key(seed, 0, first + k, Purpose::Episode), episodes, false};
        }
        task_->evaluate_many(ps, reqs, std::span(results).subspan(first, count), *workspaces_[w]);
      });
      runner_->take_stats();
    }
    py::array_t<double> returns(static_cast<py::ssize_t>(n));
    py::array_t<uint64_t> steps(static_cast<py::ssize_t>(n));
    py::list behaviours;
    for (size_t i = 0; i < n; ++i) {
      returns.mutable_data()[i] = results[i].fitness;
      steps.mutable_data()[i] = results[i].steps;
      behaviours.append(py::array_t<double>(static_cast<py::ssize_t>(results[i].behaviour.size()), results[i].behaviour.data()));
    }
    return py::make_tuple(returns, steps, behaviours);
  }

  // One policy action for one observation (the champion's callable and the Python rollout loop).
  py::array_t<float> act(const F32Array& params, const F32Array& obs, uint64_t episode_seed) {
    if (static_cast<size_t>(params.size()) != num_params()) throw py::value_error("act(): wrong number of params");
    const auto probe = task_env();
    if (static_cast<size_t>(obs.size()) != probe.first) throw py::value_error("act(): observation has the wrong size");
    if (!scratch_ || scratch_seed_ != episode_seed) {
      scratch_ = std::make_unique<PolicyScratch>();
      policy_->reset(*scratch_, episode_seed);
      scratch_seed_ = episode_seed;
    }
    py::array_t<float> out(static_cast<py::ssize_t>(probe.second));
    policy_->act(std::span<const float>(params.data(), num_params()), std::span<const float>(obs.data(), obs.size()),
                 std::span<float>(out.mutable_data(), probe.second), *scratch_);
    return out;
  }
  void reset_policy(uint64_t episode_seed) {
    scratch_ = std::make_unique<PolicyScratch>();
    policy_->reset(*scratch_, episode_seed);
    scratch_seed_ = episode_seed;
  }

 private:
  std::pair<size_t, size_t> task_env() {
    if (!spaces_) {
      const auto env = make_env(env_name_);
      spaces_ = std::make_pair(env->observation_space().dim(), env->action_space().dim());
    }
    return *spaces_;
  }
  std::string env_name_;
  std::string description_;
  std::shared_ptr<const Policy> policy_;
  std::unique_ptr<RlTask> task_;
  std::mutex mutex_;
  std::atomic<bool> busy_{false};
  std::unique_ptr<LocalRunner> runner_;
  int threads_ = -1;
  std::vector<std::unique_ptr<Workspace>> workspaces_;
  std::unique_ptr<PolicyScratch> scratch_;
  uint64_t scratch_seed_ = 0;
  std::optional<std::pair<size_t, size_t>> spaces_;
};

// One environment instance.
class EnvCore {
 public:
  explicit EnvCore(const std::string& name) : name_(name), env_(make_env(name)) {
    obs_.resize(env_->observation_space().dim());
  }
  py::array_t<float> reset(uint64_t seed) {
    env_->reset(seed, obs_);
    return py::array_t<float>(static_cast<py::ssize_t>(obs_.size()), obs_.data());
  }
  py::tuple step(const F32Array& action) {
    if (static_cast<size_t>(action.size()) != env_->action_space().dim())
      throw py::value_error("step(): the action has " + std::to_string(action.size()) + " values, the action space " +
                            std::to_string(env_->action_space().dim()));
    const StepResult r = env_->step(std::span<const float>(action.data(), action.size()), obs_);
    return py::make_tuple(py::array_t<float>(static_cast<py::ssize_t>(obs_.size()), obs_.data()), r.reward, r.terminated,
                          r.truncated);
  }
  py::dict observation_space() const { return space_dict(env_->observation_space()); }
  py::dict action_space() const { return space_dict(env_->action_space()); }
  int max_episode_steps() const { return env_->max_episode_steps(); }
  std::vector<double> behaviour() const { return env_->behaviour(); }
  const std::string& name() const { return name_; }
  // The maze robot (x, y, heading in degrees) for render(); None for other environments.
  py::object maze_robot() const {
    const maze::Robot* r = maze::robot_of(*env_);
    if (r == nullptr) return py::none();
    return py::make_tuple(r->pos.x, r->pos.y, r->heading);
  }

 private:
  std::string name_;
  std::unique_ptr<Env> env_;
  std::vector<float> obs_;
};

// A run's champion.bin as a policy: the parameters, and for RL tasks (a built-in env, or a Python env
// given as `env`) the policy that acts with them, observation normalisation included.
class ChampionCore {
 public:
  ChampionCore(const std::string& path, const py::object& env) {
    const Champion c = Champion::load(path);
    generation_ = c.generation;
    train_fitness_ = c.train_fitness;
    env_ = c.env;
    if (c.task_toml.empty()) {
      ChampionModel m = load_champion_model(c, 1);
      const auto probe = make_env(c.env);
      observation_ = probe->observation_space();
      action_ = probe->action_space();
      policy_ = std::move(m.policy);
      normalizer_ = std::move(m.normalizer);
      params_ = std::move(m.params);
      return;
    }
    Config tc = Config::from_string(c.task_toml, "champion task");
    ConfigSection root = tc.root();
    task_type_ = root.get_string("type", "rl");
    std::unique_ptr<NoiseTable> noise;
    auto noise_for = [&](size_t n) {
      if (c.genome.kind == Genome::Kind::SeedChain && !c.genome.steps.empty()) {
        if (c.noise_size < n) throw UsageError("champion: its noise table is smaller than its parameters");
        py::gil_scoped_release release;
        noise = std::make_unique<NoiseTable>(c.noise_seed, c.noise_size, 1);
      }
      return noise.get();
    };
    if (task_type_ == "python_env") {
      if (env.is_none())
        throw py::value_error("load_run(): this run evolved a policy for a Python environment; pass env= (the class "
                              "given to run()) to rebuild the champion's policy");
      const python::PyEnvSpaces spaces = python::python_env_spaces(env());
      ConfigSection pol = root.section("policy");
      observation_ = spaces.observation;
      action_ = spaces.action;
      policy_ = make_policy(pol, observation_, action_);
      if (c.genome.kind == Genome::Kind::Structured) {  // the genome builds its own policy (NEAT...)
        PolicyPhenotype p = decode_genome(c.genome)->policy(observation_, action_);
        policy_ = std::move(p.policy);
        params_ = std::move(p.params);
        return;
      }
      params_.resize(policy_->num_params());
      materialize(c.genome, *policy_, noise_for(params_.size()), params_);
      return;
    }
    if (c.genome.kind == Genome::Kind::Structured) return;  // no parameter vector (a GP program...)
    if (task_type_ == "python_function") {
      const auto dim = static_cast<size_t>(root.get_int("dim", 1, 1, 100'000'000));
      const BoxSpace space(dim, root.get_double("init_low", -4.0), root.get_double("init_high", 4.0));
      params_.resize(dim);
      materialize(c.genome, space, noise_for(dim), params_);
      return;
    }
    ChampionModel m = load_champion_model(c, 1);
    params_ = std::move(m.genome.params);
  }

  py::array_t<float> params() const { return py::array_t<float>(static_cast<py::ssize_t>(params_.size()), params_.data()); }
  bool has_policy() const { return policy_ != nullptr; }
  bool discrete() const { return action_.is_discrete(); }
  uint64_t generation() const { return generation_; }
  double train_fitness() const { return train_fitness_; }
  const std::string& env() const { return env_; }
  const std::string& task_type() const { return task_type_; }
  std::string describe() const { return policy_ ? policy_->describe() : std::to_string(params_.size()) + " parameters"; }

  void reset(uint64_t seed) {
    if (!policy_) throw py::value_error("this champion has no policy (its task is not an environment)");
    policy_->reset(scratch_, seed);
  }
  py::array_t<float> act(const F32Array& obs) {
    if (!policy_) throw py::value_error("this champion has no policy (its task is not an environment)");
    const size_t n = observation_.dim();
    if (static_cast<size_t>(obs.size()) != n)
      throw py::value_error("policy(obs): the observation has " + std::to_string(obs.size()) + " values, the policy expects " +
                            std::to_string(n));
    std::span<const float> input(obs.data(), n);
    if (normalizer_) {
      normed_.resize(n);
      normalizer_->apply(input, normed_);
      input = normed_;
    }
    py::array_t<float> out(static_cast<py::ssize_t>(action_.dim()));
    policy_->act(params_, input, std::span<float>(out.mutable_data(), action_.dim()), scratch_);
    return out;
  }

 private:
  uint64_t generation_ = 0;
  double train_fitness_ = 0.0;
  std::string env_, task_type_ = "rl";
  Space observation_, action_;
  std::shared_ptr<const Policy> policy_;
  std::unique_ptr<ObsNormalizer> normalizer_;
  std::vector<float> params_, normed_;
  PolicyScratch scratch_;
};

int run(const std::string& config_path, const std::vector<std::string>& sets, const std::string& out,
        const std::string& resume, std::optional<uint64_t> seed, int threads, bool quiet, const py::object& stop,
        const py::object& fitness, const py::object& env) {
  RunOptions o;
  o.config_path = config_path;
  o.sets = sets;
  o.out_dir = out;
  o.resume_dir = resume;
  o.seed = seed;
  o.threads = threads;
  o.quiet = quiet;
  // Asked between generations, with the GIL: a pending Ctrl-C or an exception raised by the user's
  // `stop` callback ends the run like the CLI's SIGINT (checkpoint written, resumable), and the Python
  // exception is raised once the run has returned.
  std::optional<py::error_already_set> error;
  o.stop_requested = [&] {
    py::gil_scoped_acquire gil;
    try {
      if (PyErr_CheckSignals() != 0) throw py::error_already_set();
      return !stop.is_none() && stop().cast<bool>();
    } catch (py::error_already_set& e) {
      error.emplace(std::move(e));
      return true;
    }
  };
  // User problems: the task types "python_function" and "python_env" for this run. `fitness` and `env`
  // live in this frame (the caller's arguments) until run_experiment returns.
  const auto errors = std::make_shared<python::PyErrorSlot>();
  o.task_types = python::user_task_types(fitness, env, errors);
  int code = 0;
  try {
    py::gil_scoped_release release;
    code = run_experiment(o);
  } catch (const python::PythonCallbackError&) {
    errors->rethrow();  // the user's exception, with its traceback
    throw;
  }
  if (error) throw std::move(*error);
  return code;
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "neuroevo's compiled core; use the neuroevo package, not this module directly.";

  // UsageError: bad user input. An unknown config key is a KeyError, anything else a ValueError.
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const UsageError& e) {
      const std::string what = e.what();
      if (what.rfind("unknown config key", 0) == 0)
        PyErr_SetString(PyExc_KeyError, what.c_str());
      else
        PyErr_SetString(PyExc_ValueError, what.c_str());
    }
  });

  py::class_<StrategyCore>(m, "StrategyCore")
      .def(py::init<const std::string&>(), py::arg("toml_text"))
      .def("ask", &StrategyCore::ask)
      .def("ask_float32", &StrategyCore::ask_float32)
      .def("tell", &StrategyCore::tell, py::arg("X"), py::arg("fitness"), py::arg("maximize") = false)
      .def_property_readonly("generation", &StrategyCore::generation)
      .def_property_readonly("num_params", &StrategyCore::num_params)
      .def_property_readonly("name", &StrategyCore::name)
      .def_property_readonly("toml", &StrategyCore::toml)
      .def_property_readonly("pending", &StrategyCore::pending)
      .def("champion", &StrategyCore::champion)
      .def("state", &StrategyCore::state)
      .def("load", &StrategyCore::load, py::arg("state"));

  py::class_<TaskCore>(m, "TaskCore")
      .def(py::init<const std::string&, const std::string&, uint32_t, int>(), py::arg("env"), py::arg("policy_toml"),
           py::arg("episodes"), py::arg("max_steps"))
      .def_property_readonly("num_params", &TaskCore::num_params)
      .def("describe", &TaskCore::describe)
      .def_property_readonly("busy", &TaskCore::busy)
      .def("init_params", &TaskCore::init_params, py::arg("seed"))
      .def("evaluate", &TaskCore::evaluate, py::arg("params"), py::arg("episodes"), py::arg("seed"), py::arg("threads"))
      .def("act", &TaskCore::act, py::arg("params"), py::arg("obs"), py::arg("episode_seed"))
      .def("reset_policy", &TaskCore::reset_policy, py::arg("episode_seed"));

  py::class_<EnvCore>(m, "EnvCore")
      .def(py::init<const std::string&>(), py::arg("name"))
      .def("reset", &EnvCore::reset, py::arg("seed"))
      .def("step", &EnvCore::step, py::arg("action"))
      .def("observation_space", &EnvCore::observation_space)
      .def("action_space", &EnvCore::action_space)
      .def_property_readonly("max_episode_steps", &EnvCore::max_episode_steps)
      .def("behaviour", &EnvCore::behaviour)
      .def("maze_robot", &EnvCore::maze_robot)
      .def_property_readonly("name", &EnvCore::name);

  py::class_<ChampionCore>(m, "ChampionCore")
      .def(py::init<const std::string&, const py::object&>(), py::arg("path"), py::arg("env") = py::none())
      .def("params", &ChampionCore::params)
      .def_property_readonly("has_policy", &ChampionCore::has_policy)
      .def_property_readonly("discrete", &ChampionCore::discrete)
      .def_property_readonly("generation", &ChampionCore::generation)
      .def_property_readonly("train_fitness", &ChampionCore::train_fitness)
      .def_property_readonly("env", &ChampionCore::env)
      .def_property_readonly("task_type", &ChampionCore::task_type)
      .def("describe", &ChampionCore::describe)
      .def("reset", &ChampionCore::reset, py::arg("seed"))
      .def("act", &ChampionCore::act, py::arg("obs"));

  m.def(
      "episode_seeds",
      [](uint64_t seed, uint64_t individual, uint32_t episode) {
        const uint64_t env_seed = episode_seed(stream_key(seed, 0, individual, Purpose::Episode), episode);
        return py::make_tuple(env_seed, mix64(env_seed ^ static_cast<uint64_t>(Purpose::Policy)));
      },
      py::arg("seed"), py::arg("individual"), py::arg("episode"),
      "(environment seed, policy seed) of episode `episode` of row `individual` in TaskCore.evaluate(seed=seed).");
  m.def(
      "maze_map",
      [](const std::string& env_name) -> py::object {
        const maze::MazeMap* map = maze::map_of_env(env_name);
        if (map == nullptr) return py::none();
        py::list walls;
        for (const auto& w : map->walls) walls.append(py::make_tuple(w.a.x, w.a.y, w.b.x, w.b.y));
        py::dict d;
        d["walls"] = walls;
        d["low"] = py::make_tuple(map->low.x, map->low.y);
        d["high"] = py::make_tuple(map->high.x, map->high.y);
        d["goal"] = py::make_tuple(map->goal.x, map->goal.y);
        d["start"] = py::make_tuple(map->start.x, map->start.y);
        d["robot_radius"] = maze::kRobotRadius;
        return d;
      },
      py::arg("env"), "The maze of a maze environment (walls as (ax, ay, bx, by), y downwards), or None.");
  m.def("env_names", [] {
    std::vector<std::string> names;
    for (const auto& e : env_registry()) names.push_back(e.name);
    return names;
  });
  m.def("strategy_names", [] {
    std::vector<std::string> names;
    for (const auto& s : strategy_registry()) names.push_back(s.name);
    return names;
  });
  m.def(
      "bbob",
      [](int function, int instance, size_t dim, const F64Array& x) {
        bbob::BbobProblem p(function, instance, dim);
        if (x.ndim() != 2 || static_cast<size_t>(x.shape(1)) != dim) throw py::value_error("bbob(): x must have shape (n, dim)");
        py::array_t<double> out(x.shape(0));
        for (py::ssize_t i = 0; i < x.shape(0); ++i)
          out.mutable_data()[i] = p(std::span<const double>(x.data() + i * dim, dim)) - p.fopt();
        return out;
      },
      py::arg("function"), py::arg("instance"), py::arg("dim"), py::arg("x"),
      "f(x) - f_opt of a BBOB function instance for every row of x (the fitness `[task] type = \"bbob\"` negates).");
  m.def("run_experiment", &run, py::arg("config_path"), py::arg("sets"), py::arg("out"), py::arg("resume"),
        py::arg("seed"), py::arg("threads"), py::arg("quiet"), py::arg("stop"), py::arg("fitness") = py::none(),
        py::arg("env") = py::none());
}
