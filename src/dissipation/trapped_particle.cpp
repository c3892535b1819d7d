#include "ionbath/dissipation/trapped_particle.hpp"

#include "ionbath/dissipation/simulated_pass.hpp"
#include "ionbath/dynamics/interaction_list.hpp"
#include "ionbath/dynamics/rk5.hpp"
#include "ionbath/dynamics/time_local_integrator.hpp"

#include <array>
#include <cmath>
#include <stdexcept>

namespace ionbath::dissipation {

Vec3 softened_time_local_force(const dynamics::PairPotential &potential, std::span<const Vec3> x,
                               const Eigen::MatrixXd &coupling, const Mat3 &drag, double softening,
                               const Vec3 &R, const Vec3 &Rdot) {
  // Called at every RK stage: stack storage only (at most max_interaction_sites atoms).
  using SiteVector =
      Eigen::Matrix<double, Eigen::Dynamic, 1, 0, 3 * dynamics::max_interaction_sites, 1>;
  if (x.size() > std::size_t(dynamics::max_interaction_sites))
    throw std::invalid_argument("softened_time_local_force: more atoms than max_interaction_sites");
  const auto n = static_cast<Eigen::Index>(x.size());
  SiteVector g(3 * n); // g_n = ∇u(R − x_n) = −∇_{r_n}U
  std::array<Mat3, dynamics::max_interaction_sites> hessians;
  Mat3 H = Mat3::Zero();
  Vec3 force = Vec3::Zero();
  for (Eigen::Index i = 0; i < n; ++i) {
    const dynamics::PairTerms t = potential.terms(R - x[std::size_t(i)]);
    g.segment<3>(3 * i) = t.gradient;
    hessians[std::size_t(i)] = t.hessian;
    H += t.hessian;
    force -= t.gradient;
  }
  // ∇_R (gᵀWg) = 2 Σ_n H_n (W g)_n; the drag −H𝓛HṘ (seed 001 Eq. 27).
  SiteVector Wg(3 * n);
  Wg.noalias() = coupling * g;
  for (Eigen::Index i = 0; i < n; ++i)
    force += 2.0 * softening * hessians[std::size_t(i)] * Wg.segment<3>(3 * i);
  return force - H * drag * H * Rdot;
}

namespace {
void record(MotionTrace &trace, double t, double z, double v) {
  trace.time.push_back(t);
  trace.z.push_back(z);
  trace.velocity.push_back(v);
}

std::int64_t step_count(const TrappedSettings &s) {
  return static_cast<std::int64_t>(std::llround(s.duration / s.dt));
}
} // namespace

std::optional<MotionTrace> trapped_full(const crystal::Crystal &crystal,
                                        const dynamics::PairPotential &potential,
                                        const PassLayout &layout, const TrappedSettings &settings,
                                        const FullTrapHook &hook, const FullTrapState *resume) {
  auto lattice = path_integrator(crystal, potential, layout, settings.lattice, settings.dt,
                                 settings.mass, settings.threads);
  MotionTrace trace;
  std::int64_t first = 0;
  if (resume) {
    lattice.set_lattice_state(resume->r, resume->v);
    lattice.set_ion_state(resume->R, resume->Rdot);
    lattice.set_step_index(resume->step);
    trace = resume->trace;
    first = resume->step + 1; // the sample at resume->step is in the trace
    if (first <= step_count(settings))
      lattice.step();
  } else {
    lattice.set_ion_state(layout.path.point + settings.start_z * Vec3::UnitZ(),
                          settings.speed * Vec3::UnitZ());
  }
  const auto snapshot = [&] {
    return FullTrapState{lattice.step_index(),
                         lattice.lattice_displacements_A(),
                         lattice.lattice_velocities_A_per_ps(),
                         lattice.ion_position_A(),
                         lattice.ion_velocity_A_per_ps(),
                         trace};
  };
  const std::int64_t steps = step_count(settings);
  for (std::int64_t k = first; k <= steps; ++k) {
    if (k % settings.record_every == 0) {
      record(trace, lattice.time_ps(), lattice.ion_position_A().z(),
             lattice.ion_velocity_A_per_ps().z());
      if (hook && k < steps && !hook(snapshot))
        return std::nullopt;
    }
    if (k < steps)
      lattice.step();
  }
  return trace;
}

MotionTrace trapped_time_local(const crystal::Crystal &crystal,
                               const dynamics::PairPotential &potential, const PassLayout &layout,
                               const crystal::StaticResponseTable &static_response,
                               const Mat3 &drag, const TrappedSettings &settings) {
  std::vector<Cell> cells;
  std::vector<Vec3> x;
  for (const FrameworkAtom &a : layout.atoms) {
    cells.push_back(a.cell);
    x.push_back(crystal.equilibrium_position(a.cell, a.basis));
  }
  const Eigen::MatrixXd coupling = dynamics::static_response_coupling(static_response, cells);
  using State = Eigen::Vector2d; // (z, ż)
  const Vec3 p = layout.path.point;
  const auto rhs = [&](int, double, const State &y) {
    const Vec3 R = p + y[0] * Vec3::UnitZ();
    const Vec3 F = softened_time_local_force(potential, x, coupling, drag,
                                             settings.softening_factor, R, y[1] * Vec3::UnitZ());
    return State(y[1], F.z() / settings.mass);
  };
  State y(settings.start_z, settings.speed);
  MotionTrace trace;
  const std::int64_t steps = step_count(settings);
  for (std::int64_t k = 0; k <= steps; ++k) {
    const double t = settings.dt * double(k);
    if (k % settings.record_every == 0)
      record(trace, t, y[0], y[1]);
    if (k < steps)
      y = dynamics::rk5_step(rhs, t, y, settings.dt);
  }
  return trace;
}

DecayEnvelope decay_envelope(const MotionTrace &trace) {
  DecayEnvelope e;
  const auto &v = trace.velocity;
  for (std::size_t i = 1; i + 1 < v.size(); ++i)
    if (std::abs(v[i]) > std::abs(v[i - 1]) && std::abs(v[i]) >= std::abs(v[i + 1])) {
      e.time.push_back(trace.time[i]);
      e.speed.push_back(std::abs(v[i]));
    }
  return e;
}

} // namespace ionbath::dissipation
