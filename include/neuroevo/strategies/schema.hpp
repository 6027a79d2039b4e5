// Parameters and state as values (docs/architecture.md, "Parameters and state").
//
// A strategy declares
//  - a parameters struct and one ParamTable listing each field once: key, member, default, range and a
//    one-line doc. From it: config reading through ConfigSection's checked getters (unknown keys with a
//    suggestion, types and ranges are reported as before, and every default lands in the run's
//    config.toml), the schema `neuroevo list --keys STRATEGY` prints, and the parameters' record in a
//    checkpoint (a state written under other parameters is refused);
//  - a state struct with a static fields(state, visitor) that names each field once. From it: checkpoint
//    encode/decode with a format version, one encoding of non-finite numbers (the strings "nan", "inf",
//    "-inf", as in genome JSON), large double/float arrays as binary values that the checkpoint file
//    stores in its binary section (state_codec::kBinaryThreshold), and equality (operator== defaulted
//    on the struct).
// StrategyBase then supplies generation(), save(), load() with one "corrupt checkpoint" message prefix,
// and the batch size checks, so a strategy file holds only its sampling, decode and update.
#pragma once
#include <bit>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/strategies/strategy.hpp"

namespace neuroevo {

// ---------------------------------------------------------------------------------------------------
// Parameters

template <class P>
class ParamTable {
 public:
  // An integer field (any integral member type) in [lo, hi].
  template <class T>
    requires std::is_integral_v<T> && (!std::is_same_v<T, bool>)
  ParamTable& integer(const char* key, T P::*member, int64_t def, int64_t lo, int64_t hi, const char* doc) {
    std::string range("[");
    range.append(std::to_string(lo)).append(", ").append(std::to_string(hi)).append("]");
    add({key, "integer", std::to_string(def), std::move(range), doc},
        [=](ConfigSection& c, P& p) { p.*member = static_cast<T>(c.get_int(key, def, lo, hi)); },
        [=](const P& p) { return nlohmann::json(p.*member); });
    return *this;
  }
  // A real field in [lo, hi]; with open_low, lo itself is excluded ("> lo").
  ParamTable& real(const char* key, double P::*member, double def, double lo, double hi, const char* doc,
                   bool open_low = false) {
    std::string range(open_low ? "(" : "[");
    range.append(show(lo)).append(", ").append(show(hi)).append("]");
    add({key, "real", show(def), std::move(range), doc},
        [=](ConfigSection& c, P& p) {
          const double x = c.get_double(key, def, lo, hi);
          if (open_low && !(x > lo))
            throw UsageError("config key '" + c.full_key(key) + "' must be > " + show(lo) + ", got " + show(x));
          p.*member = x;
        },
        [=](const P& p) {  // non-finite values (e.g. an unbounded `lower = -inf`) as the state codec writes them
          const double x = p.*member;
          return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(std::isnan(x) ? "nan" : x > 0 ? "inf" : "-inf");
        });
    return *this;
  }
  // A string field taking one of `allowed` (the first listed in the range is not special: def is).
  ParamTable& choice(const char* key, std::string P::*member, const char* def, std::vector<std::string> allowed,
                     const char* doc) {
    std::string range;
    for (const auto& a : allowed) range.append(range.empty() ? "" : " | ").append(a);
    add({key, "string", def, std::move(range), doc},
        [=](ConfigSection& c, P& p) { p.*member = c.get_string(key, def, allowed); },
        [=](const P& p) { return nlohmann::json(p.*member); });
    return *this;
  }
  ParamTable& flag(const char* key, bool P::*member, bool def, const char* doc) {
    add({key, "bool", def ? "true" : "false", "true | false", doc},
        [=](ConfigSection& c, P& p) { p.*member = c.get_bool(key, def); },
        [=](const P& p) { return nlohmann::json(p.*member); });
    return *this;
  }

  // Reads every field, in declaration order, through the checked getters.
  P read(ConfigSection& cfg) const {
    P p{};
    for (const auto& f : fields_) f.read(cfg, p);
    return p;
  }
  const std::vector<ParamDoc>& docs() const { return docs_; }
  // The values, for the checkpoint's record of the parameters it was written under.
  nlohmann::json values(const P& p) const {
    nlohmann::json j = nlohmann::json::object();
    for (size_t k = 0; k < fields_.size(); ++k) j[docs_[k].key] = fields_[k].value(p);
    return j;
  }

  static std::string show(double x) {
    std::ostringstream os;
    os << x;
    return os.str();
  }

 private:
  struct Field {
    std::function<void(ConfigSection&, P&)> read;
    std::function<nlohmann::json(const P&)> value;
  };
  void add(ParamDoc doc, std::function<void(ConfigSection&, P&)> read, std::function<nlohmann::json(const P&)> value) {
    docs_.push_back(std::move(doc));
    fields_.push_back({std::move(read), std::move(value)});
  }
  std::vector<ParamDoc> docs_;
  std::vector<Field> fields_;
};

// ---------------------------------------------------------------------------------------------------
// State encoding

// Thrown (as UsageError) for any checkpoint state that cannot be decoded; one prefix for all strategies.
inline UsageError corrupt_checkpoint(const std::string& strategy, const std::string& what) {
  return UsageError("corrupt checkpoint: " + strategy + " state: " + what);
}

namespace state_codec {

inline nlohmann::json encode(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  return x;  // nlohmann writes doubles with round-trip precision
}
inline nlohmann::json encode(float x) { return encode(static_cast<double>(x)); }
template <class T>
  requires std::is_integral_v<T>
nlohmann::json encode(T x) { return x; }
inline nlohmann::json encode(const std::string& s) { return s; }
// Arrays of more than kBinaryThreshold doubles or floats are JSON binary values: their IEEE-754 bits,
// little-endian, with the subtype kF64 or kF32. A checkpoint file keeps them in its binary section
// (core/json_binary.hpp), not as text: a 4,610-D covariance is 170 MB there instead of 570 MB of JSON.
// Bits are exact, so non-finite values need no special encoding inside them.
inline constexpr size_t kBinaryThreshold = 4096;
inline constexpr uint8_t kF64 = 0x64, kF32 = 0x66;  // 'd', 'f'

template <class T>
nlohmann::json encode(const std::vector<T>& v) {
  if constexpr (std::is_same_v<T, double> || std::is_same_v<T, float>) {
    if (v.size() > kBinaryThreshold) {
      using Bits = std::conditional_t<std::is_same_v<T, double>, uint64_t, uint32_t>;
      std::vector<uint8_t> bytes(v.size() * sizeof(T));
      for (size_t k = 0; k < v.size(); ++k) {
        const auto bits = std::bit_cast<Bits>(v[k]);
        for (size_t b = 0; b < sizeof(T); ++b) bytes[k * sizeof(T) + b] = static_cast<uint8_t>(bits >> (8 * b));
      }
      return nlohmann::json::binary(std::move(bytes), std::is_same_v<T, double> ? kF64 : kF32);
    }
  }
  nlohmann::json a = nlohmann::json::array();
  for (const auto& x : v) a.push_back(encode(x));
  return a;
}

inline void decode(const nlohmann::json& j, double& x) {
  if (j.is_number()) {
    x = j.get<double>();
    return;
  }
  if (j == "nan") x = std::numeric_limits<double>::quiet_NaN();
  else if (j == "inf") x = std::numeric_limits<double>::infinity();
  else if (j == "-inf") x = -std::numeric_limits<double>::infinity();
  else throw std::invalid_argument("expected a number, \"nan\", \"inf\" or \"-inf\", got " + j.dump());
}
inline void decode(const nlohmann::json& j, float& x) {
  double d = 0.0;
  decode(j, d);
  x = static_cast<float>(d);
}
template <class T>
  requires std::is_integral_v<T>
void decode(const nlohmann::json& j, T& x) {
  if constexpr (std::is_same_v<T, bool>) {
    if (!j.is_boolean()) throw std::invalid_argument("expected true or false, got " + j.dump());
    x = j.get<bool>();
  } else {
    if (!j.is_number_integer()) throw std::invalid_argument("expected an integer, got " + j.dump());
    if (j.is_number_unsigned() ? j.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<T>::max())
                               : (j.get<int64_t>() < static_cast<int64_t>(std::numeric_limits<T>::min()) ||
                                  (j.get<int64_t>() > 0 && static_cast<uint64_t>(j.get<int64_t>()) >
                                                               static_cast<uint64_t>(std::numeric_limits<T>::max()))))
      throw std::invalid_argument("integer out of range: " + j.dump());
    x = j.get<T>();
  }
}
inline void decode(const nlohmann::json& j, std::string& s) {
  if (!j.is_string()) throw std::invalid_argument("expected a string, got " + j.dump());
  s = j.get<std::string>();
}
template <class T>
void decode(const nlohmann::json& j, std::vector<T>& v) {
  if constexpr (std::is_same_v<T, double> || std::is_same_v<T, float>) {
    if (j.is_binary()) {
      const auto& b = j.get_binary();
      const uint8_t want = std::is_same_v<T, double> ? kF64 : kF32;
      if (!b.has_subtype() || b.subtype() != want || b.size() % sizeof(T) != 0)
        throw std::invalid_argument(std::string("binary array is not of ") + (want == kF64 ? "float64" : "float32") +
                                    " values");
      using Bits = std::conditional_t<std::is_same_v<T, double>, uint64_t, uint32_t>;
      v.resize(b.size() / sizeof(T));
      for (size_t k = 0; k < v.size(); ++k) {
        Bits bits = 0;
        for (size_t i = 0; i < sizeof(T); ++i) bits |= static_cast<Bits>(b[k * sizeof(T) + i]) << (8 * i);
        v[k] = std::bit_cast<T>(bits);
      }
      return;
    }
  }
  if (!j.is_array()) throw std::invalid_argument("expected an array, got " + std::string(j.type_name()));
  v.assign(j.size(), T{});
  for (size_t k = 0; k < j.size(); ++k) decode(j[k], v[k]);
}

struct Writer {
  nlohmann::json& out;
  template <class T>
  void operator()(const char* key, const T& value) { out[key] = encode(value); }
};

struct Reader {
  const nlohmann::json& in;
  const std::string& strategy;
  template <class T>
  void operator()(const char* key, T& value) {
    const auto it = in.find(key);
    if (it == in.end()) throw corrupt_checkpoint(strategy, std::string("missing \"") + key + "\"");
    try {
      decode(*it, value);
    } catch (const std::invalid_argument& e) {
      throw corrupt_checkpoint(strategy, std::string("\"") + key + "\": " + e.what());
    } catch (const nlohmann::json::exception& e) {
      throw corrupt_checkpoint(strategy, std::string("\"") + key + "\": " + e.what());
    }
  }
};

}  // namespace state_codec

// ---------------------------------------------------------------------------------------------------
// The base

// Params: the parameters struct, read by `table`. State: a struct with `uint64_t generation` and
// `template <class S, class V> static void fields(S& s, V& v)` calling v("key", s.member) once per other
// field (S is State or const State, so one list serves encoding and decoding).
template <class Params, class State>
class StrategyBase : public Strategy {
 public:
  // Version of the checkpoint encoding written by save(); load() accepts exactly this version.
  static constexpr int kStateVersion = 1;

  uint64_t generation() const final { return state_.generation; }

  nlohmann::json save() const final {
    nlohmann::json j = {{"strategy", name_}, {"version", kStateVersion}, {"params", table_.values(params_)},
                        {"generation", state_.generation}};
    state_codec::Writer w{j};
    State::fields(state_, w);
    return j;
  }

  void load(const nlohmann::json& j) final {
    if (!j.is_object()) throw corrupt_checkpoint(name_, "not a JSON object");
    const auto s = j.find("strategy");
    if (s == j.end() || !s->is_string() || s->get<std::string>() != name_)
      throw UsageError("checkpoint holds " + (s != j.end() && s->is_string() ? "a " + s->get<std::string>() : std::string("another")) +
                       " state, not a " + name_ + " state");
    const auto v = j.find("version");
    if (v == j.end())
      throw corrupt_checkpoint(name_, "no format version: written by a neuroevo from before the state schema, which "
                                      "this build cannot resume (it reads version " + std::to_string(kStateVersion) +
                                      "); start the run afresh");
    if (*v != kStateVersion)
      throw corrupt_checkpoint(name_, "format version " + v->dump() + "; this build reads version " +
                                          std::to_string(kStateVersion));
    const auto p = j.find("params");
    if (p == j.end() || *p != table_.values(params_))
      throw UsageError(name_ + " checkpoint was written with parameters " + (p == j.end() ? "(none)" : p->dump()) +
                       "; this run has " + table_.values(params_).dump());
    State next = state_;
    state_codec::Reader r{j, name_};
    r("generation", next.generation);
    State::fields(next, r);
    validate(next);
    state_ = std::move(next);
    loaded();
  }

 protected:
  StrategyBase(std::string name, const ParamTable<Params>& table, Params params)
      : name_(std::move(name)), table_(table), params_(std::move(params)) {}

  // Throws std::invalid_argument naming the strategy: a batch of the wrong size, an index out of range.
  void check_results(size_t got, size_t expected) const {
    if (got != expected)
      throw std::invalid_argument(name_ + ": tell() got " + std::to_string(got) + " results, expected " +
                                  std::to_string(expected));
  }
  void check_index(size_t i, size_t batch) const {
    if (i >= batch)
      throw std::invalid_argument(name_ + ": candidate " + std::to_string(i) + " out of range (batch of " +
                                  std::to_string(batch) + ")");
  }
  // A decoded state's invariants (finite step sizes, sizes); throw corrupt_checkpoint(...) to refuse it.
  virtual void validate(const State&) const {}
  // Recomputes what depends on the state (e.g. this generation's candidate seeds) after load().
  virtual void loaded() {}

  const std::string name_;
  const ParamTable<Params>& table_;
  const Params params_;
  State state_;
};

}  // namespace neuroevo
