// HyperNEAT genomes: a CPPN painting a layered substrate (include/neuroevo/genomes/hyperneat.hpp).
#include "neuroevo/genomes/hyperneat.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <sstream>

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/number_text.hpp"
#include "neuroevo/nn/policy.hpp"

namespace neuroevo {

std::vector<std::pair<uint32_t, uint32_t>> parse_substrate_layers(const std::string& text, const std::string& key) {
  std::vector<std::pair<uint32_t, uint32_t>> layers;
  if (text.empty()) return layers;
  std::vector<std::string> items{""};
  for (char ch : text) {
    if (ch == ',') items.emplace_back();
    else items.back() += ch;
  }
  for (const std::string& item : items) {
    const auto x = item.find('x');
    const auto r = x == std::string::npos ? std::nullopt : parse_integer(item.substr(0, x), 1, 4096);
    const auto c = x == std::string::npos ? std::nullopt : parse_integer(item.substr(x + 1), 1, 4096);
    if (!r || !c)
      throw UsageError("config key '" + key + "': layer '" + item +
                       "' is not ROWSxCOLUMNS with both in [1, 4096] (a layer of size 0 has no nodes)");
    layers.emplace_back(static_cast<uint32_t>(*r), static_cast<uint32_t>(*c));
  }
  return layers;
}

namespace {

constexpr uint32_t kVersion = 1, kGridVersion = 2;

void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  for (int k = 0; k < 4; ++k) out.push_back(static_cast<uint8_t>(v >> (8 * k)));
}
void put_f64(std::vector<uint8_t>& out, double v) {
  const auto u = std::bit_cast<uint64_t>(v);
  put_u32(out, static_cast<uint32_t>(u));
  put_u32(out, static_cast<uint32_t>(u >> 32));
}

// Node coordinates of a layer: a row (rows = 1) or a grid, each axis spanning [-1, 1] (0 for one node).
std::vector<std::pair<float, float>> coordinates(uint32_t rows, uint32_t cols) {
  auto at = [](uint32_t k, uint32_t n) { return n == 1 ? 0.0f : -1.0f + 2.0f * static_cast<float>(k) / static_cast<float>(n - 1); };
  std::vector<std::pair<float, float>> xy;
  for (uint32_t r = 0; r < rows; ++r)
    for (uint32_t c = 0; c < cols; ++c) xy.emplace_back(at(c, cols), at(r, rows));
  return xy;
}

class SubstratePolicy final : public Policy {
 public:
  SubstratePolicy(std::vector<uint32_t> sizes, Space action) : sizes_(std::move(sizes)), action_(std::move(action)) {
    for (size_t l = 0; l + 1 < sizes_.size(); ++l) params_ += size_t{sizes_[l + 1]} * (sizes_[l] + 1);
    widest_ = *std::max_element(sizes_.begin(), sizes_.end());
  }
  size_t num_params() const override { return params_; }
  void init_params(uint64_t, std::span<float> p) const override { std::fill(p.begin(), p.end(), 0.0f); }
  void reset(PolicyScratch& s, uint64_t seed) const override {
    Policy::reset(s, seed);
    s.a.assign(widest_, 0.0f);
    s.b.assign(widest_, 0.0f);
  }
  void act(std::span<const float> p, std::span<const float> obs, std::span<float> action,
           PolicyScratch& s) const override {
    float* in = s.a.data();
    float* out = s.b.data();
    std::copy(obs.begin(), obs.end(), in);
    size_t off = 0;
    const size_t last = sizes_.size() - 2;
    for (size_t l = 0; l + 1 < sizes_.size(); ++l) {
      const uint32_t n = sizes_[l], m = sizes_[l + 1];
      const float* w = p.data() + off;
      const float* b = w + size_t{m} * n;
      for (uint32_t j = 0; j < m; ++j) {
        float sum = b[j];
        for (uint32_t k = 0; k < n; ++k) sum += w[size_t{j} * n + k] * in[k];
        out[j] = (l == last && action_.is_discrete()) ? sum : std::tanh(sum);
      }
      off += size_t{m} * (n + 1);
      std::swap(in, out);
    }
    const uint32_t m = sizes_.back();
    if (action_.is_discrete()) {
      uint32_t best = 0;
      for (uint32_t j = 0; j < m; ++j) {
        if (std::isnan(in[j])) {
          action[0] = std::numeric_limits<float>::quiet_NaN();
          return;
        }
        if (in[j] > in[best]) best = j;
      }
      action[0] = static_cast<float>(best);
      return;
    }
    for (uint32_t j = 0; j < m; ++j) action[j] = static_cast<float>(std::clamp<double>(in[j], action_.low[j], action_.high[j]));
  }
  double flops_per_act() const override { return 2.0 * static_cast<double>(params_); }
  std::string describe() const override {
    std::ostringstream os;
    os << "HyperNEAT substrate";
    for (size_t l = 0; l < sizes_.size(); ++l) os << (l ? "-" : " ") << sizes_[l];
    os << " (" << params_ << " params)";
    return os.str();
  }

 private:
  std::vector<uint32_t> sizes_;
  Space action_;
  size_t params_ = 0;
  uint32_t widest_ = 0;
};

}  // namespace

std::vector<uint32_t> HyperNeatGenome::layer_sizes() const {
  std::vector<uint32_t> sizes{inputs_};
  for (const auto& [r, c] : substrate_.hidden) sizes.push_back(r * c);
  sizes.push_back(outputs_);
  return sizes;
}

std::vector<float> HyperNeatGenome::paint() const {
  const uint32_t nin = cppn_inputs(substrate_);
  const Space cin = Space::box(std::vector<double>(nin, -1e30), std::vector<double>(nin, 1e30));
  const Space cout = Space::box(std::vector<double>(kCppnOutputs, -1e30), std::vector<double>(kCppnOutputs, 1e30));
  const PolicyPhenotype cppn = cppn_.policy(cin, cout);
  PolicyScratch scratch;
  // Input nodes in observation order; with a grid input, node (r, c, k) sits at index (r * cols + c) * C + k.
  std::vector<std::vector<std::pair<float, float>>> xy{{}};
  std::vector<float> channel(inputs_, 0.0f);  // the source's channel coordinate (grid input only)
  if (substrate_.grid()) {
    const uint32_t ch = substrate_.grid_channels;
    for (const auto& p : coordinates(substrate_.grid_rows, substrate_.grid_cols))
      for (uint32_t k = 0; k < ch; ++k) {
        channel[xy[0].size()] = ch == 1 ? 0.0f : -1.0f + 2.0f * static_cast<float>(k) / static_cast<float>(ch - 1);
        xy[0].push_back(p);
      }
  } else {
    xy[0] = coordinates(1, inputs_);
  }
  for (const auto& [r, c] : substrate_.hidden) xy.push_back(coordinates(r, c));
  xy.push_back(coordinates(1, outputs_));
  const double thr = substrate_.threshold, scale = substrate_.max_weight;
  auto express = [&](float o) -> float {
    const double a = std::abs(static_cast<double>(o));
    if (!(a > thr)) return 0.0f;  // NaN expresses nothing too
    return static_cast<float>(std::copysign((std::min(a, 1.0) - thr) / (1.0 - thr) * scale, o));
  };
  std::vector<float> params;
  const size_t links = xy.size() - 1;
  float q[kCppnInputs + 1] = {}, o[kCppnOutputs];
  const std::span<const float> query(q, nin);
  for (size_t l = 0; l < links; ++l) {
    const float z = links == 1 ? 0.0f : -1.0f + 2.0f * static_cast<float>(l) / static_cast<float>(links - 1);
    for (const auto& [x2, y2] : xy[l + 1])
      for (size_t k = 0; k < xy[l].size(); ++k) {
        cppn.policy->reset(scratch, 0);
        q[0] = xy[l][k].first, q[1] = xy[l][k].second, q[2] = x2, q[3] = y2, q[4] = z;
        q[5] = l == 0 ? channel[k] : 0.0f;
        cppn.policy->act(cppn.params, query, o, scratch);
        params.push_back(express(o[0]));
      }
    for (const auto& [x2, y2] : xy[l + 1]) {
      cppn.policy->reset(scratch, 0);
      q[0] = 0, q[1] = 0, q[2] = x2, q[3] = y2, q[4] = z, q[5] = 0;
      cppn.policy->act(cppn.params, query, o, scratch);
      params.push_back(express(o[1]));
    }
  }
  return params;
}

PolicyPhenotype HyperNeatGenome::policy(const Space& observation, const Space& action) const {
  const size_t outputs = action.is_discrete() ? static_cast<size_t>(action.n) : action.dim();
  if (observation.is_discrete() || observation.dim() != inputs_ || outputs != outputs_)
    throw UsageError("a hyperneat genome for " + std::to_string(inputs_) + " inputs and " + std::to_string(outputs_) +
                     " outputs does not fit this environment's spaces");
  PolicyPhenotype p;
  p.policy = std::make_shared<SubstratePolicy>(layer_sizes(), action);
  p.params = paint();
  return p;
}

std::vector<uint8_t> HyperNeatGenome::to_bytes() const {
  std::vector<uint8_t> out{'H', 'Y', 'P', 'N'};
  put_u32(out, substrate_.grid() ? kGridVersion : kVersion);
  put_u32(out, inputs_);
  put_u32(out, outputs_);
  if (substrate_.grid()) {
    put_u32(out, substrate_.grid_rows);
    put_u32(out, substrate_.grid_cols);
    put_u32(out, substrate_.grid_channels);
  }
  put_f64(out, substrate_.threshold);
  put_f64(out, substrate_.max_weight);
  put_u32(out, static_cast<uint32_t>(substrate_.hidden.size()));
  for (const auto& [r, c] : substrate_.hidden) {
    put_u32(out, r);
    put_u32(out, c);
  }
  const auto cppn = cppn_.to_bytes();
  out.insert(out.end(), cppn.begin(), cppn.end());
  return out;
}

std::unique_ptr<const Candidate> decode_hyperneat(std::span<const uint8_t> b) {
  size_t pos = 0;
  auto need = [&](size_t n) {
    if (b.size() - pos < n) throw UsageError("hyperneat genome bytes truncated at byte " + std::to_string(pos));
  };
  auto u32 = [&] {
    need(4);
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) v |= static_cast<uint32_t>(b[pos + k]) << (8 * k);
    pos += 4;
    return v;
  };
  auto f64 = [&] {
    const uint64_t lo = u32(), hi = u32();
    return std::bit_cast<double>(lo | (hi << 32));
  };
  need(4);
  if (b[0] != 'H' || b[1] != 'Y' || b[2] != 'P' || b[3] != 'N') throw UsageError("hyperneat genome bytes: missing the HYPN magic");
  pos = 4;
  const uint32_t version = u32();
  if (version != kVersion && version != kGridVersion) throw UsageError("hyperneat genome bytes: unknown format version");
  const uint32_t inputs = u32(), outputs = u32();
  Substrate s;
  if (version == kGridVersion) {
    s.grid_rows = u32();
    s.grid_cols = u32();
    s.grid_channels = u32();
    if (s.grid_rows == 0 || s.grid_cols == 0 || s.grid_channels == 0 ||
        uint64_t{s.grid_rows} * s.grid_cols * s.grid_channels != inputs)
      throw UsageError("hyperneat genome bytes: the input grid's rows x columns x channels must equal the inputs");
  }
  s.threshold = f64();
  s.max_weight = f64();
  if (!(s.threshold >= 0 && s.threshold < 1) || !(s.max_weight > 0 && std::isfinite(s.max_weight)))
    throw UsageError("hyperneat genome bytes: threshold must be in [0, 1) and max_weight finite and > 0");
  const uint32_t layers = u32();
  if (layers > (b.size() - pos) / 8) throw UsageError("hyperneat genome bytes: layer count exceeds the data");
  for (uint32_t l = 0; l < layers; ++l) {
    const uint32_t r = u32(), c = u32();
    if (r == 0 || c == 0 || r > 4096 || c > 4096) throw UsageError("hyperneat genome bytes: a layer of size 0 or above 4096");
    s.hidden.emplace_back(r, c);
  }
  if (inputs == 0 || outputs == 0 || inputs > 1u << 20 || outputs > 1u << 20)
    throw UsageError("hyperneat genome bytes: substrate inputs/outputs out of range");
  NeatGenome cppn = neat_from_bytes(b.subspan(pos));
  if (cppn.inputs() != cppn_inputs(s) || cppn.outputs() != kCppnOutputs || cppn.recurrent())
    throw UsageError("hyperneat genome bytes: the CPPN must be a feed-forward " + std::to_string(cppn_inputs(s)) +
                     "-input, 2-output neat genome");
  return std::make_unique<HyperNeatGenome>(std::move(cppn), std::move(s), inputs, outputs);
}

std::string HyperNeatGenome::svg() const {
  const std::vector<uint32_t> sizes = layer_sizes();
  const std::vector<float> p = paint();
  const double col = 160, height = 40.0 + 18.0 * *std::max_element(sizes.begin(), sizes.end());
  const double width = 80 + col * static_cast<double>(sizes.size() - 1);
  auto px = [&](size_t l) { return 40 + col * static_cast<double>(l); };
  auto py = [&](size_t l, uint32_t k) {
    return sizes[l] == 1 ? height / 2 : 20 + (height - 40) * static_cast<double>(k) / (sizes[l] - 1);
  };
  float wmax = 1e-9f;
  for (float w : p) wmax = std::max(wmax, std::abs(w));
  std::ostringstream os;
  size_t shown = 0, off = 0;
  std::ostringstream lines;
  for (size_t l = 0; l + 1 < sizes.size(); ++l) {
    const uint32_t n = sizes[l], m = sizes[l + 1];
    for (uint32_t j = 0; j < m; ++j)
      for (uint32_t k = 0; k < n; ++k) {
        const float w = p[off + size_t{j} * n + k];
        if (w == 0.0f) continue;
        ++shown;
        lines << "<line x1=\"" << px(l) << "\" y1=\"" << py(l, k) << "\" x2=\"" << px(l + 1) << "\" y2=\"" << py(l + 1, j)
              << "\" stroke=\"" << (w > 0 ? "#2166ac" : "#b2182b") << "\" stroke-width=\"" << 0.3 + 3.0 * std::abs(w) / wmax
              << "\" stroke-opacity=\"0.7\"/>\n";
      }
    off += size_t{m} * (n + 1);
  }
  os << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height << "\" viewBox=\"0 0 "
     << width << ' ' << height << "\">\n<title>HyperNEAT substrate: " << shown
     << " expressed connections; blue positive, red negative, width proportional to |w|</title>\n"
     << lines.str();
  for (size_t l = 0; l < sizes.size(); ++l)
    for (uint32_t k = 0; k < sizes[l]; ++k)
      os << "<circle cx=\"" << px(l) << "\" cy=\"" << py(l, k) << "\" r=\"5\" fill=\"#fdb863\" stroke=\"#333\"/>\n";
  os << "</svg>\n";
  return os.str();
}

}  // namespace neuroevo
