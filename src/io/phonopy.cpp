// phonopy's yaml, FORCE_CONSTANTS and force_constants.hdf5 (io/phonopy.hpp). Formats as phonopy
// 2.17 writes them (interface/phonopy_yaml.py, file_IO.py write_FORCE_CONSTANTS and
// write_force_constants_to_hdf5):
//  * yaml: `unit_cell` / `supercell` with `lattice` (rows a, b, c, Å) and `points` (`symbol`,
//    fractional `coordinates`, `mass` in AMU, in the supercell `reduced_to`: the 1-based index of
//    the atom's representative, p2s_map + 1), `supercell_matrix`, optional `primitive_matrix`,
//    `physical_unit`, and optionally `force_constants` (`format` full|compact, `shape` [r, c],
//    `elements`: r·c blocks of three rows, in row-major block order).
//  * FORCE_CONSTANTS: "r c" (or "n" for n × n), then per block "i j" (1-based supercell indices,
//    i = p2s_map + 1 in the compact form) and three rows of three numbers.
//  * force_constants.hdf5: `force_constants` (or `fc2`) of shape (r, c, 3, 3), optional `p2s_map`
//    (0-based) and `physical_unit`.
#include "ionbath/io/phonopy.hpp"

#include "trajectory_source.hpp"

#include "ionbath/core/error.hpp"
#include "ionbath/core/units.hpp"
#include "ionbath/io/hdf5.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>

namespace ionbath::io {
namespace {

namespace fs = std::filesystem;

// Force constants as stored: blocks [rows][cols][3][3] in the file's units.
struct StoredForceConstants {
  std::string path, format; // format: "full" | "compact"
  int rows = 0, cols = 0;
  std::vector<double> values;
  std::vector<int> row_atoms; // 0-based supercell atom of each row, when the file says
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// ------------------------------------------------------------------------------------------------
// yaml values with messages naming the file, line, key and value.
class YamlFile {
public:
  explicit YamlFile(std::string path) : path_(std::move(path)) {
    std::error_code ec;
    if (!fs::is_regular_file(path_, ec))
      throw InputError(fmt::format("{}: cannot read phonopy yaml: no such file", path_));
    try {
      root_ = YAML::LoadFile(path_);
    } catch (const YAML::Exception &e) {
      throw InputError(fmt::format("{}:{}: invalid YAML: {}", path_, e.mark.line + 1, e.msg));
    }
    if (!root_.IsMap())
      throw InputError(fmt::format("{}: not a phonopy yaml (no keys at the top level)", path_));
  }

  const std::string &path() const { return path_; }
  const YAML::Node &root() const { return root_; }

  [[noreturn]] void fail(const YAML::Node &node, const std::string &key,
                         const std::string &problem) const {
    const std::string value = node.IsScalar() ? node.Scalar() : flow(node).substr(0, 100);
    throw InputError(
        fmt::format("{}:{}: `{}` = {}: {}", path_, node.Mark().line + 1, key, value, problem));
  }
  YAML::Node require(const YAML::Node &parent, const std::string &name,
                     const std::string &parent_key) const {
    const YAML::Node node = parent[name];
    if (!node.IsDefined())
      throw InputError(fmt::format("{}: missing key `{}`", path_,
                                   parent_key.empty() ? name : parent_key + "." + name));
    return node;
  }
  YAML::Node sequence(const YAML::Node &node, const std::string &key, std::size_t size = 0) const {
    if (!node.IsSequence() || (size > 0 && node.size() != size))
      fail(node, key, size > 0 ? fmt::format("expected a list of {}", size) : "expected a list");
    return node;
  }
  double number(const YAML::Node &node, const std::string &key) const {
    if (!node.IsScalar())
      fail(node, key, "expected a number");
    std::optional<double> value = parse_double(node.Scalar());
    if (!value) {
      try {
        value = node.as<double>();
      } catch (const YAML::Exception &) {
        fail(node, key, "not a number");
      }
    }
    if (!std::isfinite(*value))
      fail(node, key, "not a finite number");
    return *value;
  }
  int integer(const YAML::Node &node, const std::string &key) const {
    const auto value = node.IsScalar() ? parse_int(node.Scalar()) : std::nullopt;
    if (!value)
      fail(node, key, "expected an integer");
    return static_cast<int>(*value);
  }
  Vec3 vector3(const YAML::Node &node, const std::string &key) const {
    sequence(node, key, 3);
    return {number(node[0], key + "[0]"), number(node[1], key + "[1]"),
            number(node[2], key + "[2]")};
  }
  Mat3 rows3(const YAML::Node &node, const std::string &key) const {
    sequence(node, key, 3);
    Mat3 m;
    for (int i = 0; i < 3; ++i)
      m.row(i) = vector3(node[i], fmt::format("{}[{}]", key, i)).transpose();
    return m;
  }

private:
  // A value on one line, lists as [a, b], maps as {k: v}.
  static std::string flow(const YAML::Node &node) {
    if (node.IsScalar())
      return node.Scalar();
    std::vector<std::string> items;
    for (const auto &item : node)
      items.push_back(node.IsMap() ? flow(item.first) + ": " + flow(item.second) : flow(item));
    const std::string joined = fmt::format("{}", fmt::join(items, ", "));
    return node.IsMap() ? "{" + joined + "}" : "[" + joined + "]";
  }

  std::string path_;
  YAML::Node root_;
};

// ------------------------------------------------------------------------------------------------
// Units: phonopy's default (VASP) set only.
void check_units(const YamlFile &y) {
  const YAML::Node units = y.root()["physical_unit"];
  const std::array<std::pair<const char *, const char *>, 3> expected{
      {{"atomic_mass", "amu"}, {"length", "angstrom"}, {"force_constants", "ev/angstrom^2"}}};
  bool stated = false;
  for (const auto &[key, unit] : expected) {
    const YAML::Node node = units.IsMap() ? units[key] : YAML::Node();
    if (!node.IsDefined())
      continue;
    stated = stated || std::string(key) != "atomic_mass";
    if (!node.IsScalar() || lower(node.Scalar()) != unit)
      y.fail(node, fmt::format("physical_unit.{}", key),
             fmt::format("unsupported unit (ionbath reads phonopy's default {})", unit));
  }
  const YAML::Node calculator =
      y.root()["phonopy"].IsMap() ? y.root()["phonopy"]["calculator"] : YAML::Node();
  if (!stated && calculator.IsDefined() && lower(calculator.Scalar()) != "vasp")
    y.fail(calculator, "phonopy.calculator",
           "its units are not phonopy's default Å, AMU, eV/Å² and `physical_unit` does not state "
           "them");
}

Eigen::Matrix3i supercell_matrix(const YamlFile &y) {
  const YAML::Node node =
      y.sequence(y.require(y.root(), "supercell_matrix", ""), "supercell_matrix", 3);
  Eigen::Matrix3i m;
  for (int i = 0; i < 3; ++i) {
    const auto key = fmt::format("supercell_matrix[{}]", i);
    y.sequence(node[i], key, 3);
    for (int j = 0; j < 3; ++j)
      m(i, j) = y.integer(node[i][j], fmt::format("{}[{}]", key, j));
  }
  if (!m.isDiagonal() || (m.diagonal().array() < 1).any())
    y.fail(node, "supercell_matrix",
           "only a diagonal supercell matrix with positive entries is supported");
  return m;
}

void check_primitive_matrix(const YamlFile &y) {
  const YAML::Node node = y.root()["primitive_matrix"];
  if (!node.IsDefined())
    return;
  if (!node.IsSequence() ||
      (y.rows3(node, "primitive_matrix") - Mat3::Identity()).cwiseAbs().maxCoeff() > 1e-10)
    y.fail(node, "primitive_matrix",
           "only the identity is supported (the unit cell must be the primitive cell)");
}

struct CellData {
  Mat3 lattice_A;                        // columns a1, a2, a3
  std::vector<crystal::BasisAtom> atoms; // Cartesian Å, internal mass
  std::vector<int> reduced_to;           // 0-based, empty if the file has none
};

crystal::BasisAtom parse_point(const YamlFile &y, const YAML::Node &point, const std::string &key,
                               const Mat3 &lattice) {
  crystal::BasisAtom atom;
  const YAML::Node symbol = y.require(point, "symbol", key);
  if (!symbol.IsScalar())
    y.fail(symbol, key + ".symbol", "expected an element symbol");
  atom.species = symbol.Scalar();
  atom.position = lattice * y.vector3(y.require(point, "coordinates", key), key + ".coordinates");
  const double mass_amu = y.number(y.require(point, "mass", key), key + ".mass");
  if (!(mass_amu > 0))
    y.fail(point["mass"], key + ".mass", "masses must be positive (AMU)");
  atom.mass = mass_amu * units::dalton_in_mass_unit; // AMU → meV ps²/Å²
  return atom;
}

CellData parse_cell(const YamlFile &y, const std::string &name) {
  const YAML::Node cell = y.require(y.root(), name, "");
  CellData out;
  out.lattice_A = y.rows3(y.require(cell, "lattice", name), name + ".lattice").transpose();
  if (!(std::abs(out.lattice_A.determinant()) > 1e-12 * std::pow(out.lattice_A.norm(), 3)))
    y.fail(cell["lattice"], name + ".lattice", "the lattice vectors are degenerate");
  const std::string key = name + ".points";
  const YAML::Node points = y.sequence(y.require(cell, "points", name), key);
  if (points.size() == 0)
    y.fail(points, key, "no atoms");
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto point_key = fmt::format("{}[{}]", key, i);
    out.atoms.push_back(parse_point(y, points[i], point_key, out.lattice_A));
    if (const YAML::Node r = points[i]["reduced_to"]; r.IsDefined())
      out.reduced_to.push_back(y.integer(r, point_key + ".reduced_to") - 1);
  }
  if (!out.reduced_to.empty() && out.reduced_to.size() != points.size())
    y.fail(points, key, "`reduced_to` is given for some atoms only");
  return out;
}

void check_supercell_lattice(const YamlFile &y, const CellData &unit, const CellData &super,
                             const Eigen::Matrix3i &m) {
  const Mat3 expected = unit.lattice_A * m.cast<double>();
  if ((expected - super.lattice_A).norm() > 1e-8 * expected.norm())
    y.fail(y.root()["supercell"]["lattice"], "supercell.lattice",
           "not the unit-cell lattice times `supercell_matrix`");
  const auto expected_atoms = static_cast<std::size_t>(m.diagonal().prod()) * unit.atoms.size();
  if (super.atoms.size() != expected_atoms)
    y.fail(y.root()["supercell"]["points"], "supercell.points",
           fmt::format("{} atoms, but {} cells of {} unit-cell atoms hold {}", super.atoms.size(),
                       m.diagonal().prod(), unit.atoms.size(), expected_atoms));
}

// ------------------------------------------------------------------------------------------------
// Force constants in the yaml itself.
StoredForceConstants yaml_force_constants(const YamlFile &y, const YAML::Node &node) {
  StoredForceConstants fc;
  fc.path = y.path();
  const YAML::Node shape =
      y.sequence(y.require(node, "shape", "force_constants"), "force_constants.shape", 2);
  fc.rows = y.integer(shape[0], "force_constants.shape[0]");
  fc.cols = y.integer(shape[1], "force_constants.shape[1]");
  if (fc.rows < 1 || fc.cols < 1)
    y.fail(shape, "force_constants.shape", "expected two positive sizes");
  fc.format = fc.rows == fc.cols ? "full" : "compact";
  if (const YAML::Node format = node["format"];
      format.IsDefined() && (!format.IsScalar() || format.Scalar() != fc.format))
    y.fail(format, "force_constants.format",
           fmt::format("does not match shape [{}, {}] (expected \"{}\")", fc.rows, fc.cols,
                       fc.format));
  const YAML::Node elements = y.require(node, "elements", "force_constants");
  const auto blocks = static_cast<std::size_t>(fc.rows) * static_cast<std::size_t>(fc.cols);
  y.sequence(elements, "force_constants.elements", blocks);
  fc.values.reserve(9 * blocks);
  for (std::size_t k = 0; k < blocks; ++k) {
    const Mat3 block =
        y.rows3(elements[k], fmt::format("force_constants.elements[{}] (block {}, {})", k,
                                         k / fc.cols + 1, k % fc.cols + 1));
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b)
        fc.values.push_back(block(a, b));
  }
  return fc;
}

// FORCE_CONSTANTS text.
class ForceConstantsText {
public:
  explicit ForceConstantsText(const std::string &path) : in_(path) {}

  StoredForceConstants read() {
    StoredForceConstants fc;
    fc.path = in_.path();
    const auto size =
        integers(next("the size line 'rows columns'"), 1, 2, "the size 'rows columns'");
    fc.rows = static_cast<int>(size[0]);
    fc.cols = static_cast<int>(size.size() == 2 ? size[1] : size[0]);
    if (fc.rows < 1 || fc.cols < 1)
      fail(fmt::format("sizes {} × {} must be positive", fc.rows, fc.cols));
    fc.format = fc.rows == fc.cols ? "full" : "compact";
    for (int i = 0; i < fc.rows; ++i)
      for (int j = 0; j < fc.cols; ++j)
        read_block(fc, i, j);
    std::string_view line;
    while (in_.next_line(line))
      if (!Tokens(line).rest().empty())
        fail(fmt::format("unexpected text after the last of {} × {} blocks: '{}'", fc.rows, fc.cols,
                         line.substr(0, 80)));
    return fc;
  }

private:
  [[noreturn]] void fail(const std::string &problem) const {
    throw InputError(fmt::format("{}: line {}: {}", in_.path(), in_.line_number(), problem));
  }
  std::string_view next(const std::string &what) {
    std::string_view line;
    if (!in_.next_line(line))
      throw InputError(fmt::format("{}: truncated: the file ends before {}", in_.path(), what));
    return line;
  }
  std::vector<std::int64_t> integers(std::string_view line, std::size_t min, std::size_t max,
                                     const std::string &what) {
    std::vector<std::int64_t> out;
    Tokens tokens(line);
    std::string_view t;
    while (tokens.next(t)) {
      const auto v = parse_int(t);
      if (!v || out.size() == max)
        fail(fmt::format("expected {}, found '{}'", what, line.substr(0, 80)));
      out.push_back(*v);
    }
    if (out.size() < min)
      fail(fmt::format("expected {}, found '{}'", what, line.substr(0, 80)));
    return out;
  }
  void read_block(StoredForceConstants &fc, int i, int j) {
    const auto what = fmt::format("the header of block ({}, {})", i + 1, j + 1);
    const auto header = integers(next(what), 2, 2, what + " 'atom_i atom_j'");
    const int atom = static_cast<int>(header[0]) - 1;
    if (header[1] != j + 1)
      fail(fmt::format("block header '{} {}': expected column atom {}", header[0], header[1],
                       j + 1));
    if (j == 0)
      fc.row_atoms.push_back(atom);
    if (atom != fc.row_atoms.back() || (fc.format == "full" && atom != i))
      fail(fmt::format("block header '{} {}': expected row atom {}", header[0], header[1],
                       fc.format == "full" ? i + 1 : fc.row_atoms.back() + 1));
    for (int a = 0; a < 3; ++a)
      read_row(fc, a, i, j);
  }
  void read_row(StoredForceConstants &fc, int a, int i, int j) {
    const auto what = fmt::format("row {} of block ({}, {})", a + 1, i + 1, j + 1);
    const std::string_view line = next(what);
    Tokens tokens(line);
    std::string_view t;
    int count = 0;
    bool well_formed = true;
    while (well_formed && tokens.next(t)) {
      const auto v = count < 3 ? parse_double(t) : std::nullopt;
      well_formed = v.has_value();
      if (v && !std::isfinite(*v))
        fail(fmt::format("non-finite force constant '{}' in {}", t, what));
      if (v)
        fc.values.push_back(*v);
      count += well_formed;
    }
    if (!well_formed || count != 3)
      fail(fmt::format("expected three numbers ({}), found '{}'", what, line.substr(0, 80)));
  }

  TextInput in_;
};

// force_constants.hdf5.
StoredForceConstants hdf5_force_constants(const std::string &path) {
  try {
    const H5Input in(path);
    const std::string name = in.exists("force_constants") ? "force_constants"
                             : in.exists("fc2")           ? "fc2"
                                                          : "";
    if (name.empty())
      throw InputError(fmt::format("{}: no dataset `force_constants` (or `fc2`)", path));
    StoredForceConstants fc;
    fc.path = path;
    const Shape shape = in.shape(name);
    if (shape.size() != 4 || shape[2] != 3 || shape[3] != 3)
      throw InputError(
          fmt::format("{}: dataset `{}` has shape ({}), expected (rows, columns, 3, 3)", path, name,
                      fmt::join(shape, ", ")));
    fc.rows = static_cast<int>(shape[0]);
    fc.cols = static_cast<int>(shape[1]);
    fc.format = fc.rows == fc.cols ? "full" : "compact";
    fc.values = in.read_double(name).values;
    if (in.exists("p2s_map")) {
      const Int64Dataset p2s = in.read_int64("p2s_map");
      if (p2s.shape.size() != 1)
        throw InputError(fmt::format("{}: dataset `p2s_map` must be one-dimensional", path));
      fc.row_atoms.assign(p2s.values.begin(), p2s.values.end());
    }
    if (in.exists("physical_unit") && lower(in.read_string("physical_unit")) != "ev/angstrom^2")
      throw InputError(fmt::format("{}: `physical_unit` = {}: unsupported unit (ionbath reads "
                                   "phonopy's default eV/angstrom^2)",
                                   path, in.read_string("physical_unit")));
    return fc;
  } catch (const Hdf5Error &e) {
    throw InputError(fmt::format("{}: cannot read force constants: {}", path, e.what()));
  }
}

bool is_hdf5(const std::string &path) {
  static constexpr char signature[8] = {'\x89', 'H', 'D', 'F', '\r', '\n', '\x1a', '\n'};
  char head[8] = {};
  std::ifstream in(path, std::ios::binary);
  in.read(head, 8);
  return in.gcount() == 8 && std::equal(head, head + 8, signature);
}

StoredForceConstants force_constants_file(const std::string &path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    throw InputError(fmt::format("{}: cannot read force constants: no such file", path));
  return is_hdf5(path) ? hdf5_force_constants(path) : ForceConstantsText(path).read();
}

// phonopy.load's order: explicit file, the yaml's own, FORCE_CONSTANTS, force_constants.hdf5.
StoredForceConstants stored_force_constants(const YamlFile &y, const std::string &explicit_path) {
  if (!explicit_path.empty())
    return force_constants_file(explicit_path);
  if (const YAML::Node node = y.root()["force_constants"]; node.IsDefined())
    return yaml_force_constants(y, node);
  const fs::path dir = fs::path(y.path()).parent_path();
  for (const char *name : {"FORCE_CONSTANTS", "force_constants.hdf5"})
    if (std::error_code ec; fs::is_regular_file(dir / name, ec))
      return force_constants_file((dir / name).string());
  throw InputError(fmt::format(
      "{}: no force constants: no key `force_constants`, and neither FORCE_CONSTANTS nor "
      "force_constants.hdf5 beside it (from FORCE_SETS, let phonopy write them: phonopy --writefc)",
      y.path()));
}

// ------------------------------------------------------------------------------------------------
// The representatives (p2s_map): the file's rows if it says, else the yaml's `reduced_to`, else
// the first supercell atom of each unit-cell atom.
std::vector<int> representatives(const StoredForceConstants &fc, const CellData &super,
                                 const crystal::SupercellAtomMap &map, int n_unit) {
  const int n = static_cast<int>(map.basis.size());
  std::vector<int> p2s;
  if (!fc.row_atoms.empty() && (fc.format == "compact" || int(fc.row_atoms.size()) == n_unit)) {
    if (static_cast<int>(fc.row_atoms.size()) != n_unit)
      throw InputError(fmt::format("{}: p2s_map has {} entries for {} unit-cell atoms", fc.path,
                                   fc.row_atoms.size(), n_unit));
    p2s = fc.row_atoms;
  } else {
    p2s.assign(std::size_t(n_unit), -1);
    for (int i = n - 1; i >= 0; --i)
      p2s[std::size_t(map.basis[std::size_t(i)])] =
          super.reduced_to.empty() ? i : super.reduced_to[std::size_t(i)];
  }
  for (int b = 0; b < n_unit; ++b) {
    const int s = p2s[std::size_t(b)];
    if (s < 0 || s >= n || map.basis[std::size_t(s)] != b)
      throw InputError(
          fmt::format("{}: p2s_map[{}] = {} (row atom {} of the force constants, 1-based): {}",
                      fc.path, b, s, s + 1,
                      s < 0 || s >= n ? fmt::format("outside the {} supercell atoms", n)
                                      : fmt::format("an image of unit-cell atom {}, not {}",
                                                    map.basis[std::size_t(s)] + 1, b + 1)));
  }
  return p2s;
}

// Full 3n × 3n Φ (internal units): compact rows are spread over the supercell translations,
// Φ_{s,j} = Φ_{p2s(b), t(j)} with t the translation taking atom s onto p2s(b) (b the basis of s).
Eigen::MatrixXd full_force_constants(const StoredForceConstants &fc, const std::vector<int> &p2s,
                                     const crystal::SupercellAtomMap &map) {
  const int n = static_cast<int>(map.basis.size());
  const bool full = fc.format == "full";
  Eigen::MatrixXd phi(3 * n, 3 * n);
  for (int s = 0; s < n; ++s) {
    const int b = map.basis[std::size_t(s)];
    const Cell shift = map.cell[std::size_t(p2s[std::size_t(b)])] - map.cell[std::size_t(s)];
    for (int j = 0; j < n; ++j) {
      const int col =
          full ? j : map.atom(map.cell[std::size_t(j)] + shift, map.basis[std::size_t(j)]);
      const double *block = fc.values.data() + 9 * (std::size_t(full ? s : b) * fc.cols + col);
      for (int a = 0; a < 3; ++a)
        for (int c = 0; c < 3; ++c)
          phi(3 * s + a, 3 * j + c) = units::meV_per_eV * block[3 * a + c]; // eV/Å² → meV/Å²
    }
  }
  return phi;
}

void check_force_constants(const StoredForceConstants &fc, int n_super, int n_unit) {
  if (fc.cols != n_super || (fc.rows != n_super && fc.rows != n_unit))
    throw InputError(fmt::format(
        "{}: force constants of shape ({}, {}) do not fit the yaml's {} supercell atoms ({} in "
        "the unit cell): expected ({}, {}) or ({}, {})",
        fc.path, fc.rows, fc.cols, n_super, n_unit, n_super, n_super, n_unit, n_super));
  if (fc.values.size() != 9 * std::size_t(fc.rows) * std::size_t(fc.cols))
    throw InputError(fmt::format("{}: {} force-constant values for shape ({}, {}, 3, 3)", fc.path,
                                 fc.values.size(), fc.rows, fc.cols));
  for (std::size_t k = 0; k < fc.values.size(); ++k)
    if (!std::isfinite(fc.values[k]))
      throw InputError(fmt::format("{}: force constant ({}, {}, {}, {}) = {} is not finite",
                                   fc.path, k / 9 / fc.cols + 1, k / 9 % fc.cols + 1, k / 3 % 3 + 1,
                                   k % 3 + 1, fc.values[k]));
}

std::vector<std::string> warnings(const YamlFile &y) {
  std::vector<std::string> out;
  const fs::path born = fs::path(y.path()).parent_path() / "BORN";
  if (std::error_code ec; fs::exists(born, ec))
    out.push_back(fmt::format("{}: Born effective charges and the dielectric tensor are not used "
                              "(no non-analytic correction: LO–TO splitting near Γ is missing)",
                              born.string()));
  for (const char *key : {"born_effective_charge", "dielectric_constant"})
    if (y.root()[key].IsDefined())
      out.push_back(
          fmt::format("{}: `{}` is not used (no non-analytic correction)", y.path(), key));
  return out;
}

} // namespace

PhonopyData read_phonopy(const std::string &yaml_path, const std::string &force_constants_path) {
  const YamlFile y(yaml_path);
  check_units(y);
  check_primitive_matrix(y);
  PhonopyData data;
  data.yaml_path = yaml_path;
  data.supercell_matrix = supercell_matrix(y);
  const CellData unit = parse_cell(y, "unit_cell");
  const CellData super = parse_cell(y, "supercell");
  check_supercell_lattice(y, unit, super, data.supercell_matrix);
  auto &sc = data.force_constants;
  sc.cell_vectors_A = unit.lattice_A;
  sc.basis = unit.atoms;
  sc.multiplier = {data.supercell_matrix(0, 0), data.supercell_matrix(1, 1),
                   data.supercell_matrix(2, 2)};
  sc.supercell_atoms = super.atoms;
  crystal::SupercellAtomMap map;
  try {
    map = crystal::map_supercell_atoms(sc);
  } catch (const InputError &e) {
    throw InputError(fmt::format("{}: `supercell.points`: {}", yaml_path, e.what()));
  }
  const StoredForceConstants stored = stored_force_constants(y, force_constants_path);
  const int n_super = data.supercell_atoms(), n_unit = data.unit_cell_atoms();
  check_force_constants(stored, n_super, n_unit);
  sc.representatives = representatives(stored, super, map, n_unit);
  sc.phi = full_force_constants(stored, sc.representatives, map);
  data.force_constants_path = stored.path;
  data.force_constants_format = stored.format;
  data.warnings = warnings(y);
  return data;
}

crystal::Crystal phonopy_crystal(const PhonopyData &data, double symprec_A) {
  const std::string name = fmt::format("phonopy:{}", fs::path(data.yaml_path).filename().string());
  try {
    return crystal::crystal_from_supercell(data.force_constants, name, symprec_A);
  } catch (const InputError &e) {
    throw InputError(
        fmt::format("{} with {}: {}", data.yaml_path, data.force_constants_path, e.what()));
  }
}

} // namespace ionbath::io
