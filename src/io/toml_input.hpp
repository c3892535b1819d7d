#pragma once
// The generic part of reading a TOML configuration (private to io/): values as the user wrote
// them, allowed ranges that check and describe themselves, and a reader of one section whose
// every failure is an InputError "<file>:<line>:<col>: <section>.<key> = <value>: <problem>".
#include "ionbath/core/error.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ionbath::io::toml_input {

inline constexpr double inf = std::numeric_limits<double>::infinity();
inline constexpr std::int64_t int_max = std::numeric_limits<int>::max();
inline constexpr std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();

std::string number_text(double x);             // shortest round trip, always with '.' or 'e'
std::string toml_string(std::string_view s);   // quoted and escaped
std::string node_text(const toml::node &node); // the value as written (normalised, shortened)
std::string type_name(const toml::node &node); // "an integer", "a string", ...
// The closest candidate to a misspelt name, if it is plausibly a misspelling (or a prefix).
std::optional<std::string_view> closest(std::string_view name,
                                        const std::vector<std::string_view> &candidates);

// Allowed interval of a real value, for the check, the error message and the key tables.
struct RealRange {
  double min = -inf, max = inf;
  bool min_open = false, max_open = false;
  std::string_view unit;

  bool contains(double x) const;
  std::string describe() const; // "a finite number > 0.0 (A)"
  std::string brief() const;    // "> 0", "(0, 0.1]"
};
RealRange positive(std::string_view unit);
RealRange non_negative(std::string_view unit);
RealRange any_finite(std::string_view unit);

struct IntRange {
  std::int64_t min = 0, max = int64_max;
  std::string describe() const; // "an integer >= 1"
  std::string brief() const;    // "integer ≥ 1", "integer 1..20"
};

// One section of the file (possibly absent: every getter then returns its fallback).
class SectionReader {
public:
  SectionReader(std::string_view source, const toml::table *table, std::string_view name)
      : source_(source), table_(table), name_(name) {}

  const toml::node *get(std::string_view key) const;
  std::string key(std::string_view k) const { return fmt::format("{}.{}", name_, k); }
  std::string_view source() const { return source_; } // the file name of every message

  // "<source>:<line>:<column>: <key> = <value>: <problem>" (location omitted for defaults).
  [[noreturn]] void fail(const toml::node *node, std::string_view key, std::string_view value,
                         std::string_view problem) const;
  [[noreturn]] void fail(const toml::node &node, std::string_view key,
                         std::string_view problem) const;

  double real_value(const toml::node &node, std::string_view key, const RealRange &range) const;
  double real(std::string_view name, double fallback, const RealRange &range) const;
  std::int64_t integer_value(const toml::node &node, std::string_view key,
                             const IntRange &range) const;
  std::int64_t integer(std::string_view name, std::int64_t fallback, const IntRange &range) const;
  std::string text(std::string_view name, std::string fallback) const; // non-empty string
  bool boolean(std::string_view name, bool fallback) const;
  // `to_string(option)` names each option.
  template <class Enum>
  Enum choice(std::string_view name, Enum fallback, const std::vector<Enum> &options) const;
  // At most one of two alternative spellings of one quantity (e.g. mass / mass_Da): the node
  // written, or nullptr; `is_other` tells which.
  const toml::node *one_of(std::string_view plain, std::string_view other, bool &is_other) const;

private:
  std::string_view source_;
  const toml::table *table_;
  std::string_view name_;
};

template <class Enum>
Enum SectionReader::choice(std::string_view name, Enum fallback,
                           const std::vector<Enum> &options) const {
  const auto *node = get(name);
  if (!node)
    return fallback;
  std::vector<std::string> names;
  for (const auto option : options)
    names.push_back(toml_string(to_string(option)));
  const auto allowed = fmt::format("must be one of {}", fmt::join(names, ", "));
  if (!node->is_string())
    fail(*node, key(name), fmt::format("{}, got {}", allowed, type_name(*node)));
  for (const auto option : options)
    if (to_string(option) == node->as_string()->get())
      return option;
  fail(*node, key(name), allowed);
}

} // namespace ionbath::io::toml_input
