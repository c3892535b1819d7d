#pragma once
// The time-local stochastic equation of motion of the mobile particle (seed 002 Eqs. 18–20,
// physics.md §3) integrated with the fixed-step RK5 of §0.4, for one ion or several (§11.3).
#include "ionbath/bath/bath_field.hpp"
#include "ionbath/core/types.hpp"
#include "ionbath/crystal/crystal.hpp"
#include "ionbath/crystal/static_response.hpp"
#include "ionbath/dynamics/interaction_list.hpp"
#include "ionbath/dynamics/ion_ion.hpp"
#include "ionbath/dynamics/pair_potential.hpp"

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace ionbath::dynamics {

// Largest corner or fixed list of one ion: extent 2 gives 4³ atoms.
inline constexpr int max_interaction_sites = 64;
// Largest cutoff list of one ion: the atoms that can lie within the radius from some position
// (on the 3 Å simple cubic lattice up to ≈ 220 for 9 Å, ≈ 440 for 12 Å).
inline constexpr int max_cutoff_sites = 512;

// Ablation switches and the reference code's field-time quirk (physics.md §3.3).
struct TimeLocalOptions {
  bool drag = true;       // 𝓛 term of Eq. 20; off: R_eff = R
  bool relaxation = true; // W(0) term of Eq. 19; off: x_eff = x_H
  bool reference_field_shift =
      false; // evaluate r_H one δt ahead of the state, as the reference code
  // Several ions (physics.md §11.3): the collective cross-drag of ions whose lists share an atom,
  // R_eff_i = R_i + 𝓛 Σ_{j ~ i} Σ_{n∈S_j} Hess U_j(R_j − x_H_n)(Ṙ_j − ṙ_H_n) with the sum over
  // i and every ion j sharing an atom with S_i (derivation in time_local_integrator.cpp). Off:
  // each ion is dragged by its own list only (Eq. 20 per ion). Needs drag; no effect on one ion.
  bool cross_drag = false;
};

// Result of Eqs. 18–20 for one state and one framework configuration.
struct TimeLocalForce {
  Vec3 force_meV_per_A = Vec3::Zero(); // F = −Σ_n ∇U(R_eff − x_eff_n)
  Vec3 R_eff_minus_R_A = Vec3::Zero(); // Eq. 20 shift 𝓛 Σ_n Hess U(R − x_H_n)(Ṙ − ṙ_H_n)
  double max_relaxation_A = 0;         // max_n |x_eff_n − x_H_n| (Eq. 19)
};

// The force law of seed 002 Eqs. 18–20 (physics.md §3.1) for an interaction list S given as
// framework positions x_H and velocities ṙ_H. Both x_eff and R_eff are built from x_H, ṙ_H; the
// force is the gradient with respect to R_eff with x_eff frozen. One ion; the integrator's
// several-ion law (§11.3) is the same computation with one ion.
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
// The same for the atoms (sites[i], basis[i]) of a crystal with a basis: block (i, k) is
// W_{b_i b_k}(n_k − n_i) (physics.md §12.3). Throws InputError for a missing separation or basis
// pair.
Eigen::MatrixXd static_response_coupling(const crystal::StaticResponseTable &table,
                                         std::span<const Cell> sites, std::span<const int> basis);

// One mobile ion of the time-local model (physics.md §11.3): its pair potential with the
// framework atoms (its species' U_s; must outlive the integrator), per-component 1/M
// (Å²/(meV ps²); 0 freezes the component) and charge number z_s (ion–ion term).
struct TimeLocalIon {
  const PairPotential *potential = nullptr;
  Vec3 inverse_mass = Vec3::Zero();
  double charge_number = 1.0;
};

// State (R_i, Ṙ_i) of every ion with unwrapped R_i, step index k, time t = k δt. Per step: choose
// every ion's list S_i from R_i(t) and their union S, sample the bath on S at the five distinct
// stage times t + {0, ¼, ½, ¾, 1} δt, run the six RK5 stages (physics.md §3.3) on all ions
// together. The step δt is the bath's (BathField::quarter_dt_ps() = δt/4). No heap allocation per
// step.
//
// Several ions (physics.md §11.3), S = ∪_i S_i (an atom listed by several ions appears once):
//  * joint static relaxation, x_eff_n = x_H_n − Σ_{k∈S} W_{n−k}(0) Σ_{i: k∈S_i} ∇U_i(x_H_k − R_i),
//    n ∈ S (Eq. 19 for all ions together: nearby ions feel each other's lattice deformation);
//  * drag per ion from its own list, R_eff_i = R_i + 𝓛 Σ_{n∈S_i} Hess U_i(R_i − x_H_n)(Ṙ_i − ṙ_H_n)
//    (Eq. 20), plus optionally the cross-drag (TimeLocalOptions::cross_drag);
//  * force F_i = −Σ_{n∈S_i} ∇U_i(R_eff_i − x_eff_n) − ∇_{R_i} Σ_{j≠i} U^ion(|R_i − R_j|_mi).
// Ion i interacts with the atoms of its own list S_i only, in the relaxation source and in its
// force (as the single-ion model, where U is restricted to S); §11.3's Σ_{n∈S} in the force would
// let it feel the atoms of other lists too.
// The W table must hold every separation within one list and, for several moving lists, between
// two lists that share atoms (|L|∞ ≤ 4e − 2 for the corners; for the cutoff r every
// separation shorter than 2r, with several ions 4r; InputError at construction). The W coupling of
// two lists is kept whole when the table holds every separation between them and dropped whole
// otherwise (the elastic ion–ion interaction truncated at the table's range; never split within
// a list, whose sources nearly cancel: Σ_{k∈S_i} ∇U_i(R_i − x_k) is minus the force on ion i,
// small near its minimum, while a part of them is not). Separations between lists
// are taken literally (unwrapped cells), as within one list; the ion–ion term uses its minimum
// image. Storage grows as (3 N m)² doubles (the dense coupling among S), m the largest list.
//
// Crystals with a basis (physics.md §12.3): a site of S is the atom (n, b) at A n + τ_b, the bath
// is sampled with BathField::evaluate_atoms, the coupling blocks are W_{bb'}(n' − n) (the table's
// n_basis must be the crystal's) and 𝓛 is the same for every atom. One-atom crystals with the
// corners, a cutoff or a fixed list without basis indices take the one-atom path (evaluate and
// the blocks W(n − k)).
class TimeLocalIntegrator {
public:
  // interaction: the corners of extent 1 or 2 (one-atom crystals), the cutoff r (every atom (n, b)
  // with |A n + τ_b − R| < r) or a fixed list of at most max_interaction_sites atoms (n, b),
  // separations taken literally. A moving list is chosen once per RK step from the state at the
  // step start (physics.md §3.2), by equilibrium positions; the cutoff's candidates are the full
  // model's (sublattice b anchored at ⌈A⁻¹(R − τ_b)⌉, InteractionList::box_offsets), the
  // potential cut at r, not shifted. The cutoff's candidate box must fit the bath's periodic
  // supercell (BathField::periodic_grid) and its atoms max_cutoff_sites.
  // inverse_mass: per-component 1/M (Å²/(meV ps²)); 0 freezes a component (1D protocols).
  // crystal: equilibrium positions A n + τ_b. static_response: W(0) blocks, needed with
  // relaxation.
  // drag_matrix: 𝓛 (ps Å²/meV). The potential and the bath must outlive the integrator.
  TimeLocalIntegrator(const crystal::Crystal &crystal,
                      const crystal::StaticResponseTable &static_response, const Mat3 &drag_matrix,
                      const PairPotential &potential, bath::BathField &bath,
                      const Vec3 &inverse_mass, InteractionList interaction,
                      TimeLocalOptions options = {});
  // Several ions (physics.md §11.3), every one with its own list of kind `interaction` (a fixed
  // list is shared by all). ion_ion: none, or the screened Coulomb term in the bath's periodic
  // supercell. One ion with IonIonInteraction::none() is the constructor above, bitwise.
  // Initial state: every ion at R = 0, at rest.
  TimeLocalIntegrator(const crystal::Crystal &crystal,
                      const crystal::StaticResponseTable &static_response, const Mat3 &drag_matrix,
                      std::vector<TimeLocalIon> ions, IonIonInteraction ion_ion,
                      bath::BathField &bath, InteractionList interaction,
                      TimeLocalOptions options = {});

  // Sets (R, Ṙ) of ion 0, or of `ion`, at the current step index.
  void set_state(const Vec3 &R_A, const Vec3 &Rdot_A_per_ps) { set_state(0, R_A, Rdot_A_per_ps); }
  void set_state(int ion, const Vec3 &R_A, const Vec3 &Rdot_A_per_ps);
  // Restart from a checkpoint: state (R, Ṙ) at step `step_index` (t = step_index δt), of ion 0
  // or of every ion (ion_count() values each).
  void restore(std::int64_t step_index, const Vec3 &R_A, const Vec3 &Rdot_A_per_ps);
  void restore(std::int64_t step_index, std::span<const Vec3> R_A,
               std::span<const Vec3> Rdot_A_per_ps);
  void step();
  void advance(std::int64_t steps);

  int ion_count() const { return static_cast<int>(ions_.size()); }
  const Vec3 &position_A(int ion = 0) const { return ion_[checked(ion)].R; }
  const Vec3 &velocity_A_per_ps(int ion = 0) const { return ion_[checked(ion)].Rdot; }
  std::int64_t step_index() const { return step_index_; }
  double dt_ps() const { return dt_; }
  double time_ps() const { return dt_ * static_cast<double>(step_index_); }

  // Diagnostics. Cell p = ceil(A⁻¹R) of an ion's current position (its moving list's anchor).
  Cell current_cell(int ion = 0) const;
  // The union S of the interaction lists of the last step (ion 0's list first, in its order,
  // then every further ion's atoms not listed before).
  std::span<const Cell> sites() const { return {sites_.data(), site_count_}; }
  // The basis atom b of each site of sites() (all 0 on the one-atom path).
  std::span<const int> sites_basis() const { return {sites_basis_.data(), site_count_}; }
  // Atoms in ion i's list of the last step (the cutoff's varies from step to step).
  int list_size(int ion = 0) const { return list_count_[checked(ion)]; }
  // R_eff − R of an ion, max_{n∈S} |x_eff − x_H| and x_eff_n − x_H_n for the atoms of sites(), at
  // the first stage (state and time at the start) of the last step.
  const Vec3 &last_R_eff_minus_R_A(int ion = 0) const { return ion_[checked(ion)].R_eff_minus_R; }
  double last_max_relaxation_A() const { return last_max_relaxation_; }
  std::span<const Vec3> last_relaxation_A() const { return {last_relaxation_.data(), site_count_}; }

private:
  static constexpr int distinct_stage_times = 5;
  using State = Eigen::Matrix<double, 6, 1>; // (R, Ṙ) of one ion
  struct FrameworkSample {
    std::vector<Vec3> x_H; // A n + r_H, Å, for the atoms of S
    std::vector<Vec3> v_H; // ṙ_H, Å/ps
  };
  // Per ion: state, anchor p of its moving list, RK5 stage derivatives (Ṙ, F/M) of the current
  // step and R_eff − R at the first stage of the last step.
  struct IonState {
    Vec3 R = Vec3::Zero(), Rdot = Vec3::Zero();
    Cell anchor = Cell::Zero();
    std::array<State, 6> k{};
    Vec3 R_eff_minus_R = Vec3::Zero();
  };

  std::size_t checked(int ion) const {
    if (ion < 0 || ion >= ion_count())
      throw_bad_ion(ion);
    return static_cast<std::size_t>(ion);
  }
  [[noreturn]] void throw_bad_ion(int ion) const;
  void set_up_list(const crystal::Crystal &crystal, const InteractionList &interaction);
  void check_static_response(const crystal::Crystal &crystal,
                             const crystal::StaticResponseTable &table) const;
  void allocate();
  void choose_sites();
  bool choose_cutoff_list(std::size_t ion);
  bool choose_cutoff_lists();
  void build_union();
  void build_cutoff_union();
  bool lists_share_an_atom(std::size_t i, std::size_t j) const;
  void build_coupling();
  void sample_bath();
  // Eqs. 18–20 (§11.3) for every ion at stage positions stage_R_, velocities stage_Rdot_ and the
  // framework sample: forces into force_, R_eff − R into R_eff_minus_R_; returns max |x_eff − x_H|
  // (the relaxations in shift_).
  double evaluate_forces(const FrameworkSample &sample);

  Mat3 lattice_vectors_;
  Mat3 inverse_lattice_vectors_;
  Mat3 drag_matrix_;
  TimeLocalOptions options_;
  std::vector<TimeLocalIon> ions_;
  std::vector<double> charge_numbers_; // z_i
  IonIonInteraction ion_ion_;
  crystal::StaticResponseTable static_response_; // a copy, with relaxation (S changes by hops)
  bath::BathField &bath_;
  bool moving_list_;
  bool cutoff_;           // the cutoff list (per-ion lists of varying size)
  bool basis_aware_;      // crystal with a basis or fixed list with basis indices (§12.3)
  std::vector<Vec3> tau_; // τ_b
  int extent_ = 1;
  double radius_ = 0; // cutoff, Å
  double dt_;

  std::size_t list_size_ = 0;                              // atoms per list, m (cutoff: capacity)
  std::array<Cell, max_interaction_sites> offsets_{};      // corners: n − p; fixed list: n
  std::array<int, max_interaction_sites> offsets_basis_{}; // fixed list: b
  // Cutoff: the offsets o of the candidates p_b + o that can lie within the radius (box_offsets
  // order), and per ion its list (cells, basis atoms, count) at stride list_size_.
  std::vector<Cell> cutoff_offsets_;
  std::vector<Cell> list_cells_;
  std::vector<int> list_basis_;
  std::vector<int> list_count_;
  std::vector<Cell> list_low_, list_high_; // per ion: bounding box of its list's cells
  // Union S (capacity N m for moving lists, m for the fixed one) and the lists as indices into
  // it: entry s of ion i is atom list_index_[i m + s]. S is built ion by ion: the atoms ion i
  // adds (its segment) are union_begin_[i] … union_begin_[i + 1] − 1, segment_of_ the inverse.
  std::vector<Cell> sites_;
  std::vector<int> sites_basis_;
  std::size_t site_count_ = 0;
  std::vector<int> list_index_;
  std::vector<int> union_begin_;
  std::vector<int> segment_of_;
  std::vector<char> shares_atoms_;     // N×N: lists i, j have an atom in common (cross-drag)
  std::vector<char> coupled_segments_; // N×N: the W coupling of lists (segments) I, J is kept
  // W_{n−k}(0) among S as a contiguous 3|S|×3|S| matrix in the first (3|S|)² doubles of
  // coupling_storage_ (sized once for the largest union).
  Eigen::VectorXd coupling_storage_;
  std::int64_t union_version_ = 0; // changes whenever S changes

  std::vector<bath::SiteMotion> motion_;
  std::array<FrameworkSample, distinct_stage_times> samples_{};
  std::int64_t last_sampled_quarter_ = -1; // the end-of-step sample, reused by the next step
  std::int64_t last_sampled_version_ = -1;

  std::vector<IonState> ion_;
  // Stage scratch (sized once): stage positions and velocities, forces, R_eff − R, per-ion drag
  // sums, relaxation sources ∇U (3 |S|) and relaxations x_eff − x_H (3 |S|).
  std::vector<Vec3> stage_R_, stage_Rdot_, force_, R_eff_minus_R_, drag_sum_;
  Eigen::VectorXd gradient_, shift_;
  std::vector<Vec3> last_relaxation_;
  double last_max_relaxation_ = 0;
  std::int64_t step_index_ = 0;
};

} // namespace ionbath::dynamics
