// The strategy contract, checked for every entry of strategy_registry() (a new strategy is picked up
// without editing this file): a saved and reloaded state continues bit-identically, concurrent decode()
// / build() equals serial, 1 and 2 evaluator threads give the same run, foreign or corrupt states are
// rejected with UsageError (exit 2 through `neuroevo run --resume`), and invalid results are ranked last.
//
// Every strategy runs on the hard maze (it has a behaviour descriptor, which the novelty strategies need)
// with a 4-unit MLP and 20-step episodes. Its [strategy] table is the one of the first example in
// examples/ that uses it (so required keys such as map_elites' grid are set), or all defaults.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "cli_util.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/files.hpp"
#include "neuroevo/core/json_binary.hpp"
#include "neuroevo/runtime/candidate_eval.hpp"
#include "neuroevo/runtime/evaluator.hpp"
#include "neuroevo/runtime/experiment.hpp"
#include "neuroevo/runtime/setup.hpp"
#include "neuroevo/strategies/schema.hpp"

namespace neuroevo {
namespace {

using namespace cli_test;
namespace fs = std::filesystem;

std::vector<std::string> strategy_names() {
  std::vector<std::string> names;
  for (const auto& s : strategy_registry()) names.push_back(s.name);
  return names;
}

// The first example (in name order) whose strategy is `name`; an empty table when none is.
toml::table first_example_of(const std::string& name) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(NEUROEVO_SOURCE_DIR "/examples"))
    if (e.path().extension() == ".toml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    toml::table t = toml::parse_file(f.string());
    if (t["strategy"]["name"].value_or(std::string()) == name) return t;
  }
  return {};
}

std::string toml_text(const toml::table& t) {
  std::ostringstream os;
  os << t;
  return os.str();
}

// That example's [strategy] table without its name key.
std::string example_strategy_table(const std::string& name) {
  toml::table t = first_example_of(name);
  toml::table* strat = t["strategy"].as_table();
  if (strat == nullptr) return "";
  strat->erase("name");
  return toml_text(*strat);
}

// The problem a strategy is checked on: the hard maze (its behaviour descriptor serves the novelty
// strategies) with a small MLP, or, for a structured strategy whose first example runs on a task type
// other than "rl" (gp on symbolic regression), that example's [task] table (a relative data path made
// absolute).
std::string problem_text(const std::string& name) {
  toml::table t = find_strategy(name).structured ? first_example_of(name) : toml::table{};
  toml::table* task = t["task"].as_table();
  if (task != nullptr && (*task)["type"].value_or(std::string("rl")) != "rl") {
    if (auto data = (*task)["data"].value<std::string>(); data && !data->empty() && data->front() != '/')
      task->insert_or_assign("data", std::string(NEUROEVO_SOURCE_DIR) + "/" + *data);
    return "[task]\n" + toml_text(*task) + "\n\n";
  }
  return "[env]\nname = \"hard_maze\"\n\n[policy]\ntype = \"mlp\"\nhidden = [4]\n\n[task]\nmax_steps = 20\n\n";
}

std::string config_text(const std::string& name, int generations = 3) {
  return "[run]\nseed = 7\ngenerations = " + std::to_string(generations) +
         "\ncheckpoint_every = 1\neval_episodes = 2\n\n" + problem_text(name) +
         "[noise]\nsize = 65536\n\n[strategy]\nname = \"" + name + "\"\n" + example_strategy_table(name) + "\n";
}

Setup make_setup(const std::string& name) { return build_setup(Config::from_string(config_text(name), "conformance"), 1); }

// The experiment's generation loop without files: every batch of `gens` generations on `pool`.
void run_generations(Setup& s, Evaluator& pool, uint64_t gens) {
  Workspaces ws = make_workspaces(*s.task, pool.threads());
  CandidateEvaluator candidates(*s.strategy, *s.task, pool.threads());
  for (uint64_t g = 0; g < gens; ++g) {
    const uint64_t gen = s.strategy->generation();
    for (bool done = false; !done;) {
      const Batch b = s.strategy->ask();
      std::vector<Result> r(b.size);
      pool.parallel_for(b.size, [&](size_t i, size_t w) {
        r[i] = candidates.evaluate(i, w, {stream_key(s.seed, gen, i, b.purpose), b.episodes, false}, *ws[w]);
      });
      done = s.strategy->tell(r);
    }
  }
}

// Candidate i of the current batch as bytes: its float parameters, or its structured genome's encoding.
std::vector<uint8_t> candidate_bytes(const Setup& s, size_t i) {
  if (s.strategy->structured()) return s.strategy->build(i)->to_bytes();
  std::vector<float> p(s.space->num_params());
  s.strategy->decode(i, p);
  const auto* b = reinterpret_cast<const uint8_t*>(p.data());
  return {b, b + p.size() * sizeof(float)};
}

// The champion as the same kind of bytes.
std::vector<uint8_t> champion_bytes(const Setup& s) {
  const Genome g = s.strategy->champion();
  if (g.kind == Genome::Kind::Structured) return g.bytes;
  std::vector<float> p(s.space->num_params());
  materialize(g, *s.space, s.noise.get(), p);
  const auto* b = reinterpret_cast<const uint8_t*>(p.data());
  return {b, b + p.size() * sizeof(float)};
}

class StrategyConformance : public ::testing::TestWithParam<std::string> {};

TEST_P(StrategyConformance, SavedStateContinuesBitIdentically) {
  Evaluator pool(1);
  neuroevo::Setup straight = make_setup(GetParam());
  run_generations(straight, pool, 4);
  neuroevo::Setup first = make_setup(GetParam());
  run_generations(first, pool, 2);
  const std::string text = pack_json_binary(first.strategy->save());  // as a checkpoint stores it
  neuroevo::Setup resumed = make_setup(GetParam());
  resumed.strategy->load(unpack_json_binary(text, "conformance"));
  EXPECT_EQ(resumed.strategy->generation(), 2u);
  run_generations(resumed, pool, 2);
  EXPECT_EQ(resumed.strategy->save(), straight.strategy->save());
  EXPECT_EQ(resumed.strategy->champion(), straight.strategy->champion());
  const Batch b = straight.strategy->ask();
  resumed.strategy->ask();
  for (size_t i = 0; i < b.size; ++i) ASSERT_EQ(candidate_bytes(resumed, i), candidate_bytes(straight, i)) << i;
}

TEST_P(StrategyConformance, ConcurrentDecodeEqualsSerial) {
  Evaluator pool(3);
  neuroevo::Setup s = make_setup(GetParam());
  run_generations(s, pool, 1);
  const Batch b = s.strategy->ask();
  std::vector<std::vector<uint8_t>> serial(b.size), parallel(b.size);
  for (size_t i = 0; i < b.size; ++i) serial[i] = candidate_bytes(s, i);
  pool.parallel_for(b.size, [&](size_t i, size_t) { parallel[i] = candidate_bytes(s, i); });
  EXPECT_EQ(serial, parallel);
  // Out of range, the wrong output size or a batch of the wrong size are programming errors.
  if (!s.strategy->structured()) {
    std::vector<float> p(s.space->num_params()), wrong(p.size() + 1);
    EXPECT_THROW(s.strategy->decode(b.size, p), std::invalid_argument);
    EXPECT_THROW(s.strategy->decode(0, wrong), std::invalid_argument);
  }
  EXPECT_THROW(s.strategy->tell(std::vector<Result>(b.size + 1)), std::invalid_argument);
}

TEST_P(StrategyConformance, OneAndTwoThreadsGiveTheSameRun) {
  neuroevo::Setup a = make_setup(GetParam());
  neuroevo::Setup b = make_setup(GetParam());
  Evaluator one(1), two(2);
  run_generations(a, one, 3);
  run_generations(b, two, 3);
  EXPECT_EQ(a.strategy->save(), b.strategy->save());
  EXPECT_EQ(a.strategy->champion(), b.strategy->champion());
}

TEST_P(StrategyConformance, ForeignAndCorruptStatesAreUsageErrors) {
  Evaluator pool(1);
  neuroevo::Setup s = make_setup(GetParam());
  run_generations(s, pool, 2);
  const nlohmann::json state = s.strategy->save();
  ASSERT_TRUE(state.is_object());
  for (const auto& other : strategy_names()) {
    if (other == GetParam()) continue;
    neuroevo::Setup o = make_setup(other);
    EXPECT_THROW(s.strategy->load(o.strategy->save()), UsageError) << "state of " << other;
  }
  EXPECT_THROW(s.strategy->load(nlohmann::json::array()), UsageError);
  // Every key of the state is either needed (a missing or mistyped value is a UsageError) or redundant
  // (recomputed from the config: the state then reloads to exactly the original). Nothing else is allowed:
  // no other exception type, no silently different state.
  auto check = [&](const nlohmann::json& damaged, const std::string& what) {
    neuroevo::Setup t = make_setup(GetParam());
    try {
      t.strategy->load(damaged);
    } catch (const UsageError&) {
      return;
    } catch (const std::exception& e) {
      ADD_FAILURE() << what << ": not a UsageError: " << e.what();
      return;
    }
    EXPECT_TRUE(t.strategy->save() == state) << what << " was accepted but changed the state";
  };
  for (const auto& [key, value] : state.items()) {
    nlohmann::json missing = state;
    missing.erase(key);
    check(missing, "without \"" + key + "\"");
    nlohmann::json wrong = state;  // a value of the wrong type
    // (A non-finite number is the string "nan", "inf" or "-inf": its wrong type is a boolean, since a
    // number in its place is a legitimate value.)
    const bool non_finite = value == "nan" || value == "inf" || value == "-inf";
    wrong[key] = non_finite ? nlohmann::json(true) : value.is_string() ? nlohmann::json(12345) : nlohmann::json("corrupt");
    check(wrong, "\"" + key + "\" of the wrong type");
  }
}

// A state written for another network size (hidden = [5] instead of [4]) is refused with UsageError, by
// every strategy whose state depends on that size. Exempt (no parameterised instance, so nothing shows as
// skipped): structured genomes, whose candidates have no fixed length, and states of seed chains only
// (ga, random_search, map_elites: a chain rebuilds at any network size).
TEST(StrategyConformanceSizes, StateOfAnotherNetworkSizeIsAUsageError) {
  Evaluator pool(1);
  size_t checked = 0;
  for (const auto& name : strategy_names()) {
    SCOPED_TRACE(name);
    neuroevo::Setup s = make_setup(name);
    if (s.strategy->structured() || s.strategy->champion().kind == Genome::Kind::SeedChain) continue;
    run_generations(s, pool, 1);
    std::string text = config_text(name);
    text.replace(text.find("hidden = [4]"), 12, "hidden = [5]");
    neuroevo::Setup other = build_setup(Config::from_string(text, "conformance"), 1);
    EXPECT_THROW(other.strategy->load(s.strategy->save()), UsageError);
    ++checked;
  }
  // The fixed-vector distribution and population strategies (openai_es, the CMA family, NES, PGPE, ARS,
  // hill climbing, the real-valued GA, NS-ES): at least these twelve.
  EXPECT_GE(checked, 12u);
}

TEST_P(StrategyConformance, InvalidResultsAreRankedLast) {
  Evaluator pool(1);
  neuroevo::Setup s = make_setup(GetParam());
  run_generations(s, pool, 1);
  Workspaces ws = make_workspaces(*s.task, 1);
  CandidateEvaluator candidates(*s.strategy, *s.task, 1);
  const uint64_t gen = s.strategy->generation();
  std::vector<std::vector<uint8_t>> invalid;
  for (bool done = false; !done;) {
    const Batch b = s.strategy->ask();
    const std::vector<uint8_t> champion = champion_bytes(s);
    std::vector<Result> r(b.size);
    for (size_t i = 0; i < b.size; ++i) {
      r[i] = candidates.evaluate(i, 0, {stream_key(s.seed, gen, i, b.purpose), b.episodes, false}, *ws[0]);
      const std::vector<uint8_t> c = candidate_bytes(s, i);
      // Every other candidate claims an infinite return (a diverged rollout): it would win if it counted.
      if (i % 2 == 0 && c != champion) {
        r[i].fitness = std::numeric_limits<double>::infinity();
        r[i].valid = false;
        invalid.push_back(c);
      }
    }
    done = s.strategy->tell(r);
  }
  ASSERT_FALSE(invalid.empty());
  const std::vector<uint8_t> champion = champion_bytes(s);
  for (const auto& c : invalid) EXPECT_NE(champion, c) << "an invalid candidate became the champion";
  // A batch of invalid results only (diverged rollouts: NaN returns, behaviours still measured) is
  // survivable and leaves a state that reloads.
  for (bool done = false; !done;) {
    const Batch b = s.strategy->ask();
    std::vector<Result> r(b.size);
    for (size_t i = 0; i < b.size; ++i) {
      r[i] = candidates.evaluate(i, 0, {stream_key(s.seed, gen + 1, i, b.purpose), b.episodes, false}, *ws[0]);
      r[i].fitness = std::nan("");
      r[i].valid = false;
    }
    done = s.strategy->tell(r);
  }
  neuroevo::Setup again = make_setup(GetParam());
  EXPECT_NO_THROW(again.strategy->load(unpack_json_binary(pack_json_binary(s.strategy->save()), "conformance")));
}

// Through the CLI: a run directory whose (validly checksummed) checkpoint holds another strategy's state
// is refused with exit code 2 and a message; the unmodified checkpoint resumes (control).
TEST_P(StrategyConformance, ResumeWithForeignCheckpointExitsWithCode2) {
  TempDir tmp;
  const std::string cfg = tmp / "config.toml";
  write_file(cfg, config_text(GetParam(), 2));
  const std::string run = tmp / "run";
  const CliResult r = run_cli({"run", cfg, "--out", run, "--threads", "1", "--quiet"});
  ASSERT_EQ(r.code, 0) << r.describe();
  fs::remove(run + "/summary.json");  // as if killed after the last checkpoint
  const std::string ck = run + "/checkpoint.ckpt";
  const auto bytes = read_checked(ck, "checkpoint");
  nlohmann::json j = unpack_json_binary(std::string(bytes.begin(), bytes.end()), ck);
  const std::string other = GetParam() == strategy_names().front() ? strategy_names().back() : strategy_names().front();
  j["strategy"] = make_setup(other).strategy->save();
  const std::string text = pack_json_binary(j);
  write_checked(ck, "checkpoint", std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  const CliResult bad = run_cli({"run", "--resume", run, "--threads", "1", "--quiet"});
  EXPECT_EQ(bad.code, 2) << bad.describe();
  EXPECT_NE(bad.err.find("error"), std::string::npos) << bad.describe();
  EXPECT_EQ(bad.err.find("terminate"), std::string::npos) << bad.describe();
}

// `neuroevo list --keys` prints exactly the keys the config accepts and resolves (for strategies with a
// declared ParamTable), and every listed default is accepted back by `--set`.
TEST_P(StrategyConformance, ListedKeysAreTheKeysTheConfigReads) {
  const StrategyInfo& info = find_strategy(GetParam());
  const CliResult r = run_cli({"list", "--keys", GetParam()});
  ASSERT_EQ(r.code, 0) << r.describe();
  if (!info.keys) {
    EXPECT_NE(r.out.find("no declared table"), std::string::npos) << r.out;
    return;
  }
  std::vector<std::string> listed;
  for (const auto& line : lines_of(r.out)) {
    std::istringstream is(line);
    std::string key;
    is >> key;
    if (key != "key") listed.push_back(key);
  }
  std::vector<std::string> declared;
  for (const auto& k : info.keys()) declared.push_back(k.key);
  EXPECT_EQ(listed, declared);
  // The run's resolved [strategy] table holds exactly these keys (plus name), with the listed defaults.
  TempDir tmp;
  const std::string cfg = tmp / "config.toml";
  // The hard maze, as above: novelty strategies need its behaviour descriptor.
  // The example's own [strategy] table supplies keys without a default (map_elites' grid); the plain
  // defaults are then forced with --set below.
  // Keys computed from other keys are dropped from the example's table too (required ones, "auto: none
  // (required)", stay): with the plain defaults forced, an example's value for one (ars_ant's top = 20)
  // can break its rule (top <= the default 8 directions).
  toml::table example = first_example_of(GetParam());
  std::string strategy_table;
  if (toml::table* strat = example["strategy"].as_table()) {
    strat->erase("name");
    for (const auto& k : info.keys())
      if (computed_default(k) && k.default_value.find("required") == std::string::npos) strat->erase(k.key);
    strategy_table = toml_text(*strat);
  }
  write_file(cfg, "[run]\ngenerations = 1\neval_episodes = 1\n" + problem_text(GetParam()) +
                  "[noise]\nsize = 65536\n[strategy]\nname = \"" + GetParam() + "\"\n" + strategy_table + "\n");
  std::vector<std::string> args = {"run", cfg, "--out", tmp / "run", "--quiet", "--threads", "1"};
  // Computed defaults (from D or other keys) name a rule, not a value: they are left to the strategy.
  for (const auto& k : info.keys())
    if (!computed_default(k)) args.insert(args.end(), {"--set", "strategy." + k.key + "=" + k.default_value});
  const CliResult run = run_cli(args);
  ASSERT_EQ(run.code, 0) << run.describe();
  const toml::table resolved = toml::parse_file((tmp / "run/config.toml"));
  std::vector<std::string> keys;
  for (const auto& [k, v] : *resolved["strategy"].as_table())
    if (k.str() != "name") keys.emplace_back(k.str());
  // Every resolved key is declared; every declared key with a plain default is resolved (a computed one may
  // be absent when it is an alternative to another key, such as pgpe's sigma and radius).
  for (const auto& k : keys)
    EXPECT_NE(std::find(declared.begin(), declared.end(), k), declared.end()) << k << " is read but not declared";
  for (const auto& k : info.keys()) {
    if (!computed_default(k)) {
      EXPECT_NE(std::find(keys.begin(), keys.end(), k.key), keys.end()) << k.key << " is declared but not read";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Registry, StrategyConformance, ::testing::ValuesIn(strategy_names()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace neuroevo
