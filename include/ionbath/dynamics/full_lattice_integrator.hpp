#pragma once
// The full equations of motion (seed 002 Eqs. 2–3, physics.md §4, §12.1): a periodic N1×N2×N3
// lattice of cells of the crystal's n_b basis atoms and the mobile particle,
//   m_b r̈_{nb} = −(V r)_{nb} + f_{nb},  M R̈ = −Σ_{(n,b)∈S} f_{nb},
//   f_{nb} = −∇U(x_{nb} − R),  x_{nb} = A n + τ_b + r_{nb},
// integrated with the RK5 of §0.4 (or velocity Verlet for long microcanonical runs).
// Lattice fields are exchanged in the DOF order 3 (n_b lin(n) + b) + c (§0.2 for n_b = 1: x
// fastest); inside, the integrator keeps one array per (basis atom, Cartesian component) for the
// stencil (LatticeStencil).
#include "ionbath/core/aligned.hpp"
#include "ionbath/core/types.hpp"
#include "ionbath/crystal/crystal.hpp"
#include "ionbath/dynamics/full_scheme.hpp"
#include "ionbath/dynamics/interaction_list.hpp"
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
  double ion_kinetic = 0;       // Σ_c (M_c/2) Ṙ_c², constrained components excluded
  double interaction = 0;       // Σ_{n∈S} U(x_n − R)
  double total() const { return lattice_kinetic + lattice_potential + ion_kinetic + interaction; }
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

  // Lattice displacements (Å) and velocities (Å/ps), 3 n_b N each in DOF order
  // 3 (n_b lin(n) + b) + c.
  void set_lattice_state(std::span<const double> r_A, std::span<const double> rdot_A_per_ps);
  void set_ion_state(const Vec3 &R_A, const Vec3 &Rdot_A_per_ps);
  // Restart from a checkpoint: the state set above is that of step `step_index`.
  void set_step_index(std::int64_t step_index) { step_index_ = step_index; }
  void step();
  void advance(std::int64_t steps);

  std::vector<double> lattice_displacements_A() const;     // 3 n_b N, DOF order
  std::vector<double> lattice_velocities_A_per_ps() const; // 3 n_b N, DOF order
  Vec3 displacement_A(const Cell &n, int b = 0) const;     // label wrapped into the lattice
  Vec3 velocity_A_per_ps(const Cell &n, int b = 0) const;
  const Vec3 &ion_position_A() const { return R_; } // unwrapped
  const Vec3 &ion_velocity_A_per_ps() const { return Rdot_; }

  FullEnergy energy() const;
  // Σ_{n,b} m_b ṙ_{nb} + M Ṙ (meV ps/Å); constrained ion components contribute nothing.
  Vec3 total_momentum() const;
  // Cells of the atoms of the interaction list S at the current state (wrapped labels).
  std::vector<Cell> interaction_sites() const;

  const GridShape &lattice() const { return stencil_.lattice(); }
  std::int64_t cells() const { return stencil_.sites(); }
  std::int64_t atoms() const { return stencil_.sites() * stencil_.n_basis(); }
  const LatticeStencil &stencil() const { return stencil_; } // acceleration stencil (scale 1/m_b)
  // Bytes of lattice fields held: state, stage fields of the scheme, line buffers.
  std::int64_t field_bytes() const;
  std::int64_t step_index() const { return step_index_; }
  double dt_ps() const { return dt_; }
  double time_ps() const { return dt_ * static_cast<double>(step_index_); }

private:
  // Force on one atom of S (meV/Å), atom b of cell lin(n); the ion feels the opposite.
  struct SiteForce {
    std::int64_t lin;
    int atom;
    Vec3 force;
  };
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
  // The list S for lattice displacements `r` and ion position R (physics.md §4.1): forces on its
  // atoms into `forces` (sorted by cell, then atom), the force on the ion, and Σ_{S} U (returned,
  // meV).
  double interact(const ConstStoredField &r, const Vec3 &R, std::vector<SiteForce> &forces,
                  Vec3 &ion_force) const;
  // Adds `forces` (scaled by 1/m_b) to the acceleration of line `line` (atom b's components at
  // line_acceleration[c] + b · atom_stride).
  void add_site_accelerations(const std::vector<SiteForce> &forces, int line,
                              FieldView line_acceleration, std::int64_t atom_stride) const;
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
  Vec3 stage_ion_position(const Rk5Step &s, int j) const;
  void rk5_ion_stages(Rk5Step &s, int pass);
  std::vector<int> rk5_gate(const Rk5Step &s, int pass) const;
  void rk5_ion_update(const Rk5Step &s);
  void rk5_plane(const Rk5Step &s, int pass, int z);
  StageRows rk5_stage_rows(const Rk5Step &s, int pass, int z, int first_row, int count, int thread);
  void rk5_chunk(const Rk5Step &s, int pass, int z, int first_row, int count, int thread);
  void step_verlet();
  // Verlet: acceleration at the current positions, then ṙ += kick · acceleration.
  void verlet_acceleration_and_kick(double kick_ps);

  const PairPotential &potential_;
  LatticeStencil stencil_;
  Mat3 lattice_vectors_;
  Mat3 inverse_lattice_vectors_;
  std::vector<double> masses_;        // m_b
  std::vector<Vec3> basis_positions_; // τ_b
  Vec3 ion_inverse_mass_;
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
  // slots (PlaneWavefrontShape). With the generic kernel (ghost planes at fixed offsets)
  // they are full padded fields.
  AlignedVector<double> window_storage_;
  std::int64_t window_field_ = 0; // doubles between the window's fields
  std::int64_t window_component_ = 0, window_plane_ = 0;
  std::vector<int> window_slot_; // storage slot of plane z in this step's sweep
  PlaneWavefront wavefront_;     // its seam and slots: the window's

  int chunk_rows_ = 1;               // most lines of one plane a thread handles in one call
  std::vector<double> line_scratch_; // per thread: 6 n_b × chunk_rows_ stencil line buffers

  Vec3 R_ = Vec3::Zero();
  Vec3 Rdot_ = Vec3::Zero();
  Vec3 verlet_ion_acceleration_ = Vec3::Zero();
  bool verlet_acceleration_valid_ = false;
  std::array<std::vector<SiteForce>, 6> site_forces_; // per RK5 stage (Verlet: [0])
  Vec3 ion_force_ = Vec3::Zero();
  std::int64_t step_index_ = 0;
};

} // namespace ionbath::dynamics
