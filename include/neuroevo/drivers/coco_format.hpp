// COCO's "bbob" data format, so that a campaign can be post-processed by COCO's tools (cocopp) and compared
// with the published data archive. Layout and line formats follow COCO's bbob logger
// (numbbo/coco, code-experiments/src/logger_bbob.c and coco_observer.c):
//
//   <dir>/bbobexp_f<F>.info                      one block of 3 lines per dimension:
//       suite = 'bbob', funcId = F, DIM = D, Precision = 1.000e-08, algId = 'NAME', coco_version = '...'
//       % <algorithm settings>
//       data_f<F>/bbobexp_f<F>_DIM<D>.dat, <instance>:<evaluations>|<best f - fopt, %.1e>, ...
//   <dir>/data_f<F>/bbobexp_f<F>_DIM<D>.dat      per run: a header line, then one line each time the
//       best f - fopt enters a new target bucket 10^(k/10) (k integer, down to the 1e-8 precision);
//   ....tdat                                      per run: a header line, then lines at evaluations
//       1, D, 2D, 5D, 10D, 20D, ... and at the run's last evaluation;
//   ....rdat                                      per run: the header line (restarts are internal to the
//       strategies and not signalled).
// A data line is "evals f-fopt best_f-fopt f best_f" (%+10.9e) followed by x (%+5.4e) when D < 22.
#pragma once
#include <cstdint>
#include <span>
#include <string>

namespace neuroevo::bbob {

struct CampaignResult;

// Observes the evaluations of one run (in order) and produces its .dat and .tdat lines.
class CocoRunLog {
 public:
  CocoRunLog(size_t dim, double fopt, double precision);
  // evaluations: 1-based count of this evaluation; delta = f(x) - fopt.
  void observe(uint64_t evaluations, std::span<const double> x, double delta);
  // Writes the final .tdat line if the last evaluation was not logged already.
  void finish();
  const std::string& dat() const { return dat_; }
  const std::string& tdat() const { return tdat_; }

 private:
  std::string line(uint64_t evals, double delta, std::span<const double> x) const;
  size_t dim_;
  double fopt_, precision_;
  double best_ = 0.0;
  int bucket_ = 0;               // target bucket of the best value logged to .dat
  uint64_t next_tdat_ = 1;       // next evaluation count that triggers a .tdat line
  int tdat_base_ = -1, tdat_exp_ = 0;
  uint64_t last_evals_ = 0;
  bool last_logged_ = false, started_ = false;
  std::string last_line_, dat_, tdat_;
};

// The header line that starts each run in the .dat, .tdat and .rdat files.
std::string coco_header(double fopt);

// Writes the .info/.dat/.tdat/.rdat files of every strategy into <dir>/<strategy>/ (atomically, file by
// file). Runs must carry their logs (RunRecord::coco_dat, coco_tdat).
void write_coco(const std::string& dir, const CampaignResult& result);

}  // namespace neuroevo::bbob
