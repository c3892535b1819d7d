#include "ionbath/dynamics/full_lattice_integrator.hpp"

#include "ionbath/core/error.hpp"
#include "ionbath/dynamics/rk5.hpp"
#include "lattice_passes.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <stdexcept>
#include <tuple>
#include <type_traits>
#include <utility>
#ifdef _OPENMP
#include <omp.h>
#endif

namespace ionbath::dynamics {

namespace {
using T = ButcherRk5;
constexpr int S = T::stages;

constexpr SecondOrderRk5 rk2{};
using passes::PassFunction;
using passes::PassLine;
using passes::PassWeights;

int resolve_threads(int requested) {
#ifdef _OPENMP
  return requested > 0 ? requested : omp_get_max_threads();
#else
  (void)requested;
  return 1;
#endif
}

// f(line, thread) for the lines [first, end), OpenMP-parallel over lines when threads > 1.
template <class F> void for_each_line(int first, int end, int threads, F &&f) {
#ifdef _OPENMP
  if (threads > 1) {
#pragma omp parallel for schedule(static) num_threads(threads)
    for (int l = first; l < end; ++l)
      f(l, omp_get_thread_num());
    return;
  }
#else
  (void)threads;
#endif
  for (int l = first; l < end; ++l)
    f(l, 0);
}
template <class F> void for_each_line(int lines, int threads, F &&f) {
  for_each_line(0, lines, threads, std::forward<F>(f));
}

// Stencil scale 1/m_b per basis atom (accelerations, physics.md §4.1).
std::vector<double> inverse_masses(const crystal::Crystal &crystal) {
  std::vector<double> inverse;
  for (const auto &atom : crystal.basis())
    inverse.push_back(1.0 / atom.mass);
  return inverse;
}
} // namespace

FullLatticeIntegrator::FullLatticeIntegrator(const crystal::Crystal &crystal, GridShape lattice,
                                             const PairPotential &potential,
                                             const Vec3 &ion_inverse_mass,
                                             InteractionList interaction, double dt_ps,
                                             FullLatticeOptions options)
    : FullLatticeIntegrator(crystal, lattice, {FullLatticeIon{&potential, ion_inverse_mass, 1.0}},
                            IonIonInteraction::none(), std::move(interaction), dt_ps, options) {}

FullLatticeIntegrator::FullLatticeIntegrator(const crystal::Crystal &crystal, GridShape lattice,
                                             std::vector<FullLatticeIon> ions,
                                             IonIonInteraction ion_ion, InteractionList interaction,
                                             double dt_ps, FullLatticeOptions options)
    : ions_(std::move(ions)), ion_ion_(std::move(ion_ion)),
      stencil_(crystal, lattice, inverse_masses(crystal), options.kernel),
      lattice_vectors_(crystal.lattice_vectors()),
      inverse_lattice_vectors_(crystal.lattice_vectors().inverse()),
      interaction_(std::move(interaction)), dt_(dt_ps), options_(options),
      threads_(resolve_threads(options.threads)) {
  if (!(dt_ > 0))
    throw InputError(fmt::format("full EOM: time step must be positive, got {} ps", dt_));
  check_ions();
  const std::size_t n_ions = ions_.size();
  for (const auto &ion : ions_)
    charge_numbers_.push_back(ion.charge_number);
  R_.assign(n_ions, Vec3::Zero());
  Rdot_.assign(n_ions, Vec3::Zero());
  verlet_ion_acceleration_.assign(n_ions, Vec3::Zero());
  ion_stage_acceleration_.assign(n_ions, {});
  framework_stage_force_.assign(n_ions, {});
  for (int j = 0; j < S; ++j) {
    stage_ion_ion_force_[j].assign(n_ions, Vec3::Zero());
    site_forces_[j].assign(n_ions, {});
  }
  ion_force_.assign(n_ions, Vec3::Zero());
  stage_R_.assign(n_ions, Vec3::Zero());
  if (options.threads < 0)
    throw InputError(fmt::format("full EOM: threads must be ≥ 0, got {}", options.threads));
  for (const auto &atom : crystal.basis()) {
    masses_.push_back(atom.mass);
    basis_positions_.push_back(atom.position);
  }
  check_interaction(crystal, lattice);
  candidate_offsets_ = interaction_.box_offsets(inverse_lattice_vectors_);

  const std::int64_t field_size = stencil_.components() * stencil_.padded_sites();
  const bool rk5 = options_.scheme == FullScheme::rk5;
  storage_.assign(static_cast<std::size_t>(3 * field_size), 0.0);
  r_ = {0};
  v_ = {field_size};
  second_stage_ = acceleration_ = {2 * field_size};
  for (int z = 0; z < lattice[2]; ++z)
    full_slot_.push_back(z + stencil_.halo()[2]);
  if (rk5)
    init_rk5_window();
  chunk_rows_ = (lattice[1] + threads_ - 1) / threads_;
  line_scratch_.assign(static_cast<std::size_t>(threads_) * 2 * stencil_.components() *
                           chunk_rows_ * stencil_.line_buffer_length(),
                       0.0);
}

// At least one ion, each with a potential, finite inverse masses ≥ 0 and a finite charge; the
// ion–ion term on this lattice's supercell (physics.md §11.1).
void FullLatticeIntegrator::check_ions() const {
  if (ions_.empty())
    throw InputError("full EOM: at least one mobile ion is needed");
  for (std::size_t i = 0; i < ions_.size(); ++i) {
    const auto &ion = ions_[i];
    if (ion.potential == nullptr)
      throw InputError(fmt::format("full EOM: ion {} has no pair potential", i));
    if (!((ion.inverse_mass.array() >= 0).all() && ion.inverse_mass.allFinite()))
      throw InputError(fmt::format("full EOM: ion {}: inverse masses must be finite and ≥ 0", i));
    if (!std::isfinite(ion.charge_number))
      throw InputError(
          fmt::format("full EOM: ion {}: charge number {} is not finite", i, ion.charge_number));
  }
  if (!ion_ion_.active())
    return;
  const Mat3 expected = PeriodicSupercell(lattice_vectors_, lattice()).vectors_A();
  if (!((ion_ion_.supercell().vectors_A() - expected).norm() <= 1e-12 * expected.norm()))
    throw InputError("full EOM: the ion–ion interaction's supercell is not this lattice's "
                     "periodic box N_k a_k");
}

// The list S must fit the crystal and the lattice (physics.md §4.1): basis indices of a fixed list
// in range, the corners for one-atom crystals, and a moving list's box of 2e_j cells no wider
// than the lattice.
void FullLatticeIntegrator::check_interaction(const crystal::Crystal &crystal,
                                              const GridShape &lattice) const {
  for (const int b : interaction_.basis())
    if (b >= crystal.n_basis())
      throw InputError(fmt::format("full EOM: basis index {} of the fixed list is not in [0, {})",
                                   b, crystal.n_basis()));
  const auto kind = interaction_.kind();
  if (kind == InteractionList::Kind::corners && crystal.n_basis() != 1)
    throw InputError(fmt::format(
        "full EOM: the corner list is the simple-cubic one-atom protocol; crystal '{}' has {} "
        "atoms per cell (use a cutoff list)",
        crystal.name(), crystal.n_basis()));
  const auto e = interaction_.box(inverse_lattice_vectors_);
  for (int axis = 0; axis < 3; ++axis) {
    if (2 * e[axis] <= lattice[axis])
      continue;
    if (kind == InteractionList::Kind::corners)
      throw InputError(fmt::format("full EOM: the corner list of extent {} needs at least {} "
                                   "cells along every axis",
                                   e[axis], 2 * e[axis]));
    throw InputError(fmt::format("full EOM: cutoff {} Å needs at least {} cells along axis {}",
                                 interaction_.radius_A(), 2 * e[axis], axis + 1));
  }
}

void FullLatticeIntegrator::init_rk5_window() {
  const int n3 = lattice()[2], h = stencil_.halo()[2];
  PlaneWavefrontShape shape{.passes = 3, .planes = n3, .reach = h, .seam = 0, .slots = n3};
  if (stencil_.reads_planes_anywhere()) {
    // Seam: pass 1 on the sweep's first h planes and pass 2 on its first 2h planes wait for the
    // last planes (periodic), and read the window's planes up to 3h − 1. Ring: pass 2 trails
    // pass 0 by 2h planes, and an ion's gate waits for the planes of its interaction list, which
    // must be written before any slot is reused (PlaneWavefront plans a start that allows it).
    shape.seam = 3 * h;
    const int ring = std::max(
        4 * h + 2, interaction_.plane_span(inverse_lattice_vectors_, basis_positions_, n3) + 2);
    shape.slots = std::min(n3, shape.seam + ring);
    // Several ions: lists all along axis 3 may leave the ring no sweep start it can serve
    // (PlaneWavefront plans it); the fields then hold every plane.
    shape.capacity = ions_.size() > 1 ? n3 : shape.slots;
    window_component_ = stencil_.plane_stride();
    window_plane_ = 3 * window_component_;
    // (The stencil's vector loop may read a few doubles past the last plane.)
    window_field_ = shape.capacity * window_plane_ + stencil_.line_buffer_length() + 8;
    window_slot_.assign(static_cast<std::size_t>(n3), 0);
  } else {
    window_component_ = stencil_.padded_sites();
    window_plane_ = stencil_.plane_stride();
    window_field_ = stencil_.components() * stencil_.padded_sites();
    window_slot_ = full_slot_;
  }
  window_storage_.assign(static_cast<std::size_t>(6 * window_field_), 0.0);
  wavefront_ = PlaneWavefront(shape);
}

FullLatticeIntegrator::StoredField FullLatticeIntegrator::stored(Field f) {
  return {storage_.data() + f.offset, stencil_.padded_sites(), stencil_.plane_stride(),
          full_slot_.data()};
}

FullLatticeIntegrator::ConstStoredField FullLatticeIntegrator::stored(Field f) const {
  return {storage_.data() + f.offset, stencil_.padded_sites(), stencil_.plane_stride(),
          full_slot_.data()};
}

FullLatticeIntegrator::StoredField FullLatticeIntegrator::stage_acceleration(int k) {
  return {window_storage_.data() + k * window_field_, window_component_, window_plane_,
          window_slot_.data()};
}

FullLatticeIntegrator::StoredField FullLatticeIntegrator::stage_position(int j) {
  if (j < 2)
    return stored(j == 0 ? r_ : second_stage_);
  return {window_storage_.data() + j * window_field_, window_component_, window_plane_,
          window_slot_.data()};
}

void FullLatticeIntegrator::stage_lines(const StoredField &P, int z, int first_row, int count,
                                        FieldView out, std::int64_t out_row,
                                        std::int64_t out_atom) const {
  const int n3 = lattice()[2];
  stencil_.plane_lines(first_row, count, P.at((z + n3 - 1) % n3), P.at(z), P.at((z + 1) % n3),
                       P.component, out, out_row, out_atom);
}

void FullLatticeIntegrator::fill_ghosts(const StoredField &P, int z) const {
  // The generic kernel reads ghost planes (then every field is a padded field); the simple-cubic
  // kernel reads the plane's own ghosts only.
  if (stencil_.reads_planes_anywhere())
    stencil_.fill_plane_ghosts(P.at(z), P.component);
  else
    stencil_.fill_plane_halo(P.base, z);
}

std::int64_t FullLatticeIntegrator::field_bytes() const {
  return static_cast<std::int64_t>(
      sizeof(double) * (storage_.size() + window_storage_.size() + line_scratch_.size()));
}

FieldView FullLatticeIntegrator::field(Field f, int b) {
  const std::int64_t n = stencil_.padded_sites();
  double *p = storage_.data() + f.offset + 3 * b * n;
  return {p, p + n, p + 2 * n};
}

ConstFieldView FullLatticeIntegrator::field(Field f, int b) const {
  const std::int64_t n = stencil_.padded_sites();
  const double *p = storage_.data() + f.offset + 3 * b * n;
  return {p, p + n, p + 2 * n};
}

Cell FullLatticeIntegrator::wrap(const Cell &n) const {
  Cell w;
  for (int axis = 0; axis < 3; ++axis) {
    const int m = n[axis] % lattice()[axis];
    w[axis] = m < 0 ? m + lattice()[axis] : m;
  }
  return w;
}

std::int64_t FullLatticeIntegrator::lin(const Cell &w) const {
  return w.x() + std::int64_t(lattice()[0]) * (w.y() + std::int64_t(lattice()[1]) * w.z());
}

std::int64_t FullLatticeIntegrator::slot(std::int64_t lin) const {
  const int n1 = lattice()[0], n2 = lattice()[1];
  return stencil_.padded_index(static_cast<int>(lin % n1), static_cast<int>(lin / n1 % n2),
                               static_cast<int>(lin / (std::int64_t(n1) * n2)));
}

Vec3 FullLatticeIntegrator::minimum_image(const Vec3 &s) const {
  Vec3 f = inverse_lattice_vectors_ * s;
  for (int axis = 0; axis < 3; ++axis) {
    const double n = lattice()[axis];
    f[axis] -= n * std::floor(f[axis] / n + 0.5); // f ∈ [−N/2, N/2)
  }
  return lattice_vectors_ * f;
}

double FullLatticeIntegrator::interact(const ConstStoredField &r, std::span<const Vec3> R,
                                       IonSiteForces &forces, std::span<Vec3> ion_forces) const {
  forces.resize(ions_.size());
  double energy = 0;
  for (std::size_t i = 0; i < ions_.size(); ++i)
    energy += interact_one(r, static_cast<int>(i), R[i], forces[i], ion_forces[i]);
  return energy;
}

double FullLatticeIntegrator::interact_one(const ConstStoredField &r, int ion, const Vec3 &R,
                                           std::vector<SiteForce> &forces, Vec3 &ion_force) const {
  const PairPotential &potential = *ions_[static_cast<std::size_t>(ion)].potential;
  forces.clear();
  ion_force.setZero();
  double energy = 0;
  // r_{nb} of cell lin(n) = l: component c of atom b is padded component 3b + c.
  auto displacement = [&](std::int64_t l, int b) {
    const int n1 = lattice()[0], n2 = lattice()[1];
    const double *x =
        r.at(static_cast<int>(l / (std::int64_t(n1) * n2))) +
        stencil_.in_plane_index(static_cast<int>(l % n1), static_cast<int>(l / n1 % n2)) +
        3 * b * r.component;
    return Vec3(x[0], x[r.component], x[2 * r.component]);
  };
  // One pair term: force −∇U(s) on the atom, +∇U(s) on the ion (s = x_{nb} − R).
  auto add = [&](std::int64_t l, int b, const Vec3 &s) {
    const auto [u, g] = potential.value_and_gradient(s);
    energy += u;
    forces.push_back({l, b, -g});
    ion_force += g;
  };
  if (interaction_.kind() == InteractionList::Kind::fixed) {
    const auto &sites = interaction_.sites();
    for (std::size_t i = 0; i < sites.size(); ++i) {
      const Cell &n = sites[i];
      const int b = interaction_.basis_of(i);
      const std::int64_t l = lin(wrap(n));
      add(l, b, lattice_vectors_ * n.cast<double>() + basis_positions_[b] + displacement(l, b) - R);
    }
  } else {
    // Minimum-image separation of atom (n, b), label wrapped into the lattice.
    auto pair_separation = [&](const Cell &n, int b, std::int64_t &l) {
      const Cell w = wrap(n);
      l = lin(w);
      return minimum_image(lattice_vectors_ * w.cast<double>() + basis_positions_[b] +
                           displacement(l, b) - R);
    };
    if (interaction_.kind() == InteractionList::Kind::corners) {
      const Cell p = anchor_cell(inverse_lattice_vectors_, R);
      for (const Cell &o : candidate_offsets_) {
        std::int64_t l;
        const Vec3 s = pair_separation(p + o, 0, l);
        add(l, 0, s);
      }
    } else {
      // Sublattice b is the Bravais lattice shifted by τ_b: its cells near R are those of the
      // one-atom lattice near R − τ_b.
      const double radius2 = interaction_.radius_A() * interaction_.radius_A();
      for (int b = 0; b < stencil_.n_basis(); ++b) {
        const Cell p = anchor_cell(inverse_lattice_vectors_, R - basis_positions_[b]);
        for (const Cell &o : candidate_offsets_) {
          std::int64_t l;
          const Vec3 s = pair_separation(p + o, b, l);
          if (s.squaredNorm() < radius2)
            add(l, b, s);
        }
      }
    }
  }
  std::sort(forces.begin(), forces.end(), [](const SiteForce &a, const SiteForce &b) {
    return std::tie(a.lin, a.atom) < std::tie(b.lin, b.atom);
  });
  return energy;
}

void FullLatticeIntegrator::ion_ion_forces(std::span<const Vec3> R, std::span<Vec3> forces) const {
  std::fill(forces.begin(), forces.end(), Vec3::Zero());
  if (ion_ion_.active())
    ion_ion_.add_forces(R, charge_numbers_, forces);
}

Vec3 FullLatticeIntegrator::ion_acceleration(int ion, const Vec3 &framework_force,
                                             const Vec3 &ion_ion_force) const {
  const Vec3 &inverse_mass = ions_[static_cast<std::size_t>(ion)].inverse_mass;
  return inverse_mass.cwiseProduct(ion_ion_.active() ? Vec3(framework_force + ion_ion_force)
                                                     : framework_force);
}

void FullLatticeIntegrator::add_site_accelerations(const IonSiteForces &forces, int first_line,
                                                   int lines, FieldView out, std::int64_t row,
                                                   std::int64_t atom_stride) const {
  const int n1 = stencil_.line_length();
  const std::int64_t first = std::int64_t(first_line) * n1;
  const std::int64_t last = first + std::int64_t(lines) * n1;
  // Every ion's list is sorted by site and touches a few lines; an atom listed by several ions
  // takes their forces in the order of the ions.
  for (const auto &list : forces) {
    if (list.empty() || list.front().lin >= last || list.back().lin < first)
      continue;
    auto it = std::lower_bound(list.begin(), list.end(), first,
                               [](const SiteForce &f, std::int64_t l) { return f.lin < l; });
    for (; it != list.end() && it->lin < last; ++it) {
      const std::int64_t k = (it->lin - first) / n1, x = (it->lin - first) % n1;
      for (int c = 0; c < 3; ++c)
        out[c][it->atom * atom_stride + k * row + x] +=
            it->force[c] / masses_[static_cast<std::size_t>(it->atom)];
    }
  }
}

void FullLatticeIntegrator::set_lattice_state(std::span<const double> r_A,
                                              std::span<const double> rdot_A_per_ps) {
  const std::int64_t n = atoms();
  if (static_cast<std::int64_t>(r_A.size()) != 3 * n ||
      static_cast<std::int64_t>(rdot_A_per_ps.size()) != 3 * n)
    throw InputError(fmt::format("full EOM: lattice state needs 3 n_b N = {} values", 3 * n));
  const std::int64_t component = stencil_.padded_sites();
  const int nb = stencil_.n_basis();
  double *r = field(r_)[0];
  double *v = field(v_)[0];
  for (std::int64_t i = 0; i < n; ++i) // atom b = i mod n_b of cell i / n_b
    for (int c = 0; c < 3; ++c) {
      const std::int64_t k = (3 * (i % nb) + c) * component + slot(i / nb);
      r[k] = r_A[3 * i + c];
      v[k] = rdot_A_per_ps[3 * i + c];
    }
  stencil_.fill_halo(r);
  verlet_acceleration_valid_ = false;
  second_stage_valid_ = false;
}

void FullLatticeIntegrator::set_ion_state(int ion, const Vec3 &R_A, const Vec3 &Rdot_A_per_ps) {
  if (ion < 0 || ion >= ion_count())
    throw std::out_of_range(fmt::format("full EOM: ion {} of {}", ion, ion_count()));
  R_[static_cast<std::size_t>(ion)] = R_A;
  Rdot_[static_cast<std::size_t>(ion)] = Rdot_A_per_ps;
  verlet_acceleration_valid_ = false;
}

void FullLatticeIntegrator::step() {
  if (options_.scheme == FullScheme::rk5)
    step_rk5();
  else
    step_verlet();
  ++step_index_;
}

void FullLatticeIntegrator::advance(std::int64_t steps) {
  for (std::int64_t s = 0; s < steps; ++s)
    step();
}

// The fields, weights and ion stages of one RK5 step.
struct FullLatticeIntegrator::Rk5Step {
  std::array<PassWeights, 3> weights;
  const std::array<PassFunction, 4> &kernels;
  StoredField r, v;
  std::array<StoredField, 2> A; // stage accelerations A_0, A_1
  std::array<StoredField, S> P; // stage positions (P_0 = r); the ions' in ion_stage_acceleration_
};

// One RK5 step in S/2 passes, each computing two stages (physics.md §0.4 in the second-order
// form of SecondOrderRk5). Stage j's position r + c_j δt ṙ + δt² Σ_k ā_jk A_k never involves
// A_{j−1} (ā_{j,j−1} = 0), so the positions of stages i and i + 1 are both known before the pass
// for stages (i, i + 1): that pass applies the stencil to both (plus the ion forces of S,
// physics.md §4.1), then writes the positions of stages i + 2 and i + 3, or at the end the final
// update and the next step's second-stage positions r + c_2 δt ṙ.
//
// The passes run as a plane wavefront (PlaneWavefront, tasks (pass, plane)): task (p, z) needs
// pass p − 1 on the planes z − h … z + h (h the stencil's reach along axis 3). Each ion i has a
// gate per pass p ≥ 1: its framework and site forces at the pass's stages, which read the stage
// positions of pass p − 1 on the planes of S_i (rk5_gates); the pass's tasks on those planes wait
// for it, the others do not. An ion's forces need no other ion's: the ion–ion forces of stages
// 2, 3 follow from the positions known at the step's start, those of stages 4, 5 are added at its
// end (they enter no stage position). So the passes trail each other by a few planes however
// many ions there are. The in-place updates of r, ṙ and the next step's P_1 by passes 1 and 2
// come after every pass-0 task that reads those planes, periodic neighbours included (implied by
// the wrapped dependencies), so pass 0 always reads the values of the step's start. Every task
// computes the same numbers whatever the order, so the result does not depend on the schedule,
// the slots or the threads.
void FullLatticeIntegrator::step_rk5() {
  static_assert(S == 6, "the pass kernels are laid out for six stages in three pairs");
  Rk5Step s{passes::rk5_pass_weights(dt_),
            passes::rk5_pass_kernels(),
            stored(r_),
            stored(v_),
            {stage_acceleration(0), stage_acceleration(1)},
            {}};
  for (int j = 0; j < S; ++j)
    s.P[j] = stage_position(j);
  if (!second_stage_valid_)
    refresh_second_stage(s);
  // Stages 0 and 1 of every ion, then the ion–ion forces of stages 2 and 3 (their positions
  // need Ä_0, Ä_1 only).
  stage_ion_ion_forces(0);
  stage_ion_ion_forces(1);
  for (int i = 0; i < ion_count(); ++i)
    rk5_open_ion(s, 0, i);
  stage_ion_ion_forces(2);
  stage_ion_ion_forces(3);
  // A task reads every ion's list of its stage: those of the gates not yet open are empty (the
  // last step's would act on other planes).
  for (int j = 2; j < S; ++j)
    for (auto &list : site_forces_[j])
      list.clear();
  rk5_gates();
  const PlaneWavefrontWork work{[&](int pass, int z) { rk5_plane(s, pass, z); },
                                [&](int pass, int ion) { rk5_open_ion(s, pass, ion); }};
  try {
    wavefront_.execute(work, gates_,
                       stencil_.reads_planes_anywhere() ? std::span<int>(window_slot_)
                                                        : std::span<int>());
  } catch (const PlaneWavefrontTooWide &e) {
    throw std::runtime_error(fmt::format(
        "full EOM: the ion's stage positions in step {} reach {} consecutive planes, more than "
        "the RK5 window of {} planes serves; the time step {} ps is too long for the ion's speed",
        step_index_, e.span, e.limit, dt_));
  }
  for (int j = 4; j < S; ++j) {
    stage_ion_ion_forces(j);
    for (std::size_t i = 0; i < ions_.size(); ++i)
      ion_stage_acceleration_[i][j] = ion_acceleration(
          static_cast<int>(i), framework_stage_force_[i][j], stage_ion_ion_force_[j][i]);
  }
  rk5_ion_update(s);
}

// The next-stage arithmetic of the last pass, so a restarted run (fresh stage-2 positions) is
// bitwise identical to a continuing one.
void FullLatticeIntegrator::refresh_second_stage(const Rk5Step &s) {
  const std::int64_t field = stencil_.padded_sites();
  for_each_line(stencil_.lines(), threads_, [&](int l, int) {
    const std::int64_t o = stencil_.line_start(l);
    PassLine line;
    line.components = stencil_.components();
    line.r = s.r.base + o;
    line.v = s.v.base + o;
    line.next = s.P[1].base + o;
    line.field_stride = field;
    s.kernels[3](stencil_.line_length(), line, s.weights[2]);
  });
  stencil_.fill_halo(s.P[1].base);
  second_stage_valid_ = true;
}

// R_i + c_j δt Ṙ_i + δt² Σ_k ā_jk Ä_{i,k} (physics.md §0.4, second-order form), with Ä_{i,k} for
// k ≥ known taken as Ä_{i,known−1}.
Vec3 FullLatticeIntegrator::stage_ion_position(int ion, int j, int known) const {
  const auto i = static_cast<std::size_t>(ion);
  const double h = dt_;
  Vec3 R_stage = R_[i] + (T::c[j] * h) * Rdot_[i];
  for (int k = 0; k + 1 < j; ++k)
    R_stage += (h * h * rk2.abar[j][k]) * ion_stage_acceleration_[i][std::min(k, known - 1)];
  return R_stage;
}

void FullLatticeIntegrator::stage_ion_positions(int j) {
  for (int i = 0; i < ion_count(); ++i)
    stage_R_[static_cast<std::size_t>(i)] = stage_ion_position(i, j);
}

void FullLatticeIntegrator::stage_ion_ion_forces(int j) {
  stage_ion_positions(j);
  ion_ion_forces(stage_R_, stage_ion_ion_force_[j]);
}

// The framework forces of ion `ion` at the stages j of `pass` from their stage positions
// (physics.md §4.1, §11.2). Ä_j enters the stage positions of stage j + 2 on: it is needed at once
// for j ≤ 3 (the ion–ion forces of those stages are known when the pass opens); Ä_4, Ä_5 wait
// for the ion–ion forces at the end of the step.
void FullLatticeIntegrator::rk5_open_ion(const Rk5Step &s, int pass, int ion) {
  const auto i = static_cast<std::size_t>(ion);
  for (int j = 2 * pass; j < 2 * pass + 2; ++j) {
    Vec3 &force = framework_stage_force_[i][j];
    interact_one(s.P[j], ion, stage_ion_position(ion, j), site_forces_[j][i], force);
    if (j < 4)
      ion_stage_acceleration_[i][j] = ion_acceleration(ion, force, stage_ion_ion_force_[j][i]);
  }
  if (pass != 1)
    return;
  const std::vector<int> &gate = gates_[2][i];
  for (const int z : rk5_stage_planes(ion, 4))
    if (!std::binary_search(gate.begin(), gate.end(), z))
      throw std::runtime_error(fmt::format(
          "full EOM: the stage positions 4 and 5 of ion {} in step {} lie more than a plane of "
          "cells from their prediction; the time step {} ps is too long for its acceleration",
          ion, step_index_, dt_));
}

std::vector<int> FullLatticeIntegrator::rk5_stage_planes(int ion, int j0, int known) const {
  std::vector<int> planes;
  for (int j = j0; j < j0 + 2; ++j) {
    const std::vector<int> touched =
        interaction_.planes_touched(inverse_lattice_vectors_, basis_positions_,
                                    stage_ion_position(ion, j, known), lattice()[2]);
    planes.insert(planes.end(), touched.begin(), touched.end());
  }
  std::sort(planes.begin(), planes.end());
  planes.erase(std::unique(planes.begin(), planes.end()), planes.end());
  return planes;
}

// Gate i of pass 1 waits for the planes of S_i at stages 2 and 3. Gate i of pass 2 waits for
// those of stages 4 and 5, whose positions need Ä_2, Ä_3: it takes the planes at the positions
// predicted with Ä_1 in their place and, for a moving list, one plane on either side (the
// prediction is off by δt² ā (Ä_3 − Ä_1), far below a cell; rk5_open_ion checks it).
void FullLatticeIntegrator::rk5_gates() {
  const int n3 = lattice()[2];
  gates_.resize(3);
  gates_[1].resize(ions_.size());
  gates_[2].resize(ions_.size());
  for (int i = 0; i < ion_count(); ++i) {
    auto &pass1 = gates_[1][static_cast<std::size_t>(i)];
    auto &pass2 = gates_[2][static_cast<std::size_t>(i)];
    pass1 = rk5_stage_planes(i, 2);
    pass2.clear();
    const int widen = interaction_.kind() == InteractionList::Kind::fixed ? 0 : 1;
    for (const int z : rk5_stage_planes(i, 4, 2))
      for (int d = -widen; d <= widen; ++d)
        pass2.push_back(((z + d) % n3 + n3) % n3);
    std::sort(pass2.begin(), pass2.end());
    pass2.erase(std::unique(pass2.begin(), pass2.end()), pass2.end());
  }
}

// R_i += δt Ṙ_i + δt² Σ_k b̄_k Ä_{i,k}, Ṙ_i += δt Σ_k b_k Ä_{i,k} (physics.md §0.4,
// second-order form).
void FullLatticeIntegrator::rk5_ion_update(const Rk5Step &) {
  const double h = dt_;
  for (std::size_t i = 0; i < ions_.size(); ++i) {
    Vec3 dR = h * Rdot_[i];
    Vec3 dRdot = Vec3::Zero();
    for (int k = 0; k < S; ++k) {
      dR += (h * h * rk2.bbar[k]) * ion_stage_acceleration_[i][k];
      dRdot += (h * T::b[k]) * ion_stage_acceleration_[i][k];
    }
    R_[i] += dR;
    Rdot_[i] += dRdot;
  }
}

// Task (pass, plane z): the plane's lines in one contiguous chunk per thread, then the ghosts of
// the planes written.
void FullLatticeIntegrator::rk5_plane(const Rk5Step &s, int pass, int z) {
  const int n2 = lattice()[1];
  for_each_line(0, threads_, threads_, [&](int chunk, int thread) {
    const int first_row = chunk * n2 / threads_;
    const int count = (chunk + 1) * n2 / threads_ - first_row;
    if (count > 0)
      rk5_chunk(s, pass, z, first_row, count, thread);
  });
  const int i = 2 * pass;
  if (pass < 2) {
    fill_ghosts(s.P[i + 2], z);
    fill_ghosts(s.P[i + 3], z);
  } else {
    fill_ghosts(s.r, z);
    fill_ghosts(s.P[1], z);
  }
}

// Stage accelerations of `count` rows of plane z from first_row: the stencil of the pass's two
// stages plus the forces of S on its atoms (physics.md §4.1), straight into A_j if a later pass
// needs them, else into the thread's buffers of one row per line.
FullLatticeIntegrator::StageRows FullLatticeIntegrator::rk5_stage_rows(const Rk5Step &s, int pass,
                                                                       int z, int first_row,
                                                                       int count, int thread) {
  const int i = 2 * pass, n2 = lattice()[1], buffer = stencil_.line_buffer_length();
  const int components = stencil_.components();
  const std::int64_t o = stencil_.in_plane_index(0, first_row);
  double *scratch =
      line_scratch_.data() + std::int64_t(thread) * 2 * components * chunk_rows_ * buffer;
  StageRows out;
  out.row = pass == 0 ? stencil_.row_stride() : buffer;
  out.stride = pass == 0 ? s.A[0].component : chunk_rows_ * buffer;
  for (int q = 0; q < 2; ++q) {
    double *rows = pass == 0 ? s.A[q].at(z) + o : scratch + components * q * chunk_rows_ * buffer;
    FieldView &g = out.g[q];
    g = {rows, rows + out.stride, rows + 2 * out.stride};
    stage_lines(s.P[i + q], z, first_row, count, g, out.row, 3 * out.stride);
    add_site_accelerations(site_forces_[i + q], z * n2 + first_row, count, g, out.row,
                           3 * out.stride);
  }
  return out;
}

// The fused line update of one chunk (lattice_passes.hpp) from its stage accelerations.
void FullLatticeIntegrator::rk5_chunk(const Rk5Step &s, int pass, int z, int first_row, int count,
                                      int thread) {
  const StageRows g = rk5_stage_rows(s, pass, z, first_row, count, thread);
  const std::int64_t row = stencil_.row_stride();
  const std::int64_t o = stencil_.in_plane_index(0, first_row);
  const std::int64_t state = s.r.at(z) - s.r.base + o;
  PassLine line;
  line.rows = count;
  line.components = stencil_.components();
  line.r = s.r.base + state;
  line.v = s.v.base + state;
  line.rdot = s.v.base + state;
  line.field_stride = stencil_.padded_sites();
  line.field_row = row;
  if (pass == 1) {
    line.g = {s.A[0].at(z) + o, s.A[1].at(z) + o, g.g[0][0], g.g[1][0]};
    line.g_stride = {s.A[0].component, s.A[1].component, g.stride, g.stride};
    line.g_row = {row, row, g.row, g.row};
  } else {
    line.g = {g.g[0][0], g.g[1][0], nullptr, nullptr};
    line.g_stride = {g.stride, g.stride, 0, 0};
    line.g_row = {g.row, g.row, 0, 0};
  }
  if (pass < 2) {
    line.position = {s.P[2 * pass + 2].at(z) + o, s.P[2 * pass + 3].at(z) + o};
    line.position_stride = s.P[2 * pass + 2].component;
  }
  line.next = s.P[1].base + state;
  s.kernels[pass](stencil_.line_length(), line, s.weights[pass]);
}

void FullLatticeIntegrator::verlet_acceleration_and_kick(double kick_ps) {
  const int n1 = stencil_.line_length();
  const std::int64_t component = stencil_.padded_sites(); // array k = 3b + α at k · component
  const double *r = field(r_)[0];
  double *v = field(v_)[0];
  double *A = field(acceleration_)[0];
  interact(stored(r_), R_, site_forces_[0], ion_force_);
  ion_ion_forces(R_, stage_ion_ion_force_[0]);
  for (std::size_t i = 0; i < ions_.size(); ++i) {
    verlet_ion_acceleration_[i] =
        ion_acceleration(static_cast<int>(i), ion_force_[i], stage_ion_ion_force_[0][i]);
    Rdot_[i] += kick_ps * verlet_ion_acceleration_[i];
  }
  for_each_line(stencil_.lines(), threads_, [&](int l, int) {
    const std::int64_t o = stencil_.line_start(l);
    const FieldView g{A + o, A + component + o, A + 2 * component + o};
    stencil_.line(l, r, g, 3 * component);
    add_site_accelerations(site_forces_[0], l, 1, g, 0, 3 * component);
    for (int k = 0; k < stencil_.components(); ++k) {
      double *vk = v + k * component + o;
      const double *gk = A + k * component + o;
      for (int s = 0; s < n1; ++s)
        vk[s] += kick_ps * gk[s];
    }
  });
  verlet_acceleration_valid_ = true;
}

// Velocity Verlet: half kick and drift in one streaming pass, then the new acceleration and the
// second half kick in one stencil pass.
void FullLatticeIntegrator::step_verlet() {
  if (!verlet_acceleration_valid_)
    verlet_acceleration_and_kick(0.0);
  const double h = dt_;
  const int n1 = stencil_.line_length();
  const std::int64_t component = stencil_.padded_sites(); // array k = 3b + α at k · component
  double *r = field(r_)[0];
  double *v = field(v_)[0];
  const double *A = field(acceleration_)[0];
  for_each_line(stencil_.lines(), threads_, [&](int l, int) {
    const std::int64_t o = stencil_.line_start(l);
    for (int k = 0; k < stencil_.components(); ++k) {
      double *rk = r + k * component + o, *vk = v + k * component + o;
      const double *Ak = A + k * component + o;
      for (int s = 0; s < n1; ++s) {
        vk[s] += 0.5 * h * Ak[s];
        rk[s] += h * vk[s];
      }
    }
  });
  stencil_.fill_halo(r);
  for (std::size_t i = 0; i < ions_.size(); ++i) {
    Rdot_[i] += (0.5 * h) * verlet_ion_acceleration_[i];
    R_[i] += h * Rdot_[i];
  }
  verlet_acceleration_and_kick(0.5 * h);
}

std::vector<double> FullLatticeIntegrator::dof_order(Field f) const {
  const double *x = field(f)[0];
  const std::int64_t component = stencil_.padded_sites();
  const int nb = stencil_.n_basis();
  std::vector<double> out(static_cast<std::size_t>(3 * atoms()));
  for (std::int64_t i = 0; i < atoms(); ++i) // atom b = i mod n_b of cell i / n_b
    for (int c = 0; c < 3; ++c)
      out[3 * i + c] = x[(3 * (i % nb) + c) * component + slot(i / nb)];
  return out;
}

std::vector<double> FullLatticeIntegrator::lattice_displacements_A() const {
  return dof_order(r_);
}

std::vector<double> FullLatticeIntegrator::lattice_velocities_A_per_ps() const {
  return dof_order(v_);
}

Vec3 FullLatticeIntegrator::displacement_A(const Cell &n, int b) const {
  const double *r = field(r_)[0] + 3 * b * stencil_.padded_sites() + slot(lin(wrap(n)));
  return {r[0], r[stencil_.padded_sites()], r[2 * stencil_.padded_sites()]};
}

Vec3 FullLatticeIntegrator::velocity_A_per_ps(const Cell &n, int b) const {
  const double *v = field(v_)[0] + 3 * b * stencil_.padded_sites() + slot(lin(wrap(n)));
  return {v[0], v[stencil_.padded_sites()], v[2 * stencil_.padded_sites()]};
}

FullEnergy FullLatticeIntegrator::energy() const {
  const int n1 = stencil_.line_length();
  const int buffer = stencil_.line_buffer_length();
  std::vector<double> scratch(static_cast<std::size_t>(stencil_.components() * buffer));
  FullEnergy e;
  for (int l = 0; l < stencil_.lines(); ++l) {
    stencil_.line(l, field(r_)[0],
                  {scratch.data(), scratch.data() + buffer, scratch.data() + 2 * buffer},
                  3 * buffer);
    const std::int64_t o = stencil_.line_start(l);
    for (int b = 0; b < stencil_.n_basis(); ++b) {
      const double m = masses_[static_cast<std::size_t>(b)];
      const auto r = field(r_, b);
      const auto v = field(v_, b);
      const double *g0 = scratch.data() + 3 * b * buffer;
      const ConstFieldView g{g0, g0 + buffer, g0 + 2 * buffer};
      for (int c = 0; c < 3; ++c)
        for (int s = 0; s < n1; ++s) {
          e.lattice_kinetic += 0.5 * m * v[c][o + s] * v[c][o + s];
          e.lattice_potential -= 0.5 * m * r[c][o + s] * g[c][s]; // g = −V r / m_b
        }
    }
  }
  for (std::size_t i = 0; i < ions_.size(); ++i)
    for (int c = 0; c < 3; ++c)
      if (ions_[i].inverse_mass[c] > 0)
        e.ion_kinetic += 0.5 * Rdot_[i][c] * Rdot_[i][c] / ions_[i].inverse_mass[c];
  IonSiteForces forces;
  std::vector<Vec3> ion_forces(ions_.size(), Vec3::Zero());
  e.interaction = interact(stored(r_), R_, forces, ion_forces);
  if (ion_ion_.active())
    e.ion_ion = ion_ion_.energy_meV(R_, charge_numbers_);
  return e;
}

Vec3 FullLatticeIntegrator::total_momentum() const {
  const int n1 = stencil_.line_length();
  const std::int64_t component = stencil_.padded_sites();
  const double *v = field(v_)[0];
  Vec3 p = Vec3::Zero();
  for (int c = 0; c < 3; ++c) {
    double framework = 0; // Σ_b m_b Σ_n ṙ_{nb,c}
    for (int b = 0; b < stencil_.n_basis(); ++b) {
      double sum = 0;
      for (int l = 0; l < stencil_.lines(); ++l)
        for (int s = 0; s < n1; ++s)
          sum += v[(3 * b + c) * component + stencil_.line_start(l) + s];
      framework += masses_[static_cast<std::size_t>(b)] * sum;
    }
    double ions = 0; // Σ_i M_ic Ṙ_ic
    for (std::size_t i = 0; i < ions_.size(); ++i)
      ions += ions_[i].inverse_mass[c] > 0 ? Rdot_[i][c] / ions_[i].inverse_mass[c] : 0.0;
    p[c] = framework + ions;
  }
  return p;
}

std::vector<Cell> FullLatticeIntegrator::interaction_sites() const {
  IonSiteForces per_ion;
  std::vector<Vec3> ion_forces(ions_.size(), Vec3::Zero());
  interact(stored(r_), R_, per_ion, ion_forces);
  std::vector<SiteForce> forces;
  for (const auto &list : per_ion)
    forces.insert(forces.end(), list.begin(), list.end());
  auto site = [](const SiteForce &f) { return std::tie(f.lin, f.atom); };
  std::sort(forces.begin(), forces.end(),
            [&](const SiteForce &a, const SiteForce &b) { return site(a) < site(b); });
  forces.erase(
      std::unique(forces.begin(), forces.end(),
                  [&](const SiteForce &a, const SiteForce &b) { return site(a) == site(b); }),
      forces.end());
  std::vector<Cell> sites;
  for (const auto &f : forces) {
    const int nx = lattice()[0], ny = lattice()[1];
    sites.emplace_back(static_cast<int>(f.lin % nx), static_cast<int>(f.lin / nx % ny),
                       static_cast<int>(f.lin / (std::int64_t(nx) * ny)));
  }
  return sites;
}

} // namespace ionbath::dynamics
