#include "ionbath/bath/reference_bath_field.hpp"

#include <stdexcept>

namespace ionbath::bath {
namespace {
// Spatial phase vectors kept between calls; the ion visits few cells between hops.
constexpr std::size_t kMaxCachedSites = 64;
constexpr Eigen::Index kSiteColumns = 8;
} // namespace

ReferenceBathField::ReferenceBathField(const ThermalBath &bath, double dt_ps,
                                       TimePhases time_phases, std::int64_t anchor_quarter_steps)
    : BathField(dt_ps), time_phases_(time_phases), anchor_quarter_steps_(anchor_quarter_steps),
      bloch_(bath.modes().grid()), n_basis_(bath.n_basis()) {
  if (anchor_quarter_steps < 1)
    throw std::invalid_argument("ReferenceBathField: anchor interval must be ≥ 1 quarter step");
  const auto &modes = bath.modes();
  const auto m = static_cast<Eigen::Index>(modes.size());
  q_index_.resize(static_cast<std::size_t>(m));
  omega_.resize(m);
  coefficients_.resize(6 * n_basis_, 2 * m);
  for (Eigen::Index j = 0; j < m; ++j) {
    q_index_[static_cast<std::size_t>(j)] = modes.q_index(j);
    omega_(j) = modes.omega(j);
    for (int b = 0; b < n_basis_; ++b) {
      const CVec3 &c = bath.coefficient(j, b);
      for (int a = 0; a < 3; ++a) {
        coefficients_(6 * b + a, j) = c(a).real();
        coefficients_(6 * b + a, m + j) = -c(a).imag();
        coefficients_(6 * b + 3 + a, j) = omega_(j) * c(a).imag();
        coefficients_(6 * b + 3 + a, m + j) = omega_(j) * c(a).real();
      }
    }
  }
  quarter_rotation_ =
      (-omega_ * quarter_dt_ps()).unaryExpr([](double phi) { return std::polar(1.0, phi); });
}

void ReferenceBathField::set_time_phases(std::int64_t quarter_step) {
  const auto exact_at = [&](std::int64_t s) {
    const double t = time_ps(s);
    phasor_ = (-omega_ * t).unaryExpr([](double phi) { return std::polar(1.0, phi); });
    phasor_step_ = s;
  };
  if (time_phases_ == TimePhases::exact) {
    if (phasor_step_ != quarter_step)
      exact_at(quarter_step);
    return;
  }
  // Recurrence from the anchor at or below quarter_step: the same multiplications whatever the
  // history, so the value at a given quarter step is reproducible.
  const std::int64_t anchor = quarter_step - quarter_step % anchor_quarter_steps_;
  if (phasor_step_ < anchor || phasor_step_ > quarter_step)
    exact_at(anchor);
  for (; phasor_step_ < quarter_step; ++phasor_step_)
    phasor_ *= quarter_rotation_;
}

const Eigen::ArrayXcd &ReferenceBathField::spatial_phases(const Cell &site) {
  const Cell w = bloch_.wrap(site);
  const std::array<int, 3> key{w.x(), w.y(), w.z()};
  if (auto it = spatial_cache_.find(key); it != spatial_cache_.end())
    return it->second;
  if (spatial_cache_.size() >= kMaxCachedSites)
    spatial_cache_.clear();
  const auto index = bloch_.site_index(w);
  Eigen::ArrayXcd phases(omega_.size());
  for (Eigen::Index j = 0; j < phases.size(); ++j)
    phases(j) = bloch_(index, q_index_[static_cast<std::size_t>(j)]);
  return spatial_cache_.emplace(key, std::move(phases)).first->second;
}

void ReferenceBathField::evaluate(std::span<const Cell> sites, std::int64_t quarter_step,
                                  std::span<SiteMotion> out) {
  evaluate_atoms(sites, {}, quarter_step, out);
}

void ReferenceBathField::evaluate_atoms(std::span<const Cell> sites, std::span<const int> basis,
                                        std::int64_t quarter_step, std::span<SiteMotion> out) {
  check_request("ReferenceBathField", sites.size(), basis, n_basis_, quarter_step, out.size());
  set_time_phases(quarter_step);
  const Eigen::Index m = omega_.size();
  const auto n_sites = static_cast<Eigen::Index>(sites.size());
  // Whole panels of kSiteColumns: every site then goes through the same GEMM micro-kernel path,
  // so equal phase vectors (periodic images) give bitwise equal results.
  const Eigen::Index columns = (n_sites + kSiteColumns - 1) / kSiteColumns * kSiteColumns;
  waves_.setZero(2 * m, columns);
  for (Eigen::Index i = 0; i < n_sites; ++i) {
    const Eigen::ArrayXcd &s = spatial_phases(sites[static_cast<std::size_t>(i)]);
    waves_.col(i).head(m) =
        s.real() * phasor_.real() - s.imag() * phasor_.imag(); // Re(e^{iq·n} e^{-iΩt})
    waves_.col(i).tail(m) = s.real() * phasor_.imag() + s.imag() * phasor_.real();
  }
  motion_.noalias() = coefficients_ * waves_;
  for (Eigen::Index i = 0; i < n_sites; ++i) {
    const auto s = static_cast<std::size_t>(i);
    const Eigen::Index row = basis.empty() ? 0 : 6 * basis[s];
    out[s].r = motion_.col(i).segment<3>(row);
    out[s].v = motion_.col(i).segment<3>(row + 3);
  }
}

} // namespace ionbath::bath
