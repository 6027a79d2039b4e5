// Genome encodings (binary and JSON) and the rebuild of parameters from a genome.
//
// Binary form, little-endian, independent of the host:
//   u8 kind | Dense:     u32 count, count x f32
//           | SeedChain: u32 init_seed, u32 step count, steps x (u32 seed, f32 sigma)
//           | Structured: u32 type-name length, the name, u32 byte count, the candidate's bytes
// so a seed chain of g generations is 9 + 8 g bytes whatever the network size (Such et al. 2017).
//
// JSON form:
//   {"kind": "dense", "params": [x, ...]}
//   {"kind": "seed_chain", "init_seed": s, "steps": [[seed, sigma], ...]}
//   {"kind": "structured", "type": name, "bytes": "hex digits"}
// Floats are written as the shortest decimal that reads back to the same float, so the round trip is
// exact; non-finite values (possible in a dense genome) are the strings "nan", "inf" and "-inf".
#include "neuroevo/strategies/genome.hpp"

#include <bit>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/noise.hpp"
#include "neuroevo/core/param_space.hpp"

namespace neuroevo {

namespace {

void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  for (int k = 0; k < 4; ++k) out.push_back(static_cast<uint8_t>(v >> (8 * k)));
}
void put_f32(std::vector<uint8_t>& out, float v) { put_u32(out, std::bit_cast<uint32_t>(v)); }

// Bounds-checked reader: every read checks the remaining length first.
class ByteReader {
 public:
  explicit ByteReader(std::span<const uint8_t> bytes) : bytes_(bytes) {}
  size_t remaining() const { return bytes_.size() - pos_; }
  uint8_t u8() {
    need(1);
    return bytes_[pos_++];
  }
  uint32_t u32() {
    need(4);
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) v |= static_cast<uint32_t>(bytes_[pos_ + k]) << (8 * k);
    pos_ += 4;
    return v;
  }
  float f32() { return std::bit_cast<float>(u32()); }
  // Checks that `count` items of `item_size` bytes are present before anything is allocated for them,
  // so a corrupt count cannot trigger a huge allocation.
  void need_items(uint64_t count, uint64_t item_size) const {
    if (count > remaining() / item_size)
      throw UsageError("genome bytes truncated: header announces " + std::to_string(count) + " items of " +
                       std::to_string(item_size) + " bytes but only " + std::to_string(remaining()) +
                       " bytes follow");
  }

 private:
  void need(size_t n) const {
    if (remaining() < n)
      throw UsageError("genome bytes truncated at byte " + std::to_string(pos_) + " of " +
                       std::to_string(bytes_.size()));
  }
  std::span<const uint8_t> bytes_;
  size_t pos_ = 0;
};

uint32_t checked_u32_count(size_t n, const char* what) {
  if (n > std::numeric_limits<uint32_t>::max())
    throw UsageError(std::string("genome has too many ") + what + " for the binary form: " + std::to_string(n));
  return static_cast<uint32_t>(n);
}

nlohmann::json float_to_json(float f) {
  if (std::isnan(f)) return "nan";
  if (std::isinf(f)) return f > 0 ? "inf" : "-inf";
  // The shortest float decimal ("0.002" rather than 0.0020000000949949026) read as a double; if the
  // double does not convert back to exactly `f`, fall back to the exact double value of `f`.
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, f);
  double d = 0.0;
  if (std::from_chars(buf, res.ptr, d).ec == std::errc() &&
      std::bit_cast<uint32_t>(static_cast<float>(d)) == std::bit_cast<uint32_t>(f))
    return d;
  return static_cast<double>(f);
}

float float_from_json(const nlohmann::json& j, const char* what) {
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    if (s == "nan") return std::numeric_limits<float>::quiet_NaN();
    if (s == "inf") return std::numeric_limits<float>::infinity();
    if (s == "-inf") return -std::numeric_limits<float>::infinity();
  } else if (j.is_number()) {
    const double d = j.get<double>();
    const float f = static_cast<float>(d);
    if (std::isfinite(f)) return f;
  }
  throw UsageError(std::string("genome JSON: ") + what + " must be a float32 number (or \"nan\", \"inf\", \"-inf\"), got " +
                   j.dump());
}

uint32_t u32_from_json(const nlohmann::json& j, const char* what) {
  if (j.is_number_unsigned() && j.get<uint64_t>() <= std::numeric_limits<uint32_t>::max())
    return static_cast<uint32_t>(j.get<uint64_t>());
  if (j.is_number_integer() && j.get<int64_t>() >= 0 &&
      j.get<int64_t>() <= static_cast<int64_t>(std::numeric_limits<uint32_t>::max()))
    return static_cast<uint32_t>(j.get<int64_t>());
  throw UsageError(std::string("genome JSON: ") + what + " must be an integer in [0, 2^32), got " + j.dump());
}

const nlohmann::json& member(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end()) throw UsageError(std::string("genome JSON: missing \"") + key + "\"");
  return *it;
}

}  // namespace

std::vector<uint8_t> Genome::to_bytes() const {
  std::vector<uint8_t> out;
  out.push_back(static_cast<uint8_t>(kind));
  if (kind == Kind::Dense) {
    out.reserve(5 + 4 * dense.size());
    put_u32(out, checked_u32_count(dense.size(), "parameters"));
    for (float v : dense) put_f32(out, v);
  } else if (kind == Kind::Structured) {
    put_u32(out, checked_u32_count(type.size(), "type-name characters"));
    out.insert(out.end(), type.begin(), type.end());
    put_u32(out, checked_u32_count(bytes.size(), "bytes"));
    out.insert(out.end(), bytes.begin(), bytes.end());
  } else {
    out.reserve(9 + 8 * steps.size());
    put_u32(out, init_seed);
    put_u32(out, checked_u32_count(steps.size(), "steps"));
    for (const auto& s : steps) {
      put_u32(out, s.seed);
      put_f32(out, s.sigma);
    }
  }
  return out;
}

Genome Genome::from_bytes(std::span<const uint8_t> bytes) {
  ByteReader r(bytes);
  const uint8_t kind = r.u8();
  Genome g;
  if (kind == static_cast<uint8_t>(Kind::Dense)) {
    const uint32_t count = r.u32();
    r.need_items(count, 4);
    g = make_dense(std::vector<float>(count));
    for (auto& v : g.dense) v = r.f32();
  } else if (kind == static_cast<uint8_t>(Kind::SeedChain)) {
    g = make_chain(r.u32());
    const uint32_t count = r.u32();
    r.need_items(count, 8);
    g.steps.resize(count);
    for (auto& s : g.steps) {
      s.seed = r.u32();
      s.sigma = r.f32();
    }
  } else if (kind == static_cast<uint8_t>(Kind::Structured)) {
    const uint32_t name_len = r.u32();
    if (name_len == 0) throw UsageError("genome bytes: a structured genome needs a type name");
    r.need_items(name_len, 1);
    std::string type(name_len, '\0');
    for (auto& c : type) c = static_cast<char>(r.u8());
    const uint32_t count = r.u32();
    r.need_items(count, 1);
    std::vector<uint8_t> payload(count);
    for (auto& b : payload) b = r.u8();
    g = make_structured(std::move(type), std::move(payload));
  } else {
    throw UsageError("genome bytes: unknown kind byte " + std::to_string(kind) +
                     " (expected 1 = dense, 2 = seed chain or 3 = structured)");
  }
  if (r.remaining() != 0)
    throw UsageError("genome bytes: " + std::to_string(r.remaining()) + " unexpected trailing bytes");
  return g;
}

nlohmann::json Genome::to_json() const {
  nlohmann::json j;
  if (kind == Kind::Dense) {
    j["kind"] = "dense";
    auto params = nlohmann::json::array();
    for (float v : dense) params.push_back(float_to_json(v));
    j["params"] = std::move(params);
  } else if (kind == Kind::Structured) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(2 * bytes.size());
    for (uint8_t b : bytes) hex += kHex[b >> 4], hex += kHex[b & 15];
    j["kind"] = "structured";
    j["type"] = type;
    j["bytes"] = std::move(hex);
  } else {
    j["kind"] = "seed_chain";
    j["init_seed"] = init_seed;
    auto arr = nlohmann::json::array();
    for (const auto& s : steps) arr.push_back(nlohmann::json::array({s.seed, float_to_json(s.sigma)}));
    j["steps"] = std::move(arr);
  }
  return j;
}

Genome Genome::from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw UsageError("genome JSON must be an object, got " + std::string(j.type_name()));
  const auto& kind = member(j, "kind");
  if (kind == "dense") {
    const auto& params = member(j, "params");
    if (!params.is_array()) throw UsageError("genome JSON: \"params\" must be an array");
    std::vector<float> v;
    v.reserve(params.size());
    for (const auto& x : params) v.push_back(float_from_json(x, "a parameter"));
    return make_dense(std::move(v));
  }
  if (kind == "seed_chain") {
    Genome g = make_chain(u32_from_json(member(j, "init_seed"), "\"init_seed\""));
    const auto& steps = member(j, "steps");
    if (!steps.is_array()) throw UsageError("genome JSON: \"steps\" must be an array");
    g.steps.reserve(steps.size());
    for (const auto& s : steps) {
      if (!s.is_array() || s.size() != 2)
        throw UsageError("genome JSON: each step must be [seed, sigma], got " + s.dump());
      g.steps.push_back({u32_from_json(s[0], "a step seed"), float_from_json(s[1], "a step sigma")});
    }
    return g;
  }
  if (kind == "structured") {
    const auto& type = member(j, "type");
    const auto& hex = member(j, "bytes");
    if (!type.is_string() || !hex.is_string() || hex.get_ref<const std::string&>().size() % 2 != 0)
      throw UsageError("genome JSON: a structured genome needs a \"type\" string and an even-length hex \"bytes\" string");
    const auto& h = hex.get_ref<const std::string&>();
    auto nibble = [&](char c) -> uint8_t {
      if (c >= '0' && c <= '9') return static_cast<uint8_t>(c - '0');
      if (c >= 'a' && c <= 'f') return static_cast<uint8_t>(c - 'a' + 10);
      throw UsageError("genome JSON: \"bytes\" must be lower-case hex digits");
    };
    std::vector<uint8_t> payload(h.size() / 2);
    for (size_t k = 0; k < payload.size(); ++k)
      payload[k] = static_cast<uint8_t>(nibble(h[2 * k]) << 4 | nibble(h[2 * k + 1]));
    return make_structured(type.get<std::string>(), std::move(payload));
  }
  throw UsageError("genome JSON: \"kind\" must be \"dense\", \"seed_chain\" or \"structured\", got " + kind.dump());
}

void materialize(const Genome& g, const ParamSpace& policy, const NoiseTable* noise, std::span<float> out) {
  const size_t n = policy.num_params();
  if (out.size() != n)
    throw UsageError("materialize: output has " + std::to_string(out.size()) + " values but the policy has " +
                     std::to_string(n) + " parameters");
  if (g.kind == Genome::Kind::Dense) {
    if (g.dense.size() != n)
      throw UsageError("genome has " + std::to_string(g.dense.size()) + " parameters but the policy has " +
                       std::to_string(n));
    std::copy(g.dense.begin(), g.dense.end(), out.begin());
    return;
  }
  if (g.kind == Genome::Kind::Structured)
    throw UsageError("a structured '" + g.type + "' genome has no fixed parameter vector; rebuild it with decode_genome()");
  if (g.kind != Genome::Kind::SeedChain) throw UsageError("materialize: unknown genome kind");
  if (!g.steps.empty() && noise == nullptr)
    throw UsageError("a seed-chain genome needs the noise table it was evolved with (none was given)");
  policy.init_params(g.init_seed, out);
  if (g.steps.empty()) return;
  // theta_k = theta_{k-1} + sigma_k * eps(seed_k), applied in chain order. add_scaled declares its
  // arguments __restrict, so it is never called in place: the steps ping-pong between `out` and one
  // scratch vector. The float operations are exactly those of the GA's parent cache (one add_scaled
  // per step onto the previous parameters), which is what makes cached and rebuilt parameters equal.
  std::vector<float> scratch(n);
  std::span<float> src = out, dst = scratch;
  for (const auto& s : g.steps) {
    add_scaled(src, s.sigma, noise->for_seed(s.seed, n), dst);
    std::swap(src, dst);
  }
  if (src.data() != out.data()) std::copy(src.begin(), src.end(), out.begin());
}

}  // namespace neuroevo
