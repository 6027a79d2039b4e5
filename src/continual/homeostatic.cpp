// Homeostatic learner and concept-shift streams; see include/neuroevo/continual/homeostatic.hpp and
// docs/continual.md (Man, Damasio & Neven 2022).
#include "neuroevo/continual/homeostatic.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "neuroevo/continual/dense.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/rng.hpp"

namespace neuroevo::continual {

namespace {

constexpr double kEtaFloor = 1e-8;  // the paper clips eta at a small positive value

inline float elu(float z) { return z > 0.0f ? z : std::expm1(z); }
inline float elu_grad(float z) { return z > 0.0f ? 1.0f : std::exp(z); }

// The paper's 784-h1-h2-10 ELU network. The first layer is stored input-major (w1[p * h1 + j]) so a
// pixel that is zero (most of an MNIST digit) costs nothing in the forward pass or the gradient.
struct Mlp {
  size_t d = 0, h1 = 0, h2 = 0, k = 0;
  std::vector<float> w1, b1, w2, b2, w3, b3;

  Mlp(size_t d_, size_t h1_, size_t h2_, size_t k_, uint64_t seed) : d(d_), h1(h1_), h2(h2_), k(k_) {
    Stream rng(seed, 0, 0, Purpose::Init);
    w1.resize(d * h1);
    w2.resize(h1 * h2);
    w3.resize(h2 * k);
    b1.resize(h1);
    b2.resize(h2);
    b3.resize(k);
    fill_normal(w1, std::sqrt(2.0 / static_cast<double>(d)), rng);
    fill_normal(w2, std::sqrt(2.0 / static_cast<double>(h1)), rng);
    fill_normal(w3, std::sqrt(2.0 / static_cast<double>(h2)), rng);
    fill_normal(b1, 1.0, rng);
    fill_normal(b2, 1.0, rng);
    fill_normal(b3, 1.0, rng);
  }
  void zero() {
    for (auto* v : {&w1, &b1, &w2, &b2, &w3, &b3}) std::fill(v->begin(), v->end(), 0.0f);
  }
};

struct Activations {
  std::vector<float> z1, a1, z2, a2, z3, p;
  explicit Activations(const Mlp& n) : z1(n.h1), a1(n.h1), z2(n.h2), a2(n.h2), z3(n.k), p(n.k) {}
};

// First-layer pre-activation W1 x + b1 over the non-zero pixels.
void layer1(const Mlp& n, std::span<const float> x, float* z1) {
  std::copy(n.b1.begin(), n.b1.end(), z1);
  for (size_t q = 0; q < n.d; ++q)
    if (x[q] != 0.0f) axpy(x[q], n.w1.data() + q * n.h1, z1, n.h1);
}

// Layers 2 and 3 from z1 with the weights (w - a g), a = 0 for the network itself; returns the argmax.
size_t upper_layers(const Mlp& n, const Mlp* g, float a, Activations& s) {
  for (size_t j = 0; j < n.h1; ++j) s.a1[j] = elu(s.z1[j]);
  for (size_t r = 0; r < n.h2; ++r) {
    float z = dot(n.w2.data() + r * n.h1, s.a1.data(), n.h1) + n.b2[r];
    if (g) z -= a * (dot(g->w2.data() + r * n.h1, s.a1.data(), n.h1) + g->b2[r]);
    s.z2[r] = z;
    s.a2[r] = elu(z);
  }
  for (size_t r = 0; r < n.k; ++r) {
    float z = dot(n.w3.data() + r * n.h2, s.a2.data(), n.h2) + n.b3[r];
    if (g) z -= a * (dot(g->w3.data() + r * n.h2, s.a2.data(), n.h2) + g->b3[r]);
    s.z3[r] = z;
  }
  return static_cast<size_t>(std::max_element(s.z3.begin(), s.z3.end()) - s.z3.begin());
}

size_t forward(const Mlp& n, std::span<const float> x, Activations& s) {
  layer1(n, x, s.z1.data());
  const size_t arg = upper_layers(n, nullptr, 0.0f, s);
  const float m = s.z3[arg];
  float sum = 0.0f;
  for (size_t r = 0; r < n.k; ++r) sum += (s.p[r] = std::exp(s.z3[r] - m));
  for (auto& v : s.p) v /= sum;
  return arg;
}

// Adds the cross-entropy gradient of one sample (activations s, presented label y) to g.
void backward(const Mlp& n, std::span<const float> x, size_t y, const Activations& s, Mlp& g, std::vector<float>& e2,
              std::vector<float>& e1) {
  std::vector<float> e3(s.p);
  e3[y] -= 1.0f;
  for (size_t r = 0; r < n.k; ++r) {
    axpy(e3[r], s.a2.data(), g.w3.data() + r * n.h2, n.h2);
    g.b3[r] += e3[r];
  }
  matvec_t(n.w3.data(), e3.data(), n.k, n.h2, e2.data());
  for (size_t r = 0; r < n.h2; ++r) e2[r] *= elu_grad(s.z2[r]);
  for (size_t r = 0; r < n.h2; ++r) {
    axpy(e2[r], s.a1.data(), g.w2.data() + r * n.h1, n.h1);
    g.b2[r] += e2[r];
  }
  matvec_t(n.w2.data(), e2.data(), n.h2, n.h1, e1.data());
  for (size_t j = 0; j < n.h1; ++j) e1[j] *= elu_grad(s.z1[j]);
  for (size_t q = 0; q < n.d; ++q)
    if (x[q] != 0.0f) axpy(x[q], e1.data(), g.w1.data() + q * n.h1, n.h1);
  axpy(1.0f, e1.data(), g.b1.data(), n.h1);
}

void apply(Mlp& n, const Mlp& g, float a) {
  auto step = [a](std::vector<float>& w, const std::vector<float>& gw) { axpy(-a, gw.data(), w.data(), w.size()); };
  step(n.w1, g.w1);
  step(n.b1, g.b1);
  step(n.w2, g.w2);
  step(n.b2, g.b2);
  step(n.w3, g.w3);
  step(n.b3, g.b3);
}

// Correct answers on the memory after a simulated step W - a G (first layer by linearity:
// (W1 - a G1) x + (b1 - a gb1) = z1(W) - a z1(G), both precomputed per memory sample).
int simulated_correct(const Mlp& n, const Mlp& g, float a, const std::vector<std::vector<float>>& z_net,
                      const std::vector<std::vector<float>>& z_grad, const std::vector<uint8_t>& labels, Activations& s) {
  int correct = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    for (size_t j = 0; j < n.h1; ++j) s.z1[j] = z_net[i][j] - a * z_grad[i][j];
    correct += upper_layers(n, &g, a, s) == labels[i] ? 1 : 0;
  }
  return correct;
}

}  // namespace

int64_t ShiftSchedule::interval_at(int64_t t) const {
  if (season <= 0 || every.size() == 1) return every.at(0);
  return every[static_cast<size_t>((t / season) % static_cast<int64_t>(every.size()))];
}

void check_stream_options(const StreamOptions& o) {
  if (o.shift.every.empty()) throw UsageError("--shift-every needs at least one interval");
  for (int64_t n : o.shift.every)
    if (n <= 0) throw UsageError("--shift-every must be > 0 samples (got " + std::to_string(n) + ")");
  if (o.shift.season < 0) throw UsageError("--season must be >= 0 (got " + std::to_string(o.shift.season) + ")");
  if (o.shift.every.size() > 1 && o.shift.season == 0)
    throw UsageError("--shift-every with several intervals needs --season > 0 (samples per season)");
  if (o.samples <= 0) throw UsageError("--samples must be > 0");
  if (o.batch <= 0) throw UsageError("--batch must be > 0");
  if (o.window <= 0) throw UsageError("--window must be > 0");
  if (o.hidden1 <= 0 || o.hidden2 <= 0) throw UsageError("--hidden sizes must be > 0");
  const auto& h = o.h;
  if (!(h.eta0 > 0) || !std::isfinite(h.eta0)) throw UsageError("--eta0 must be > 0");
  if (!(h.gain_exc >= 0) || !(h.gain_inh >= 0)) throw UsageError("--gain-exc and --gain-inh must be >= 0");
  if (!(h.relax >= 0 && h.relax <= 1)) throw UsageError("--relax must be in [0, 1]");
  if (h.interval <= 0 || h.memory <= 0) throw UsageError("--interval and --memory must be > 0");
}

StreamResult run_stream(const data::Dataset& train, const data::Dataset& test, const StreamOptions& o) {
  check_stream_options(o);
  if (train.size() == 0) throw UsageError("the training split is empty");
  const size_t d = train.dim(), k = static_cast<size_t>(train.classes);
  Mlp net(d, static_cast<size_t>(o.hidden1), static_cast<size_t>(o.hidden2), k, o.seed);
  Mlp grad = net;
  grad.zero();
  Activations s(net), sim(net);
  std::vector<float> e2(net.h2), e1(net.h1);

  // label_map[c]: the label presented for an object of true class c (the concept).
  std::vector<uint8_t> label_map(k);
  std::iota(label_map.begin(), label_map.end(), uint8_t{0});
  Stream shift_rng(o.seed, 0, 0, Purpose::Strategy);

  std::vector<size_t> order(train.size());
  int64_t epoch = -1;
  size_t pos = order.size();

  // The `memory` most recent samples: dataset index and the label presented then.
  std::vector<size_t> mem_idx;
  std::vector<uint8_t> mem_lab;
  const size_t memory = static_cast<size_t>(o.h.memory);
  std::vector<std::vector<float>> z_net(memory, std::vector<float>(net.h1)), z_grad(memory, std::vector<float>(net.h1));

  StreamResult r;
  double eta = o.h.eta0;
  int64_t next_shift = o.shift.interval_at(0), since_decision = 0;
  int64_t correct_all = 0, correct_shifted = 0, n_shifted = 0, win_correct = 0, win_n = 0, seg_correct = 0, seg_n = 0;
  double win_eta = 0;
  int in_batch = 0;
  size_t last_label = 0, last_guess = 0;

  for (int64_t t = 0; t < o.samples; ++t) {
    if (t == next_shift) {
      // Concept shift: swap the labels of two distinct random classes.
      const size_t a = shift_rng.below(k);
      size_t b = shift_rng.below(k - 1);
      if (b >= a) ++b;
      for (auto& l : label_map)
        if (l == a) l = static_cast<uint8_t>(b);
        else if (l == b) l = static_cast<uint8_t>(a);
      r.shifts.push_back(t);
      if (seg_n > 0) r.segment_accuracy.push_back(static_cast<double>(seg_correct) / static_cast<double>(seg_n));
      seg_correct = seg_n = 0;
      next_shift = t + o.shift.interval_at(t);
    }
    if (pos == order.size()) {  // a new epoch over the training split, freshly shuffled
      ++epoch;
      std::iota(order.begin(), order.end(), size_t{0});
      Stream rng(o.seed, static_cast<uint64_t>(epoch), 0, Purpose::Episode);
      for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
      pos = 0;
    }
    const size_t idx = order[pos++];
    const auto x = train.image(idx);
    const size_t y = label_map[train.labels[idx]];
    const size_t guess = forward(net, x, s);
    const int hit = guess == y ? 1 : 0;
    correct_all += hit;
    if (!r.shifts.empty()) {
      correct_shifted += hit;
      ++n_shifted;
    }
    seg_correct += hit;
    ++seg_n;
    win_correct += hit;
    win_eta += eta;
    if (++win_n == o.window) {
      r.window_accuracy.push_back(static_cast<double>(win_correct) / o.window);
      r.window_eta.push_back(win_eta / o.window);
      win_correct = win_n = 0;
      win_eta = 0;
    }
    backward(net, x, y, s, grad, e2, e1);
    last_label = y;
    last_guess = guess;
    if (mem_idx.size() == memory) {
      mem_idx.erase(mem_idx.begin());
      mem_lab.erase(mem_lab.begin());
    }
    mem_idx.push_back(idx);
    mem_lab.push_back(static_cast<uint8_t>(y));
    ++since_decision;

    if (++in_batch < o.batch && t + 1 < o.samples) continue;
    const float m = static_cast<float>(in_batch);
    in_batch = 0;
    if (o.homeostatic && since_decision >= o.h.interval && mem_idx.size() == memory) {
      since_decision = 0;
      ++r.decisions;
      // Two simulated futures on the recent memory: leave the object (eta unchanged) or take it, with
      // the effect expected from the predicted class.
      for (size_t i = 0; i < memory; ++i) {
        const auto xm = train.image(mem_idx[i]);
        layer1(net, xm, z_net[i].data());
        layer1(grad, xm, z_grad[i].data());
      }
      const double eta_guess = std::max(kEtaFloor, eta + (last_guess >= 5 ? o.h.gain_exc : -o.h.gain_inh));
      const int leave = simulated_correct(net, grad, static_cast<float>(eta / m), z_net, z_grad, mem_lab, sim);
      const int take = simulated_correct(net, grad, static_cast<float>(eta_guess / m), z_net, z_grad, mem_lab, sim);
      if (take > leave) {
        ++r.taken;
        // The object acts through its true class, whatever the learner guessed.
        eta = std::max(kEtaFloor, eta + (last_label >= 5 ? o.h.gain_exc : -o.h.gain_inh));
      }
      eta = std::max(kEtaFloor, eta + o.h.relax * (o.h.eta0 - eta));
    }
    apply(net, grad, static_cast<float>(eta / m));
    grad.zero();
  }
  if (seg_n > 0) r.segment_accuracy.push_back(static_cast<double>(seg_correct) / static_cast<double>(seg_n));
  r.online_accuracy = static_cast<double>(correct_all) / static_cast<double>(o.samples);
  r.online_accuracy_shifted = n_shifted ? static_cast<double>(correct_shifted) / static_cast<double>(n_shifted) : r.online_accuracy;
  int64_t test_correct = 0;
  for (size_t i = 0; i < test.size(); ++i)
    test_correct += forward(net, test.image(i), s) == label_map[test.labels[i]] ? 1 : 0;
  r.test_accuracy = test.size() ? static_cast<double>(test_correct) / static_cast<double>(test.size()) : 0.0;
  r.final_eta = eta;
  return r;
}

}  // namespace neuroevo::continual
