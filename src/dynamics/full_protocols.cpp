#include "ionbath/dynamics/full_protocols.hpp"

#include "ionbath/bath/bath_field.hpp"
#include "ionbath/core/error.hpp"
#include "ionbath/crystal/dynamical_matrix.hpp"
#include "ionbath/dynamics/time_local_integrator.hpp"

#include <cmath>
#include <fmt/format.h>

namespace ionbath::dynamics {

namespace {
// Signed 1D derivatives of U(x) = u(|x|) (physics.md §3.5): U'(x) = u'(|x|) sign x, U'' = u''.
struct Scalar1D {
  const Yukawa &U;
  double first(double x) const { return U.radial(std::abs(x)).first * (x < 0 ? -1.0 : 1.0); }
  double second(double x) const { return U.radial(std::abs(x)).second; }
};
} // namespace

ReflectionResult run_reflection(const crystal::Crystal &crystal, const ReflectionParams &p,
                                double w, double l) {
  if (!(p.speed_A_per_ps > 0) || !(p.dt_ps > 0) || p.lattice_n < 2)
    throw InputError("reflection protocol: speed, δt must be positive and the lattice ≥ 2³");
  const Yukawa U(p.U0_meV_A, p.screening_length_A);
  const int n = p.lattice_n;
  FullLatticeIntegrator full(crystal, {n, n, n}, U, Vec3(0, 0, 1 / p.ion_mass),
                             InteractionList::fixed({Cell::Zero()}), p.dt_ps, p.options);
  full.set_ion_state(Vec3(0, 0, -p.start_in_lengths * p.screening_length_A),
                     Vec3(0, 0, p.speed_A_per_ps));
  const double t_max =
      p.duration_factor * p.start_in_lengths * p.screening_length_A / p.speed_A_per_ps;
  const auto states = static_cast<std::int64_t>(std::floor(t_max / p.dt_ps));

  ReflectionResult out;
  out.w_A2_per_meV = w;
  out.l_ps_A2_per_meV = l;
  const crystal::DynamicalMatrix D(crystal);
  double v_max = 0;
  for (const Vec3 &dir : {Vec3(1, 0, 0), Vec3(1, 1, 0).normalized(), Vec3(1, 1, 1).normalized()})
    v_max = std::max(v_max, D.sound_speeds(dir).maxCoeff());
  out.signal_wrap_time_ps =
      0.5 * n * crystal.lattice_vectors().col(0).norm() / v_max; // cubic-axis half box
  const std::array<Cell, 3> far{Cell(n / 2, 0, 0), Cell(0, n / 2, 0), Cell(0, 0, n / 2)};

  const Scalar1D u{U};
  for (std::int64_t k = 0; k < states; ++k) {
    if (k > 0)
      full.step();
    const double r = full.displacement_A(Cell::Zero()).z();
    const double rdot = full.velocity_A_per_ps(Cell::Zero()).z();
    const double R = full.ion_position_A().z();
    const double Rdot = full.ion_velocity_A_per_ps().z();
    out.t_ps.push_back(full.time_ps());
    out.atom_r_A.push_back(r);
    out.atom_v_A_per_ps.push_back(rdot);
    out.ion_R_A.push_back(R);
    out.ion_Rdot_A_per_ps.push_back(Rdot);
    // Eq. 25 and its quasistatic / homogeneous (Eq. 26) reductions.
    const double x = r - R;
    const double r_tl = -w * u.first(x) + l * u.second(x) * (rdot - Rdot);
    const double r_qs = -w * u.first(x) - l * u.second(x) * Rdot;
    const double r_hom = -w * u.first(-R) - l * u.second(-R) * Rdot;
    out.r_time_local_A.push_back(r_tl);
    out.r_quasistatic_A.push_back(r_qs);
    out.r_homogeneous_A.push_back(r_hom);
    out.force_full_meV_per_A.push_back(-u.first(R - r));
    out.force_time_local_meV_per_A.push_back(-u.first(R - r_tl));
    out.force_quasistatic_meV_per_A.push_back(-u.first(R - r_qs));
    out.force_homogeneous_meV_per_A.push_back(-u.first(R - r_hom));
    for (const Cell &c : far)
      out.far_field_max_displacement_A =
          std::max(out.far_field_max_displacement_A, full.displacement_A(c).norm());
  }
  return out;
}

void speed_envelope(const std::vector<double> &t, const std::vector<double> &v,
                    std::vector<double> &peak_t, std::vector<double> &peak_speed) {
  peak_t.clear();
  peak_speed.clear();
  for (std::size_t k = 1; k + 1 < v.size(); ++k) {
    const double s = std::abs(v[k]);
    if (s > std::abs(v[k - 1]) && s >= std::abs(v[k + 1])) {
      peak_t.push_back(t[k]);
      peak_speed.push_back(s);
    }
  }
}

DissipationResult run_dissipation(const crystal::Crystal &crystal, const DissipationParams &p,
                                  const crystal::StaticResponseTable &static_response,
                                  const Mat3 &drag_matrix) {
  if (p.chain_atoms < 1 || !(p.dt_ps > 0) || p.lattice_n < p.chain_atoms)
    throw InputError(fmt::format("dissipation protocol: need ≥ 1 chain atom, δt > 0 and a lattice "
                                 "of at least {} cells",
                                 p.chain_atoms));
  const Yukawa U(p.U0_meV_A, p.screening_length_A);
  std::vector<Cell> chain;
  for (int j = 0; j < p.chain_atoms; ++j)
    chain.emplace_back(0, 0, j);
  const Vec3 inverse_mass(0, 0, 1 / p.ion_mass);
  const Vec3 R0(0, 0, p.start_z_A), Rdot0(0, 0, p.start_speed_A_per_ps);
  const int n = p.lattice_n;

  FullLatticeIntegrator full(crystal, {n, n, n}, U, inverse_mass, InteractionList::fixed(chain),
                             p.dt_ps, p.options);
  full.set_ion_state(R0, Rdot0);
  bath::StaticFramework frame(p.dt_ps);
  TimeLocalIntegrator local(crystal, static_response, drag_matrix, U, frame, inverse_mass,
                            InteractionList::fixed(chain));
  local.set_state(R0, Rdot0);

  auto mechanical_energy = [&](const Vec3 &R, const Vec3 &Rdot) {
    double e = 0.5 * p.ion_mass * Rdot.z() * Rdot.z();
    for (const Cell &c : chain)
      e += U.value(crystal.equilibrium_position(c) - R);
    return e;
  };
  DissipationResult out;
  const auto steps = static_cast<std::int64_t>(std::floor(p.duration_ps / p.dt_ps + 1e-9));
  for (std::int64_t k = 0; k <= steps; ++k) {
    if (k > 0) {
      full.step();
      local.step();
    }
    out.t_ps.push_back(full.time_ps());
    out.z_full_A.push_back(full.ion_position_A().z());
    out.zdot_full_A_per_ps.push_back(full.ion_velocity_A_per_ps().z());
    out.z_time_local_A.push_back(local.position_A().z());
    out.zdot_time_local_A_per_ps.push_back(local.velocity_A_per_ps().z());
    out.energy_full_meV.push_back(
        mechanical_energy(full.ion_position_A(), full.ion_velocity_A_per_ps()));
    out.energy_time_local_meV.push_back(
        mechanical_energy(local.position_A(), local.velocity_A_per_ps()));
  }
  speed_envelope(out.t_ps, out.zdot_full_A_per_ps, out.envelope_t_full_ps,
                 out.envelope_speed_full_A_per_ps);
  speed_envelope(out.t_ps, out.zdot_time_local_A_per_ps, out.envelope_t_time_local_ps,
                 out.envelope_speed_time_local_A_per_ps);
  return out;
}

} // namespace ionbath::dynamics
