// Extended XYZ (ASE's flavour): a count line, a comment line of key=value pairs
// (Lattice="ax ay az bx by bz cx cy cz", Properties=species:S:1:pos:R:3..., Time=<ps>, pbc="T T T")
// and one line per atom. Without Properties the columns are species and pos.
#include "trajectory_source.hpp"

#include "ionbath/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace ionbath::io {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return out;
}

// key=value pairs of the comment line (keys lower-cased; values unquoted; bare keys map to "T").
std::map<std::string, std::string> comment_keys(std::string_view line) {
  std::map<std::string, std::string> keys;
  std::size_t i = 0;
  auto blank = [&](std::size_t k) { return line[k] == ' ' || line[k] == '\t'; };
  while (i < line.size()) {
    while (i < line.size() && blank(i))
      ++i;
    const std::size_t start = i;
    while (i < line.size() && !blank(i) && line[i] != '=')
      ++i;
    const std::string key = lower(line.substr(start, i - start));
    if (i >= line.size() || line[i] != '=') {
      if (!key.empty())
        keys.emplace(key, "T");
      continue;
    }
    ++i;
    std::string value;
    if (i < line.size() && (line[i] == '"' || line[i] == '{')) {
      const char close = line[i] == '"' ? '"' : '}';
      const std::size_t end = line.find(close, i + 1);
      value = std::string(line.substr(i + 1, end == std::string_view::npos ? end : end - i - 1));
      i = end == std::string_view::npos ? line.size() : end + 1;
    } else {
      const std::size_t v = i;
      while (i < line.size() && !blank(i))
        ++i;
      value = std::string(line.substr(v, i - v));
    }
    keys[key] = value;
  }
  return keys;
}

class ExtXyz final : public FrameSource {
public:
  explicit ExtXyz(const std::string &path) : in_(path) {}
  const std::string &path() const override { return in_.path(); }
  const char *format() const override { return "extxyz"; }
  bool next(RawFrame &frame, bool first) override;

private:
  std::string where() const { return fmt::format("{}: frame {}", path(), frame_ + 1); }
  void read_comment(std::string_view line, RawFrame &frame);
  void read_properties(const std::string &properties);
  void read_atom(std::string_view line, std::size_t i, RawFrame &frame, bool first);

  TextInput in_;
  std::int64_t frame_ = 0;
  std::string properties_;
  int columns_ = 0, species_column_ = -1, position_column_ = -1;
};

void ExtXyz::read_properties(const std::string &properties) {
  if (properties == properties_)
    return;
  if (!properties_.empty())
    throw InputError(fmt::format("{}: Properties change ('{}', frame 1 had '{}')", where(),
                                 properties, properties_));
  properties_ = properties;
  std::vector<std::string> fields;
  std::size_t start = 0;
  for (std::size_t colon; (colon = properties.find(':', start)) != std::string::npos;
       start = colon + 1)
    fields.push_back(properties.substr(start, colon - start));
  fields.push_back(properties.substr(start));
  if (fields.size() % 3 != 0)
    throw InputError(
        fmt::format("{}: bad Properties '{}' (name:type:count triples)", where(), properties));
  for (std::size_t k = 0; k < fields.size(); k += 3) {
    const auto count = parse_int(fields[k + 2]);
    if (!count || *count < 1)
      throw InputError(fmt::format("{}: bad Properties '{}'", where(), properties));
    const std::string name = lower(fields[k]);
    if (name == "species")
      species_column_ = columns_;
    else if (name == "pos" && *count == 3)
      position_column_ = columns_;
    columns_ += int(*count);
  }
  if (position_column_ < 0)
    throw InputError(
        fmt::format("{}: missing columns: Properties '{}' has no pos:R:3", where(), properties));
}

void ExtXyz::read_comment(std::string_view line, RawFrame &frame) {
  const auto keys = comment_keys(line);
  const auto get = [&](const char *key, const char *fallback) {
    const auto it = keys.find(key);
    return it == keys.end() ? std::string(fallback) : it->second;
  };

  read_properties(get("properties", "species:S:1:pos:R:3"));
  frame.has_cell = keys.count("lattice") > 0;
  frame.periodic = {false, false, false};
  if (frame.has_cell) {
    const std::string lattice = get("lattice", ""), flags = get("pbc", "T T T");
    Tokens t(lattice);
    std::string_view token;
    for (int k = 0; k < 9; ++k) {
      const auto v = t.next(token) ? parse_double(token) : std::nullopt;
      if (!v)
        throw InputError(fmt::format("{}: bad Lattice=\"{}\"", where(), lattice));
      frame.cell[std::size_t(k)] = *v;
    }
    Tokens pbc(flags);
    for (std::size_t k = 0; k < 3 && pbc.next(token); ++k)
      frame.periodic[k] = token == "T" || token == "True" || token == "true" || token == "1";
  }
  frame.time_ps.reset();
  if (keys.count("time")) {
    const auto t = parse_double(get("time", ""));
    if (!t)
      throw InputError(fmt::format("{}: bad Time={}", where(), get("time", "")));
    frame.time_ps = *t;
  }
}

void ExtXyz::read_atom(std::string_view line, std::size_t i, RawFrame &frame, bool first) {
  Tokens t(line);
  std::string_view token;
  for (int c = 0; c < columns_; ++c) {
    if (!t.next(token))
      throw InputError(fmt::format("{}: line {}: missing columns: {} values, Properties name {}",
                                   where(), in_.line_number(), c, columns_));
    if (c == species_column_ && first)
      frame.label[i] = std::string(token);
    if (c >= position_column_ && c < position_column_ + 3) {
      const auto v = parse_double(token);
      if (!v)
        throw InputError(
            fmt::format("{}: line {}: bad position '{}'", where(), in_.line_number(), token));
      frame.xyz[i * 3 + std::size_t(c - position_column_)] = *v;
    }
  }
}

bool ExtXyz::next(RawFrame &frame, bool first) {
  std::string_view line;
  do {
    if (!in_.next_line(line))
      return false;
  } while (line.find_first_not_of(" \t") == std::string_view::npos);
  const auto atoms = parse_int(Tokens(line).rest());
  if (!atoms || *atoms < 0)
    throw InputError(fmt::format("{}: line {}: expected the atom count, found '{}'", where(),
                                 in_.line_number(), line.substr(0, 80)));
  if (!in_.next_line(line))
    throw InputError(fmt::format("{}: truncated: no comment line", where()));
  read_comment(line, frame);
  const auto n = std::size_t(*atoms);
  frame.xyz.resize(n * 3);
  frame.label.resize(first && species_column_ >= 0 ? n : 0);
  for (std::size_t i = 0; i < n; ++i) {
    if (!in_.next_line(line))
      throw InputError(fmt::format("{}: truncated: {} of {} atom lines", where(), i, n));
    read_atom(line, i, frame, first);
  }
  ++frame_;
  return true;
}

} // namespace

std::unique_ptr<FrameSource> open_extxyz(const std::string &path) {
  return std::make_unique<ExtXyz>(path);
}

} // namespace ionbath::io
