#include "neuroevo/core/adam.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace neuroevo {

Adam::Adam(double stepsize, double beta1, double beta2, double epsilon)
    : stepsize_(stepsize), beta1_(beta1), beta2_(beta2), epsilon_(epsilon) {}

void Adam::step(std::span<float> theta, std::span<const double> gradient, AdamMoments& s) const {
  if (theta.size() != s.m.size() || gradient.size() != s.m.size() || s.v.size() != s.m.size())
    throw std::invalid_argument("Adam::step: expected " + std::to_string(s.m.size()) + " values, got theta " +
                                std::to_string(theta.size()) + " and gradient " + std::to_string(gradient.size()));
  ++s.t;
  // Bias corrections of Kingma & Ba 2015, Algorithm 1. (OpenAI's es_distributed/optimizers.py folds them
  // into the step size instead, which only moves where epsilon enters; the header pins this form.)
  const double t = static_cast<double>(s.t);
  const double c1 = 1.0 - std::pow(beta1_, t);
  const double c2 = 1.0 - std::pow(beta2_, t);
  for (size_t i = 0; i < s.m.size(); ++i) {
    const double g = gradient[i];
    s.m[i] = beta1_ * s.m[i] + (1.0 - beta1_) * g;
    s.v[i] = beta2_ * s.v[i] + (1.0 - beta2_) * (g * g);
    const double m_hat = s.m[i] / c1;
    const double v_hat = s.v[i] / c2;
    // The update is computed in double and rounded once into the float32 parameter.
    theta[i] = static_cast<float>(static_cast<double>(theta[i]) - stepsize_ * m_hat / (std::sqrt(v_hat) + epsilon_));
  }
}

}  // namespace neuroevo
