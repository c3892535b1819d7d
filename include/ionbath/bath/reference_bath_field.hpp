#pragma once
// Direct mode sum of the thermal field (physics.md §2.2):
//   r_H,n(t) = Re Σ_j c_j e^{i q_j·n} e^{-iΩ_j t},  ṙ_H,n(t) = Re Σ_j (-iΩ_j) c_j e^{i q_j·n}
//   e^{-iΩ_j t},
// over the local modes of the bath (the whole bath when the ModeSet is not a slice); for a basis
// atom (n, b) the coefficients are c_{j,b} (physics.md §12.3, thermal_bath.hpp).
// Spatial phases are exact roots of unity. Time phases are either exact (e^{-iΩt} per call: the
// truth for tests) or advanced by the recurrence P(t + δt/4) = P(t) e^{-iΩδt/4} from exact anchors
// every `anchor_quarter_steps` (physics.md §3.3 "Efficient evaluation"; the baseline of the
// benchmark).
#include "ionbath/bath/bath_field.hpp"
#include "ionbath/bath/bloch_phase.hpp"
#include "ionbath/bath/thermal_bath.hpp"

#include <Eigen/Dense>
#include <map>

namespace ionbath::bath {

class ReferenceBathField final : public BathField {
public:
  enum class TimePhases { exact, recurrence };

  ReferenceBathField(const ThermalBath &bath, double dt_ps,
                     TimePhases time_phases = TimePhases::exact,
                     std::int64_t anchor_quarter_steps = 4000);

  void evaluate(std::span<const Cell> sites, std::int64_t quarter_step,
                std::span<SiteMotion> out) override;
  void evaluate_atoms(std::span<const Cell> sites, std::span<const int> basis,
                      std::int64_t quarter_step, std::span<SiteMotion> out) override;
  std::optional<GridShape> periodic_grid() const override { return bloch_.grid(); }

private:
  void set_time_phases(std::int64_t quarter_step);
  const Eigen::ArrayXcd &spatial_phases(const Cell &site);

  TimePhases time_phases_;
  std::int64_t anchor_quarter_steps_;
  BlochPhases bloch_;
  std::vector<Cell> q_index_;
  Eigen::ArrayXd omega_;
  // Per basis atom b the rows 6b … 6b+5 of [Re c, -Im c; Ω Im c, Ω Re c] (6 n_b × 2M):
  // [r; ṙ] = coefficients · [Re w; Im w], w = e^{iq·n} P.
  int n_basis_;
  Eigen::MatrixXd coefficients_;
  Eigen::ArrayXcd phasor_;           // P_j = e^{-iΩ_j t} at phasor_step_
  Eigen::ArrayXcd quarter_rotation_; // e^{-iΩ_j δt/4}
  std::int64_t phasor_step_ = -1;
  std::map<std::array<int, 3>, Eigen::ArrayXcd> spatial_cache_; // wrapped site → e^{iq_j·n}
  Eigen::MatrixXd waves_;  // [Re w; Im w] per site (2M × sites)
  Eigen::MatrixXd motion_; // [r; ṙ] of every basis atom per site (6 n_b × sites)
};

} // namespace ionbath::bath
