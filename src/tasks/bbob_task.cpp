// `[task] type = "bbob"`: one BBOB function instance (Hansen et al. 2009, the COCO suite) as the
// fitness of `neuroevo run`, so any strategy, the run directory, checkpoints and the report work on it.
// The fitness is -(f(x) - f_opt): 0 at the optimum, higher is better like a return. Candidates arrive as
// float32 vectors (the run loop's fast path), so precisions below about 1e-7 relative to |x| are out of
// reach here; `neuroevo bbob run` evaluates in double precision for COCO-grade targets.
#include <cmath>
#include <vector>

#include "neuroevo/bbob/bbob.hpp"
#include "neuroevo/core/box_space.hpp"
#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/episodes.hpp"
#include "neuroevo/tasks/registry.hpp"

namespace neuroevo {

namespace {

class BbobTask final : public Task {
 public:
  explicit BbobTask(bbob::BbobProblem problem) : problem_(std::move(problem)) {}
  size_t num_params() const override { return problem_.dim(); }
  std::unique_ptr<Workspace> make_workspace() const override { return std::make_unique<Workspace>(); }
  Result evaluate(std::span<const float> params, const EpisodeRequest&, Workspace&) const override {
    std::vector<double> x(params.begin(), params.end());
    Result r;
    set_fitness(r, -(problem_(x) - problem_.fopt()));
    return r;
  }

 private:
  bbob::BbobProblem problem_;
};

}  // namespace

TaskSpec make_bbob_task(ConfigSection& task, uint64_t) {
  const int function = static_cast<int>(task.get_int("function", 1, 1, 24));
  const int instance = static_cast<int>(task.get_int("instance", 1, 1, bbob::kMaxInstance));
  const auto dim = static_cast<size_t>(task.get_int("dim", 10, 2, static_cast<int64_t>(bbob::kMaxDim)));
  // COCO's example experiments start uniformly in [-4, 4]^D; the functions are defined on [-5, 5]^D.
  const double lo = task.get_double("init_low", -4.0, -1e6, 1e6);
  const double hi = task.get_double("init_high", 4.0, -1e6, 1e6);
  if (!(lo < hi))
    throw UsageError("config key '" + task.full_key("init_low") + "' must be below '" + task.full_key("init_high") + "'");
  bbob::BbobProblem problem(function, instance, dim);
  TaskSpec spec;
  spec.name = problem.id();
  spec.space = std::make_shared<BoxSpace>(dim, lo, hi);
  spec.inputs = Space::box(std::vector<double>(dim, -5.0), std::vector<double>(dim, 5.0));
  spec.outputs = Space::box({-1e308}, {1e308});
  spec.task = std::make_unique<BbobTask>(std::move(problem));
  return spec;
}

}  // namespace neuroevo
