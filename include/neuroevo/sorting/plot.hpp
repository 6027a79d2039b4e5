// Minimal SVG line plots for the sorting experiments (sortedness and aggregation trajectories,
// delayed gratification against frozen cells). Plain text, no dependency.
#pragma once
#include <string>
#include <vector>

namespace neuroevo::sorting {

struct Series {
  std::string name;
  std::vector<double> x, y;
  std::string color;     // any SVG colour; empty: from a fixed palette
  double opacity = 1.0;  // faint lines for individual runs
  bool legend = true;
  bool dashed = false;
};

// A line chart; y_lo / y_hi fix the y range when y_lo < y_hi, else it fits the data.
std::string line_plot_svg(const std::string& title, const std::string& xlabel, const std::string& ylabel,
                          const std::vector<Series>& series, double y_lo = 0.0, double y_hi = 0.0);

}  // namespace neuroevo::sorting
