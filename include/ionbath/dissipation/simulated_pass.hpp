#pragma once
// The simulated single pass (seed 001 Eqs. 3–4, physics.md §6.5): the whole periodic lattice at
// rest and undeformed, the particle constrained to its straight path along ẑ (infinite
// transverse mass), a fixed interaction list, RK5; the loss is the particle's kinetic energy
// lost between z_start and the first step with z ≥ z_end. Internal units of the crystal.
#include "ionbath/core/types.hpp"
#include "ionbath/crystal/crystal.hpp"
#include "ionbath/dissipation/pass_geometry.hpp"
#include "ionbath/dynamics/full_lattice_integrator.hpp"
#include "ionbath/dynamics/pair_potential.hpp"

#include <cstdint>

namespace ionbath::dissipation {

// The largest group velocity |∇_q Ω_u(q)| (internal length per time, from central differences
// of the branches on a 32-point grid per bonded axis, raised by 5 % for what the sampling misses)
// and the largest frequency Ω (rad per internal time) on the same grid.
struct BandExtremes {
  double group_velocity = 0;
  double frequency = 0;
};
BandExtremes band_extremes(const crystal::Crystal &crystal);

// When a disturbance leaving the listed atoms first returns to them through the periodic
// lattice: the shortest lattice period |Σ n_i N_i a_i| (bonded axes, n ∈ {−1, 0, 1}³ \ 0) over
// the largest group velocity.
struct EchoCheck {
  double echo_time = 0; // earliest return, internal time
  double pass_time = 0; // (z_end − z_start) / v of the pass at its initial speed
  double group_velocity = 0;
  double period_length = 0;
  bool contaminated() const { return pass_time >= echo_time; }
};
EchoCheck echo_check(const crystal::Crystal &crystal, const GridShape &lattice, double path_length,
                     double speed);
// The same from a group velocity already known (band_extremes).
EchoCheck echo_check(const crystal::Crystal &crystal, const GridShape &lattice, double path_length,
                     double speed, double group_velocity);

struct SimulatedPassSettings {
  GridShape lattice{50, 50, 50}; // periodic N1×N2×N3 (a chain: N×1×1)
  double dt = 1e-3;              // internal time
  double mass = 1;               // particle mass μ (internal)
  int threads = 1;
};

struct SimulatedPass {
  double loss = 0;           // μ(v0² − v_final²)/2, internal energy
  double final_speed = 0;    // at the first step with z ≥ z_end
  double lattice_energy = 0; // the framework's energy then (= loss up to the interaction left)
  std::int64_t steps = 0;
  bool reflected = false; // the particle turned back before z_end (loss undefined)
};

// The whole lattice at rest with the particle of mass `mass` free along ẑ only and the layout's
// atoms as its fixed interaction list (the set-up of the simulated pass and of Fig. 6).
dynamics::FullLatticeIntegrator path_integrator(const crystal::Crystal &crystal,
                                                const dynamics::PairPotential &potential,
                                                const PassLayout &layout, const GridShape &lattice,
                                                double dt, double mass, int threads);

// One pass at initial speed `speed` along layout.path from layout.z_start to layout.z_end.
SimulatedPass simulate_pass(const crystal::Crystal &crystal,
                            const dynamics::PairPotential &potential, const PassLayout &layout,
                            double speed, const SimulatedPassSettings &settings);

} // namespace ionbath::dissipation
