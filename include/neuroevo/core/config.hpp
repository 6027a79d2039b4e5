// Configuration: a TOML table read through typed, range-checked getters.
//
// Every getter records the key it read and writes its default back into the table, so that after
// all components have read their settings (a) the table is the fully resolved config (written to the
// run directory) and (b) any key nobody read is unknown: check_unknown() reports it with the nearest
// valid key. All errors are UsageError naming the dotted key.
#pragma once
#include <cstdint>
#include <limits>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <toml++/toml.h>

namespace neuroevo {

class Config;

// A view of one table of a Config (e.g. "strategy").
class ConfigSection {
 public:
  ConfigSection(Config& root, std::string path);

  int64_t get_int(const std::string& key, int64_t def, int64_t lo = std::numeric_limits<int64_t>::min(),
                  int64_t hi = std::numeric_limits<int64_t>::max());
  double get_double(const std::string& key, double def, double lo = -std::numeric_limits<double>::infinity(),
                    double hi = std::numeric_limits<double>::infinity());
  bool get_bool(const std::string& key, bool def);
  // `allowed` empty means any string.
  std::string get_string(const std::string& key, const std::string& def,
                         const std::vector<std::string>& allowed = {});
  std::vector<int64_t> get_int_list(const std::string& key, const std::vector<int64_t>& def, int64_t lo,
                                    int64_t hi);
  // An array of numbers (integers accepted), each in [lo, hi] and not NaN.
  std::vector<double> get_double_list(const std::string& key, const std::vector<double>& def, double lo,
                                      double hi);
  std::vector<std::string> get_string_list(const std::string& key, const std::vector<std::string>& def);
  bool has(const std::string& key) const;
  ConfigSection section(const std::string& key);
  const std::string& path() const { return path_; }
  std::string full_key(const std::string& key) const;

 private:
  toml::table& table();
  const toml::table* find_table() const;
  toml::node* lookup(const std::string& key);
  Config* root_;
  std::string path_;  // "" for the root table
};

class Config {
 public:
  Config() = default;
  explicit Config(toml::table table) : table_(std::move(table)) {}
  // Throws UsageError for a missing file or a TOML syntax error (with line and column).
  static Config from_file(const std::string& path);
  static Config from_string(const std::string& text, const std::string& source_name = "config");

  // Applies "a.b.c=value"; value is parsed as a TOML value, and as a plain string if that fails.
  void set(const std::string& assignment);
  ConfigSection root() { return ConfigSection(*this, ""); }
  ConfigSection section(const std::string& name) { return root().section(name); }
  // Throws UsageError for the first key no getter has read, with the nearest known key.
  void check_unknown() const;
  std::string to_toml() const;

  toml::table& table() { return table_; }
  const toml::table& table() const { return table_; }
  void mark_read(const std::string& full_key) { read_.insert(full_key); }

 private:
  toml::table table_;
  std::set<std::string> read_;
};

}  // namespace neuroevo
