#include "neuroevo/core/adam.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "neuroevo/core/error.hpp"

namespace neuroevo {

Adam::Adam(size_t dim, double stepsize, double beta1, double beta2, double epsilon)
    : stepsize_(stepsize), beta1_(beta1), beta2_(beta2), epsilon_(epsilon), m_(dim, 0.0), v_(dim, 0.0) {}

void Adam::step(std::span<float> theta, std::span<const double> gradient) {
  if (theta.size() != m_.size() || gradient.size() != m_.size())
    throw std::invalid_argument("Adam::step: expected " + std::to_string(m_.size()) + " values, got theta " +
                                std::to_string(theta.size()) + " and gradient " + std::to_string(gradient.size()));
  ++t_;
  // Bias corrections of Kingma & Ba 2015, Algorithm 1. (OpenAI's es_distributed/optimizers.py folds them
  // into the step size instead, which only moves where epsilon enters; the header pins this form.)
  const double t = static_cast<double>(t_);
  const double c1 = 1.0 - std::pow(beta1_, t);
  const double c2 = 1.0 - std::pow(beta2_, t);
  for (size_t i = 0; i < m_.size(); ++i) {
    const double g = gradient[i];
    m_[i] = beta1_ * m_[i] + (1.0 - beta1_) * g;
    v_[i] = beta2_ * v_[i] + (1.0 - beta2_) * (g * g);
    const double m_hat = m_[i] / c1;
    const double v_hat = v_[i] / c2;
    // The update is computed in double and rounded once into the float32 parameter.
    theta[i] = static_cast<float>(static_cast<double>(theta[i]) - stepsize_ * m_hat / (std::sqrt(v_hat) + epsilon_));
  }
}

// Hyper-parameters come from the config and are not part of the state; t, m and v are. nlohmann
// writes doubles in shortest round-trip form, so a dump/parse cycle restores them bit for bit.
nlohmann::json Adam::save() const { return {{"t", t_}, {"m", m_}, {"v", v_}}; }

void Adam::load(const nlohmann::json& j) {
  try {
    auto m = j.at("m").get<std::vector<double>>();
    auto v = j.at("v").get<std::vector<double>>();
    if (m.size() != m_.size() || v.size() != v_.size())
      throw UsageError("Adam state has " + std::to_string(m.size()) + "/" + std::to_string(v.size()) +
                       " moments, expected " + std::to_string(m_.size()));
    t_ = j.at("t").get<uint64_t>();
    m_ = std::move(m);
    v_ = std::move(v);
  } catch (const nlohmann::json::exception& e) {
    throw UsageError(std::string("malformed Adam state: ") + e.what());
  }
}

}  // namespace neuroevo
