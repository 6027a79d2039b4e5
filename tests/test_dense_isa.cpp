// The dense-layer kernel versions (nn/dense.hpp): every AVX2 / AVX-512 version this CPU runs gives the
// portable version's bits, for random layer shapes (every blocking remainder), activations and inputs
// including NaN, infinities and values beyond tanh's clamp. The portable version itself is checked
// against a double-precision reference in test_mlp_reference.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <vector>

#include "neuroevo/core/rng.hpp"
#include "neuroevo/nn/dense.hpp"

namespace neuroevo {
namespace {

TEST(DenseIsa, EveryVersionTheCpuRunsEqualsThePortableOne) {
  const std::vector<DenseIsa> isas = available_dense_isas();
  ASSERT_FALSE(isas.empty());
  EXPECT_EQ(isas.front(), DenseIsa::Portable);
  // The widest, unless NEUROEVO_ISA caps the choice (then the named one, checked by simd_isa's tests).
  if (std::getenv("NEUROEVO_ISA") == nullptr) {
    EXPECT_EQ(best_dense_isa(), isas.back());
  }
  for (DenseIsa isa : isas) std::printf("dense kernel available: %s\n", dense_isa_name(isa));
  Stream rng(2024);
  size_t compared = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const size_t in = 1 + rng.below(70), out = 1 + rng.below(150);
    std::vector<float> x(in), w(in * out + out);
    for (float& v : x) v = static_cast<float>(rng.normal() * (trial % 3 == 0 ? 20.0 : 1.0));
    for (float& v : w) v = static_cast<float>(rng.normal());
    if (trial % 7 == 0) x[rng.below(in)] = std::numeric_limits<float>::quiet_NaN();
    if (trial % 11 == 0) w[rng.below(w.size())] = std::numeric_limits<float>::infinity();
    const bool hidden = trial % 4 != 0, relu = trial % 2 == 1;
    std::vector<float> want(out), got(out);
    dense_layer(DenseIsa::Portable, x.data(), in, w.data(), out, want.data(), hidden, relu);
    for (DenseIsa isa : isas) {
      std::fill(got.begin(), got.end(), -7.0f);
      dense_layer(isa, x.data(), in, w.data(), out, got.data(), hidden, relu);
      ASSERT_EQ(std::memcmp(got.data(), want.data(), out * sizeof(float)), 0)
          << dense_isa_name(isa) << ", in " << in << ", out " << out << ", hidden " << hidden << ", relu " << relu;
      ++compared;
    }
  }
  EXPECT_GE(compared, 400u);
}

// dense_lanes (K lanes, each with its own weights, the lanes as the vector dimension) gives, lane by lane,
// the portable dense_layer's bits at every version: random lane counts (every 16/8/4-lane remainder),
// layer shapes (every output-tile remainder), activations, NaN and infinite weights and inputs.
TEST(DenseIsa, LanesEqualTheSingleLaneLayerInEveryLane) {
  Stream rng(77);
  size_t compared = 0;
  for (int trial = 0; trial < 150; ++trial) {
    const size_t k = 1 + rng.below(40), in = 1 + rng.below(40), out = 1 + rng.below(70);
    const size_t np = in * out + out;
    std::vector<std::vector<float>> x(k, std::vector<float>(in)), w(k, std::vector<float>(np));
    for (size_t lane = 0; lane < k; ++lane) {
      for (float& v : x[lane]) v = static_cast<float>(rng.normal() * (trial % 3 == 0 ? 20.0 : 1.0));
      for (float& v : w[lane]) v = static_cast<float>(rng.normal());
      if (rng.uniform() < 0.1) x[lane][rng.below(in)] = std::numeric_limits<float>::quiet_NaN();
      if (rng.uniform() < 0.1) w[lane][rng.below(np)] = std::numeric_limits<float>::quiet_NaN();
      if (rng.uniform() < 0.05) w[lane][rng.below(np)] = -std::numeric_limits<float>::infinity();
    }
    const bool hidden = trial % 4 != 0, relu = trial % 2 == 1;
    std::vector<std::vector<float>> want(k, std::vector<float>(out));
    for (size_t lane = 0; lane < k; ++lane)
      dense_layer(DenseIsa::Portable, x[lane].data(), in, w[lane].data(), out, want[lane].data(), hidden, relu);
    for (DenseIsa isa : available_dense_isas()) {
      // Inputs and outputs as columns (x[i * k + lane]); each group's parameters packed as dense.hpp says.
      std::vector<float> xs(in * k), ws(np * k, -3.0f), got(out * k, -7.0f);
      for (size_t lane = 0; lane < k; ++lane)
        for (size_t i = 0; i < in; ++i) xs[i * k + lane] = x[lane][i];
      std::vector<size_t> slots;
      for (size_t l0 = 0; l0 < k;) {
        const size_t width = dense_lanes_group(isa, k - l0);
        ASSERT_TRUE(width == 1 || width == 4 || width == 8 || width == 16) << width;
        ASSERT_LE(width, k - l0);
        for (size_t lane = l0; lane < l0 + width; ++lane)
          for (size_t p = 0; p < np; ++p) {
            const size_t slot = l0 * np + dense_lanes_param_index(in, out, width, p) + (lane - l0);
            ASSERT_LT(slot, ws.size());
            slots.push_back(slot);
            ws[slot] = w[lane][p];
          }
        dense_lanes(isa, xs.data() + l0, k, in, ws.data() + l0 * np, out, width, got.data() + l0, hidden, relu);
        l0 += width;
      }
      std::sort(slots.begin(), slots.end());
      ASSERT_TRUE(std::adjacent_find(slots.begin(), slots.end()) == slots.end()) << "two parameters share a slot";
      for (size_t lane = 0; lane < k; ++lane)
        for (size_t o = 0; o < out; ++o) {
          uint32_t a, b;
          std::memcpy(&a, &got[o * k + lane], 4);
          std::memcpy(&b, &want[lane][o], 4);
          ASSERT_EQ(a, b) << dense_isa_name(isa) << ", lanes " << k << ", lane " << lane << ", in " << in << ", out "
                          << out << ", output " << o << ", hidden " << hidden << ", relu " << relu;
        }
      ++compared;
    }
  }
  EXPECT_GE(compared, 150u);
}

// A hand-checkable layer: y = b + x W through every version.
TEST(DenseIsa, SmallLayerByHand) {
  const float x[2] = {1.0f, -2.0f};
  // W [2][3] input-major, then b[3].
  const float w[9] = {1, 2, 3, 0.5f, 0.25f, -1, 10, 20, 30};
  for (DenseIsa isa : available_dense_isas()) {
    float y[3];
    dense_layer(isa, x, 2, w, 3, y, false, false);
    EXPECT_EQ(y[0], 10.0f + 1.0f - 1.0f);
    EXPECT_EQ(y[1], 20.0f + 2.0f - 0.5f);
    EXPECT_EQ(y[2], 30.0f + 3.0f + 2.0f);
    dense_layer(isa, x, 2, w, 3, y, true, true);
    EXPECT_EQ(y[0], 10.0f);
  }
}

}  // namespace
}  // namespace neuroevo
