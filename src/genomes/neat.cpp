// NEAT genomes, their operators and the compiled phenotype (include/neuroevo/genomes/neat.hpp).
#include "neuroevo/genomes/neat.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/suggest.hpp"
#include "neuroevo/nn/policy.hpp"

namespace neuroevo {

// ---------------------------------------------------------------------------------------------------
// Activations

namespace {
constexpr const char* kActivationNames[] = {"steep_sigmoid", "sigmoid", "tanh", "sine", "gauss",
                                            "abs",           "identity", "step", "relu"};
constexpr size_t kActivationCount = sizeof(kActivationNames) / sizeof(kActivationNames[0]);
}  // namespace

const char* activation_name(NeatActivation a) { return kActivationNames[static_cast<size_t>(a)]; }

NeatActivation activation_from_name(const std::string& name, const std::string& key) {
  std::vector<std::string> names(std::begin(kActivationNames), std::end(kActivationNames));
  for (size_t k = 0; k < kActivationCount; ++k)
    if (name == kActivationNames[k]) return static_cast<NeatActivation>(k);
  throw UsageError("config key '" + key + "': " + unknown_name_message("activation", name, names));
}

double apply_activation(NeatActivation a, double x) {
  switch (a) {
    case NeatActivation::SteepSigmoid: return 1.0 / (1.0 + std::exp(-4.9 * x));  // section 4.1 of the paper
    case NeatActivation::Sigmoid: return 1.0 / (1.0 + std::exp(-x));
    case NeatActivation::Tanh: return std::tanh(x);
    case NeatActivation::Sine: return std::sin(x);
    case NeatActivation::Gauss: return std::exp(-x * x);
    case NeatActivation::Abs: return std::abs(x);
    case NeatActivation::Identity: return x;
    case NeatActivation::Step: return x > 0.0 ? 1.0 : 0.0;
    case NeatActivation::Relu: return x > 0.0 ? x : 0.0;
  }
  return x;
}

namespace {
inline float activate_f(NeatActivation a, float x) {
  switch (a) {
    case NeatActivation::SteepSigmoid: return 1.0f / (1.0f + std::exp(-4.9f * x));
    case NeatActivation::Sigmoid: return 1.0f / (1.0f + std::exp(-x));
    case NeatActivation::Tanh: return std::tanh(x);
    case NeatActivation::Sine: return std::sin(x);
    case NeatActivation::Gauss: return std::exp(-x * x);
    case NeatActivation::Abs: return std::abs(x);
    case NeatActivation::Identity: return x;
    case NeatActivation::Step: return x > 0.0f ? 1.0f : 0.0f;
    case NeatActivation::Relu: return x > 0.0f ? x : 0.0f;
  }
  return x;
}
}  // namespace

// ---------------------------------------------------------------------------------------------------
// Innovations

uint32_t InnovationTracker::connection(uint32_t in, uint32_t out) {
  const auto [it, fresh] = connections_.try_emplace({in, out}, next_innovation_);
  if (fresh) ++next_innovation_;
  return it->second;
}

std::tuple<uint32_t, uint32_t, uint32_t> InnovationTracker::split(uint32_t innovation) {
  const auto it = splits_.find(innovation);
  if (it != splits_.end()) return it->second;
  const std::tuple<uint32_t, uint32_t, uint32_t> t{next_node_++, next_innovation_, next_innovation_ + 1};
  next_innovation_ += 2;
  splits_.emplace(innovation, t);
  return t;
}

// ---------------------------------------------------------------------------------------------------
// The genome

NeatGenome::NeatGenome(uint32_t inputs, uint32_t outputs, bool recurrent, NeatActivation output_activation,
                       NeatActivation hidden_activation, double init_range, Stream* rng)
    : inputs_(inputs), outputs_(outputs), recurrent_(recurrent) {
  (void)hidden_activation;
  for (uint32_t k = 0; k < inputs; ++k) nodes_.push_back({k, NeatNodeKind::Input, NeatActivation::Identity});
  nodes_.push_back({inputs, NeatNodeKind::Bias, NeatActivation::Identity});
  for (uint32_t o = 0; o < outputs; ++o) nodes_.push_back({inputs + 1 + o, NeatNodeKind::Output, output_activation});
  uint32_t innovation = 0;
  for (uint32_t o = 0; o < outputs; ++o)
    for (uint32_t k = 0; k <= inputs; ++k) {
      const double w = rng ? rng->uniform(-init_range, init_range) : 0.0;
      connections_.push_back({innovation++, k, inputs + 1 + o, static_cast<float>(w), true});
    }
}

size_t NeatGenome::hidden_nodes() const { return nodes_.size() - inputs_ - 1 - outputs_; }

size_t NeatGenome::enabled_connections() const {
  return static_cast<size_t>(std::count_if(connections_.begin(), connections_.end(), [](const auto& c) { return c.enabled; }));
}

namespace {
size_t node_slot(const std::vector<NeatNode>& nodes, uint32_t id) {
  const auto it = std::lower_bound(nodes.begin(), nodes.end(), id, [](const NeatNode& n, uint32_t v) { return n.id < v; });
  return it != nodes.end() && it->id == id ? static_cast<size_t>(it - nodes.begin()) : nodes.size();
}
}  // namespace

bool NeatGenome::reaches(uint32_t from, uint32_t to) const {
  if (from == to) return true;
  std::vector<uint32_t> stack{from};
  std::vector<char> seen(nodes_.size(), 0);
  while (!stack.empty()) {
    const uint32_t n = stack.back();
    stack.pop_back();
    for (const auto& c : connections_) {
      if (c.in != n) continue;
      if (c.out == to) return true;
      const size_t s = node_slot(nodes_, c.out);
      if (s < seen.size() && !seen[s]) {
        seen[s] = 1;
        stack.push_back(c.out);
      }
    }
  }
  return false;
}

void NeatGenome::check() const {
  if (nodes_.size() < size_t{inputs_} + 1 + outputs_) throw std::logic_error("neat genome: fewer nodes than inputs + bias + outputs");
  for (size_t k = 0; k < nodes_.size(); ++k) {
    const NeatNode& n = nodes_[k];
    const NeatNodeKind expect = k < inputs_ ? NeatNodeKind::Input
                                : k == inputs_ ? NeatNodeKind::Bias
                                : k <= size_t{inputs_} + outputs_ ? NeatNodeKind::Output
                                                                  : NeatNodeKind::Hidden;
    if (n.kind != expect) throw std::logic_error("neat genome: node " + std::to_string(k) + " has the wrong kind");
    if (k <= size_t{inputs_} + outputs_ && n.id != k) throw std::logic_error("neat genome: input/bias/output ids out of order");
    if (k > 0 && !(nodes_[k - 1].id < n.id)) throw std::logic_error("neat genome: node ids unsorted or duplicated");
    if (static_cast<size_t>(n.activation) >= kActivationCount) throw std::logic_error("neat genome: unknown activation");
  }
  for (size_t k = 0; k < connections_.size(); ++k) {
    const auto& c = connections_[k];
    if (k > 0 && !(connections_[k - 1].innovation < c.innovation))
      throw std::logic_error("neat genome: innovations unsorted or duplicated");
    const size_t in = node_slot(nodes_, c.in), out = node_slot(nodes_, c.out);
    if (in == nodes_.size() || out == nodes_.size()) throw std::logic_error("neat genome: connection to a missing node");
    if (out <= inputs_) throw std::logic_error("neat genome: connection into an input or the bias");
    if (!std::isfinite(c.weight)) throw std::logic_error("neat genome: non-finite weight");
  }
  std::vector<std::pair<uint32_t, uint32_t>> pairs;
  for (const auto& c : connections_) pairs.emplace_back(c.in, c.out);
  std::sort(pairs.begin(), pairs.end());
  if (std::adjacent_find(pairs.begin(), pairs.end()) != pairs.end())
    throw std::logic_error("neat genome: two connections between the same nodes");
  if (recurrent_) return;
  // Kahn's algorithm over all connections: a feed-forward genome must order completely.
  std::vector<uint32_t> pending(nodes_.size(), 0);
  std::vector<std::vector<uint32_t>> out_edges(nodes_.size());
  for (const auto& c : connections_) {
    const size_t a = node_slot(nodes_, c.in), b = node_slot(nodes_, c.out);
    ++pending[b];
    out_edges[a].push_back(static_cast<uint32_t>(b));
  }
  std::vector<uint32_t> ready;
  for (uint32_t k = 0; k < nodes_.size(); ++k)
    if (pending[k] == 0) ready.push_back(k);
  size_t ordered = 0;
  while (!ready.empty()) {
    const uint32_t k = ready.back();
    ready.pop_back();
    ++ordered;
    for (uint32_t t : out_edges[k])
      if (--pending[t] == 0) ready.push_back(t);
  }
  if (ordered != nodes_.size()) throw std::logic_error("neat genome: a feed-forward genome has a cycle");
}

// ---------------------------------------------------------------------------------------------------
// Bytes

namespace {

constexpr uint32_t kBytesVersion = 1;

void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  for (int k = 0; k < 4; ++k) out.push_back(static_cast<uint8_t>(v >> (8 * k)));
}

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> b) : b_(b) {}
  uint8_t u8() {
    need(1);
    return b_[pos_++];
  }
  uint32_t u32() {
    need(4);
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) v |= static_cast<uint32_t>(b_[pos_ + k]) << (8 * k);
    pos_ += 4;
    return v;
  }
  float f32() { return std::bit_cast<float>(u32()); }
  size_t remaining() const { return b_.size() - pos_; }

 private:
  void need(size_t n) {
    if (b_.size() - pos_ < n) throw UsageError("neat genome bytes truncated at byte " + std::to_string(pos_));
  }
  std::span<const uint8_t> b_;
  size_t pos_ = 0;
};

}  // namespace

std::vector<uint8_t> NeatGenome::to_bytes() const {
  std::vector<uint8_t> out{'N', 'E', 'A', 'T'};
  out.reserve(32 + 6 * nodes_.size() + 17 * connections_.size());
  put_u32(out, kBytesVersion);
  put_u32(out, inputs_);
  put_u32(out, outputs_);
  out.push_back(recurrent_ ? 1 : 0);
  put_u32(out, static_cast<uint32_t>(nodes_.size()));
  for (const auto& n : nodes_) {
    put_u32(out, n.id);
    out.push_back(static_cast<uint8_t>(n.kind));
    out.push_back(static_cast<uint8_t>(n.activation));
  }
  put_u32(out, static_cast<uint32_t>(connections_.size()));
  for (const auto& c : connections_) {
    put_u32(out, c.innovation);
    put_u32(out, c.in);
    put_u32(out, c.out);
    put_u32(out, std::bit_cast<uint32_t>(c.weight));
    out.push_back(c.enabled ? 1 : 0);
  }
  return out;
}

NeatGenome neat_from_bytes(std::span<const uint8_t> bytes) {
  Reader r(bytes);
  if (r.remaining() < 4 || r.u8() != 'N' || r.u8() != 'E' || r.u8() != 'A' || r.u8() != 'T')
    throw UsageError("neat genome bytes: missing the NEAT magic");
  const uint32_t version = r.u32();
  if (version != kBytesVersion)
    throw UsageError("neat genome bytes: format version " + std::to_string(version) + ", this build reads " +
                     std::to_string(kBytesVersion));
  const uint32_t inputs = r.u32(), outputs = r.u32();
  const uint8_t rec = r.u8();
  if (rec > 1) throw UsageError("neat genome bytes: recurrent flag is not 0 or 1");
  const uint32_t n_nodes = r.u32();
  if (n_nodes > r.remaining() / 6) throw UsageError("neat genome bytes: node count exceeds the data");
  std::vector<NeatNode> nodes(n_nodes);
  for (auto& n : nodes) {
    n.id = r.u32();
    const uint8_t kind = r.u8(), act = r.u8();
    if (kind > static_cast<uint8_t>(NeatNodeKind::Hidden)) throw UsageError("neat genome bytes: unknown node kind");
    if (act >= kActivationCount) throw UsageError("neat genome bytes: unknown activation " + std::to_string(act));
    n.kind = static_cast<NeatNodeKind>(kind);
    n.activation = static_cast<NeatActivation>(act);
  }
  const uint32_t n_conns = r.u32();
  if (n_conns > r.remaining() / 17) throw UsageError("neat genome bytes: connection count exceeds the data");
  std::vector<NeatConnection> conns(n_conns);
  for (auto& c : conns) {
    c.innovation = r.u32();
    c.in = r.u32();
    c.out = r.u32();
    c.weight = r.f32();
    const uint8_t e = r.u8();
    if (e > 1) throw UsageError("neat genome bytes: enabled flag is not 0 or 1");
    c.enabled = e == 1;
  }
  if (r.remaining() != 0) throw UsageError("neat genome bytes: unexpected trailing bytes");
  if (uint64_t{inputs} + 1 + outputs > n_nodes) throw UsageError("neat genome bytes: fewer nodes than inputs + bias + outputs");
  NeatGenome out(inputs, outputs, rec == 1, std::move(nodes), std::move(conns));
  try {
    out.check();
  } catch (const std::logic_error& e) {
    throw UsageError(std::string("malformed ") + e.what());
  }
  return out;
}

std::unique_ptr<const Candidate> decode_neat(std::span<const uint8_t> bytes) {
  return std::make_unique<NeatGenome>(neat_from_bytes(bytes));
}

// ---------------------------------------------------------------------------------------------------
// The phenotype: a flat program over node slots. Parameters are the enabled connections' weights in
// program order.

namespace {

struct Op {
  uint32_t slot;
  NeatActivation activation;
  uint32_t begin, end;  // edges [begin, end) of `sources` / the parameter vector
};

class NeatPolicy final : public Policy {
 public:
  NeatPolicy(const NeatGenome& g, std::vector<uint32_t>& weight_order, Space action)
      : inputs_(g.inputs()), slots_(static_cast<uint32_t>(g.nodes().size())), recurrent_(g.recurrent()),
        action_(std::move(action)), hidden_(g.hidden_nodes()) {
    const auto& nodes = g.nodes();
    const auto& conns = g.connections();
    // Incoming enabled connections per node slot (in innovation order) and outgoing targets.
    std::vector<std::vector<uint32_t>> incoming(nodes.size()), targets(nodes.size());
    std::vector<uint32_t> src_slot(conns.size(), 0);
    for (uint32_t c = 0; c < conns.size(); ++c) {
      if (!conns[c].enabled) continue;
      src_slot[c] = static_cast<uint32_t>(node_slot(nodes, conns[c].in));
      const auto t = static_cast<uint32_t>(node_slot(nodes, conns[c].out));
      incoming[t].push_back(c);
      targets[src_slot[c]].push_back(t);
    }
    std::vector<uint32_t> order;
    if (recurrent_) {
      for (uint32_t s = inputs_ + 1; s < slots_; ++s) order.push_back(s);
    } else {
      // Kahn's algorithm over enabled connections, lowest slot first, so the program is a function of the
      // genome. Inputs and bias are available from the start.
      std::vector<uint32_t> pending(nodes.size(), 0);
      for (uint32_t s = 0; s < slots_; ++s) pending[s] = static_cast<uint32_t>(incoming[s].size());
      std::vector<uint32_t> ready;
      auto release = [&](uint32_t s) {
        for (uint32_t t : targets[s])
          if (--pending[t] == 0) ready.push_back(t);
      };
      for (uint32_t s = inputs_ + 1; s < slots_; ++s)
        if (pending[s] == 0) ready.push_back(s);
      for (uint32_t s = 0; s <= inputs_; ++s) release(s);
      while (!ready.empty()) {
        const auto it = std::min_element(ready.begin(), ready.end());
        const uint32_t s = *it;
        ready.erase(it);
        order.push_back(s);
        release(s);
      }
      if (order.size() != slots_ - inputs_ - 1)
        throw UsageError("a feed-forward neat genome has a cycle among its enabled connections");
    }
    for (uint32_t s : order) {
      Op op{s, nodes[s].activation, static_cast<uint32_t>(sources_.size()), 0};
      for (uint32_t c : incoming[s]) {
        sources_.push_back(src_slot[c]);
        weight_order.push_back(c);
      }
      op.end = static_cast<uint32_t>(sources_.size());
      ops_.push_back(op);
    }
    for (uint32_t o = 0; o < g.outputs(); ++o) outputs_.push_back(inputs_ + 1 + o);
  }

  size_t num_params() const override { return sources_.size(); }
  void init_params(uint64_t, std::span<float> params) const override { std::fill(params.begin(), params.end(), 0.0f); }

  void reset(PolicyScratch& scratch, uint64_t episode_seed) const override {
    Policy::reset(scratch, episode_seed);
    scratch.a.assign(slots_, 0.0f);
    scratch.state.assign(recurrent_ ? slots_ : 0, 0.0f);
  }

  void act(std::span<const float> p, std::span<const float> obs, std::span<float> action,
           PolicyScratch& scratch) const override {
    float* v = scratch.a.data();
    for (uint32_t k = 0; k < inputs_; ++k) v[k] = obs[k];
    v[inputs_] = 1.0f;
    if (!recurrent_) {
      for (const Op& op : ops_) {
        float sum = 0.0f;
        for (uint32_t e = op.begin; e < op.end; ++e) sum += p[e] * v[sources_[e]];
        v[op.slot] = activate_f(op.activation, sum);
      }
    } else {
      // One synchronous step: every node reads the previous step's activations (inputs: this step's).
      float* prev = scratch.state.data();
      for (uint32_t k = 0; k <= inputs_; ++k) prev[k] = v[k];
      for (const Op& op : ops_) {
        float sum = 0.0f;
        for (uint32_t e = op.begin; e < op.end; ++e) sum += p[e] * prev[sources_[e]];
        v[op.slot] = activate_f(op.activation, sum);
      }
      for (const Op& op : ops_) prev[op.slot] = v[op.slot];
    }
    if (action_.is_discrete()) {
      size_t best = 0;
      for (size_t k = 0; k < outputs_.size(); ++k) {
        const float y = v[outputs_[k]];
        if (std::isnan(y)) {
          action[0] = std::numeric_limits<float>::quiet_NaN();
          return;
        }
        if (y > v[outputs_[best]]) best = k;
      }
      action[0] = static_cast<float>(best);
      return;
    }
    for (size_t k = 0; k < outputs_.size(); ++k)
      action[k] = static_cast<float>(std::clamp<double>(v[outputs_[k]], action_.low[k], action_.high[k]));
  }

  double flops_per_act() const override { return 2.0 * static_cast<double>(sources_.size()) + static_cast<double>(ops_.size()); }

  std::string describe() const override {
    std::ostringstream os;
    os << "NEAT " << (recurrent_ ? "recurrent" : "feed-forward") << " network: " << inputs_ << " inputs, " << hidden_
       << " hidden, " << outputs_.size() << " outputs, " << sources_.size() << " connections";
    return os.str();
  }

 private:
  uint32_t inputs_, slots_;
  bool recurrent_;
  Space action_;
  size_t hidden_;
  std::vector<Op> ops_;
  std::vector<uint32_t> sources_;
  std::vector<uint32_t> outputs_;
};

}  // namespace

PolicyPhenotype NeatGenome::policy(const Space& observation, const Space& action) const {
  const size_t outputs = action.is_discrete() ? static_cast<size_t>(action.n) : action.dim();
  if (observation.is_discrete() || observation.dim() != inputs_ || outputs != outputs_)
    throw UsageError("a neat genome with " + std::to_string(inputs_) + " inputs and " + std::to_string(outputs_) +
                     " outputs does not fit this environment's spaces");
  std::vector<uint32_t> order;
  auto pol = std::make_shared<NeatPolicy>(*this, order, action);
  PolicyPhenotype p;
  p.params.reserve(order.size());
  for (uint32_t c : order) p.params.push_back(connections_[c].weight);
  p.policy = std::move(pol);
  return p;
}

// ---------------------------------------------------------------------------------------------------
// Operators

double compatibility(const NeatGenome& a, const NeatGenome& b, const Compatibility& c) {
  const auto& x = a.connections();
  const auto& y = b.connections();
  size_t i = 0, j = 0, disjoint = 0, matching = 0;
  double wdiff = 0.0;
  while (i < x.size() && j < y.size()) {
    if (x[i].innovation == y[j].innovation) {
      wdiff += std::abs(static_cast<double>(x[i].weight) - static_cast<double>(y[j].weight));
      ++matching, ++i, ++j;
    } else if (x[i].innovation < y[j].innovation) {
      ++disjoint, ++i;
    } else {
      ++disjoint, ++j;
    }
  }
  const size_t excess = (x.size() - i) + (y.size() - j);
  const size_t larger = std::max(x.size(), y.size());
  const double n = larger < c.normalize_below ? 1.0 : static_cast<double>(larger);
  const double w = matching ? wdiff / static_cast<double>(matching) : 0.0;
  return c.c1 * static_cast<double>(excess) / n + c.c2 * static_cast<double>(disjoint) / n + c.c3 * w;
}

NeatGenome crossover(const NeatGenome& fit, const NeatGenome& other, double disable, Stream& rng, bool average) {
  NeatGenome child = fit;
  const auto& y = other.connections();
  size_t j = 0;
  for (auto& c : child.connections()) {
    while (j < y.size() && y[j].innovation < c.innovation) ++j;
    if (j < y.size() && y[j].innovation == c.innovation) {
      const bool either_disabled = !c.enabled || !y[j].enabled;
      if (average) c.weight = 0.5f * (c.weight + y[j].weight);
      else if (rng.uniform() < 0.5) c.weight = y[j].weight;
      if (either_disabled) c.enabled = !(rng.uniform() < disable);
    }
  }
  // Hidden nodes present in both parents take their activation at random (matters for CPPNs only).
  const auto& on = other.nodes();
  size_t k = 0;
  for (auto& n : child.nodes()) {
    while (k < on.size() && on[k].id < n.id) ++k;
    if (k < on.size() && on[k].id == n.id && n.kind == NeatNodeKind::Hidden && rng.uniform() < 0.5)
      n.activation = on[k].activation;
  }
  return child;
}

namespace {
NeatActivation pick(const std::vector<NeatActivation>& options, Stream& rng) {
  return options[static_cast<size_t>(rng.below(options.size()))];
}
void insert_connection(NeatGenome& g, const NeatConnection& c) {
  auto& v = g.connections();
  const auto it = std::lower_bound(v.begin(), v.end(), c.innovation,
                                   [](const NeatConnection& a, uint32_t inn) { return a.innovation < inn; });
  v.insert(it, c);
}
}  // namespace

bool mutate_add_node(NeatGenome& g, const NeatMutation& m, InnovationTracker& innovations, Stream& rng) {
  std::vector<size_t> enabled;
  for (size_t k = 0; k < g.connections().size(); ++k)
    if (g.connections()[k].enabled) enabled.push_back(k);
  if (enabled.empty()) return false;
  NeatConnection& split = g.connections()[enabled[static_cast<size_t>(rng.below(enabled.size()))]];
  const auto [node, first, second] = innovations.split(split.innovation);
  if (node_slot(g.nodes(), node) != g.nodes().size()) return false;  // this genome already split it this generation
  split.enabled = false;
  const NeatConnection a{first, split.in, node, 1.0f, true};  // weight 1 in, the old weight out (section 3.1)
  const NeatConnection b{second, node, split.out, split.weight, true};
  g.nodes().push_back({node, NeatNodeKind::Hidden, pick(m.activations, rng)});  // node ids grow: stays sorted
  insert_connection(g, a);
  insert_connection(g, b);
  return true;
}

bool mutate_add_connection(NeatGenome& g, const NeatMutation& m, InnovationTracker& innovations, Stream& rng) {
  const auto& nodes = g.nodes();
  const size_t first_target = size_t{g.inputs()} + 1;
  // A recurrent genome looks for one kind of link per mutation, as NEAT 1.2 does (recur_only_prob).
  const bool want_loop = m.recurrent && rng.uniform() < m.recurrent_only;
  for (uint32_t t = 0; t < m.connection_tries; ++t) {
    const uint32_t in = nodes[static_cast<size_t>(rng.below(nodes.size()))].id;
    const uint32_t out = nodes[first_target + static_cast<size_t>(rng.below(nodes.size() - first_target))].id;
    const bool exists = std::any_of(g.connections().begin(), g.connections().end(),
                                    [&](const NeatConnection& c) { return c.in == in && c.out == out; });
    if (exists) continue;
    if (g.reaches(out, in) != want_loop) continue;  // feed-forward genomes: would close a cycle
    const double w = rng.uniform(-m.init_range, m.init_range);
    insert_connection(g, {innovations.connection(in, out), in, out, static_cast<float>(w), true});
    return true;
  }
  return false;
}

void mutate_weights(NeatGenome& g, const NeatMutation& m, Stream& rng) {
  if (m.neat12_weights) {
    // NEAT 1.2, Genome::mutate_link_weights(power, rate = 1.0, GAUSSIAN): per call, "severe" with p 0.5;
    // per gene, the probabilities (perturb, replace): severe (0.7, 0.2); the genes past the first 80% of a
    // genome of 10 or more (0.5, 0.2); otherwise (1, 0). Values uniform in [-power, power].
    const bool severe = rng.uniform() > 0.5;
    const double total = static_cast<double>(g.connections().size()), tail = 0.8 * total;
    double num = 0.0;
    for (auto& c : g.connections()) {
      const double perturb = severe ? 0.7 : (total >= 10.0 && num > tail) ? 0.5 : 1.0;
      const double replace = perturb < 1.0 ? 0.2 : 0.0;
      const double u = rng.uniform();
      double w = c.weight;
      if (u < perturb) w += rng.uniform(-m.power, m.power);
      else if (u < perturb + replace) w = rng.uniform(-m.power, m.power);
      c.weight = static_cast<float>(std::clamp(w, -m.weight_max, m.weight_max));
      num += 1.0;
    }
    return;
  }
  for (auto& c : g.connections()) {
    double w = c.weight;
    if (rng.uniform() < m.perturb) w += rng.uniform(-m.power, m.power);
    else w = rng.uniform(-m.power, m.power);
    c.weight = static_cast<float>(std::clamp(w, -m.weight_max, m.weight_max));
  }
}

void mutate(NeatGenome& g, const NeatMutation& m, InnovationTracker& innovations, Stream& rng) {
  if (m.exclusive) {
    // NEAT 1.2: a structural mutation replaces the parametric ones for this offspring.
    if (rng.uniform() < m.add_node) {
      mutate_add_node(g, m, innovations, rng);
      return;
    }
    if (rng.uniform() < m.add_connection) {
      mutate_add_connection(g, m, innovations, rng);
      return;
    }
  } else {
    if (rng.uniform() < m.add_node) mutate_add_node(g, m, innovations, rng);
    if (rng.uniform() < m.add_connection) mutate_add_connection(g, m, innovations, rng);
  }
  if (rng.uniform() < m.weights) mutate_weights(g, m, rng);
  if (rng.uniform() < m.toggle_enable && !g.connections().empty()) {
    auto& c = g.connections()[static_cast<size_t>(rng.below(g.connections().size()))];
    // Enabling can never close a cycle in a feed-forward genome: cycles are checked over all connections.
    c.enabled = !c.enabled;
  }
  if (m.reenable > 0.0 && rng.uniform() < m.reenable) {
    // Re-enabling cannot close a cycle either (cycles are checked over all connections).
    for (auto& c : g.connections())
      if (!c.enabled) {
        c.enabled = true;
        break;
      }
  }
  if (rng.uniform() < m.activation && g.hidden_nodes() > 0) {
    auto& n = g.nodes()[size_t{g.inputs()} + 1 + g.outputs() + static_cast<size_t>(rng.below(g.hidden_nodes()))];
    n.activation = pick(m.activations, rng);
  }
}

// ---------------------------------------------------------------------------------------------------
// SVG

std::string NeatGenome::svg() const {
  // Layer of a node: inputs and bias 0, hidden nodes the longest feed-forward path from an input (capped
  // by the node count, so recurrent cycles terminate), outputs one past the deepest hidden layer.
  const size_t n = nodes_.size();
  std::vector<int> layer(n, 0);
  for (size_t round = 0; round < n; ++round) {
    bool changed = false;
    for (const auto& c : connections_) {
      if (!c.enabled) continue;
      const size_t a = node_slot(nodes_, c.in), b = node_slot(nodes_, c.out);
      if (nodes_[b].kind != NeatNodeKind::Hidden || a == b) continue;
      if (layer[b] < layer[a] + 1 && layer[a] + 1 <= static_cast<int>(n)) {
        layer[b] = layer[a] + 1;
        changed = true;
      }
    }
    if (!changed) break;
  }
  int deepest = 0;
  for (size_t k = 0; k < n; ++k)
    if (nodes_[k].kind == NeatNodeKind::Hidden) deepest = std::max(deepest, layer[k]);
  for (size_t k = 0; k < n; ++k)
    if (nodes_[k].kind == NeatNodeKind::Output) layer[k] = deepest + 1;
  std::vector<int> count(static_cast<size_t>(deepest) + 2, 0), index(n, 0);
  for (size_t k = 0; k < n; ++k) index[k] = count[static_cast<size_t>(layer[k])]++;
  const int tallest = *std::max_element(count.begin(), count.end());
  const double width = 140.0 * (deepest + 1) + 120.0, height = 50.0 * tallest + 60.0;
  auto px = [&](size_t k) { return 60.0 + 140.0 * layer[k]; };
  auto py = [&](size_t k) {
    const int c = count[static_cast<size_t>(layer[k])];
    return 30.0 + (height - 60.0) * (c == 1 ? 0.5 : static_cast<double>(index[k]) / (c - 1));
  };
  double wmax = 1e-9;
  for (const auto& c : connections_)
    if (c.enabled) wmax = std::max(wmax, static_cast<double>(std::abs(c.weight)));
  std::ostringstream os;
  os << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height << "\" viewBox=\"0 0 "
     << width << ' ' << height << "\" font-family=\"sans-serif\" font-size=\"10\">\n";
  os << "<title>NEAT network: " << hidden_nodes() << " hidden nodes, " << enabled_connections()
     << " enabled connections; blue positive, red negative weights, width proportional to |w|</title>\n";
  for (const auto& c : connections_) {
    if (!c.enabled) continue;
    const size_t a = node_slot(nodes_, c.in), b = node_slot(nodes_, c.out);
    const double w = 0.5 + 4.5 * std::abs(c.weight) / wmax;
    const char* colour = c.weight >= 0 ? "#2166ac" : "#b2182b";
    if (a == b) {
      os << "<circle cx=\"" << px(a) << "\" cy=\"" << py(a) - 14 << "\" r=\"8\" fill=\"none\" stroke=\"" << colour
         << "\" stroke-width=\"" << w << "\"/>\n";
      continue;
    }
    os << "<line x1=\"" << px(a) << "\" y1=\"" << py(a) << "\" x2=\"" << px(b) << "\" y2=\"" << py(b) << "\" stroke=\""
       << colour << "\" stroke-width=\"" << w << "\" stroke-opacity=\"0.8\"><title>" << c.in << " -> " << c.out
       << " w=" << c.weight << " (innovation " << c.innovation << ")</title></line>\n";
  }
  for (size_t k = 0; k < n; ++k) {
    const auto& node = nodes_[k];
    const char* fill = node.kind == NeatNodeKind::Input ? "#ffffff"
                       : node.kind == NeatNodeKind::Bias ? "#dddddd"
                       : node.kind == NeatNodeKind::Output ? "#fdb863"
                                                            : "#b2abd2";
    os << "<circle cx=\"" << px(k) << "\" cy=\"" << py(k) << "\" r=\"9\" fill=\"" << fill
       << "\" stroke=\"#333\"><title>node " << node.id << " (" << activation_name(node.activation) << ")</title></circle>\n";
    const char* label = node.kind == NeatNodeKind::Bias ? "b" : nullptr;
    os << "<text x=\"" << px(k) << "\" y=\"" << py(k) + 3 << "\" text-anchor=\"middle\">"
       << (label ? label : std::to_string(node.id)) << "</text>\n";
  }
  os << "</svg>\n";
  return os.str();
}

}  // namespace neuroevo
