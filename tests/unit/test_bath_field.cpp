// physics.md §2.2, §2.5 facts 3 and 5; the Chebyshev (Jacobi–Anger) field against the direct sum.
#include "ionbath/bath/bessel.hpp"
#include "ionbath/bath/chebyshev_bath_field.hpp"
#include "ionbath/bath/reference_bath_field.hpp"
#include "ionbath/core/units.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace ionbath;
using namespace ionbath::bath;

namespace {
const crystal::Crystal kPaper = crystal::Crystal::simple_cubic(3.0, 3.5, 520.0, 170.0);
constexpr double kDt = 0.005; // ps, seed 002

std::vector<Cell> corners(const Cell &p) {
  std::vector<Cell> s;
  for (int o = 0; o < 8; ++o)
    s.push_back(p + Cell(o & 1, (o >> 1) & 1, (o >> 2) & 1));
  return s;
}

// r.m.s. per component of r_H and ṙ_H on the grid (physics.md §2.5 fact 2), x component.
std::pair<double, double> rms_xyz(const ThermalBath &bath) {
  const auto &modes = bath.modes();
  double r2 = 0, v2 = 0;
  for (std::int64_t j = 0; j < modes.size(); ++j) {
    const double om = modes.omega(j), e2 = modes.eta(j).squaredNorm() / 3.0;
    const double coth = bath.omega_T() > 0 ? 1.0 / std::tanh(om / (2 * bath.omega_T())) : 1.0;
    r2 += e2 * coth / (2 * om);
    v2 += e2 * coth * om / 2;
  }
  const double scale = units::hbar_meV_ps / (modes.n_cells() * modes.mass());
  return {std::sqrt(scale * r2), std::sqrt(scale * v2)};
}
} // namespace

TEST(ChebyshevBathField, MatchesDirectSumOverALongRun) {
  const crystal::ModeSet modes(kPaper, {20, 20, 20});
  const ThermalBath bath(modes, {.kT_meV = 25.0, .seed = 11, .trajectory_id = 3});
  ReferenceBathField reference(bath, kDt);
  ChebyshevBathField fast(bath, kDt);
  const auto [r_rms, v_rms] = rms_xyz(bath);
  const std::int64_t points = 4 * fast.block_steps();
  double err_r = 0, err_v = 0;
  std::vector<SiteMotion> a(8), b(8);
  // Spot checks spread over a 600 000-step run; each visits 3 steps, hops, then 2 more steps.
  for (int spot = 0; spot <= 12; ++spot) {
    const std::int64_t step = std::min<std::int64_t>(599995, spot * 49999 + 137 * spot);
    Cell cell(spot - 6, 2 * spot, -spot);
    for (std::int64_t k = 0; k < 5; ++k) {
      if (k == 3)
        cell += Cell(1, 0, 0); // hop mid-block
      const auto sites = corners(cell);
      for (std::int64_t q = 4 * (step + k); q <= 4 * (step + k + 1); ++q) {
        fast.evaluate(sites, q, a);
        reference.evaluate(sites, q, b);
        for (int i = 0; i < 8; ++i) {
          err_r = std::max(err_r, (a[i].r - b[i].r).cwiseAbs().maxCoeff());
          err_v = std::max(err_v, (a[i].v - b[i].v).cwiseAbs().maxCoeff());
        }
      }
    }
  }
  // Block boundaries: last quarter step of a block and the first of the next.
  for (const std::int64_t q : {points * 7 - 1, points * 7, points * 700 - 1, points * 700}) {
    const auto sites = corners(Cell(3, -4, 5));
    fast.evaluate(sites, q, a);
    reference.evaluate(sites, q, b);
    for (int i = 0; i < 8; ++i) {
      err_r = std::max(err_r, (a[i].r - b[i].r).cwiseAbs().maxCoeff());
      err_v = std::max(err_v, (a[i].v - b[i].v).cwiseAbs().maxCoeff());
    }
  }
  RecordProperty("relative_error_r", std::to_string(err_r / r_rms));
  RecordProperty("relative_error_v", std::to_string(err_v / v_rms));
  std::printf("K=%d groups=%ld  err_r/rms=%.3e err_v/rms=%.3e\n", fast.order(),
              (long)fast.frequency_groups(), err_r / r_rms, err_v / v_rms);
  EXPECT_LE(err_r, 1e-9 * r_rms);
  EXPECT_LE(err_v, 1e-9 * v_rms);
}
