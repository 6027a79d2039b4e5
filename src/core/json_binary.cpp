#include "neuroevo/core/json_binary.hpp"

#include <cstdint>

#include "neuroevo/core/error.hpp"

namespace neuroevo {

namespace {

constexpr const char* kRef = "$binary";

// Replaces every binary value by its reference, appending its bytes to `section`.
void extract(nlohmann::json& j, std::string& section) {
  if (j.is_binary()) {
    const auto& b = j.get_binary();
    nlohmann::json ref = {{"offset", section.size()}, {"size", b.size()},
                          {"subtype", b.has_subtype() ? nlohmann::json(b.subtype()) : nlohmann::json(nullptr)}};
    section.append(reinterpret_cast<const char*>(b.data()), b.size());
    j = nlohmann::json{{kRef, std::move(ref)}};
  } else if (j.is_object() || j.is_array()) {
    for (auto& v : j) extract(v, section);
  }
}

// The inverse; `used` counts the bytes referenced, in document order (which must be the write order).
void restore(nlohmann::json& j, std::string_view section, uint64_t& used, const std::string& where) {
  if (j.is_object() && j.size() == 1 && j.contains(kRef)) {
    const auto& ref = j[kRef];
    auto bad = [&](const std::string& what) {
      return UsageError("'" + where + "' is corrupt: binary section reference " + ref.dump() + ": " + what);
    };
    if (!ref.is_object() || !ref.contains("offset") || !ref.contains("size") || !ref.contains("subtype") ||
        !ref["offset"].is_number_unsigned() || !ref["size"].is_number_unsigned() ||
        !(ref["subtype"].is_null() || ref["subtype"].is_number_unsigned()))
      throw bad("expected {\"offset\", \"size\", \"subtype\"}");
    const uint64_t offset = ref["offset"].get<uint64_t>(), size = ref["size"].get<uint64_t>();
    if (offset != used) throw bad("out of order (expected offset " + std::to_string(used) + ")");
    if (size > section.size() || offset > section.size() - size)
      throw bad("beyond the binary section (" + std::to_string(section.size()) + " bytes)");
    const auto* p = reinterpret_cast<const uint8_t*>(section.data() + offset);
    std::vector<uint8_t> bytes(p, p + size);
    used = offset + size;
    // json::binary(container, subtype): passing a binary_t would slice away its subtype.
    if (ref["subtype"].is_number_unsigned()) {
      const uint64_t t = ref["subtype"].get<uint64_t>();
      if (t > 255) throw bad("subtype out of range");
      j = nlohmann::json::binary(std::move(bytes), static_cast<std::uint8_t>(t));
    } else {
      j = nlohmann::json::binary(std::move(bytes));
    }
  } else if (j.is_object() || j.is_array()) {
    for (auto& v : j) restore(v, section, used, where);
  }
}

bool has_binary(const nlohmann::json& j) {
  if (j.is_binary()) return true;
  if (j.is_object() || j.is_array())
    for (const auto& v : j)
      if (has_binary(v)) return true;
  return false;
}

}  // namespace

std::string pack_json_binary(const nlohmann::json& j) {
  if (!has_binary(j)) return j.dump();
  nlohmann::json text = j;
  std::string section;
  extract(text, section);
  std::string out = text.dump();
  out.push_back('\0');
  out.append(section);
  return out;
}

nlohmann::json unpack_json_binary(std::string_view payload, const std::string& where) {
  const size_t nul = payload.find('\0');
  const std::string_view text = payload.substr(0, nul);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw UsageError("'" + where + "' is corrupt: " + e.what());
  }
  const std::string_view section = nul == std::string_view::npos ? std::string_view() : payload.substr(nul + 1);
  uint64_t used = 0;
  restore(j, section, used, where);
  if (used != section.size())
    throw UsageError("'" + where + "' is corrupt: " + std::to_string(section.size() - used) +
                     " bytes of its binary section are not referenced");
  return j;
}

}  // namespace neuroevo
