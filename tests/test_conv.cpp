// Tests of the convolutional policy (src/nn/conv.cpp): parameter counts of the presets, layer output
// shapes, forward pass against a naive reference written from the documented layout, and config errors.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/rng.hpp"
#include "neuroevo/envs/env.hpp"
#include "neuroevo/nn/conv.hpp"
#include "neuroevo/nn/policy.hpp"
#include "registry_util.hpp"

namespace neuroevo {
namespace {

std::unique_ptr<const Policy> conv_policy(const std::string& toml, const Space& obs, const Space& action) {
  return test_util::policy_from_toml("conv", toml, obs, action);
}

TEST(ConvPolicy, DeepGaAtariNetworkHas4052658Parameters) {
  // Such et al. 2017: 84x84x4 input, 18 Atari actions.
  const auto p = conv_policy("preset = \"deepga_atari\"\n", Space::image(84, 84, 4, 0, 255), Space::discrete(18));
  EXPECT_EQ(p->num_params(), 4'052'658u);
  const ConvNet net(conv_preset_layers("deepga_atari"), {84, 84, 4}, 18);
  ASSERT_EQ(net.layers().size(), 5u);
  EXPECT_EQ(net.layers()[0].out_h, 21);
  EXPECT_EQ(net.layers()[1].out_h, 11);
  EXPECT_EQ(net.layers()[2].out_w, 11);
  EXPECT_EQ(net.layers()[3].in, 11u * 11 * 64);
}

TEST(ConvPolicy, MinAtarNetworkParameterCount) {
  // conv 16 3x3 VALID on 10x10x4: 8x8x16 = 1024 -> fc 128 -> 6 actions.
  const auto p = conv_policy("", Space::image(10, 10, 4, 0, 1), Space::discrete(6));
  EXPECT_EQ(p->num_params(), (3u * 3 * 4 * 16 + 16) + (1024u * 128 + 128) + (128u * 6 + 6));
  EXPECT_EQ(p->num_params(), 132'566u);
  // Seaquest's 10 channels.
  const auto q = conv_policy("preset = \"minatar\"\n", Space::image(10, 10, 10, 0, 1), Space::discrete(6));
  EXPECT_EQ(q->num_params(), (3u * 3 * 10 * 16 + 16) + (1024u * 128 + 128) + (128u * 6 + 6));
}

// Naive reference, written from the documented layout: HWIO conv weights then biases; TensorFlow SAME
// padding; fc weights [in][out] then biases; channel-last activations. Sums in (ky, kx, cin) order.
struct RefLayer {
  bool conv;
  int filters, k, stride;
  bool same, relu;
};

std::vector<float> reference_forward(const std::vector<RefLayer>& layers, std::vector<float> x, int h, int w, int c,
                                     const std::vector<float>& params) {
  size_t p = 0;
  for (const RefLayer& l : layers) {
    if (l.conv) {
      int oh, ow, pt, pl;
      if (l.same) {
        oh = (h + l.stride - 1) / l.stride;
        ow = (w + l.stride - 1) / l.stride;
        pt = std::max((oh - 1) * l.stride + l.k - h, 0) / 2;
        pl = std::max((ow - 1) * l.stride + l.k - w, 0) / 2;
      } else {
        oh = (h - l.k) / l.stride + 1;
        ow = (w - l.k) / l.stride + 1;
        pt = pl = 0;
      }
      const float* W = params.data() + p;
      const float* B = W + static_cast<size_t>(l.k) * l.k * c * l.filters;
      std::vector<float> y(static_cast<size_t>(oh) * ow * l.filters);
      for (int oy = 0; oy < oh; ++oy)
        for (int ox = 0; ox < ow; ++ox)
          for (int f = 0; f < l.filters; ++f) {
            float acc = B[f];
            for (int ky = 0; ky < l.k; ++ky)
              for (int kx = 0; kx < l.k; ++kx)
                for (int ci = 0; ci < c; ++ci) {
                  const int iy = oy * l.stride - pt + ky, ix = ox * l.stride - pl + kx;
                  const float v = (iy < 0 || iy >= h || ix < 0 || ix >= w) ? 0.0f : x[(iy * w + ix) * c + ci];
                  acc += v * W[((ky * l.k + kx) * c + ci) * l.filters + f];
                }
            y[(oy * ow + ox) * l.filters + f] = l.relu ? std::max(acc, 0.0f) : acc;
          }
      p += static_cast<size_t>(l.k) * l.k * c * l.filters + l.filters;
      x = std::move(y);
      h = oh, w = ow, c = l.filters;
    } else {
      const size_t in = x.size();
      const float* W = params.data() + p;
      const float* B = W + in * l.filters;
      std::vector<float> y(l.filters);
      for (int o = 0; o < l.filters; ++o) {
        float acc = B[o];
        for (size_t i = 0; i < in; ++i) acc += x[i] * W[i * l.filters + o];
        y[o] = l.relu ? std::max(acc, 0.0f) : acc;
      }
      p += in * l.filters + l.filters;
      x = std::move(y);
      h = w = 1, c = l.filters;
    }
  }
  EXPECT_EQ(p, params.size());
  return x;
}

void expect_matches_reference(const std::string& spec, const std::vector<RefLayer>& ref, int h, int w, int c,
                              int outputs) {
  const ConvNet net(spec, {h, w, c}, static_cast<size_t>(outputs));
  std::vector<float> params(net.num_params());
  Stream rng(11);
  for (float& v : params) v = static_cast<float>(rng.normal() * 0.5);  // random biases too
  std::vector<float> obs(static_cast<size_t>(h) * w * c);
  for (float& v : obs) v = static_cast<float>(rng.uniform(-1.0, 1.0));
  PolicyScratch s;
  net.forward(params, obs, s);
  std::vector<RefLayer> all = ref;
  all.push_back({false, outputs, 0, 0, false, false});
  const std::vector<float> want = reference_forward(all, obs, h, w, c, params);
  ASSERT_EQ(want.size(), static_cast<size_t>(outputs));
  for (int o = 0; o < outputs; ++o)
    EXPECT_FLOAT_EQ(net.output(s)[o], want[o]) << spec << ", output " << o;  // same order: equal up to -0
}

TEST(ConvPolicy, ForwardMatchesNaiveReference) {
  // Odd sizes: pixel counts not multiples of the 4-pixel tile, filter counts not multiples of 4 or 8,
  // asymmetric SAME padding, strides 1-3.
  expect_matches_reference("conv:5:3:2:same, relu, conv:4:2:1:valid, fc:7, relu",
                           {{true, 5, 3, 2, true, true}, {true, 4, 2, 1, false, false}, {false, 7, 0, 0, false, true}},
                           7, 6, 3, 3);
  expect_matches_reference("conv:9:4:3:same, relu, conv:16:3:1:same, relu, flatten, fc:33, relu",
                           {{true, 9, 4, 3, true, true}, {true, 16, 3, 1, true, true}, {false, 33, 0, 0, false, true}},
                           13, 11, 2, 5);
  expect_matches_reference("conv:16:3:1:valid, relu, fc:128, relu",
                           {{true, 16, 3, 1, false, true}, {false, 128, 0, 0, false, true}}, 10, 10, 4, 6);
  expect_matches_reference("fc:10", {{false, 10, 0, 0, false, false}}, 1, 1, 5, 3);
  // A fully connected layer above 2 MiB of weights takes the streaming path (1024 x 601 floats).
  expect_matches_reference("conv:4:1:1:valid, relu, fc:601, relu",
                           {{true, 4, 1, 1, false, true}, {false, 601, 0, 0, false, true}}, 16, 16, 2, 5);
}

TEST(ConvPolicy, SamePaddingKeepsSizeAndValidShrinks) {
  const ConvNet same("conv:3:3:1:same", {5, 7, 2}, 1);
  EXPECT_EQ(same.layers()[0].out_h, 5);
  EXPECT_EQ(same.layers()[0].out_w, 7);
  EXPECT_EQ(same.layers()[0].pad_top, 1);
  const ConvNet even("conv:3:4:2:same", {6, 6, 1}, 1);  // total padding 2 -> 1 before, 1 after
  EXPECT_EQ(even.layers()[0].out_h, 3);
  EXPECT_EQ(even.layers()[0].pad_top, 1);
  const ConvNet valid("conv:3:3:2:valid", {9, 8, 1}, 1);
  EXPECT_EQ(valid.layers()[0].out_h, 4);
  EXPECT_EQ(valid.layers()[0].out_w, 3);
}

TEST(ConvPolicy, ActsWithArgmaxAndIsDeterministic) {
  const auto p = conv_policy("", Space::image(10, 10, 4, 0, 1), Space::discrete(6));
  std::vector<float> params(p->num_params());
  p->init_params(3, params);
  std::vector<float> obs(400, 0.0f);
  for (size_t i = 0; i < obs.size(); i += 7) obs[i] = 1.0f;
  PolicyScratch s1, s2;
  float a1[1], a2[1];
  p->act(params, obs, a1, s1);
  p->act(params, obs, a2, s2);
  EXPECT_EQ(a1[0], a2[0]);
  EXPECT_GE(a1[0], 0.0f);
  EXPECT_LT(a1[0], 6.0f);
  EXPECT_GT(p->flops_per_act(), 2.0 * 132'000);
  EXPECT_NE(p->describe().find("132566 params"), std::string::npos) << p->describe();
}

TEST(ConvPolicy, FlatObservationIsOneByOneByDim) {
  const auto p = conv_policy("layers = \"fc:8, relu\"\n", Space::box({-1, -1, -1}, {1, 1, 1}), Space::discrete(2));
  EXPECT_EQ(p->num_params(), 3u * 8 + 8 + 8 * 2 + 2);
}

TEST(ConvPolicy, BadConfigsAreUsageErrors) {
  const Space img = Space::image(10, 10, 4, 0, 1);
  const Space act = Space::discrete(6);
  EXPECT_THROW(conv_policy("preset = \"atari\"\n", img, act), UsageError);
  EXPECT_THROW(conv_policy("layers = \"conv:16:3:1\"\n", img, act), UsageError);
  EXPECT_THROW(conv_policy("layers = \"conv:16:11:1:valid\"\n", img, act), UsageError);  // does not fit
  EXPECT_THROW(conv_policy("layers = \"fc:10, conv:4:3:1:same\"\n", img, act), UsageError);
  EXPECT_THROW(conv_policy("layers = \"relu\"\n", img, act), UsageError);
  EXPECT_THROW(conv_policy("layers = \"dense:5\"\n", img, act), UsageError);
  EXPECT_THROW(conv_policy("layers = \"conv:0:3:1:same\"\n", img, act), UsageError);
  EXPECT_THROW(conv_policy("preset = \"minatar\"\nlayers = \"fc:4\"\n", img, act), UsageError);
  EXPECT_THROW(conv_policy("preset = \"custom\"\n", img, act), UsageError);
  EXPECT_THROW(conv_policy("kernel = 3\n", img, act), UsageError);  // unknown key
  // The resolved form (preset and its layers written back) reads again.
  EXPECT_NO_THROW(conv_policy(std::string("preset = \"minatar\"\nlayers = \"") + conv_preset_layers("minatar") + "\"\n",
                              img, act));
}

}  // namespace
}  // namespace neuroevo
