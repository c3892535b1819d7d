// physics.md §11.1: the screened Coulomb ion–ion term by minimum image in the periodic supercell:
// force = −∇U (central differences), Newton's third law, the minimum image across the box
// boundary and in a skewed cell, U(r_c) = 0, the virial, and the refused inputs.
#include "ionbath/core/error.hpp"
#include "ionbath/dynamics/ion_ion.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

using namespace ionbath;
using namespace ionbath::dynamics;

namespace {
constexpr double a = 3.0;                                              // Å
const PeriodicSupercell kBox(a *Mat3::Identity(), GridShape{6, 5, 4}); // 18 × 15 × 12 Å
const ScreenedCoulombParams kParams{
    .relative_permittivity = 8.0, .screening_length_A = 2.0, .cutoff_A = 5.5};

// Four ions, some pairs interacting only across the box faces (x = 0 ↔ 18, z = 0 ↔ 12).
const std::vector<Vec3> kIons{{0.4, 2.0, 1.0}, {17.1, 3.5, 11.2}, {3.3, 1.0, 2.5}, {9.0, 8.0, 6.0}};
const std::vector<double> kCharges{1.0, 1.0, -2.0, 1.0};

std::vector<Vec3> forces_of(const IonIonInteraction &U, const std::vector<Vec3> &R) {
  std::vector<Vec3> f(R.size(), Vec3::Zero());
  U.add_forces(R, kCharges, f);
  return f;
}

std::string refusal(const ScreenedCoulombParams &p) {
  try {
    IonIonInteraction::screened_coulomb(p, kBox);
  } catch (const InputError &e) {
    return e.what();
  }
  return "";
}
} // namespace

TEST(IonIon, ForceIsMinusGradientOfEnergy) {
  const auto U = IonIonInteraction::screened_coulomb(kParams, kBox);
  const auto f = forces_of(U, kIons);
  const double h = 1e-5;
  double worst = 0, scale = 0;
  for (std::size_t i = 0; i < kIons.size(); ++i)
    for (int c = 0; c < 3; ++c) {
      auto plus = kIons, minus = kIons;
      plus[i][c] += h;
      minus[i][c] -= h;
      const double fd = -(U.energy_meV(plus, kCharges) - U.energy_meV(minus, kCharges)) / (2 * h);
      worst = std::max(worst, std::abs(fd - f[i][c]));
      scale = std::max(scale, std::abs(f[i][c]));
    }
  RecordProperty("max_force_error_meV_per_A", fmt::format("{:.3e}", worst));
  RecordProperty("max_force_meV_per_A", fmt::format("{:.3e}", scale));
  EXPECT_GT(scale, 1.0); // the configuration has real forces
  EXPECT_LT(worst, 1e-7 * scale);
}

TEST(IonIon, NewtonsThirdLaw) {
  const auto U = IonIonInteraction::screened_coulomb(kParams, kBox);
  Vec3 sum = Vec3::Zero();
  double scale = 0;
  for (const Vec3 &f : forces_of(U, kIons)) {
    sum += f;
    scale = std::max(scale, f.norm());
  }
  EXPECT_LT(sum.norm(), 1e-14 * scale);
}

TEST(IonIon, MinimumImageAcrossTheBoxBoundary) {
  // x = 0.5 and x = 17.5 are 1 Å apart through the face x = 0; unwrapped copies give the same.
  const auto U = IonIonInteraction::screened_coulomb(kParams, kBox);
  const std::vector<double> z{1.0, 1.0};
  const double expected = U.pair_energy_per_charge2_meV(1.0);
  EXPECT_GT(expected, 0.0);
  const std::vector<Vec3> near{{0.5, 1, 1}, {17.5, 1, 1}};
  const std::vector<Vec3> shifted{{0.5 + 36.0, 1 - 15.0, 1}, {17.5, 1, 1 + 24.0}};
  EXPECT_NEAR(U.energy_meV(near, z), expected, 1e-12 * expected);
  EXPECT_NEAR(U.energy_meV(shifted, z), expected, 1e-12 * expected);
  std::vector<Vec3> f(2, Vec3::Zero());
  U.add_forces(near, z, f);
  EXPECT_GT(f[0].x(), 0.0); // repelled away from the face it is close to through the boundary
  EXPECT_LT(f[1].x(), 0.0);
}

TEST(IonIon, SkewedCellMinimumImageMatchesBruteForce) {
  // A triclinic supercell: the fractional rounding finds the nearest image of every separation
  // shorter than the half width (every pair the cutoff can see).
  Mat3 A;
  A << 3.0, 1.0, 0.5, 0.0, 2.8, 0.7, 0.0, 0.0, 3.1; // columns a1, a2, a3
  const PeriodicSupercell box(A, GridShape{5, 5, 5});
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(-40.0, 40.0);
  for (int trial = 0; trial < 2000; ++trial) {
    const Vec3 s(u(rng), u(rng), u(rng));
    const Vec3 mi = box.minimum_image(s);
    double nearest = std::numeric_limits<double>::infinity();
    const Vec3 f = box.vectors_A().inverse() * s;
    for (int i = -3; i <= 3; ++i)
      for (int j = -3; j <= 3; ++j)
        for (int k = -3; k <= 3; ++k) {
          const Vec3 image = box.vectors_A() * (f - Vec3(std::round(f[0]) + i, std::round(f[1]) + j,
                                                         std::round(f[2]) + k));
          nearest = std::min(nearest, image.norm());
        }
    if (nearest < box.half_width_A())
      EXPECT_NEAR(mi.norm(), nearest, 1e-12) << s.transpose();
    EXPECT_GE(mi.norm(), nearest - 1e-12);
  }
}

TEST(IonIon, EnergyShiftedToZeroAtCutoff) {
  const auto U = IonIonInteraction::screened_coulomb(kParams, kBox);
  const double rc = kParams.cutoff_A;
  EXPECT_EQ(U.pair_energy_per_charge2_meV(rc), 0.0);
  EXPECT_EQ(U.pair_energy_per_charge2_meV(rc + 1.0), 0.0);
  EXPECT_NEAR(U.pair_energy_per_charge2_meV(rc - 1e-9),
              -1e-9 * U.pair_derivative_per_charge2_meV_per_A(rc - 1e-9), 1e-13); // continuous
  // Below r_c: the unshifted value minus its value at r_c; the force is the unshifted one.
  const double C = kCoulombConstant_meV_A / kParams.relative_permittivity, l = 2.0;
  const double r = 3.0;
  EXPECT_NEAR(U.pair_energy_per_charge2_meV(r),
              C * std::exp(-r / l) / r - C * std::exp(-rc / l) / rc, 1e-12);
  EXPECT_NEAR(U.pair_derivative_per_charge2_meV_per_A(r),
              -C * std::exp(-r / l) / r * (1 / l + 1 / r), 1e-12);
}

TEST(IonIon, VirialTraceIsMinusScalingDerivative) {
  // Scaling positions and box by s: dE/ds at s = 1 is Σ s_ij · ∇U = −tr W.
  const auto U = IonIonInteraction::screened_coulomb(kParams, kBox);
  std::vector<Vec3> f(kIons.size(), Vec3::Zero());
  const IonIonTerms terms = U.add_forces(kIons, kCharges, f);
  auto scaled_energy = [&](double s) {
    const PeriodicSupercell box(s * kBox.vectors_A());
    const auto Us = IonIonInteraction::screened_coulomb(kParams, box);
    std::vector<Vec3> R = kIons;
    for (auto &x : R)
      x *= s;
    return Us.energy_meV(R, kCharges);
  };
  const double h = 1e-6;
  const double dE = (scaled_energy(1 + h) - scaled_energy(1 - h)) / (2 * h);
  EXPECT_NEAR(dE, -terms.virial_meV.trace(), 1e-6 * std::abs(dE));
  EXPECT_LT((terms.virial_meV - terms.virial_meV.transpose()).norm(),
            1e-12 * terms.virial_meV.norm()); // central pair forces: symmetric
}

TEST(IonIon, NoneGivesZero) {
  const IonIonInteraction U = IonIonInteraction::none();
  EXPECT_FALSE(U.active());
  std::vector<Vec3> f(kIons.size(), Vec3::Zero());
  const auto terms = U.add_forces(kIons, kCharges, f);
  EXPECT_EQ(terms.energy_meV, 0.0);
  for (const Vec3 &x : f)
    EXPECT_EQ(x, Vec3::Zero());
}

TEST(IonIon, RefusesInvalidInputsNamingTheValue) {
  auto with = [](auto change) {
    ScreenedCoulombParams p = kParams;
    change(p);
    return refusal(p);
  };
  // Half width of 18 × 15 × 12 Å is 6 Å.
  EXPECT_NE(with([](auto &p) { p.cutoff_A = 6.0; }).find("r_c = 6 Å"), std::string::npos);
  EXPECT_NE(with([](auto &p) { p.cutoff_A = 7.5; }).find("6 Å"), std::string::npos);
  EXPECT_NE(with([](auto &p) { p.cutoff_A = 0; }).find("got 0"), std::string::npos);
  EXPECT_NE(with([](auto &p) { p.screening_length_A = 0; }).find("got 0 Å"), std::string::npos);
  EXPECT_NE(with([](auto &p) { p.screening_length_A = -1.5; }).find("-1.5"), std::string::npos);
  EXPECT_NE(with([](auto &p) { p.relative_permittivity = 0; }).find("ε_r"), std::string::npos);
  EXPECT_NE(with([](auto &p) { p.relative_permittivity = -2; }).find("-2"), std::string::npos);
  const std::string bare =
      with([](auto &p) { p.screening_length_A = std::numeric_limits<double>::infinity(); });
  EXPECT_NE(bare.find("bare Coulomb"), std::string::npos) << bare;
  EXPECT_NE(bare.find("Ewald"), std::string::npos) << bare;
  EXPECT_NE(refusal({.relative_permittivity = 8.0, .cutoff_A = 5.5}).find("bare Coulomb"),
            std::string::npos); // λ_ion not given
  EXPECT_EQ(with([](auto &) {}), "");
}
