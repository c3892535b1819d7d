#include "ionbath/dynamics/time_local_integrator.hpp"

#include "ionbath/core/error.hpp"
#include "ionbath/dynamics/rk5.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace ionbath::dynamics {

namespace {
constexpr int max_coupling_size = 3 * max_interaction_sites;
using SiteVectors = Eigen::Matrix<double, 3, Eigen::Dynamic, 0, 3, max_interaction_sites>;
using CouplingVector = Eigen::Matrix<double, Eigen::Dynamic, 1, 0, max_coupling_size, 1>;
using State = Eigen::Matrix<double, 6, 1>; // (R, Ṙ)
} // namespace

TimeLocalForceLaw::TimeLocalForceLaw(const PairPotential &potential, const Mat3 &drag_matrix,
                                     TimeLocalOptions options)
    : potential_(potential), drag_matrix_(drag_matrix), options_(options) {}

TimeLocalForce TimeLocalForceLaw::operator()(const Eigen::MatrixXd &coupling,
                                             std::span<const Vec3> x_H, std::span<const Vec3> v_H,
                                             const Vec3 &R, const Vec3 &Rdot) const {
  const auto n = static_cast<Eigen::Index>(x_H.size());
  TimeLocalForce out;

  // ∇U(R − x_H_n) = −∇U(x_H_n − R), and the drag sum Σ_n Hess U(R − x_H_n)(Ṙ − ṙ_H_n).
  SiteVectors gradient(3, n);
  Vec3 drag_sum = Vec3::Zero();
  if (options_.drag) {
    for (Eigen::Index i = 0; i < n; ++i) {
      const PairTerms u = potential_.terms(R - x_H[i]);
      gradient.col(i) = u.gradient;
      drag_sum.noalias() += u.hessian * (Rdot - v_H[i]);
    }
    out.R_eff_minus_R_A.noalias() = drag_matrix_ * drag_sum; // seed 002 Eq. (20)
  } else if (options_.relaxation) {
    for (Eigen::Index i = 0; i < n; ++i)
      gradient.col(i) = potential_.gradient(R - x_H[i]);
  }
  const Vec3 R_eff = R + out.R_eff_minus_R_A;

  // x_eff_n − x_H_n = −Σ_k W_{n−k}(0) ∇U(x_H_k − R) = Σ_k W_{n−k}(0) ∇U(R − x_H_k), Eq. (19).
  CouplingVector shift;
  if (options_.relaxation) {
    shift.noalias() = coupling * Eigen::Map<const Eigen::VectorXd>(gradient.data(), 3 * n);
  } else {
    shift.setZero(3 * n);
  }

  // F = −Σ_n ∇U(R_eff − x_eff_n) with x_eff frozen, Eq. (18).
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto shift_i = shift.segment<3>(3 * i);
    out.force_meV_per_A -= potential_.gradient(R_eff - x_H[i] - shift_i);
    out.max_relaxation_A = std::max(out.max_relaxation_A, shift_i.norm());
  }
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

TimeLocalIntegrator::TimeLocalIntegrator(const crystal::Crystal &crystal,
                                         const crystal::StaticResponseTable &static_response,
                                         const Mat3 &drag_matrix, const PairPotential &potential,
                                         bath::BathField &bath, const Vec3 &inverse_mass,
                                         InteractionList interaction, TimeLocalOptions options)
    : lattice_vectors_(crystal.lattice_vectors()),
      inverse_lattice_vectors_(crystal.lattice_vectors().inverse()),
      force_law_(potential, drag_matrix, options), bath_(bath), inverse_mass_(inverse_mass),
      moving_list_(interaction.moving()), field_shift_(options.reference_field_shift),
      dt_(4.0 * bath.quarter_dt_ps()) {
  if (!(dt_ > 0))
    throw InputError(fmt::format("time-local EOM: time step must be positive, got {} ps", dt_));
  if (interaction.kind() == InteractionList::Kind::cutoff)
    throw InputError("time-local EOM: the cutoff list is not supported (use the corners or a "
                     "fixed list)");
  if (std::any_of(interaction.basis().begin(), interaction.basis().end(),
                  [](int b) { return b != 0; }))
    throw InputError("time-local EOM: the fixed list must hold basis atom 0 only");
  if (moving_list_) {
    const int e = interaction.extent();
    if (8 * e * e * e > max_interaction_sites)
      throw InputError(fmt::format("time-local EOM: extent must be 1 or 2, got {}", e));
    for (const Cell &o : interaction.box_offsets(inverse_lattice_vectors_))
      offsets_[site_count_++] = o; // x fastest, as the lattice DOF order
  } else {
    if (interaction.sites().size() > max_interaction_sites)
      throw InputError(fmt::format("time-local EOM: at most {} interaction sites, got {}",
                                   max_interaction_sites, interaction.sites().size()));
    for (const Cell &n : interaction.sites())
      offsets_[site_count_++] = n;
    sites_ = offsets_;
  }
  if (options.relaxation)
    coupling_ = static_response_coupling(static_response, {offsets_.data(), site_count_});
}

void TimeLocalIntegrator::set_state(const Vec3 &R_A, const Vec3 &Rdot_A_per_ps) {
  R_ = R_A;
  Rdot_ = Rdot_A_per_ps;
}

void TimeLocalIntegrator::restore(std::int64_t step_index, const Vec3 &R_A,
                                  const Vec3 &Rdot_A_per_ps) {
  step_index_ = step_index;
  last_sampled_quarter_ = -1; // the bath is sampled afresh (its values do not depend on history)
  set_state(R_A, Rdot_A_per_ps);
}

Cell TimeLocalIntegrator::current_cell() const {
  return anchor_cell(inverse_lattice_vectors_, R_); // physics.md §3.2
}

void TimeLocalIntegrator::choose_sites() {
  if (!moving_list_)
    return;
  anchor_ = current_cell();
  for (std::size_t i = 0; i < site_count_; ++i)
    sites_[i] = anchor_ + offsets_[i];
}

void TimeLocalIntegrator::sample_bath() {
  // Stage times t + s δt/4, s = 0..4 (physics.md §0.4); the reference code's quirk shifts them by
  // δt.
  const std::int64_t first_quarter = 4 * (step_index_ + (field_shift_ ? 1 : 0));
  const std::span<const Cell> sites{sites_.data(), site_count_};
  const std::span<bath::SiteMotion> motion{motion_.data(), site_count_};
  for (int s = 0; s < distinct_stage_times; ++s) {
    const std::int64_t quarter = first_quarter + s;
    FrameworkSample &sample = samples_[s];
    if (s == 0 && quarter == last_sampled_quarter_ && anchor_ == last_sampled_anchor_) {
      const FrameworkSample &end = samples_[distinct_stage_times - 1];
      std::copy_n(end.x_H.begin(), site_count_, sample.x_H.begin());
      std::copy_n(end.v_H.begin(), site_count_, sample.v_H.begin());
      continue;
    }
    bath_.evaluate(sites, quarter, motion);
    for (std::size_t i = 0; i < site_count_; ++i) {
      sample.x_H[i] = lattice_vectors_ * sites_[i].cast<double>() + motion_[i].r;
      sample.v_H[i] = motion_[i].v;
    }
  }
  last_sampled_quarter_ = first_quarter + distinct_stage_times - 1;
  last_sampled_anchor_ = anchor_;
}

void TimeLocalIntegrator::step() {
  choose_sites();
  sample_bath();
  const auto rhs = [this](int stage, double, const State &y) {
    const FrameworkSample &sample = samples_[ButcherRk5::quarter_offset[stage]];
    const TimeLocalForce f = force_law_(coupling_, {sample.x_H.data(), site_count_},
                                        {sample.v_H.data(), site_count_}, y.head<3>(), y.tail<3>());
    if (stage == 0)
      last_force_ = f;
    State dy;
    dy << y.tail<3>(), f.force_meV_per_A.cwiseProduct(inverse_mass_);
    return dy;
  };
  State y;
  y << R_, Rdot_;
  y = rk5_step(rhs, time_ps(), y, dt_);
  R_ = y.head<3>();
  Rdot_ = y.tail<3>();
  ++step_index_;
}

void TimeLocalIntegrator::advance(std::int64_t steps) {
  for (std::int64_t i = 0; i < steps; ++i)
    step();
}

} // namespace ionbath::dynamics
