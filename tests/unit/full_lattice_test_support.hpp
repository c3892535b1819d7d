#pragma once
// Shared code of the full-lattice tests: the seed 002 lattice and ion, the energy error of a
// symplectic run, and the readable whole-lattice RK5 reference the fast integrator is compared
// against.
#include "ionbath/dynamics/full_lattice_integrator.hpp"
#include "ionbath/dynamics/interaction_list.hpp"

#include <algorithm>
#include <cmath>
#include <span>
#include <utility>
#include <vector>

namespace ionbath::dynamics::support {

// The seed 002 framework (a = 3 Å, m = 3.5, k1 = 520, k2 = 170) and ion (Yukawa 4000 meV, 0.5 Å,
// inverse mass 1/0.7 on every axis).
constexpr double kSpacing_A = 3.0;
inline const crystal::Crystal kSeedCubic =
    crystal::Crystal::simple_cubic(kSpacing_A, 3.5, 520.0, 170.0);
inline const Yukawa kSeedIon(4000.0, 0.5);
inline const Vec3 kFreeIon = Vec3::Constant(1 / 0.7);

// max_k |x_k − y_k| (fields of the same length).
inline double max_abs_difference(std::span<const double> x, std::span<const double> y) {
  double d = 0;
  for (std::size_t k = 0; k < std::min(x.size(), y.size()); ++k)
    d = std::max(d, std::abs(x[k] - y[k]));
  return d;
}

// Largest |E − E0| in the first and in the last quarter of `blocks` blocks of `steps` steps each.
struct EnergyErrorQuarters {
  double first = 0, last = 0;
};

inline EnergyErrorQuarters energy_error_quarters(FullLatticeIntegrator &full, int blocks = 200,
                                                 int steps = 100) {
  const double E0 = full.energy().total();
  std::vector<double> error;
  for (int block = 0; block < blocks; ++block) {
    full.advance(steps);
    error.push_back(std::abs(full.energy().total() - E0));
  }
  const auto quarter = static_cast<std::ptrdiff_t>(blocks / 4);
  return {*std::max_element(error.begin(), error.begin() + quarter),
          *std::max_element(error.end() - quarter, error.end())};
}

// The full equations of motion (physics.md §4.1) integrated by the RK5 of §0.4 in the plainest
// form: the whole state y = (r, ṙ, R, Ṙ) in one vector (r, ṙ in DOF order 3 (n_b lin(n) + b) + c),
// −V r summed bond by bond (§1.1), the six stages written out. Slow, for tests only.
class ReferenceFullLattice {
public:
  ReferenceFullLattice(const crystal::Crystal &crystal, GridShape g, const PairPotential &U,
                       const Vec3 &ion_inverse_mass, InteractionList list, double dt)
      : crystal_(crystal), g_(g), U_(U), inverse_mass_(ion_inverse_mass), list_(std::move(list)),
        inverse_A_(crystal.lattice_vectors().inverse()), dt_(dt),
        y_(Eigen::VectorXd::Zero(6 * atoms() + 6)) {}

  void set_state(std::span<const double> r, std::span<const double> rdot, const Vec3 &R,
                 const Vec3 &Rdot) {
    const Eigen::Index n = 3 * atoms();
    y_.head(n) = Eigen::Map<const Eigen::VectorXd>(r.data(), n);
    y_.segment(n, n) = Eigen::Map<const Eigen::VectorXd>(rdot.data(), n);
    y_.segment<3>(2 * n) = R;
    y_.segment<3>(2 * n + 3) = Rdot;
  }

  // y ← y + δt Σ b_i k_i, k_i = f(y + δt Σ_j a_ij k_j) with Butcher's tableau (physics.md §0.4).
  void step() {
    const double h = dt_;
    const Eigen::VectorXd k1 = rhs(y_);
    const Eigen::VectorXd k2 = rhs(y_ + h * (k1 / 4));
    const Eigen::VectorXd k3 = rhs(y_ + h * (k1 / 8 + k2 / 8));
    const Eigen::VectorXd k4 = rhs(y_ + h * (-k2 / 2 + k3));
    const Eigen::VectorXd k5 = rhs(y_ + h * (3 * k1 / 16 + 9 * k4 / 16));
    const Eigen::VectorXd k6 =
        rhs(y_ + h * (-3 * k1 / 7 + 2 * k2 / 7 + 12 * k3 / 7 - 12 * k4 / 7 + 8 * k5 / 7));
    y_ += h * (7 * k1 + 32 * k3 + 12 * k4 + 32 * k5 + 7 * k6) / 90;
  }

  std::int64_t atoms() const { return grid_points(g_) * crystal_.n_basis(); }
  Eigen::VectorXd r() const { return y_.head(3 * atoms()); }
  Eigen::VectorXd rdot() const { return y_.segment(3 * atoms(), 3 * atoms()); }
  Vec3 R() const { return y_.segment<3>(6 * atoms()); }
  Vec3 Rdot() const { return y_.segment<3>(6 * atoms() + 3); }

private:
  // Atom (wrap(n), b) in DOF order.
  std::int64_t atom(const Cell &n, int b) const {
    auto w = [](int i, int m) { return ((i % m) + m) % m; };
    const std::int64_t cell = w(n.x(), g_[0]) + g_[0] * (w(n.y(), g_[1]) + g_[1] * w(n.z(), g_[2]));
    return crystal_.n_basis() * cell + b;
  }
  Vec3 minimum_image(const Vec3 &s) const {
    Vec3 f = inverse_A_ * s;
    for (int axis = 0; axis < 3; ++axis)
      f[axis] -= g_[axis] * std::floor(f[axis] / g_[axis] + 0.5);
    return crystal_.lattice_vectors() * f;
  }
  // The pairs (atom, separation x_{nb} − R) of S (physics.md §4.1): a fixed list literally, the
  // moving corners around ⌈A⁻¹R⌉ and the cutoff (every atom of the lattice tested) by minimum
  // image.
  std::vector<std::pair<std::int64_t, Vec3>> pairs(const Eigen::VectorXd &r, const Vec3 &R) const {
    std::vector<std::pair<std::int64_t, Vec3>> out;
    auto x = [&](const Cell &n, int b) -> Vec3 { // (not an Eigen expression of temporaries)
      return crystal_.equilibrium_position(n, b) + Vec3(r.segment<3>(3 * atom(n, b))) - R;
    };
    using Kind = InteractionList::Kind;
    if (list_.kind() == Kind::fixed) {
      for (std::size_t i = 0; i < list_.sites().size(); ++i)
        out.emplace_back(atom(list_.sites()[i], list_.basis_of(i)),
                         x(list_.sites()[i], list_.basis_of(i)));
    } else if (list_.kind() == Kind::corners) {
      const Cell p = anchor_cell(inverse_A_, R);
      for (const Cell &o : list_.box_offsets(inverse_A_))
        out.emplace_back(atom(p + o, 0), minimum_image(x(p + o, 0)));
    } else {
      for (int z = 0; z < g_[2]; ++z)
        for (int y = 0; y < g_[1]; ++y)
          for (int xx = 0; xx < g_[0]; ++xx)
            for (int b = 0; b < crystal_.n_basis(); ++b) {
              const Vec3 s = minimum_image(x(Cell(xx, y, z), b));
              if (s.norm() < list_.radius_A())
                out.emplace_back(atom(Cell(xx, y, z), b), s);
            }
    }
    return out;
  }
  // ẏ = (ṙ, (−V r + f)/m, Ṙ, M⁻¹ F) with f_{nb} = −∇U(x_{nb} − R), F = −Σ_S f (physics.md §4.1).
  Eigen::VectorXd rhs(const Eigen::VectorXd &y) const {
    const Eigen::Index n = 3 * atoms();
    const Eigen::VectorXd r = y.head(n);
    const Vec3 R = y.segment<3>(2 * n);
    Eigen::VectorXd force = Eigen::VectorXd::Zero(n);
    for (int z = 0; z < g_[2]; ++z)
      for (int yy = 0; yy < g_[1]; ++yy)
        for (int x = 0; x < g_[0]; ++x) {
          const Cell c(x, yy, z);
          for (int b = 0; b < crystal_.n_basis(); ++b)
            force.segment<3>(3 * atom(c, b)) -=
                crystal_.onsite_block(b) * r.segment<3>(3 * atom(c, b));
          for (const auto &bond : crystal_.bonds())
            force.segment<3>(3 * atom(c, bond.from)) -=
                bond.phi * r.segment<3>(3 * atom(c + bond.offset, bond.to));
        }
    Vec3 ion_force = Vec3::Zero();
    for (const auto &[i, s] : pairs(r, R)) {
      force.segment<3>(3 * i) -= U_.gradient(s);
      ion_force += U_.gradient(s);
    }
    Eigen::VectorXd dy(y.size());
    dy.head(n) = y.segment(n, n);
    for (std::int64_t i = 0; i < atoms(); ++i)
      dy.segment<3>(n + 3 * i) =
          force.segment<3>(3 * i) / crystal_.basis()[i % crystal_.n_basis()].mass;
    dy.segment<3>(2 * n) = y.segment<3>(2 * n + 3);
    dy.segment<3>(2 * n + 3) = inverse_mass_.cwiseProduct(ion_force);
    return dy;
  }

  const crystal::Crystal &crystal_;
  GridShape g_;
  const PairPotential &U_;
  Vec3 inverse_mass_;
  InteractionList list_;
  Mat3 inverse_A_;
  double dt_;
  Eigen::VectorXd y_;
};

} // namespace ionbath::dynamics::support
