#pragma once
// A smooth thermal-like framework field for the time-local tests: a few plane waves,
// r_H,n(t) = Σ_j A e_j cos(q_j·n − ω_j t + φ_j), evaluated at t = (quarter_step + quarter_offset)
// δt/4, the same at an atom whatever the set of atoms asked for. Records the requested quarter
// steps and the last set of atoms.
#include "ionbath/bath/bath_field.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

namespace ionbath::test_support {

class SinusoidBath final : public bath::BathField {
public:
  // modes: how many of the four plane waves below (1..4).
  SinusoidBath(double dt_ps, double amplitude_A, std::int64_t quarter_offset = 0, int modes = 4)
      : BathField(dt_ps), amplitude_(amplitude_A), quarter_offset_(quarter_offset),
        modes_(std::size_t(std::clamp(modes, 1, 4))) {}

  void evaluate(std::span<const Cell> sites, std::int64_t quarter_step,
                std::span<bath::SiteMotion> out) override {
    calls.push_back(quarter_step);
    last_sites.assign(sites.begin(), sites.end());
    const double t = time_ps(quarter_step + quarter_offset_);
    for (std::size_t i = 0; i < sites.size(); ++i) {
      out[i] = {};
      const Vec3 n = sites[i].cast<double>();
      for (std::size_t j = 0; j < modes_; ++j) {
        const Mode &m = kModes[j];
        const double phase = m.q.dot(n) - m.omega * t + m.phi;
        out[i].r += amplitude_ * std::cos(phase) * m.e;
        out[i].v += amplitude_ * m.omega * std::sin(phase) * m.e;
      }
    }
  }

  std::vector<std::int64_t> calls;
  std::vector<Cell> last_sites;

private:
  struct Mode {
    Vec3 q, e;
    double omega, phi;
  };
  inline static const std::array<Mode, 4> kModes{
      Mode{Vec3(0.3, 0.1, -0.2), Vec3(1, 0, 0), 6.3, 0.4},
      Mode{Vec3(-0.7, 1.1, 0.2), Vec3(0, 0.6, 0.8), 13.9, 2.1},
      Mode{Vec3(1.9, -0.4, 2.5), Vec3(0.48, 0.6, -0.64), 21.7, -1.3},
      Mode{Vec3(2.8, 2.9, -3.0), Vec3(0, 1, 0), 28.1, 0.9}};
  double amplitude_;
  std::int64_t quarter_offset_;
  std::size_t modes_;
};

} // namespace ionbath::test_support
