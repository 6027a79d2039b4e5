// Convolutional policy: conv layers (kernel, stride, SAME or VALID padding), ReLU, flatten, fully
// connected layers, and an output layer sized to the action space.
//
// Input: the observation as height x width x channels, channel-last (Space::shape; a flat observation
// without a shape is read as 1 x 1 x dim). Activations stay channel-last; flatten is a no-op on that
// layout (row, column, channel order).
//
// Parameter layout, layer by layer from the input:
//   conv: W[ky][kx][cin][cout] then b[cout]   (TensorFlow's HWIO order)
//   fc:   W[in][out] then b[out]              (input-major, as the mlp policy)
// Padding follows TensorFlow: SAME gives ceil(in / stride) outputs with max((out-1)*stride + k - in, 0)
// zero cells split floor-half before and the rest after; VALID gives floor((in - k) / stride) + 1.
// (The Deep GA's Atari network (Such et al. 2017) uses SAME on all three convolutions: that is what gives
// its 4,052,658 parameters for 84x84x4 input and 18 actions.)
//
// Forward pass: im2col + a register-blocked GEMM. The patches of 4 output pixels are copied into one
// buffer (zeros for padding) and multiplied by the weights 4 pixels x 8 outputs at a time, so each
// weight vector loaded feeds 4 pixels. Every output is computed as ((b + x_0 w_0) + x_1 w_1) + ... in
// patch order (ky, kx, cin), whatever the blocking, with separate multiplies and adds (-ffp-contract=off):
// results are identical for any thread count, and equal to a naive loop in the same order.
//
// Presets (config `preset`):
//   minatar       conv 16 3x3/1 VALID, relu, fc 128, relu  (the MinAtar baseline network; Young & Tian 2019)
//   deepga_atari  conv 32 8x8/4, relu, conv 64 4x4/2, relu, conv 64 3x3/1, relu, all SAME, fc 512, relu
//                 (Such et al. 2017, after Mnih et al. 2015)
//   custom        the `layers` string, e.g. "conv:16:3:1:valid, relu, flatten, fc:128, relu"
// Initialisation: W ~ N(0, 1 / fan_in), biases 0 (as the mlp policy).
// Scratch: PolicyScratch::a/b hold activations, PolicyScratch::state the im2col patches.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <sstream>

#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/number_text.hpp"
#include "neuroevo/nn/conv.hpp"
#include "neuroevo/nn/policies.hpp"

namespace neuroevo {

namespace {

using V4 = float __attribute__((vector_size(16)));

inline V4 load4(const float* p) {
  V4 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store4(float* p, V4 v) { std::memcpy(p, &v, sizeof v); }
inline V4 relu4(V4 v) {
  const V4 zero = {};
  return v > zero ? v : zero;  // lanes: v > 0 ? v : 0 (NaN -> 0, like max(v, 0) with 0 second)
}
inline float relu1(float v) { return v > 0.0f ? v : 0.0f; }

// P input rows (pixels) x 4*NV outputs: y[t][o + j] = b[o + j] + sum_i x[t][i] * w[i][o + j], summed in
// input order. x rows are `len` apart; `stride` is the weight matrix's output count.
template <size_t P, size_t NV>
inline void gemm_block(const float* __restrict x, size_t len, const float* __restrict w, size_t stride,
                       const float* __restrict bias, float* __restrict y, size_t y_stride, bool relu) {
  V4 acc[P][NV];
  for (size_t t = 0; t < P; ++t)
    for (size_t k = 0; k < NV; ++k) acc[t][k] = load4(bias + 4 * k);
  for (size_t i = 0; i < len; ++i) {
    V4 wv[NV];
    for (size_t k = 0; k < NV; ++k) wv[k] = load4(w + i * stride + 4 * k);
    for (size_t t = 0; t < P; ++t) {
      const float xs = x[t * len + i];
      const V4 xi = {xs, xs, xs, xs};
      for (size_t k = 0; k < NV; ++k) acc[t][k] += xi * wv[k];
    }
  }
  for (size_t t = 0; t < P; ++t)
    for (size_t k = 0; k < NV; ++k) store4(y + t * y_stride + 4 * k, relu ? relu4(acc[t][k]) : acc[t][k]);
}

// The last out % 4 outputs of P rows, scalar.
template <size_t P>
inline void gemm_tail(const float* __restrict x, size_t len, const float* __restrict w, size_t stride,
                      const float* __restrict bias, float* __restrict y, size_t y_stride, size_t n, bool relu) {
  for (size_t t = 0; t < P; ++t)
    for (size_t j = 0; j < n; ++j) {
      float acc = bias[j];
      for (size_t i = 0; i < len; ++i) acc += x[t * len + i] * w[i * stride + j];
      y[t * y_stride + j] = relu ? relu1(acc) : acc;
    }
}

// y[t][:] = act(b + x[t] W) for P rows of x, W of len x out (input-major), bias after W.
template <size_t P, size_t NV>
void gemm_rows(const float* x, size_t len, const float* w, size_t out, float* y, bool relu) {
  const float* bias = w + len * out;
  size_t o = 0;
  for (; o + 4 * NV <= out; o += 4 * NV) gemm_block<P, NV>(x, len, w + o, out, bias + o, y + o, out, relu);
  for (; o + 4 <= out; o += 4) gemm_block<P, 1>(x, len, w + o, out, bias + o, y + o, out, relu);
  if (o < out) gemm_tail<P>(x, len, w + o, out, bias + o, y + o, out, out - o, relu);
}

// A large fully connected layer (weights beyond the caches) for one input: the weight matrix is streamed
// row by row, contiguously, with the outputs accumulating in y (in L1). Each output is still
// ((b + x_0 w_0) + x_1 w_1) + ...: the same values as gemm_rows, with memory read in address order.
void dense_streaming(const float* __restrict x, size_t in, const float* __restrict w, size_t out,
                     float* __restrict y, bool relu) {
  const float* bias = w + in * out;
  std::copy(bias, bias + out, y);
  const size_t out4 = out / 4 * 4;
  for (size_t i = 0; i < in; ++i) {
    const float xs = x[i];
    const V4 xi = {xs, xs, xs, xs};
    const float* __restrict row = w + i * out;
    for (size_t o = 0; o < out4; o += 4) store4(y + o, load4(y + o) + xi * load4(row + o));
    for (size_t o = out4; o < out; ++o) y[o] += xs * row[o];
  }
  if (relu)
    for (size_t o = 0; o < out; ++o) y[o] = relu1(y[o]);
}

constexpr size_t kTile = 4;                         // output pixels per GEMM tile
constexpr size_t kStreamingBytes = size_t{1} << 21;  // fc weights above 2 MiB are streamed

}  // namespace

// ----- layer specs ----------------------------------------------------------------------------------

const char* conv_preset_layers(const std::string& preset) {
  if (preset == "minatar") return "conv:16:3:1:valid, relu, fc:128, relu";
  if (preset == "deepga_atari")
    return "conv:32:8:4:same, relu, conv:64:4:2:same, relu, conv:64:3:1:same, relu, fc:512, relu";
  return nullptr;
}

ConvNet::ConvNet(const std::string& layers, std::vector<int> in_shape, size_t outputs) {
  if (in_shape.size() != 3 || in_shape[0] < 1 || in_shape[1] < 1 || in_shape[2] < 1)
    throw UsageError("policy 'conv': the observation shape must be height x width x channels");
  input_ = in_shape;
  int h = in_shape[0], w = in_shape[1], c = in_shape[2];
  bool flat = false;
  size_t offset = 0;
  auto shape_text = [](int a, int b, int d) {
    return std::to_string(a) + "x" + std::to_string(b) + "x" + std::to_string(d);
  };
  std::stringstream ss(layers);
  std::string item;
  size_t index = 0;
  auto fail = [&](const std::string& why) {
    throw UsageError("policy 'conv' layers, item " + std::to_string(index) + " '" + item + "': " + why +
                     " (items: conv:FILTERS:KERNEL:STRIDE:same|valid, relu, flatten, fc:UNITS)");
  };
  auto parse_int = [&](const std::string& v, int lo, int hi) {
    const auto x = parse_integer(v, lo, hi);
    if (!x) fail("'" + v + "' is not an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
    return static_cast<int>(*x);
  };
  while (std::getline(ss, item, ',')) {
    ++index;
    const auto b = item.find_first_not_of(" \t\n"), e = item.find_last_not_of(" \t\n");
    item = b == std::string::npos ? "" : item.substr(b, e - b + 1);
    std::vector<std::string> f;
    std::stringstream fs(item);
    for (std::string part; std::getline(fs, part, ':');) f.push_back(part);
    if (item.empty()) fail("empty item");
    if (f[0] == "relu") {
      if (layers_.empty() || layers_.back().relu) fail("relu must follow a conv or fc layer");
      layers_.back().relu = true;
    } else if (f[0] == "flatten") {
      if (f.size() != 1) fail("flatten takes no arguments");
      flat = true;
    } else if (f[0] == "conv") {
      if (f.size() != 5) fail("expected conv:FILTERS:KERNEL:STRIDE:same|valid");
      if (flat) fail("a conv layer cannot follow flatten or fc");
      Layer l;
      l.kind = Layer::Conv;
      l.cout = parse_int(f[1], 1, 1 << 16);
      l.k = parse_int(f[2], 1, 1024);
      l.stride = parse_int(f[3], 1, 1024);
      if (f[4] != "same" && f[4] != "valid") fail("padding must be same or valid, got '" + f[4] + "'");
      l.in_h = h, l.in_w = w, l.cin = c;
      if (f[4] == "same") {
        l.out_h = (h + l.stride - 1) / l.stride;
        l.out_w = (w + l.stride - 1) / l.stride;
        l.pad_top = std::max((l.out_h - 1) * l.stride + l.k - h, 0) / 2;
        l.pad_left = std::max((l.out_w - 1) * l.stride + l.k - w, 0) / 2;
      } else {
        if (l.k > h || l.k > w)
          fail("a " + std::to_string(l.k) + "x" + std::to_string(l.k) + " VALID convolution does not fit its " +
               shape_text(h, w, c) + " input");
        l.out_h = (h - l.k) / l.stride + 1;
        l.out_w = (w - l.k) / l.stride + 1;
      }
      l.in = static_cast<size_t>(l.k) * l.k * c;
      l.out = static_cast<size_t>(l.cout);
      l.offset = offset;
      offset += l.in * l.out + l.out;
      h = l.out_h, w = l.out_w, c = l.cout;
      layers_.push_back(l);
    } else if (f[0] == "fc") {
      if (f.size() != 2) fail("expected fc:UNITS");
      flat = true;
      Layer l;
      l.kind = Layer::Fc;
      l.in = static_cast<size_t>(h) * w * c;
      l.out = static_cast<size_t>(parse_int(f[1], 1, 1 << 20));
      l.offset = offset;
      offset += l.in * l.out + l.out;
      h = 1, w = 1, c = static_cast<int>(l.out);
      layers_.push_back(l);
    } else {
      fail("unknown layer '" + f[0] + "'");
    }
  }
  // The output layer.
  Layer head;
  head.kind = Layer::Fc;
  head.in = static_cast<size_t>(h) * w * c;
  head.out = outputs;
  head.offset = offset;
  offset += head.in * head.out + head.out;
  layers_.push_back(head);
  num_params_ = offset;
  widest_ = 0;
  patch_ = 0;
  for (const Layer& l : layers_) {
    widest_ = std::max(widest_, l.kind == Layer::Conv ? static_cast<size_t>(l.out_h) * l.out_w * l.out : l.out);
    if (l.kind == Layer::Conv) patch_ = std::max(patch_, kTile * l.in);
  }
}

void ConvNet::init_params(uint64_t seed, std::span<float> params) const {
  Stream rng(seed);
  for (const Layer& l : layers_) {
    const double scale = 1.0 / std::sqrt(static_cast<double>(l.in));
    float* p = params.data() + l.offset;
    for (size_t k = 0; k < l.in * l.out; ++k) p[k] = static_cast<float>(rng.normal() * scale);
    std::fill(p + l.in * l.out, p + l.in * l.out + l.out, 0.0f);
  }
}

// One convolution: tiles of kTile output pixels through im2col + gemm_rows.
static void conv_forward(const ConvNet::Layer& l, const float* x, const float* w, float* y, float* patches) {
  const size_t cin = static_cast<size_t>(l.cin), row_len = static_cast<size_t>(l.k) * cin;
  const size_t pixels = static_cast<size_t>(l.out_h) * l.out_w;
  auto build_patch = [&](size_t pixel, float* dst) {
    const int oy = static_cast<int>(pixel / l.out_w), ox = static_cast<int>(pixel % l.out_w);
    const int iy0 = oy * l.stride - l.pad_top, ix0 = ox * l.stride - l.pad_left;
    for (int ky = 0; ky < l.k; ++ky, dst += row_len) {
      const int iy = iy0 + ky;
      if (iy < 0 || iy >= l.in_h) {
        std::fill(dst, dst + row_len, 0.0f);
      } else if (ix0 >= 0 && ix0 + l.k <= l.in_w) {  // the whole kernel row is inside: one contiguous run
        std::memcpy(dst, x + (static_cast<size_t>(iy) * l.in_w + ix0) * cin, row_len * sizeof(float));
      } else {
        for (int kx = 0; kx < l.k; ++kx) {
          const int ix = ix0 + kx;
          float* d = dst + static_cast<size_t>(kx) * cin;
          if (ix < 0 || ix >= l.in_w) std::fill(d, d + cin, 0.0f);
          else std::memcpy(d, x + (static_cast<size_t>(iy) * l.in_w + ix) * cin, cin * sizeof(float));
        }
      }
    }
  };
  size_t p = 0;
  for (; p + kTile <= pixels; p += kTile) {
    for (size_t t = 0; t < kTile; ++t) build_patch(p + t, patches + t * l.in);
    gemm_rows<kTile, 2>(patches, l.in, w, l.out, y + p * l.out, l.relu);
  }
  for (; p < pixels; ++p) {
    build_patch(p, patches);
    gemm_rows<1, 8>(patches, l.in, w, l.out, y + p * l.out, l.relu);
  }
}

void ConvNet::forward(std::span<const float> params, std::span<const float> obs, PolicyScratch& s) const {
  if (s.a.size() < widest_) {
    s.a.resize(widest_);
    s.b.resize(widest_);
  }
  if (s.state.size() < patch_) s.state.resize(patch_);
  const float* x = obs.data();
  float* const buffers[2] = {s.a.data(), s.b.data()};
  for (size_t i = 0; i < layers_.size(); ++i) {
    const Layer& l = layers_[i];
    float* y = buffers[i & 1];
    const float* w = params.data() + l.offset;
    if (l.kind == Layer::Conv) conv_forward(l, x, w, y, s.state.data());
    else if (l.in * l.out * sizeof(float) > kStreamingBytes) dense_streaming(x, l.in, w, l.out, y, l.relu);
    else gemm_rows<1, 8>(x, l.in, w, l.out, y, l.relu);
    x = y;
  }
}

const float* ConvNet::output(const PolicyScratch& s) const {
  return (layers_.size() - 1) % 2 == 0 ? s.a.data() : s.b.data();
}

double ConvNet::flops() const {
  double f = 0.0;
  for (const Layer& l : layers_) {
    const double rows = l.kind == Layer::Conv ? static_cast<double>(l.out_h) * l.out_w : 1.0;
    f += rows * static_cast<double>(l.out) * (2.0 * static_cast<double>(l.in) + 1.0);
  }
  return f;
}

std::string ConvNet::describe() const {
  std::ostringstream os;
  os << input_[0] << "x" << input_[1] << "x" << input_[2];
  for (const Layer& l : layers_) {
    if (l.kind == Layer::Conv)
      os << " -> conv" << l.cout << " " << l.k << "x" << l.k << "/" << l.stride << " (" << l.out_h << "x" << l.out_w
         << "x" << l.cout << ")";
    else
      os << " -> fc" << l.out;
    if (l.relu) os << " relu";
  }
  return os.str();
}

namespace {

class ConvPolicy final : public Policy {
 public:
  ConvPolicy(ConvNet net, Space action, std::string preset)
      : net_(std::move(net)), action_(std::move(action)), preset_(std::move(preset)) {}
  size_t num_params() const override { return net_.num_params(); }
  void init_params(uint64_t seed, std::span<float> params) const override { net_.init_params(seed, params); }
  void act(std::span<const float> params, std::span<const float> obs, std::span<float> action,
           PolicyScratch& s) const override {
    net_.forward(params, obs, s);
    const float* y = net_.output(s);
    if (action_.is_discrete()) {
      action[0] = static_cast<float>(std::max_element(y, y + action_.n) - y);  // lowest index wins ties
    } else {
      for (size_t k = 0; k < action.size(); ++k) {
        const double lo = action_.low[k], hi = action_.high[k];
        action[k] = static_cast<float>(lo + (std::tanh(static_cast<double>(y[k])) + 1.0) * 0.5 * (hi - lo));
      }
    }
  }
  double flops_per_act() const override { return net_.flops(); }
  std::string describe() const override {
    return "conv " + preset_ + ": " + net_.describe() + " (" + std::to_string(net_.num_params()) + " params)";
  }

 private:
  ConvNet net_;
  Space action_;
  std::string preset_;
};

}  // namespace

std::unique_ptr<const Policy> make_conv_policy(ConfigSection& cfg, const Space& obs, const Space& action) {
  const bool has_layers = cfg.has("layers");
  const std::string preset =
      cfg.get_string("preset", has_layers ? "custom" : "minatar", {"minatar", "deepga_atari", "custom"});
  std::string layers;
  if (preset == "custom") {
    if (!has_layers) throw UsageError("config key '" + cfg.full_key("layers") + "' is required with preset = \"custom\"");
    layers = cfg.get_string("layers", "");
  } else {
    const std::string preset_layers = conv_preset_layers(preset);
    layers = cfg.get_string("layers", preset_layers);
    if (layers != preset_layers)
      throw UsageError("config key '" + cfg.full_key("layers") + "' conflicts with preset = \"" + preset +
                       "\"; use preset = \"custom\" for your own layers");
  }
  if (obs.is_discrete()) throw UsageError("policy 'conv' needs an image or vector observation space");
  std::vector<int> shape = obs.shape;
  if (shape.empty()) shape = {1, 1, static_cast<int>(obs.dim())};
  const size_t outputs = action.is_discrete() ? static_cast<size_t>(action.n) : action.dim();
  return std::make_unique<ConvPolicy>(ConvNet(layers, std::move(shape), outputs), action, preset);
}

}  // namespace neuroevo
