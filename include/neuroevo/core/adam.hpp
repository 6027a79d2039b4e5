// Adam (Kingma & Ba 2015) on float32 parameters, minimising: theta -= step * m_hat / (sqrt(v_hat) + eps).
// The hyper-parameters (Adam) and the moments (AdamMoments, part of a strategy's state) are separate
// values, so a strategy's state struct lists the moments like any other field.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

namespace neuroevo {

// The step count and the first and second moment estimates.
struct AdamMoments {
  uint64_t t = 0;
  std::vector<double> m, v;
  explicit AdamMoments(size_t dim = 0) : m(dim, 0.0), v(dim, 0.0) {}
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("t", s.t);
    v("m", s.m);
    v("v", s.v);
  }
  bool operator==(const AdamMoments&) const = default;
};

class Adam {
 public:
  // Defaults from the paper: beta1 0.9, beta2 0.999, epsilon 1e-8.
  explicit Adam(double stepsize, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8);
  // Applies one update for `gradient` (of the loss to minimise) to `theta`, advancing `moments`.
  void step(std::span<float> theta, std::span<const double> gradient, AdamMoments& moments) const;

 private:
  double stepsize_, beta1_, beta2_, epsilon_;
};

}  // namespace neuroevo
