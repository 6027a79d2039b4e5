#include "neuroevo/snn/spike_record.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/files.hpp"

namespace neuroevo::snn {

CobaResult run_coba_recorded(const CobaOptions& o, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (!std::filesystem::is_directory(dir)) throw UsageError("--record: cannot create directory '" + dir + "'");
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  Network net = make_coba_network(o);
  const auto t1 = Clock::now();
  constexpr double kDtMs = 0.1;  // make_coba_network's step
  const auto steps = static_cast<int64_t>(std::llround(o.seconds * 1000.0 / kDtMs));
  std::string csv = "time_ms,neuron\n";
  RunHooks hooks;
  hooks.on_spikes = [&](int64_t step, std::span<const uint32_t> spikes) {
    char buf[48];
    // A spike of step k is emitted at the end of the step: time (k + 1) * dt.
    for (uint32_t n : spikes) {
      std::snprintf(buf, sizeof buf, "%.1f,%u\n", static_cast<double>(step + 1) * kDtMs, n);
      csv += buf;
    }
  };
  CobaResult r;
  r.spikes = net.run(steps, o.threads, hooks);
  const auto t2 = Clock::now();
  r.synapses = net.synapses().synapses();
  r.mean_rate_hz = static_cast<double>(r.spikes) / (static_cast<double>(o.neurons) * o.seconds);
  r.build_seconds = std::chrono::duration<double>(t1 - t0).count();
  r.sim_seconds = std::chrono::duration<double>(t2 - t1).count();
  const nlohmann::json meta = {{"network", o.conductance ? "COBA (conductance)" : "COBA (current)"},
                               {"neurons", o.neurons},
                               {"excitatory", static_cast<uint32_t>(std::llround(0.8 * o.neurons))},
                               {"seconds", o.seconds},
                               {"dt_ms", kDtMs},
                               {"seed", o.seed},
                               {"spikes", r.spikes},
                               {"mean_rate_hz", r.mean_rate_hz}};
  write_atomic(dir + "/spikes.csv", csv);
  write_atomic(dir + "/spikes.json", meta.dump(2) + "\n");
  return r;
}

}  // namespace neuroevo::snn
