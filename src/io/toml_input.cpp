#include "toml_input.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

namespace ionbath::io::toml_input {

namespace {
std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// "0.1" rather than "0.1.0"; integers without ".0" (for the key tables).
std::string brief_number(double x) {
  return fmt::format("{}", x);
}
} // namespace

std::optional<std::string_view> closest(std::string_view name,
                                        const std::vector<std::string_view> &candidates) {
  const auto key = lower(name);
  std::optional<std::string_view> best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (const auto candidate : candidates) {
    const auto c = lower(candidate);
    std::size_t d = edit_distance(key, c);
    if (!key.empty() && (c.starts_with(key) || key.starts_with(c)))
      d = std::min<std::size_t>(d, 1);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  if (best && best_distance <= std::max<std::size_t>(2, best->size() / 3))
    return best;
  return std::nullopt;
}

std::string node_text(const toml::node &node) {
  std::string text;
  if (const auto *s = node.as_string())
    text = toml_string(s->get());
  else if (const auto *i = node.as_integer())
    text = fmt::format("{}", i->get());
  else if (const auto *x = node.as_floating_point())
    text = number_text(x->get());
  else if (const auto *b = node.as_boolean())
    text = b->get() ? "true" : "false";
  else if (const auto *array = node.as_array()) {
    std::vector<std::string> items;
    for (const auto &item : *array)
      items.push_back(node_text(item));
    text = fmt::format("[{}]", fmt::join(items, ", "));
  } else if (node.is_table())
    text = "{...}";
  else {
    std::ostringstream os;
    node.visit([&os](const auto &n) { os << n; });
    text = os.str();
  }
  if (text.size() > 60)
    text = text.substr(0, 57) + "...";
  return text;
}

std::string type_name(const toml::node &node) {
  switch (node.type()) {
  case toml::node_type::string:
    return "a string";
  case toml::node_type::integer:
    return "an integer";
  case toml::node_type::floating_point:
    return "a float";
  case toml::node_type::boolean:
    return "a boolean";
  case toml::node_type::array:
    return "an array";
  case toml::node_type::table:
    return "a table";
  default:
    return "a date/time";
  }
}

std::string number_text(double x) {
  auto s = fmt::format("{}", x);
  if (std::isfinite(x) && s.find_first_of(".e") == std::string::npos)
    s += ".0";
  return s;
}

std::string toml_string(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
        out += fmt::format("\\u{:04X}", static_cast<unsigned char>(c));
      else
        out += c;
    }
  }
  return out + "\"";
}

bool RealRange::contains(double x) const {
  return std::isfinite(x) && (min_open ? x > min : x >= min) && (max_open ? x < max : x <= max);
}

std::string RealRange::describe() const {
  std::string text;
  if (max == inf)
    text = fmt::format("a finite number {} {}", min_open ? ">" : ">=", number_text(min));
  else if (min == -inf)
    text = fmt::format("a finite number {} {}", max_open ? "<" : "<=", number_text(max));
  else
    text = fmt::format("a number in {}{}, {}{}", min_open ? "(" : "[", number_text(min),
                       number_text(max), max_open ? ")" : "]");
  if (!unit.empty())
    text += fmt::format(" ({})", unit);
  return text;
}

std::string RealRange::brief() const {
  if (min == -inf && max == inf)
    return "finite";
  if (max == inf)
    return fmt::format("{} {}", min_open ? ">" : "≥", brief_number(min));
  if (min == -inf)
    return fmt::format("{} {}", max_open ? "<" : "≤", brief_number(max));
  return fmt::format("{}{}, {}{}", min_open ? "(" : "[", brief_number(min), brief_number(max),
                     max_open ? ")" : "]");
}

RealRange positive(std::string_view unit) {
  return {0.0, inf, true, false, unit};
}
RealRange non_negative(std::string_view unit) {
  return {0.0, inf, false, false, unit};
}
RealRange any_finite(std::string_view unit) {
  return {-inf, inf, false, false, unit};
}

std::string IntRange::describe() const {
  return max == int64_max ? fmt::format("an integer >= {}", min)
                          : fmt::format("an integer in [{}, {}]", min, max);
}

std::string IntRange::brief() const {
  return max == int64_max ? fmt::format("integer ≥ {}", min)
                          : fmt::format("integer {}..{}", min, max);
}

const toml::node *SectionReader::get(std::string_view key) const {
  return table_ ? table_->get(key) : nullptr;
}

void SectionReader::fail(const toml::node *node, std::string_view key, std::string_view value,
                         std::string_view problem) const {
  std::string where(source_);
  if (node && node->source().begin)
    where += fmt::format(":{}:{}", node->source().begin.line, node->source().begin.column);
  throw InputError(fmt::format("{}: {} = {}: {}", where, key, value, problem));
}

void SectionReader::fail(const toml::node &node, std::string_view key,
                         std::string_view problem) const {
  fail(&node, key, node_text(node), problem);
}

double SectionReader::real_value(const toml::node &node, std::string_view key,
                                 const RealRange &range) const {
  if (!node.is_number())
    fail(node, key, fmt::format("must be {}, got {}", range.describe(), type_name(node)));
  const double x = *node.value<double>();
  if (!range.contains(x))
    fail(node, key, fmt::format("must be {}", range.describe()));
  return x;
}

double SectionReader::real(std::string_view name, double fallback, const RealRange &range) const {
  const auto *node = get(name);
  return node ? real_value(*node, key(name), range) : fallback;
}

std::int64_t SectionReader::integer_value(const toml::node &node, std::string_view key,
                                          const IntRange &range) const {
  if (!node.is_integer())
    fail(node, key, fmt::format("must be {}, got {}", range.describe(), type_name(node)));
  const auto x = node.as_integer()->get();
  if (x < range.min || x > range.max)
    fail(node, key, fmt::format("must be {}", range.describe()));
  return x;
}

std::int64_t SectionReader::integer(std::string_view name, std::int64_t fallback,
                                    const IntRange &range) const {
  const auto *node = get(name);
  return node ? integer_value(*node, key(name), range) : fallback;
}

std::string SectionReader::text(std::string_view name, std::string fallback) const {
  const auto *node = get(name);
  if (!node)
    return fallback;
  if (!node->is_string())
    fail(*node, key(name), fmt::format("must be a string, got {}", type_name(*node)));
  auto value = node->as_string()->get();
  if (value.find_first_not_of(" \t") == std::string::npos)
    fail(*node, key(name), "must be a non-empty string");
  return value;
}

bool SectionReader::boolean(std::string_view name, bool fallback) const {
  const auto *node = get(name);
  if (!node)
    return fallback;
  if (!node->is_boolean())
    fail(*node, key(name), fmt::format("must be true or false, got {}", type_name(*node)));
  return node->as_boolean()->get();
}

const toml::node *SectionReader::one_of(std::string_view plain, std::string_view other,
                                        bool &is_other) const {
  const auto *p = get(plain);
  const auto *o = get(other);
  if (p && o)
    fail(*o, key(other),
         fmt::format("conflicts with {} = {}; give only one of them", key(plain), node_text(*p)));
  is_other = o != nullptr;
  return p ? p : o;
}

} // namespace ionbath::io::toml_input
