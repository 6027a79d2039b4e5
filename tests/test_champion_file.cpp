// Champion and checkpoint files are untrusted input (users exchange them): every field read from them is
// checked against the model it is loaded into. The files here are crafted with a valid checksum (the
// container's checksum only catches accidents), so only that validation stands between them and
// undefined behaviour. Each case was found by the hardening audit (issue 20) and must exit 2 with a
// message naming the file or field, never crash or run on silently.
#include <cstring>

#include "cli_util.hpp"
#include "neuroevo/core/files.hpp"

namespace {

using namespace cli_test;
using json = nlohmann::json;

// A short OpenAI-ES run with observation normalisation on CartPole (4 observation values).
std::string es_obs_norm_config(int generations, int checkpoint_every) {
  return "[run]\nseed = 3\ngenerations = " + std::to_string(generations) +
         "\ncheckpoint_every = " + std::to_string(checkpoint_every) +
         "\neval_episodes = 3\n\n[env]\nname = \"CartPole-v1\"\n\n"
         "[policy]\ntype = \"mlp\"\nhidden = [8]\nobs_norm = true\nobs_norm_prob = 0.5\n\n"
         "[noise]\nsize = 65536\n\n"
         "[strategy]\nname = \"openai_es\"\npopulation = 8\n";
}

// The champion container: u32 header length, JSON header, genome bytes (src/runtime/champion.cpp).
struct ChampionParts {
  json header;
  std::vector<uint8_t> genome;
};

ChampionParts read_champion(const std::string& path) {
  const auto p = neuroevo::read_checked(path, "champion");
  uint32_t len = 0;
  for (int k = 0; k < 4; ++k) len |= static_cast<uint32_t>(p[k]) << (8 * k);
  ChampionParts c;
  c.header = json::parse(p.begin() + 4, p.begin() + 4 + len);
  c.genome.assign(p.begin() + 4 + len, p.end());
  return c;
}

void write_champion(const std::string& path, const ChampionParts& c) {
  const std::string h = c.header.dump();
  std::vector<uint8_t> payload(4);
  for (int k = 0; k < 4; ++k) payload[k] = static_cast<uint8_t>(h.size() >> (8 * k));
  payload.insert(payload.end(), h.begin(), h.end());
  payload.insert(payload.end(), c.genome.begin(), c.genome.end());
  neuroevo::write_checked(path, "champion", payload);
}

void write_checkpoint(const std::string& path, const json& j) {
  const std::string text = j.dump();
  neuroevo::write_checked(path, "checkpoint", std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

class ChampionFile : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(tmp_ / "es.toml", es_obs_norm_config(2, 1));
    const CliResult r = run_cli({"run", tmp_ / "es.toml", "--out", tmp_ / "run", "--threads", "2", "--quiet"});
    ASSERT_EQ(r.code, 0) << r.describe();
    original_ = read_champion(tmp_ / "run/champion.bin");
    ASSERT_TRUE(original_.header.at("obs_norm").is_object());
    ASSERT_EQ(original_.header["obs_norm"]["sum"].size(), 4u);
  }

  // Writes the champion with `edit` applied and evaluates it: exit 2 and a one-line message naming
  // every needle.
  void expect_rejected(const std::function<void(ChampionParts&)>& edit, const std::vector<std::string>& needles) {
    ChampionParts c = original_;
    edit(c);
    const std::string path = tmp_ / ("crafted" + std::to_string(++count_) + ".bin");
    write_champion(path, c);
    const CliResult r = run_cli({"eval", path, "--episodes", "2", "--threads", "1"}, 60);
    EXPECT_EQ(r.code, 2) << r.describe();
    EXPECT_TRUE(one_line_naming(r.err, needles));
  }

  TempDir tmp_;
  ChampionParts original_;
  int count_ = 0;
};

TEST_F(ChampionFile, IntactFileEvaluates) {
  const CliResult r = run_cli({"eval", tmp_ / "run/champion.bin", "--episodes", "2", "--threads", "1"});
  EXPECT_EQ(r.code, 0) << r.describe();
}

// The crash of the audit: SIGSEGV in ObsNormalizer::apply (a length of 2 on CartPole read past the end).
TEST_F(ChampionFile, ObsNormArraysShorterOrLongerThanTheObservationAreRejected) {
  for (size_t n : {size_t{0}, size_t{2}, size_t{3}, size_t{5}, size_t{100000}}) {
    expect_rejected([n](ChampionParts& c) { c.header["obs_norm"]["sum"] = std::vector<double>(n, 1.0); },
                    {"sum", "observation"});
    expect_rejected([n](ChampionParts& c) { c.header["obs_norm"]["sumsq"] = std::vector<double>(n, 1.0); },
                    {"sumsq", "observation"});
  }
}

TEST_F(ChampionFile, ObsNormValuesAreChecked) {
  expect_rejected([](ChampionParts& c) { c.header["obs_norm"]["count"] = -5; }, {"count"});
  expect_rejected([](ChampionParts& c) { c.header["obs_norm"]["count"] = "many"; }, {"count"});
  expect_rejected([](ChampionParts& c) { c.header["obs_norm"]["sum"][1] = "x"; }, {"sum"});
  expect_rejected([](ChampionParts& c) { c.header["obs_norm"]["sumsq"][0] = -1.0; }, {"sumsq"});
  expect_rejected([](ChampionParts& c) { c.header["obs_norm"]["sum"][0] = 1e308 * 10; }, {"sum"});  // inf: written as null
  expect_rejected([](ChampionParts& c) { c.header["obs_norm"] = 7; }, {"obs_norm"});
  // The policy says obs_norm = true: statistics are required.
  expect_rejected([](ChampionParts& c) { c.header["obs_norm"] = nullptr; }, {"observation normalisation"});
}

TEST_F(ChampionFile, HeaderCountersAreChecked) {
  expect_rejected([](ChampionParts& c) { c.header["max_steps"] = -1; }, {"max_steps"});
  expect_rejected([](ChampionParts& c) { c.header["max_steps"] = 1e12; }, {"max_steps"});
  expect_rejected([](ChampionParts& c) { c.header["noise_size"] = -1; }, {"noise_size"});
  expect_rejected([](ChampionParts& c) { c.header["noise_size"] = uint64_t{1} << 40; }, {"noise_size"});
  expect_rejected([](ChampionParts& c) { c.header["generation"] = -1; }, {"generation"});
  expect_rejected([](ChampionParts& c) { c.header["train_fitness"] = "best"; }, {"train_fitness"});
  expect_rejected([](ChampionParts& c) { c.header["env"] = "NoSuchEnv-v0"; }, {"NoSuchEnv-v0"});
  expect_rejected([](ChampionParts& c) { c.header = json::array(); }, {"champion"});
}

TEST_F(ChampionFile, GenomeIsCheckedAgainstThePolicy) {
  // A dense genome one parameter short of the policy.
  expect_rejected(
      [](ChampionParts& c) {
        ASSERT_EQ(c.genome[0], 1u);  // dense
        uint32_t n = 0;
        std::memcpy(&n, c.genome.data() + 1, 4);
        --n;
        std::memcpy(c.genome.data() + 1, &n, 4);
        c.genome.resize(c.genome.size() - 4);
      },
      {"parameters"});
  expect_rejected([](ChampionParts& c) { c.genome = {9}; }, {"genome"});
  // A wider hidden layer than the genome was evolved for.
  expect_rejected(
      [](ChampionParts& c) {
        std::string p = c.header["policy"];
        const auto at = p.find("hidden = [ 8 ]");
        ASSERT_NE(at, std::string::npos) << p;
        p.replace(at, 14, "hidden = [ 9 ]");
        c.header["policy"] = p;
      },
      {"parameters"});
}

// Checkpoints go through the same validation on --resume.
class CheckpointFile : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(tmp_ / "es.toml", es_obs_norm_config(4, 2));
    const CliResult r = run_cli({"run", tmp_ / "es.toml", "--out", tmp_ / "run", "--threads", "2", "--quiet"});
    ASSERT_EQ(r.code, 0) << r.describe();
    // The state of a run interrupted after generation 4's checkpoint, before its final evaluation.
    std::filesystem::remove(tmp_ / "run/summary.json");
    payload_ = checked_payload_json(tmp_ / "run/checkpoint.ckpt");
    ASSERT_EQ(payload_.at("generation"), 4);
  }

  // A copy of the interrupted run with the checkpoint edited; --resume must exit 2 naming every needle
  // and leave metrics.csv untouched.
  void expect_resume_rejected(const std::function<void(json&)>& edit, const std::vector<std::string>& needles) {
    const std::string dir = tmp_ / ("copy" + std::to_string(++count_));
    std::filesystem::copy(tmp_ / "run", dir, std::filesystem::copy_options::recursive);
    json j = payload_;
    edit(j);
    write_checkpoint(dir + "/checkpoint.ckpt", j);
    const std::string metrics = read_file(dir + "/metrics.csv");
    const CliResult r = run_cli({"run", "--resume", dir, "--threads", "1", "--quiet"}, 120);
    EXPECT_EQ(r.code, 2) << r.describe();
    EXPECT_TRUE(one_line_naming(r.err, needles));
    EXPECT_EQ(read_file(dir + "/metrics.csv"), metrics) << "a rejected checkpoint must not touch metrics.csv";
    EXPECT_FALSE(std::filesystem::exists(dir + "/summary.json"));
  }

  TempDir tmp_;
  json payload_;
  int count_ = 0;
};

TEST_F(CheckpointFile, IntactCheckpointResumes) {
  const CliResult r = run_cli({"run", "--resume", tmp_ / "run", "--threads", "1", "--quiet"});
  EXPECT_EQ(r.code, 0) << r.describe();
  EXPECT_TRUE(std::filesystem::exists(tmp_ / "run/summary.json"));
}

TEST_F(CheckpointFile, ShortObsNormArraysAreRejected) {
  expect_resume_rejected([](json& j) { j["obs_norm"]["sum"] = {1.0, 2.0}; }, {"sum", "observation"});
  expect_resume_rejected([](json& j) { j["obs_norm"]["sumsq"] = json::array(); }, {"sumsq", "observation"});
}

// The data loss of the audit: generation -1 (valid checksum) truncated metrics.csv to 0 bytes.
TEST_F(CheckpointFile, GenerationOutsideTheRunIsRejectedAndMetricsAreKept) {
  expect_resume_rejected([](json& j) { j["generation"] = -1; }, {"checkpoint.ckpt", "generation"});
  expect_resume_rejected([](json& j) { j["generation"] = 0; }, {"checkpoint.ckpt", "generation"});
  expect_resume_rejected([](json& j) { j["generation"] = 5; }, {"checkpoint.ckpt", "generation"});
  expect_resume_rejected([](json& j) { j["generation"] = 3; }, {"checkpoint.ckpt", "generation"});
  expect_resume_rejected([](json& j) { j["generation"] = "4"; }, {"checkpoint.ckpt", "generation"});
}

TEST_F(CheckpointFile, CountersAreChecked) {
  expect_resume_rejected([](json& j) { j["episodes"] = -3; }, {"checkpoint.ckpt", "episodes"});
  expect_resume_rejected([](json& j) { j["env_steps"] = 1.5; }, {"checkpoint.ckpt", "env_steps"});
  expect_resume_rejected([](json& j) { j["wall_time"] = -1.0; }, {"checkpoint.ckpt", "wall_time"});
  expect_resume_rejected([](json& j) { j.erase("episodes"); }, {"checkpoint.ckpt", "episodes"});
}

}  // namespace
