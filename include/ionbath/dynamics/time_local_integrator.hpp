#pragma once
// The time-local stochastic equation of motion of the mobile particle (seed 002 Eqs. 18–20,
// physics.md §3) integrated with the fixed-step RK5 of §0.4.
#include "ionbath/bath/bath_field.hpp"
#include "ionbath/core/types.hpp"
#include "ionbath/crystal/crystal.hpp"
#include "ionbath/crystal/static_response.hpp"
#include "ionbath/dynamics/interaction_list.hpp"
#include "ionbath/dynamics/pair_potential.hpp"

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace ionbath::dynamics {

// Largest interaction list: extent 2 gives 4³ atoms.
inline constexpr int max_interaction_sites = 64;

// Ablation switches and the reference code's field-time quirk (physics.md §3.3).
struct TimeLocalOptions {
  bool drag = true;       // 𝓛 term of Eq. 20; off: R_eff = R
  bool relaxation = true; // W(0) term of Eq. 19; off: x_eff = x_H
  bool reference_field_shift =
      false; // evaluate r_H one δt ahead of the state, as the reference code
};

// Result of Eqs. 18–20 for one state and one framework configuration.
struct TimeLocalForce {
  Vec3 force_meV_per_A = Vec3::Zero(); // F = −Σ_n ∇U(R_eff − x_eff_n)
  Vec3 R_eff_minus_R_A = Vec3::Zero(); // Eq. 20 shift 𝓛 Σ_n Hess U(R − x_H_n)(Ṙ − ṙ_H_n)
  double max_relaxation_A = 0;         // max_n |x_eff_n − x_H_n| (Eq. 19)
};

// The force law of seed 002 Eqs. 18–20 (physics.md §3.1) for an interaction list S given as
// framework positions x_H and velocities ṙ_H. Both x_eff and R_eff are built from x_H, ṙ_H; the
// force is the gradient with respect to R_eff with x_eff frozen.
class TimeLocalForceLaw {
public:
  // drag_matrix: 𝓛 (ps Å²/meV). The potential must outlive the force law.
  TimeLocalForceLaw(const PairPotential &potential, const Mat3 &drag_matrix,
                    TimeLocalOptions options);

  // coupling: the 3|S|×3|S| matrix of blocks W_{n−k}(0) (Å²/meV) in the order of x_H; read only
  // when relaxation is on. |S| ≤ max_interaction_sites.
  TimeLocalForce operator()(const Eigen::MatrixXd &coupling, std::span<const Vec3> x_H,
                            std::span<const Vec3> v_H, const Vec3 &R, const Vec3 &Rdot) const;

private:
  const PairPotential &potential_;
  Mat3 drag_matrix_;
  TimeLocalOptions options_;
};

// The 3|S|×3|S| matrix of W_{n−k}(0) blocks for the sites S (physics.md §3.1: V⁻¹ restricted to
// S). Throws InputError if the table does not hold every separation n − k.
Eigen::MatrixXd static_response_coupling(const crystal::StaticResponseTable &table,
                                         std::span<const Cell> sites);

// State (R, Ṙ) with unwrapped R, step index k, time t = k δt. Per step: choose S from R(t), sample
// the bath at the five distinct stage times t + {0, ¼, ½, ¾, 1} δt, run the six RK5 stages
// (physics.md §3.3). The step δt is the bath's (BathField::quarter_dt_ps() = δt/4). No heap
// allocation per step.
class TimeLocalIntegrator {
public:
  // interaction: the corners of extent 1 or 2 (S chosen once per RK step from the state at the
  // step start, physics.md §3.2) or a fixed list of at most max_interaction_sites atoms of cells
  // (basis atom 0), separations taken literally.
  // inverse_mass: per-component 1/M (Å²/(meV ps²)); 0 freezes a component (1D protocols).
  // crystal: equilibrium positions A n. static_response: W(0) blocks, needed with relaxation.
  // drag_matrix: 𝓛 (ps Å²/meV). The potential and the bath must outlive the integrator.
  TimeLocalIntegrator(const crystal::Crystal &crystal,
                      const crystal::StaticResponseTable &static_response, const Mat3 &drag_matrix,
                      const PairPotential &potential, bath::BathField &bath,
                      const Vec3 &inverse_mass, InteractionList interaction,
                      TimeLocalOptions options = {});

  // Sets (R, Ṙ) at the current step index.
  void set_state(const Vec3 &R_A, const Vec3 &Rdot_A_per_ps);
  // Restart from a checkpoint: state (R, Ṙ) at step `step_index` (t = step_index δt).
  void restore(std::int64_t step_index, const Vec3 &R_A, const Vec3 &Rdot_A_per_ps);
  void step();
  void advance(std::int64_t steps);

  const Vec3 &position_A() const { return R_; }
  const Vec3 &velocity_A_per_ps() const { return Rdot_; }
  std::int64_t step_index() const { return step_index_; }
  double dt_ps() const { return dt_; }
  double time_ps() const { return dt_ * static_cast<double>(step_index_); }

  // Diagnostics. Cell p = ceil(A⁻¹R) of the current position (the moving list's anchor).
  Cell current_cell() const;
  // Interaction list S of the last step.
  std::span<const Cell> sites() const { return {sites_.data(), site_count_}; }
  // R_eff − R and max_n |x_eff − x_H| at the first stage (state and time at the start) of the
  // last step.
  const Vec3 &last_R_eff_minus_R_A() const { return last_force_.R_eff_minus_R_A; }
  double last_max_relaxation_A() const { return last_force_.max_relaxation_A; }

private:
  static constexpr int distinct_stage_times = 5;
  struct FrameworkSample {
    std::array<Vec3, max_interaction_sites> x_H; // A n + r_H, Å
    std::array<Vec3, max_interaction_sites> v_H; // ṙ_H, Å/ps
  };

  void choose_sites();
  void sample_bath();

  Mat3 lattice_vectors_;
  Mat3 inverse_lattice_vectors_;
  TimeLocalForceLaw force_law_;
  bath::BathField &bath_;
  Vec3 inverse_mass_;
  bool moving_list_;
  bool field_shift_;
  double dt_;

  std::size_t site_count_ = 0;
  std::array<Cell, max_interaction_sites> offsets_{}; // moving list: n − p; fixed list: n
  std::array<Cell, max_interaction_sites> sites_{};
  Eigen::MatrixXd coupling_; // W_{n−k}(0) among S (S − p is the same in every cell)

  std::array<bath::SiteMotion, max_interaction_sites> motion_{};
  std::array<FrameworkSample, distinct_stage_times> samples_{};
  std::int64_t last_sampled_quarter_ = -1; // the end-of-step sample, reused by the next step
  Cell last_sampled_anchor_ = Cell::Zero();
  Cell anchor_ = Cell::Zero();

  Vec3 R_ = Vec3::Zero();
  Vec3 Rdot_ = Vec3::Zero();
  std::int64_t step_index_ = 0;
  TimeLocalForce last_force_{};
};

} // namespace ionbath::dynamics
