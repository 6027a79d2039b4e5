#include "neuroevo/sorting/plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace neuroevo::sorting {

namespace {

std::string esc(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '<') o += "&lt;";
    else if (c == '>') o += "&gt;";
    else if (c == '&') o += "&amp;";
    else o += c;
  }
  return o;
}

std::string num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", v);
  return b;
}

std::string tick(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%g", std::abs(v) < 1e-12 ? 0.0 : v);
  return b;
}

// A "nice" step (1, 2 or 5 times a power of ten) giving about five ticks over [lo, hi].
double nice_step(double lo, double hi) {
  const double raw = (hi - lo) / 5.0;
  if (!(raw > 0.0)) return 1.0;
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (raw <= m * p) return m * p;
  return 10.0 * p;
}

}  // namespace

std::string line_plot_svg(const std::string& title, const std::string& xlabel, const std::string& ylabel,
                          const std::vector<Series>& series, double y_lo, double y_hi) {
  static const char* palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"};
  const double W = 760, H = 440, L = 70, R = 190, T = 40, B = 55;
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, ylo = x0, yhi = -x0;
  for (const auto& s : series)
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      x0 = std::min(x0, s.x[i]);
      x1 = std::max(x1, s.x[i]);
      ylo = std::min(ylo, s.y[i]);
      yhi = std::max(yhi, s.y[i]);
    }
  if (!std::isfinite(x0)) x0 = 0, x1 = 1, ylo = 0, yhi = 1;
  if (x1 <= x0) x1 = x0 + 1;
  if (y_lo < y_hi) ylo = y_lo, yhi = y_hi;
  if (yhi <= ylo) yhi = ylo + 1;
  auto px = [&](double x) { return L + (x - x0) / (x1 - x0) * (W - L - R); };
  auto py = [&](double y) { return H - B - (y - ylo) / (yhi - ylo) * (H - T - B); };
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(W) + "\" height=\"" + num(H) +
                  "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  s += "<text x=\"" + num(W / 2 - R / 2) + "\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">" + esc(title) + "</text>\n";
  s += "<rect x=\"" + num(L) + "\" y=\"" + num(T) + "\" width=\"" + num(W - L - R) + "\" height=\"" + num(H - T - B) +
       "\" fill=\"none\" stroke=\"#444\"/>\n";
  const double xs = nice_step(x0, x1), ys = nice_step(ylo, yhi);
  for (double v = std::ceil(x0 / xs) * xs; v <= x1 + 1e-9 * xs; v += xs)
    s += "<line x1=\"" + num(px(v)) + "\" y1=\"" + num(H - B) + "\" x2=\"" + num(px(v)) + "\" y2=\"" + num(H - B + 5) +
         "\" stroke=\"#444\"/><text x=\"" + num(px(v)) + "\" y=\"" + num(H - B + 18) + "\" text-anchor=\"middle\">" +
         tick(v) + "</text>\n";
  for (double v = std::ceil(ylo / ys) * ys; v <= yhi + 1e-9 * ys; v += ys)
    s += "<line x1=\"" + num(L - 5) + "\" y1=\"" + num(py(v)) + "\" x2=\"" + num(W - R) + "\" y2=\"" + num(py(v)) +
         "\" stroke=\"#ddd\"/><text x=\"" + num(L - 8) + "\" y=\"" + num(py(v) + 4) + "\" text-anchor=\"end\">" +
         tick(v) + "</text>\n";
  s += "<text x=\"" + num((L + W - R) / 2) + "\" y=\"" + num(H - 12) + "\" text-anchor=\"middle\">" + esc(xlabel) + "</text>\n";
  s += "<text transform=\"translate(16," + num((T + H - B) / 2) + ") rotate(-90)\" text-anchor=\"middle\">" + esc(ylabel) +
       "</text>\n";
  size_t legend_row = 0, k = 0;
  for (const auto& se : series) {
    const std::string color = se.color.empty() ? palette[k % 8] : se.color;
    ++k;
    std::string pts;
    for (size_t i = 0; i < se.x.size() && i < se.y.size(); ++i) {
      if (!std::isfinite(se.x[i]) || !std::isfinite(se.y[i])) continue;
      const double yy = std::clamp(se.y[i], ylo, yhi);
      pts += num(px(se.x[i])) + "," + num(py(yy)) + " ";
    }
    s += "<polyline fill=\"none\" stroke=\"" + color + "\" stroke-width=\"" + (se.opacity < 1.0 ? "1" : "2") +
         "\" stroke-opacity=\"" + tick(se.opacity) + "\"" + (se.dashed ? " stroke-dasharray=\"6,4\"" : "") +
         " points=\"" + pts + "\"/>\n";
    if (se.x.size() == 1 || (se.legend && se.x.size() <= 12))
      for (size_t i = 0; i < se.x.size() && i < se.y.size(); ++i)
        if (std::isfinite(se.y[i]))
          s += "<circle cx=\"" + num(px(se.x[i])) + "\" cy=\"" + num(py(std::clamp(se.y[i], ylo, yhi))) +
               "\" r=\"3\" fill=\"" + color + "\"/>\n";
    if (se.legend) {
      const double ly = T + 10 + 18.0 * static_cast<double>(legend_row++);
      s += "<line x1=\"" + num(W - R + 12) + "\" y1=\"" + num(ly) + "\" x2=\"" + num(W - R + 34) + "\" y2=\"" + num(ly) +
           "\" stroke=\"" + color + "\" stroke-width=\"2\"" + (se.dashed ? " stroke-dasharray=\"6,4\"" : "") +
           "/><text x=\"" + num(W - R + 40) + "\" y=\"" + num(ly + 4) + "\">" + esc(se.name) + "</text>\n";
    }
  }
  s += "</svg>\n";
  return s;
}

}  // namespace neuroevo::sorting
