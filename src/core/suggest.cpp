#include "neuroevo/core/suggest.hpp"

#include <algorithm>
#include <cctype>
#include <numeric>

namespace neuroevo {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), size_t{0});
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (same ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates) {
  size_t best = SIZE_MAX;
  const std::string* best_name = nullptr;
  for (const auto& c : candidates) {
    const size_t d = edit_distance(name, c);
    if (d < best) {
      best = d;
      best_name = &c;
    }
  }
  // Close enough to be a typo: at most a third of the longer name, and at least 2 edits allowed.
  const size_t limit = std::max<size_t>(2, std::max(name.size(), best_name ? best_name->size() : 0) / 3);
  if (best_name == nullptr || best > limit) return "";
  return " (did you mean '" + *best_name + "'?)";
}

std::string unknown_name_message(std::string_view what, std::string_view name,
                                 const std::vector<std::string>& candidates) {
  std::string msg = "unknown " + std::string(what) + " '" + std::string(name) + "'" + did_you_mean(name, candidates);
  msg += "; valid: ";
  for (size_t i = 0; i < candidates.size(); ++i) msg += (i ? ", " : "") + candidates[i];
  return msg;
}

}  // namespace neuroevo
