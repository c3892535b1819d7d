#include "ionbath/dissipation/pass_geometry.hpp"

#include "ionbath/core/error.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <fmt/format.h>

namespace ionbath::dissipation {

namespace {
constexpr std::array<std::pair<PassGeometry, std::string_view>, 5> kNames{{
    {PassGeometry::single, "single"},
    {PassGeometry::square, "square"},
    {PassGeometry::cube, "cube"},
    {PassGeometry::line8, "line8"},
    {PassGeometry::chain, "chain"},
}};

// Positions in units of α (physics.md §6.5 table).
std::vector<Vec3> positions_in_spacings(PassGeometry g) {
  std::vector<Vec3> p;
  switch (g) {
  case PassGeometry::single:
  case PassGeometry::chain:
    p.push_back(Vec3::Zero());
    break;
  case PassGeometry::square:
  case PassGeometry::cube:
    for (int z = 0; z <= (g == PassGeometry::cube ? 1 : 0); ++z)
      for (int y = 0; y <= 1; ++y)
        for (int x = 0; x <= 1; ++x)
          p.emplace_back(x, y, z);
    break;
  case PassGeometry::line8:
    for (int j = 0; j < 8; ++j)
      p.emplace_back(0, 0, j);
    break;
  }
  return p;
}

// The site (cell, basis atom) at Cartesian position x, or an InputError.
FrameworkAtom site_at(const crystal::Crystal &crystal, const Vec3 &x, PassGeometry g) {
  const Mat3 inverse = crystal.lattice_vectors().inverse();
  const auto bonded = crystal.bonded_axes();
  for (int b = 0; b < crystal.n_basis(); ++b) {
    const Vec3 f = inverse * (x - crystal.basis()[std::size_t(b)].position);
    const Vec3 rounded = f.array().round();
    bool on_lattice = (f - rounded).cwiseAbs().maxCoeff() < 1e-9;
    for (int i = 0; i < 3; ++i)
      on_lattice = on_lattice && (bonded[std::size_t(i)] || rounded[i] == 0);
    if (on_lattice)
      return {rounded.cast<int>(), b};
  }
  throw InputError(fmt::format(
      "loss.geometry = \"{}\": the position ({:.4g}, {:.4g}, {:.4g}) of its framework atoms is "
      "not a lattice site of the crystal '{}' (a chain holds only the geometries \"chain\" "
      "and \"line8\")",
      to_string(g), x.x(), x.y(), x.z(), crystal.name()));
}
} // namespace

std::string_view to_string(PassGeometry g) {
  for (const auto &[value, name] : kNames)
    if (value == g)
      return name;
  return "single";
}

PassGeometry parse_pass_geometry(const std::string &name, std::string_view key) {
  for (const auto &[value, text] : kNames)
    if (text == name)
      return value;
  throw InputError(fmt::format("{} = \"{}\": unknown geometry (allowed: \"single\", \"square\", "
                               "\"cube\", \"line8\", \"chain\")",
                               key, name));
}

PassLayout pass_layout(const crystal::Crystal &crystal, PassGeometry g, double offset,
                       double lambda) {
  PassLayout layout;
  layout.spacing = crystal.lattice_vectors().col(0).norm();
  const double a = layout.spacing;
  double z_min = 0, z_max = 0;
  for (const Vec3 &p : positions_in_spacings(g)) {
    layout.atoms.push_back(site_at(crystal, a * p, g));
    z_min = std::min(z_min, a * p.z());
    z_max = std::max(z_max, a * p.z());
  }
  const bool centred = g == PassGeometry::square || g == PassGeometry::cube;
  layout.path.point = centred ? Vec3(a / 2, a / 2 + offset, 0) : Vec3(0, offset, 0);
  layout.path.direction = Vec3::UnitZ();
  layout.z_start = z_min - 7.0 * lambda;
  layout.z_end = z_max + 7.0 * lambda;
  return layout;
}

} // namespace ionbath::dissipation
