#pragma once
// Checkpoints of long runs: a text header of key = value lines, doubles in hexadecimal floating
// point (%a), followed by raw binary arrays, so a restart restores the state bitwise. Written
// atomically (tmp + rename); the previous checkpoint is kept as <path>.prev. The config hash guards
// against resuming a checkpoint with a different configuration.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ionbath::app {

class Checkpoint {
public:
  void set(const std::string &key, const std::string &value) { values_[key] = value; }
  void set_int(const std::string &key, std::int64_t value);
  void set_doubles(const std::string &key, const std::vector<double> &values);
  // Large arrays are stored raw (binary, after the text header).
  void set_array(const std::string &key, std::vector<double> values);

  const std::string &get(const std::string &key) const;
  std::int64_t get_int(const std::string &key) const;
  std::vector<double> get_doubles(const std::string &key) const;
  const std::vector<double> &get_array(const std::string &key) const;
  bool has(const std::string &key) const { return values_.count(key) != 0; }

  std::string serialize() const;
  static Checkpoint parse(const std::string &text, const std::string &source);

  // Atomic write keeping the previous checkpoint as path.prev.
  void write(const std::string &path) const;
  // Reads path (or path.prev if path is damaged); nullopt if neither exists.
  static std::optional<Checkpoint> read(const std::string &path);

  // Throws InputError unless key "config_hash" equals `expected`.
  void require_config(const std::string &expected_hash, const std::string &path) const;

private:
  std::map<std::string, std::string> values_;
  std::map<std::string, std::vector<double>> arrays_;
};

} // namespace ionbath::app
