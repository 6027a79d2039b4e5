// Hebbian ABCD policy: a plastic tanh MLP whose genome is a learning rule, not weights
// (Najarro & Risi, "Meta-Learning through Hebbian Plasticity in Random Networks", NeurIPS 2020).
//
// Network: in -> hidden... -> out, tanh hidden units, no biases (the paper's MLP_heb: 128, 64).
// Every synapse i -> j (o_i presynaptic, o_j postsynaptic activation) carries five evolved coefficients
// and changes after every act() by
//     dw_ij = eta_ij (A_ij o_i o_j + B_ij o_i + C_ij o_j + D_ij),
// using the activations of that act(): o for the input layer is the observation as given to the policy,
// for hidden layers the tanh outputs, for the output layer the raw linear output when the action space is
// discrete (the paper's code feeds the un-squashed o3 of the argmax head into the rule) and tanh(y) when it
// is continuous (the value the tanh head squashes; the paper's code does the same for its tanh-headed
// Bullet tasks). Then, with weight_norm = "max", every layer is divided by its largest |w|, as the
// paper's code does after each update for its non-Bullet environments (enajx/HebbianMetaLearning,
// fitness_functions.py, "Normalise weights per layer"); the first step uses the initial weights as drawn.
// The scaling multiplies by 1 / max rather than dividing (one division per layer, not per weight).
//
// Initial weights: uniform in [-init_weight_range, init_weight_range], drawn at every reset() from the
// episode's policy stream, so each episode starts from different random weights and the same episode seed
// always gives the same weights. Default range 0.1: the paper's default 'uni' initialisation
// (torch.nn.init.uniform_(w, -0.1, 0.1) in fitness_functions.py, train_hebb.py --init_weights uni).
//
// Parameter layout (one flat float32 vector of 5 x number of weights), layer by layer from the input,
// each layer as five planes of in*out values: eta, A, B, C, D. Each plane is input-major like the MLP's
// weights: synapse i -> j is at index i * out + j. Planes (rather than five values per synapse) let the
// update stream contiguous rows of every coefficient through four-wide vector arithmetic.
// Coefficients start N(0, init_coeff_std^2): the paper's default (--distribution normal, torch.randn).
//
// Per-episode state (PolicyScratch::state): the weights of every layer, input-major [in][out], layer after
// layer, followed by the activations of layers 1..L of the last act() (the output layer's trace as above).
//
// Arithmetic: every weight and activation is computed elementwise or summed in input order, so the vector
// and scalar paths give identical floats and results do not depend on the build's vector width.
#include <algorithm>
#include <cmath>
#include <sstream>

#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/nn/kernels.hpp"
#include "neuroevo/nn/policies.hpp"

namespace neuroevo {

namespace {

// y[j] = sum_i x[i] w[i][j], accumulated in input order (row by row): y += x_i * w[i][:].
void forward_layer(const float* __restrict x, size_t in, const float* __restrict w, size_t out,
                   float* __restrict y) {
  std::fill(y, y + out, 0.0f);
  const size_t vec_end = out / 4 * 4;
  for (size_t i = 0; i < in; ++i) {
    const float xi = x[i];
    const V4 xv = {xi, xi, xi, xi};
    const float* __restrict row = w + i * out;
    size_t j = 0;
    for (; j < vec_end; j += 4) store4(y + j, load4(y + j) + xv * load4(row + j));
    for (; j < out; ++j) y[j] += xi * row[j];
  }
}

void tanh_inplace(float* y, size_t n) {
  size_t j = 0;
  for (; j + 4 <= n; j += 4) store4(y + j, tanh_approx(load4(y + j)));
  for (; j < n; ++j) y[j] = tanh_approx(y[j]);
}

// Coefficient planes of one layer (each in*out, input-major).
struct Rule {
  const float* eta;
  const float* a;
  const float* b;
  const float* c;
  const float* d;
};

// One synapse of the rule, evaluated left to right as written (the same operations in every lane).
template <class T>
inline T abcd(T w, T eta, T a, T b, T c, T d, T oi, T oj) {
  return w + eta * (a * oi * oj + b * oi + c * oj + d);
}

template <class T>
inline T abs_of(T x) {
  return pick_max(x, T{} - x);
}

// w[i][j] += eta (A o_i o_j + B o_i + C o_j + D) for every synapse of a layer; returns max |w| after the
// update.
float update_layer(const float* __restrict pre, size_t in, const float* __restrict post, size_t out,
                   const Rule& r, float* __restrict w) {
  const size_t vec_end = out / 4 * 4;
  V4 mv = {0.0f, 0.0f, 0.0f, 0.0f};
  float m = 0.0f;
  for (size_t i = 0; i < in; ++i) {
    const float oi = pre[i];
    const V4 ov = {oi, oi, oi, oi};
    const size_t k0 = i * out;
    size_t j = 0;
    for (; j < vec_end; j += 4) {
      const size_t k = k0 + j;
      const V4 nw = abcd(load4(w + k), load4(r.eta + k), load4(r.a + k), load4(r.b + k), load4(r.c + k),
                         load4(r.d + k), ov, load4(post + j));
      store4(w + k, nw);
      mv = pick_max(abs_of(nw), mv);
    }
    for (; j < out; ++j) {
      const size_t k = k0 + j;
      const float nw = abcd(w[k], r.eta[k], r.a[k], r.b[k], r.c[k], r.d[k], oi, post[j]);
      w[k] = nw;
      m = pick_max(abs_of(nw), m);
    }
  }
  for (int l = 0; l < 4; ++l) m = pick_max(mv[l], m);
  return m;
}

void scale_layer(float* w, size_t n, float s) {
  const V4 sv = {s, s, s, s};
  size_t k = 0;
  for (; k + 4 <= n; k += 4) store4(w + k, load4(w + k) * sv);
  for (; k < n; ++k) w[k] *= s;
}

class HebbianPolicy final : public Policy {
 public:
  HebbianPolicy(std::vector<size_t> sizes, Space action, double init_range, bool normalise, double coeff_std)
      : sizes_(std::move(sizes)),
        action_(std::move(action)),
        init_range_(init_range),
        normalise_(normalise),
        coeff_std_(coeff_std) {
    size_t acts = 0;
    for (size_t l = 0; l + 1 < sizes_.size(); ++l) {
      weight_offset_.push_back(num_weights_);
      num_weights_ += sizes_[l] * sizes_[l + 1];
      act_offset_.push_back(acts);
      acts += sizes_[l + 1];
    }
    state_size_ = num_weights_ + acts;
  }

  size_t num_params() const override { return 5 * num_weights_; }

  void init_params(uint64_t seed, std::span<float> params) const override {
    Stream rng(seed);
    for (float& p : params) p = static_cast<float>(rng.normal() * coeff_std_);
  }

  void reset(PolicyScratch& s, uint64_t episode_seed) const override {
    s.rng = Stream(episode_seed);
    draw_weights(s);
  }

  void act(std::span<const float> params, std::span<const float> obs, std::span<float> action,
           PolicyScratch& s) const override {
    if (s.state.size() != state_size_) draw_weights(s);  // a scratch that was never reset for this policy
    float* const weights = s.state.data();
    float* const acts = weights + num_weights_;
    const size_t layers = sizes_.size() - 1;

    const float* x = obs.data();
    for (size_t l = 0; l < layers; ++l) {
      float* y = acts + act_offset_[l];
      forward_layer(x, sizes_[l], weights + weight_offset_[l], sizes_[l + 1], y);
      if (l + 1 < layers) tanh_inplace(y, sizes_[l + 1]);
      x = y;
    }
    float* out = acts + act_offset_[layers - 1];
    write_action(action_, out, action);
    if (!action_.is_discrete()) tanh_inplace(out, sizes_.back());

    // Plasticity: the rule sees this step's activations; the next act() uses the new weights.
    for (size_t l = 0; l < layers; ++l) {
      const size_t in = sizes_[l], n_out = sizes_[l + 1], n = in * n_out;
      const float* p = params.data() + 5 * weight_offset_[l];
      const Rule rule{p, p + n, p + 2 * n, p + 3 * n, p + 4 * n};
      const float* pre = l == 0 ? obs.data() : acts + act_offset_[l - 1];
      float* w = weights + weight_offset_[l];
      const float m = update_layer(pre, in, acts + act_offset_[l], n_out, rule, w);
      // m = 0: an all-zero layer stays as it is (the paper's code would divide by zero).
      if (normalise_ && m > 0.0f) scale_layer(w, n, 1.0f / m);
    }
  }

  // Forward 2 per synapse plus one per hidden unit (as the mlp counts its tanh); the rule 9 per synapse
  // (5 multiplies, 3 adds and the weight update); normalisation 3 (abs, max, scale).
  double flops_per_act() const override {
    double f = 0.0;
    for (size_t l = 0; l + 1 < sizes_.size(); ++l) f += sizes_[l + 1];
    return f + static_cast<double>(num_weights_) * (2.0 + 9.0 + (normalise_ ? 3.0 : 0.0));
  }

  std::string describe() const override {
    std::ostringstream os;
    os << "hebbian ";
    for (size_t l = 0; l < sizes_.size(); ++l) os << (l ? "-" : "") << sizes_[l];
    os << " (ABCD rule, tanh, no biases, " << num_weights_ << " plastic weights, " << num_params()
       << " params, initial weights U[-" << init_range_ << ", " << init_range_ << "], "
       << (normalise_ ? "layer max-normalised" : "unnormalised") << ")";
    return os.str();
  }

 private:
  void draw_weights(PolicyScratch& s) const {
    s.state.assign(state_size_, 0.0f);
    for (size_t k = 0; k < num_weights_; ++k) s.state[k] = static_cast<float>(s.rng.uniform(-init_range_, init_range_));
  }

  std::vector<size_t> sizes_;
  Space action_;
  double init_range_;
  bool normalise_;
  double coeff_std_;
  std::vector<size_t> weight_offset_, act_offset_;
  size_t num_weights_ = 0;
  size_t state_size_ = 0;
};

}  // namespace

std::unique_ptr<const Policy> make_hebbian_policy(ConfigSection& cfg, const Space& obs, const Space& action) {
  // 128, 64: the paper's MLP_heb (docs/reference/brain_inspired.md).
  const auto hidden = cfg.get_int_list("hidden", {128, 64}, 1, 1 << 16);
  const double init_range = cfg.get_double("init_weight_range", 0.1, 0.0, 1e6);
  const std::string norm = cfg.get_string("weight_norm", "max", {"max", "none"});
  const double coeff_std = cfg.get_double("init_coeff_std", 1.0, 0.0, 1e6);
  if (obs.is_discrete()) throw UsageError("policy 'hebbian' needs a vector observation space");
  std::vector<size_t> sizes{obs.dim()};
  for (int64_t h : hidden) sizes.push_back(static_cast<size_t>(h));
  sizes.push_back(action.is_discrete() ? static_cast<size_t>(action.n) : action.dim());
  return std::make_unique<HebbianPolicy>(std::move(sizes), action, init_range, norm == "max", coeff_std);
}

}  // namespace neuroevo
