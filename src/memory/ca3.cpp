// Spiking CA3 content-addressable memory; see include/neuroevo/memory/ca3.hpp and docs/memory.md.
#include "neuroevo/memory/ca3.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/rng.hpp"

namespace neuroevo::memory {

snn::LifParams ca3_default_lif() {
  // The neuron constants of the paper's SpiNNaker model (IF_curr_exp: tau_m 3 ms, v_rest = v_reset = -60 mV,
  // v_thresh = -57 mV, t_ref 1 ms, tau_syn 0.3 ms), current-based.
  snn::LifParams l;
  l.conductance = false;
  l.tau_m = 3.0;
  l.v_rest = -60.0;
  l.v_reset = -60.0;
  l.v_thresh = -57.0;
  l.t_ref = 1.0;
  l.tau_e = 0.3;
  l.tau_i = 0.3;
  return l;
}

Ca3Memory::Ca3Memory(Ca3Params p) : p_(p) {
  if (p_.neurons < 2) throw UsageError("--neurons must be at least 2");
  if (!(p_.dt > 0.0)) throw UsageError("CA3 dt must be positive");
  k_ = snn::LifStep(p_.lif, p_.dt);
  w_.assign(static_cast<size_t>(p_.neurons) * p_.neurons, 0.0f);
}

std::vector<uint8_t> Ca3Memory::simulate(const std::vector<std::vector<uint32_t>>& drive, int64_t steps, bool encoding) {
  const uint32_t n = p_.neurons;
  std::vector<double> v(n, p_.lif.v_rest), ge(n, 0.0), gi(n, 0.0), theta(n, 0.0), x(n, 0.0);
  std::vector<int32_t> refr(n, 0);
  std::vector<uint8_t> spiked(n, 0);
  std::vector<uint32_t> now;
  const double x_keep = std::exp(-p_.dt / p_.tau_plus);
  for (int64_t s = 0; s < steps; ++s) {
    if (s < static_cast<int64_t>(drive.size()))
      for (uint32_t i : drive[static_cast<size_t>(s)]) ge[i] += p_.w_input;
    now.clear();
    for (uint32_t i = 0; i < n; ++i)
      if (snn::lif_step(k_, 0.0, v[i], ge[i], gi[i], theta[i], refr[i])) now.push_back(i);
    spikes_ += now.size();
    if (encoding) {
      // Spikes of this step see the traces of earlier steps only.
      for (double& xi : x) xi *= x_keep;
      for (uint32_t j : now)
        for (uint32_t i = 0; i < n; ++i) {
          if (i == j || x[i] == 0.0) continue;
          float& w = w_[static_cast<size_t>(i) * n + j];
          w = static_cast<float>(std::min(p_.w_max, w + p_.eta_plus * x[i]));
        }
      for (uint32_t i : now) x[i] += 1.0;
    } else {
      for (uint32_t i : now) {
        const float* row = w_.data() + static_cast<size_t>(i) * n;
        for (uint32_t j = 0; j < n; ++j) ge[j] += row[j];
      }
    }
    for (uint32_t i : now) spiked[i] = 1;
  }
  return spiked;
}

void Ca3Memory::learn(const std::vector<uint32_t>& memory, uint64_t order_seed) {
  if (memory.size() < 2) throw UsageError("a memory needs at least 2 neurons (empty memories cannot be stored)");
  std::vector<uint8_t> seen(p_.neurons, 0);
  for (uint32_t i : memory) {
    if (i >= p_.neurons) throw UsageError("memory neuron " + std::to_string(i) + " out of range (--neurons " + std::to_string(p_.neurons) + ")");
    if (seen[i]++) throw UsageError("memory neuron " + std::to_string(i) + " repeated");
  }
  std::vector<uint32_t> order = memory;
  Stream rng(order_seed);
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
  const int64_t gap = std::llround(p_.gap_ms / p_.dt);
  const int64_t k = static_cast<int64_t>(order.size());
  std::vector<std::vector<uint32_t>> drive(static_cast<size_t>(2 * k + gap));
  for (int64_t r = 0; r < k; ++r) {
    drive[static_cast<size_t>(r)].push_back(order[static_cast<size_t>(r)]);                  // forward sweep
    drive[static_cast<size_t>(k + gap + r)].push_back(order[static_cast<size_t>(k - 1 - r)]);  // reverse sweep
  }
  const std::vector<uint8_t> spiked = simulate(drive, 2 * k + 2 * gap, true);
  // Forgetting: synapses from neurons that spiked to neurons that stayed silent are depressed.
  const uint32_t n = p_.neurons;
  for (uint32_t i = 0; i < n; ++i) {
    if (!spiked[i]) continue;
    for (uint32_t j = 0; j < n; ++j)
      if (!spiked[j] && j != i) {
        float& w = w_[static_cast<size_t>(i) * n + j];
        w = static_cast<float>(std::max(0.0, w - p_.eta_forget));
      }
  }
}

std::vector<uint32_t> Ca3Memory::recall(const std::vector<uint32_t>& cue) {
  if (cue.empty()) throw UsageError("an empty cue cannot recall anything");
  for (uint32_t i : cue)
    if (i >= p_.neurons) throw UsageError("cue neuron " + std::to_string(i) + " out of range");
  const std::vector<std::vector<uint32_t>> drive = {cue};
  const std::vector<uint8_t> spiked = simulate(drive, std::llround(p_.recall_ms / p_.dt), false);
  std::vector<uint32_t> out;
  for (uint32_t i = 0; i < p_.neurons; ++i)
    if (spiked[i]) out.push_back(i);
  return out;
}

// ----- experiments ----------------------------------------------------------------------------------

std::vector<std::vector<uint32_t>> make_memories(uint32_t neurons, uint32_t k, uint32_t count, double overlap, uint64_t seed) {
  if (k < 2 || k > neurons) throw UsageError("--memory-size must be in [2, --neurons]");
  if (!(overlap >= 0.0 && overlap < 1.0)) throw UsageError("--overlap values must be in [0, 1)");
  if (count == 0) throw UsageError("--memories: a count must be positive (an empty memory cannot be recalled)");
  Stream rng(seed, count, static_cast<uint64_t>(overlap * 1e6), Purpose::Init);
  std::vector<uint32_t> fresh(neurons);
  std::iota(fresh.begin(), fresh.end(), 0u);
  for (size_t i = fresh.size(); i > 1; --i) std::swap(fresh[i - 1], fresh[rng.below(i)]);
  size_t next_fresh = 0;
  const uint32_t shared = static_cast<uint32_t>(std::lround(overlap * k));
  std::vector<std::vector<uint32_t>> out;
  for (uint32_t m = 0; m < count; ++m) {
    std::vector<uint8_t> in(neurons, 0);
    std::vector<uint32_t> mem;
    if (m > 0 && shared > 0) {
      std::vector<uint32_t> prev = out.back();
      for (uint32_t s = 0; s < shared; ++s) {
        std::swap(prev[s], prev[s + rng.below(prev.size() - s)]);
        mem.push_back(prev[s]);
        in[prev[s]] = 1;
      }
    }
    while (mem.size() < k) {
      uint32_t c;
      if (next_fresh < fresh.size()) c = fresh[next_fresh++];
      else c = static_cast<uint32_t>(rng.below(neurons));
      if (in[c]) continue;
      in[c] = 1;
      mem.push_back(c);
    }
    std::sort(mem.begin(), mem.end());
    out.push_back(std::move(mem));
  }
  return out;
}

namespace {

std::vector<uint32_t> cue_of(const std::vector<uint32_t>& mem, double fraction, Stream& rng) {
  std::vector<uint32_t> m = mem;
  const size_t c = std::max<size_t>(1, static_cast<size_t>(std::lround(fraction * static_cast<double>(m.size()))));
  for (size_t i = 0; i < c; ++i) std::swap(m[i], m[i + rng.below(m.size() - i)]);
  m.resize(c);
  std::sort(m.begin(), m.end());
  return m;
}

void check_experiment(const Ca3Experiment& e) {
  if (e.counts.empty()) throw UsageError("--memories: empty list (an empty memory cannot be recalled)");
  if (e.cue_fractions.empty()) throw UsageError("--cue: empty list");
  for (double c : e.cue_fractions)
    if (!(c > 0.0 && c <= 1.0)) throw UsageError("--cue fractions must be in (0, 1], got " + std::to_string(c));
  for (double o : e.overlaps)
    if (!(o >= 0.0 && o < 1.0)) throw UsageError("--overlap values must be in [0, 1), got " + std::to_string(o));
  if (e.trials == 0) throw UsageError("--trials must be positive");
}

}  // namespace

std::vector<Ca3Row> run_ca3_experiment(const Ca3Experiment& e) {
  check_experiment(e);
  std::vector<Ca3Row> rows;
  for (double overlap : e.overlaps)
    for (uint32_t count : e.counts) {
      std::vector<Ca3Row> by_cue(e.cue_fractions.size());
      for (uint32_t t = 0; t < e.trials; ++t) {
        const auto mems = make_memories(e.params.neurons, e.memory_size, count, overlap, e.seed * 1000003u + t);
        Ca3Memory net(e.params);
        for (uint32_t m = 0; m < count; ++m) net.learn(mems[m], stream_key(e.seed, t, m, Purpose::Strategy));
        for (size_t c = 0; c < e.cue_fractions.size(); ++c)
          for (uint32_t m = 0; m < count; ++m) {
            Stream rng(e.seed, t, (static_cast<uint64_t>(c) << 32) | m, Purpose::Episode);
            const auto got = net.recall(cue_of(mems[m], e.cue_fractions[c], rng));
            std::vector<uint32_t> hits;
            std::set_intersection(got.begin(), got.end(), mems[m].begin(), mems[m].end(), std::back_inserter(hits));
            Ca3Row& r = by_cue[c];
            r.recalls++;
            r.exact += got == mems[m];
            r.hit += static_cast<double>(hits.size()) / static_cast<double>(mems[m].size());
            r.false_alarm += static_cast<double>(got.size() - hits.size());
          }
      }
      for (size_t c = 0; c < e.cue_fractions.size(); ++c) {
        Ca3Row r = by_cue[c];
        r.memories = count;
        r.cue = e.cue_fractions[c];
        r.overlap = overlap;
        r.exact /= r.recalls;
        r.hit /= r.recalls;
        r.false_alarm /= r.recalls;
        rows.push_back(r);
      }
    }
  return rows;
}

Ca3Forgetting run_ca3_forgetting(const Ca3Experiment& e) {
  check_experiment(e);
  Ca3Forgetting f;
  const uint32_t k = e.memory_size, half = k / 2;
  for (uint32_t t = 0; t < e.trials; ++t) {
    // A = C + D1, B = C + D2 (C the first half), U disjoint from both and never learned.
    const auto mems = make_memories(e.params.neurons, k, 3, 0.0, e.seed * 7919u + t);
    if (e.params.neurons < 3 * k) throw UsageError("--neurons must be at least 3 x --memory-size for the forgetting test");
    std::vector<uint32_t> a = mems[0], b(a.begin(), a.begin() + half);
    b.insert(b.end(), mems[1].begin(), mems[1].begin() + (k - half));
    std::sort(b.begin(), b.end());
    const std::vector<uint32_t> cue(a.begin(), a.begin() + half);
    std::vector<uint32_t> d1(a.begin() + half, a.end());
    Ca3Memory net(e.params);
    net.learn(a, stream_key(e.seed, t, 0, Purpose::Strategy));
    net.learn(b, stream_key(e.seed, t, 1, Purpose::Strategy));
    const auto got = net.recall(cue);
    f.new_recalled += got == b;
    bool any_old = false;
    for (uint32_t i : d1) any_old |= std::binary_search(got.begin(), got.end(), i);
    f.old_recalled += any_old;
    const std::vector<uint32_t> u_cue(mems[2].begin(), mems[2].begin() + half);
    f.unlearned_recalled += net.recall(u_cue) == mems[2];
    f.trials++;
  }
  f.new_recalled /= f.trials;
  f.old_recalled /= f.trials;
  f.unlearned_recalled /= f.trials;
  return f;
}

}  // namespace neuroevo::memory
