// Spiking network simulation: see include/neuroevo/snn/network.hpp for the model and the threading scheme.
#include "neuroevo/snn/network.hpp"

#include <algorithm>
#include <barrier>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <thread>

namespace neuroevo::snn {

Csr CsrBuilder::build() {
  Csr c;
  c.row.assign(rows_.size() + 1, 0);
  size_t total = 0;
  for (auto& r : rows_) total += r.size();
  c.target.reserve(total);
  c.weight.reserve(total);
  for (size_t s = 0; s < rows_.size(); ++s) {
    auto& r = rows_[s];
    std::sort(r.begin(), r.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [t, w] : r) {
      c.target.push_back(t);
      c.weight.push_back(w);
    }
    c.row[s + 1] = c.target.size();
    std::vector<std::pair<uint32_t, float>>().swap(r);
  }
  return c;
}

Network::Network(NetworkSpec spec) : spec_(std::move(spec)), n_(spec_.neurons), k_(spec_.lif, spec_.dt) {
  const size_t sources = static_cast<size_t>(n_) + spec_.inputs;
  if (spec_.excitatory.size() != sources) throw std::invalid_argument("NetworkSpec: excitatory needs N + M entries");
  if (spec_.synapses.sources() != sources) throw std::invalid_argument("NetworkSpec: synapses need N + M rows");
  for (uint32_t t : spec_.synapses.target)
    if (t >= n_) throw std::invalid_argument("NetworkSpec: synapse target out of range");
  v_.assign(n_, spec_.lif.v_rest);
  ge_.assign(n_, 0.0);
  gi_.assign(n_, 0.0);
  theta_.assign(n_, 0.0);
  refr_.assign(n_, 0);
  counts_.assign(n_, 0);
  drive_.assign(n_, spec_.lif.i_ext);
  if (!spec_.i_ext.empty()) {
    if (spec_.i_ext.size() != n_) throw std::invalid_argument("NetworkSpec: i_ext needs N entries");
    for (uint32_t i = 0; i < n_; ++i) drive_[i] += spec_.i_ext[i];
  }
  spiked_prev_.assign(sources, 0);
}

void Network::set_voltages(std::span<const double> v) {
  reset_state(spec_.lif.v_rest);
  std::copy(v.begin(), v.begin() + std::min<size_t>(v.size(), n_), v_.begin());
}

void Network::reset_state(double v0) {
  std::fill(v_.begin(), v_.end(), v0);
  std::fill(ge_.begin(), ge_.end(), 0.0);
  std::fill(gi_.begin(), gi_.end(), 0.0);
  std::fill(theta_.begin(), theta_.end(), 0.0);
  std::fill(refr_.begin(), refr_.end(), 0);
  std::fill(spiked_prev_.begin(), spiked_prev_.end(), 0);
  std::fill(x_.begin(), x_.end(), 0.0);
  std::fill(y_.begin(), y_.end(), 0.0);
}

void Network::clear_spike_counts() { std::fill(counts_.begin(), counts_.end(), 0u); }

void Network::enable_stdp(const StdpParams& p, uint32_t src_lo, uint32_t src_hi) {
  stdp_on_ = true;
  stdp_ = p;
  stdp_lo_ = src_lo;
  stdp_hi_ = src_hi;
  x_keep_ = std::exp(-spec_.dt / p.tau_plus);
  y_keep_ = std::exp(-spec_.dt / p.tau_minus);
  const size_t sources = static_cast<size_t>(n_) + spec_.inputs;
  x_.assign(sources, 0.0);
  y_.assign(n_, 0.0);
  // Incoming plastic synapses of every neuron, ordered by source (a counting sort over the CSR).
  const Csr& c = spec_.synapses;
  in_row_.assign(static_cast<size_t>(n_) + 1, 0);
  for (uint32_t s = src_lo; s < src_hi && s < sources; ++s)
    for (uint64_t k = c.row[s]; k < c.row[s + 1]; ++k) ++in_row_[c.target[k] + 1];
  std::partial_sum(in_row_.begin(), in_row_.end(), in_row_.begin());
  in_syn_.assign(in_row_.back(), 0);
  in_src_.assign(in_row_.back(), 0);
  std::vector<uint64_t> fill(in_row_.begin(), in_row_.end() - 1);
  for (uint32_t s = src_lo; s < src_hi && s < sources; ++s)
    for (uint64_t k = c.row[s]; k < c.row[s + 1]; ++k) {
      const uint64_t slot = fill[c.target[k]]++;
      in_syn_[slot] = k;
      in_src_[slot] = s;
    }
}

void Network::enable_astrocyte(const AstrocyteParams& p) {
  if (!stdp_on_) throw std::logic_error("enable_astrocyte needs enable_stdp first");
  astro_on_ = true;
  astro_.p = p;
  astro_.a = p.a0;
}

void Network::build_block_offsets(int threads) {
  blocks_.assign(static_cast<size_t>(threads), Block{});
  for (int b = 0; b < threads; ++b) {
    blocks_[b].lo = static_cast<uint32_t>(static_cast<uint64_t>(n_) * b / threads);
    blocks_[b].hi = static_cast<uint32_t>(static_cast<uint64_t>(n_) * (b + 1) / threads);
  }
  const Csr& c = spec_.synapses;
  const size_t sources = c.sources(), stride = static_cast<size_t>(threads) + 1;
  block_offsets_.assign(sources * stride, 0);
  for (size_t s = 0; s < sources; ++s) {
    const auto first = c.target.begin() + static_cast<ptrdiff_t>(c.row[s]);
    const auto last = c.target.begin() + static_cast<ptrdiff_t>(c.row[s + 1]);
    for (int b = 0; b < threads; ++b)
      block_offsets_[s * stride + b] = static_cast<uint64_t>(std::lower_bound(first, last, blocks_[b].lo) - c.target.begin());
    block_offsets_[s * stride + threads] = c.row[s + 1];
  }
}

void Network::phase_integrate(Block& b) {
  b.spikes.clear();
  for (uint32_t i = b.lo; i < b.hi; ++i) {
    if (stdp_on_) {
      // Trace increments of last step's spikes land after that step's deliveries (which read the
      // traces of earlier steps), then every trace decays by one step.
      if (spiked_prev_[i]) {
        x_[i] += 1.0;
        y_[i] += 1.0;
      }
      x_[i] *= x_keep_;
      y_[i] *= y_keep_;
    }
    const bool spike = lif_step(k_, drive_[i], v_[i], ge_[i], gi_[i], theta_[i], refr_[i]);
    spiked_prev_[i] = spike;
    if (spike) {
      b.spikes.push_back(i);
      ++counts_[i];
    }
  }
}

void Network::phase_deliver(size_t block, std::span<const uint32_t> spikes, double depression) {
  const Csr& c = spec_.synapses;
  float* w = spec_.synapses.weight.data();
  const size_t stride = blocks_.size() + 1;
  const float wmin = static_cast<float>(stdp_.w_min), wmax = static_cast<float>(stdp_.w_max);
  for (uint32_t s : spikes) {
    const uint64_t k0 = block_offsets_[s * stride + block], k1 = block_offsets_[s * stride + block + 1];
    double* g = spec_.excitatory[s] ? ge_.data() : gi_.data();
    if (stdp_on_ && s >= stdp_lo_ && s < stdp_hi_) {
      for (uint64_t k = k0; k < k1; ++k) {
        const uint32_t j = c.target[k];
        g[j] += w[k];
        w[k] = std::clamp(static_cast<float>(w[k] - depression * y_[j]), wmin, wmax);
      }
    } else {
      for (uint64_t k = k0; k < k1; ++k) g[c.target[k]] += w[k];
    }
  }
  if (stdp_on_) {
    // Potentiation of the synapses into this block's neurons that spiked this step.
    for (uint32_t j : blocks_[block].spikes)
      for (uint64_t q = in_row_[j]; q < in_row_[j + 1]; ++q) {
        const uint64_t k = in_syn_[q];
        w[k] = std::clamp(static_cast<float>(w[k] + stdp_.eta_plus * x_[in_src_[q]]), wmin, wmax);
      }
  }
}

uint64_t Network::run(int64_t steps, int threads, const RunHooks& hooks) {
  threads = std::clamp(threads, 1, static_cast<int>(std::max<uint32_t>(n_, 1)));
  if (blocks_.size() != static_cast<size_t>(threads)) build_block_offsets(threads);
  const size_t nb = blocks_.size();
  std::vector<uint32_t> inputs;    // this step's external spikes
  std::vector<uint32_t> all;       // this step's spikes: neurons (ascending) then inputs
  double astro_a[2] = {astro_.a, astro_.a};
  uint64_t total = 0;
  const int64_t first = step_;

  // Work of thread 0 between the phases: gather the step's spikes in source order (needed by every
  // block), update the astrocyte and run the hooks. The other threads wait at the barrier meanwhile;
  // this is O(spikes), small next to delivery, which is O(spikes x fan-out).
  auto serial = [&](int64_t t) {
    all.clear();
    for (const auto& b : blocks_) all.insert(all.end(), b.spikes.begin(), b.spikes.end());
    const size_t neuron_spikes = all.size();
    total += neuron_spikes;
    if (hooks.on_spikes) hooks.on_spikes(t, std::span<const uint32_t>(all.data(), neuron_spikes));
    inputs.clear();
    if (hooks.inputs) hooks.inputs(t, inputs);
    if (stdp_on_) {
      // Input-source traces: thread 0 owns them (neurons' traces are updated by their block).
      for (uint32_t s = n_; s < spiked_prev_.size(); ++s) {
        if (spiked_prev_[s]) x_[s] += 1.0;
        x_[s] *= x_keep_;
        spiked_prev_[s] = 0;
      }
      for (uint32_t s : inputs) spiked_prev_[s] = 1;
    }
    all.insert(all.end(), inputs.begin(), inputs.end());
    if (astro_on_) {
      astro_.update(static_cast<double>(neuron_spikes), static_cast<double>(inputs.size()));
      astro_a[t & 1] = astro_.depression_rate();
    }
  };
  auto depression = [&](int64_t t) { return astro_on_ ? astro_a[t & 1] : stdp_.eta_minus; };

  if (nb == 1) {
    for (int64_t t = first; t < first + steps; ++t) {
      phase_integrate(blocks_[0]);
      serial(t);
      phase_deliver(0, all, depression(t));
    }
  } else {
    // Three phases per step: integrate (parallel), gather (thread 0), deliver (parallel).
    std::barrier sync(threads);
    auto worker = [&](size_t b) {
      for (int64_t t = first; t < first + steps; ++t) {
        phase_integrate(blocks_[b]);
        sync.arrive_and_wait();
        if (b == 0) serial(t);
        sync.arrive_and_wait();
        phase_deliver(b, all, depression(t));
        sync.arrive_and_wait();
      }
    };
    std::vector<std::jthread> pool;
    for (size_t b = 1; b < nb; ++b) pool.emplace_back(worker, b);
    worker(0);
  }
  step_ = first + steps;
  return total;
}

}  // namespace neuroevo::snn
