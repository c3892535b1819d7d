// VASP XDATCAR (plain or gzip): a POSCAR-like header (comment, scale, three lattice vectors,
// element names (VASP 5), counts) and "Direct configuration= N" blocks of fractional coordinates.
// A variable-cell run repeats the header before every configuration.
#include "trajectory_source.hpp"

#include "ionbath/core/error.hpp"

#include <fmt/format.h>

#include <cmath>

namespace ionbath::io {

namespace {

bool starts_with_word(std::string_view line, std::string_view word) {
  const std::string_view t = Tokens(line).rest();
  if (t.size() < word.size())
    return false;
  for (std::size_t k = 0; k < word.size(); ++k)
    if (std::tolower(static_cast<unsigned char>(t[k])) != word[k])
      return false;
  return true;
}

class Xdatcar final : public FrameSource {
public:
  explicit Xdatcar(const std::string &path) : in_(path) {}
  const std::string &path() const override { return in_.path(); }
  const char *format() const override { return "xdatcar"; }
  bool next(RawFrame &frame, bool first) override;

private:
  std::string where() const { return fmt::format("{}: frame {}", path(), frame_ + 1); }
  std::string_view line(const char *what);
  std::vector<double> numbers(std::string_view text, std::size_t count, const char *what);
  void read_header();

  TextInput in_;
  std::int64_t frame_ = 0;
  bool has_header_ = false;
  CellMatrix cell_{};
  std::vector<std::string> elements_;
  std::vector<std::int64_t> counts_;
  std::int64_t atoms_ = 0;
};

std::string_view Xdatcar::line(const char *what) {
  std::string_view text;
  if (!in_.next_line(text))
    throw InputError(fmt::format("{}: truncated: the file ends before {}", where(), what));
  return text;
}

std::vector<double> Xdatcar::numbers(std::string_view text, std::size_t count, const char *what) {
  std::vector<double> values;
  Tokens t(text);
  std::string_view token;
  while (values.size() < count && t.next(token)) {
    const auto v = parse_double(token);
    if (!v)
      break;
    values.push_back(*v);
  }
  if (values.size() != count)
    throw InputError(fmt::format("{}: line {}: expected {} numbers ({}), found '{}'", where(),
                                 in_.line_number(), count, what, text.substr(0, 80)));
  return values;
}

// Scale, lattice, element names and counts (the comment line has been read).
void Xdatcar::read_header() {
  const double scale = numbers(line("the scale factor"), 1, "the scale factor")[0];
  for (int k = 0; k < 3; ++k) {
    const auto v = numbers(line("the lattice vectors"), 3, "a lattice vector");
    std::copy(v.begin(), v.end(), cell_.begin() + 3 * k);
  }
  const double volume = std::abs(cell_[0] * (cell_[4] * cell_[8] - cell_[5] * cell_[7]) -
                                 cell_[1] * (cell_[3] * cell_[8] - cell_[5] * cell_[6]) +
                                 cell_[2] * (cell_[3] * cell_[7] - cell_[4] * cell_[6]));
  const double factor = scale > 0 ? scale : std::cbrt(-scale / volume); // negative: the volume
  for (auto &x : cell_)
    x *= factor;
  std::string_view text = line("the atom counts");
  std::vector<std::string> names;
  Tokens t(text);
  std::string_view token;
  if (!parse_int(Tokens(text).rest().substr(0, Tokens(text).rest().find_first_of(" \t")))) {
    while (t.next(token))
      names.emplace_back(token);
    text = line("the atom counts");
  }
  std::vector<std::int64_t> counts;
  Tokens c(text);
  while (c.next(token)) {
    const auto n = parse_int(token);
    if (!n || *n < 0)
      throw InputError(
          fmt::format("{}: line {}: bad atom counts '{}'", where(), in_.line_number(), text));
    counts.push_back(*n);
  }
  if (counts.empty() || (!names.empty() && names.size() != counts.size()))
    throw InputError(fmt::format("{}: line {}: {} element names but {} counts", where(),
                                 in_.line_number(), names.size(), counts.size()));
  if (!has_header_) {
    elements_ = names;
    counts_ = counts;
  }
  atoms_ = 0;
  for (const auto n : counts)
    atoms_ += n;
  has_header_ = true;
}

bool Xdatcar::next(RawFrame &frame, bool first) {
  std::string_view text;
  do {
    if (!in_.next_line(text))
      return false;
  } while (Tokens(text).rest().empty());
  if (!starts_with_word(text, "direct")) {
    if (starts_with_word(text, "cartesian"))
      throw InputError(fmt::format("{}: Cartesian configurations are not supported", where()));
    read_header(); // this line was the comment of a (repeated) header
    text = line("'Direct configuration='");
    if (!starts_with_word(text, "direct"))
      throw InputError(fmt::format("{}: line {}: expected 'Direct configuration=', found '{}'",
                                   where(), in_.line_number(), text.substr(0, 80)));
  } else if (!has_header_) {
    throw InputError(fmt::format("{}: no header before the first configuration", where()));
  }
  const auto eq = text.find('=');
  const auto number =
      eq == std::string_view::npos ? std::nullopt : parse_int(Tokens(text.substr(eq + 1)).rest());
  frame.step = number ? *number : -1;
  frame.has_cell = true;
  frame.cell = cell_;
  frame.origin = {0, 0, 0};
  frame.periodic = {true, true, true};
  frame.fractional = true;
  frame.xyz.resize(std::size_t(atoms_) * 3);
  for (std::int64_t i = 0; i < atoms_; ++i) {
    std::string_view atom;
    if (!in_.next_line(atom))
      throw InputError(fmt::format("{}: truncated: {} of {} atom lines", where(), i, atoms_));
    const auto v = numbers(atom, 3, "fractional coordinates");
    std::copy(v.begin(), v.end(), frame.xyz.begin() + 3 * i);
  }
  if (first) {
    frame.label.clear();
    frame.type.clear();
    for (std::size_t k = 0; k < counts_.size(); ++k)
      for (std::int64_t n = 0; n < counts_[k]; ++n) {
        frame.type.push_back(std::int64_t(k + 1));
        frame.label.push_back(elements_.empty() ? std::to_string(k + 1) : elements_[k]);
      }
  }
  ++frame_;
  return true;
}

} // namespace

std::unique_ptr<FrameSource> open_xdatcar(const std::string &path) {
  return std::make_unique<Xdatcar>(path);
}

} // namespace ionbath::io
