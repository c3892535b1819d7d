#pragma once
// The thermal (homogeneous) motion of the framework, r_H and ṙ_H (seed 002 Eq. 23, physics.md
// §2.2), as the time-local integrator consumes it: at a set of lattice sites, on the uniform
// quarter-step time grid t_s = s δt/4 of the RK5 stages (physics.md §0.4). Crystals with a basis:
// the atom (n, b) (physics.md §12.3) through evaluate_atoms.
#include "ionbath/core/types.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>

namespace ionbath::bath {

struct SiteMotion {
  Vec3 r = Vec3::Zero(); // thermal displacement r_H, Å
  Vec3 v = Vec3::Zero(); // thermal velocity ṙ_H, Å/ps
};

class BathField {
public:
  explicit BathField(double dt_ps) : quarter_dt_ps_(0.25 * dt_ps) {}
  virtual ~BathField() = default;

  double quarter_dt_ps() const { return quarter_dt_ps_; }
  double time_ps(std::int64_t quarter_step) const {
    return quarter_dt_ps_ * static_cast<double>(quarter_step);
  }

  // r_H and ṙ_H of the atoms `sites` (integer cell indices, unwrapped) at t = quarter_step δt/4.
  // Implementations may assume quarter_step never decreases between calls (a trajectory moves
  // forward in time) but must accept any site set at any call.
  virtual void evaluate(std::span<const Cell> sites, std::int64_t quarter_step,
                        std::span<SiteMotion> out) = 0;

  // The same for the atoms (sites[i], basis[i]) of a crystal with a basis (physics.md §12.3);
  // an empty `basis` means basis atom 0 everywhere, exactly evaluate(). Fields that know only one
  // atom per cell keep this default, which accepts basis index 0 only.
  virtual void evaluate_atoms(std::span<const Cell> sites, std::span<const int> basis,
                              std::int64_t quarter_step, std::span<SiteMotion> out) {
    for (const int b : basis)
      if (b != 0 || basis.size() != sites.size())
        throw std::invalid_argument("BathField: this field has one atom per cell (basis index 0)");
    evaluate(sites, quarter_step, out);
  }

  // The periodic supercell N1×N2×N3 (in cells) in which r_H repeats (a field on a BZ grid,
  // physics.md §1.3); none for a field without a period (r_H ≡ 0, analytic test fields).
  virtual std::optional<GridShape> periodic_grid() const { return std::nullopt; }

protected:
  // The checks of an evaluate_atoms request to a field of n_basis atoms per cell (`field` names
  // it in the message): sizes agree, basis indices in range, time not negative.
  static void check_request(const char *field, std::size_t sites, std::span<const int> basis,
                            int n_basis, std::int64_t quarter_step, std::size_t out) {
    if (out != sites || (!basis.empty() && basis.size() != sites))
      throw std::invalid_argument(std::string(field) + "::evaluate: output or basis size mismatch");
    for (const int b : basis)
      if (b < 0 || b >= n_basis)
        throw std::invalid_argument(std::string(field) + "::evaluate: basis index out of range");
    if (quarter_step < 0)
      throw std::invalid_argument(std::string(field) + "::evaluate: negative time");
  }

private:
  double quarter_dt_ps_; // δt/4, ps
};

// r_H ≡ 0: the zero-temperature framework (dissipation checks, physics.md §3.6).
class StaticFramework final : public BathField {
public:
  using BathField::BathField;
  void evaluate(std::span<const Cell>, std::int64_t, std::span<SiteMotion> out) override {
    for (auto &m : out)
      m = SiteMotion{};
  }
  void evaluate_atoms(std::span<const Cell> sites, std::span<const int>, std::int64_t quarter_step,
                      std::span<SiteMotion> out) override {
    evaluate(sites, quarter_step, out);
  }
};

} // namespace ionbath::bath
