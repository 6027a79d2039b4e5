#include "neuroevo/core/number_text.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <string>

#include "neuroevo/core/error.hpp"

namespace neuroevo {

namespace {

// The whole token as a finite double in range, or nullopt-like failure (false).
bool to_finite_double(const std::string& token, double& out) {
  if (token.empty()) return false;
  errno = 0;
  char* end = nullptr;
  out = std::strtod(token.c_str(), &end);
  return end == token.c_str() + token.size() && errno != ERANGE && std::isfinite(out);
}

}  // namespace

std::vector<double> parse_number_list(const std::string& text, const std::string& where) {
  std::vector<double> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    const auto b = item.find_first_not_of(" \t\r");
    const auto e = item.find_last_not_of(" \t\r");
    if (b == std::string::npos) throw UsageError(where + ": empty value in '" + text.substr(0, 200) + "'");
    const std::string v = item.substr(b, e - b + 1);
    double x = 0.0;
    // strtod accepts underflow to 0 with ERANGE; a denormal-sized state value is a typo, not a number.
    if (!to_finite_double(v, x)) throw UsageError(where + ": '" + v.substr(0, 100) + "' is not a finite number");
    out.push_back(x);
  }
  if (out.empty()) throw UsageError(where + ": no values");
  return out;
}

std::vector<double> parse_point(const std::string& line, const std::string& where) {
  std::vector<double> out;
  size_t i = 0;
  const size_t n = line.size();
  auto is_space = [](char ch) { return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f'; };
  bool expect_value = true;  // after a comma a value must follow
  while (i < n) {
    while (i < n && is_space(line[i])) ++i;
    if (i >= n) break;
    if (line[i] == ',') {
      if (expect_value) throw UsageError(where + ": empty value (two separators in a row, or a leading comma)");
      expect_value = true;
      ++i;
      continue;
    }
    size_t j = i;
    while (j < n && !is_space(line[j]) && line[j] != ',') ++j;
    const std::string token = line.substr(i, j - i);
    double v = 0.0;
    if (!to_finite_double(token, v)) {
      errno = 0;
      char* end = nullptr;
      std::strtod(token.c_str(), &end);
      if (end != token.c_str() + token.size()) throw UsageError(where + ": '" + token.substr(0, 100) + "' is not a number");
      throw UsageError(where + ": '" + token.substr(0, 100) + "' is not a finite number in double range");
    }
    out.push_back(v);
    expect_value = false;
    i = j;
  }
  if (expect_value && !out.empty()) throw UsageError(where + ": trailing comma");
  return out;
}

std::optional<long long> parse_integer(const std::string& text, long long lo, long long hi) {
  size_t used = 0;
  long long x = 0;
  try {
    x = std::stoll(text, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (text.empty() || used != text.size() || x < lo || x > hi) return std::nullopt;
  return x;
}

}  // namespace neuroevo
