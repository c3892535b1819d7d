#include "ionbath/dissipation/simulated_pass.hpp"

#include "ionbath/core/error.hpp"
#include "ionbath/core/units.hpp"
#include "ionbath/crystal/dynamical_matrix.hpp"
#include "ionbath/dynamics/full_lattice_integrator.hpp"
#include "ionbath/dynamics/interaction_list.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>

namespace ionbath::dissipation {

namespace {
Eigen::VectorXd frequencies(const crystal::DynamicalMatrix &D, const Vec3 &q) {
  return D.branches(q).omega2.cwiseMax(0.0).cwiseSqrt();
}
} // namespace

BandExtremes band_extremes(const crystal::Crystal &crystal) {
  constexpr int n = 32;
  constexpr double h = 1e-4;
  const crystal::DynamicalMatrix D(crystal);
  const auto bonded = crystal.bonded_axes();
  const Mat3 &A = crystal.lattice_vectors();
  std::array<int, 3> count{};
  for (int i = 0; i < 3; ++i)
    count[std::size_t(i)] = bonded[std::size_t(i)] ? n : 1;
  double v_max = 0, omega_max = 0;
  for (int k = 0; k < count[2]; ++k)
    for (int j = 0; j < count[1]; ++j)
      for (int i = 0; i < count[0]; ++i) {
        const Cell index(i, j, k);
        Vec3 q = Vec3::Zero();
        for (int a = 0; a < 3; ++a)
          if (bonded[std::size_t(a)])
            q[a] = 2.0 * units::pi * (index[a] + 0.5) / n - units::pi;
        // ∂Ω/∂q_phys = Σ_a (∂Ω/∂q_a) a_a, since q_a = a_a · q_phys.
        Eigen::MatrixXd slope = Eigen::MatrixXd::Zero(3, 3 * crystal.n_basis());
        for (int a = 0; a < 3; ++a) {
          if (!bonded[std::size_t(a)])
            continue;
          const Vec3 dq = h * Vec3::Unit(a);
          const Eigen::VectorXd d = (frequencies(D, q + dq) - frequencies(D, q - dq)) / (2 * h);
          slope += A.col(a) * d.transpose();
        }
        v_max = std::max(v_max, slope.colwise().norm().maxCoeff());
        omega_max = std::max(omega_max, frequencies(D, q).maxCoeff());
      }
  return {1.05 * v_max, omega_max};
}

EchoCheck echo_check(const crystal::Crystal &crystal, const GridShape &lattice, double path_length,
                     double speed) {
  return echo_check(crystal, lattice, path_length, speed, band_extremes(crystal).group_velocity);
}

EchoCheck echo_check(const crystal::Crystal &crystal, const GridShape &lattice, double path_length,
                     double speed, double group_velocity) {
  const auto bonded = crystal.bonded_axes();
  double period = std::numeric_limits<double>::infinity();
  for (int z = -1; z <= 1; ++z)
    for (int y = -1; y <= 1; ++y)
      for (int x = -1; x <= 1; ++x) {
        const Cell n(x, y, z);
        bool used = n != Cell::Zero();
        Vec3 image = Vec3::Zero();
        for (int a = 0; a < 3; ++a) {
          used = used && (bonded[std::size_t(a)] || n[a] == 0);
          image += double(n[a] * lattice[std::size_t(a)]) * crystal.lattice_vectors().col(a);
        }
        if (used)
          period = std::min(period, image.norm());
      }
  EchoCheck e;
  e.group_velocity = group_velocity;
  e.period_length = period;
  e.echo_time = period / e.group_velocity;
  e.pass_time = path_length / speed;
  return e;
}

dynamics::FullLatticeIntegrator path_integrator(const crystal::Crystal &crystal,
                                                const dynamics::PairPotential &potential,
                                                const PassLayout &layout, const GridShape &lattice,
                                                double dt, double mass, int threads) {
  std::vector<Cell> cells;
  std::vector<int> basis;
  for (const FrameworkAtom &a : layout.atoms) {
    cells.push_back(a.cell);
    basis.push_back(a.basis);
  }
  dynamics::FullLatticeOptions options;
  options.threads = threads;
  return dynamics::FullLatticeIntegrator(
      crystal, lattice, potential, Vec3(0, 0, 1.0 / mass),
      dynamics::InteractionList::fixed(std::move(cells), std::move(basis)), dt, options);
}

SimulatedPass simulate_pass(const crystal::Crystal &crystal,
                            const dynamics::PairPotential &potential, const PassLayout &layout,
                            double speed, const SimulatedPassSettings &settings) {
  if (!(speed > 0))
    throw InputError(fmt::format("simulated pass: the speed must be > 0, got {}", speed));
  auto lattice = path_integrator(crystal, potential, layout, settings.lattice, settings.dt,
                                 settings.mass, settings.threads);
  const Vec3 start = layout.path.point + layout.z_start * Vec3::UnitZ();
  lattice.set_ion_state(start, speed * Vec3::UnitZ());
  // Far more steps than a pass at a tenth of the initial speed takes: a trapped particle stops.
  const double length = layout.z_end - layout.z_start;
  const auto max_steps =
      static_cast<std::int64_t>(std::ceil(10.0 * length / (speed * settings.dt)));
  SimulatedPass out;
  while (lattice.ion_position_A().z() < layout.z_end) {
    lattice.step();
    ++out.steps;
    if (lattice.ion_velocity_A_per_ps().z() <= 0 || out.steps > max_steps) {
      out.reflected = true;
      out.loss = std::numeric_limits<double>::quiet_NaN();
      return out;
    }
  }
  out.final_speed = lattice.ion_velocity_A_per_ps().z();
  out.loss = 0.5 * settings.mass * (speed * speed - out.final_speed * out.final_speed);
  const dynamics::FullEnergy e = lattice.energy();
  out.lattice_energy = e.lattice_kinetic + e.lattice_potential;
  return out;
}

} // namespace ionbath::dissipation
