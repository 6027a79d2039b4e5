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
#include <concepts>
#include <cmath>
#include <cstdint>
#include <functional>
#include <span>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/param_space.hpp"
#include "neuroevo/core/space.hpp"
#include "neuroevo/strategies/strategy.hpp"

namespace neuroevo {

// ---------------------------------------------------------------------------------------------------
// Parameters

// The champion a strategy with a search distribution reports (one rule for all, docs/architecture.md,
// "Champion"): the distribution's centre ("mean", the default) or the best candidate it has evaluated
// ("best"). Strategies without a centre (GA, hill climbing, random search, MAP-Elites, NS-ES) report their
// best evaluated candidate and have no `champion` key.
//
// Why "mean" is the default: a candidate's fitness is usually one noisy measurement, and the best of many
// noisy measurements is biased upwards (selection on noise). On CartPole-v1 with one episode per
// candidate, the first candidate to score 500 by luck stays the best-ever forever (500 cannot be beaten)
// and scored 208 +- 132 over 100 fresh episodes, while the PGPE centre of the same run scored 500 +- 0.
// The centre is also what the update estimates a gradient for (Salimans et al. 2017 report the mean).
// For deterministic black-box functions "best" is the better answer: set champion = "best" (minimize()
// and the BBOB driver track their own best point either way).
enum class ChampionRule { Mean, Best };

// A default computed from D or from other keys is listed as "auto: RULE" (a rule, not a value to pass
// back with --set).
inline constexpr const char* kComputedPrefix = "auto: ";
inline bool computed_default(const ParamDoc& d) { return d.default_value.rfind(kComputedPrefix, 0) == 0; }
inline constexpr const char* kDefaultChampion = "mean";

template <class P>
class ParamTable {
 public:
  // The context a parameter's computed default may depend on (the number of parameters D).
  struct Context {
    size_t dim = 0;
  };
  // An integer field (any integral member type) in [lo, hi].
  template <class T>
    requires std::is_integral_v<T> && (!std::is_same_v<T, bool>)
  ParamTable& integer(const char* key, T P::*member, int64_t def, int64_t lo, int64_t hi, const char* doc) {
    return integer_field(key, member, [def](const P&, const Context&) { return def; }, std::to_string(def), false, lo,
                         hi, doc);
  }
  // An integer field whose default is computed (see the real overload below).
  template <class T>
    requires std::is_integral_v<T> && (!std::is_same_v<T, bool>)
  ParamTable& integer(const char* key, T P::*member, std::function<int64_t(const P&, const Context&)> def,
                      std::string def_doc, int64_t lo, int64_t hi, const char* doc) {
    return integer_field(key, member, std::move(def), std::move(def_doc), true, lo, hi, doc);
  }
  // The `population` key (candidates per generation) in [lo, int32 max] (the batch size of one ask()).
  template <class T>
  ParamTable& population(T P::*member, int64_t def, int64_t lo, const char* doc) {
    return integer("population", member, def, lo, std::numeric_limits<int32_t>::max(), doc);
  }
  static constexpr double kInf = std::numeric_limits<double>::infinity();  // an open upper end
  // Open ends of a real range: Low excludes lo ("> lo"), High excludes hi ("< hi").
  enum Open { Closed = 0, Low = 1, High = 2, Both = 3 };
  ParamTable& real(const char* key, double P::*member, double def, double lo, double hi, const char* doc,
                   Open open = Closed) {
    return real_field(key, member, [def](const P&, const Context&) { return def; }, show(def), false, lo, hi, doc, open);
  }
  // A probability (or any fraction) in [0, 1].
  ParamTable& probability(const char* key, double P::*member, double def, const char* doc) {
    return real(key, member, def, 0.0, 1.0, doc);
  }
  // A real field whose default is computed from the fields read before it and the context; `def_doc`
  // names the rule for `list --keys` (listed as "auto: RULE").
  ParamTable& real(const char* key, double P::*member, std::function<double(const P&, const Context&)> def,
                   std::string def_doc, double lo, double hi, const char* doc, Open open = Closed) {
    return real_field(key, member, std::move(def), std::move(def_doc), true, lo, hi, doc, open);
  }
  // One of a fixed set of strings.
  ParamTable& choice(const char* key, std::string P::*member, const char* def, std::vector<std::string> options,
                     const char* doc) {
    std::string range;
    for (const auto& o : options) range.append(range.empty() ? "" : " | ").append(o);
    add({key, "string", def, std::move(range), doc},
        [=](ConfigSection& c, P& p, const Context&) { p.*member = c.get_string(key, def, options); },
        [=](const P& p) { return nlohmann::json(p.*member); });
    return *this;
  }
  // The `champion` key of strategies with a search distribution, with the one default of all of them.
  ParamTable& champion(ChampionRule P::*member) {
    add({"champion", "string", kDefaultChampion, "mean | best",
         "reported champion: the distribution's centre or the best candidate evaluated"},
        [=](ConfigSection& c, P& p, const Context&) {
          p.*member = c.get_string("champion", kDefaultChampion, {"mean", "best"}) == "best" ? ChampionRule::Best
                                                                                            : ChampionRule::Mean;
        },
        [=](const P& p) { return nlohmann::json(p.*member == ChampionRule::Best ? "best" : "mean"); });
    return *this;
  }
  // A field read by hand (keys that interact, such as two ways to give one value); `value` is its record
  // in the checkpoint. A computed default's doc.default_value starts with kComputedPrefix.
  ParamTable& custom(ParamDoc doc, std::function<void(ConfigSection&, P&, const Context&)> read,
                     std::function<nlohmann::json(const P&)> value) {
    add(std::move(doc), std::move(read), std::move(value));
    return *this;
  }
  // Every field of another table (a shared group of keys, e.g. the novelty archive's), read into `member`.
  template <class Q>
  ParamTable& include(const ParamTable<Q>& sub, Q P::*member) {
    for (size_t k = 0; k < sub.docs_.size(); ++k)
      add(sub.docs_[k],
          [&sub, k, member](ConfigSection& c, P& p, const Context& ctx) {
            sub.fields_[k].read(c, p.*member, typename ParamTable<Q>::Context{ctx.dim});
          },
          [&sub, k, member](const P& p) { return sub.fields_[k].value(p.*member); });
    for (const auto& chk : sub.checks_) checks_.push_back([chk, member](ConfigSection& c, const P& p) { chk(c, p.*member); });
    return *this;
  }
  // A check across fields after all are read (e.g. an even population); throws UsageError.
  ParamTable& check(std::function<void(ConfigSection&, const P&)> c) {
    checks_.push_back(std::move(c));
    return *this;
  }
  // A count that must be even (antithetic or symmetric pairs: `why`), checked after all fields are read.
  ParamTable& even(const char* key, size_t P::*member, const char* why) {
    return check([=](ConfigSection& c, const P& p) {
      if (p.*member % 2 != 0)
        throw UsageError("config key '" + c.full_key(key) + "' must be even (" + why + "), got " +
                         std::to_string(p.*member));
    });
  }
  ParamTable& flag(const char* key, bool P::*member, bool def, const char* doc) {
    add({key, "bool", def ? "true" : "false", "true | false", doc},
        [=](ConfigSection& c, P& p, const Context&) { p.*member = c.get_bool(key, def); },
        [=](const P& p) { return nlohmann::json(p.*member); });
    return *this;
  }

  // A free string field; `check` (may be empty) validates it and throws UsageError naming the key.
  ParamTable& text(const char* key, std::string P::*member, const char* def, const char* doc,
                   std::function<void(const std::string& value, const std::string& full_key)> check = {}) {
    add({key, "string", std::string("\"") + def + "\"", "text", doc},
        [=](ConfigSection& c, P& p, const Context&) {
          p.*member = c.get_string(key, def);
          if (check) check(p.*member, c.full_key(key));
        },
        [=](const P& p) { return nlohmann::json(p.*member); });
    return *this;
  }

  // Reads every field, in declaration order, through the checked getters.
  P read(ConfigSection& cfg, const Context& ctx = {}) const {
    P p{};
    for (const auto& f : fields_) f.read(cfg, p, ctx);
    for (const auto& c : checks_) c(cfg, p);
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
  // A real through the checked getter ([lo, hi]) with the open ends refused here.
  static double read_real(ConfigSection& c, const std::string& key, double def, double lo, double hi, Open open) {
    const double x = c.get_double(key, def, lo, hi);
    if (((open & Low) && !(x > lo)) || ((open & High) && !(x < hi)))
      throw UsageError("config key '" + c.full_key(key) + "' must be in " + ((open & Low) ? "(" : "[") + show(lo) +
                       ", " + show(hi) + ((open & High) ? ")" : "]") + ", got " + show(x));
    return x;
  }

 private:
  template <class>
  friend class ParamTable;
  template <class T>
  ParamTable& integer_field(const char* key, T P::*member, std::function<int64_t(const P&, const Context&)> def,
                            std::string def_doc, bool computed, int64_t lo, int64_t hi, const char* doc) {
    std::string range("[");
    range.append(std::to_string(lo)).append(", ").append(std::to_string(hi)).append("]");
    add({key, "integer", computed ? kComputedPrefix + def_doc : def_doc, std::move(range), doc},
        [=](ConfigSection& c, P& p, const Context& ctx) { p.*member = static_cast<T>(c.get_int(key, def(p, ctx), lo, hi)); },
        [=](const P& p) { return nlohmann::json(p.*member); });
    return *this;
  }
  ParamTable& real_field(const char* key, double P::*member, std::function<double(const P&, const Context&)> def,
                         std::string def_doc, bool computed, double lo, double hi, const char* doc, Open open) {
    std::string range((open & Low) ? "(" : "[");
    range.append(show(lo)).append(", ").append(show(hi)).append((open & High) ? ")" : "]");
    add({key, "real", computed ? kComputedPrefix + def_doc : def_doc, std::move(range), doc},
        [=](ConfigSection& c, P& p, const Context& ctx) { p.*member = read_real(c, key, def(p, ctx), lo, hi, open); },
        [=](const P& p) {  // non-finite values (e.g. an unbounded `lower = -inf`) as the state codec writes them
          const double x = p.*member;
          return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(std::isnan(x) ? "nan" : x > 0 ? "inf" : "-inf");
        });
    return *this;
  }
  struct Field {
    std::function<void(ConfigSection&, P&, const Context&)> read;
    std::function<nlohmann::json(const P&)> value;
  };
  void add(ParamDoc doc, std::function<void(ConfigSection&, P&, const Context&)> read,
           std::function<nlohmann::json(const P&)> value) {
    docs_.push_back(std::move(doc));
    fields_.push_back({std::move(read), std::move(value)});
  }
  std::vector<ParamDoc> docs_;
  std::vector<Field> fields_;
  std::vector<std::function<void(ConfigSection&, const P&)>> checks_;
};

// ---------------------------------------------------------------------------------------------------
// State encoding

// Thrown (as UsageError) for any checkpoint state that cannot be decoded; one prefix for all strategies.
inline UsageError corrupt_checkpoint(const std::string& strategy, const std::string& what) {
  return UsageError("corrupt checkpoint: " + strategy + " state: " + what);
}

// NEUROEVO_STATE_FIELDS(Type, a, b, ...) inside a state struct lists its fields once: it defines
// `template <class S, class V> static void fields(S& s, V& v)` calling v("a", s.a), v("b", s.b), ... (the
// member's name is its checkpoint key) and a defaulted operator==. The top-level state's `generation` is
// encoded by the base and is not listed.
#define NEUROEVO_STATE_FIELDS(Type, ...)    \
  NEUROEVO_FIELD_LIST(fields, __VA_ARGS__) \
  bool operator==(const Type&) const = default;
// The visitor function alone, under another name (for a state that adds the fields of a nested model).
#define NEUROEVO_FIELD_LIST(function, ...)                     \
  template <class S, class V>                                  \
  static void function(S& s, V& v) {                           \
    NEUROEVO_FOR_EACH_(NEUROEVO_STATE_FIELD_, __VA_ARGS__)     \
  }
#define NEUROEVO_STATE_FIELD_(m) v(#m, s.m);
// A preprocessor loop over up to 64 arguments: each rescan of NEUROEVO_EXPAND_ expands one more step.
#define NEUROEVO_PARENS_ ()
#define NEUROEVO_EXPAND_(...) NEUROEVO_EXPAND2_(NEUROEVO_EXPAND2_(NEUROEVO_EXPAND2_(NEUROEVO_EXPAND2_(__VA_ARGS__))))
#define NEUROEVO_EXPAND2_(...) NEUROEVO_EXPAND1_(NEUROEVO_EXPAND1_(NEUROEVO_EXPAND1_(NEUROEVO_EXPAND1_(__VA_ARGS__))))
#define NEUROEVO_EXPAND1_(...) NEUROEVO_EXPAND0_(NEUROEVO_EXPAND0_(NEUROEVO_EXPAND0_(NEUROEVO_EXPAND0_(__VA_ARGS__))))
#define NEUROEVO_EXPAND0_(...) __VA_ARGS__
#define NEUROEVO_FOR_EACH_(macro, ...) __VA_OPT__(NEUROEVO_EXPAND_(NEUROEVO_FOR_EACH_STEP_(macro, __VA_ARGS__)))
#define NEUROEVO_FOR_EACH_STEP_(macro, a, ...) macro(a) __VA_OPT__(NEUROEVO_FOR_EACH_AGAIN_ NEUROEVO_PARENS_(macro, __VA_ARGS__))
#define NEUROEVO_FOR_EACH_AGAIN_() NEUROEVO_FOR_EACH_STEP_

// A genome of any kind (seed chain, dense, structured) in a checkpoint state: its genome JSON. At namespace
// scope, where the codec finds it by ADL (also inside vectors and optionals).
inline nlohmann::json encode(const Genome& g) { return g.to_json(); }
inline void decode(const nlohmann::json& j, Genome& g) {
  try {
    g = Genome::from_json(j);
  } catch (const UsageError& e) {
    throw std::invalid_argument(e.what());  // reported with the codec's "corrupt checkpoint" prefix
  }
}

namespace state_codec {

struct Writer;
struct Reader;
// A nested state struct: one that lists its fields with the same static fields(s, visitor).
template <class T>
concept Nested = requires(T& t, const T& c, Writer& w, Reader& r) {
  T::fields(c, w);
  T::fields(t, r);
};
template <Nested T>
nlohmann::json encode(const T& x);
template <Nested T>
void decode(const nlohmann::json& j, T& x);

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
  v.clear();
  v.resize(j.size());  // value-initialised elements (structs whose members have explicit constructors too)
  for (size_t k = 0; k < j.size(); ++k) decode(j[k], v[k]);
}

// An optional value: null when empty.
template <class T>
nlohmann::json encode(const std::optional<T>& x) {
  return x ? encode(*x) : nlohmann::json(nullptr);
}
template <class T>
void decode(const nlohmann::json& j, std::optional<T>& x) {
  if (j.is_null()) {
    x.reset();
    return;
  }
  T v{};
  decode(j, v);
  x = std::move(v);
}

// A structured genome (gp_program, neat, ...) as its genome JSON (Genome::to_json). A strategy file
// declares `encode(const G&)` and `decode(const json&, G&)` next to G, through these two, for the codec
// to find by ADL; decode_genome checks the genome's kind and type and rebuilds G with from_bytes.
template <class G>
nlohmann::json encode_genome(const G& g) {
  return g.genome().to_json();
}
template <class G, class FromBytes>
void decode_genome(const nlohmann::json& j, G& g, const std::string& type, FromBytes&& from_bytes) {
  try {
    const Genome rec = Genome::from_json(j);
    if (rec.kind != Genome::Kind::Structured || rec.type != type) throw std::invalid_argument("not a " + type + " genome");
    g = from_bytes(rec.bytes);
  } catch (const UsageError& e) {
    throw std::invalid_argument(e.what());
  }
}

}  // namespace state_codec

// NEUROEVO_GENOME_CODEC(G, "type", from_bytes), at namespace neuroevo scope in a strategy file, lets the
// state codec store a structured genome G (one with `Genome genome() const`) as its genome JSON and
// rebuild it with from_bytes (encode_genome / decode_genome above).
#define NEUROEVO_GENOME_CODEC(G, type, from_bytes)                                                   \
  inline nlohmann::json encode(const G& g) { return state_codec::encode_genome(g); }                \
  inline void decode(const nlohmann::json& j, G& g) { state_codec::decode_genome(j, g, type, from_bytes); }

namespace state_codec {

struct Writer {
  nlohmann::json& out;
  template <class T>
  void operator()(const char* key, const T& value) { out[key] = encode(value); }
};

// Reads the fields of one object. For the state itself (strategy set) a problem is a corrupt_checkpoint
// naming the key; inside a nested struct (strategy null) it is an std::invalid_argument that the
// enclosing key's reader prefixes with its own key.
struct Reader {
  const nlohmann::json& in;
  const std::string* strategy = nullptr;
  template <class T>
  void operator()(const char* key, T& value) {
    const auto it = in.find(key);
    if (it == in.end()) fail(std::string("missing \"") + key + "\"");
    try {
      decode(*it, value);
    } catch (const std::invalid_argument& e) {
      fail(std::string("\"") + key + "\": " + e.what());
    } catch (const nlohmann::json::exception& e) {
      fail(std::string("\"") + key + "\": " + e.what());
    }
  }
  [[noreturn]] void fail(const std::string& what) const {
    if (strategy != nullptr) throw corrupt_checkpoint(*strategy, what);
    throw std::invalid_argument(what);
  }
};

template <Nested T>
nlohmann::json encode(const T& x) {
  nlohmann::json j = nlohmann::json::object();
  Writer w{j};
  T::fields(x, w);
  return j;
}

// A nested struct decodes through a Reader of its own object; its messages name the inner key.
template <Nested T>
void decode(const nlohmann::json& j, T& x) {
  if (!j.is_object()) throw std::invalid_argument("expected an object, got " + std::string(j.type_name()));
  T next = x;
  Reader r{j};
  T::fields(next, r);
  x = std::move(next);
}

}  // namespace state_codec

// ---------------------------------------------------------------------------------------------------
// The best candidate seen, and the champion rule

// A point in double precision as a dense genome (rounded to float32 once, as decode() rounds it).
inline Genome dense_genome(std::span<const double> x) { return Genome::make_dense(std::vector<float>(x.begin(), x.end())); }

// The best candidate evaluated so far (double precision): strict improvement in candidate order (ties
// keep the earlier one; invalid, -inf, results never win). Before any valid result it is the start.
struct BestSeen {
  double fitness = -std::numeric_limits<double>::infinity();
  std::vector<double> x;
  NEUROEVO_STATE_FIELDS(BestSeen, fitness, x)
  Genome genome() const { return dense_genome(x); }

  // `decode(i, out)` writes candidate i of the batch whose ranking fitness is f.
  template <class Decode>
  void update(std::span<const double> f, Decode&& decode) {
    size_t best = f.size();
    double bf = fitness;
    for (size_t i = 0; i < f.size(); ++i)
      if (f[i] > bf) bf = f[i], best = i;
    if (best == f.size()) return;
    decode(best, std::span<double>(x));
    fitness = bf;
  }
};

// The champion of a distribution-based strategy under `rule` (see ChampionRule).
inline Genome champion_genome(ChampionRule rule, std::span<const double> mean, const BestSeen& best) {
  return dense_genome(rule == ChampionRule::Best ? std::span<const double>(best.x) : mean);
}

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

  // The candidates of one generation: Params::population unless the strategy overrides it.
  virtual size_t batch_size() const {
    if constexpr (requires(const Params& p) { static_cast<size_t>(p.population); })
      return params_.population;
    else
      throw std::logic_error(name_ + ": batch_size() is not defined");
  }

  // episodes = 0: each candidate runs the task's configured number of episodes.
  Batch ask() override { return Batch{batch_size(), 0, Purpose::Episode}; }

  // One generation in one batch: checks the batch size, ranks invalid results last (ranking_fitness),
  // updates the best candidate seen when the state keeps one (`BestSeen best`), lets update() move the
  // search, then counts the generation and derive()s what depends on it. Strategies with several batches
  // per generation or their own stopping rule override tell() instead of update().
  bool tell(std::span<const Result> results) override {
    check_results(results.size(), batch_size());
    const std::vector<double> f = ranking_fitness(results);
    if constexpr (kKeepsBest)
      state_.best.update(f, [this](size_t i, std::span<double> out) { this->decode_double(i, out); });
    update(results, f);
    ++state_.generation;
    derive();
    return true;
  }

  nlohmann::json save() const final {
    nlohmann::json j = {{"strategy", name_}, {"version", kStateVersion}, {"params", params_record()},
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
    if (p == j.end())  // e.g. a ga checkpoint of version 1 from before ga used the schema
      throw corrupt_checkpoint(name_, "no parameter record: written by a neuroevo from before the state schema, "
                                      "which this build cannot resume; start the run afresh");
    if (*p != params_record())
      throw UsageError(name_ + " checkpoint was written with parameters " + p->dump() +
                       "; this run has " + params_record().dump());
    State next = state_;
    state_codec::Reader r{j, &name_};
    r("generation", next.generation);
    State::fields(next, r);
    if constexpr (kKeepsBest) require(next.best.x, num_params_, "best x");
    validate(next);
    state_ = std::move(next);
    derive();
  }

 protected:
  // num_params: the fixed length of the candidates (0 when they have none); part of the parameters'
  // record, so a state of another network size is refused by name.
  StrategyBase(std::string name, const ParamTable<Params>& table, Params params, size_t num_params = 0)
      : name_(std::move(name)), table_(table), params_(std::move(params)), num_params_(num_params) {}

  // Throws std::invalid_argument naming the strategy: a batch of the wrong size, an index out of range.
  void check_results(size_t got, size_t expected) const {
    if (got != expected)
      throw std::invalid_argument(name_ + ": tell() got " + std::to_string(got) + " results, expected " +
                                  std::to_string(expected));
  }
  // Also checks the output size of decode() against the number of parameters n.
  void check_decode(size_t i, size_t batch, size_t got, size_t n) const {
    check_index(i, batch);
    if (got != n)
      throw std::invalid_argument(name_ + ": decode(" + std::to_string(i) + ") into " + std::to_string(got) +
                                  " values, expected " + std::to_string(n));
  }
  // The same against this generation's batch_size() and the strategy's num_params.
  void check_decode(size_t i, size_t got) const { check_decode(i, batch_size(), got, num_params_); }
  // For validate(): a state vector of exactly n finite values.
  template <class T>
  void require(const std::vector<T>& v, size_t n, const char* what, bool finite = true) const {
    if (v.size() != n)
      throw corrupt_checkpoint(name_, std::string(what) + " has " + std::to_string(v.size()) + " values, expected " +
                                          std::to_string(n));
    if (finite)
      for (const T& x : v)
        if (!std::isfinite(static_cast<double>(x))) throw corrupt_checkpoint(name_, std::string(what) + " holds a non-finite value");
  }
  // For validate(): a step size (sigma) that is finite and > 0.
  void require_step(double sigma, const char* what) const {
    if (!(sigma > 0.0) || !std::isfinite(sigma)) throw corrupt_checkpoint(name_, std::string(what) + " must be finite and > 0");
  }
  void check_index(size_t i, size_t batch) const {
    if (i >= batch)
      throw std::invalid_argument(name_ + ": candidate " + std::to_string(i) + " out of range (batch of " +
                                  std::to_string(batch) + ")");
  }
  // The search step of the default tell(): `f` is the ranking fitness of `results` (invalid = -inf).
  virtual void update(std::span<const Result> results, std::span<const double> f) {
    (void)results, (void)f;
    throw std::logic_error(name_ + ": neither tell() nor update() is defined");
  }
  // A decoded state's invariants (finite step sizes, sizes); throw corrupt_checkpoint(...) to refuse it.
  // A `best` (BestSeen) is checked by the base (num_params finite values).
  virtual void validate(const State&) const {}
  // Recomputes what depends on the state (e.g. this generation's candidate seeds) after load() and
  // after each generation of the default tell().
  virtual void derive() {}
  // The champion of a strategy with a search distribution centred at `centre` under its `champion` key
  // (ParamTable::champion(), ChampionRule).
  Genome centre_champion(std::span<const double> centre) const
    requires requires(const Params& p, const State& s) {
      { p.champion } -> std::convertible_to<ChampionRule>;
      s.best;
    }
  {
    return champion_genome(params_.champion, centre, state_.best);
  }

  // True when the state keeps the best candidate seen as `BestSeen best` (updated by the default tell()).
  static constexpr bool kKeepsBest = requires(State& s) {
    { s.best } -> std::same_as<BestSeen&>;
  };

  const std::string name_;
  const ParamTable<Params>& table_;
  const Params params_;
  const size_t num_params_;
  State state_;

 private:
  nlohmann::json params_record() const {
    nlohmann::json j = table_.values(params_);
    if (num_params_ != 0) j["num_params"] = num_params_;
    return j;
  }
};

// For strategies whose candidates live in double precision (decode_double() is the override): decode()
// rounds candidate i to float32 once, so both paths give the same candidate.
template <class Params, class State>
class DoubleStrategyBase : public StrategyBase<Params, State> {
 public:
  void decode(size_t i, std::span<float> params) const final {
    std::vector<double> x(params.size());
    this->decode_double(i, x);  // checks i and the size
    for (size_t j = 0; j < x.size(); ++j) params[j] = static_cast<float>(x[j]);
  }

 protected:
  using StrategyBase<Params, State>::StrategyBase;
};

// The factory of a strategy over a parameter space of fixed length: D from the context (a UsageError
// when the space has no parameters), the parameters read with D as context, then S(params, ctx, D).
template <class S, class Params>
std::unique_ptr<Strategy> make_for_space(ConfigSection& cfg, const StrategyContext& ctx, const std::string& name,
                                         const ParamTable<Params>& table) {
  if (ctx.space == nullptr) throw std::invalid_argument(name + " needs a parameter space");
  if (ctx.num_params != 0 && ctx.num_params != ctx.space->num_params())
    throw std::invalid_argument(name + ": context num_params differs from the parameter space's");
  const size_t n = ctx.space->num_params();
  if (n == 0) throw UsageError(name + ": the parameter space has no parameters");
  return std::make_unique<S>(table.read(cfg, {n}), ctx, n);
}

// The policy's input and output sizes, for a strategy that builds its own policies (NEAT, sparse hill
// climbing): the observation's dimension, and the number of actions (discrete) or the action's dimension.
// A UsageError naming the strategy when there is no environment or the observation is discrete.
struct PolicyShape {
  uint32_t inputs = 0, outputs = 0;
};
inline PolicyShape policy_shape(const StrategyContext& ctx, const std::string& name) {
  if (ctx.observation == nullptr || ctx.action == nullptr)
    throw UsageError("strategy '" + name + "' builds policies, so it needs an environment (not a black-box function)");
  if (ctx.observation->is_discrete()) throw UsageError("strategy '" + name + "' needs a vector observation space");
  const size_t outputs = ctx.action->is_discrete() ? static_cast<size_t>(ctx.action->n) : ctx.action->dim();
  return {static_cast<uint32_t>(ctx.observation->dim()), static_cast<uint32_t>(outputs)};
}

// The registry entry of a strategy over a fixed-length parameter space built by make_for_space<S>.
template <class S, class Params>
StrategyInfo space_strategy(const char* name, const char* description, const ParamTable<Params>& (*table)()) {
  return {name, description, false,
          [name, table](ConfigSection& cfg, const StrategyContext& ctx) { return make_for_space<S>(cfg, ctx, name, table()); },
          [table] { return table().docs(); }};
}

}  // namespace neuroevo
