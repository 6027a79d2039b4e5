#include "neuroevo/drivers/coco_format.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/files.hpp"
#include "neuroevo/drivers/campaign.hpp"

namespace neuroevo::bbob {

namespace {

// COCO's default observer settings (coco_observer.c): 10 targets per decade, precision 1e-8, and the
// evaluation triggers 1, D * {1, 2, 5} * 10^k.
constexpr int kTargetsPerDecade = 10;
constexpr uint64_t kEvalBase[] = {1, 2, 5};
// Above D = 21 COCO leaves x out of the data lines.
constexpr size_t kMaxDimWithX = 21;

std::string format(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

}  // namespace

CocoRunLog::CocoRunLog(size_t dim, double fopt, double precision) : dim_(dim), fopt_(fopt), precision_(precision) {}

std::string coco_header(double fopt) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "%% function evaluation | noise-free fitness - Fopt (%13.12e) | best noise-free fitness - Fopt | "
                "measured fitness | best measured fitness | x1 | x2...\n",
                fopt);
  return buf;
}

std::string CocoRunLog::line(uint64_t evals, double delta, std::span<const double> x) const {
  std::string s = std::to_string(evals);
  for (double v : {delta, best_, delta + fopt_, best_ + fopt_}) s += format(" %+10.9e", v);
  if (dim_ <= kMaxDimWithX)
    for (double v : x) s += format(" %+5.4e", v);
  return s + "\n";
}

void CocoRunLog::observe(uint64_t evals, std::span<const double> x, double delta) {
  if (!started_ || delta < best_ || std::isnan(best_)) best_ = delta;
  // The bucket of a value v is ceil(10 log10(max(v, precision))): a line whenever the best enters a lower
  // bucket (and for the first evaluation). NaN and infinite values sit above every bucket.
  const int bucket = std::isfinite(best_)
                         ? static_cast<int>(std::ceil(std::log10(std::max(best_, precision_)) * kTargetsPerDecade))
                         : std::numeric_limits<int>::max();
  last_line_ = line(evals, delta, x);
  if (!started_ || bucket < bucket_) {
    dat_ += last_line_;
    bucket_ = bucket;
  }
  started_ = true;
  last_logged_ = false;
  if (evals == next_tdat_) {
    tdat_ += last_line_;
    last_logged_ = true;
    // 1, then D * base[i] * 10^exp in increasing order.
    if (tdat_base_ + 1 < static_cast<int>(std::size(kEvalBase))) {
      ++tdat_base_;
    } else {
      tdat_base_ = 0;
      ++tdat_exp_;
    }
    uint64_t next = dim_ * kEvalBase[tdat_base_];
    for (int e = 0; e < tdat_exp_; ++e) next *= 10;
    // For D = 1 the first trigger repeats evaluation 1: move on to the next one.
    next_tdat_ = next > evals ? next : evals + 1;
  }
  last_evals_ = evals;
}

void CocoRunLog::finish() {
  if (started_ && !last_logged_) tdat_ += last_line_;
  last_logged_ = true;
}

void write_coco(const std::string& dir, const CampaignResult& result) {
  namespace fs = std::filesystem;
  // strategy -> function -> dim -> runs (job order keeps instances in the order given).
  std::map<std::string, std::map<int, std::map<size_t, std::vector<const RunRecord*>>>> groups;
  for (const RunRecord& r : result.runs) groups[r.strategy][r.function][r.dim].push_back(&r);
  std::string settings;
  for (const auto& s : result.spec.sets) settings += (settings.empty() ? "" : " ") + s;
  for (const auto& [strategy, functions] : groups) {
    const std::string base = dir + "/" + strategy;
    for (const auto& [function, dims] : functions) {
      const std::string fdir = "data_f" + std::to_string(function);
      std::error_code ec;
      fs::create_directories(base + "/" + fdir, ec);
      if (ec) throw UsageError("cannot create directory '" + base + "/" + fdir + "': " + ec.message());
      std::string info;
      for (const auto& [dim, runs] : dims) {
        const std::string stem = fdir + "/bbobexp_f" + std::to_string(function) + "_DIM" + std::to_string(dim);
        char head[256];
        std::snprintf(head, sizeof head,
                      "suite = 'bbob', funcId = %d, DIM = %zu, Precision = %.3e, algId = '%s', "
                      "coco_version = 'neuroevo'\n",
                      function, dim, result.spec.precision, strategy.c_str());
        if (!info.empty()) info += "\n";
        info += head;
        info += "% neuroevo bbob run, seed " + std::to_string(result.spec.seed) +
                (settings.empty() ? "" : ", settings: " + settings) + "\n";
        info += stem + ".dat";
        std::string dat, tdat, rdat;
        for (const RunRecord* r : runs) {
          const std::string h = coco_header(r->fopt);
          dat += h + r->coco_dat;
          tdat += h + r->coco_tdat;
          rdat += h;
          info += ", " + std::to_string(r->instance) + ":" + std::to_string(r->evaluations) + "|" +
                  format("%.1e", r->best_delta);
        }
        write_atomic(base + "/" + stem + ".dat", dat);
        write_atomic(base + "/" + stem + ".tdat", tdat);
        write_atomic(base + "/" + stem + ".rdat", rdat);
      }
      write_atomic(base + "/bbobexp_f" + std::to_string(function) + ".info", info + "\n");
    }
  }
}

}  // namespace neuroevo::bbob
