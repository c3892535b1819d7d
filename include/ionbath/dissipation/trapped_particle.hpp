#pragma once
// A particle trapped between framework atoms (seed 001 Fig. 6, physics.md §6.4–6.5): the full
// lattice against the time-local EOM of seed 001 Eq. 26/27,
//   M R̈ = −∇_R[U(0, R) − f ∇_rUᵀ W(0) ∇_rU] − H_U 𝓛 H_U Ṙ,
// f the softening factor (½ from the relaxation energy; 1 reproduces the authors' Fig. 6
// script, physics.md §6.4 discrepancy). The particle moves along ẑ only. Internal units.
#include "ionbath/core/types.hpp"
#include "ionbath/crystal/crystal.hpp"
#include "ionbath/crystal/static_response.hpp"
#include "ionbath/dissipation/pass_geometry.hpp"
#include "ionbath/dynamics/pair_potential.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

namespace ionbath::dissipation {

struct TrappedSettings {
  double start_z = 7.0;   // initial z on the path (seed 001: 3.5α)
  double speed = 7.5;     // initial σ̇_z
  double duration = 30.0; // internal time (seed 001: τ = 30)
  double dt = 1e-3;
  double mass = 1.0;
  double softening_factor = 0.5;
  int record_every = 10;            // steps between trace samples
  GridShape lattice{100, 100, 100}; // the full solution's periodic lattice
  int threads = 1;
};

// z(t) and ż(t) sampled every record_every steps from t = 0.
struct MotionTrace {
  std::vector<double> time, z, velocity;
};

// The time-local force of Eq. 26 along the path at (R, Ṙ) for framework atoms at rest at x_n with
// coupling blocks W(0)_{nk} (3|S| × 3|S|) and the drag matrix 𝓛.
Vec3 softened_time_local_force(const dynamics::PairPotential &potential, std::span<const Vec3> x,
                               const Eigen::MatrixXd &coupling, const Mat3 &drag, double softening,
                               const Vec3 &R, const Vec3 &Rdot);

// The state of a full-lattice trap run after `step` steps (a checkpoint restores it bitwise).
struct FullTrapState {
  std::int64_t step = 0;
  std::vector<double> r, v; // lattice displacements and velocities, DOF order
  Vec3 R = Vec3::Zero(), Rdot = Vec3::Zero();
  MotionTrace trace; // the samples up to `step`
};
// Called after every trace sample with a way to take the state; returns false to stop the run.
using FullTrapHook = std::function<bool(const std::function<FullTrapState()> &snapshot)>;

// The full lattice from rest (or from `resume`); nullopt when the hook stopped the run.
std::optional<MotionTrace> trapped_full(const crystal::Crystal &crystal,
                                        const dynamics::PairPotential &potential,
                                        const PassLayout &layout, const TrappedSettings &settings,
                                        const FullTrapHook &hook = {},
                                        const FullTrapState *resume = nullptr);
MotionTrace trapped_time_local(const crystal::Crystal &crystal,
                               const dynamics::PairPotential &potential, const PassLayout &layout,
                               const crystal::StaticResponseTable &static_response,
                               const Mat3 &drag, const TrappedSettings &settings);

// The decay envelope: the samples where |ż| has a local maximum (one per crossing of the trap).
struct DecayEnvelope {
  std::vector<double> time, speed;
};
DecayEnvelope decay_envelope(const MotionTrace &trace);

} // namespace ionbath::dissipation
