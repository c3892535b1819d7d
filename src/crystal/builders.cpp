#include "ionbath/crystal/builders.hpp"

#include "ionbath/core/error.hpp"

#include <fmt/format.h>

namespace ionbath::crystal {
namespace {

int floor_div(int x, int n) {
  return x >= 0 ? x / n : -((-x + n - 1) / n);
}

} // namespace

Crystal chain(const ChainParameters &p, const units::UnitSystem &units) {
  if (!(p.a > 0))
    throw InputError(fmt::format("chain: spacing must be positive, got {}", p.a));
  if (p.confinement < 0 || p.k_parallel < 0 || p.k_perp < 0)
    throw InputError(fmt::format("chain: confinement {}, k_parallel {}, k_perp {} must be ≥ 0",
                                 p.confinement, p.k_parallel, p.k_perp));
  Mat3 lattice;
  lattice.col(0) = p.a * Vec3::UnitZ();
  lattice.col(1) = p.a * Vec3::UnitX();
  lattice.col(2) = p.a * Vec3::UnitY();
  const Mat3 spring =
      -units.energy_in(1.0) * Vec3(p.k_perp, p.k_perp, p.k_parallel).asDiagonal().toDenseMatrix();
  std::vector<Bond> bonds;
  if (!spring.isZero())
    bonds = {{Cell(1, 0, 0), spring}, {Cell(-1, 0, 0), spring}};
  const Mat3 kappa = units.energy_in(p.confinement) * Mat3::Identity();
  return Crystal(lattice, {BasisAtom{Vec3::Zero(), p.mass, "X"}}, std::move(bonds), {kappa},
                 fmt::format("chain(a={},kappa={},k_par={},k_perp={})", p.a, p.confinement,
                             p.k_parallel, p.k_perp),
                 units);
}

Crystal seed001_chain(double nu, double omega_parallel, double omega_perp) {
  return chain({2.0, 1.0, nu * nu, omega_parallel * omega_parallel, omega_perp * omega_perp},
               units::seed001_units());
}

Crystal seed001_cubic(double k1, double k2) {
  const Crystal plain = Crystal::simple_cubic(2.0, 1.0, k1, k2);
  const units::UnitSystem u = units::seed001_units();
  std::vector<Bond> bonds = plain.bonds();
  for (Bond &b : bonds)
    b.phi *= u.energy_in(1.0);
  return Crystal(plain.lattice_vectors(), plain.basis(), std::move(bonds), {},
                 fmt::format("seed001-cubic(k1={},k2={})", k1, k2), u);
}

Crystal seed003_chain(double alpha, double omega_fast) {
  return chain({alpha, 1.0, 1.0, (omega_fast * omega_fast - 1.0) / 4.0, 0.0},
               units::seed003_units());
}

Crystal rocksalt(double a, double mass_a, double mass_b, double k1, double k2) {
  Mat3 fcc; // columns in units of a
  fcc << 0, 1, 1, 1, 0, 1, 1, 1, 0;
  const Mat3 inverse = fcc.inverse();
  const std::array<Cell, 2> site{Cell(0, 0, 0), Cell(1, 0, 0)};
  std::vector<Bond> bonds;
  for (int from = 0; from < 2; ++from)
    for (int x = -1; x <= 1; ++x)
      for (int y = -1; y <= 1; ++y)
        for (int z = -1; z <= 1; ++z) {
          const Cell d(x, y, z);
          const int shell = (x != 0) + (y != 0) + (z != 0);
          const double k = shell == 1 ? k1 : shell == 2 ? k2 : 0.0;
          if (k == 0)
            continue;
          const Cell target = site[from] + d;
          const int to = ((target.sum() % 2) + 2) % 2; // species by site parity
          const Vec3 offset = inverse * (target - site[to]).cast<double>();
          bonds.push_back({offset.array().round().cast<int>().matrix(),
                           central_spring_block(a * d.cast<double>(), k), from, to});
        }
  return Crystal(
      a * fcc, {BasisAtom{Vec3::Zero(), mass_a, "A"}, BasisAtom{a * Vec3::UnitX(), mass_b, "B"}},
      std::move(bonds), {}, fmt::format("rocksalt(a={},mA={},mB={})", a, mass_a, mass_b));
}

Crystal with_confinement(const Crystal &c, double kappa, const units::UnitSystem &u) {
  if (!(kappa >= 0))
    throw InputError(fmt::format("confinement must be ≥ 0, got {}", kappa));
  std::vector<Mat3> k(c.basis().size(), kappa * Mat3::Identity());
  return Crystal(c.lattice_vectors(), c.basis(), c.bonds(), kappa > 0 ? k : std::vector<Mat3>{},
                 kappa > 0 ? fmt::format("{}+confinement({})", c.name(), kappa) : c.name(), u);
}

Crystal supercell(const Crystal &c, const GridShape &n) {
  if (n[0] < 1 || n[1] < 1 || n[2] < 1)
    throw InputError(
        fmt::format("supercell: multipliers must be ≥ 1, got {}×{}×{}", n[0], n[1], n[2]));
  const Cell size(n[0], n[1], n[2]);
  const int nb = c.n_basis();
  auto index = [&](const Cell &m, int b) {
    return ((m.z() * n[1] + m.y()) * n[0] + m.x()) * nb + b;
  };
  std::vector<BasisAtom> basis;
  std::vector<Mat3> confinement;
  std::vector<Bond> bonds;
  for (int mz = 0; mz < n[2]; ++mz)
    for (int my = 0; my < n[1]; ++my)
      for (int mx = 0; mx < n[0]; ++mx) {
        const Cell m(mx, my, mz);
        for (int b = 0; b < nb; ++b) {
          BasisAtom atom = c.basis()[static_cast<std::size_t>(b)];
          atom.position = c.equilibrium_position(m, b);
          basis.push_back(atom);
          confinement.push_back(c.confinement(b));
        }
        for (const auto &bond : c.bonds()) {
          const Cell t = m + bond.offset;
          const Cell big(floor_div(t.x(), n[0]), floor_div(t.y(), n[1]), floor_div(t.z(), n[2]));
          const Cell sub = t - big.cwiseProduct(size);
          bonds.push_back({big, bond.phi, index(m, bond.from), index(sub, bond.to)});
        }
      }
  Mat3 lattice = c.lattice_vectors();
  for (int i = 0; i < 3; ++i)
    lattice.col(i) *= n[i];
  return Crystal(lattice, std::move(basis), std::move(bonds),
                 c.confined() ? confinement : std::vector<Mat3>{},
                 fmt::format("{} supercell {}x{}x{}", c.name(), n[0], n[1], n[2]), c.units());
}

} // namespace ionbath::crystal
