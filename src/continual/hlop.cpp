// HLOP on a rate network and on a LIF spiking network; see include/neuroevo/continual/hlop.hpp and
// docs/continual.md (Xiao et al., ICLR 2024).
#include "neuroevo/continual/hlop.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "neuroevo/continual/dense.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/snn/neuron.hpp"

namespace neuroevo::continual {

void HebbianSubspace::add_rows(size_t n, Stream& rng) {
  n = std::min(n, d_ > rows() ? d_ - rows() : size_t{0});
  std::vector<double> v(d_);
  for (size_t added = 0; added < n;) {
    for (auto& x : v) x = rng.normal();
    // Gram-Schmidt twice against every existing row (the second pass removes rounding left by the first).
    for (int pass = 0; pass < 2; ++pass)
      for (size_t r = 0; r < rows(); ++r) {
        const float* m = m_.data() + r * d_;
        double c = 0;
        for (size_t i = 0; i < d_; ++i) c += v[i] * m[i];
        for (size_t i = 0; i < d_; ++i) v[i] -= c * m[i];
      }
    double norm = 0;
    for (double x : v) norm += x * x;
    norm = std::sqrt(norm);
    if (norm < 1e-6) continue;  // a draw (almost) inside the span: draw again
    for (double x : v) m_.push_back(static_cast<float>(x / norm));
    ++added;
  }
}

void HebbianSubspace::hebbian_step(std::span<const float> xs, size_t batch, double eta) {
  const size_t k = rows();
  if (k == frozen_ || batch == 0) return;
  std::vector<float> y(k), res(d_), delta((k - frozen_) * d_, 0.0f);
  for (size_t b = 0; b < batch; ++b) {
    const float* x = xs.data() + b * d_;
    matvec(m_.data(), nullptr, x, k, d_, y.data());
    matvec_t(m_.data(), y.data(), k, d_, res.data());  // x_hat = M^T y
    for (size_t i = 0; i < d_; ++i) res[i] = x[i] - res[i];
    for (size_t r = frozen_; r < k; ++r) axpy(y[r], res.data(), delta.data() + (r - frozen_) * d_, d_);
  }
  const float a = static_cast<float>(eta / static_cast<double>(batch));
  axpy(a, delta.data(), m_.data() + frozen_ * d_, delta.size());
}

void HebbianSubspace::project_out(const float* x, float* out) const {
  if (frozen_ == 0) {
    if (out != x) std::copy(x, x + d_, out);
    return;
  }
  std::vector<float> y(frozen_), back(d_);
  matvec(m_.data(), nullptr, x, frozen_, d_, y.data());
  matvec_t(m_.data(), y.data(), frozen_, d_, back.data());
  for (size_t i = 0; i < d_; ++i) out[i] = x[i] - back[i];
}

namespace {

// Lateral neurons per task and layer. HLOP's permuted-MNIST setting (784-800-800 network): 80, 200 and
// 100 neurons for the first task, then 70 more per task, 20 fewer every third task. Our single hidden
// layer of H neurons gets the first two sizes, scaled by H / 800 for the hidden layer.
size_t rows_for_task(int task, size_t layer, size_t hidden) {
  const double scale = layer == 0 ? 1.0 : static_cast<double>(hidden) / 800.0;
  const double first = layer == 0 ? 80.0 : 200.0 * scale;
  if (task == 0) return static_cast<size_t>(std::lround(first));
  const double inc = 70.0 * scale - 20.0 * scale * static_cast<double>(task / 3);
  return static_cast<size_t>(std::max(0L, std::lround(inc)));
}

struct Net {
  size_t d, h, k;
  std::vector<float> w1, b1, w2, b2;  // w1 input-major (d x h), w2 row-major (k x h)
};

struct Task {
  std::vector<size_t> train, test;  // indices into the splits
  std::vector<uint32_t> perm;       // pixel permutation (empty: identity)
  std::vector<int> classes;         // the head: classes scored for this task
};

class Runner {
 public:
  Runner(const data::Dataset& train, const data::Dataset& test, const std::string& scenario, const HlopOptions& o)
      : tr_(train), te_(test), o_(o), sub1_(train.dim()), sub2_(static_cast<size_t>(o.hidden)) {
    const size_t d = train.dim(), h = static_cast<size_t>(o.hidden), k = static_cast<size_t>(train.classes);
    net_ = Net{d, h, k, std::vector<float>(d * h), std::vector<float>(h, 0.0f), std::vector<float>(k * h), std::vector<float>(k, 0.0f)};
    Stream rng(o.seed, 0, 0, Purpose::Init);
    fill_normal(net_.w1, std::sqrt(2.0 / static_cast<double>(d)), rng);
    fill_normal(net_.w2, std::sqrt(1.0 / static_cast<double>(h)), rng);
    if (o.net == "snn") {
      // Current-based LIF (the project's neuron, src/snn): rest and reset 0, threshold 1, no refractory
      // period, dt = 1 ms; the input is a constant current for snn_steps steps.
      snn::LifParams p;
      p.conductance = false;
      p.tau_m = o.snn_tau;
      p.v_rest = p.v_reset = 0.0;
      p.v_thresh = 1.0;
      p.t_ref = 0.0;
      lif_ = snn::LifStep(p, 1.0);
      // Drive in the LIF's working range: a unit of current is the threshold, and the rate rises from
      // threshold to saturation over tau_m / dt units, so weights start 3x larger than He's and the bias
      // at the threshold (otherwise most neurons never fire and pass no gradient).
      for (auto& w : net_.w1) w *= 3.0f;
      std::fill(net_.b1.begin(), net_.b1.end(), 1.0f);
    }
    make_tasks(scenario);
  }

  HlopResult run() {
    HlopResult r;
    const size_t K = tasks_.size();
    r.acc.assign(K, {});
    const bool hlop = o_.method == "hlop";
    for (size_t t = 0; t < K; ++t) {
      if (hlop) {
        Stream rng(o_.seed, t, 1, Purpose::Init);
        sub1_.add_rows(rows_for_task(static_cast<int>(t), 0, net_.h), rng);
        sub2_.add_rows(rows_for_task(static_cast<int>(t), 1, net_.h), rng);
      }
      train_task(t, hlop);
      if (hlop) {
        for (int p = 0; p < o_.hebb_passes; ++p) hebbian_pass(t);
        sub1_.freeze();
        sub2_.freeze();
      }
      for (size_t j = 0; j <= t; ++j) r.acc[t].push_back(evaluate(j));
    }
    for (size_t j = 0; j < K; ++j) r.average_accuracy += r.acc[K - 1][j] / static_cast<double>(K);
    for (size_t j = 0; j + 1 < K; ++j) r.backward_transfer += (r.acc[K - 1][j] - r.acc[j][j]) / static_cast<double>(K - 1);
    r.subspace_rows = {sub1_.rows(), sub2_.rows()};
    return r;
  }

 private:
  void make_tasks(const std::string& scenario) {
    const size_t K = static_cast<size_t>(o_.tasks);
    for (size_t t = 0; t < K; ++t) {
      Task task;
      Stream rng(o_.seed, t, 0, Purpose::Episode);
      if (scenario == "permuted") {
        for (int c = 0; c < tr_.classes; ++c) task.classes.push_back(c);
        if (t > 0) {  // task 0 sees the digits as they are, later tasks a fixed random pixel permutation
          task.perm.resize(tr_.dim());
          std::iota(task.perm.begin(), task.perm.end(), 0u);
          for (size_t i = task.perm.size(); i > 1; --i) std::swap(task.perm[i - 1], task.perm[rng.below(i)]);
        }
      } else {
        task.classes = {static_cast<int>(2 * t), static_cast<int>(2 * t + 1)};
      }
      auto pick = [&](const data::Dataset& ds, int limit, Stream& s) {
        std::vector<size_t> idx;
        for (size_t i = 0; i < ds.size(); ++i)
          if (std::find(task.classes.begin(), task.classes.end(), ds.labels[i]) != task.classes.end()) idx.push_back(i);
        for (size_t i = idx.size(); i > 1; --i) std::swap(idx[i - 1], idx[s.below(i)]);
        if (limit > 0 && idx.size() > static_cast<size_t>(limit)) idx.resize(static_cast<size_t>(limit));
        return idx;
      };
      task.train = pick(tr_, o_.train_per_task, rng);
      task.test = pick(te_, o_.test_per_task, rng);
      tasks_.push_back(std::move(task));
    }
  }

  void input(const data::Dataset& ds, size_t i, const Task& task, float* x) const {
    const auto img = ds.image(i);
    if (task.perm.empty()) std::copy(img.begin(), img.end(), x);
    else
      for (size_t q = 0; q < img.size(); ++q) x[q] = img[task.perm[q]];
  }

  // Hidden layer: z = W1 x + b1; rate network r = relu(z), spiking network r = spike count / T of a LIF
  // neuron driven by the constant current z. g = dr/dz used by the backward pass: 1[z > 0] for relu;
  // for LIF the slope of its rate curve, dt / tau_m between threshold and saturation (threshold + tau_m / dt),
  // 0 elsewhere: the gradient goes through the spike rate, not through single spikes (as HLOP's DSR training).
  void hidden(const float* x, float* z, float* r, float* g) const {
    std::copy(net_.b1.begin(), net_.b1.end(), z);
    for (size_t q = 0; q < net_.d; ++q)
      if (x[q] != 0.0f) axpy(x[q], net_.w1.data() + q * net_.h, z, net_.h);
    if (o_.net == "rate") {
      for (size_t j = 0; j < net_.h; ++j) {
        r[j] = std::max(0.0f, z[j]);
        g[j] = z[j] > 0.0f ? 1.0f : 0.0f;
      }
      return;
    }
    const double slope = 1.0 / o_.snn_tau, sat = 1.0 + o_.snn_tau;
    for (size_t j = 0; j < net_.h; ++j) {
      double v = 0, ge = 0, gi = 0, theta = 0;
      int32_t refr = 0;
      int spikes = 0;
      for (int s = 0; s < o_.snn_steps; ++s) spikes += snn::lif_step(lif_, z[j], v, ge, gi, theta, refr) ? 1 : 0;
      r[j] = static_cast<float>(spikes) / static_cast<float>(o_.snn_steps);
      g[j] = (z[j] > 1.0f && z[j] < sat) ? static_cast<float>(slope) : 0.0f;
    }
  }

  int predict(const float* r, const Task& task, std::vector<float>& out) const {
    int best = task.classes[0];
    float best_v = -INFINITY;
    for (int c : task.classes) {
      out[static_cast<size_t>(c)] = dot(net_.w2.data() + static_cast<size_t>(c) * net_.h, r, net_.h) + net_.b2[static_cast<size_t>(c)];
      if (out[static_cast<size_t>(c)] > best_v) best_v = out[static_cast<size_t>(c)], best = c;
    }
    return best;
  }

  double evaluate(size_t t) const {
    const Task& task = tasks_[t];
    std::vector<float> x(net_.d), z(net_.h), r(net_.h), g(net_.h), out(net_.k);
    size_t correct = 0;
    for (size_t i : task.test) {
      input(te_, i, task, x.data());
      hidden(x.data(), z.data(), r.data(), g.data());
      correct += predict(r.data(), task, out) == te_.labels[i] ? 1 : 0;
    }
    return task.test.empty() ? 0.0 : static_cast<double>(correct) / static_cast<double>(task.test.size());
  }

  static double mean_sq_norm(const std::vector<float>& xs, size_t batch, size_t d) {
    double s = 0;
    for (size_t i = 0; i < batch * d; ++i) s += static_cast<double>(xs[i]) * xs[i];
    return std::max(s / static_cast<double>(batch), 1e-6);
  }

  void hebbian_batch(const std::vector<float>& xs, const std::vector<float>& rs, size_t batch) {
    sub1_.hebbian_step(xs, batch, o_.hebb_lr / mean_sq_norm(xs, batch, net_.d));
    sub2_.hebbian_step(rs, batch, o_.hebb_lr / mean_sq_norm(rs, batch, net_.h));
  }

  void train_task(size_t t, bool hlop) {
    const Task& task = tasks_[t];
    const size_t d = net_.d, h = net_.h, k = net_.k, B = static_cast<size_t>(o_.batch);
    const bool project = hlop && t > 0, biases = t == 0;  // HLOP trains biases on the first task only
    std::vector<float> gw1(d * h), gb1(h), gw2(k * h), gb2(k);
    std::vector<float> xs(B * d), rs(B * h), z(h), g(h), out(k), p(k), e1(h), xt(d), rt(h);
    std::vector<size_t> order = task.train;
    for (int epoch = 0; epoch < o_.epochs; ++epoch) {
      Stream rng(o_.seed, t, static_cast<uint64_t>(epoch) + 2, Purpose::Episode);
      for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
      for (size_t start = 0; start < order.size(); start += B) {
        const size_t nb = std::min(B, order.size() - start);
        std::fill(gw1.begin(), gw1.end(), 0.0f);
        std::fill(gb1.begin(), gb1.end(), 0.0f);
        std::fill(gw2.begin(), gw2.end(), 0.0f);
        std::fill(gb2.begin(), gb2.end(), 0.0f);
        for (size_t b = 0; b < nb; ++b) {
          const size_t i = order[start + b];
          float* x = xs.data() + b * d;
          float* r = rs.data() + b * h;
          input(tr_, i, task, x);
          hidden(x, z.data(), r, g.data());
          // Softmax over the task's head, cross-entropy gradient p - onehot.
          predict(r, task, out);
          float mx = -INFINITY, sum = 0.0f;
          for (int c : task.classes) mx = std::max(mx, out[static_cast<size_t>(c)]);
          for (int c : task.classes) sum += (p[static_cast<size_t>(c)] = std::exp(out[static_cast<size_t>(c)] - mx));
          std::fill(e1.begin(), e1.end(), 0.0f);
          if (project) sub2_.project_out(r, rt.data());
          else std::copy(r, r + h, rt.begin());
          for (int c : task.classes) {
            const size_t cc = static_cast<size_t>(c);
            const float delta = p[cc] / sum - (c == tr_.labels[i] ? 1.0f : 0.0f);
            axpy(delta, net_.w2.data() + cc * h, e1.data(), h);
            axpy(delta, rt.data(), gw2.data() + cc * h, h);
            gb2[cc] += delta;
          }
          for (size_t j = 0; j < h; ++j) e1[j] *= g[j];
          if (project) {
            sub1_.project_out(x, xt.data());
            for (size_t q = 0; q < d; ++q)
              if (xt[q] != 0.0f) axpy(xt[q], e1.data(), gw1.data() + q * h, h);
          } else {
            for (size_t q = 0; q < d; ++q)
              if (x[q] != 0.0f) axpy(x[q], e1.data(), gw1.data() + q * h, h);
          }
          axpy(1.0f, e1.data(), gb1.data(), h);
        }
        const float a = static_cast<float>(o_.lr / static_cast<double>(nb));
        axpy(-a, gw1.data(), net_.w1.data(), gw1.size());
        axpy(-a, gw2.data(), net_.w2.data(), gw2.size());
        if (biases) {
          axpy(-a, gb1.data(), net_.b1.data(), h);
          axpy(-a, gb2.data(), net_.b2.data(), k);
        }
        if (hlop) hebbian_batch(xs, rs, nb);
      }
    }
  }

  // Hebbian learning on the task's inputs and hidden activity of the trained network, no weight changes.
  void hebbian_pass(size_t t) {
    const Task& task = tasks_[t];
    const size_t d = net_.d, h = net_.h, B = static_cast<size_t>(o_.batch);
    std::vector<float> xs(B * d), rs(B * h), z(h), g(h);
    for (size_t start = 0; start < task.train.size(); start += B) {
      const size_t nb = std::min(B, task.train.size() - start);
      for (size_t b = 0; b < nb; ++b) {
        input(tr_, task.train[start + b], task, xs.data() + b * d);
        hidden(xs.data() + b * d, z.data(), rs.data() + b * h, g.data());
      }
      hebbian_batch(xs, rs, nb);
    }
  }

  const data::Dataset& tr_;
  const data::Dataset& te_;
  HlopOptions o_;
  Net net_;
  HebbianSubspace sub1_, sub2_;
  snn::LifStep lif_;
  std::vector<Task> tasks_;
};

}  // namespace

void check_hlop_options(const std::string& scenario, const HlopOptions& o) {
  if (scenario != "permuted" && scenario != "split") throw UsageError("unknown scenario '" + scenario + "' (permuted or split)");
  if (o.tasks < 2) throw UsageError("--tasks must be >= 2 (got " + std::to_string(o.tasks) + ")");
  if (scenario == "split" && o.tasks > 5)
    throw UsageError("--tasks must be <= 5 for split Fashion-MNIST (two classes per task), got " + std::to_string(o.tasks));
  if (o.net != "rate" && o.net != "snn") throw UsageError("--net must be rate or snn (got '" + o.net + "')");
  if (o.method != "hlop" && o.method != "finetune") throw UsageError("--method must be hlop or finetune (got '" + o.method + "')");
  if (o.hidden <= 0) throw UsageError("--hidden must be > 0");
  if (o.train_per_task < 0 || o.test_per_task < 0) throw UsageError("--train-per-task and --test-per-task must be >= 0");
  if (o.epochs <= 0) throw UsageError("--epochs must be > 0");
  if (o.batch <= 0) throw UsageError("--batch must be > 0");
  if (!(o.lr > 0)) throw UsageError("--lr must be > 0");
  if (!(o.hebb_lr > 0) || !(o.hebb_lr < 2)) throw UsageError("--hebb-lr must be in (0, 2)");
  if (o.hebb_passes < 0) throw UsageError("--hebb-passes must be >= 0");
  if (o.snn_steps <= 0) throw UsageError("--snn-steps must be > 0");
  if (!(o.snn_tau >= 1)) throw UsageError("--snn-tau must be >= 1 ms");
}

HlopResult run_hlop(const data::Dataset& train, const data::Dataset& test, const std::string& scenario, const HlopOptions& o) {
  check_hlop_options(scenario, o);
  return Runner(train, test, scenario, o).run();
}

}  // namespace neuroevo::continual
