// `neuroevo snn lsm --preset paper`: the NALSM liquid (snn/nalsm.hpp) at the paper's scale on an image
// data set given by the caller (the app loads MNIST or Fashion-MNIST through data/), with the paper's
// protocol: a plastic phase of short presentations of random training images (astro-STDP, STDP or none),
// then frozen presentations of every image, a linear readout on the liquid's spike counts whose
// regularisation is chosen on a validation part of the training set, and a raw-pixel readout with the
// same protocol as the baseline. Branching factors during and after the plastic phase.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "neuroevo/snn/nalsm.hpp"

namespace neuroevo::snn {

// Ridge regression on small non-negative integer features (spike counts, pixel bytes), one-hot targets,
// features standardised, bias unpenalised. The Gram matrix is summed in integers (exact, so the same for
// any thread count); the solve is a Cholesky factorisation split over threads by rows (each entry is
// computed by one thread in a fixed order, so results do not depend on the thread count either).
class IntRidge {
 public:
  // Accumulates X^T X and X^T Y of the samples `rows` of `x` (count x d, row-major bytes).
  void gram(const std::vector<uint8_t>& x, size_t d, std::span<const size_t> rows, const std::vector<int>& labels,
            int classes, int threads);
  // Solves for one penalty (on the standardised features) from the accumulated Gram matrix.
  void solve(double lambda, int threads);
  int predict(const uint8_t* row) const;
  std::vector<double> scores(const uint8_t* row) const;  // one per class: ybar_c + sum_a z_a w_ac
  double accuracy(const std::vector<uint8_t>& x, std::span<const size_t> rows, const std::vector<int>& labels) const;

 private:
  size_t d_ = 0, n_ = 0;
  int classes_ = 0;
  std::vector<double> g_;                   // lower triangle of X^T X (d x d), exact integers
  std::vector<double> xy_;                  // X^T Y (d x classes)
  std::vector<double> mean_, inv_std_, ybar_;
  std::vector<double> w_;                   // d x classes on standardised features
};

struct LsmPaperOptions {
  NalsmParams liquid;
  std::string rule = "astro";    // none | stdp | astro
  int steps = 250;               // frozen presentation, ms (paper: 250)
  int plastic_steps = 20;        // plastic-phase presentation, ms (paper: 20)
  int plastic_samples = 50000;   // plastic-phase presentations (paper: 50,000 random training images)
  int train_limit = 0;           // use only the first N training images (0: all)
  int test_limit = 0;            // use only the first N test images (0: all)
  double val_fraction = 1.0 / 6; // validation share of the training images (paper: 10,000 of 60,000)
  std::vector<double> ridges = {10.0, 100.0, 1000.0, 10000.0};
  int bf_samples = 20;           // presentations whose branching factor is measured (paper: 20)
  int bf_segments = 10;          // plastic-phase branching factor reported in this many segments
  int threads = 1;
};

struct LsmPaperResult {
  size_t neurons = 0, synapses = 0, train = 0, val = 0, test = 0;
  double test_accuracy = 0, val_accuracy = 0, train_accuracy = 0, ridge = 0;
  double pixel_test_accuracy = 0, pixel_val_accuracy = 0, pixel_ridge = 0;
  double mean_rate_hz = 0;                  // liquid, frozen presentations
  double bf_before = 0, bf_after = 0;       // paper's measure on 250 ms presentations of test images
  std::vector<double> bf_plastic;           // during the plastic phase (20 ms windows), per segment
  std::vector<double> astro_end;            // A at the end of the samples of each segment (rule astro)
  double input_w_before = 0, input_w_after = 0, exc_w_before = 0, exc_w_after = 0, inh_w_before = 0, inh_w_after = 0;
  double plastic_seconds = 0, frozen_seconds = 0, readout_seconds = 0, seconds = 0;  // wall
  double plastic_cpu = 0, frozen_cpu = 0, readout_cpu = 0, cpu = 0;                  // process CPU, all threads
};

// `train` / `test`: images (count x 784, intensities in [0, 1]) and labels.
LsmPaperResult run_lsm_paper(const LsmPaperOptions& o, std::span<const float> train, const std::vector<int>& train_y,
                             std::span<const float> test, const std::vector<int>& test_y);

}  // namespace neuroevo::snn
