#pragma once
// Zero-temperature validation of the several-ion time-local model against the full equations of
// motion (physics.md §11.5, in the manner of seed 002 Figs. 3–4 / physics.md §4.3 (a), (b)).
// Plain parameter and result structs; the caller writes them out.
//
// Geometry (simple cubic framework, spacing a, framework at rest, r_H ≡ 0): ion 0 starts at the
// centre a (½, ½, ½) of the cell whose 8 corners are n ∈ {0, 1}³ with speed Ṙ0 along +x, towards
// ion 1, at rest at the centre a (3/2, ½, ½) of the neighbouring cell (corners n_x ∈ {1, 2}). The
// two 8-corner lists share the four atoms of the face x = a; the face atom (1, 0, 0) is tracked.
// The shared face carries the elastic ion–ion interaction (joint relaxation, Eq. 19 of §11.3) and
// the cross-drag. Models:
//  * full: FullLatticeIntegrator (§11.2) on a periodic N³ lattice at rest, moving periodic
//    8-corner lists, RK5;
//  * time_local: TimeLocalIntegrator (§11.3) with bath::StaticFramework, 8-corner lists, each
//    ion dragged by its own list;
//  * time_local_cross_drag: the same with TimeLocalOptions::cross_drag.
// Each with the screened Coulomb ion–ion term (§11.1, minimum image in the N³ box, used by both
// models) or without it.
#include "ionbath/core/types.hpp"
#include "ionbath/crystal/crystal.hpp"
#include "ionbath/crystal/static_response.hpp"
#include "ionbath/dynamics/full_lattice_integrator.hpp"
#include "ionbath/dynamics/ion_ion.hpp"

#include <array>
#include <string_view>
#include <vector>

namespace ionbath::dynamics {

enum class IonPairModel { full, time_local, time_local_cross_drag };
inline constexpr std::array<IonPairModel, 3> kIonPairModels{
    IonPairModel::full, IonPairModel::time_local, IonPairModel::time_local_cross_drag};
std::string_view to_string(IonPairModel model); // "full", "time_local", "time_local_cross_drag"

struct IonPairParams {
  double U0_meV_A = 4000.0; // ion–framework Yukawa U0 e^{−d/λ}/d (physics.md §0.3)
  double screening_length_A = 0.5;
  double ion_mass = 0.7;      // M, every component free
  double charge_number = 1.0; // z of both ions
  ScreenedCoulombParams ion_ion{.relative_permittivity = 10.0,
                                .screening_length_A = 3.0,
                                .cutoff_A = 12.0}; // used when ion_ion is on; r_c < N a / 2
  // Starting positions in lattice coordinates (R = A f) and velocities (Å/ps); defaults: the
  // geometry above with Ṙ0 = 10 Å/ps (½ M Ṙ0² = 35 meV, below the 43 meV 8-corner barrier of
  // U0 = 4 eV, physics.md §3.2).
  std::array<Vec3, 2> start_fractional{Vec3(0.5, 0.5, 0.5), Vec3(1.5, 0.5, 0.5)};
  std::array<Vec3, 2> start_velocity_A_per_ps{Vec3(10.0, 0.0, 0.0), Vec3::Zero()};
  Cell face_atom = Cell(1, 0, 0); // tracked framework atom (on the shared face)
  double dt_ps = 5e-3;
  double duration_ps = 3.0;
  double loss_window_ps = 0.5; // energy loss: E(0) − mean of E over the last window
  int lattice_n = 24;          // full model: N³ periodic lattice at rest
  FullLatticeOptions options{};
};

// One (ion_ion, model) run. Stored states t = k δt, k = 0 .. ⌊duration/δt⌋; per-ion series are
// K×3 row-major.
struct IonPairTrajectory {
  std::vector<double> t_ps;
  std::array<std::vector<double>, 2> R_A, Rdot_A_per_ps;
  // Force on each ion at the stored state (meV/Å): full −Σ_{S_i} ∇U(R_i − x_n) with the
  // lattice's x_n; time-local −Σ_{S_i} ∇U(R_eff_i − x_eff_n) (seed 002 Eq. 18, §11.3); both
  // −∇_{R_i} U^ion added.
  std::array<std::vector<double>, 2> force_meV_per_A;
  // Face atom (K×3, Å): full its lattice displacement r; time-local x_eff − x_H of Eq. 19
  // (zero while the atom is in neither list: the model leaves it undeformed).
  std::vector<double> face_atom_displacement_A;
  // The ions' mechanical energy in the undeformed framework, Σ_i ½ M Ṙ_i² +
  // Σ_i Σ_{n∈S_i} U(R_i − A n) + U^ion (like DissipationResult's energy), meV.
  std::vector<double> mechanical_energy_meV;
  // Full model only: the conserved total of physics.md §4.2.1 with U^ion (empty otherwise).
  std::vector<double> total_energy_meV;
};

// static_response: W(0) blocks with range ≥ 2 (two 8-corner lists that share atoms, §11.3);
// drag_matrix: 𝓛. Both are read by the time-local models only. ion_ion off:
// IonIonInteraction::none().
IonPairTrajectory run_ion_pair(const crystal::Crystal &crystal, const IonPairParams &params,
                               IonPairModel model, bool ion_ion,
                               const crystal::StaticResponseTable &static_response,
                               const Mat3 &drag_matrix);

// A model against the full run (same t grid).
struct IonPairAgreement {
  std::array<double, 2> max_dR_A{};            // max_t |R_i − R_i^full|
  std::array<double, 2> peak_force_rel_diff{}; // max_t |F_i| / max_t |F_i^full| − 1
  std::array<double, 2> max_dF_rel{};          // max_t |F_i − F_i^full| / max_t |F_i^full|
  double energy_loss_meV = 0;                  // E(0) − ⟨E⟩ over the last window
  double energy_loss_ratio = 0;                // energy_loss / energy_loss of the full run
};
double energy_loss_meV(const IonPairTrajectory &run, double window_ps);
IonPairAgreement compare_ion_pair(const IonPairTrajectory &model, const IonPairTrajectory &full,
                                  double window_ps);

} // namespace ionbath::dynamics
