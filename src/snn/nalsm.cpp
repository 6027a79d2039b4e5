// The NALSM liquid of the paper's public code: see include/neuroevo/snn/nalsm.hpp and docs/snn.md.
#include "neuroevo/snn/nalsm.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "neuroevo/core/rng.hpp"

namespace neuroevo::snn {

namespace {
enum StreamId : uint64_t { kTypes = 101, kLiquidEdges = 102, kInputEdges = 103, kEvents = 104 };
constexpr uint8_t kExc = 0, kInh = 1, kInput = 2;
constexpr int32_t kNever = std::numeric_limits<int32_t>::min() / 2;
constexpr uint32_t kScanBlock = 16;
}  // namespace

NalsmLiquid::NalsmLiquid(const NalsmParams& p) : p_(p) {
  if (p.grid < 2 || p.grid > 40) throw std::invalid_argument("NalsmLiquid: grid must be in [2, 40]");
  const uint32_t g = static_cast<uint32_t>(p.grid);
  n_ = g * g * g;
  const uint32_t total = n_ + p.inputs;
  // Types: a random 20% of the grid positions are inhibitory (the public code permutes the positions of
  // a list whose first 80% are excitatory: the same distribution).
  type_.assign(total, kExc);
  for (uint32_t i = n_; i < total; ++i) type_[i] = kInput;
  {
    std::vector<uint32_t> order(n_);
    std::iota(order.begin(), order.end(), 0u);
    Stream rng(p.seed, kTypes, 0, Purpose::Init);
    for (uint32_t i = n_; i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
    const uint32_t n_inh = n_ - static_cast<uint32_t>(std::llround(p.exc_fraction * n_));
    for (uint32_t k = 0; k < n_inh; ++k) type_[order[k]] = kInh;
  }
  // exp(-(d / lambda)^2) by squared distance (integer on the unit grid).
  const uint32_t max_d2 = 3 * (g - 1) * (g - 1);
  std::vector<double> gauss(max_d2 + 1);
  for (uint32_t d2 = 0; d2 <= max_d2; ++d2) gauss[d2] = std::exp(-static_cast<double>(d2) / (p.lambda * p.lambda));
  const float w0 = static_cast<float>(p.w_init);
  row_.assign(total + 1, 0);
  for (uint32_t s = 0; s < n_; ++s) {
    Stream rng(p.seed, kLiquidEdges, s, Purpose::Init);
    const int sx = static_cast<int>(s % g), sy = static_cast<int>(s / g % g), sz = static_cast<int>(s / (g * g));
    const bool se = type_[s] == kExc;
    const double c_to_e = se ? p.c_ee : p.c_ie, c_to_i = se ? p.c_ei : p.c_ii;
    for (uint32_t t = 0; t < n_; ++t) {
      const double u = rng.uniform();  // one draw per ordered pair, self included, so streams stay aligned
      if (t == s) continue;
      const int dx = static_cast<int>(t % g) - sx, dy = static_cast<int>(t / g % g) - sy, dz = static_cast<int>(t / (g * g)) - sz;
      const double c = type_[t] == kExc ? c_to_e : c_to_i;
      if (u < c * gauss[static_cast<uint32_t>(dx * dx + dy * dy + dz * dz)]) {
        target_.push_back(t);
        w_.push_back(se ? w0 : -w0);
      }
    }
    row_[s + 1] = target_.size();
  }
  // Inputs: each (input, liquid neuron) pair connected with probability input_density, sign +-1 with
  // equal odds (the public code's "constant_randomize_+/-").
  for (uint32_t q = 0; q < p.inputs; ++q) {
    Stream rng(p.seed, kInputEdges, q, Purpose::Init);
    for (uint32_t t = 0; t < n_; ++t) {
      const uint64_t r = rng.next_u64();
      const double u = static_cast<double>(r >> 11) * 0x1.0p-53;
      if (u < p.input_density) {
        target_.push_back(t);
        w_.push_back((r & 1u) ? w0 : -w0);
      }
    }
    row_[n_ + q + 1] = target_.size();
  }
  // Incoming synapses of every liquid neuron, sources ascending (a counting sort over the CSR).
  in_row_.assign(static_cast<size_t>(n_) + 1, 0);
  for (uint32_t t : target_) ++in_row_[t + 1];
  std::partial_sum(in_row_.begin(), in_row_.end(), in_row_.begin());
  in_syn_.assign(target_.size(), 0);
  in_src_.assign(target_.size(), 0);
  std::vector<uint64_t> fill(in_row_.begin(), in_row_.end() - 1);
  for (uint32_t s = 0; s < total; ++s)
    for (uint64_t k = row_[s]; k < row_[s + 1]; ++k) {
      const uint64_t slot = fill[target_[k]]++;
      in_syn_[slot] = k;
      in_src_[slot] = s;
    }
  kernel_.resize(64);
  for (size_t k = 0; k < kernel_.size(); ++k) kernel_[k] = 1.0 - std::exp(-static_cast<double>(k) / p.tau_u);
  decay_ = std::exp(-1.0 / p.tau_u);
  trace_keep_ = std::exp(-1.0 / p.trace_tau);
  reset_traces();
}

void NalsmLiquid::liquid_adjacency(std::vector<uint64_t>& pre_row, std::vector<uint32_t>& pre,
                                   std::vector<uint64_t>& post_row, std::vector<uint32_t>& post) const {
  post_row.assign(row_.begin(), row_.begin() + n_ + 1);
  post.assign(target_.begin(), target_.begin() + static_cast<ptrdiff_t>(row_[n_]));
  pre_row.assign(static_cast<size_t>(n_) + 1, 0);
  pre.clear();
  for (uint32_t j = 0; j < n_; ++j) {
    for (uint64_t q = in_row_[j]; q < in_row_[j + 1]; ++q)
      if (in_src_[q] < n_) pre.push_back(in_src_[q]);
    pre_row[j + 1] = pre.size();
  }
}

void NalsmLiquid::init_state(NalsmState& st) const {
  const uint32_t total = this->total();
  st.v.assign(total, 0.0);
  st.cur.assign(total, 0.0);
  st.last.assign(total, kNever);
  st.refr.assign(total, 0);
  st.spikes.clear();
  st.spikes.reserve(total);
  st.astro = p_.astro_a0;
}

void NalsmLiquid::stdp_step(const NalsmState& st, double depression) {
  // Both terms of a step come from the traces before this step's spikes, and each synapse is clipped
  // once after both (the public code adds the two deltas to the old weight, then clips).
  thread_local std::vector<uint8_t> spiked;
  spiked.assign(total(), 0);
  for (uint32_t s : st.spikes) spiked[s] = 1;
  const float wmax = static_cast<float>(p_.w_max);
  auto clip = [&](uint8_t type, double w) {
    const float x = static_cast<float>(w);
    return type == kExc ? std::clamp(x, 0.0f, wmax) : type == kInh ? std::clamp(x, -wmax, 0.0f) : std::clamp(x, -wmax, wmax);
  };
  for (uint32_t s : st.spikes) {
    const uint8_t ty = type_[s];
    const double lr_pre = ty == kInh ? p_.lr_pot : -depression;   // on a presynaptic spike, times tr_post
    const double lr_post = ty == kInh ? -depression : p_.lr_pot;  // on a postsynaptic spike, times tr_pre
    for (uint64_t k = row_[s]; k < row_[s + 1]; ++k) {
      const uint32_t j = target_[k];
      double dw = lr_pre * trace_[j];
      if (spiked[j]) dw += lr_post * trace_[s];
      w_[k] = clip(ty, w_[k] + dw);
    }
  }
  for (uint32_t j : st.spikes) {
    if (j >= n_) break;  // spikes are ascending: the rest are input neurons, which have no inputs
    for (uint64_t q = in_row_[j]; q < in_row_[j + 1]; ++q) {
      const uint32_t s = in_src_[q];
      if (spiked[s]) continue;  // done above with both terms
      const uint8_t ty = type_[s];
      const double lr_post = ty == kInh ? -depression : p_.lr_pot;
      const uint64_t k = in_syn_[q];
      w_[k] = clip(ty, w_[k] + lr_post * trace_[s]);
    }
  }
}

uint64_t NalsmLiquid::present(std::span<const float> rates, int steps, uint64_t stream_id, NalsmRule rule, NalsmState& st,
                              uint32_t* counts, Raster* raster) {
  if (rates.size() != p_.inputs) throw std::invalid_argument("NalsmLiquid::present: rates need one value per input");
  init_state(st);
  const uint32_t total = this->total();
  const double leak = 1.0 / p_.tau_v;
  const int32_t kmax = static_cast<int32_t>(kernel_.size());
  uint64_t liquid_spikes = 0;
  double* v = st.v.data();
  double* cur = st.cur.data();
  for (int t = 0; t < steps; ++t) {
    // 1-2. Threshold and reset.
    // Blocks of 16 neurons are tested branch-free first (vectorisable; few neurons spike in a step), the
    // rare block with a spike then neuron by neuron, so the spikes stay in ascending order.
    st.spikes.clear();
    const double thresh = p_.v_thresh;
    const int32_t* refr = st.refr.data();
    for (uint32_t i0 = 0; i0 < total; i0 += kScanBlock) {
      const uint32_t i1 = std::min(total, i0 + kScanBlock);
      int any = 0;
      for (uint32_t i = i0; i < i1; ++i) any |= static_cast<int>(v[i] >= thresh) & static_cast<int>(refr[i] <= 0);
      if (!any) continue;
      for (uint32_t i = i0; i < i1; ++i)
        if (v[i] >= thresh && refr[i] <= 0) {
          st.spikes.push_back(i);
          v[i] = 0.0;
        }
    }
    uint32_t n_liquid = 0;
    for (uint32_t s : st.spikes) {
      if (s >= n_) break;
      ++n_liquid;
      if (counts) ++counts[s];
    }
    liquid_spikes += n_liquid;
    if (raster) raster->emplace_back(st.spikes.begin(), st.spikes.begin() + n_liquid);
    // 3. Delivery: the synapse's current restarts at w (its previous kernel's remainder is replaced).
    for (uint32_t s : st.spikes) {
      const int32_t gap = t - st.last[s];
      const double k = gap < kmax ? kernel_[static_cast<size_t>(gap)] : 1.0;
      st.last[s] = t;
      const float* w = w_.data();
      for (uint64_t q = row_[s]; q < row_[s + 1]; ++q) cur[target_[q]] += k * w[q];
    }
    // 4. Membrane update; input neurons get their Bernoulli events.
    for (uint32_t i = 0; i < n_; ++i) v[i] += cur[i] - v[i] * leak;
    Stream rng(p_.seed, kEvents + (stream_id << 8), static_cast<uint64_t>(t), Purpose::Policy);
    for (uint32_t q = 0; q < p_.inputs; ++q) {
      const uint32_t i = n_ + q;
      double in = 0.0;
      if (rates[q] > 0.0f && rng.uniform() < rates[q]) in = p_.input_current;
      v[i] += in - v[i] * leak;
    }
    // 5-6. Synaptic decay; refractory counters.
    for (uint32_t i = 0; i < n_; ++i) cur[i] *= decay_;
    for (uint32_t i = 0; i < total; ++i) st.refr[i] = std::max(st.refr[i] - 1, 0);
    for (uint32_t s : st.spikes) st.refr[s] = p_.refractory_steps;
    if (rule == NalsmRule::None) continue;
    // 7-9. STDP from the traces before this step, then traces, then the astrocyte.
    stdp_step(st, rule == NalsmRule::Astro ? st.astro : p_.lr_pot);
    for (uint32_t i = 0; i < total; ++i) trace_[i] *= trace_keep_;
    for (uint32_t s : st.spikes) trace_[s] += p_.trace_inc * trace_keep_;
    if (rule == NalsmRule::Astro) {
      const double drive = static_cast<double>(n_liquid) - static_cast<double>(st.spikes.size() - n_liquid);
      st.astro += (p_.astro_w * drive + p_.astro_bias - st.astro) / p_.astro_tau;
    }
  }
  return liquid_spikes;
}

double NalsmLiquid::mean_abs_weight(int kind) const {
  double s = 0.0;
  size_t c = 0;
  for (uint32_t src = 0; src < total(); ++src) {
    if (type_[src] != (kind == 0 ? kInput : kind == 1 ? kExc : kInh)) continue;
    for (uint64_t k = row_[src]; k < row_[src + 1]; ++k, ++c) s += std::abs(w_[k]);
  }
  return c ? s / static_cast<double>(c) : 0.0;
}

double NalsmLiquid::mean_weight(int kind) const {
  double s = 0.0;
  size_t c = 0;
  for (uint32_t src = 0; src < total(); ++src) {
    if (type_[src] != (kind == 0 ? kInput : kind == 1 ? kExc : kInh)) continue;
    for (uint64_t k = row_[src]; k < row_[src + 1]; ++k, ++c) s += w_[k];
  }
  return c ? s / static_cast<double>(c) : 0.0;
}

std::vector<float> nalsm_encode(std::span<const float> images, size_t dim) {
  if (dim == 0 || images.size() % dim != 0) throw std::invalid_argument("nalsm_encode: size is not a multiple of dim");
  const size_t count = images.size() / dim;
  std::vector<double> norm(images.size(), 0.0);
  double top = 0.0;
  for (size_t i = 0; i < count; ++i) {
    double sum = 0.0;
    for (size_t p = 0; p < dim; ++p) sum += images[i * dim + p];
    if (sum <= 0.0) continue;
    for (size_t p = 0; p < dim; ++p) {
      norm[i * dim + p] = images[i * dim + p] / sum;
      top = std::max(top, norm[i * dim + p]);
    }
  }
  std::vector<float> out(images.size(), 0.0f);
  if (top > 0.0)
    for (size_t k = 0; k < out.size(); ++k) out[k] = static_cast<float>(norm[k] / top);
  return out;
}

double branching_factor(const Raster& raster, uint32_t neurons, const std::vector<uint64_t>& pre_row,
                        const std::vector<uint32_t>& pre, const std::vector<uint64_t>& post_row,
                        const std::vector<uint32_t>& post, int dt, int t_lo, int t_hi) {
  const int steps = static_cast<int>(raster.size());
  t_lo = std::max(t_lo, 0);
  t_hi = std::min(t_hi, steps);
  if (t_hi <= t_lo) return std::numeric_limits<double>::quiet_NaN();
  // Spike flags within [t_lo, t_hi) only, as the public code drops the spikes outside its window.
  std::vector<uint8_t> f(static_cast<size_t>(steps) * neurons, 0);
  for (int t = t_lo; t < t_hi; ++t)
    for (uint32_t n : raster[static_cast<size_t>(t)]) f[static_cast<size_t>(t) * neurons + n] = 1;
  auto window = [&](uint32_t n, int a, int b) {  // spikes of neuron n in steps [a, b)
    int c = 0;
    for (int t = std::max(a, 0); t < std::min(b, steps); ++t) c += f[static_cast<size_t>(t) * neurons + n];
    return c;
  };
  std::vector<double> sum(neurons, 0.0);
  std::vector<uint32_t> events(neurons, 0);
  for (int t = t_lo + dt; t < t_hi - dt; ++t)
    for (uint32_t n : raster[static_cast<size_t>(t)]) {
      int before = 0, after = 0;
      for (uint64_t k = pre_row[n]; k < pre_row[n + 1]; ++k) before += window(pre[k], t - dt, t);
      for (uint64_t k = post_row[n]; k < post_row[n + 1]; ++k) after += window(post[k], t + 1, t + 1 + dt);
      sum[n] += static_cast<double>(after) / static_cast<double>(std::max(before, 1));
      ++events[n];
    }
  double total = 0.0;
  uint32_t active = 0;
  for (uint32_t n = 0; n < neurons; ++n)
    if (events[n]) {
      total += sum[n] / events[n];
      ++active;
    }
  return active ? total / active : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace neuroevo::snn
