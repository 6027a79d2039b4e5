// Adam (Kingma & Ba 2015) on float32 parameters, minimising: theta -= step * m_hat / (sqrt(v_hat) + eps).
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include <nlohmann/json.hpp>

namespace neuroevo {

class Adam {
 public:
  // Defaults from the paper: beta1 0.9, beta2 0.999, epsilon 1e-8.
  Adam(size_t dim, double stepsize, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8);
  // Applies one update for `gradient` (of the loss to minimise) to `theta`.
  void step(std::span<float> theta, std::span<const double> gradient);
  nlohmann::json save() const;
  void load(const nlohmann::json& j);
  uint64_t t() const { return t_; }

 private:
  double stepsize_, beta1_, beta2_, epsilon_;
  std::vector<double> m_, v_;
  uint64_t t_ = 0;
};

}  // namespace neuroevo
