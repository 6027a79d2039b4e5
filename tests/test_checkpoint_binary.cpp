// The checkpoint's binary section (core/json_binary.hpp) and the state codec's binary arrays
// (strategies/schema.hpp): bit-exact round trips, the little-endian IEEE-754 layout, old plain-JSON
// payloads, and damaged files refused with exit code 2 through `neuroevo run --resume`.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "cli_util.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/files.hpp"
#include "neuroevo/core/json_binary.hpp"
#include "neuroevo/strategies/schema.hpp"

namespace neuroevo {
namespace {

using namespace cli_test;
namespace fs = std::filesystem;

// 5000 doubles (above the 4096 threshold) including values JSON text cannot hold.
std::vector<double> awkward_doubles() {
  std::vector<double> v(5000);
  for (size_t k = 0; k < v.size(); ++k) v[k] = std::ldexp(static_cast<double>(k) - 2500.5, static_cast<int>(k % 60) - 30);
  v[0] = std::numeric_limits<double>::quiet_NaN();
  v[1] = std::numeric_limits<double>::infinity();
  v[2] = -std::numeric_limits<double>::infinity();
  v[3] = -0.0;
  v[4] = std::numeric_limits<double>::denorm_min();
  v[5] = std::numeric_limits<double>::max();
  return v;
}

TEST(CheckpointBinary, LargeArraysRoundTripBitExactly) {
  const std::vector<double> d = awkward_doubles();
  std::vector<float> f(4097);
  for (size_t k = 0; k < f.size(); ++k) f[k] = static_cast<float>(d[k]);
  const std::vector<double> small = {1.5, -2.0};
  const nlohmann::json j = {{"d", state_codec::encode(d)}, {"f", state_codec::encode(f)},
                            {"small", state_codec::encode(small)}, {"nested", {{"again", state_codec::encode(d)}}}};
  EXPECT_TRUE(j["d"].is_binary());
  EXPECT_TRUE(j["f"].is_binary());
  EXPECT_TRUE(j["small"].is_array());  // at or below the threshold: JSON text
  const std::string payload = pack_json_binary(j);
  // JSON text, a NUL, then 5000 * 8 + 4097 * 4 + 5000 * 8 bytes of section.
  const size_t nul = payload.find('\0');
  ASSERT_NE(nul, std::string::npos);
  EXPECT_EQ(payload.size() - nul - 1, 5000u * 8 + 4097u * 4 + 5000u * 8);
  const nlohmann::json back = unpack_json_binary(payload, "test");
  EXPECT_EQ(back, j);
  std::vector<double> d2;
  std::vector<float> f2;
  state_codec::decode(back["nested"]["again"], d2);
  state_codec::decode(back["f"], f2);
  ASSERT_EQ(d2.size(), d.size());
  EXPECT_EQ(std::memcmp(d2.data(), d.data(), d.size() * sizeof(double)), 0);  // NaN and -0.0 too
  ASSERT_EQ(f2.size(), f.size());
  EXPECT_EQ(std::memcmp(f2.data(), f.data(), f.size() * sizeof(float)), 0);
}

TEST(CheckpointBinary, LayoutIsLittleEndianIeee754) {
  std::vector<double> d(4097, 0.0);
  d[0] = 1.0;   // 0x3FF0000000000000
  d[1] = -2.0;  // 0xC000000000000000
  const auto b = state_codec::encode(d).get_binary();
  EXPECT_EQ(b.subtype(), 0x64);
  const std::vector<uint8_t> first(b.begin(), b.begin() + 16);
  EXPECT_EQ(first, (std::vector<uint8_t>{0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0, 0, 0, 0, 0, 0, 0, 0xC0}));
  std::vector<float> f(4097, 0.0f);
  f[0] = 1.0f;  // 0x3F800000
  const auto fb = state_codec::encode(f).get_binary();
  EXPECT_EQ(fb.subtype(), 0x66);
  EXPECT_EQ(std::vector<uint8_t>(fb.begin(), fb.begin() + 4), (std::vector<uint8_t>{0, 0, 0x80, 0x3F}));
  // A float array is not read as doubles, nor the other way round.
  std::vector<double> wrong;
  EXPECT_THROW(state_codec::decode(state_codec::encode(f), wrong), std::invalid_argument);
}

TEST(CheckpointBinary, PlainJsonPayloadsStillRead) {
  const nlohmann::json j = {{"generation", 3}, {"strategy", {{"mean", {1.0, 2.0}}}}};
  EXPECT_EQ(pack_json_binary(j), j.dump());  // nothing binary: the old format exactly
  EXPECT_EQ(unpack_json_binary(j.dump(), "old.ckpt"), j);
}

TEST(CheckpointBinary, DamagedSectionsAreUsageErrors) {
  const nlohmann::json j = {{"a", state_codec::encode(awkward_doubles())}};
  const std::string payload = pack_json_binary(j);
  EXPECT_THROW(unpack_json_binary(payload.substr(0, payload.size() - 8), "t"), UsageError);  // truncated
  EXPECT_THROW(unpack_json_binary(payload + "extra", "t"), UsageError);                      // unreferenced bytes
  const size_t nul = payload.find('\0');
  std::string text = payload.substr(0, nul);
  const std::string bad_ref = R"({"a":{"$binary":{"offset":8,"size":40000,"subtype":100}}})";
  EXPECT_THROW(unpack_json_binary(bad_ref + payload.substr(nul), "t"), UsageError);  // out of order / beyond
  const std::string no_size = R"({"a":{"$binary":{"offset":0}}})";
  EXPECT_THROW(unpack_json_binary(no_size + payload.substr(nul), "t"), UsageError);
  EXPECT_THROW(unpack_json_binary(text.substr(0, 5), "t"), UsageError);  // malformed JSON
}

// Through the CLI: a cmaes run whose covariance exceeds the threshold writes a binary section; the
// checkpoint resumes; a flipped byte or a truncation of the section is refused with exit code 2.
TEST(CheckpointBinary, DamagedCheckpointFileExitsWithCode2) {
  TempDir tmp;
  const std::string cfg = tmp / "config.toml";
  // CartPole (4 observations, 2 actions) with a 16-unit MLP: 4*16 + 16 + 16*2 + 2 = 114 parameters,
  // C has 12996 entries.
  write_file(cfg, "[run]\nseed = 3\ngenerations = 2\ncheckpoint_every = 1\neval_episodes = 1\n[env]\nname = "
                  "\"CartPole-v1\"\n[policy]\ntype = \"mlp\"\nhidden = [16]\n[task]\nmax_steps = 20\n"
                  "[strategy]\nname = \"cmaes\"\n");
  const std::string run = tmp / "run";
  const CliResult r = run_cli({"run", cfg, "--out", run, "--threads", "1", "--quiet"});
  ASSERT_EQ(r.code, 0) << r.describe();
  fs::remove(run + "/summary.json");  // as if killed after the last checkpoint
  const std::string ck = run + "/checkpoint.ckpt";
  const std::string good = read_file(ck);
  ASSERT_NE(good.find('\0'), std::string::npos) << "no binary section";
  const nlohmann::json state = checked_payload_json(ck)["strategy"];
  ASSERT_TRUE(state["C"].is_binary());
  EXPECT_EQ(state["C"].get_binary().size(), 114u * 114u * 8);

  auto resume = [&](const std::string& bytes) {
    write_file(ck, bytes);
    return run_cli({"run", "--resume", run, "--threads", "1", "--quiet"});
  };
  std::string flipped = good;
  flipped[flipped.size() - 3] ^= 0x10;  // inside the covariance's bytes
  const CliResult bad = resume(flipped);
  EXPECT_EQ(bad.code, 2) << bad.describe();
  EXPECT_NE(bad.err.find("checksum"), std::string::npos) << bad.describe();
  const CliResult cut = resume(good.substr(0, good.size() - 1000));
  EXPECT_EQ(cut.code, 2) << cut.describe();
  EXPECT_NE(cut.err.find("truncated"), std::string::npos) << cut.describe();
  const CliResult ok = resume(good);  // control
  EXPECT_EQ(ok.code, 0) << ok.describe();
}

}  // namespace
}  // namespace neuroevo
