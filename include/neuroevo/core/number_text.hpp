// Parsers for numbers typed by users or read from their files (`env rollout --state` and actions files,
// `bbob eval` points on stdin). They are the first code untrusted text reaches, so they are fuzzed
// (fuzz/): every malformed input is a UsageError naming `where`, never undefined behaviour.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace neuroevo {

// "v1, v2, ..." (commas, optional blanks around each value): finite doubles, at least one.
std::vector<double> parse_number_list(const std::string& text, const std::string& where);

// Values separated by commas and/or whitespace (a BBOB point): finite doubles; an empty line gives none.
std::vector<double> parse_point(const std::string& line, const std::string& where);

// The whole of `text` as an integer in [lo, hi] (no blanks, signs as std::stoll reads them), or nothing:
// the caller names its own option in the message.
std::optional<long long> parse_integer(const std::string& text, long long lo, long long hi);

}  // namespace neuroevo
