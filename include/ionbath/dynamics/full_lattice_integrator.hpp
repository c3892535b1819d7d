#pragma once
// The full equations of motion (seed 002 Eqs. 2–3, physics.md §4, §12.1): a periodic N1×N2×N3
// lattice of cells of the crystal's n_b basis atoms and the mobile particle,
//   m_b r̈_{nb} = −(V r)_{nb} + f_{nb},  M R̈ = −Σ_{(n,b)∈S} f_{nb},
//   f_{nb} = −∇U(x_{nb} − R),  x_{nb} = A n + τ_b + r_{nb},
// or several mobile ions i (physics.md §11.2): each has its own list S_i and potential U_{s_i},
// the framework forces on an atom add up over the ions, and the ions interact with each other by
// U^ion (ion_ion.hpp, minimum image in the lattice's supercell):
//   f_{nb} = −Σ_i ∇U_{s_i}(x_{nb} − R_i),  M_i R̈_i = −Σ_{(n,b)∈S_i} f^i_{nb} − ∇_{R_i} Σ_{j≠i}
//   U^ion,
// integrated with the RK5 of §0.4 (or velocity Verlet for long microcanonical runs).
// Lattice fields are exchanged in the DOF order 3 (n_b lin(n) + b) + c (§0.2 for n_b = 1: x
// fastest); inside, the integrator keeps one array per (basis atom, Cartesian component) for the
// stencil (LatticeStencil).
#include "ionbath/core/aligned.hpp"
#include "ionbath/core/types.hpp"
#include "ionbath/crystal/crystal.hpp"
#include "ionbath/dynamics/full_scheme.hpp"
#include "ionbath/dynamics/interaction_list.hpp"
#include "ionbath/dynamics/ion_ion.hpp"
#include "ionbath/dynamics/lattice_stencil.hpp"
#include "ionbath/dynamics/pair_potential.hpp"
#include "ionbath/dynamics/plane_wavefront.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace ionbath::dynamics {

struct FullLatticeOptions {
  FullScheme scheme = FullScheme::rk5;
  // OpenMP threads inside the lattice passes; 0 = the OpenMP default. Ignored without OpenMP.
  int threads = 1;
  // Line kernel of the lattice forces (generic: the one for any bond list, also on the simple
  // cubic lattice, whose RK5 then keeps its stage fields on the whole lattice).
  StencilKernel kernel = StencilKernel::automatic;
};

// Energy terms of physics.md §4.2.1, meV.
struct FullEnergy {
  double lattice_kinetic = 0;   // Σ_b (m_b/2) |ṙ_b|²
  double lattice_potential = 0; // (1/2) rᵀ V r
  double ion_kinetic = 0;       // Σ_i Σ_c (M_ic/2) Ṙ_ic², constrained components excluded
  double interaction = 0;       // Σ_i Σ_{n∈S_i} U_{s_i}(x_n − R_i)
  double ion_ion = 0;           // Σ_{i<j} U^ion(|R_i − R_j|_mi) (physics.md §11.1)
  double total() const {
    return lattice_kinetic + lattice_potential + ion_kinetic + interaction + ion_ion;
  }
};

// One mobile ion of the full model (physics.md §11.2): its pair potential with the framework
// atoms (its species' U_s; must outlive the integrator), per-component 1/M (Å²/(meV ps²); 0
// freezes the component) and charge number z_s (ion–ion term).
struct FullLatticeIon {
  const PairPotential *potential = nullptr;
  Vec3 inverse_mass = Vec3::Zero();
  double charge_number = 1.0;
};

class FullLatticeIntegrator {
public:
  // The interaction list S (physics.md §4.1): a fixed list takes the separations
  // x_{nb} − R = A n + τ_b + r_wrap(n),b − R literally (n any integers, labels wrapped into the
  // lattice for the displacement, no minimum image); the moving lists (the corners, for one-atom
  // crystals, and the cutoff) are chosen at every force evaluation (every RK stage) from the
  // unwrapped R, labels wrapped, minimum-image separations. R itself stays unwrapped.
  // ion_inverse_mass: per-component 1/M (Å²/(meV ps²)); 0 freezes the component.
  // The potential must outlive the integrator. Initial state: everything at rest, R = 0.
  FullLatticeIntegrator(const crystal::Crystal &crystal, GridShape lattice,
                        const PairPotential &potential, const Vec3 &ion_inverse_mass,
                        InteractionList interaction, double dt_ps, FullLatticeOptions options = {});
  // Several ions (physics.md §11.2), every one with its own list of kind `interaction` (a fixed
  // list is shared by all). ion_ion: none, or built on PeriodicSupercell(A, lattice). One ion
  // with IonIonInteraction::none() is the constructor above, bitwise.
  FullLatticeIntegrator(const crystal::Crystal &crystal, GridShape lattice,
                        std::vector<FullLatticeIon> ions, IonIonInteraction ion_ion,
                        InteractionList interaction, double dt_ps, FullLatticeOptions options = {});

  // Lattice displacements (Å) and velocities (Å/ps), 3 n_b N each in DOF order
  // 3 (n_b lin(n) + b) + c.
  void set_lattice_state(std::span<const double> r_A, std::span<const double> rdot_A_per_ps);
  void set_ion_state(const Vec3 &R_A, const Vec3 &Rdot_A_per_ps) {
    set_ion_state(0, R_A, Rdot_A_per_ps);
  }
  void set_ion_state(int ion, const Vec3 &R_A, const Vec3 &Rdot_A_per_ps);
  // Restart from a checkpoint: the state set above is that of step `step_index`.
  void set_step_index(std::int64_t step_index) { step_index_ = step_index; }
  void step();
  void advance(std::int64_t steps);

  std::vector<double> lattice_displacements_A() const;     // 3 n_b N, DOF order
  std::vector<double> lattice_velocities_A_per_ps() const; // 3 n_b N, DOF order
  Vec3 displacement_A(const Cell &n, int b = 0) const;     // label wrapped into the lattice
  Vec3 velocity_A_per_ps(const Cell &n, int b = 0) const;
  int ion_count() const { return static_cast<int>(ions_.size()); }
  const Vec3 &ion_position_A(int ion = 0) const { return R_[ion]; } // unwrapped
  const Vec3 &ion_velocity_A_per_ps(int ion = 0) const { return Rdot_[ion]; }

  FullEnergy energy() const;
  // Σ_{n,b} m_b ṙ_{nb} + Σ_i M_i Ṙ_i (meV ps/Å); constrained ion components contribute nothing.
  Vec3 total_momentum() const;
  // Cells of the atoms of the interaction lists ∪_i S_i at the current state (wrapped labels; an
  // atom listed by several ions appears once).
  std::vector<Cell> interaction_sites() const;

  const GridShape &lattice() const { return stencil_.lattice(); }
  std::int64_t cells() const { return stencil_.sites(); }
  std::int64_t atoms() const { return stencil_.sites() * stencil_.n_basis(); }
  const LatticeStencil &stencil() const { return stencil_; } // acceleration stencil (scale 1/m_b)
  // Bytes of lattice fields held: state, stage fields of the scheme, line buffers.
  std::int64_t field_bytes() const;
  // The last RK5 step kept its stage window in the ring of plane slots (false: a slot per plane,
  // when the ions' lists leave the ring no sweep start it can serve, or no ring at all).
  bool rk5_window_reused_slots() const { return wavefront_.reused_slots(); }
  std::int64_t step_index() const { return step_index_; }
  double dt_ps() const { return dt_; }
  double time_ps() const { return dt_ * static_cast<double>(step_index_); }

private:
  // Force on one atom of S_i (meV/Å), atom b of cell lin(n), from ion i; the ion feels the
  // opposite.
  struct SiteForce {
    std::int64_t lin;
    int atom;
    Vec3 force;
  };
  // Per ion i: the forces of S_i on its atoms, sorted by cell and atom.
  using IonSiteForces = std::vector<std::vector<SiteForce>>;
  // Component arrays of one lattice field inside `storage_`.
  struct Field {
    std::int64_t offset;
  };
  // Where the planes n3 = z of one lattice field are stored: plane z starts at
  // base + plane · slot[z] in the stencil's padded plane layout, components `component` doubles
  // apart. Full fields hold every plane; the RK5 window holds a few planes per field.
  template <class D> struct PlaneField {
    D *base = nullptr;
    std::int64_t component = 0;
    std::int64_t plane = 0;
    const int *slot = nullptr;
    D *at(int z) const { return base + plane * slot[z]; }
    operator PlaneField<const D>() const { return {base, component, plane, slot}; }
  };
  using StoredField = PlaneField<double>;
  using ConstStoredField = PlaneField<const double>;

  // The x, y, z arrays of basis atom b (padded arrays 3b, 3b + 1, 3b + 2).
  FieldView field(Field f, int b = 0);
  ConstFieldView field(Field f, int b = 0) const;
  StoredField stored(Field f);
  ConstStoredField stored(Field f) const;
  // RK5 stage j's positions (j = 0 is r, 1 the second-stage positions, 2 … 5 in the window) and
  // stage accelerations A_0, A_1 (k = 0, 1; in the window).
  StoredField stage_position(int j);
  StoredField stage_acceleration(int k);
  // Stencil acceleration of stage positions P on `count` lines of plane z from row first_row
  // (basis atom b's components at out[c] + b · out_atom).
  void stage_lines(const StoredField &P, int z, int first_row, int count, FieldView out,
                   std::int64_t out_row, std::int64_t out_atom) const;
  // The ghosts of plane z of P after the plane was written.
  void fill_ghosts(const StoredField &P, int z) const;
  std::int64_t lin(const Cell &wrapped) const;
  // A lattice field as 3 n_b N values in DOF order 3 (n_b lin(n) + b) + c.
  std::vector<double> dof_order(Field f) const;
  Cell wrap(const Cell &n) const;
  // Index of cell lin(n) in a padded component array (LatticeStencil layout).
  std::int64_t slot(std::int64_t lin) const;
  Vec3 minimum_image(const Vec3 &s) const;
  // The lists S_i for lattice displacements `r` and ion positions R (physics.md §4.1, §11.2):
  // the forces on their atoms into `forces`, the framework force on every ion into ion_forces,
  // and Σ_i Σ_{S_i} U_{s_i} (returned, meV).
  double interact(const ConstStoredField &r, std::span<const Vec3> R, IonSiteForces &forces,
                  std::span<Vec3> ion_forces) const;
  // Σ_{S} U of one ion's list, its site forces (replaced, sorted) and its framework force.
  double interact_one(const ConstStoredField &r, int ion, const Vec3 &R,
                      std::vector<SiteForce> &forces, Vec3 &ion_force) const;
  // The ion–ion forces at positions R into `forces` (physics.md §11.2; zero without U^ion).
  void ion_ion_forces(std::span<const Vec3> R, std::span<Vec3> forces) const;
  // Ä_i = M_i⁻¹ (framework force + ion–ion force) (physics.md §11.2).
  Vec3 ion_acceleration(int ion, const Vec3 &framework_force, const Vec3 &ion_ion_force) const;
  void check_ions() const;
  // Adds `forces` (scaled by 1/m_b) to the accelerations of `lines` lines from first_line, line
  // k's at out[c] + k · row (atom b's components at out[c] + b · atom_stride + k · row).
  void add_site_accelerations(const IonSiteForces &forces, int first_line, int lines, FieldView out,
                              std::int64_t row, std::int64_t atom_stride) const;
  void check_interaction(const crystal::Crystal &crystal, const GridShape &lattice) const;
  // RK5 (physics.md §0.4) in three passes over a plane wavefront; Rk5Step (defined in the .cpp)
  // holds one step's fields, weights and ion stages.
  struct Rk5Step;
  // Stage accelerations of a chunk of rows of one plane: g[q] for the pass's stages, rows `row`
  // and components `stride` doubles apart (atom b at 3b · stride).
  struct StageRows {
    std::array<FieldView, 2> g;
    std::int64_t row = 0, stride = 0;
  };
  void init_rk5_window();
  void step_rk5();
  void refresh_second_stage(const Rk5Step &s);
  Vec3 stage_ion_position(int ion, int j, int known = 6) const;
  // stage_ion_position of every ion into stage_R_.
  void stage_ion_positions(int j);
  // The ion–ion forces of stage j, from the stage positions of every ion.
  void stage_ion_ion_forces(int j);
  // Gate `ion` of pass `pass`: the ion's site and framework forces at the pass's two stages, and
  // its accelerations there if they are needed before the step's end.
  void rk5_open_ion(const Rk5Step &s, int pass, int ion);
  // The planes of the interaction list of ion `ion` at stage positions j0 and j0 + 1 (with Ä_k
  // for k ≥ known as in stage_ion_position).
  std::vector<int> rk5_stage_planes(int ion, int j0, int known = 6) const;
  // The gates of the step, from the ions' stage positions 2 and 3 (physics.md §0.4: those of
  // stages 4 and 5 are within a plane of these; rk5_open_ion checks it).
  void rk5_gates();
  void rk5_ion_update(const Rk5Step &s);
  void rk5_plane(const Rk5Step &s, int pass, int z);
  StageRows rk5_stage_rows(const Rk5Step &s, int pass, int z, int first_row, int count, int thread);
  void rk5_chunk(const Rk5Step &s, int pass, int z, int first_row, int count, int thread);
  void step_verlet();
  // Verlet: acceleration at the current positions, then ṙ += kick · acceleration.
  void verlet_acceleration_and_kick(double kick_ps);

  std::vector<FullLatticeIon> ions_;
  std::vector<double> charge_numbers_; // z_i
  IonIonInteraction ion_ion_;
  LatticeStencil stencil_;
  Mat3 lattice_vectors_;
  Mat3 inverse_lattice_vectors_;
  std::vector<double> masses_;        // m_b
  std::vector<Vec3> basis_positions_; // τ_b
  InteractionList interaction_;
  std::vector<Cell> candidate_offsets_; // moving lists: the box of cells around p to test
  double dt_;
  FullLatticeOptions options_;
  int threads_ = 1;

  // Fields in the padded layout of the stencil (ghosts filled for r and the stage positions):
  // r, ṙ; RK5: the second-stage positions r + c_2 δt ṙ; Verlet: the acceleration.
  AlignedVector<double> storage_;
  Field r_{}, v_{}, second_stage_{}, acceleration_{};
  std::vector<int> full_slot_;      // storage plane z + halo of plane z in a full field
  bool second_stage_valid_ = false; // RK5: r + c_2 δt ṙ is in second_stage_

  // RK5 window: stage accelerations A_0, A_1 and stage positions 2 … 5, written and read within
  // a few planes of the wavefront. With the simple-cubic kernel they live in `slots`
  // plane slots per field: the first `seam` planes of the sweep keep their own slots (the
  // periodic wrap reads them at the end of the step), the others share a ring of slots − seam
  // slots (PlaneWavefrontShape); with several ions the fields hold every plane, for the steps
  // whose lists leave the ring no sweep start. With the generic kernel (ghost planes at fixed
  // offsets) they are full padded fields.
  AlignedVector<double> window_storage_;
  std::int64_t window_field_ = 0; // doubles between the window's fields
  std::int64_t window_component_ = 0, window_plane_ = 0;
  std::vector<int> window_slot_; // storage slot of plane z in this step's sweep
  PlaneWavefront wavefront_;     // its seam and slots: the window's

  int chunk_rows_ = 1;               // most lines of one plane a thread handles in one call
  std::vector<double> line_scratch_; // per thread: 6 n_b × chunk_rows_ stencil line buffers

  // Per ion: R (unwrapped), Ṙ, the Verlet acceleration, the RK5 stage accelerations.
  std::vector<Vec3> R_, Rdot_;
  std::vector<Vec3> verlet_ion_acceleration_;
  bool verlet_acceleration_valid_ = false;
  std::vector<std::array<Vec3, 6>> ion_stage_acceleration_;
  std::vector<std::array<Vec3, 6>> framework_stage_force_; // per ion, RK5 stage
  std::array<std::vector<Vec3>, 6> stage_ion_ion_force_;   // per RK5 stage, ion
  std::array<IonSiteForces, 6> site_forces_;               // per RK5 stage (Verlet: [0])
  PlaneWavefrontGates gates_;                              // of this RK5 step: [pass][ion]
  std::vector<Vec3> ion_force_;                            // per ion, scratch
  std::vector<Vec3> stage_R_;                              // per ion, scratch
  std::int64_t step_index_ = 0;
};

} // namespace ionbath::dynamics
