// The paper-scale liquid state machine protocol: see include/neuroevo/snn/lsm_paper.hpp and docs/snn.md.
#include "neuroevo/snn/lsm_paper.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>
#include <numeric>
#include <thread>

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/rng.hpp"
#include "neuroevo/core/suggest.hpp"

namespace neuroevo::snn {

namespace {

constexpr size_t kDim = 784;
constexpr uint64_t kTestStreams = uint64_t{1} << 40, kPlasticStreams = uint64_t{2} << 40;
enum : uint64_t { kOrderStream = 201, kSplitStream = 202, kSubsetStream = 203 };

// Process CPU time (all threads), the fair measure on a shared machine.
double cpu_now() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

template <class F>
void parallel(int threads, F&& f) {
  std::vector<std::jthread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(f, t);
  f(0);
}

std::vector<size_t> permutation(size_t n, uint64_t seed, uint64_t id) {
  std::vector<size_t> p(n);
  std::iota(p.begin(), p.end(), size_t{0});
  Stream rng(seed, id, 0, Purpose::Init);
  for (size_t i = n; i > 1; --i) std::swap(p[i - 1], p[rng.below(i)]);
  return p;
}

struct Adjacency {
  std::vector<uint64_t> pre_row, post_row;
  std::vector<uint32_t> pre, post;
};

// Mean of the finite values (the public code's nanmean over samples); NaN when there are none.
double nanmean(const std::vector<double>& v) {
  double s = 0.0;
  size_t c = 0;
  for (double x : v)
    if (std::isfinite(x)) {
      s += x;
      ++c;
    }
  return c ? s / static_cast<double>(c) : std::numeric_limits<double>::quiet_NaN();
}

// The paper's branching factor on 250 ms presentations: buffer of 25 ms at both ends, dt = 4 ms.
constexpr int kBfDt = 4, kBfBuffer = 25;

double frozen_bf(NalsmLiquid& liq, const Adjacency& adj, const std::vector<float>& rates, size_t count, int steps) {
  if (count == 0) return std::numeric_limits<double>::quiet_NaN();
  std::vector<double> per_sample;
  NalsmState st;
  const size_t n_images = rates.size() / kDim;
  for (size_t k = 0; k < count; ++k) {
    const size_t i = k * n_images / count;  // spread over the split (the npm digits are sorted by class)
    Raster raster;
    liq.present(std::span<const float>(rates.data() + i * kDim, kDim), steps, kTestStreams + i, NalsmRule::None, st, nullptr,
                &raster);
    per_sample.push_back(branching_factor(raster, liq.liquid(), adj.pre_row, adj.pre, adj.post_row, adj.post, kBfDt,
                                          kBfBuffer, steps - kBfBuffer));
  }
  return nanmean(per_sample);
}

// Ridge readout with its penalty chosen on the validation rows; returns (val, test, train) accuracy.
struct ReadoutScore {
  double val = 0, test = 0, train = 0, ridge = 0;
};
ReadoutScore fit_readout(const std::vector<uint8_t>& x, size_t d, const std::vector<int>& y, std::span<const size_t> fit,
                         std::span<const size_t> val, std::span<const size_t> test, const std::vector<double>& ridges,
                         int threads) {
  IntRidge r;
  r.gram(x, d, fit, y, 10, threads);
  ReadoutScore best;
  best.val = -1.0;
  for (double lambda : ridges) {
    r.solve(lambda, threads);
    const double acc = val.empty() ? 0.0 : r.accuracy(x, val, y);
    if (acc > best.val) {
      best.val = acc;
      best.ridge = lambda;
      best.test = r.accuracy(x, test, y);
      best.train = r.accuracy(x, fit, y);
    }
  }
  return best;
}

}  // namespace

LsmPaperResult run_lsm_paper(const LsmPaperOptions& o, std::span<const float> train, const std::vector<int>& train_y,
                             std::span<const float> test, const std::vector<int>& test_y) {
  const std::vector<std::string> rules = {"none", "stdp", "astro"};
  if (std::find(rules.begin(), rules.end(), o.rule) == rules.end())
    throw UsageError(unknown_name_message("plasticity rule", o.rule, rules));
  if (o.steps <= 2 * kBfBuffer + 2 * kBfDt || o.steps > 4000)
    throw UsageError("--steps must be in (" + std::to_string(2 * kBfBuffer + 2 * kBfDt) + ", 4000] with --preset paper, got " +
                     std::to_string(o.steps));
  if (o.plastic_steps <= 0 || o.plastic_steps > 4000) throw UsageError("--plastic-steps must be in [1, 4000]");
  if (o.plastic_samples < 0) throw UsageError("--plastic-digits must be >= 0");
  if (o.train_limit < 0 || o.test_limit < 0) throw UsageError("--train-limit and --test-limit must be >= 0 (0: all)");
  if (o.threads <= 0) throw UsageError("--threads must be positive, got " + std::to_string(o.threads));
  for (double r : o.ridges)
    if (!(r > 0.0)) throw UsageError("--ridge values must be positive");
  if (train.size() % kDim || test.size() % kDim || train.size() / kDim != train_y.size() || test.size() / kDim != test_y.size())
    throw UsageError("--preset paper needs 28x28 images with one label each");

  const auto t0 = std::chrono::steady_clock::now();
  const double c0 = cpu_now();
  // --train-limit / --test-limit: a random subset (the same for every seed and rule), in file order.
  auto subset = [](size_t size, int limit, uint64_t id) {
    std::vector<size_t> idx(size);
    std::iota(idx.begin(), idx.end(), size_t{0});
    if (limit > 0 && static_cast<size_t>(limit) < size) {
      idx = permutation(size, 0, id);
      idx.resize(static_cast<size_t>(limit));
      std::sort(idx.begin(), idx.end());
    }
    return idx;
  };
  const std::vector<size_t> train_idx = subset(train_y.size(), o.train_limit, kSubsetStream);
  const std::vector<size_t> test_idx = subset(test_y.size(), o.test_limit, kSubsetStream + 1);
  const size_t n_train = train_idx.size(), n_test = test_idx.size();
  if (n_train < 12 || n_test < 1) throw UsageError("--preset paper needs at least 12 training and 1 test image");
  std::vector<float> x_train(n_train * kDim), x_test(n_test * kDim);
  std::vector<int> train_lab(n_train), test_lab(n_test);
  for (size_t i = 0; i < n_train; ++i) {
    std::copy_n(train.begin() + static_cast<ptrdiff_t>(train_idx[i] * kDim), kDim, x_train.begin() + static_cast<ptrdiff_t>(i * kDim));
    train_lab[i] = train_y[train_idx[i]];
  }
  for (size_t i = 0; i < n_test; ++i) {
    std::copy_n(test.begin() + static_cast<ptrdiff_t>(test_idx[i] * kDim), kDim, x_test.begin() + static_cast<ptrdiff_t>(i * kDim));
    test_lab[i] = test_y[test_idx[i]];
  }
  // The paper normalises each split on its own (each image by its sum, then by the split's maximum).
  const std::vector<float> r_train = nalsm_encode(x_train, kDim);
  const std::vector<float> r_test = nalsm_encode(x_test, kDim);

  NalsmLiquid liq(o.liquid);
  const uint32_t n = liq.liquid();
  Adjacency adj;
  liq.liquid_adjacency(adj.pre_row, adj.pre, adj.post_row, adj.post);
  LsmPaperResult r;
  r.neurons = n;
  r.synapses = liq.synapses();
  r.input_w_before = liq.mean_weight(0);
  r.exc_w_before = liq.mean_weight(1);
  r.inh_w_before = liq.mean_weight(2);
  const size_t bf_count = std::min<size_t>(n_test, static_cast<size_t>(std::max(o.bf_samples, 0)));
  r.bf_before = frozen_bf(liq, adj, r_test, bf_count, o.steps);

  // Plastic phase: random training images, one after another, each from rest (v, currents, refractory
  // state and A reset; traces kept), as the public code's initialisation loop.
  const auto tp = std::chrono::steady_clock::now();
  const double cp = cpu_now();
  if (o.rule != "none" && o.plastic_samples > 0) {
    const NalsmRule rule = o.rule == "astro" ? NalsmRule::Astro : NalsmRule::Stdp;
    const std::vector<size_t> order = permutation(n_train, o.liquid.seed, kOrderStream);
    const size_t total = static_cast<size_t>(o.plastic_samples);
    const size_t segments = static_cast<size_t>(std::max(o.bf_segments, 1));
    const size_t per_segment = (total + segments - 1) / segments;
    const size_t stride = std::max<size_t>(1, per_segment / 50);  // about 50 measured presentations per segment
    NalsmState st;
    liq.reset_traces();
    std::vector<double> seg_bf, seg_a;
    for (size_t q = 0; q < total; ++q) {
      const size_t img = order[q % n_train];
      const bool measure = q % stride == 0;
      Raster raster;
      liq.present(std::span<const float>(r_train.data() + img * kDim, kDim), o.plastic_steps, kPlasticStreams + q, rule, st,
                  nullptr, measure ? &raster : nullptr);
      if (measure)
        seg_bf.push_back(branching_factor(raster, n, adj.pre_row, adj.pre, adj.post_row, adj.post, kBfDt, 0, o.plastic_steps));
      seg_a.push_back(st.astro);
      if ((q + 1) % per_segment == 0 || q + 1 == total) {
        r.bf_plastic.push_back(nanmean(seg_bf));
        if (rule == NalsmRule::Astro) r.astro_end.push_back(nanmean(seg_a));
        seg_bf.clear();
        seg_a.clear();
      }
    }
  }
  r.plastic_seconds = seconds_since(tp);
  r.plastic_cpu = cpu_now() - cp;
  r.input_w_after = liq.mean_weight(0);
  r.exc_w_after = liq.mean_weight(1);
  r.inh_w_after = liq.mean_weight(2);
  r.bf_after = o.rule == "none" ? r.bf_before : frozen_bf(liq, adj, r_test, bf_count, o.steps);

  // Frozen phase: every image from rest, images spread over the threads; features = spike counts.
  const auto tf = std::chrono::steady_clock::now();
  const double cf = cpu_now();
  const size_t n_all = n_train + n_test;
  std::vector<uint8_t> feats(n_all * n, 0);
  std::vector<uint64_t> spikes(n_all, 0);
  const int threads = static_cast<int>(std::min<size_t>(static_cast<size_t>(o.threads), n_all));
  parallel(threads, [&](int t) {
    NalsmState st;
    std::vector<uint32_t> counts(n);
    for (size_t i = static_cast<size_t>(t); i < n_all; i += static_cast<size_t>(threads)) {
      std::fill(counts.begin(), counts.end(), 0u);
      const bool is_train = i < n_train;
      const float* rates = is_train ? r_train.data() + i * kDim : r_test.data() + (i - n_train) * kDim;
      const uint64_t stream = is_train ? i : kTestStreams + (i - n_train);
      spikes[i] = liq.present(std::span<const float>(rates, kDim), o.steps, stream, NalsmRule::None, st, counts.data());
      for (uint32_t j = 0; j < n; ++j) feats[i * n + j] = static_cast<uint8_t>(std::min<uint32_t>(counts[j], 255u));
    }
  });
  r.frozen_seconds = seconds_since(tf);
  r.frozen_cpu = cpu_now() - cf;
  r.mean_rate_hz = std::accumulate(spikes.begin(), spikes.end(), 0.0) /
                   (static_cast<double>(n) * static_cast<double>(n_all) * o.steps * 1e-3);

  // Readouts: penalty chosen on a seeded validation part of the training images, as the paper chooses
  // its readout epoch on 10,000 held-out training images.
  const auto tr = std::chrono::steady_clock::now();
  const double cr = cpu_now();
  std::vector<int> y(train_lab);
  y.insert(y.end(), test_lab.begin(), test_lab.end());
  const std::vector<size_t> perm = permutation(n_train, o.liquid.seed, kSplitStream);
  const size_t n_val = std::min(n_train - 1, static_cast<size_t>(std::llround(o.val_fraction * static_cast<double>(n_train))));
  std::vector<size_t> fit(perm.begin(), perm.end() - static_cast<ptrdiff_t>(n_val));
  std::vector<size_t> val(perm.end() - static_cast<ptrdiff_t>(n_val), perm.end());
  std::sort(fit.begin(), fit.end());
  std::sort(val.begin(), val.end());
  std::vector<size_t> tst(n_test);
  std::iota(tst.begin(), tst.end(), n_train);
  const ReadoutScore liquid_score = fit_readout(feats, n, y, fit, val, tst, o.ridges, o.threads);
  std::vector<uint8_t>().swap(feats);
  std::vector<uint8_t> pixels(n_all * kDim);
  for (size_t i = 0; i < n_all; ++i)
    for (size_t p = 0; p < kDim; ++p) {
      const float v = i < n_train ? x_train[i * kDim + p] : x_test[(i - n_train) * kDim + p];
      pixels[i * kDim + p] = static_cast<uint8_t>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f));
    }
  const ReadoutScore pixel_score = fit_readout(pixels, kDim, y, fit, val, tst, o.ridges, o.threads);
  r.readout_seconds = seconds_since(tr);
  r.readout_cpu = cpu_now() - cr;
  r.train = fit.size();
  r.val = val.size();
  r.test = n_test;
  r.test_accuracy = liquid_score.test;
  r.val_accuracy = liquid_score.val;
  r.train_accuracy = liquid_score.train;
  r.ridge = liquid_score.ridge;
  r.pixel_test_accuracy = pixel_score.test;
  r.pixel_val_accuracy = pixel_score.val;
  r.pixel_ridge = pixel_score.ridge;
  r.seconds = seconds_since(t0);
  r.cpu = cpu_now() - c0;
  return r;
}

}  // namespace neuroevo::snn
