#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace neuroevo {

// Edit distance (Levenshtein), case-insensitive.
size_t edit_distance(std::string_view a, std::string_view b);
// " (did you mean 'x'?)" for the nearest candidate, or "" when none is reasonably close.
std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates);
// "unknown <what> 'name' (did you mean 'x'?); valid: a, b, c"
std::string unknown_name_message(std::string_view what, std::string_view name,
                                 const std::vector<std::string>& candidates);

}  // namespace neuroevo
