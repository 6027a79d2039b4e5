// The report's C++ side: the dashboard's path check, discovery errors, replays against RlTask, the page's
// script escaping. (The page in a browser: test_report.py and test_report_serve.py.)
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/rng.hpp"
#include "neuroevo/report/replay.hpp"
#include "neuroevo/report/report.hpp"
#include "neuroevo/tasks/rl_task.hpp"

namespace fs = std::filesystem;
using namespace neuroevo;

namespace {

struct TempTree {
  fs::path root;
  TempTree() {
    root = fs::temp_directory_path() / ("neuroevo_report_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                                        "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root);
    fs::create_directories(root / "served" / "run");
    std::ofstream(root / "served" / "run" / "metrics.csv") << "generation,best\n1,2\n";
    std::ofstream(root / "outside.txt") << "secret\n";
    fs::create_symlink(root / "outside.txt", root / "served" / "run" / "link_out.txt");
    fs::create_symlink(root, root / "served" / "link_up");
    fs::create_symlink(root / "served" / "run" / "metrics.csv", root / "served" / "link_in.csv");
  }
  ~TempTree() { fs::remove_all(root); }
};

}  // namespace

TEST(Report, ResolveInsideRejectsEveryWayOut) {
  TempTree t;
  const fs::path served = fs::canonical(t.root / "served");
  EXPECT_EQ(report::resolve_inside(served, "run/metrics.csv"), served / "run" / "metrics.csv");
  EXPECT_EQ(report::resolve_inside(served, "link_in.csv"), served / "run" / "metrics.csv");  // a symlink that stays inside
  for (const char* bad : {"../outside.txt", "run/../../outside.txt", "run/../run/metrics.csv", "/etc/passwd", "",
                          "./run/metrics.csv", "run//metrics.csv", "run\\..\\..\\outside.txt", "run/link_out.txt",
                          "link_up/outside.txt", "..", "."})
    EXPECT_TRUE(report::resolve_inside(served, bad).empty()) << bad;
}

TEST(Report, DiscoverNamesThePathItCannotUse) {
  TempTree t;
  try {
    report::discover({(t.root / "missing").string()});
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("missing"), std::string::npos);
  }
  fs::create_directories(t.root / "empty");
  EXPECT_THROW(report::discover({(t.root / "empty").string()}), UsageError);
  const auto found = report::discover({(t.root / "served").string()});
  ASSERT_EQ(found.size(), 1u);  // the run; symlinked directories are not followed
  EXPECT_EQ(found[0].kind, report::SourceKind::Run);
  EXPECT_EQ(found[0].label, "served/run");
}

TEST(Report, ReplayReturnEqualsTheTasksFirstEvaluationEpisode) {
  for (const char* env_name : {"CartPole-v1", "Acrobot-v1", "minatar/breakout", "hard_maze"}) {
    auto env = make_env(env_name);
    Config pc = Config::from_string("type = \"random\"\n");
    ConfigSection root = pc.root();
    std::shared_ptr<const Policy> policy = make_policy(root, env->observation_space(), env->action_space());
    const std::vector<float> params;
    const uint64_t seed = 7;
    const nlohmann::json rep = report::record_episode({env_name, policy, nullptr, params, 0}, seed);
    RlTask task(env_name, policy, nullptr, 1, 0);
    auto ws = task.make_workspace();
    const Result r = task.evaluate(params, {stream_key(seed, 0, 0, Purpose::FinalEval), 1, false}, *ws);
    EXPECT_NEAR(rep["return"].get<double>(), r.fitness, 1e-9) << env_name;
    const size_t steps = rep["steps"];
    EXPECT_EQ(steps, r.steps) << env_name;
    EXPECT_EQ(rep["rewards"].size(), steps);
    EXPECT_EQ(rep["actions"].size(), steps * env->action_space().dim());
    if (rep.contains("grid")) {
      EXPECT_EQ(rep["grid"].size(), steps + 1);
    }
    if (rep.contains("obs")) {
      EXPECT_EQ(rep["obs"].size(), (steps + 1) * env->observation_space().dim());
    }
    if (rep.contains("states")) {
      EXPECT_EQ(rep["states"].size(), 3 * (steps + 1));
      // The last recorded position is the episode's behaviour descriptor (its final position).
      EXPECT_NEAR(rep["states"][3 * steps].get<double>(), r.behaviour[0], 1e-3);
    }
  }
}

TEST(Report, PageKeepsDataInsideItsScriptElement) {
  const nlohmann::json data = {{"runs", nlohmann::json::array({{{"path", "</script><script>alert(1)</script>"}}})}};
  const std::string page = report::render_page(data, "a <b> & \"c\"", false);
  EXPECT_EQ(page.find("</script><script>alert"), std::string::npos);
  EXPECT_NE(page.find("<\\/script><script>alert(1)<\\/script>"), std::string::npos);
  EXPECT_NE(page.find("<title>a &lt;b&gt; &amp; &quot;c&quot;</title>"), std::string::npos);
  for (const char* placeholder : {"/*NEUROEVO_", "NEUROEVO_TITLE", "NEUROEVO_MODE"})
    EXPECT_EQ(page.find(placeholder), std::string::npos) << placeholder;
}

// A spike recording whose spikes.json or spikes.csv was edited or cut: each is a UsageError naming the file,
// never an allocation sized by the file's numbers or an undefined float-to-integer conversion.
TEST(Report, CorruptSpikeRecordingIsAUsageError) {
  TempTree t;
  const fs::path dir = t.root / "spikes";
  fs::create_directories(dir);
  auto collect_with = [&](const std::string& meta, const std::string& csv) {
    std::ofstream(dir / "spikes.json") << meta;
    std::ofstream(dir / "spikes.csv") << csv;
    return report::collect(report::discover({dir.string()}));
  };
  const std::string good_csv = "time_ms,neuron\n1.5,3\n2.0,0\n";
  // Control: a well-formed recording of 4 neurons over 3 ms; 2 spikes in bins 1 and 2.
  const auto ok = collect_with(R"({"neurons": 4, "seconds": 0.003})", good_csv);
  ASSERT_EQ(ok["spikes"].size(), 1u);
  EXPECT_EQ(ok["spikes"][0]["raster"]["neurons_shown"], 4);
  EXPECT_EQ(ok["spikes"][0]["rate"]["hz"].size(), 3u);
  const std::pair<std::string, std::string> bad[] = {
      {R"({"neurons": 1e300, "seconds": 0.003})", good_csv},             // float where a count belongs
      {R"({"neurons": -4, "seconds": 0.003})", good_csv},
      {R"({"neurons": 4, "seconds": 1e300})", good_csv},                 // 10^303 rate bins
      {R"({"neurons": 4, "seconds": "3"})", good_csv},
      {R"({"neurons": 4, "seconds": 0.003})", "time_ms,neuron\n1.5,x\n"},  // not an index
      {R"({"neurons": 4, "seconds": 0.003})", "time_ms,neuron\n1.5,4\n"},  // index beyond neurons
      {R"({"neurons": 4, "seconds": 0.003})", "time_ms,neuron\nnan,1\n"},
      {R"({"neurons": 4, "seconds": 0.003})", "time_ms,neuron\n1.5,99999999999999999999999\n"}};
  for (const auto& [meta, csv] : bad) {
    try {
      collect_with(meta, csv);
      ADD_FAILURE() << meta << " / " << csv;
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("spikes."), std::string::npos) << e.what();
    }
  }
}

// A summary.json or replay whose fields have the wrong types (edited or cut): the run is still shown, with
// those fields absent, as for a summary.json that does not parse; no JSON type error escapes.
TEST(Report, SummaryFieldsOfTheWrongTypeReadAsAbsent) {
  TempTree t;
  const fs::path run = t.root / "served" / "run";
  std::ofstream(run / "summary.json")
      << R"({"finished": true, "num_params": 1e300, "wall_time_s": "x", "champion": {"mean_return": "a", "std_return": 2, "eval_episodes": -1}})";
  std::ofstream(run / "replay_0.json") << R"({"format": 7})";
  const auto doc = report::collect(report::discover({(t.root / "served" / "run").string()}));
  ASSERT_EQ(doc["runs"].size(), 1u);
  const auto& r = doc["runs"][0];
  EXPECT_EQ(r["status"], "finished");
  EXPECT_TRUE(r["num_params"].is_null());
  EXPECT_TRUE(r["wall_time"].is_null());
  EXPECT_TRUE(r["champion"]["mean"].is_null());
  EXPECT_EQ(r["champion"]["std"], 2.0);
  EXPECT_TRUE(r["champion"]["episodes"].is_null());
  EXPECT_FALSE(r.contains("replays"));
  // "finished" must be the JSON true: a string is not a finished run.
  std::ofstream(run / "summary.json") << R"({"finished": "yes"})";
  const auto doc2 = report::collect(report::discover({(t.root / "served" / "run").string()}));
  EXPECT_NE(doc2["runs"][0]["status"], "finished");
}
