#include "ionbath/crystal/force_constants.hpp"

#include "ionbath/core/error.hpp"

#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <map>
#include <tuple>

namespace ionbath::crystal {
namespace {

int wrap(int x, int n) {
  return ((x % n) + n) % n;
}

Mat3 supercell_vectors(const SupercellForceConstants &fc) {
  Mat3 s = fc.cell_vectors_A;
  for (int k = 0; k < 3; ++k)
    s.col(k) *= fc.multiplier[static_cast<std::size_t>(k)];
  return s;
}

// Slot of cell L (wrapped into the supercell) and basis atom b, 0 … n − 1.
int slot(const Cell &L, int b, const GridShape &n, int n_basis) {
  return ((wrap(L.z(), n[2]) * n[1] + wrap(L.y(), n[1])) * n[0] + wrap(L.x(), n[0])) * n_basis + b;
}

// The basis atom b and cell L with r = A L + τ_b within tolerance_A; throws unless exactly one.
std::pair<int, Cell> locate(const SupercellForceConstants &fc, const Mat3 &inverse, int atom,
                            double tolerance_A) {
  const Vec3 &r = fc.supercell_atoms[static_cast<std::size_t>(atom)].position;
  int found = -1, matches = 0;
  Cell cell = Cell::Zero();
  for (std::size_t b = 0; b < fc.basis.size(); ++b) {
    const Vec3 f = inverse * (r - fc.basis[b].position);
    const Vec3 L = f.array().round().matrix();
    if ((fc.cell_vectors_A * (f - L)).norm() < tolerance_A) {
      found = static_cast<int>(b);
      cell = L.cast<int>();
      ++matches;
    }
  }
  if (matches != 1)
    throw InputError(fmt::format(
        "supercell atom {} at ({:.6f}, {:.6f}, {:.6f}) Å is a lattice translate of {} unit-cell "
        "atoms (tolerance {} Å), expected exactly one",
        atom + 1, r.x(), r.y(), r.z(), matches, tolerance_A));
  return {found, cell};
}

void check_same_atom(const BasisAtom &super, const BasisAtom &unit, int atom, int b) {
  if (std::abs(super.mass - unit.mass) > 1e-8 * unit.mass || super.species != unit.species)
    throw InputError(fmt::format("supercell atom {} ({}, mass {}) sits on unit-cell atom {} ({}, "
                                 "mass {}) but differs from it",
                                 atom + 1, super.species, super.mass, b + 1, unit.species,
                                 unit.mass));
}

void check_sizes(const SupercellForceConstants &fc) {
  const auto &n = fc.multiplier;
  if (fc.basis.empty() || n[0] < 1 || n[1] < 1 || n[2] < 1)
    throw InputError(fmt::format("supercell force constants: {} unit-cell atoms, multiplier "
                                 "{}×{}×{} (need ≥ 1 atom and multipliers ≥ 1)",
                                 fc.basis.size(), n[0], n[1], n[2]));
  const auto atoms = static_cast<std::int64_t>(fc.supercell_atoms.size());
  if (atoms != grid_points(n) * static_cast<std::int64_t>(fc.basis.size()))
    throw InputError(fmt::format("supercell has {} atoms, but {}×{}×{} cells of {} atoms hold {}",
                                 atoms, n[0], n[1], n[2], fc.basis.size(),
                                 grid_points(n) * std::int64_t(fc.basis.size())));
}

void check_phi(const SupercellForceConstants &fc) {
  const auto n3 = 3 * static_cast<Eigen::Index>(fc.supercell_atoms.size());
  if (fc.phi.rows() != n3 || fc.phi.cols() != n3)
    throw InputError(fmt::format("force constants are {}×{}, expected 3n × 3n = {}×{}",
                                 fc.phi.rows(), fc.phi.cols(), n3, n3));
  if (!fc.phi.allFinite())
    throw InputError("force constants: not all finite");
}

// The supercell atom whose row of Φ defines the bonds of each basis atom.
std::vector<int> representatives(const SupercellForceConstants &fc, const SupercellAtomMap &map) {
  const int nb = static_cast<int>(fc.basis.size());
  const int n = static_cast<int>(map.basis.size());
  std::vector<int> rep = fc.representatives;
  if (rep.empty()) {
    rep.assign(std::size_t(nb), -1);
    for (int i = n - 1; i >= 0; --i)
      rep[std::size_t(map.basis[std::size_t(i)])] = i;
  }
  if (static_cast<int>(rep.size()) != nb)
    throw InputError(
        fmt::format("{} representatives (p2s_map) for {} unit-cell atoms", rep.size(), nb));
  for (int b = 0; b < nb; ++b) {
    const int i = rep[std::size_t(b)];
    if (i < 0 || i >= n || map.basis[std::size_t(i)] != b)
      throw InputError(fmt::format("p2s_map[{}] = {}: not a supercell atom of unit-cell atom {}", b,
                                   i + 1, b + 1));
  }
  return rep;
}

using BondKey = std::tuple<int, int, int, int, int>; // from, to, L
BondKey key(const Bond &b) {
  return {b.from, b.to, b.offset.x(), b.offset.y(), b.offset.z()};
}
bool exactly_zero(const Mat3 &m) {
  return (m.array() == 0.0).all();
}

// Leaves out pairs Φ_bb'(L), Φ_b'b(−L) that are both exactly zero (a supercell larger than the
// interaction range has many).
std::vector<Bond> without_vanishing_pairs(std::vector<Bond> bonds) {
  std::map<BondKey, std::size_t> index;
  for (std::size_t k = 0; k < bonds.size(); ++k)
    index[key(bonds[k])] = k;
  std::vector<Bond> kept;
  for (const Bond &b : bonds) {
    const auto partner = index.find({b.to, b.from, -b.offset.x(), -b.offset.y(), -b.offset.z()});
    const bool partner_zero = partner == index.end() || exactly_zero(bonds[partner->second].phi);
    if (!(exactly_zero(b.phi) && partner_zero))
      kept.push_back(b);
  }
  return kept;
}

} // namespace

SupercellAtomMap map_supercell_atoms(const SupercellForceConstants &fc, double tolerance_A) {
  check_sizes(fc);
  const int nb = static_cast<int>(fc.basis.size());
  const int n = static_cast<int>(fc.supercell_atoms.size());
  const Mat3 inverse = fc.cell_vectors_A.inverse();
  SupercellAtomMap map;
  map.multiplier = fc.multiplier;
  std::vector<int> &occupant = map.atom_at_slot;
  occupant.assign(std::size_t(n), -1);
  for (int i = 0; i < n; ++i) {
    const auto [b, L] = locate(fc, inverse, i, tolerance_A);
    check_same_atom(fc.supercell_atoms[std::size_t(i)], fc.basis[std::size_t(b)], i, b);
    int &other = occupant[std::size_t(slot(L, b, fc.multiplier, nb))];
    if (other >= 0)
      throw InputError(fmt::format("supercell atoms {} and {} are the same atom (unit-cell atom {} "
                                   "in cell ({}, {}, {}) modulo the supercell)",
                                   other + 1, i + 1, b + 1, L.x(), L.y(), L.z()));
    other = i;
    map.basis.push_back(b);
    map.cell.push_back(L);
  }
  return map;
}

int SupercellAtomMap::atom(const Cell &L, int b) const {
  const int n_basis = static_cast<int>(atom_at_slot.size() / std::size_t(grid_points(multiplier)));
  return atom_at_slot[std::size_t(slot(L, b, multiplier, n_basis))];
}

std::vector<Cell> shortest_images(const Vec3 &v, const Mat3 &s, double symprec_A) {
  const Mat3 inverse = s.inverse();
  const Cell start = -(inverse * v).array().round().cast<int>().matrix();
  const double reach = 2 * (v + s * start.cast<double>()).norm() + symprec_A;
  Cell box;
  for (int k = 0; k < 3;
       ++k) // |T_k − start_k| ≤ |row k of S⁻¹| |S (T − start)|, |S(T − start)| ≤ reach
    box[k] = static_cast<int>(std::floor(reach * inverse.row(k).norm()));
  std::vector<std::pair<double, Cell>> candidates;
  double shortest = std::numeric_limits<double>::infinity();
  for (int x = -box.x(); x <= box.x(); ++x)
    for (int y = -box.y(); y <= box.y(); ++y)
      for (int z = -box.z(); z <= box.z(); ++z) {
        const Cell T = start + Cell(x, y, z);
        const double length = (v + s * T.cast<double>()).norm();
        shortest = std::min(shortest, length);
        candidates.emplace_back(length, T);
      }
  std::vector<Cell> images;
  for (const auto &[length, T] : candidates)
    if (length - shortest < symprec_A)
      images.push_back(T);
  return images;
}

// physics.md §12.2: Φ_bb'(L) = Φ_{r_b, j} / multiplicity on every shortest image L of j.
std::vector<Bond> folded_bonds(const SupercellForceConstants &fc, double symprec_A) {
  const SupercellAtomMap map = map_supercell_atoms(fc, symprec_A);
  check_phi(fc);
  const std::vector<int> rep = representatives(fc, map);
  const Mat3 s = supercell_vectors(fc);
  const Cell n(fc.multiplier[0], fc.multiplier[1], fc.multiplier[2]);
  std::vector<Bond> bonds;
  for (int b = 0; b < static_cast<int>(fc.basis.size()); ++b) {
    const int i = rep[std::size_t(b)];
    const Vec3 &tau = fc.basis[std::size_t(b)].position;
    for (std::size_t j = 0; j < map.basis.size(); ++j) {
      const int b2 = map.basis[j];
      const Cell L0 = map.cell[j] - map.cell[std::size_t(i)];
      const Vec3 v =
          fc.cell_vectors_A * L0.cast<double>() + fc.basis[std::size_t(b2)].position - tau;
      const std::vector<Cell> images = shortest_images(v, s, symprec_A);
      const Mat3 phi = fc.phi.block<3, 3>(3 * i, 3 * static_cast<Eigen::Index>(j)) /
                       static_cast<double>(images.size());
      for (const Cell &T : images)
        bonds.push_back({L0 + n.cwiseProduct(T), phi, b, b2});
    }
  }
  return without_vanishing_pairs(std::move(bonds));
}

Crystal crystal_from_supercell(const SupercellForceConstants &fc, std::string name,
                               double symprec_A, units::UnitSystem units) {
  return Crystal(fc.cell_vectors_A, fc.basis, folded_bonds(fc, symprec_A), {}, std::move(name),
                 std::move(units));
}

} // namespace ionbath::crystal
