// physics.md §1.4: dispersion path, high-symmetry frequencies, density of states, trace rule.
#include "ionbath/core/units.hpp"
#include "ionbath/crystal/spectrum.hpp"
#include "unit/crystal_test_support.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace ionbath;
using namespace ionbath::crystal;
using support::paper_lattice;

TEST(Dispersion, PathPointsAndHighSymmetryFrequencies) {
  const auto p = dispersion_path(paper_lattice(), 200);
  ASSERT_EQ(p.q.size(), 801u);
  ASSERT_EQ(p.x.size(), 801u);
  ASSERT_EQ(p.hbar_omega_meV.size(), 801u);
  EXPECT_LT((p.q[200] - Vec3(M_PI, 0, 0)).norm(), 1e-14);
  EXPECT_LT((p.q[400] - Vec3(M_PI, M_PI, 0)).norm(), 1e-14);
  EXPECT_LT(p.q[600].norm(), 1e-14);
  EXPECT_LT((p.q[800] - Vec3(M_PI, M_PI, M_PI)).norm(), 1e-14);
  EXPECT_NEAR(p.x.back(), M_PI * (2 + std::sqrt(2.0) + std::sqrt(3.0)), 1e-12);
  for (std::size_t i = 1; i < p.x.size(); ++i)
    EXPECT_GT(p.x[i], p.x[i - 1]);
  EXPECT_LT(p.hbar_omega_meV[0].norm(), 1e-12);
  EXPECT_LT(p.hbar_omega_meV[600].norm(), 1e-6);
  const Vec3 x = p.hbar_omega_meV[200], m = p.hbar_omega_meV[400], r = p.hbar_omega_meV[800];
  EXPECT_NEAR(x[0], 9.17458, 1e-5);
  EXPECT_NEAR(x[1], 9.17458, 1e-5);
  EXPECT_NEAR(x[2], 20.63531, 1e-5);
  EXPECT_NEAR(m[0], 12.97482, 1e-5);
  EXPECT_NEAR(m[1], 18.48359, 1e-5);
  EXPECT_NEAR(m[2], 18.48359, 1e-5);
  for (int u = 0; u < 3; ++u)
    EXPECT_NEAR(r[u], 16.04588, 1e-5);
}

TEST(DensityOfStates, NormalizationSupportAndTraceRule) {
  const double omega_max = std::sqrt((4 * 520.0 + 8 * 170.0) / 3.5); // §1.4
  const int bins = 3000;
  const auto dos = density_of_states(paper_lattice(), 40, bins, 1.05 * omega_max);
  double total = 0, second = 0;
  for (int b = 0; b < bins; ++b) {
    EXPECT_GE(dos.density[b], 0.0);
    if (dos.omega[b] - 0.5 * dos.bin_width > omega_max) {
      EXPECT_EQ(dos.density[b], 0.0) << dos.omega[b];
    }
    total += dos.density[b] * dos.bin_width;
    second += dos.density[b] * dos.bin_width * dos.omega[b] * dos.omega[b];
  }
  EXPECT_NEAR(total, 3.0, 1e-12);
  // Trace rule: mean of Ω² over all modes = (2k1 + 4k2)/m = 491.4286 (exact on the shifted grid);
  // binning to centres changes each Ω² by at most Ω ΔΩ = 0.35 ps⁻², and on average by far less.
  EXPECT_NEAR(second / 3.0, (2 * 520.0 + 4 * 170.0) / 3.5, 0.01);
  EXPECT_NEAR((2 * 520.0 + 4 * 170.0) / 3.5, 491.4286, 1e-4);
  // A window below the top of the spectrum misses modes.
  const auto cut = density_of_states(paper_lattice(), 20, 100, 0.5 * omega_max);
  double partial = 0;
  for (double g : cut.density)
    partial += g * cut.bin_width;
  EXPECT_LT(partial, 2.9);
}
