// COBA benchmark network; constants from docs/reference/brain_inspired.md (Vogels & Abbott 2005,
// as used by Brette et al. 2007 and Brian2's/BrainPy's COBA examples).
#include "neuroevo/snn/coba.hpp"

#include <chrono>
#include <cmath>

#include "neuroevo/core/rng.hpp"

namespace neuroevo::snn {

namespace {
constexpr double kInDegree = 80.0;  // connection probability 80 / N
constexpr float kWExc = 0.6f, kWInh = 6.7f;
constexpr uint64_t kConnectStream = 1, kVoltageStream = 2;
}  // namespace

Network make_coba_network(const CobaOptions& o) {
  NetworkSpec spec;
  spec.lif = LifParams{};  // tau_m 20, E_L -60, threshold -50, reset -60, t_ref 5, E_exc 0, E_inh -80, tau_e 5, tau_i 10
  spec.lif.conductance = o.conductance;
  spec.lif.i_ext = 20.0;
  spec.dt = 0.1;
  const uint32_t n = o.neurons;
  const uint32_t n_exc = static_cast<uint32_t>(std::llround(0.8 * n));
  spec.neurons = n;
  spec.excitatory.resize(n);
  for (uint32_t i = 0; i < n; ++i) spec.excitatory[i] = i < n_exc;
  // Each ordered pair with probability p, self-connections allowed: the gaps between a source's
  // successive targets are geometric, so a row costs O(fan-out) draws instead of N coin flips.
  const double p = std::min(1.0, kInDegree / n);
  const double log_q = std::log1p(-p);
  Csr& c = spec.synapses;
  c.row.assign(static_cast<size_t>(n) + 1, 0);
  c.target.reserve(static_cast<size_t>(n * p * 1.1) * n + 16);
  for (uint32_t s = 0; s < n; ++s) {
    Stream rng(o.seed, kConnectStream, s, Purpose::Init);
    const float w = spec.excitatory[s] ? kWExc : kWInh;
    if (p >= 1.0) {
      for (uint32_t t = 0; t < n; ++t) c.target.push_back(t);
    } else {
      double j = -1.0;
      while (true) {
        double u = rng.uniform();
        if (u <= 0.0) u = 0x1.0p-53;
        j += std::floor(std::log(u) / log_q) + 1.0;
        if (j >= n) break;
        c.target.push_back(static_cast<uint32_t>(j));
      }
    }
    c.weight.resize(c.target.size(), w);
    c.row[s + 1] = c.target.size();
  }
  Network net(std::move(spec));
  std::vector<double> v(n);
  Stream vr(o.seed, kVoltageStream, 0, Purpose::Init);
  for (auto& x : v) x = vr.uniform(-60.0, -50.0);
  net.set_voltages(v);
  return net;
}

CobaResult run_coba(const CobaOptions& o) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  Network net = make_coba_network(o);
  const auto t1 = Clock::now();
  const auto steps = static_cast<int64_t>(std::llround(o.seconds * 1000.0 / 0.1));
  CobaResult r;
  r.spikes = net.run(steps, o.threads);
  const auto t2 = Clock::now();
  r.synapses = net.synapses().synapses();
  r.mean_rate_hz = static_cast<double>(r.spikes) / (static_cast<double>(o.neurons) * o.seconds);
  r.build_seconds = std::chrono::duration<double>(t1 - t0).count();
  r.sim_seconds = std::chrono::duration<double>(t2 - t1).count();
  return r;
}

}  // namespace neuroevo::snn
