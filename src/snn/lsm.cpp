// Liquid state machine on MNIST: see include/neuroevo/snn/lsm.hpp.
#include "neuroevo/snn/lsm.hpp"

#include <chrono>
#include <cmath>
#include <numeric>
#include <thread>

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/rng.hpp"
#include "neuroevo/core/suggest.hpp"
#include "neuroevo/snn/network.hpp"

namespace neuroevo::snn {

namespace {

constexpr uint32_t kPixels = 784;
// NALSM liquid constants (docs/reference/brain_inspired.md): C_XY for source type X, target type Y.
constexpr double kCee = 0.2, kCei = 0.1, kCie = 0.3, kCii = 0.05, kLambda = 3.0, kInputDensity = 0.15;
constexpr double kExcFraction = 0.8;
enum StreamId : uint64_t { kTypes = 1, kLiquid = 2, kInput = 3, kOrder = 4, kPoisson = 5 };

Network make_liquid(const LsmOptions& o) {
  const uint32_t g = static_cast<uint32_t>(o.grid), n = g * g * g;
  NetworkSpec spec;
  spec.dt = 1.0;
  spec.lif.conductance = false;  // current-based exponential synapses
  spec.lif.t_ref = 2.0;
  spec.neurons = n;
  spec.inputs = kPixels;
  // A random 20% of the grid is inhibitory.
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  Stream tr(o.seed, kTypes, 0, Purpose::Init);
  for (uint32_t i = n; i > 1; --i) std::swap(order[i - 1], order[tr.below(i)]);
  spec.excitatory.assign(n + kPixels, 1);
  const uint32_t n_inh = n - static_cast<uint32_t>(std::llround(kExcFraction * n));
  for (uint32_t k = 0; k < n_inh; ++k) spec.excitatory[order[k]] = 0;
  CsrBuilder b(n + kPixels);
  for (uint32_t s = 0; s < n; ++s) {
    Stream rng(o.seed, kLiquid, s, Purpose::Init);
    const int sx = static_cast<int>(s % g), sy = static_cast<int>(s / g % g), sz = static_cast<int>(s / (g * g));
    const bool se = spec.excitatory[s];
    for (uint32_t t = 0; t < n; ++t) {
      if (t == s) continue;
      const int dx = static_cast<int>(t % g) - sx, dy = static_cast<int>(t / g % g) - sy, dz = static_cast<int>(t / (g * g)) - sz;
      const double d2 = static_cast<double>(dx * dx + dy * dy + dz * dz);
      const bool te = spec.excitatory[t];
      const double c = se ? (te ? kCee : kCei) : (te ? kCie : kCii);
      if (rng.uniform() < c * std::exp(-d2 / (kLambda * kLambda)))
        b.add(s, t, static_cast<float>(se ? o.w_exc : o.w_inh));
    }
  }
  for (uint32_t p = 0; p < kPixels; ++p) {
    Stream rng(o.seed, kInput, p, Purpose::Init);
    for (uint32_t t = 0; t < n; ++t)
      if (rng.uniform() < kInputDensity) b.add(n + p, t, static_cast<float>(o.w_in));
  }
  spec.synapses = b.build();
  return Network(std::move(spec));
}

// Poisson spikes of a digit: pixel p fires at step t with probability intensity * rate * dt, drawn from
// a stream keyed by (seed, digit, step): the same trains whatever the thread or the order of digits.
struct PoissonInput {
  const std::vector<float>* image = nullptr;
  uint64_t seed = 0, digit = 0;
  double p_max = 0.1;
  uint32_t first_source = 0;
  void operator()(int64_t step, std::vector<uint32_t>& out) const {
    Stream rng(seed, kPoisson + 16 * digit, static_cast<uint64_t>(step), Purpose::Policy);
    for (uint32_t p = 0; p < kPixels; ++p) {
      const float x = (*image)[p];
      if (x > 0.0f && rng.uniform() < x * p_max) out.push_back(first_source + p);
    }
  }
};

double mean_input_weight(Network& net) {
  const Csr& c = net.synapses();
  const uint64_t k0 = c.row[net.neurons()], k1 = c.row.back();
  double s = 0.0;
  for (uint64_t k = k0; k < k1; ++k) s += c.weight[k];
  return k1 > k0 ? s / static_cast<double>(k1 - k0) : 0.0;
}

}  // namespace

LsmResult run_lsm(const LsmOptions& o) {
  if (o.grid < 2 || o.grid > 40) throw UsageError("--grid must be in [2, 40], got " + std::to_string(o.grid));
  const std::vector<std::string> rules = {"none", "stdp", "astro"};
  if (std::find(rules.begin(), rules.end(), o.rule) == rules.end())
    throw UsageError(unknown_name_message("plasticity rule", o.rule, rules));
  if (o.per_class < 0) throw UsageError("--per-class must be >= 0 (0: all digits), got " + std::to_string(o.per_class));
  if (!(o.train_fraction > 0.0 && o.train_fraction < 1.0)) throw UsageError("--train-fraction must be in (0, 1)");
  if (o.steps <= 0) throw UsageError("--steps must be positive, got " + std::to_string(o.steps));
  if (!(o.max_rate_hz > 0.0 && o.max_rate_hz <= 1000.0)) throw UsageError("--max-rate must be in (0, 1000] Hz");
  if (o.plastic_digits < 0) throw UsageError("--plastic-digits must be >= 0");
  if (!(o.ridge > 0.0)) throw UsageError("--ridge must be positive");
  if (o.threads <= 0) throw UsageError("--threads must be positive, got " + std::to_string(o.threads));
  if (!(o.w_in > 0.0 && o.w_exc >= 0.0 && o.w_inh >= 0.0 && o.stdp_lr >= 0.0))
    throw UsageError("weights and --stdp-lr must be non-negative (--w-in positive)");

  const auto t0 = std::chrono::steady_clock::now();
  const auto by_class = load_mnist_by_class(o.mnist);
  // Split: the first train_fraction of each class (in file order) train, the rest test.
  std::vector<const std::vector<float>*> train_x, test_x;
  std::vector<int> train_y, test_y;
  for (int k = 0; k < 10; ++k) {
    const auto& d = by_class[k];
    const size_t count = o.per_class > 0 ? std::min<size_t>(d.images.size(), o.per_class) : d.images.size();
    const size_t n_train = std::max<size_t>(1, static_cast<size_t>(std::floor(o.train_fraction * count)));
    for (size_t i = 0; i < count; ++i) {
      (i < n_train ? train_x : test_x).push_back(&d.images[i]);
      (i < n_train ? train_y : test_y).push_back(k);
    }
  }
  if (test_x.empty()) throw UsageError("no test digits: raise --per-class or lower --train-fraction");

  Network liquid = make_liquid(o);
  const uint32_t n = liquid.neurons();
  LsmResult r;
  r.neurons = n;
  r.synapses = liquid.synapses().synapses();
  r.mean_input_weight_before = mean_input_weight(liquid);
  const double p_max = o.max_rate_hz * 1e-3;  // dt = 1 ms

  // Plastic phase: training digits in a seeded random order, one after another, on one network.
  if (o.rule != "none" && o.plastic_digits > 0) {
    StdpParams sp;
    sp.eta_plus = 0.15 * o.stdp_lr;  // = b_A: at the astrocyte's set point, potentiation and depression rates match
    sp.eta_minus = 0.15 * o.stdp_lr;
    sp.w_min = 0.0;
    sp.w_max = 2.0 * o.w_in;
    liquid.enable_stdp(sp, n, n + kPixels);
    if (o.rule == "astro") {
      AstrocyteParams ap;
      ap.w_a = AstrocyteParams::w_a_for(n);
      ap.lr = o.stdp_lr;
      liquid.enable_astrocyte(ap);
    }
    std::vector<size_t> order(train_x.size());
    std::iota(order.begin(), order.end(), size_t{0});
    Stream sr(o.seed, kOrder, 0, Purpose::Init);
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[sr.below(i)]);
    const size_t shown = std::min<size_t>(order.size(), static_cast<size_t>(o.plastic_digits));
    for (size_t q = 0; q < shown; ++q) {
      PoissonInput in{train_x[order[q]], o.seed, 1'000'000 + q, p_max, n};
      liquid.reset_state(-60.0);
      liquid.run(o.steps, 1, RunHooks{in, {}});
    }
    if (o.rule == "astro") r.final_astrocyte = liquid.astrocyte();
    liquid.disable_stdp();
  }
  r.mean_input_weight_after = mean_input_weight(liquid);

  // Frozen phase: every digit from rest; features = spike counts of the liquid neurons.
  std::vector<const std::vector<float>*> all = train_x;
  all.insert(all.end(), test_x.begin(), test_x.end());
  std::vector<std::vector<float>> feats(all.size(), std::vector<float>(n));
  std::vector<uint64_t> spikes(all.size(), 0);
  const int threads = std::min<int>(o.threads, static_cast<int>(all.size()));
  auto worker = [&](int t) {
    Network net = liquid;  // a private copy: digits are independent once the weights are frozen
    for (size_t i = static_cast<size_t>(t); i < all.size(); i += static_cast<size_t>(threads)) {
      net.reset_state(-60.0);
      net.clear_spike_counts();
      PoissonInput in{all[i], o.seed, i, p_max, n};
      spikes[i] = net.run(o.steps, 1, RunHooks{in, {}});
      const auto c = net.spike_counts();
      for (uint32_t j = 0; j < n; ++j) feats[i][j] = static_cast<float>(c[j]);
    }
  };
  {
    std::vector<std::jthread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(worker, t);
    worker(0);
  }
  const double total_spikes = std::accumulate(spikes.begin(), spikes.end(), 0.0);
  r.mean_rate_hz = total_spikes / (static_cast<double>(n) * static_cast<double>(all.size()) * o.steps * 1e-3);

  std::vector<std::vector<float>> xtr(feats.begin(), feats.begin() + static_cast<ptrdiff_t>(train_x.size()));
  RidgeReadout readout;
  readout.fit(xtr, train_y, 10, o.ridge);
  size_t ok_train = 0, ok_test = 0;
  for (size_t i = 0; i < train_x.size(); ++i) ok_train += readout.predict(feats[i]) == train_y[i];
  for (size_t i = 0; i < test_x.size(); ++i) ok_test += readout.predict(feats[train_x.size() + i]) == test_y[i];
  r.train = train_x.size();
  r.test = test_x.size();
  r.train_accuracy = static_cast<double>(ok_train) / static_cast<double>(r.train);
  r.test_accuracy = static_cast<double>(ok_test) / static_cast<double>(r.test);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace neuroevo::snn
