// Seed 001's simulated single pass (physics.md §6.5, §6.6 fact 6): the whole lattice at rest, the
// particle on its path; against Eq. 14 (chain) and Eq. 13 (3D), energy conservation, the echo
// guard and the geometries' interaction lists.
#include "ionbath/core/error.hpp"
#include "ionbath/core/units.hpp"
#include "ionbath/crystal/builders.hpp"
#include "ionbath/dissipation/chain_loss.hpp"
#include "ionbath/dissipation/simulated_pass.hpp"
#include "ionbath/dissipation/zone_loss.hpp"

#include <cmath>
#include <gtest/gtest.h>

using namespace ionbath;
using namespace ionbath::dissipation;
using ionbath::units::pi;

namespace {
constexpr double kEnergy = 4.0 * pi * pi; // 1 ħΩ in seed-001 internal energy units
const double kFig2Omega = std::sqrt(99.0 / 4.0);

struct ChainCase {
  double offset, speed;
};

SimulatedPass chain_pass(const crystal::Crystal &chain, double lambda, const ChainCase &c,
                         int n = 200) {
  const dynamics::Gaussian gaussian(kEnergy * 0.01, lambda);
  const auto layout = pass_layout(chain, PassGeometry::chain, c.offset, lambda);
  SimulatedPassSettings s;
  s.lattice = {n, 1, 1};
  s.dt = 1e-4;
  return simulate_pass(chain, gaussian, layout, c.speed, s);
}
} // namespace

// §6.6 fact 6 on the chain of Fig. 2: the kinetic energy (σ̇²/8π² ≈ 1.3 ħΩ at σ̇ = 10) is far above
// Φ0 = 0.01, so the constant-speed Eq. 14 holds to well under a percent.
TEST(SimulatedPass, ChainAgreesWithEq14AndConservesEnergy) {
  const auto chain = crystal::seed001_chain(1.0, kFig2Omega, kFig2Omega);
  for (const ChainCase c : {ChainCase{0.0, 10.0}, ChainCase{1.0, 10.0}, ChainCase{0.0, 40.0}}) {
    const SimulatedPass pass = chain_pass(chain, 1.0, c);
    ASSERT_FALSE(pass.reflected);
    const ChannelLoss analytic =
        analytic_chain_loss({1.0, kFig2Omega, kFig2Omega, 0.01, 1.0, c.offset}, c.speed);
    EXPECT_NEAR(pass.loss / kEnergy, analytic.total(), 0.01 * analytic.total())
        << "s = " << c.offset << ", speed " << c.speed;
    // What the particle lost the framework holds (RK5 energy error and the interaction left at
    // 7λ, Φ0 e^{-24.5}, are far below).
    EXPECT_NEAR(pass.lattice_energy, pass.loss, 1e-4 * pass.loss);
  }
}

// Eq. 13 for the 3D single atom at σ̇ = 20, λ = 1, s = 0 (§10 row 41: Δ/(σ̇Φ0²) = 1.40348e-3)
// from a 24³ lattice (echo time above the pass time, checked).
TEST(SimulatedPass, CubicSingleAtomAgreesWithEq13) {
  const auto cubic = crystal::seed001_cubic(15.0, 5.0);
  const auto layout = pass_layout(cubic, PassGeometry::single, 0.0, 1.0);
  SimulatedPassSettings s;
  s.lattice = {24, 24, 24};
  const double speed = 20;
  const auto echo = echo_check(cubic, s.lattice, layout.z_end - layout.z_start, speed);
  ASSERT_FALSE(echo.contaminated()) << echo.echo_time << " " << echo.pass_time;
  const dynamics::Gaussian gaussian(kEnergy * 0.01, 1.0);
  const SimulatedPass pass = simulate_pass(cubic, gaussian, layout, speed, s);
  const double constant = pass.loss / kEnergy / (speed * 1e-4);
  EXPECT_NEAR(constant, 1.40348e-3, 0.02 * 1.40348e-3);
}

// The echo time is the shortest period over the largest group velocity. For the chain,
// Ω(q) = √(κ + 4k sin²(q/2)) per unit time in rad·(2π)… so v = α dΩ/dq has the closed maximum
// below; the guard flags a pass longer than the echo time.
TEST(SimulatedPass, EchoGuard) {
  const double k = 99.0 / 4.0;
  const auto chain = crystal::seed001_chain(1.0, std::sqrt(k), std::sqrt(k));
  // Internal Ω = 2π √(1 + 4k sin²(q/2)) (time in periods): dΩ/dq = 2π k sin q / √(1 + 4k
  // sin²(q/2)).
  double v_exact = 0;
  for (int i = 0; i <= 200000; ++i) {
    const double q = pi * i / 200000.0;
    const double s2 = std::sin(q / 2) * std::sin(q / 2);
    v_exact = std::max(v_exact, 2.0 * 2.0 * pi * k * std::sin(q) / std::sqrt(1.0 + 4.0 * k * s2));
  }
  const double v = band_extremes(chain).group_velocity;
  EXPECT_GE(v, v_exact);
  EXPECT_LE(v, 1.06 * v_exact);
  EXPECT_NEAR(band_extremes(chain).frequency, 2.0 * pi * 10.0,
              0.01 * 2.0 * pi * 10.0); // band top 10
  const auto clean = echo_check(chain, {200, 1, 1}, 14.0, 10.0);
  EXPECT_NEAR(clean.period_length, 400.0, 1e-12);
  EXPECT_FALSE(clean.contaminated());
  EXPECT_TRUE(echo_check(chain, {8, 1, 1}, 14.0, 10.0).contaminated());
}

TEST(PassGeometry, ListsAndPaths) {
  const auto cubic = crystal::seed001_cubic(15.0, 5.0);
  const auto cube = pass_layout(cubic, PassGeometry::cube, 0.0, 0.5);
  ASSERT_EQ(cube.atoms.size(), 8u);
  EXPECT_DOUBLE_EQ(cube.z_end, 2.0 + 3.5); // 7λ + α (§6.5 table)
  EXPECT_DOUBLE_EQ(cube.z_start, -3.5);
  EXPECT_TRUE(cube.path.point.isApprox(Vec3(1, 1, 0)));
  EXPECT_EQ(pass_layout(cubic, PassGeometry::square, 0, 1).atoms.size(), 4u);
  const auto chain = crystal::seed001_chain(1.0, 1.0, 1.0);
  const auto line = pass_layout(chain, PassGeometry::line8, 0, 0.5);
  ASSERT_EQ(line.atoms.size(), 8u);
  EXPECT_EQ(line.atoms[7].cell, Cell(7, 0, 0)); // a chain runs along its first lattice vector
  EXPECT_THROW(pass_layout(chain, PassGeometry::square, 0, 1), InputError);
  EXPECT_THROW(parse_pass_geometry("hexagon", "loss.geometry"), InputError);
}
