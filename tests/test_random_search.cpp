// Tests of random search (strategies/random_search.cpp) on the shifted sphere, evaluated directly.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "neuroevo/core/adam.hpp"
#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/noise.hpp"
#include "neuroevo/core/shaping.hpp"
#include "neuroevo/nn/policy.hpp"
#include "neuroevo/strategies/builtin.hpp"

#include "vector_test_util.hpp"

namespace neuroevo {
namespace {

using namespace vector_test;

// The champion is a seed chain of the init seed alone; it needs no noise table to rebuild.
std::vector<float> rebuild(const Genome& g, const Policy& policy) {
  EXPECT_EQ(g.kind, Genome::Kind::SeedChain);
  EXPECT_TRUE(g.steps.empty());
  std::vector<float> out(policy.num_params());
  materialize(g, policy, nullptr, out);
  return out;
}

TEST(RandomSearch, CandidatesAreFreshInitialisations) {
  const size_t n = 5;
  Harness h(n, 3);
  auto s = h.make("population = 4", false);
  EXPECT_EQ(s->ask().size, 4u);
  EXPECT_EQ(s->ask().episodes, 0u);
  EXPECT_THROW(h.make("population = 0", false), UsageError);
  const auto xs = decode_all(*s, n);
  for (size_t i = 0; i < xs.size(); ++i) {
    std::vector<float> expect(n);
    h.policy.init_params(Stream(3, 0, i, Purpose::Init).next_u32(), expect);
    EXPECT_EQ(xs[i], expect) << i;
  }
  // Before any result, the champion is generation 0's first candidate.
  EXPECT_EQ(s->champion(), Genome::make_chain(Stream(3, 0, 0, Purpose::Init).next_u32()));
  EXPECT_EQ(rebuild(s->champion(), h.policy), xs[0]);
  s->tell(evaluate(xs));
  EXPECT_NE(decode_all(*s, n), xs);  // a new generation draws new points
}

TEST(RandomSearch, KeepsTheBestEverSeenAndItsGenomeRebuildsIt) {
  const size_t n = 4;
  Harness h(n);
  auto s = h.make("population = 20", false);
  double best = -kInf, first_gen_best = -kInf;
  std::vector<float> best_x;
  for (int gen = 0; gen < 25; ++gen) {
    const auto xs = decode_all(*s, n);
    const auto rs = evaluate(xs);
    for (size_t i = 0; i < xs.size(); ++i)
      if (rs[i].fitness > best) best = rs[i].fitness, best_x = xs[i];
    if (gen == 0) first_gen_best = best;
    s->tell(rs);
    EXPECT_EQ(rebuild(s->champion(), h.policy), best_x) << "generation " << gen;
  }
  EXPECT_GT(best, first_gen_best);
  EXPECT_EQ(s->generation(), 25u);
}

TEST(RandomSearch, TiesKeepTheEarlierAndInvalidNeverWins) {
  const size_t n = 3;
  Harness h(n);
  auto s = h.make("population = 8", false);
  const Genome first = s->champion();
  std::vector<Result> rs(8, invalid());
  s->tell(rs);  // nothing valid: still generation 0's first candidate
  EXPECT_EQ(s->champion(), first);
  EXPECT_NO_THROW(s->load(through_text(s->save())));  // -inf best survives JSON
  EXPECT_EQ(s->champion(), first);

  auto gen1 = decode_all(*s, n);
  rs.assign(8, invalid());
  rs[2].fitness = 1.0, rs[2].valid = true;
  rs[5].fitness = 1.0, rs[5].valid = true;  // tie: the earlier candidate (2) stays
  s->tell(rs);
  EXPECT_EQ(rebuild(s->champion(), h.policy), gen1[2]);

  rs.assign(8, Result{});
  for (auto& r : rs) r.fitness = 1.0;  // ties with the best: no change
  rs[7] = invalid();
  s->tell(rs);
  EXPECT_EQ(rebuild(s->champion(), h.policy), gen1[2]);

  auto gen3 = decode_all(*s, n);
  rs.assign(8, Result{});
  rs[6].fitness = 1.5;
  s->tell(rs);
  EXPECT_EQ(rebuild(s->champion(), h.policy), gen3[6]);
}

}  // namespace
}  // namespace neuroevo
