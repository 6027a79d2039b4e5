// Homeostatic learner under concept shift (Man, Damasio & Neven 2022, "Need is All You Need:
// Homeostatic Neural Networks Adapt to Concept Shift", arXiv 2205.08645), next to the same network
// without homeostasis. Equations, constants and the choices the paper leaves open: docs/continual.md.
//
// Network (the paper's): 784-80-60-10 multilayer perceptron, ELU hidden units (alpha 1), softmax output,
// cross-entropy, plain SGD on minibatches of 10, W <- W - eta/m sum_batch grad; weights N(0, 2/fan_in),
// biases N(0, 1).
// Homeostasis: the learning rate eta is the learner's vulnerable internal variable. Objects of classes
// 5..9 (the presented label) are excitatory (eta += gain_exc when taken), 0..4 inhibitory
// (eta -= gain_inh), eta floored at 1e-8. Every `interval` samples the learner decides whether to "take"
// the current object: it simulates the next weight update with eta unchanged and with eta moved by the
// effect of the class it *predicts*, scores both on its `memory` most recent samples, and takes the object
// if the moved eta scores strictly better; the effect then applied is that of the *true* label (a wrong
// guess moves eta the wrong way). Paper values: eta0 = 0.001, gains eta0/10, interval 10, memory 20,
// no relaxation. `relax` (our addition, for evolution): eta += relax (eta0 - eta) at every decision,
// pulling eta back to its set-point eta0.
// Concept shift (the paper's): the labels of two random classes are swapped, every N samples; the
// second-order schedule changes N from season to season.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "neuroevo/data/dataset.hpp"

namespace neuroevo::continual {

struct HomeostasisParams {
  double eta0 = 0.001;     // initial learning rate: the set-point
  double gain_exc = 1e-4;  // eta increase when an excitatory object (label >= 5) is taken
  double gain_inh = 1e-4;  // eta decrease when an inhibitory object (label < 5) is taken
  double relax = 0.0;      // pull toward eta0 per decision, in [0, 1]
  int interval = 10;       // samples between decisions
  int memory = 20;         // recent samples scored by the two simulated updates
};

// Shift every `every[k]` samples during season k (k = floor(t / season) mod every.size()); season 0
// means one constant interval every[0]. Every entry must be > 0.
struct ShiftSchedule {
  std::vector<int64_t> every;
  int64_t season = 0;
  int64_t interval_at(int64_t t) const;
};

struct StreamOptions {
  int64_t samples = 20000;  // length of the stream (epochs over the training split, reshuffled)
  int batch = 10;
  int hidden1 = 80, hidden2 = 60;
  int window = 1000;        // online accuracy is reported per window of this many samples
  ShiftSchedule shift;
  bool homeostatic = true;  // false: the same network with eta fixed at eta0
  HomeostasisParams h;
  uint64_t seed = 0;        // keys initial weights, sample order and shifts (same for both learners)
};

struct StreamResult {
  double online_accuracy = 0;             // prequential: predicted before the update, whole stream
  double online_accuracy_shifted = 0;     // the same, from the first shift on
  std::vector<double> window_accuracy;    // per window
  std::vector<double> window_eta;         // mean learning rate per window
  std::vector<int64_t> shifts;            // sample index of each shift
  std::vector<double> segment_accuracy;   // online accuracy between consecutive shifts
  double test_accuracy = 0;               // final network on the test split, labels as last shifted
  double final_eta = 0;
  int64_t decisions = 0, taken = 0;
};

StreamResult run_stream(const data::Dataset& train, const data::Dataset& test, const StreamOptions& o);

// Throws UsageError naming the option when a value is out of range (shift intervals <= 0, ...).
void check_stream_options(const StreamOptions& o);

}  // namespace neuroevo::continual

namespace neuroevo::continual {

// Evolution of the homeostatic parameters (src/continual/evolve_homeostasis.cpp) with a strategy of the
// project through minimize(). Genome x (4 numbers, x = 0 is the paper's setting):
//   eta0 = 1e-3 10^x0, gain_exc = eta0/10 10^x1, gain_inh = eta0/10 10^x2, relax = clamp(x3 / 10, 0, 1).
// Fitness: mean online accuracy from the first shift on, over `train_seeds` streams (seeds 1000 + i).
// The answer is then compared with the paper's values and with the plain learner on `test_seeds` other
// streams (seeds 2000 + i): paired differences, exact two-sided sign-flip permutation test.
struct EvolveOptions {
  std::string strategy = "cmaes";
  uint64_t budget = 40;  // fitness evaluations
  int train_seeds = 2;
  int test_seeds = 10;
  int threads = 1;
  uint64_t seed = 0;     // seed of the strategy
};

struct EvolveResult {
  HomeostasisParams paper, evolved;
  std::vector<double> genome;
  double train_fitness_paper = 0, train_fitness_evolved = 0;
  std::vector<double> test_paper, test_evolved, test_plain;  // per test seed
  double p_evolved_vs_paper = 1, p_paper_vs_plain = 1;        // exact sign-flip, two-sided
  uint64_t evaluations = 0;
};

HomeostasisParams decode_homeostasis(std::span<const double> x, const HomeostasisParams& paper);
// Two-sided p-value of the exact sign-flip permutation test of mean(d) = 0 (n <= 24).
double sign_flip_p_value(const std::vector<double>& d);
EvolveResult evolve_homeostasis(const data::Dataset& train, const data::Dataset& test, const StreamOptions& base,
                                const EvolveOptions& e);

}  // namespace neuroevo::continual
