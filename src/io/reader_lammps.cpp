// LAMMPS text dumps (dump atom/custom, plain or .gz): ITEM: TIMESTEP / NUMBER OF ATOMS /
// BOX BOUNDS [xy xz yz] / ATOMS <columns>. Columns by header name: id type element, x y z
// (wrapped), xu yu zu (unwrapped), xs ys zs and xsu ysu zsu (scaled), ix iy iz (image flags).
#include "trajectory_source.hpp"

#include "ionbath/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace ionbath::io {

namespace {

enum class Role : std::uint8_t { skip, id, type, element, position, image };
struct Column {
  Role role = Role::skip;
  int axis = 0;
};

// The position columns in order of preference; the first complete set is read.
struct PositionSet {
  const char *names[3];
  bool fractional, unwrapped;
};
constexpr PositionSet kPositionSets[] = {{{"xu", "yu", "zu"}, false, true},
                                         {{"xsu", "ysu", "zsu"}, true, true},
                                         {{"x", "y", "z"}, false, false},
                                         {{"xs", "ys", "zs"}, true, false}};

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

class LammpsDump final : public FrameSource {
public:
  explicit LammpsDump(const std::string &path) : in_(path) {}
  const std::string &path() const override { return in_.path(); }
  const char *format() const override { return "lammps-dump"; }
  bool next(RawFrame &frame, bool first) override;

private:
  std::string where() const {
    return step_ >= 0 ? fmt::format("{}: frame {} (step {})", path(), frame_ + 1, step_)
                      : fmt::format("{}: frame {}", path(), frame_ + 1);
  }
  std::string_view value_line(std::string_view item);
  void read_box(std::string_view item, RawFrame &frame);
  void read_columns(std::string_view header, RawFrame &frame);
  void read_atoms(std::int64_t atoms, RawFrame &frame, bool first);
  void read_atom(std::string_view line, std::size_t i, RawFrame &frame, bool first);
  [[noreturn]] void bad_value(std::string_view line, std::size_t column) const;

  TextInput in_;
  std::int64_t frame_ = 0, step_ = -1;
  std::string header_;             // the ATOMS header of frame 1
  std::vector<std::string> names_; // column names
  std::vector<Column> columns_;
  bool fractional_ = false, unwrapped_ = false;
  bool images_ = false, types_ = false, elements_ = false;
};

std::string_view LammpsDump::value_line(std::string_view item) {
  std::string_view line;
  if (!in_.next_line(line))
    throw InputError(fmt::format("{}: truncated: the file ends after 'ITEM: {}'", where(), item));
  return line;
}

void LammpsDump::read_box(std::string_view item, RawFrame &frame) {
  Tokens t(item.substr(std::string_view("BOX BOUNDS").size()));
  std::string_view token;
  std::vector<std::string_view> flags;
  bool triclinic = false;
  while (t.next(token)) {
    if (token == "xy" || token == "xz" || token == "yz")
      triclinic = true;
    else
      flags.push_back(token);
  }
  if (!flags.empty() && flags.size() != 3)
    throw InputError(fmt::format("{}: cannot read 'ITEM: {}' (general triclinic boxes are not "
                                 "supported)",
                                 where(), item));
  double lo[3], hi[3], tilt[3] = {0, 0, 0};
  for (int k = 0; k < 3; ++k) {
    const std::string_view line = value_line(item);
    Tokens values(line);
    std::optional<double> v[3];
    for (int j = 0; j < (triclinic ? 3 : 2); ++j)
      v[j] = values.next(token) ? parse_double(token) : std::nullopt;
    if (!v[0] || !v[1] || (triclinic && !v[2]))
      throw InputError(fmt::format("{}: bad box bounds line '{}'", where(), line));
    lo[k] = *v[0];
    hi[k] = *v[1];
    tilt[k] = triclinic ? *v[2] : 0.0;
  }
  const double xy = tilt[0], xz = tilt[1], yz = tilt[2];
  // Bounding box → box (LAMMPS Howto triclinic): xlo = xlo_bound - min(0, xy, xz, xy + xz), ...
  lo[0] -= std::min({0.0, xy, xz, xy + xz});
  hi[0] -= std::max({0.0, xy, xz, xy + xz});
  lo[1] -= std::min(0.0, yz);
  hi[1] -= std::max(0.0, yz);
  frame.has_cell = true;
  frame.cell = {hi[0] - lo[0], 0, 0, xy, hi[1] - lo[1], 0, xz, yz, hi[2] - lo[2]};
  frame.origin = {lo[0], lo[1], lo[2]};
  for (int k = 0; k < 3; ++k)
    frame.periodic[std::size_t(k)] = flags.empty() || flags[std::size_t(k)] == "pp";
}

// Column roles from the ATOMS header of frame 1; later frames must repeat it.
void LammpsDump::read_columns(std::string_view header, RawFrame &frame) {
  if (!header_.empty()) {
    if (header != header_)
      throw InputError(fmt::format("{}: the ATOMS columns change ('{}', frame 1 had '{}')", where(),
                                   header, header_));
    frame.fractional = fractional_;
    frame.unwrapped = unwrapped_;
    return;
  }
  header_ = std::string(header);
  std::vector<std::string_view> names;
  Tokens t(header);
  std::string_view token;
  while (t.next(token)) {
    names.push_back(token);
    names_.emplace_back(token);
  }
  auto find = [&](std::string_view name) {
    return int(std::find(names.begin(), names.end(), name) - names.begin());
  };
  const int n = int(names.size());
  columns_.assign(names.size(), Column{});
  if (find("id") == n)
    throw InputError(fmt::format("{}: missing column 'id' (ATOMS {})", where(), header));
  columns_[std::size_t(find("id"))].role = Role::id;
  if (find("type") < n) {
    columns_[std::size_t(find("type"))].role = Role::type;
    types_ = true;
  }
  if (find("element") < n) {
    columns_[std::size_t(find("element"))].role = Role::element;
    elements_ = true;
  }
  const PositionSet *set = nullptr;
  for (const auto &candidate : kPositionSets) {
    int present = 0;
    for (const char *name : candidate.names)
      present += find(name) < n;
    if (present == 3) {
      set = &candidate;
      break;
    }
    if (present > 0)
      throw InputError(fmt::format("{}: missing columns: '{}' needs all of {} {} {} (ATOMS {})",
                                   where(), candidate.names[0], candidate.names[0],
                                   candidate.names[1], candidate.names[2], header));
  }
  if (!set)
    throw InputError(fmt::format("{}: missing columns: no positions (x y z, xu yu zu, xs ys zs "
                                 "or xsu ysu zsu) in ATOMS {}",
                                 where(), header));
  const char *image_names[3] = {"ix", "iy", "iz"};
  const int image_count = (find("ix") < n) + (find("iy") < n) + (find("iz") < n);
  if (image_count != 0 && image_count != 3)
    throw InputError(fmt::format("{}: missing columns: image flags need all of ix iy iz (ATOMS {})",
                                 where(), header));
  images_ = image_count == 3 && !set->unwrapped;
  for (int k = 0; k < 3; ++k) {
    columns_[std::size_t(find(set->names[k]))] = {Role::position, k};
    if (images_)
      columns_[std::size_t(find(image_names[k]))] = {Role::image, k};
  }
  frame.fractional = fractional_ = set->fractional;
  frame.unwrapped = unwrapped_ = set->unwrapped;
}

void LammpsDump::bad_value(std::string_view line, std::size_t column) const {
  throw InputError(fmt::format("{}: line {}: cannot read column '{}' of '{}'", where(),
                               in_.line_number(), names_[column], line.substr(0, 200)));
}

// One atom line: every column by its role, numbers through std::from_chars.
void LammpsDump::read_atom(std::string_view line, std::size_t i, RawFrame &frame, bool first) {
  const char *p = line.data(), *end = line.data() + line.size();
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    while (p < end && is_blank(*p))
      ++p;
    if (p == end)
      throw InputError(fmt::format("{}: line {}: missing columns: {} values, the ATOMS header "
                                   "names {} ('{}')",
                                   where(), in_.line_number(), c, columns_.size(), header_));
    const Column col = columns_[c];
    const char *stop = p;
    std::errc ec{};
    switch (col.role) {
    case Role::position: {
      auto r = std::from_chars(p, end, frame.xyz[i * 3 + std::size_t(col.axis)]);
      stop = r.ptr, ec = r.ec;
      break;
    }
    case Role::id:
    case Role::type:
    case Role::image: {
      std::int64_t v = 0;
      auto r = std::from_chars(p, end, v);
      stop = r.ptr, ec = r.ec;
      if (col.role == Role::id)
        frame.id[i] = v;
      else if (col.role == Role::image)
        frame.image[i * 3 + std::size_t(col.axis)] = v;
      else if (first)
        frame.type[i] = v;
      break;
    }
    case Role::element:
    case Role::skip:
      while (stop < end && !is_blank(*stop))
        ++stop;
      if (col.role == Role::element && first)
        frame.label[i] = std::string(p, stop);
      break;
    }
    if (ec != std::errc() || (stop < end && !is_blank(*stop)))
      bad_value(line, c);
    p = stop;
  }
}

void LammpsDump::read_atoms(std::int64_t atoms, RawFrame &frame, bool first) {
  const auto n = std::size_t(atoms);
  frame.xyz.resize(n * 3);
  frame.id.resize(n);
  frame.image.resize(images_ ? n * 3 : 0);
  frame.type.resize(first && types_ ? n : 0);
  frame.label.resize(first && elements_ ? n : 0);
  std::string_view line;
  for (std::size_t i = 0; i < n; ++i) {
    if (!in_.next_line(line))
      throw InputError(fmt::format("{}: truncated: {} of {} atom lines", where(), i, atoms));
    read_atom(line, i, frame, first);
  }
}

bool LammpsDump::next(RawFrame &frame, bool first) {
  std::string_view line;
  bool started = false;
  std::int64_t atoms = -1;
  bool box = false;
  step_ = -1;
  frame.time_ps.reset();
  for (;;) {
    if (!in_.next_line(line)) {
      if (!started)
        return false;
      throw InputError(fmt::format("{}: truncated: the file ends before 'ITEM: ATOMS'", where()));
    }
    if (!started && line.find_first_not_of(" \t") == std::string_view::npos)
      continue;
    if (!line.starts_with("ITEM:"))
      throw InputError(fmt::format("{}: line {}: expected an 'ITEM:' line, found '{}'", where(),
                                   in_.line_number(), line.substr(0, 80)));
    started = true;
    const std::string_view item = Tokens(line.substr(5)).rest();
    if (item.starts_with("TIMESTEP")) {
      const std::string_view value = value_line(item);
      const auto step = parse_int(Tokens(value).rest());
      if (!step)
        throw InputError(fmt::format("{}: bad TIMESTEP '{}'", where(), value));
      step_ = *step;
    } else if (item.starts_with("NUMBER OF ATOMS")) {
      const std::string_view value = value_line(item);
      const auto n = parse_int(Tokens(value).rest());
      if (!n || *n < 0)
        throw InputError(fmt::format("{}: bad NUMBER OF ATOMS '{}'", where(), value));
      atoms = *n;
    } else if (item.starts_with("BOX BOUNDS")) {
      read_box(item, frame);
      box = true;
    } else if (item.starts_with("ATOMS")) {
      if (atoms < 0 || step_ < 0 || !box)
        throw InputError(fmt::format("{}: 'ITEM: ATOMS' before TIMESTEP, NUMBER OF ATOMS and BOX "
                                     "BOUNDS",
                                     where()));
      read_columns(Tokens(item.substr(5)).rest(), frame);
      read_atoms(atoms, frame, first);
      frame.step = step_;
      ++frame_;
      return true;
    } else {
      value_line(item); // TIME, UNITS and other one-line items
    }
  }
}

} // namespace

std::unique_ptr<FrameSource> open_lammps_dump(const std::string &path) {
  return std::make_unique<LammpsDump>(path);
}

} // namespace ionbath::io
