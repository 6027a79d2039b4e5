// Spiking CA3 content-addressable memory (src/memory/ca3.cpp): weights after encoding in closed form,
// recall from a half cue, no completion of an unlearned pattern, overwrite of an older memory.
#include <gtest/gtest.h>

#include <algorithm>

#include "cli_util.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/memory/ca3.hpp"

using namespace neuroevo;
using namespace neuroevo::memory;

TEST(Ca3Memory, EncodingSaturatesExactlyTheMemorysSynapses) {
  Ca3Params p;
  p.neurons = 40;
  Ca3Memory net(p);
  const std::vector<uint32_t> mem = {1, 4, 7, 9, 12, 20, 21, 30, 33, 39};
  net.learn(mem, 5);
  for (uint32_t i = 0; i < p.neurons; ++i)
    for (uint32_t j = 0; j < p.neurons; ++j) {
      const bool in = i != j && std::binary_search(mem.begin(), mem.end(), i) && std::binary_search(mem.begin(), mem.end(), j);
      EXPECT_EQ(net.weight(i, j), in ? static_cast<float>(p.w_max) : 0.0f) << i << " -> " << j;
    }
}

TEST(Ca3Memory, SingleMemoryRecalledFromHalfCueAndUnlearnedPatternNot) {
  Ca3Params p;
  p.neurons = 64;
  Ca3Memory net(p);
  const std::vector<uint32_t> mem = {2, 5, 8, 11, 17, 23, 29, 31, 40, 41, 50, 52, 55, 58, 60, 63};
  net.learn(mem, 1);
  const std::vector<uint32_t> half(mem.begin(), mem.begin() + 8);
  EXPECT_EQ(net.recall(half), mem);
  const std::vector<uint32_t> unlearned = {0, 1, 3, 4, 6, 7, 9, 10};  // half of a pattern never stored
  EXPECT_EQ(net.recall(unlearned), unlearned);                           // only the cue itself fires
}

TEST(Ca3Memory, NewMemoryWithTheSameCueOverwritesTheOld) {
  Ca3Experiment e;
  e.trials = 3;
  e.params.neurons = 64;
  const auto f = run_ca3_forgetting(e);
  EXPECT_EQ(f.new_recalled, 1.0);
  EXPECT_EQ(f.old_recalled, 0.0);
  EXPECT_EQ(f.unlearned_recalled, 0.0);
}

TEST(Ca3Memory, BadInputIsRejected) {
  Ca3Memory net;
  EXPECT_THROW(net.learn({}, 0), UsageError);
  EXPECT_THROW(net.learn({3, 3}, 0), UsageError);
  EXPECT_THROW(net.recall({}), UsageError);
  for (const auto& [args, option] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"memory", "ca3", "--cue", "0"}, "--cue"},
           {{"memory", "ca3", "--cue", "1.5"}, "--cue"},
           {{"memory", "ca3", "--memories", "0"}, "--memories"},
           {{"memory", "ca3", "--overlap", "1"}, "--overlap"}}) {
    const auto r = cli_test::run_cli(args);
    EXPECT_EQ(r.code, 2) << r.describe();
    EXPECT_TRUE(cli_test::one_line_naming(r.err, {option}));
  }
}
