// `neuroevo memory ...`: associative-memory experiments (docs/memory.md).
//   memory hopfield --dim 64 --patterns 8,16,...,2048 --noise 0.2 --kind classical|modern [--beta B]
//                   [--update sync|async] [--steps K] [--probes P] [--seed S] [--load FILE] [--json]
//       retrieval accuracy against the number of stored patterns;
//   memory hopfield --kind modern --betas 0.001,0.01,... --patterns N
//       the fixed-point kinds (global average, metastable, single pattern) as beta varies;
//   memory ca3 ...   the spiking CA3 content-addressable memory (src/memory/ca3.cpp).
#include <cmath>
#include <cstdio>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/number_text.hpp"
#include "neuroevo/core/files.hpp"
#include "neuroevo/memory/ca3.hpp"
#include "neuroevo/memory/hopfield.hpp"

namespace neuroevo::cli {

namespace {

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, ',');) out.push_back(item);
  return out;
}

// "8,16,32" or "8:2048" (powers of two from 8 to 2048) -> counts; each must be a positive integer.
std::vector<size_t> parse_counts(const std::string& option, const std::string& s) {
  std::vector<size_t> out;
  const auto bad = [&](const std::string& v) {
    return UsageError(option + ": '" + v + "' is not a positive integer (give e.g. 8,16,32 or 8:2048 for powers of two)");
  };
  const auto to_count = [&](const std::string& v) -> size_t {
    const auto n = parse_integer(v, 1, 100'000'000);
    if (!n) throw bad(v);
    return static_cast<size_t>(*n);
  };
  if (const auto colon = s.find(':'); colon != std::string::npos) {
    const size_t lo = to_count(s.substr(0, colon)), hi = to_count(s.substr(colon + 1));
    for (size_t n = lo; n <= hi; n *= 2) out.push_back(n);
    return out;
  }
  for (const auto& v : split_list(s)) out.push_back(to_count(v));
  if (out.empty()) throw UsageError(option + ": empty list (an empty memory cannot be queried)");
  return out;
}

std::vector<double> parse_doubles(const std::string& option, const std::string& s) {
  std::vector<double> out;
  for (const auto& v : split_list(s)) {
    size_t pos = 0;
    double d = 0;
    try {
      d = std::stod(v, &pos);
    } catch (const std::exception&) {
      throw UsageError(option + ": '" + v + "' is not a number");
    }
    if (pos != v.size() || !std::isfinite(d)) throw UsageError(option + ": '" + v + "' is not a number");
    out.push_back(d);
  }
  if (out.empty()) throw UsageError(option + ": empty list");
  return out;
}

// Patterns from a text file: one pattern per line, values separated by commas or spaces.
std::vector<float> load_patterns(const std::string& path, size_t dim) {
  const std::string text = read_text_file(path);
  std::vector<float> out;
  std::stringstream lines(text);
  size_t line_no = 0;
  for (std::string line; std::getline(lines, line);) {
    ++line_no;
    for (char& c : line)
      if (c == ',') c = ' ';
    std::stringstream vals(line);
    size_t n = 0;
    for (std::string v; vals >> v; ++n) {
      try {
        out.push_back(std::stof(v));
      } catch (const std::exception&) {
        throw UsageError("--load: " + path + " line " + std::to_string(line_no) + ": '" + v + "' is not a number");
      }
    }
    if (n != 0 && n != dim)
      throw UsageError("--load: " + path + " line " + std::to_string(line_no) + " has " + std::to_string(n) +
                       " values but --dim is " + std::to_string(dim) + " (patterns of the wrong dimension)");
  }
  if (out.empty()) throw UsageError("--load: " + path + " holds no patterns (an empty memory cannot be queried)");
  return out;
}

struct HopfieldArgs {
  long long dim = 64;
  std::string patterns = "8:2048";
  double noise = 0.2;
  std::string kind = "modern";
  std::string update = "sync";
  double beta = 1.0;
  std::string betas;
  int steps = 0;  // 0: the kind's default
  long long probes = 256;
  unsigned long long seed = 0;
  std::string load;
  bool json = false;
};

int run_hopfield_cmd(const HopfieldArgs& a) {
  if (a.dim <= 0 || a.dim > 1'000'000) throw UsageError("--dim must be in [1, 1000000], got " + std::to_string(a.dim));
  if (!(a.noise >= 0.0 && a.noise <= 1.0)) throw UsageError("--noise must be in [0, 1], got " + std::to_string(a.noise));
  if (a.kind != "classical" && a.kind != "modern") throw UsageError("--kind must be classical or modern, got '" + a.kind + "'");
  if (a.update != "sync" && a.update != "async") throw UsageError("--update must be sync or async, got '" + a.update + "'");
  if (!(a.beta > 0.0) || !std::isfinite(a.beta)) throw UsageError("--beta must be a positive number, got " + std::to_string(a.beta));
  if (a.steps < 0 || a.steps > 100000) throw UsageError("--steps must be in [0, 100000], got " + std::to_string(a.steps));
  if (a.probes <= 0) throw UsageError("--probes must be positive, got " + std::to_string(a.probes));
  const size_t dim = static_cast<size_t>(a.dim);
  const std::vector<size_t> counts = parse_counts("--patterns", a.patterns);

  if (!a.betas.empty()) {  // fixed-point kinds as beta varies
    if (a.kind != "modern") throw UsageError("--betas: fixed-point kinds are a property of the modern network (--kind modern)");
    const std::vector<double> betas = parse_doubles("--betas", a.betas);
    for (double b : betas)
      if (!(b > 0.0)) throw UsageError("--betas: every beta must be positive, got " + std::to_string(b));
    if (counts.size() != 1) throw UsageError("--patterns: give one count with --betas");
    const auto rows = memory::run_fixed_points(dim, counts[0], betas, a.noise, static_cast<size_t>(a.probes), a.seed,
                                               a.steps > 0 ? a.steps : 1000);
    if (a.json) {
      nlohmann::json j = {{"experiment", "hopfield_fixed_points"}, {"dim", dim}, {"patterns", counts[0]}, {"noise", a.noise},
                          {"seed", a.seed}, {"rows", nlohmann::json::array()}};
      for (const auto& r : rows)
        j["rows"].push_back({{"beta", r.beta}, {"probes", r.probes}, {"single", r.single}, {"metastable", r.metastable},
                             {"global", r.global}, {"mean_n_eff", r.mean_n_eff},
                             {"distance_to_mean", r.mean_distance_to_mean}, {"mean_steps", r.mean_steps}});
      std::printf("%s\n", j.dump().c_str());
    } else {
      std::printf("modern Hopfield fixed points: dim %zu, %zu patterns, noise %.3g (n_eff = 1 / sum p^2)\n", dim, counts[0], a.noise);
      std::printf("%10s %8s %10s %8s %10s %12s %8s\n", "beta", "single", "metastable", "global", "n_eff", "|xi-mean|", "steps");
      for (const auto& r : rows)
        std::printf("%10.4g %8.3f %10.3f %8.3f %10.2f %12.4f %8.1f\n", r.beta, r.single, r.metastable, r.global, r.mean_n_eff,
                    r.mean_distance_to_mean, r.mean_steps);
    }
    return 0;
  }

  memory::CapacityOptions o;
  o.dim = dim;
  o.counts = counts;
  o.noise = a.noise;
  o.kind = a.kind == "classical" ? memory::HopfieldKind::Classical : memory::HopfieldKind::Modern;
  o.update = a.update == "sync" ? memory::HopfieldUpdate::Sync : memory::HopfieldUpdate::Async;
  o.beta = a.beta;
  o.steps = a.steps > 0 ? a.steps : (o.kind == memory::HopfieldKind::Modern ? 1 : 100);
  o.probes = static_cast<size_t>(a.probes);
  o.seed = a.seed;
  if (!a.load.empty()) o.patterns = load_patterns(a.load, dim);
  const auto rows = memory::run_capacity(o);
  const auto per_update = [&](const memory::CapacityPoint& r) {
    return r.seconds / static_cast<double>(r.probes) / (o.kind == memory::HopfieldKind::Modern ? o.steps : 1);
  };
  if (a.json) {
    nlohmann::json j = {{"experiment", "hopfield_capacity"}, {"kind", a.kind}, {"dim", dim}, {"noise", a.noise},
                        {"steps", o.steps}, {"seed", a.seed}, {"rows", nlohmann::json::array()}};
    if (o.kind == memory::HopfieldKind::Modern) j["beta"] = a.beta;
    else j["update"] = a.update;
    for (const auto& r : rows) {
      nlohmann::json row = {{"patterns", r.count}, {"ratio", static_cast<double>(r.count) / static_cast<double>(dim)},
                            {"probes", r.probes}, {"accuracy", r.accuracy}, {"overlap", r.overlap}, {"seconds", r.seconds}};
      if (o.kind == memory::HopfieldKind::Modern) {
        const double flops = 4.0 * static_cast<double>(r.count * dim) + 3.0 * static_cast<double>(r.count);
        row["seconds_per_update"] = per_update(r);
        row["flops_per_update"] = flops;
        row["gflops"] = flops / per_update(r) * 1e-9;
      }
      j["rows"].push_back(row);
    }
    std::printf("%s\n", j.dump().c_str());
  } else {
    std::printf("%s Hopfield: dim %zu, noise %.3g, %s%d %s, seed %llu\n", a.kind.c_str(), dim, a.noise,
                o.kind == memory::HopfieldKind::Modern ? ("beta " + std::to_string(a.beta) + ", ").c_str() : (a.update + ", ").c_str(),
                o.steps, o.kind == memory::HopfieldKind::Modern ? "update(s)" : "max steps", a.seed);
    std::printf("%10s %8s %8s %10s %10s\n", "patterns", "N/dim", "probes", "accuracy", "overlap");
    for (const auto& r : rows)
      std::printf("%10zu %8.3f %8zu %10.4f %10.4f\n", r.count, static_cast<double>(r.count) / static_cast<double>(dim), r.probes,
                  r.accuracy, r.overlap);
  }
  return 0;
}

struct Ca3Args {
  long long neurons = 128;
  long long memory_size = 16;
  std::string memories = "1,2,4,8,16";
  std::string cue = "0.25,0.5,0.75";
  std::string overlap = "0,0.25,0.5";
  long long trials = 5;
  double w_max = 14.0;
  unsigned long long seed = 0;
  bool json = false;
};

int run_ca3_cmd(const Ca3Args& a) {
  if (a.neurons < 2 || a.neurons > 20000) throw UsageError("--neurons must be in [2, 20000], got " + std::to_string(a.neurons));
  if (a.memory_size < 2 || a.memory_size > a.neurons)
    throw UsageError("--memory-size must be in [2, --neurons], got " + std::to_string(a.memory_size));
  if (a.trials <= 0 || a.trials > 100000) throw UsageError("--trials must be in [1, 100000], got " + std::to_string(a.trials));
  if (!(a.w_max > 0.0) || !std::isfinite(a.w_max)) throw UsageError("--w-max must be positive, got " + std::to_string(a.w_max));
  memory::Ca3Experiment e;
  e.params.neurons = static_cast<uint32_t>(a.neurons);
  e.params.w_max = a.w_max;
  e.params.eta_plus = 2.0 * a.w_max;
  e.params.eta_forget = a.w_max;
  e.memory_size = static_cast<uint32_t>(a.memory_size);
  e.counts.clear();
  for (size_t c : parse_counts("--memories", a.memories)) e.counts.push_back(static_cast<uint32_t>(c));
  e.cue_fractions = parse_doubles("--cue", a.cue);
  for (double c : e.cue_fractions)
    if (!(c > 0.0 && c <= 1.0)) throw UsageError("--cue: fractions must be in (0, 1], got " + std::to_string(c));
  e.overlaps = parse_doubles("--overlap", a.overlap);
  for (double o : e.overlaps)
    if (!(o >= 0.0 && o < 1.0)) throw UsageError("--overlap: values must be in [0, 1), got " + std::to_string(o));
  e.trials = static_cast<uint32_t>(a.trials);
  e.seed = a.seed;
  const auto rows = memory::run_ca3_experiment(e);
  memory::Ca3Forgetting f;
  const bool forgetting = e.params.neurons >= 3 * e.memory_size;
  if (forgetting) f = memory::run_ca3_forgetting(e);
  if (a.json) {
    nlohmann::json j = {{"experiment", "ca3"}, {"neurons", a.neurons}, {"memory_size", a.memory_size}, {"trials", a.trials},
                        {"w_max", a.w_max}, {"seed", a.seed}, {"rows", nlohmann::json::array()}};
    for (const auto& r : rows)
      j["rows"].push_back({{"memories", r.memories}, {"cue", r.cue}, {"overlap", r.overlap}, {"recalls", r.recalls},
                           {"exact", r.exact}, {"hit", r.hit}, {"false_alarms", r.false_alarm}});
    if (forgetting)
      j["forgetting"] = {{"trials", f.trials}, {"new_recalled", f.new_recalled}, {"old_recalled", f.old_recalled},
                         {"unlearned_recalled", f.unlearned_recalled}};
    std::printf("%s\n", j.dump().c_str());
  } else {
    std::printf("CA3 spiking memory: %lld neurons, memories of %lld, %lld trials, w_max %.3g, seed %llu\n", a.neurons,
                a.memory_size, a.trials, a.w_max, a.seed);
    std::printf("%9s %6s %8s %8s %8s %8s %13s\n", "memories", "cue", "overlap", "recalls", "exact", "hit", "false alarms");
    for (const auto& r : rows)
      std::printf("%9u %6.2f %8.2f %8u %8.3f %8.3f %13.2f\n", r.memories, r.cue, r.overlap, r.recalls, r.exact, r.hit,
                  r.false_alarm);
    if (forgetting)
      std::printf("forgetting (A = C+D1 then B = C+D2, recall from C; %u trials): B exact %.3f, any of D1 %.3f; "
                  "unlearned pattern completed %.3f\n",
                  f.trials, f.new_recalled, f.old_recalled, f.unlearned_recalled);
  }
  return 0;
}

}  // namespace

Command add_memory(CLI::App& app) {
  auto* cmd = app.add_subcommand("memory", "Associative memories: classical and modern Hopfield networks, spiking CA3 memory");
  cmd->require_subcommand(1);
  auto h = std::make_shared<HopfieldArgs>();
  auto* hc = cmd->add_subcommand("hopfield", "Retrieval accuracy of a Hopfield network against the number of stored patterns");
  hc->add_option("--dim", h->dim, "pattern dimension (default 64)");
  hc->add_option("--patterns", h->patterns, "stored-pattern counts: 8,16,32 or 8:2048 for powers of two (default 8:2048)");
  hc->add_option("--noise", h->noise, "fraction of a probe's units flipped (default 0.2)");
  hc->add_option("--kind", h->kind, "classical or modern (default modern)");
  hc->add_option("--update", h->update, "classical: sync or async (default sync)");
  hc->add_option("--beta", h->beta, "modern: inverse temperature beta > 0 (default 1)");
  hc->add_option("--betas", h->betas, "modern: list of betas; prints the fixed-point kinds for one --patterns count");
  hc->add_option("--steps", h->steps, "modern: updates per probe (default 1); classical: max steps/sweeps (default 100)");
  hc->add_option("--probes", h->probes, "probes per count: stored patterns with noise (default 256, at most all)");
  hc->add_option("--seed", h->seed, "seed of the patterns and the noise (default 0)");
  hc->add_option("--load", h->load, "file of patterns, one per line (values +-1), instead of random ones");
  hc->add_flag("--json", h->json, "print one JSON object");

  auto c = std::make_shared<Ca3Args>();
  auto* cc = cmd->add_subcommand("ca3", "Spiking CA3 content-addressable memory: recall against memories, cue fraction, overlap");
  cc->add_option("--neurons", c->neurons, "CA3 excitatory neurons N (default 128)");
  cc->add_option("--memory-size", c->memory_size, "neurons per memory K (default 16)");
  cc->add_option("--memories", c->memories, "stored-memory counts (default 1,2,4,8,16)");
  cc->add_option("--cue", c->cue, "cue fractions in (0, 1] (default 0.25,0.5,0.75)");
  cc->add_option("--overlap", c->overlap, "fraction of a memory shared with the previous one, in [0, 1) (default 0,0.25,0.5)");
  cc->add_option("--trials", c->trials, "independent networks per setting (default 5)");
  cc->add_option("--w-max", c->w_max, "recurrent weight bound, mV (default 14: 3 coincident inputs fire a neuron)");
  cc->add_option("--seed", c->seed, "seed of memories, cues and encoding orders (default 0)");
  cc->add_flag("--json", c->json, "print one JSON object");

  return {cmd, [=] {
            if (hc->parsed()) return run_hopfield_cmd(*h);
            if (cc->parsed()) return run_ca3_cmd(*c);
            return 2;
          }};
}

}  // namespace neuroevo::cli
