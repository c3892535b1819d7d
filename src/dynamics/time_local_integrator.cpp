#include "ionbath/dynamics/time_local_integrator.hpp"

#include "ionbath/core/error.hpp"
#include "ionbath/dynamics/rk5.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace ionbath::dynamics {

// Several ions (physics.md §11.3). The joint relaxation and the per-ion drag are Eqs. 19–20 with
// U = Σ_i U_i, ion i restricted to its own list S_i (header). The optional cross-drag:
//
// Seed 002 Eq. 16 with U = Σ_i U_i the total interaction (U^ion does not depend on r and drops
// out),
//   r = r_H − V⁻¹ ∇_r U + 𝒦𝓛𝒦ᵀ ∇_r dU/dt,
// where W(t) → 2𝒦𝓛𝒦ᵀ δ(t) neglects the phases e^{iq·L} between all atoms of S (seed 002 neglects
// them within one list; here also between the lists). 𝒦ᵀ∇_r sums over the atoms, and each U_i
// depends on x_n − R_i only, so 𝒦ᵀ∇_r U_i = −∇_{R_i} U_i and
//   𝒦ᵀ∇_r dU/dt = −Σ_j h_j,   h_j = ∇_{R_j} dU_j/dt = Σ_{n∈S_j} Hess U_j(R_j − x_H_n)(Ṙ_j − ṙ_H_n)
// (quasistatic and homogeneous, ṙ → ṙ_H and r → r_H on the right, as for Eq. 20). The dynamic
// term is one uniform shift −𝓛 Σ_j h_j of every atom of S, which ion i sees as a shift of itself:
//   R_eff_i = R_i + 𝓛 h_i + 𝓛 Σ_{j≠i} h_j,
// Eq. 20 plus the cross terms. Units: 𝓛 [ps Å²/meV] · Hess [meV/Å²] · velocity [Å/ps] = Å, as in
// Eq. 20; the product of two Hessians appears in the force only: to first order, with a static
// framework, F_i ≈ F_i⁰ − Σ_j H_i 𝓛 H_j Ṙ_j, a friction matrix Γ_ij = H_i 𝓛 H_j that is positive
// semidefinite and dissipates |𝓛^{1/2} Σ_j H_j Ṙ_j|²: neighbours moving in phase radiate into the
// shared long-wavelength modes twice as fast, in antiphase not at all.
// The phase neglect holds only within about a wavelength of the slow modes that carry the drag:
// the exact W_L(t) reaches a separation |L| after |L|/v, v ≈ 47 Å/ps, a cell or two within the
// ≈ 0.1 ps of the ion's motion; farther apart the response is retarded, not time-local. The cross
// terms are therefore kept between ions whose lists share at least one atom (corners of extent e:
// |p_i − p_j|∞ ≤ 2e − 1; a fixed list is shared by all) and dropped otherwise, so far-apart ions
// move exactly as without the option. Like the lists, the pairing switches at hops.

namespace {
constexpr int max_coupling_size = 3 * max_interaction_sites;
using SiteVectors = Eigen::Matrix<double, 3, Eigen::Dynamic, 0, 3, max_interaction_sites>;
using CouplingVector = Eigen::Matrix<double, Eigen::Dynamic, 1, 0, max_coupling_size, 1>;

// The lists of one stage of the several-ion law: ion i's entry s is atom list_index[i m + s] of
// S; the atoms ion i adds to S (its segment) are union_begin[i] … union_begin[i + 1] − 1.
struct JointLists {
  std::span<const TimeLocalIon> ions;
  std::size_t list_size = 0;       // m, the stride of list_index
  std::span<const int> list_count; // atoms in ion i's list (≤ m)
  std::span<const int> list_index;
  std::span<const int> union_begin;
  std::span<const char> shares_atoms;     // N×N, read with cross_drag
  std::span<const char> coupled_segments; // N×N, read with relaxation
  const double *coupling = nullptr;       // 3|S|×3|S| contiguous, read with relaxation
};

// Outputs and scratch of one stage: relaxation sources ∇U and relaxations x_eff − x_H (3 |S|
// each), per-ion drag sums, forces and R_eff − R.
struct JointStage {
  double *gradient;
  double *shift;
  std::span<Vec3> drag_sum;
  std::span<Vec3> force;
  std::span<Vec3> R_eff_minus_R;
};

// Eqs. 18–20 for every ion (physics.md §11.3, without U^ion); returns max_n |x_eff_n − x_H_n|.
// One ion, one segment: exactly the operations of the single-ion law.
double joint_forces(const JointLists &lists, const Mat3 &drag_matrix,
                    const TimeLocalOptions &options, std::span<const Vec3> x_H,
                    std::span<const Vec3> v_H, std::span<const Vec3> R, std::span<const Vec3> Rdot,
                    const JointStage &out) {
  const std::size_t n_ions = R.size();
  const std::size_t m = lists.list_size;
  const auto n = static_cast<Eigen::Index>(x_H.size());
  Eigen::Map<Eigen::Matrix3Xd> gradient(out.gradient, 3, n);

  // Relaxation sources Σ_{i: k∈S_i} ∇U_i(R_i − x_H_k) = −Σ_i ∇U_i(x_H_k − R_i) (the first ion to
  // list an atom assigns, later ones add) and the drag sums Σ_{n∈S_i} Hess U_i(R_i − x_H_n)
  // (Ṙ_i − ṙ_H_n).
  for (std::size_t i = 0; i < n_ions; ++i) {
    const PairPotential &U = *lists.ions[i].potential;
    const int *list = lists.list_index.data() + i * m;
    const auto count = static_cast<std::size_t>(lists.list_count[i]);
    const int first_new = lists.union_begin[i];
    Vec3 &drag_sum = out.drag_sum[i];
    drag_sum.setZero();
    if (options.drag) {
      for (std::size_t s = 0; s < count; ++s) {
        const int k = list[s];
        const PairTerms u = U.terms(R[i] - x_H[k]);
        if (options.relaxation) {
          if (k >= first_new)
            gradient.col(k) = u.gradient;
          else
            gradient.col(k) += u.gradient;
        }
        drag_sum.noalias() += u.hessian * (Rdot[i] - v_H[k]);
      }
    } else if (options.relaxation) {
      for (std::size_t s = 0; s < count; ++s) {
        const int k = list[s];
        if (k >= first_new)
          gradient.col(k) = U.gradient(R[i] - x_H[k]);
        else
          gradient.col(k) += U.gradient(R[i] - x_H[k]);
      }
    }
  }

  // R_eff_i − R_i = 𝓛 h_i, seed 002 Eq. (20); with the cross-drag 𝓛 Σ_{j ~ i} h_j (above).
  for (std::size_t i = 0; i < n_ions; ++i) {
    if (!options.drag) {
      out.R_eff_minus_R[i].setZero();
    } else if (options.cross_drag && n_ions > 1) {
      Vec3 total = out.drag_sum[i];
      for (std::size_t j = 0; j < n_ions; ++j)
        if (j != i && lists.shares_atoms[i * n_ions + j])
          total += out.drag_sum[j];
      out.R_eff_minus_R[i].noalias() = drag_matrix * total;
    } else {
      out.R_eff_minus_R[i].noalias() = drag_matrix * out.drag_sum[i];
    }
  }

  // x_eff_n − x_H_n = Σ_{k∈S} W_{n−k}(0) Σ_i ∇U_i(R_i − x_H_k), Eq. (19) for all ions: segment by
  // segment, skipping pairs of segments without a W block in the table.
  Eigen::Map<Eigen::VectorXd> shift(out.shift, 3 * n);
  if (options.relaxation) {
    const Eigen::Map<const Eigen::MatrixXd> coupling(lists.coupling, 3 * n, 3 * n);
    const Eigen::Map<const Eigen::VectorXd> source(out.gradient, 3 * n);
    const auto segment = [&](std::size_t I) {
      return std::pair<Eigen::Index, Eigen::Index>{
          3 * lists.union_begin[I], 3 * (lists.union_begin[I + 1] - lists.union_begin[I])};
    };
    if (segment(0).second == 3 * n) {
      shift.noalias() = coupling * source; // one segment holds S (one ion, or a fixed list)
    } else {
      for (std::size_t I = 0; I < n_ions; ++I) {
        const auto [row, rows] = segment(I);
        if (rows == 0)
          continue;
        auto target = shift.segment(row, rows);
        bool first = true;
        for (std::size_t J = 0; J < n_ions; ++J) {
          const auto [col, cols] = segment(J);
          if (cols == 0 || !lists.coupled_segments[I * n_ions + J])
            continue;
          if (first)
            target.noalias() = coupling.block(row, col, rows, cols) * source.segment(col, cols);
          else
            target.noalias() += coupling.block(row, col, rows, cols) * source.segment(col, cols);
          first = false;
        }
        if (first)
          target.setZero();
      }
    }
  } else {
    shift.setZero();
  }

  // F_i = −Σ_{n∈S_i} ∇U_i(R_eff_i − x_eff_n) with x_eff frozen, Eq. (18).
  for (std::size_t i = 0; i < n_ions; ++i) {
    const PairPotential &U = *lists.ions[i].potential;
    const int *list = lists.list_index.data() + i * m;
    const auto count = static_cast<std::size_t>(lists.list_count[i]);
    const Vec3 R_eff = R[i] + out.R_eff_minus_R[i];
    Vec3 force = Vec3::Zero();
    for (std::size_t s = 0; s < count; ++s) {
      const auto shift_k = shift.segment<3>(3 * list[s]);
      force -= U.gradient(R_eff - x_H[list[s]] - shift_k);
    }
    out.force[i] = force;
  }
  double max_relaxation = 0;
  for (Eigen::Index k = 0; k < n; ++k)
    max_relaxation = std::max(max_relaxation, shift.segment<3>(3 * k).norm());
  return max_relaxation;
}

// Distance from the origin to the cell A [o, o + 1] (the separations A n + τ_b − R of the
// candidate n = p_b + o when R − τ_b lies in the cell anchored at p_b, physics.md §3.2): the
// least |A f| over the box, from the unconstrained minimum on each of its 27 faces, edges, vertices
// and interior that lies in the box.
double distance_to_cell(const Mat3 &A, const Cell &o) {
  double best = std::numeric_limits<double>::infinity();
  for (int face = 0; face < 27; ++face) {
    int state[3] = {face % 3, face / 3 % 3, face / 9}; // 0 free, 1 at o_j, 2 at o_j + 1
    Vec3 base = Vec3::Zero();
    Eigen::Matrix<double, 3, Eigen::Dynamic, 0, 3, 3> B(3, 0);
    int free_axes[3], n_free = 0;
    for (int j = 0; j < 3; ++j) {
      if (state[j] == 0) {
        free_axes[n_free++] = j;
        B.conservativeResize(3, n_free);
        B.col(n_free - 1) = A.col(j);
      } else {
        base += (o[j] + state[j] - 1) * A.col(j);
      }
    }
    Vec3 point = base;
    bool inside = true;
    if (n_free > 0) {
      const Eigen::VectorXd t = (B.transpose() * B).ldlt().solve(-B.transpose() * base);
      for (int k = 0; k < n_free; ++k)
        inside = inside && t[k] >= o[free_axes[k]] - 1e-12 && t[k] <= o[free_axes[k]] + 1 + 1e-12;
      point += B * t;
    }
    if (inside)
      best = std::min(best, point.norm());
  }
  return best;
}

// The cutoff's candidates: the offsets o of InteractionList::box_offsets (the full model's, in its
// order) whose cell A [o, o + 1] comes closer to R than the radius (with a rounding margin).
std::vector<Cell> cutoff_candidates(const Mat3 &A, const InteractionList &list) {
  const double r = list.radius_A() * (1 + 1e-9);
  std::vector<Cell> kept;
  for (const Cell &o : list.box_offsets(A.inverse()))
    if (distance_to_cell(A, o) < r)
      kept.push_back(o);
  return kept;
}

// Largest |L|∞ of the separations A L + τ_b' − τ_b shorter than `distance` (the W(0) blocks two
// atoms of one cutoff list, or of two lists sharing atoms, may need).
int separation_range(const Mat3 &A, std::span<const Vec3> tau, double distance) {
  const Mat3 inverse = A.inverse();
  const double d_max = distance * (1 + 1e-9);
  int needed = 0;
  for (const Vec3 &from : tau)
    for (const Vec3 &to : tau) {
      const Vec3 d = to - from, f = inverse * d;
      int half[3];
      for (int j = 0; j < 3; ++j)
        half[j] = static_cast<int>(std::ceil(d_max * inverse.row(j).norm() + std::abs(f[j]))) + 1;
      for (int z = -half[2]; z <= half[2]; ++z)
        for (int y = -half[1]; y <= half[1]; ++y)
          for (int x = -half[0]; x <= half[0]; ++x)
            if ((A * Vec3(x, y, z) + d).norm() < d_max)
              needed = std::max({needed, std::abs(x), std::abs(y), std::abs(z)});
    }
  return needed;
}
} // namespace

TimeLocalForceLaw::TimeLocalForceLaw(const PairPotential &potential, const Mat3 &drag_matrix,
                                     TimeLocalOptions options)
    : potential_(potential), drag_matrix_(drag_matrix), options_(options) {}

TimeLocalForce TimeLocalForceLaw::operator()(const Eigen::MatrixXd &coupling,
                                             std::span<const Vec3> x_H, std::span<const Vec3> v_H,
                                             const Vec3 &R, const Vec3 &Rdot) const {
  const auto n = static_cast<Eigen::Index>(x_H.size());
  if (n > max_interaction_sites)
    throw std::invalid_argument("TimeLocalForceLaw: more atoms than max_interaction_sites");
  // One ion listing every atom: the several-ion law's single-ion case, on stack storage.
  const TimeLocalIon ion{&potential_, Vec3::Zero(), 1.0};
  std::array<int, max_interaction_sites> list{};
  std::iota(list.begin(), list.begin() + n, 0);
  const std::array<int, 2> union_begin{0, static_cast<int>(n)};
  const char coupled = 1;
  const int count = static_cast<int>(n);
  const JointLists lists{{&ion, 1},     static_cast<std::size_t>(n),
                         {&count, 1},   {list.data(), static_cast<std::size_t>(n)},
                         union_begin,   {&coupled, 1},
                         {&coupled, 1}, coupling.data()};
  SiteVectors gradient(3, n);
  CouplingVector shift(3 * n);
  Vec3 drag_sum;
  TimeLocalForce out;
  out.max_relaxation_A = joint_forces(lists, drag_matrix_, options_, x_H, v_H, {&R, 1}, {&Rdot, 1},
                                      {gradient.data(),
                                       shift.data(),
                                       {&drag_sum, 1},
                                       {&out.force_meV_per_A, 1},
                                       {&out.R_eff_minus_R_A, 1}});
  return out;
}

Eigen::MatrixXd static_response_coupling(const crystal::StaticResponseTable &table,
                                         std::span<const Cell> sites) {
  const auto n = static_cast<Eigen::Index>(sites.size());
  Eigen::MatrixXd coupling(3 * n, 3 * n);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index k = 0; k < n; ++k) {
      const Cell L = sites[i] - sites[k];
      if (!table.contains(L))
        throw InputError(fmt::format("time-local EOM: W(0) table of range {} lacks the block "
                                     "L = ({},{},{}) needed by the interaction list",
                                     table.range, L.x(), L.y(), L.z()));
      coupling.block<3, 3>(3 * i, 3 * k) = table(L);
    }
  return coupling;
}

Eigen::MatrixXd static_response_coupling(const crystal::StaticResponseTable &table,
                                         std::span<const Cell> sites, std::span<const int> basis) {
  const auto n = static_cast<Eigen::Index>(sites.size());
  Eigen::MatrixXd coupling(3 * n, 3 * n);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index k = 0; k < n; ++k) {
      const int b = basis[static_cast<std::size_t>(i)], b2 = basis[static_cast<std::size_t>(k)];
      const Cell L = sites[static_cast<std::size_t>(k)] - sites[static_cast<std::size_t>(i)];
      if (!table.contains(L) || b >= table.n_basis || b2 >= table.n_basis)
        throw InputError(fmt::format("time-local EOM: W(0) table of range {} and {} basis atoms "
                                     "lacks the block W_{}{}(L = ({},{},{})) needed by the "
                                     "interaction list",
                                     table.range, table.n_basis, b, b2, L.x(), L.y(), L.z()));
      coupling.block<3, 3>(3 * i, 3 * k) = table(b, L, b2); // W_{b_i b_k}(n_k − n_i), §12.3
    }
  return coupling;
}

TimeLocalIntegrator::TimeLocalIntegrator(const crystal::Crystal &crystal,
                                         const crystal::StaticResponseTable &static_response,
                                         const Mat3 &drag_matrix, const PairPotential &potential,
                                         bath::BathField &bath, const Vec3 &inverse_mass,
                                         InteractionList interaction, TimeLocalOptions options)
    : TimeLocalIntegrator(crystal, static_response, drag_matrix,
                          {TimeLocalIon{&potential, inverse_mass, 1.0}}, IonIonInteraction::none(),
                          bath, std::move(interaction), options) {}

TimeLocalIntegrator::TimeLocalIntegrator(const crystal::Crystal &crystal,
                                         const crystal::StaticResponseTable &static_response,
                                         const Mat3 &drag_matrix, std::vector<TimeLocalIon> ions,
                                         IonIonInteraction ion_ion, bath::BathField &bath,
                                         InteractionList interaction, TimeLocalOptions options)
    : lattice_vectors_(crystal.lattice_vectors()),
      inverse_lattice_vectors_(crystal.lattice_vectors().inverse()), drag_matrix_(drag_matrix),
      options_(options), ions_(std::move(ions)), ion_ion_(std::move(ion_ion)), bath_(bath),
      moving_list_(interaction.moving()),
      cutoff_(interaction.kind() == InteractionList::Kind::cutoff),
      basis_aware_(crystal.n_basis() > 1 || !interaction.basis().empty()),
      dt_(4.0 * bath.quarter_dt_ps()) {
  if (!(dt_ > 0))
    throw InputError(fmt::format("time-local EOM: time step must be positive, got {} ps", dt_));
  if (ions_.empty())
    throw InputError("time-local EOM: at least one mobile ion is needed");
  for (std::size_t i = 0; i < ions_.size(); ++i) {
    const TimeLocalIon &ion = ions_[i];
    if (ion.potential == nullptr)
      throw InputError(fmt::format("time-local EOM: ion {} has no pair potential", i));
    if (!((ion.inverse_mass.array() >= 0).all() && ion.inverse_mass.allFinite()))
      throw InputError(
          fmt::format("time-local EOM: ion {}: inverse masses must be finite and ≥ 0", i));
    if (!std::isfinite(ion.charge_number))
      throw InputError(fmt::format("time-local EOM: ion {}: charge number {} is not finite", i,
                                   ion.charge_number));
    charge_numbers_.push_back(ion.charge_number);
  }
  for (const crystal::BasisAtom &atom : crystal.basis())
    tau_.push_back(atom.position);
  set_up_list(crystal, interaction);
  if (options.relaxation) {
    check_static_response(crystal, static_response);
    static_response_ = static_response;
  }
  allocate();
  if (cutoff_) {
    choose_cutoff_lists(); // every ion at R = 0
    build_cutoff_union();
  } else {
    build_union(); // every ion at R = 0
  }
  if (options.relaxation)
    build_coupling();
}

// The list's atoms (physics.md §3.2, §12.3): the corners' offsets n − p, the fixed list's atoms
// (n, b), or the cutoff's candidate offsets, whose box must fit the bath's periodic supercell.
void TimeLocalIntegrator::set_up_list(const crystal::Crystal &crystal,
                                      const InteractionList &interaction) {
  for (const int b : interaction.basis())
    if (b >= crystal.n_basis())
      throw InputError(fmt::format("time-local EOM: basis index {} of the fixed list is not in "
                                   "[0, {}) (crystal '{}')",
                                   b, crystal.n_basis(), crystal.name()));
  if (cutoff_) {
    radius_ = interaction.radius_A();
    cutoff_offsets_ = cutoff_candidates(lattice_vectors_, interaction);
    list_size_ = cutoff_offsets_.size() * tau_.size();
    if (list_size_ > max_cutoff_sites)
      throw InputError(fmt::format("time-local EOM: the cutoff {} Å may hold up to {} atoms per "
                                   "ion, more than max_cutoff_sites = {}",
                                   radius_, list_size_, max_cutoff_sites));
    const auto e = interaction.box(inverse_lattice_vectors_);
    if (const auto grid = bath_.periodic_grid())
      for (int axis = 0; axis < 3; ++axis)
        if (2 * e[static_cast<std::size_t>(axis)] > (*grid)[static_cast<std::size_t>(axis)])
          throw InputError(fmt::format(
              "time-local EOM: the cutoff {} Å has a candidate box of {} cells along axis {}, "
              "wider than the bath's periodic supercell of {} cells",
              radius_, 2 * e[static_cast<std::size_t>(axis)], axis + 1,
              (*grid)[static_cast<std::size_t>(axis)]));
  } else if (moving_list_) {
    if (crystal.n_basis() != 1)
      throw InputError(fmt::format("time-local EOM: the corner list is the one-atom protocol; "
                                   "crystal '{}' has {} atoms per cell (use a cutoff list)",
                                   crystal.name(), crystal.n_basis()));
    extent_ = interaction.extent();
    const int e = extent_;
    if (8 * e * e * e > max_interaction_sites)
      throw InputError(fmt::format("time-local EOM: extent must be 1 or 2, got {}", e));
    for (const Cell &o : interaction.box_offsets(inverse_lattice_vectors_))
      offsets_[list_size_++] = o; // x fastest, as the lattice DOF order
  } else {
    if (interaction.sites().size() > max_interaction_sites)
      throw InputError(fmt::format("time-local EOM: at most {} interaction sites, got {}",
                                   max_interaction_sites, interaction.sites().size()));
    for (const Cell &n : interaction.sites()) {
      offsets_basis_[list_size_] = interaction.basis_of(list_size_);
      offsets_[list_size_++] = n;
    }
  }
}

// Every W(0) block the lists can need (physics.md §3.1, §12.3): within one list and, with several
// moving lists, between two lists that share an atom (corners: |n − k|∞ ≤ 4e − 2; cutoff r:
// separations shorter than 2r, with several ions 4r).
void TimeLocalIntegrator::check_static_response(const crystal::Crystal &crystal,
                                                const crystal::StaticResponseTable &table) const {
  if (table.n_basis != crystal.n_basis())
    throw InputError(fmt::format("time-local EOM: the W(0) table has {} atoms per cell, crystal "
                                 "'{}' has {}",
                                 table.n_basis, crystal.name(), crystal.n_basis()));
  const bool several = ions_.size() > 1;
  if (cutoff_) {
    const double reach = (several ? 4 : 2) * radius_;
    const int needed = separation_range(lattice_vectors_, tau_, reach);
    if (table.range < needed)
      throw InputError(fmt::format("time-local EOM: the cutoff {} Å needs W(0) blocks up to "
                                   "|L|∞ = {} (atoms closer than {} Å{}), the table has range {}",
                                   radius_, needed, reach, several ? ", lists sharing atoms" : "",
                                   table.range));
    return;
  }
  if (basis_aware_)
    static_response_coupling(table, {offsets_.data(), list_size_},
                             {offsets_basis_.data(), list_size_});
  else
    static_response_coupling(table, {offsets_.data(), list_size_});
  if (moving_list_ && several && table.range < 4 * extent_ - 2)
    throw InputError(fmt::format("time-local EOM: several ions with lists of extent {} need W(0) "
                                 "blocks up to |L| = {} (lists sharing atoms), the table has {}",
                                 extent_, 4 * extent_ - 2, table.range));
}

// Storage for the largest union, sized once: N m atoms (moving lists), m (the shared list).
void TimeLocalIntegrator::allocate() {
  const std::size_t n_ions = ions_.size();
  const std::size_t capacity = moving_list_ ? n_ions * list_size_ : list_size_;
  sites_.assign(capacity, Cell::Zero());
  sites_basis_.assign(capacity, 0);
  list_index_.assign(n_ions * list_size_, 0);
  list_count_.assign(n_ions, cutoff_ ? 0 : static_cast<int>(list_size_));
  if (cutoff_) {
    list_cells_.assign(n_ions * list_size_, Cell::Zero());
    list_basis_.assign(n_ions * list_size_, 0);
    list_low_.assign(n_ions, Cell::Zero());
    list_high_.assign(n_ions, Cell::Zero());
  }
  union_begin_.assign(n_ions + 1, 0);
  segment_of_.assign(capacity, 0);
  shares_atoms_.assign(n_ions * n_ions, 0);
  coupled_segments_.assign(n_ions * n_ions, 0);
  if (options_.relaxation)
    coupling_storage_.setZero(static_cast<Eigen::Index>(9 * capacity * capacity));
  motion_.assign(capacity, {});
  for (FrameworkSample &sample : samples_) {
    sample.x_H.assign(capacity, Vec3::Zero());
    sample.v_H.assign(capacity, Vec3::Zero());
  }
  ion_.assign(n_ions, {});
  for (auto *v : {&stage_R_, &stage_Rdot_, &force_, &R_eff_minus_R_, &drag_sum_})
    v->assign(n_ions, Vec3::Zero());
  gradient_.setZero(static_cast<Eigen::Index>(3 * capacity));
  shift_.setZero(static_cast<Eigen::Index>(3 * capacity));
  last_relaxation_.assign(capacity, Vec3::Zero());
}

void TimeLocalIntegrator::throw_bad_ion(int ion) const {
  throw std::out_of_range(
      fmt::format("time-local EOM: ion {} out of range, {} ions", ion, ion_count()));
}

void TimeLocalIntegrator::set_state(int ion, const Vec3 &R_A, const Vec3 &Rdot_A_per_ps) {
  IonState &s = ion_[checked(ion)];
  s.R = R_A;
  s.Rdot = Rdot_A_per_ps;
}

void TimeLocalIntegrator::restore(std::int64_t step_index, const Vec3 &R_A,
                                  const Vec3 &Rdot_A_per_ps) {
  step_index_ = step_index;
  last_sampled_quarter_ = -1; // the bath is sampled afresh (its values do not depend on history)
  set_state(R_A, Rdot_A_per_ps);
}

void TimeLocalIntegrator::restore(std::int64_t step_index, std::span<const Vec3> R_A,
                                  std::span<const Vec3> Rdot_A_per_ps) {
  if (R_A.size() != ion_.size() || Rdot_A_per_ps.size() != ion_.size())
    throw InputError(fmt::format("time-local EOM: restore needs {} positions and velocities, got "
                                 "{} and {}",
                                 ion_.size(), R_A.size(), Rdot_A_per_ps.size()));
  step_index_ = step_index;
  last_sampled_quarter_ = -1;
  for (std::size_t i = 0; i < ion_.size(); ++i)
    set_state(static_cast<int>(i), R_A[i], Rdot_A_per_ps[i]);
}

Cell TimeLocalIntegrator::current_cell(int ion) const {
  return anchor_cell(inverse_lattice_vectors_, ion_[checked(ion)].R); // physics.md §3.2
}

// The union S of the lists at the anchors ion_[i].anchor: ion by ion, an atom already listed by
// an earlier ion whose list overlaps this one's is not added again.
void TimeLocalIntegrator::build_union() {
  const std::size_t n_ions = ion_.size(), m = list_size_;
  // Lists share atoms when their boxes of 2e atoms per axis overlap; their W coupling is kept
  // whole when they share atoms or the table holds every separation between them, and dropped
  // whole otherwise.
  const int range = static_response_.range;
  for (std::size_t i = 0; i < n_ions; ++i)
    for (std::size_t j = 0; j < n_ions; ++j) {
      const int apart = moving_list_ ? (ion_[i].anchor - ion_[j].anchor).cwiseAbs().maxCoeff() : 0;
      const bool share = apart <= 2 * extent_ - 1;
      shares_atoms_[i * n_ions + j] = share ? 1 : 0;
      coupled_segments_[i * n_ions + j] = share || apart + 2 * extent_ - 1 <= range ? 1 : 0;
    }
  if (!moving_list_) { // one list shared by all, taken as given
    for (std::size_t s = 0; s < m; ++s) {
      sites_[s] = offsets_[s];
      sites_basis_[s] = offsets_basis_[s];
      segment_of_[s] = 0;
    }
    for (std::size_t i = 0; i < n_ions; ++i)
      std::iota(list_index_.begin() + static_cast<std::ptrdiff_t>(i * m),
                list_index_.begin() + static_cast<std::ptrdiff_t>((i + 1) * m), 0);
    union_begin_[0] = 0;
    std::fill(union_begin_.begin() + 1, union_begin_.end(), static_cast<int>(m));
    site_count_ = m;
    return;
  }
  std::size_t count = 0;
  for (std::size_t j = 0; j < n_ions; ++j) {
    union_begin_[j] = static_cast<int>(count);
    for (std::size_t s = 0; s < m; ++s) {
      const Cell cell = ion_[j].anchor + offsets_[s];
      int found = -1;
      for (std::size_t i = 0; i < j && found < 0; ++i) {
        if (!shares_atoms_[i * n_ions + j])
          continue;
        for (int k = union_begin_[i]; k < union_begin_[i + 1]; ++k)
          if (sites_[static_cast<std::size_t>(k)] == cell) {
            found = k;
            break;
          }
      }
      if (found < 0) {
        found = static_cast<int>(count);
        sites_[count] = cell;
        segment_of_[count] = static_cast<int>(j);
        ++count;
      }
      list_index_[j * m + s] = found;
    }
  }
  union_begin_[n_ions] = static_cast<int>(count);
  site_count_ = count;
}

// Ion i's cutoff list from its position at the step start (physics.md §3.2, §12.3): for every
// sublattice b the candidates n = p_b + o, p_b = ⌈A⁻¹(R − τ_b)⌉, with |A n + τ_b − R| < r (the
// full model's rule, full_lattice_integrator.cpp, at equilibrium positions). Returns whether the
// list changed.
bool TimeLocalIntegrator::choose_cutoff_list(std::size_t i) {
  const Vec3 &R = ion_[i].R;
  const double radius2 = radius_ * radius_;
  Cell *cells = list_cells_.data() + i * list_size_;
  int *basis = list_basis_.data() + i * list_size_;
  const int old_count = list_count_[i];
  int count = 0;
  bool changed = false;
  Cell low = Cell::Constant(INT_MAX), high = Cell::Constant(INT_MIN);
  for (int b = 0; b < static_cast<int>(tau_.size()); ++b) {
    const Vec3 &tau = tau_[static_cast<std::size_t>(b)];
    const Cell p = anchor_cell(inverse_lattice_vectors_, R - tau);
    for (const Cell &o : cutoff_offsets_) {
      const Cell n = p + o;
      if ((lattice_vectors_ * n.cast<double>() + tau - R).squaredNorm() >= radius2)
        continue;
      changed = changed || count >= old_count || cells[count] != n || basis[count] != b;
      cells[count] = n;
      basis[count] = b;
      low = low.cwiseMin(n);
      high = high.cwiseMax(n);
      ++count;
    }
  }
  list_count_[i] = count;
  list_low_[i] = low;
  list_high_[i] = high;
  ion_[i].anchor = anchor_cell(inverse_lattice_vectors_, R);
  return changed || count != old_count;
}

bool TimeLocalIntegrator::choose_cutoff_lists() {
  bool changed = false;
  for (std::size_t i = 0; i < ion_.size(); ++i)
    changed = choose_cutoff_list(i) || changed;
  return changed;
}

// The union S of the cutoff lists, ion by ion as build_union. Lists whose cell boxes overlap are
// searched for common atoms; the cross-drag pairs lists that share one; the W coupling of two
// lists is kept when the table holds every separation between them (always for lists sharing
// atoms, checked at construction).
void TimeLocalIntegrator::build_cutoff_union() {
  const std::size_t n_ions = ion_.size(), m = list_size_;
  for (std::size_t i = 0; i < n_ions; ++i)
    for (std::size_t j = 0; j < n_ions; ++j) {
      const Cell &low_i = list_low_[i], &high_i = list_high_[i];
      const Cell &low_j = list_low_[j], &high_j = list_high_[j];
      const bool empty = list_count_[i] == 0 || list_count_[j] == 0;
      const bool overlap = !empty && (low_i.array() <= high_j.array()).all() &&
                           (low_j.array() <= high_i.array()).all();
      // the largest |n − k|∞ between the lists' atoms
      const int farthest = empty ? 0 : (high_i - low_j).cwiseMax(high_j - low_i).maxCoeff();
      shares_atoms_[i * n_ions + j] = i == j || overlap ? 1 : 0; // refined below
      coupled_segments_[i * n_ions + j] = i == j || farthest <= static_response_.range ? 1 : 0;
    }
  std::size_t count = 0;
  for (std::size_t j = 0; j < n_ions; ++j) {
    union_begin_[j] = static_cast<int>(count);
    for (std::size_t s = 0; s < static_cast<std::size_t>(list_count_[j]); ++s) {
      const Cell &cell = list_cells_[j * m + s];
      const int b = list_basis_[j * m + s];
      int found = -1;
      for (std::size_t i = 0; i < j && found < 0; ++i) {
        if (!shares_atoms_[i * n_ions + j])
          continue;
        for (int k = union_begin_[i]; k < union_begin_[i + 1]; ++k)
          if (sites_[static_cast<std::size_t>(k)] == cell &&
              sites_basis_[static_cast<std::size_t>(k)] == b) {
            found = k;
            break;
          }
      }
      if (found < 0) {
        found = static_cast<int>(count);
        sites_[count] = cell;
        sites_basis_[count] = b;
        segment_of_[count] = static_cast<int>(j);
        ++count;
      }
      list_index_[j * m + s] = found;
    }
  }
  union_begin_[n_ions] = static_cast<int>(count);
  site_count_ = count;
  for (std::size_t i = 0; i < n_ions; ++i)
    for (std::size_t j = i + 1; j < n_ions; ++j)
      if (shares_atoms_[i * n_ions + j]) {
        const char share = lists_share_an_atom(i, j) ? 1 : 0;
        shares_atoms_[i * n_ions + j] = shares_atoms_[j * n_ions + i] = share;
      }
}

bool TimeLocalIntegrator::lists_share_an_atom(std::size_t i, std::size_t j) const {
  const std::size_t m = list_size_;
  const auto first = list_index_.begin() + static_cast<std::ptrdiff_t>(i * m);
  const auto last = first + list_count_[i];
  for (std::size_t s = 0; s < static_cast<std::size_t>(list_count_[j]); ++s)
    if (std::find(first, last, list_index_[j * m + s]) != last)
      return true;
  return false;
}

// W_{n−k}(0) among S, contiguous 3|S|×3|S|: the blocks between the segments of coupled lists
// (every separation in the table, checked at construction for lists sharing atoms), zero between
// the others.
void TimeLocalIntegrator::build_coupling() {
  const auto n = static_cast<Eigen::Index>(site_count_);
  const std::size_t n_ions = ion_.size();
  Eigen::Map<Eigen::MatrixXd> coupling(coupling_storage_.data(), 3 * n, 3 * n);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index k = 0; k < n; ++k) {
      const auto I = static_cast<std::size_t>(segment_of_[static_cast<std::size_t>(i)]);
      const auto K = static_cast<std::size_t>(segment_of_[static_cast<std::size_t>(k)]);
      if (!coupled_segments_[I * n_ions + K])
        coupling.block<3, 3>(3 * i, 3 * k).setZero();
      else if (basis_aware_) // W_{b_i b_k}(n_k − n_i), physics.md §12.3
        coupling.block<3, 3>(3 * i, 3 * k) = static_response_(
            sites_basis_[static_cast<std::size_t>(i)],
            Cell(sites_[static_cast<std::size_t>(k)] - sites_[static_cast<std::size_t>(i)]),
            sites_basis_[static_cast<std::size_t>(k)]);
      else
        coupling.block<3, 3>(3 * i, 3 * k) = static_response_(sites_[static_cast<std::size_t>(i)] -
                                                              sites_[static_cast<std::size_t>(k)]);
    }
}

// The lists from the state at the step start (physics.md §3.2). S is rebuilt when the anchors
// move relative to each other; when all move together (always for one ion) S is translated and
// the coupling kept.
void TimeLocalIntegrator::choose_sites() {
  if (!moving_list_)
    return;
  if (cutoff_) {
    if (!choose_cutoff_lists())
      return;
    build_cutoff_union();
    if (options_.relaxation)
      build_coupling();
    ++union_version_;
    return;
  }
  const Cell old_first = ion_[0].anchor;
  const Cell new_first = anchor_cell(inverse_lattice_vectors_, ion_[0].R);
  bool moved = false, relative = false;
  for (IonState &ion : ion_) {
    const Cell p = anchor_cell(inverse_lattice_vectors_, ion.R);
    moved = moved || p != ion.anchor;
    relative = relative || (p - new_first) != (ion.anchor - old_first);
    ion.anchor = p;
  }
  if (!moved)
    return;
  if (relative) {
    build_union();
    if (options_.relaxation)
      build_coupling();
  } else {
    const Cell translation = new_first - old_first;
    for (std::size_t k = 0; k < site_count_; ++k)
      sites_[k] += translation;
  }
  ++union_version_;
}

void TimeLocalIntegrator::sample_bath() {
  // Stage times t + s δt/4, s = 0..4 (physics.md §0.4); the reference code's quirk shifts them by
  // δt.
  const std::int64_t first_quarter = 4 * (step_index_ + (options_.reference_field_shift ? 1 : 0));
  const std::span<const Cell> sites{sites_.data(), site_count_};
  const std::span<bath::SiteMotion> motion{motion_.data(), site_count_};
  for (int s = 0; s < distinct_stage_times; ++s) {
    const std::int64_t quarter = first_quarter + s;
    FrameworkSample &sample = samples_[s];
    if (s == 0 && quarter == last_sampled_quarter_ && union_version_ == last_sampled_version_) {
      const FrameworkSample &end = samples_[distinct_stage_times - 1];
      std::copy_n(end.x_H.begin(), site_count_, sample.x_H.begin());
      std::copy_n(end.v_H.begin(), site_count_, sample.v_H.begin());
      continue;
    }
    if (basis_aware_) { // atoms (n, b) at A n + τ_b, physics.md §12.3
      bath_.evaluate_atoms(sites, {sites_basis_.data(), site_count_}, quarter, motion);
      for (std::size_t i = 0; i < site_count_; ++i) {
        sample.x_H[i] = lattice_vectors_ * sites_[i].cast<double>() +
                        tau_[static_cast<std::size_t>(sites_basis_[i])] + motion_[i].r;
        sample.v_H[i] = motion_[i].v;
      }
      continue;
    }
    bath_.evaluate(sites, quarter, motion);
    for (std::size_t i = 0; i < site_count_; ++i) {
      sample.x_H[i] = lattice_vectors_ * sites_[i].cast<double>() + motion_[i].r;
      sample.v_H[i] = motion_[i].v;
    }
  }
  last_sampled_quarter_ = first_quarter + distinct_stage_times - 1;
  last_sampled_version_ = union_version_;
}

double TimeLocalIntegrator::evaluate_forces(const FrameworkSample &sample) {
  const JointLists lists{ions_,        list_size_,    list_count_,       list_index_,
                         union_begin_, shares_atoms_, coupled_segments_, coupling_storage_.data()};
  const double max_relaxation =
      joint_forces(lists, drag_matrix_, options_, {sample.x_H.data(), site_count_},
                   {sample.v_H.data(), site_count_}, stage_R_, stage_Rdot_,
                   {gradient_.data(), shift_.data(), drag_sum_, force_, R_eff_minus_R_});
  if (ion_ion_.active())
    ion_ion_.add_forces(stage_R_, charge_numbers_, force_); // −∇_{R_i} Σ_{j≠i} U^ion
  return max_relaxation;
}

// The six stages of §0.4 (rk5_step written out for all ions at once: the same operations on each
// ion's (R, Ṙ) as rk5_step on one).
void TimeLocalIntegrator::step() {
  using T = ButcherRk5;
  choose_sites();
  sample_bath();
  const std::size_t n_ions = ion_.size();
  const double h = dt_;
  for (int stage = 0; stage < T::stages; ++stage) {
    for (std::size_t i = 0; i < n_ions; ++i) {
      IonState &ion = ion_[i];
      State y;
      y << ion.R, ion.Rdot;
      for (int j = 0; j < stage; ++j)
        if (T::a[stage][j] != 0.0)
          y += (h * T::a[stage][j]) * ion.k[j];
      stage_R_[i] = y.head<3>();
      stage_Rdot_[i] = y.tail<3>();
    }
    const double max_relaxation = evaluate_forces(samples_[T::quarter_offset[stage]]);
    if (stage == 0) {
      last_max_relaxation_ = max_relaxation;
      for (std::size_t i = 0; i < n_ions; ++i)
        ion_[i].R_eff_minus_R = R_eff_minus_R_[i];
      for (std::size_t k = 0; k < site_count_; ++k)
        last_relaxation_[k] = shift_.segment<3>(static_cast<Eigen::Index>(3 * k));
    }
    for (std::size_t i = 0; i < n_ions; ++i)
      ion_[i].k[stage] << stage_Rdot_[i], force_[i].cwiseProduct(ions_[i].inverse_mass);
  }
  for (IonState &ion : ion_) {
    State y;
    y << ion.R, ion.Rdot;
    for (int stage = 0; stage < T::stages; ++stage)
      if (T::b[stage] != 0.0)
        y += (h * T::b[stage]) * ion.k[stage];
    ion.R = y.head<3>();
    ion.Rdot = y.tail<3>();
  }
  ++step_index_;
}

void TimeLocalIntegrator::advance(std::int64_t steps) {
  for (std::int64_t i = 0; i < steps; ++i)
    step();
}

} // namespace ionbath::dynamics
