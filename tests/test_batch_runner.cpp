// The pieces of distributed runs that need no MPI: the compact result codec (bit-exact round trips and
// its size), the local batch runner, and the metrics columns of MPI runs across resumes.
#include <cmath>
#include <filesystem>
#include <limits>

#include <gtest/gtest.h>

#include "cli_util.hpp"
#include "neuroevo/runtime/batch_runner.hpp"
#include "neuroevo/runtime/recorder.hpp"
#include "neuroevo/runtime/result_codec.hpp"

namespace neuroevo {
namespace {

std::vector<uint8_t> encode(const std::vector<Result>& rs) {
  std::vector<uint8_t> out;
  ByteWriter w(out);
  for (const Result& r : rs) encode_result(r, w);
  return out;
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

void expect_identical(const Result& a, const Result& b) {
  EXPECT_TRUE(same_bits(a.fitness, b.fitness)) << a.fitness << " vs " << b.fitness;
  EXPECT_EQ(a.valid, b.valid);
  EXPECT_EQ(a.episodes, b.episodes);
  EXPECT_EQ(a.steps, b.steps);
  EXPECT_EQ(a.unstable, b.unstable);
  ASSERT_EQ(a.behaviour.size(), b.behaviour.size());
  for (size_t k = 0; k < a.behaviour.size(); ++k) EXPECT_TRUE(same_bits(a.behaviour[k], b.behaviour[k]));
  ASSERT_EQ(a.cases.size(), b.cases.size());
  for (size_t k = 0; k < a.cases.size(); ++k) EXPECT_TRUE(same_bits(a.cases[k], b.cases[k]));
  ASSERT_EQ(a.refined.size(), b.refined.size());
  for (size_t k = 0; k < a.refined.size(); ++k) EXPECT_TRUE(same_bits(a.refined[k], b.refined[k]));
  ASSERT_EQ(a.obs_stats.has_value(), b.obs_stats.has_value());
  if (!a.obs_stats) return;
  EXPECT_TRUE(same_bits(a.obs_stats->count, b.obs_stats->count));
  EXPECT_EQ(a.obs_stats->sum, b.obs_stats->sum);
  EXPECT_EQ(a.obs_stats->sumsq, b.obs_stats->sumsq);
}

TEST(ResultCodec, PlainResultCostsTwelveBytes) {
  Result r;
  r.fitness = 123.456;
  r.episodes = 1;
  r.steps = 500;
  EXPECT_EQ(encode({r}).size(), 12u);  // flags + f64 + 1-byte episodes + 2-byte steps
}

TEST(ResultCodec, RoundTripIsBitExact) {
  std::vector<Result> rs(6);
  rs[0].fitness = 0.1 + 0.2;
  rs[0].episodes = 1;
  rs[0].steps = 17;
  rs[1].fitness = -std::numeric_limits<double>::infinity();
  rs[1].valid = false;
  rs[1].episodes = 30;
  rs[1].steps = (uint64_t{1} << 40) + 3;
  rs[1].unstable = 2;
  rs[2].fitness = std::nextafter(1.0, 2.0);
  rs[2].behaviour = {0.25, -1e-300, 7.0};
  rs[3].fitness = -0.0;
  rs[3].obs_stats.emplace().resize(4);
  rs[3].obs_stats->add(std::vector<float>{1.5f, -2.0f, 0.1f, 3.0f});
  rs[4].obs_stats.emplace().resize(2);  // present but empty statistics survive as such
  rs[5].fitness = std::numeric_limits<double>::denorm_min();
  rs[5].unstable = 1;
  rs[5].behaviour = {1.0};
  rs[5].obs_stats.emplace().resize(1);
  rs[5].obs_stats->add(std::vector<float>{4.0f});
  rs[5].cases = {0.5, std::numeric_limits<double>::infinity()};  // GP: per-case errors, fitted constants
  rs[4].refined = {-3.25};
  rs[2].cases = {1e-300};
  rs[2].refined = {2.0, 0.0};
  const auto bytes = encode(rs);
  ByteReader in(bytes);
  for (const Result& r : rs) expect_identical(r, decode_result(in));
  EXPECT_TRUE(in.done());
}

TEST(ResultCodec, TruncatedOrCorruptInputThrows) {
  Result r;
  r.behaviour = {1.0, 2.0};
  auto bytes = encode({r});
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    ByteReader in(std::span(bytes.data(), cut));
    EXPECT_THROW(decode_result(in), std::runtime_error) << "cut at " << cut;
  }
  bytes[0] = 0xff;  // unknown flags
  ByteReader in(bytes);
  EXPECT_THROW(decode_result(in), std::runtime_error);
}

TEST(ResultCodec, VarintsRoundTripAtEveryWidth) {
  std::vector<uint8_t> out;
  ByteWriter w(out);
  std::vector<uint64_t> values;
  for (int b = 0; b < 64; ++b) values.push_back((uint64_t{1} << b) - 1), values.push_back(uint64_t{1} << b);
  values.push_back(~uint64_t{0});
  for (uint64_t v : values) w.varint(v);
  ByteReader in(out);
  for (uint64_t v : values) EXPECT_EQ(in.varint(), v);
  EXPECT_TRUE(in.done());
}

TEST(LocalRunner, EvaluatesEveryCandidateOnceAndCountsThem) {
  LocalRunner runner(3);
  EXPECT_EQ(runner.threads(), 3u);
  EXPECT_TRUE(runner.root());
  EXPECT_FALSE(runner.distributed());
  std::vector<Result> results(101);
  std::vector<int> calls(results.size(), 0);
  runner.evaluate(results, [&](size_t i, size_t w) {
    ASSERT_LT(w, 3u);
    ++calls[i];
    results[i].fitness = double(i) * 0.5;
  });
  for (size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(calls[i], 1);
    EXPECT_EQ(results[i].fitness, double(i) * 0.5);
  }
  const RunnerStats s = runner.take_stats();
  EXPECT_EQ(s.ranks, 1);
  EXPECT_EQ(s.individuals, 101u);
  EXPECT_EQ(s.bytes_sent, 0u);
  ASSERT_EQ(s.rank_util.size(), 1u);
  EXPECT_GE(s.rank_util[0], 0.0);
  EXPECT_EQ(runner.take_stats().individuals, 0u);  // reset
}

TEST(LocalRunner, FromRootRunsTheMakerHere) {
  LocalRunner runner(1);
  EXPECT_EQ(runner.from_root([] { return std::string("abc"); }), "abc");
  EXPECT_EQ(runner.guard([] { return 7; }), 7);
}

TEST(Recorder, RunnerColumnsSurviveAResumeAndPlainFilesStayPlain) {
  cli_test::TempDir dir;
  GenerationRow row;
  row.ranks = 3;
  row.bytes_sent = 360;
  row.bytes_per_ind = 9;
  row.rank_util = {0.9, 0.8, 0.75};
  for (uint64_t g = 1; g <= 2; ++g) {
    Recorder rec(dir.path(), g - 1, true, g == 1);  // the resumed recorder is not told: it reads the header
    row.generation = g;
    rec.record(row, {2, 0});
  }
  const auto lines = cli_test::lines_of(cli_test::read_file(dir / "metrics.csv"));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_TRUE(lines[0].ends_with(",ranks,bytes_sent,bytes_per_ind,rank_util"));
  EXPECT_TRUE(lines[2].ends_with(",3,360,9,0.900;0.800;0.750")) << lines[2];
  const auto json = cli_test::lines_of(cli_test::read_file(dir / "metrics.jsonl"));
  EXPECT_EQ(nlohmann::json::parse(json[1]).at("rank_util").size(), 3u);

  cli_test::TempDir plain;
  for (uint64_t g = 1; g <= 2; ++g) {
    Recorder rec(plain.path(), g - 1, true, g == 2);  // a single-process run resumed under mpirun
    row.generation = g;
    rec.record(row, {2, 0});
  }
  for (const auto& l : cli_test::lines_of(cli_test::read_file(plain / "metrics.csv")))
    EXPECT_EQ(cli_test::split(l, ',').size(), 11u) << l;  // the plain columns, ending with unstable
}

}  // namespace
}  // namespace neuroevo
