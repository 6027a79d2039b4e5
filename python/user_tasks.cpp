#include "user_tasks.hpp"

#include <pybind11/numpy.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "neuroevo/core/box_space.hpp"
#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/episodes.hpp"
#include "neuroevo/core/rng.hpp"
#include "neuroevo/genomes/candidate.hpp"
#include "neuroevo/nn/policy.hpp"
#include "neuroevo/runtime/champion.hpp"
#include "neuroevo/tasks/rl_task.hpp"

namespace py = pybind11;

namespace neuroevo::python {

void PyErrorSlot::keep(py::error_already_set&& e) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!error_) error_.emplace(std::move(e));
}

bool PyErrorSlot::has_error() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return error_.has_value();
}

void PyErrorSlot::rethrow() {
  std::optional<py::error_already_set> e;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    e.swap(error_);
  }
  if (e) throw std::move(*e);
}

namespace {

// Raises a Python exception of type `type` from C++ code that runs user callbacks, so that it reaches the
// user exactly like an exception their own code raised.
[[noreturn]] void raise_py(PyObject* type, const std::string& message) {
  PyErr_SetString(type, message.c_str());
  throw py::error_already_set();
}

// An owned Python object that may be dropped on a thread without the GIL (the engine destroys its
// workspaces after the run, with the GIL released): it takes the GIL to release the reference.
class PyRef {
 public:
  explicit PyRef(py::object o) : obj_(std::move(o)) {}
  PyRef(const PyRef&) = delete;
  PyRef& operator=(const PyRef&) = delete;
  ~PyRef() {
    py::gil_scoped_acquire gil;
    obj_ = py::object();
  }
  const py::object& get() const { return obj_; }

 private:
  py::object obj_;
};

// Runs `body` under the GIL; a Python exception is kept in `errors` and unwinds the engine.
template <typename F>
auto with_python(PyErrorSlot& errors, F&& body) {
  if (errors.has_error()) throw PythonCallbackError();  // an earlier candidate failed: do no more work
  py::gil_scoped_acquire gil;
  try {
    return body();
  } catch (py::error_already_set& e) {
    errors.keep(std::move(e));
    throw PythonCallbackError();
  }
}

std::vector<double> flat_doubles(const py::handle& h, const char* what) {
  const auto a = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(h);
  if (!a) raise_py(PyExc_TypeError, std::string(what) + " must be an array of numbers");
  return {a.data(), a.data() + a.size()};
}

// ---- "python_function" -------------------------------------------------------------------------------

class PyFunctionTask final : public Task {
 public:
  PyFunctionTask(PyObject* fn, size_t dim, size_t batch, bool minimize, std::shared_ptr<PyErrorSlot> errors)
      : fn_(fn), dim_(dim), batch_(batch), minimize_(minimize), errors_(std::move(errors)) {}
  size_t num_params() const override { return dim_; }
  std::unique_ptr<Workspace> make_workspace() const override { return std::make_unique<Workspace>(); }
  size_t lockstep_lanes() const override { return batch_; }
  Result evaluate(std::span<const float> params, const EpisodeRequest& request, Workspace& ws) const override {
    Result r;
    const std::span<const float> one[1] = {params};
    const EpisodeRequest req[1] = {request};
    evaluate_many(one, req, std::span<Result>(&r, 1), ws);
    return r;
  }
  void evaluate_many(std::span<const std::span<const float>> params, std::span<const EpisodeRequest>,
                     std::span<Result> results, Workspace&) const override {
    with_python(*errors_, [&] {
      const size_t n = params.size();
      py::array_t<double> x({n, dim_});
      double* d = x.mutable_data();
      for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < dim_; ++j) d[i * dim_ + j] = params[i][j];
      const py::object out = py::reinterpret_borrow<py::object>(fn_)(x);
      const auto f = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(out);
      if (!f) raise_py(PyExc_TypeError, "fitness(X) must return an array of numbers, got " + std::string(py::str(py::type::of(out))));
      if (static_cast<size_t>(f.size()) != n || f.ndim() > 1)
        raise_py(PyExc_ValueError, "fitness(X) returned " + std::to_string(f.size()) + " values for a batch of " +
                                       std::to_string(n) + " rows; it must return one number per row");
      for (size_t i = 0; i < n; ++i) {
        const double v = f.data()[i];
        if (std::isnan(v)) raise_py(PyExc_ValueError, "fitness(X) returned NaN for row " + std::to_string(i));
        results[i] = Result{};
        // The engine maximises; with minimize = true (the default, as Strategy.tell) it gets -f.
        set_fitness(results[i], minimize_ ? -v : v);
      }
    });
  }

 private:
  PyObject* fn_;  // borrowed: neuroevo.run() holds it for the run
  size_t dim_, batch_;
  bool minimize_;
  std::shared_ptr<PyErrorSlot> errors_;
};

TaskSpec make_function_task(PyObject* fn, ConfigSection& task, const std::shared_ptr<PyErrorSlot>& errors) {
  const auto dim = static_cast<size_t>(task.get_int("dim", 0, 0, 100'000'000));
  if (dim == 0) throw UsageError("config key '" + task.full_key("dim") + "' (the number of parameters) is required");
  // The starting box of the bbob task and of neuroevo.Strategy (COCO's [-4, 4]^D).
  const double lo = task.get_double("init_low", -4.0, -1e6, 1e6);
  const double hi = task.get_double("init_high", 4.0, -1e6, 1e6);
  if (!(lo < hi))
    throw UsageError("config key '" + task.full_key("init_low") + "' must be below '" + task.full_key("init_high") + "'");
  const bool minimize = task.get_bool("minimize", true);
  // Rows per call of the fitness function; the engine's lockstep buffers hold threads x batch vectors.
  const auto batch = static_cast<size_t>(task.get_int("batch", 256, 1, kMaxLanes));
  if (fn == nullptr)
    throw UsageError("task type 'python_function' needs a Python fitness function: neuroevo.run(config, fitness=f), "
                     "also when resuming");
  TaskSpec spec;
  spec.name = "python_function";
  {
    py::gil_scoped_acquire gil;
    const py::handle h(fn);
    if (py::hasattr(h, "__name__")) spec.name = "python_function:" + py::str(h.attr("__name__")).cast<std::string>();
  }
  spec.space = std::make_shared<BoxSpace>(dim, lo, hi);
  spec.inputs = Space::box(std::vector<double>(dim, lo), std::vector<double>(dim, hi));
  spec.outputs = Space::box({-1e308}, {1e308});
  spec.task = std::make_unique<PyFunctionTask>(fn, dim, batch, minimize, errors);
  return spec;
}

// ---- "python_env" ------------------------------------------------------------------------------------

struct PyEnvWorkspace final : Workspace {
  std::unique_ptr<PyRef> env;
  PolicyScratch scratch;
  std::vector<float> obs, action;
};

class PyEnvTask final : public Task {
 public:
  PyEnvTask(PyObject* factory, std::shared_ptr<const Policy> policy, PyEnvSpaces spaces, uint32_t episodes,
            int max_steps, std::shared_ptr<PyErrorSlot> errors)
      : factory_(factory), policy_(std::move(policy)), spaces_(std::move(spaces)), episodes_(episodes),
        max_steps_(max_steps), errors_(std::move(errors)) {}
  size_t num_params() const override { return policy_->num_params(); }
  std::unique_ptr<Workspace> make_workspace() const override {
    auto ws = std::make_unique<PyEnvWorkspace>();
    ws->obs.resize(spaces_.observation.dim());
    ws->action.resize(spaces_.action.dim());
    return ws;
  }
  Result evaluate(std::span<const float> params, const EpisodeRequest& request, Workspace& base) const override {
    return rollouts(*policy_, params, request, static_cast<PyEnvWorkspace&>(base));
  }
  // Structured genomes (NEAT...): the policy the candidate expresses in the environment's spaces.
  Result evaluate(const Candidate& candidate, const EpisodeRequest& request, Workspace& base) const override {
    const PolicyPhenotype p = candidate.policy(spaces_.observation, spaces_.action);
    if (p.policy == nullptr || p.params.size() != p.policy->num_params())
      throw std::logic_error("genome type '" + candidate.type() + "' built a policy whose parameter count does not match");
    return rollouts(*p.policy, p.params, request, static_cast<PyEnvWorkspace&>(base));
  }

 private:
  Result rollouts(const Policy& policy, std::span<const float> params, const EpisodeRequest& request,
                  PyEnvWorkspace& ws) const {
    return with_python(*errors_, [&] {
      if (!ws.env) ws.env = std::make_unique<PyRef>(py::reinterpret_borrow<py::object>(factory_)());
      const py::object& env = ws.env->get();
      const py::object reset = env.attr("reset"), step = env.attr("step");
      Result r;
      const uint32_t episodes = request.episodes ? request.episodes : episodes_;
      const uint64_t limit = max_steps_ > 0 ? static_cast<uint64_t>(max_steps_) : kMaxEpisodeSteps;
      double total = 0.0;
      for (uint32_t e = 0; e < episodes; ++e) {
        // The seeds of RlTask: the same episode keys, so runs on a Python env are reproducible alike.
        const uint64_t seed = episode_seed(request.key, e);
        const py::object first = reset(py::arg("seed") = seed);
        read_obs(tuple_item(first, 0, 2, "reset()"), ws.obs);
        policy.reset(ws.scratch, mix64(seed ^ static_cast<uint64_t>(Purpose::Policy)));
        double ret = 0.0;
        py::object info;
        for (uint64_t t = 0; t < limit; ++t) {
          policy.act(params, ws.obs, ws.action, ws.scratch);
          if (!std::all_of(ws.action.begin(), ws.action.end(), [](float a) { return std::isfinite(a); })) {
            ret = std::numeric_limits<double>::quiet_NaN();  // as RlTask: a diverged policy ranks last
            break;
          }
          const py::object out = step(action_object(ws.action));
          read_obs(tuple_item(out, 0, 5, "step()"), ws.obs);
          ret += py::float_(tuple_item(out, 1, 5, "step()")).cast<double>();
          ++r.steps;
          info = tuple_item(out, 4, 5, "step()");
          if (py::bool_(tuple_item(out, 2, 5, "step()")) || py::bool_(tuple_item(out, 3, 5, "step()"))) break;
        }
        total += ret;
        // An env that reports info["behaviour"] at the end of an episode feeds novelty search and
        // MAP-Elites like a built-in one (its mean over the episodes).
        if (info && py::isinstance<py::dict>(info) && info.contains("behaviour")) {
          add_episode_behaviour(r, flat_doubles(info["behaviour"], "info['behaviour']"), episodes);
        }
      }
      set_mean_return(r, total, episodes);
      return r;
    });
  }

  static py::object tuple_item(const py::object& t, size_t i, size_t size, const char* what) {
    if (!py::isinstance<py::tuple>(t) || py::len(t) != size)
      raise_py(PyExc_TypeError, std::string("the environment's ") + what + " must return a tuple of " +
                                    std::to_string(size) + " items (Gymnasium protocol)");
    return t[py::int_(i)];
  }
  void read_obs(const py::object& o, std::vector<float>& out) const {
    const auto a = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(o);
    if (!a) raise_py(PyExc_TypeError, "the environment's observation must be an array of numbers");
    if (static_cast<size_t>(a.size()) != out.size())
      raise_py(PyExc_ValueError, "the environment returned an observation of " + std::to_string(a.size()) +
                                     " values; its observation_space has " + std::to_string(out.size()));
    std::copy(a.data(), a.data() + a.size(), out.begin());
  }
  py::object action_object(const std::vector<float>& a) const {
    if (spaces_.action.is_discrete()) return py::int_(static_cast<int64_t>(a[0]));
    std::vector<py::ssize_t> shape(spaces_.action_shape.begin(), spaces_.action_shape.end());
    py::array_t<float> out(shape);
    std::copy(a.begin(), a.end(), out.mutable_data());
    return out;
  }

  PyObject* factory_;  // borrowed: neuroevo.run() holds it for the run
  std::shared_ptr<const Policy> policy_;
  PyEnvSpaces spaces_;
  uint32_t episodes_;
  int max_steps_;
  std::shared_ptr<PyErrorSlot> errors_;
};

TaskSpec make_env_task(PyObject* factory, ConfigSection& task, const std::shared_ptr<PyErrorSlot>& errors) {
  const auto episodes = static_cast<uint32_t>(task.get_int("episodes", 1, 1, 1'000'000));
  const auto max_steps = static_cast<int>(task.get_int("max_steps", 0, 0, static_cast<int64_t>(kMaxEpisodeSteps)));
  ConfigSection pol = task.section("policy");
  if (factory == nullptr)
    throw UsageError("task type 'python_env' needs a Python environment: neuroevo.run(config, env=EnvClass), also when resuming");
  TaskSpec spec;
  PyEnvSpaces spaces;
  with_python(*errors, [&] {
    const py::handle f(factory);
    const py::object probe = f();
    spaces = python_env_spaces(probe);
    spec.name = "python_env";
    if (py::hasattr(f, "__name__")) spec.name = "python_env:" + py::str(f.attr("__name__")).cast<std::string>();
  });
  std::shared_ptr<const Policy> policy = make_policy(pol, spaces.observation, spaces.action);
  spec.space = policy;
  spec.inputs = spaces.observation;
  spec.outputs = spaces.action;
  spec.task = std::make_unique<PyEnvTask>(factory, std::move(policy), std::move(spaces), episodes, max_steps, errors);
  return spec;
}

}  // namespace

PyEnvSpaces python_env_spaces(const py::object& env) {
  PyEnvSpaces s;
  if (!py::hasattr(env, "observation_space") || !py::hasattr(env, "action_space"))
    raise_py(PyExc_TypeError, "the environment must have observation_space and action_space (Gymnasium protocol)");
  const py::object os = env.attr("observation_space"), as = env.attr("action_space");
  if (!py::hasattr(os, "low") || !py::hasattr(os, "high"))
    raise_py(PyExc_TypeError, "the environment's observation_space must be a Box (low, high)");
  s.observation = Space::box(flat_doubles(os.attr("low"), "observation_space.low"),
                             flat_doubles(os.attr("high"), "observation_space.high"));
  if (s.observation.low.size() != s.observation.high.size() || s.observation.low.empty())
    raise_py(PyExc_ValueError, "the environment's observation_space.low and .high must have the same, non-zero size");
  if (py::hasattr(as, "n") && !py::hasattr(as, "low")) {
    const int64_t n = py::int_(as.attr("n")).cast<int64_t>();
    if (n < 1 || n > 1'000'000) raise_py(PyExc_ValueError, "the environment's action_space.n must be in [1, 1000000]");
    s.action = Space::discrete(static_cast<int>(n));
    return s;
  }
  if (!py::hasattr(as, "low") || !py::hasattr(as, "high"))
    raise_py(PyExc_TypeError, "the environment's action_space must be a Box (low, high) or Discrete (n)");
  s.action = Space::box(flat_doubles(as.attr("low"), "action_space.low"), flat_doubles(as.attr("high"), "action_space.high"));
  if (s.action.low.size() != s.action.high.size() || s.action.low.empty())
    raise_py(PyExc_ValueError, "the environment's action_space.low and .high must have the same, non-zero size");
  const auto low = py::array::ensure(as.attr("low"));
  for (py::ssize_t k = 0; k < low.ndim(); ++k) s.action_shape.push_back(static_cast<size_t>(low.shape(k)));
  if (s.action_shape.empty()) s.action_shape.push_back(1);
  return s;
}

std::vector<TaskTypeInfo> user_task_types(const py::object& fitness, const py::object& env,
                                          std::shared_ptr<PyErrorSlot> errors) {
  PyObject* fn = fitness.is_none() ? nullptr : fitness.ptr();
  PyObject* factory = env.is_none() ? nullptr : env.ptr();
  return {
      {"python_function", "a Python fitness function f(X) on a batch of rows (neuroevo.run(config, fitness=f))",
       [fn, errors](ConfigSection& task, uint64_t) { return make_function_task(fn, task, errors); }},
      {"python_env", "a Python environment with the Gymnasium protocol and a [task.policy] (neuroevo.run(config, env=E))",
       [factory, errors](ConfigSection& task, uint64_t) { return make_env_task(factory, task, errors); }},
  };
}

}  // namespace neuroevo::python
