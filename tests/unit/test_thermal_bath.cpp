// physics.md §2.1, §2.4 and §2.5 facts 1–2, §10 row 20: mode amplitudes and their random streams.
#include "ionbath/bath/reference_bath_field.hpp"
#include "ionbath/bath/thermal_bath.hpp"
#include "ionbath/core/units.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace ionbath;
using namespace ionbath::bath;

namespace {
const crystal::Crystal kPaper = crystal::Crystal::simple_cubic(3.0, 3.5, 520.0, 170.0);
constexpr double kHbar = units::hbar_meV_ps;

double coth(double x) {
  return 1.0 / std::tanh(x);
}

// Discrete-grid variance per component of r_H (or ṙ_H) along `axis` (physics.md §2.5 fact 2).
double grid_variance(const crystal::ModeSet &modes, double kT_meV, int axis, bool velocity) {
  const double omega_T = kT_meV / kHbar;
  double sum = 0;
  for (std::int64_t j = 0; j < modes.size(); ++j) {
    const double om = modes.omega(j);
    const double e2 = modes.eta(j)(axis) * modes.eta(j)(axis);
    sum += e2 * coth(om / (2 * omega_T)) / (2 * om) * (velocity ? om * om : 1.0);
  }
  return kHbar / (modes.n_cells() * modes.mass()) * sum;
}

// Sample mean and its standard error.
struct Moments {
  double mean, stderr_mean;
};
Moments moments(const std::vector<double> &x) {
  double s = 0, s2 = 0;
  for (double v : x)
    s += v;
  const double mean = s / x.size();
  for (double v : x)
    s2 += (v - mean) * (v - mean);
  return {mean, std::sqrt(s2 / (x.size() - 1) / x.size())};
}
} // namespace

TEST(ThermalBath, MeanSquareAmplitudeIsBoseEinstein) {
  const crystal::ModeSet modes(kPaper, {4, 4, 4}); // 189 modes
  const double kT = 25.0, omega_T = kT / kHbar;
  constexpr int kDraws = 4000;
  std::vector<std::vector<double>> a2(static_cast<std::size_t>(modes.size()));
  for (int t = 0; t < kDraws; ++t) {
    const ThermalBath bath(modes, {.kT_meV = kT, .seed = 5, .trajectory_id = std::uint64_t(t)});
    for (std::int64_t j = 0; j < modes.size(); ++j)
      a2[j].push_back(std::pow(bath.amplitude(j), 2));
  }
  // Each mode separately within 5σ of (ħ/Ω) coth(Ω/2Ω_T) (seed 002 Eq. 23).
  for (std::int64_t j = 0; j < modes.size(); ++j) {
    const double expected = kHbar / modes.omega(j) * coth(modes.omega(j) / (2 * omega_T));
    const auto m = moments(a2[j]);
    EXPECT_NEAR(m.mean, expected, 5 * m.stderr_mean) << "mode " << j;
  }
}

TEST(ThermalBath, ZeroTemperatureKeepsOnlyZeroPointMotion) {
  const crystal::ModeSet modes(kPaper, {6, 6, 6});
  for (const double kT : {0.0, 1e-3}) {
    const ThermalBath bath(modes, {.kT_meV = kT, .seed = 9, .trajectory_id = 4});
    for (std::int64_t j = 0; j < modes.size(); ++j) {
      EXPECT_EQ(bath.occupation(j), 0);
      EXPECT_NEAR(std::pow(bath.amplitude(j), 2), kHbar / modes.omega(j),
                  1e-14 * kHbar / modes.omega(j));
    }
  }
}

TEST(ThermalBath, ClassicalAmplitudesFollowEquipartition) {
  const crystal::ModeSet modes(kPaper, {3, 3, 3}); // 78 modes
  const double kT = 25.0;
  constexpr int kDraws = 4000;
  for (std::int64_t j = 0; j < modes.size(); j += 7) {
    std::vector<double> a2;
    for (int t = 0; t < kDraws; ++t) {
      const ThermalBath bath(modes, {.kT_meV = kT,
                                     .seed = 2,
                                     .trajectory_id = std::uint64_t(t),
                                     .statistics = Statistics::classical});
      a2.push_back(std::pow(bath.amplitude(j), 2));
    }
    const auto m = moments(a2);
    EXPECT_NEAR(m.mean, 2 * kT / std::pow(modes.omega(j), 2), 5 * m.stderr_mean) << "mode " << j;
  }
}

TEST(ThermalBath, PhasesAreUniform) {
  // Chi-square of the phase u_j = -arg(ζ_j)/2π mod 1 in 20 bins over 10 baths of the 8³ grid.
  const crystal::ModeSet modes(kPaper, {8, 8, 8});
  constexpr int kBins = 20;
  std::vector<double> counts(kBins, 0.0);
  double n = 0;
  for (std::uint64_t t = 0; t < 10; ++t) {
    const ThermalBath bath(modes, {.kT_meV = 10.0, .seed = 3, .trajectory_id = t});
    for (std::int64_t j = 0; j < modes.size(); ++j) {
      double u = -std::arg(bath.zeta(j)) / (2 * units::pi);
      u -= std::floor(u);
      counts[std::min(kBins - 1, static_cast<int>(u * kBins))] += 1;
      n += 1;
    }
  }
  double chi2 = 0;
  for (double c : counts)
    chi2 += std::pow(c - n / kBins, 2) / (n / kBins);
  // 19 degrees of freedom: mean 19, σ = sqrt(38); bound at mean + 5σ.
  EXPECT_LT(chi2, 19 + 5 * std::sqrt(38.0));
}

TEST(ThermalBath, StreamsAreKeyedAndLayoutIndependent) {
  const crystal::ModeSet all(kPaper, {6, 6, 6});
  const ThermalBathParams base{
      .kT_meV = 20.0, .seed = 7, .temperature_index = 2, .trajectory_id = 5};
  const ThermalBath full(all, base);
  // The same key gives the same draws on any slice of the mode range.
  for (const auto &[first, last] :
       {std::pair<std::int64_t, std::int64_t>{0, 100}, {100, 400}, {321, 645}}) {
    const crystal::ModeSet slice(kPaper, {6, 6, 6}, first, last);
    const ThermalBath part(slice, base);
    for (std::int64_t j = 0; j < slice.size(); ++j) {
      EXPECT_EQ(part.zeta(j), full.zeta(first + j));
      EXPECT_EQ(part.occupation(j), full.occupation(first + j));
      EXPECT_EQ(part.coefficient(j), full.coefficient(first + j));
    }
  }
  // Changing any key or counter word changes every draw.
  auto differs = [&](ThermalBathParams p) {
    const ThermalBath other(all, p);
    int same = 0;
    for (std::int64_t j = 0; j < all.size(); ++j)
      same += other.zeta(j) == full.zeta(j);
    return same == 0;
  };
  auto p = base;
  p.seed = 8;
  EXPECT_TRUE(differs(p));
  p = base;
  p.temperature_index = 3;
  EXPECT_TRUE(differs(p));
  p = base;
  p.trajectory_id = 6;
  EXPECT_TRUE(differs(p));
  EXPECT_NE(stream_uniforms(base, StreamPurpose::mode_amplitude, 0),
            stream_uniforms(base, StreamPurpose::mode_amplitude, 1));
}

TEST(ThermalBath, CommonRandomNumbersShareUniformsAcrossTemperatures) {
  const crystal::ModeSet modes(kPaper, {6, 6, 6});
  const ThermalBathParams cold{.kT_meV = 10.0,
                               .seed = 150,
                               .temperature_index = 0,
                               .trajectory_id = 0,
                               .streams = RandomStreams::common};
  auto hot = cold;
  hot.kT_meV = 50.0;
  hot.temperature_index = 6;
  const ThermalBath a(modes, cold), b(modes, hot);
  int strictly_more = 0;
  for (std::int64_t j = 0; j < modes.size(); ++j) {
    EXPECT_NEAR(std::arg(a.zeta(j)), std::arg(b.zeta(j)), 1e-12); // identical phases
    EXPECT_LE(a.occupation(j), b.occupation(j));                  // monotone occupations
    strictly_more += b.occupation(j) > a.occupation(j);
  }
  EXPECT_GT(strictly_more, 0);
  auto independent = hot;
  independent.streams = RandomStreams::per_temperature;
  EXPECT_NE(ThermalBath(modes, independent).zeta(0), b.zeta(0));
}

TEST(ThermalBath, GridVarianceMatchesReferenceTable) {
  // physics.md §10 row 20 (20³ grid, Γ dropped, normalised by 8000 cells).
  const crystal::ModeSet modes(kPaper, {20, 20, 20});
  EXPECT_NEAR(grid_variance(modes, 25.0, 0, false), 0.0232896, 2e-7);
  EXPECT_NEAR(grid_variance(modes, 50.0, 0, false), 0.0459647, 2e-7);
  EXPECT_NEAR(grid_variance(modes, 25.0, 0, true), 7.34334, 2e-5);
  EXPECT_NEAR(grid_variance(modes, 25.0, 2, false), 0.0232896, 2e-7); // cubic: isotropic
}

TEST(ThermalBath, FieldVarianceOverIndependentBathsMatchesGridFormula) {
  // physics.md §2.5 fact 2 on the 6³ grid: per-component variance of r_H and ṙ_H at one atom over
  // many trajectories, against (ħ/Nm) Σ_j |η_j,x|² coth(Ω_j/2Ω_T)/(2Ω_j) (× Ω_j² for ṙ_H).
  const crystal::ModeSet modes(kPaper, {6, 6, 6});
  const double kT = 25.0;
  constexpr int kDraws = 3000;
  std::vector<std::vector<double>> r2(3), v2(3);
  const std::vector<Cell> site{Cell(2, -1, 4)};
  std::vector<SiteMotion> out(1);
  for (int t = 0; t < kDraws; ++t) {
    const ThermalBath bath(modes, {.kT_meV = kT, .seed = 21, .trajectory_id = std::uint64_t(t)});
    ReferenceBathField field(bath, 0.005);
    field.evaluate(site, 4 * 1234 + t % 4, out); // stationarity: any time
    for (int c = 0; c < 3; ++c) {
      r2[c].push_back(out[0].r(c) * out[0].r(c));
      v2[c].push_back(out[0].v(c) * out[0].v(c));
    }
  }
  for (int c = 0; c < 3; ++c) {
    // ⟨r⟩ = 0 exactly, so the mean of r² estimates the variance; bound 5 standard errors.
    const auto mr = moments(r2[c]), mv = moments(v2[c]);
    EXPECT_NEAR(mr.mean, grid_variance(modes, kT, c, false), 5 * mr.stderr_mean);
    EXPECT_NEAR(mv.mean, grid_variance(modes, kT, c, true), 5 * mv.stderr_mean);
  }
}
