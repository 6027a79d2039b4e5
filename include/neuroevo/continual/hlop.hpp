// Hebbian learning based orthogonal projection (HLOP; Xiao, Meng, Zhang, Zhou, Lin & Lin, ICLR 2024,
// "Hebbian Learning based Orthogonal Projection for Continual Learning of Spiking Neural Networks").
// Equations, constants and the choices left open: docs/continual.md.
//
// Each layer with input x (d-dimensional) gets k lateral neurons with weights M (k x d) and activity
// y = M x. Hebbian (y x^T) plus anti-Hebbian (-y y^T M) learning, Oja's subspace rule,
//   dM = eta y (x - M^T y)^T,
// drives the rows of M to an orthonormal basis of the principal subspace of x (Oja 1989). The rows of
// earlier tasks are frozen; rows added for a new task learn the residual x - M^T M x. While a new task
// trains, the weight update of the layer, delta x^T, is replaced by delta (x - M^T M x)^T with M the
// frozen rows: the update is orthogonal to the old tasks' input subspace, so W x_old does not change.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "neuroevo/core/rng.hpp"
#include "neuroevo/data/dataset.hpp"

namespace neuroevo::continual {

class HebbianSubspace {
 public:
  explicit HebbianSubspace(size_t dim) : d_(dim) {}
  size_t dim() const { return d_; }
  size_t rows() const { return m_.size() / d_; }
  size_t frozen() const { return frozen_; }
  std::span<const float> weights() const { return m_; }
  std::span<float> weights() { return m_; }

  // Adds `n` learning rows, random and orthonormal (Gram-Schmidt, also against the existing rows).
  void add_rows(size_t n, Stream& rng);
  // Freezes every row (the end of a task).
  void freeze() { frozen_ = rows(); }
  // One step of Oja's subspace rule on a batch (mean over the batch) for the rows not frozen;
  // y is computed with all rows, so new rows learn what the frozen ones do not explain.
  void hebbian_step(std::span<const float> xs, size_t batch, double eta);
  // out = x - M_f^T M_f x with M_f the frozen rows (out may alias x).
  void project_out(const float* x, float* out) const;

 private:
  size_t d_;
  size_t frozen_ = 0;
  std::vector<float> m_;  // rows() x d_
};

struct HlopOptions {
  std::string net = "rate";      // rate | snn
  std::string method = "hlop";   // hlop | finetune
  int tasks = 5;
  int hidden = 256;
  int train_per_task = 2000;     // training samples per task (a seeded subset)
  int test_per_task = 0;         // 0: every test sample of the task
  int epochs = 2;                // passes over a task's samples
  int batch = 32;
  double lr = 0.2;               // SGD learning rate of the network
  double hebb_lr = 0.5;          // Oja rate, divided by the running mean of |x|^2 (stability: eta lambda < 1)
  int hebb_passes = 2;           // extra Hebbian passes over a task's inputs after it trained
  int snn_steps = 20;            // LIF steps per presentation (HLOP: T = 20)
  double snn_tau = 10.0;         // membrane time constant, ms (dt 1 ms, threshold 1, reset 0)
  uint64_t seed = 0;
};

struct HlopResult {
  std::vector<std::vector<double>> acc;  // acc[i][j]: test accuracy on task j after training task i (j <= i)
  double average_accuracy = 0;           // mean_j acc[K-1][j]
  double backward_transfer = 0;          // mean_{j<K-1} (acc[K-1][j] - acc[j][j])
  std::vector<size_t> subspace_rows;     // lateral neurons per layer at the end
};

// `scenario`: "permuted" (permuted MNIST-style: every task a fixed pixel permutation, 10 classes) or
// "split" (task t = classes 2t, 2t+1, a head per task). Throws UsageError naming the option.
HlopResult run_hlop(const data::Dataset& train, const data::Dataset& test, const std::string& scenario, const HlopOptions& o);
void check_hlop_options(const std::string& scenario, const HlopOptions& o);

}  // namespace neuroevo::continual
