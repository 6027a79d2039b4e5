#include "neuroevo/core/config.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/files.hpp"
#include "neuroevo/core/suggest.hpp"

namespace neuroevo {

namespace {

std::string type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    default: return "a date/time";
  }
}

[[noreturn]] void wrong_type(const std::string& key, const char* expected, const toml::node& got) {
  throw UsageError("config key '" + key + "' must be " + expected + ", got " + type_name(got));
}

template <class T>
std::string str(T v) {
  std::ostringstream os;
  os.precision(15);  // shortest exact form for config values such as 0.1; never a 309-digit bound
  os << v;
  return os.str();
}

// "must be >= 1" rather than a range to the type's limit, whose bound means nothing to a user.
template <class T>
void check_range(const std::string& key, T v, T lo, T hi) {
  if (v >= lo && v <= hi) return;
  const bool open_lo = lo == std::numeric_limits<T>::lowest() || lo == -std::numeric_limits<T>::infinity();
  const bool open_hi = hi == std::numeric_limits<T>::max() || hi == std::numeric_limits<T>::infinity();
  std::string want = open_lo && open_hi ? "a finite number"
                     : open_hi          ? ">= " + str(lo)
                     : open_lo          ? "<= " + str(hi)
                                        : "in [" + str(lo) + ", " + str(hi) + "]";
  throw UsageError("config key '" + key + "' = " + str(v) + " is out of range: it must be " + want);
}

// One rule for every real-valued key: NaN and infinities are rejected (no key documents inf; TOML
// spells them nan, inf, +inf, -inf).
void check_finite(const std::string& key, double v) {
  if (!std::isfinite(v))
    throw UsageError("config key '" + key + "' = " + str(v) + " is not a finite number (nan and inf are not accepted)");
}

void collect_leaves(const toml::table& t, const std::string& prefix, std::vector<std::string>& out) {
  for (const auto& [k, v] : t) {
    const std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const auto* sub = v.as_table()) {
      if (sub->empty()) out.push_back(key);
      collect_leaves(*sub, key, out);
    } else {
      out.push_back(key);
    }
  }
}

}  // namespace

ConfigSection::ConfigSection(Config& root, std::string path) : root_(&root), path_(std::move(path)) {}

std::string ConfigSection::full_key(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

const toml::table* ConfigSection::find_table() const {
  if (path_.empty()) return &root_->table();
  const toml::node* n = root_->table().at_path(path_).node();
  return n ? n->as_table() : nullptr;
}

toml::table& ConfigSection::table() {
  if (path_.empty()) return root_->table();
  toml::table* t = &root_->table();
  std::string rest = path_;
  while (!rest.empty()) {
    const auto dot = rest.find('.');
    const std::string part = rest.substr(0, dot);
    rest = dot == std::string::npos ? "" : rest.substr(dot + 1);
    auto* child = t->get(part);
    if (child == nullptr) {
      t->insert(part, toml::table{});
      child = t->get(part);
    }
    if (!child->is_table()) wrong_type(path_, "a table", *child);
    t = child->as_table();
  }
  return *t;
}

toml::node* ConfigSection::lookup(const std::string& key) {
  root_->mark_read(full_key(key));
  return table().get(key);
}

bool ConfigSection::has(const std::string& key) const {
  const auto* t = find_table();
  return t != nullptr && t->contains(key);
}

int64_t ConfigSection::get_int(const std::string& key, int64_t def, int64_t lo, int64_t hi) {
  const std::string k = full_key(key);
  toml::node* n = lookup(key);
  if (n == nullptr) {
    table().insert(key, def);
    return def;
  }
  if (!n->is_integer()) wrong_type(k, "an integer", *n);
  const int64_t v = n->as_integer()->get();
  check_range(k, v, lo, hi);
  return v;
}

double ConfigSection::get_double(const std::string& key, double def, double lo, double hi) {
  const std::string k = full_key(key);
  toml::node* n = lookup(key);
  if (n == nullptr) {
    table().insert(key, def);
    return def;
  }
  double v = 0.0;
  if (n->is_integer())
    v = static_cast<double>(n->as_integer()->get());
  else if (n->is_floating_point())
    v = n->as_floating_point()->get();
  else
    wrong_type(k, "a number", *n);
  check_finite(k, v);
  check_range(k, v, lo, hi);
  return v;
}

bool ConfigSection::get_bool(const std::string& key, bool def) {
  toml::node* n = lookup(key);
  if (n == nullptr) {
    table().insert(key, def);
    return def;
  }
  if (!n->is_boolean()) wrong_type(full_key(key), "a boolean (true or false)", *n);
  return n->as_boolean()->get();
}

std::string ConfigSection::get_string(const std::string& key, const std::string& def,
                                      const std::vector<std::string>& allowed) {
  const std::string k = full_key(key);
  toml::node* n = lookup(key);
  std::string v = def;
  if (n == nullptr) {
    table().insert(key, def);
  } else {
    if (!n->is_string()) wrong_type(k, "a string", *n);
    v = n->as_string()->get();
  }
  if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), v) == allowed.end())
    throw UsageError("config key '" + k + "': " + unknown_name_message("value", v, allowed));
  return v;
}

std::vector<int64_t> ConfigSection::get_int_list(const std::string& key, const std::vector<int64_t>& def,
                                                 int64_t lo, int64_t hi) {
  const std::string k = full_key(key);
  toml::node* n = lookup(key);
  if (n == nullptr) {
    toml::array a;
    for (int64_t v : def) a.push_back(v);
    table().insert(key, std::move(a));
    return def;
  }
  if (!n->is_array()) wrong_type(k, "an array of integers", *n);
  std::vector<int64_t> out;
  for (const auto& e : *n->as_array()) {
    if (!e.is_integer()) wrong_type(k + "[" + std::to_string(out.size()) + "]", "an integer", e);
    const int64_t v = e.as_integer()->get();
    check_range(k + "[" + std::to_string(out.size()) + "]", v, lo, hi);
    out.push_back(v);
  }
  return out;
}

std::vector<std::string> ConfigSection::get_string_list(const std::string& key, const std::vector<std::string>& def) {
  const std::string k = full_key(key);
  toml::node* n = lookup(key);
  if (n == nullptr) {
    toml::array a;
    for (const auto& v : def) a.push_back(v);
    table().insert(key, std::move(a));
    return def;
  }
  if (!n->is_array()) wrong_type(k, "an array of strings", *n);
  std::vector<std::string> out;
  for (const auto& e : *n->as_array()) {
    if (!e.is_string()) wrong_type(k + "[" + std::to_string(out.size()) + "]", "a string", e);
    out.push_back(e.as_string()->get());
  }
  return out;
}

std::vector<double> ConfigSection::get_double_list(const std::string& key, const std::vector<double>& def, double lo,
                                                   double hi) {
  const std::string k = full_key(key);
  toml::node* n = lookup(key);
  if (n == nullptr) {
    toml::array a;
    for (double v : def) a.push_back(v);
    table().insert(key, std::move(a));
    return def;
  }
  if (!n->is_array()) wrong_type(k, "an array of numbers", *n);
  std::vector<double> out;
  for (const auto& e : *n->as_array()) {
    const std::string ek = k + "[" + std::to_string(out.size()) + "]";
    double v = 0.0;
    if (e.is_integer())
      v = static_cast<double>(e.as_integer()->get());
    else if (e.is_floating_point())
      v = e.as_floating_point()->get();
    else
      wrong_type(ek, "a number", e);
    check_finite(ek, v);
    check_range(ek, v, lo, hi);
    out.push_back(v);
  }
  return out;
}

ConfigSection ConfigSection::section(const std::string& key) {
  const std::string k = full_key(key);
  toml::node* n = table().get(key);
  if (n != nullptr && !n->is_table()) wrong_type(k, "a table", *n);
  root_->mark_read(k);
  return ConfigSection(*root_, k);
}

Config Config::from_file(const std::string& path) {
  // Read through read_text_file: a directory, FIFO or device (/dev/zero) is an error naming the path,
  // and a config is never larger than 16 MiB.
  const std::string text = read_text_file(path, 16u << 20);
  try {
    return Config(toml::parse(text, path));
  } catch (const toml::parse_error& e) {
    const auto& src = e.source();
    if (src.begin.line == 0) throw UsageError("cannot read config file '" + path + "': " + std::string(e.description()));
    throw UsageError("config file '" + path + "' line " + std::to_string(src.begin.line) + ", column " +
                     std::to_string(src.begin.column) + ": " + std::string(e.description()));
  }
}

Config Config::from_string(const std::string& text, const std::string& source_name) {
  try {
    return Config(toml::parse(text, source_name));
  } catch (const toml::parse_error& e) {
    throw UsageError(source_name + " line " + std::to_string(e.source().begin.line) + ": " +
                     std::string(e.description()));
  }
}

void Config::set(const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw UsageError("--set expects key=value, got '" + assignment + "'");
  const std::string key = assignment.substr(0, eq);
  const std::string value = assignment.substr(eq + 1);
  // Parse the value as TOML ("0.1", "[64, 64]", "true", "\"x\""); a bare word becomes a string.
  toml::table parsed;
  try {
    parsed = toml::parse("v = " + value);
  } catch (const toml::parse_error&) {
    parsed.insert("v", value);
  }
  std::string leaf = key;
  const auto dot = key.rfind('.');
  if (dot != std::string::npos) {
    leaf = key.substr(dot + 1);
    std::string prefix = key.substr(0, dot);
    // Walk/create the parent tables without marking them read.
    toml::table* t = &table_;
    size_t start = 0;
    while (start <= prefix.size()) {
      const auto d = prefix.find('.', start);
      const std::string part = prefix.substr(start, d == std::string::npos ? std::string::npos : d - start);
      if (part.empty()) throw UsageError("--set: malformed key '" + key + "'");
      auto* child = t->get(part);
      if (child == nullptr) {
        t->insert(part, toml::table{});
        child = t->get(part);
      }
      if (!child->is_table()) throw UsageError("--set: '" + prefix + "' is not a table in the config");
      t = child->as_table();
      if (d == std::string::npos) break;
      start = d + 1;
    }
    t->insert_or_assign(leaf, *parsed.get("v"));
    return;
  }
  if (leaf.empty()) throw UsageError("--set: malformed key '" + key + "'");
  table_.insert_or_assign(leaf, *parsed.get("v"));
}

void Config::check_unknown() const {
  std::vector<std::string> leaves;
  collect_leaves(table_, "", leaves);
  std::vector<std::string> known(read_.begin(), read_.end());
  for (const auto& k : leaves) {
    if (read_.count(k)) continue;
    throw UsageError("unknown config key '" + k + "'" + did_you_mean(k, known));
  }
}

std::string Config::to_toml() const {
  std::ostringstream os;
  os << table_ << "\n";
  return os.str();
}

}  // namespace neuroevo
