#include "ionbath/dynamics/ion_pair_protocol.hpp"

#include "ionbath/bath/bath_field.hpp"
#include "ionbath/core/error.hpp"
#include "ionbath/dynamics/interaction_list.hpp"
#include "ionbath/dynamics/pair_potential.hpp"
#include "ionbath/dynamics/time_local_integrator.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace ionbath::dynamics {

std::string_view to_string(IonPairModel model) {
  switch (model) {
  case IonPairModel::full:
    return "full";
  case IonPairModel::time_local:
    return "time_local";
  case IonPairModel::time_local_cross_drag:
    return "time_local_cross_drag";
  }
  return "?";
}

namespace {
constexpr int kIons = 2;

// The 8 corners n ∈ p − (1, 1, 1) + {0, 1}³ of the cell of anchor p = ⌈A⁻¹R⌉ (physics.md §3.2).
std::array<Cell, 8> corners(const Mat3 &inverse_lattice_vectors, const Vec3 &R) {
  const Cell p = anchor_cell(inverse_lattice_vectors, R);
  std::array<Cell, 8> out;
  for (int o = 0; o < 8; ++o)
    out[std::size_t(o)] = p - Cell(1, 1, 1) + Cell(o & 1, (o >> 1) & 1, (o >> 2) & 1);
  return out;
}

// What both models share: the potentials, the ion–ion term and the bookkeeping of the series.
struct PairSetup {
  const crystal::Crystal &crystal;
  const IonPairParams &p;
  Yukawa U;
  IonIonInteraction ion_ion;
  Mat3 inverse;
  std::vector<double> charges;
  std::array<Vec3, kIons> R0;

  PairSetup(const crystal::Crystal &c, const IonPairParams &params, bool with_ion_ion)
      : crystal(c), p(params), U(params.U0_meV_A, params.screening_length_A),
        inverse(c.lattice_vectors().inverse()), charges(kIons, params.charge_number) {
    if (!(p.dt_ps > 0) || !(p.duration_ps > 0) || p.lattice_n < 4 || !(p.ion_mass > 0))
      throw InputError("ion pair protocol: δt, duration and M must be positive, the lattice ≥ 4³");
    if (with_ion_ion) {
      const GridShape box{p.lattice_n, p.lattice_n, p.lattice_n};
      try {
        ion_ion = IonIonInteraction::screened_coulomb(p.ion_ion,
                                                      PeriodicSupercell(c.lattice_vectors(), box));
      } catch (const InputError &e) {
        throw InputError(
            fmt::format("ion pair protocol on the {}³ lattice: {}", p.lattice_n, e.what()));
      }
    }
    for (int i = 0; i < kIons; ++i)
      R0[std::size_t(i)] = c.lattice_vectors() * p.start_fractional[std::size_t(i)];
  }
  std::int64_t states() const {
    return static_cast<std::int64_t>(std::floor(p.duration_ps / p.dt_ps + 1e-9)) + 1;
  }
  Vec3 inverse_mass() const { return Vec3::Constant(1.0 / p.ion_mass); }

  // Mechanical energy in the undeformed framework (IonPairTrajectory::mechanical_energy_meV).
  double mechanical_energy(std::span<const Vec3> R, std::span<const Vec3> V) const {
    double E = 0;
    for (std::size_t i = 0; i < R.size(); ++i) {
      E += 0.5 * p.ion_mass * V[i].squaredNorm();
      for (const Cell &n : corners(inverse, R[i]))
        E += U.value(R[i] - crystal.equilibrium_position(n));
    }
    return ion_ion.active() ? E + ion_ion.energy_meV(R, charges) : E;
  }
  // −∇_{R_i} U^ion added to the framework forces.
  void add_ion_ion(std::span<const Vec3> R, std::span<Vec3> F) const {
    if (ion_ion.active())
      ion_ion.add_forces(R, charges, F);
  }
  void record(IonPairTrajectory &out, double t, std::span<const Vec3> R,
              std::span<const Vec3> V) const {
    out.t_ps.push_back(t);
    for (std::size_t i = 0; i < kIons; ++i)
      for (int c = 0; c < 3; ++c) {
        out.R_A[i].push_back(R[i][c]);
        out.Rdot_A_per_ps[i].push_back(V[i][c]);
      }
    out.mechanical_energy_meV.push_back(mechanical_energy(R, V));
  }
  static void push(std::vector<double> &v, const Vec3 &x) {
    v.insert(v.end(), {x.x(), x.y(), x.z()});
  }
};

// physics.md §11.2: the full EOM on the N³ lattice at rest.
IonPairTrajectory run_full(const PairSetup &s) {
  const IonPairParams &p = s.p;
  const int n = p.lattice_n;
  const FullLatticeIon ion{&s.U, s.inverse_mass(), p.charge_number};
  FullLatticeIntegrator full(s.crystal, {n, n, n}, std::vector<FullLatticeIon>(kIons, ion),
                             s.ion_ion, InteractionList::corners(), p.dt_ps, p.options);
  for (int i = 0; i < kIons; ++i)
    full.set_ion_state(i, s.R0[std::size_t(i)], p.start_velocity_A_per_ps[std::size_t(i)]);
  IonPairTrajectory out;
  std::array<Vec3, kIons> R, V, F;
  for (std::int64_t k = 0; k < s.states(); ++k) {
    if (k > 0)
      full.step();
    for (int i = 0; i < kIons; ++i) {
      R[std::size_t(i)] = full.ion_position_A(i);
      V[std::size_t(i)] = full.ion_velocity_A_per_ps(i);
      F[std::size_t(i)].setZero(); // −Σ_{S_i} ∇U(R_i − x_n), x_n = A n + r_n (§4.1)
      for (const Cell &c : corners(s.inverse, R[std::size_t(i)]))
        F[std::size_t(i)] -= s.U.gradient(R[std::size_t(i)] - s.crystal.equilibrium_position(c) -
                                          full.displacement_A(c));
    }
    s.add_ion_ion(R, F);
    s.record(out, full.time_ps(), R, V);
    for (std::size_t i = 0; i < kIons; ++i)
      PairSetup::push(out.force_meV_per_A[i], F[i]);
    PairSetup::push(out.face_atom_displacement_A, full.displacement_A(p.face_atom));
    out.total_energy_meV.push_back(full.energy().total());
  }
  return out;
}

// Force of seed 002 Eq. 18 (§11.3) at the state the last step started from, rebuilt from the
// integrator's first-stage diagnostics (R_eff − R, x_eff − x_H on S; x_H = A n for r_H ≡ 0).
Vec3 time_local_force(const PairSetup &s, const TimeLocalIntegrator &tl, int ion, const Vec3 &R) {
  const auto sites = tl.sites();
  const auto relaxation = tl.last_relaxation_A();
  const Vec3 R_eff = R + tl.last_R_eff_minus_R_A(ion);
  Vec3 F = Vec3::Zero();
  for (const Cell &c : corners(s.inverse, R)) {
    const auto k = std::size_t(std::find(sites.begin(), sites.end(), c) - sites.begin());
    if (k == sites.size())
      throw std::logic_error("ion pair protocol: a list atom is missing from the union S");
    F -= s.U.gradient(R_eff - s.crystal.equilibrium_position(c) - relaxation[k]);
  }
  return F;
}

// x_eff − x_H of one atom after the last step (zero when it is outside S).
Vec3 time_local_relaxation(const TimeLocalIntegrator &tl, const Cell &atom) {
  const auto sites = tl.sites();
  const auto it = std::find(sites.begin(), sites.end(), atom);
  return it == sites.end() ? Vec3::Zero() : tl.last_relaxation_A()[std::size_t(it - sites.begin())];
}

// physics.md §11.3 with r_H ≡ 0 (bath::StaticFramework).
IonPairTrajectory run_time_local(const PairSetup &s, bool cross_drag,
                                 const crystal::StaticResponseTable &W, const Mat3 &drag) {
  const IonPairParams &p = s.p;
  bath::StaticFramework frame(p.dt_ps);
  TimeLocalOptions options;
  options.cross_drag = cross_drag;
  const TimeLocalIon ion{&s.U, s.inverse_mass(), p.charge_number};
  TimeLocalIntegrator tl(s.crystal, W, drag, std::vector<TimeLocalIon>(kIons, ion), s.ion_ion,
                         frame, InteractionList::corners(), options);
  for (int i = 0; i < kIons; ++i)
    tl.set_state(i, s.R0[std::size_t(i)], p.start_velocity_A_per_ps[std::size_t(i)]);
  IonPairTrajectory out;
  std::array<Vec3, kIons> R, V, F;
  for (std::int64_t k = 0; k < s.states(); ++k) {
    const double t = tl.time_ps();
    for (int i = 0; i < kIons; ++i) {
      R[std::size_t(i)] = tl.position_A(i);
      V[std::size_t(i)] = tl.velocity_A_per_ps(i);
    }
    s.record(out, t, R, V);
    tl.step(); // its first stage is the force at state k (one extra step after the last state)
    for (int i = 0; i < kIons; ++i)
      F[std::size_t(i)] = time_local_force(s, tl, i, R[std::size_t(i)]);
    s.add_ion_ion(R, F);
    for (std::size_t i = 0; i < kIons; ++i)
      PairSetup::push(out.force_meV_per_A[i], F[i]);
    PairSetup::push(out.face_atom_displacement_A, time_local_relaxation(tl, p.face_atom));
  }
  return out;
}

double peak_norm(const std::vector<double> &v) {
  double m = 0;
  for (std::size_t k = 0; 3 * (k + 1) <= v.size(); ++k)
    m = std::max(m, Vec3(v[3 * k], v[3 * k + 1], v[3 * k + 2]).norm());
  return m;
}

double max_difference(const std::vector<double> &a, const std::vector<double> &b) {
  double m = 0;
  for (std::size_t k = 0; 3 * (k + 1) <= std::min(a.size(), b.size()); ++k)
    m = std::max(
        m, (Vec3(a[3 * k], a[3 * k + 1], a[3 * k + 2]) - Vec3(b[3 * k], b[3 * k + 1], b[3 * k + 2]))
               .norm());
  return m;
}
} // namespace

IonPairTrajectory run_ion_pair(const crystal::Crystal &crystal, const IonPairParams &params,
                               IonPairModel model, bool ion_ion,
                               const crystal::StaticResponseTable &static_response,
                               const Mat3 &drag_matrix) {
  const PairSetup setup(crystal, params, ion_ion);
  if (model == IonPairModel::full)
    return run_full(setup);
  return run_time_local(setup, model == IonPairModel::time_local_cross_drag, static_response,
                        drag_matrix);
}

double energy_loss_meV(const IonPairTrajectory &run, double window_ps) {
  const auto &E = run.mechanical_energy_meV;
  if (E.empty())
    return 0;
  const double t_end = run.t_ps.back();
  double sum = 0;
  int count = 0;
  for (std::size_t k = 0; k < E.size(); ++k)
    if (run.t_ps[k] >= t_end - window_ps - 1e-12) {
      sum += E[k];
      ++count;
    }
  return E.front() - sum / count;
}

IonPairAgreement compare_ion_pair(const IonPairTrajectory &model, const IonPairTrajectory &full,
                                  double window_ps) {
  IonPairAgreement a;
  for (std::size_t i = 0; i < kIons; ++i) {
    a.max_dR_A[i] = max_difference(model.R_A[i], full.R_A[i]);
    const double peak_full = peak_norm(full.force_meV_per_A[i]);
    a.peak_force_rel_diff[i] = peak_norm(model.force_meV_per_A[i]) / peak_full - 1;
    a.max_dF_rel[i] = max_difference(model.force_meV_per_A[i], full.force_meV_per_A[i]) / peak_full;
  }
  a.energy_loss_meV = energy_loss_meV(model, window_ps);
  a.energy_loss_ratio = a.energy_loss_meV / energy_loss_meV(full, window_ps);
  return a;
}

} // namespace ionbath::dynamics
