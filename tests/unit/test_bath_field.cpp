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
  EXPECT_LE(err_r, 1e-9 * r_rms);
  EXPECT_LE(err_v, 1e-9 * v_rms);
}

TEST(Bessel, MillerRecurrenceMatchesStdCylBesselJ) {
  // libstdc++ is itself accurate only to a few 1e-15 for x ≳ 35 (J_0(62.7): Miller
  // 0.061104558844029939, std 0.061104558844027899, 30-digit value 0.0611045588440301431), so the
  // bound against it is 2e-15 up to x = 32 and 2e-14 beyond; 30-digit values (mpmath) check
  // Miller directly there.
  for (const double x : {0.0, 1e-12, 1e-6, 0.3, 1.0, 4.7, 15.67, 31.35, 39.2, 62.7, 125.4, 250.0}) {
    const auto orders = static_cast<std::size_t>(x + 40 + 4 * std::cbrt(x + 1));
    std::vector<double> j(orders + 1);
    bessel_j_orders(x, j);
    const double tolerance = x <= 32 ? 2e-15 : 2e-14;
    for (std::size_t k = 0; k <= orders; ++k)
      EXPECT_NEAR(j[k], std::cyl_bessel_j(static_cast<double>(k), x), tolerance)
          << "k = " << k << ", x = " << x;
  }
  std::vector<double> j(41);
  bessel_j_orders(62.7, j);
  EXPECT_NEAR(j[0], 0.0611045588440301431, 5e-16);
  bessel_j_orders(39.2, j);
  EXPECT_NEAR(j[0], 0.0964482716998324794, 5e-16);
  EXPECT_NEAR(j[1], 0.0845236991385205350, 5e-16);
  bessel_j_orders(31.35, j);
  EXPECT_NEAR(j[40], 0.00115053918123979906, 5e-17);
}

TEST(ReferenceBathField, VelocityIsTheTimeDerivative) {
  // physics.md §2.5 fact 3: a fourth-order central difference on a fine quarter-step grid.
  const crystal::ModeSet modes(kPaper, {6, 6, 6});
  const ThermalBath bath(modes, {.kT_meV = 25.0, .seed = 4});
  constexpr double kQuarter = 1e-4; // ps
  ReferenceBathField field(bath, 4 * kQuarter);
  const auto [r_rms, v_rms] = rms_xyz(bath);
  const std::vector<Cell> sites{Cell(0, 0, 0), Cell(-3, 7, 2)};
  std::vector<SiteMotion> m2(2), m1(2), c(2), p1(2), p2(2);
  for (const std::int64_t q : {10, 123457, 3000000}) {
    field.evaluate(sites, q - 2, m2);
    field.evaluate(sites, q - 1, m1);
    field.evaluate(sites, q, c);
    field.evaluate(sites, q + 1, p1);
    field.evaluate(sites, q + 2, p2);
    for (int i = 0; i < 2; ++i) {
      const Vec3 fd = (m2[i].r - 8 * m1[i].r + 8 * p1[i].r - p2[i].r) / (12 * kQuarter);
      EXPECT_LT((fd - c[i].v).cwiseAbs().maxCoeff(), 1e-8 * v_rms) << "q = " << q;
    }
  }
  EXPECT_GT(r_rms, 0.0);
}

TEST(BathFields, ArePeriodicInTheGridExactly) {
  // physics.md §2.5 fact 5: r_{n + N e_c} = r_n bitwise (integer Bloch phases).
  const crystal::ModeSet modes(kPaper, {8, 8, 8});
  const ThermalBath bath(modes, {.kT_meV = 30.0, .seed = 12});
  ReferenceBathField reference(bath, kDt);
  ChebyshevOptions options;
  options.reduction_block_modes = 256;
  ChebyshevBathField fast(bath, kDt, options);
  const std::vector<Cell> sites{Cell(1, 2, 3), Cell(9, 2, 3), Cell(1, -6, 3), Cell(1, 2, 19),
                                Cell(-15, 10, -13)};
  for (BathField *field : {static_cast<BathField *>(&reference), static_cast<BathField *>(&fast)}) {
    std::vector<SiteMotion> out(sites.size());
    field->evaluate(sites, 4 * 777 + 3, out);
    for (std::size_t i = 1; i < sites.size(); ++i) {
      EXPECT_EQ(out[i].r, out[0].r);
      EXPECT_EQ(out[i].v, out[0].v);
    }
  }
}

namespace {
struct Sample {
  std::vector<Cell> sites;
  std::int64_t quarter_step;
};
// A trajectory-like query sequence: 8 corners, 5 stage times per step, hops, a restart jump.
std::vector<Sample> query_sequence(std::int64_t first_step, std::int64_t steps) {
  std::vector<Sample> q;
  Cell cell(2, 3, -1);
  for (std::int64_t s = first_step; s < first_step + steps; ++s) {
    if (s % 97 == 50)
      cell += Cell(0, (s / 97) % 2 ? 1 : -1, 1);
    for (std::int64_t k = 0; k <= 4; ++k)
      q.push_back({corners(cell), 4 * s + k});
  }
  return q;
}

std::vector<SiteMotion> run(BathField &field, const std::vector<Sample> &queries) {
  std::vector<SiteMotion> all;
  for (const auto &q : queries) {
    std::vector<SiteMotion> out(q.sites.size());
    field.evaluate(q.sites, q.quarter_step, out);
    all.insert(all.end(), out.begin(), out.end());
  }
  return all;
}

void expect_bitwise_equal(const std::vector<SiteMotion> &a, const std::vector<SiteMotion> &b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].r, b[i].r) << "sample " << i;
    ASSERT_EQ(a[i].v, b[i].v) << "sample " << i;
  }
}
} // namespace

TEST(ChebyshevBathField, ValuesDoNotDependOnTheHistoryOfCalls) {
  const crystal::ModeSet modes(kPaper, {8, 8, 8});
  const ThermalBath bath(modes, {.kT_meV = 25.0, .seed = 31, .trajectory_id = 2});
  ChebyshevOptions options;
  options.block_steps = 60;
  options.anchor_blocks = 4;
  // Continuous run over several blocks and anchors, with hops mid-block.
  const auto queries = query_sequence(500, 700);
  ChebyshevBathField continuous(bath, kDt, options);
  const auto reference = run(continuous, queries);
  // Restart from a "checkpoint" in mid-block: a fresh field jumping straight to step 830.
  const std::vector<Sample> tail(queries.begin() + 5 * 330, queries.end());
  ChebyshevBathField restarted(bath, kDt, options);
  const auto resumed = run(restarted, tail);
  expect_bitwise_equal(std::vector<SiteMotion>(reference.begin() + 8 * 5 * 330, reference.end()),
                       resumed);
  // One site at a time, in reverse order within each call: same values.
  ChebyshevBathField single(bath, kDt, options);
  std::vector<SiteMotion> one_by_one;
  for (const auto &q : queries) {
    std::vector<SiteMotion> out(q.sites.size());
    for (std::size_t i = q.sites.size(); i-- > 0;)
      single.evaluate(std::span(&q.sites[i], 1), q.quarter_step, std::span(&out[i], 1));
    one_by_one.insert(one_by_one.end(), out.begin(), out.end());
  }
  expect_bitwise_equal(reference, one_by_one);
}

TEST(ChebyshevBathField, BitwiseIdenticalForOneTwoAndFourModePartitions) {
  // 8³ grid, 1533 modes in reduction blocks of 256 (6 blocks). Each "rank" owns the blocks
  // [n_blocks r/size, n_blocks (r+1)/size) as parallel::BlockPartition assigns them. Pass 1 records
  // every rank's partials per reducer call; pass 2 returns, for each call, the block-ordered sum of
  // the concatenated partials (what Communicator::ordered_block_sum computes).
  const crystal::Crystal &crystal = kPaper;
  const GridShape grid{8, 8, 8};
  const std::int64_t total = crystal::ModeSet::total_modes(grid), block = 256;
  const std::int64_t n_blocks = (total + block - 1) / block;
  const ThermalBathParams params{.kT_meV = 40.0, .seed = 17, .trajectory_id = 9};
  ChebyshevOptions options;
  options.block_steps = 50;
  options.reduction_block_modes = block;
  const auto queries = query_sequence(0, 260);

  auto simulate = [&](int size) {
    std::vector<std::unique_ptr<crystal::ModeSet>> slices;
    std::vector<std::unique_ptr<ThermalBath>> baths;
    for (int r = 0; r < size; ++r) {
      const std::int64_t first = std::min(total, n_blocks * r / size * block);
      const std::int64_t last = std::min(total, n_blocks * (r + 1) / size * block);
      slices.push_back(std::make_unique<crystal::ModeSet>(crystal, grid, first, last));
      baths.push_back(std::make_unique<ThermalBath>(*slices.back(), params));
    }
    // recorded[rank][call]: the partials each rank passed to its reducer. A reducer call is
    // answered with the block-ordered sum once every rank has recorded that call, else with zeros
    // (the sequence of calls depends only on the queries, never on the values returned).
    std::vector<std::vector<std::vector<double>>> recorded(size);
    auto pass = [&](bool run_queries) {
      std::vector<std::vector<SiteMotion>> results;
      for (int r = 0; r < size; ++r) {
        std::size_t call = 0;
        auto reduce = [&, r](std::span<const double> local, std::size_t width,
                             std::span<double> out) {
          if (recorded[r].size() <= call)
            recorded[r].resize(call + 1);
          recorded[r][call].assign(local.begin(), local.end());
          std::vector<double> all;
          bool complete = true;
          for (int q = 0; q < size; ++q) {
            complete = complete && recorded[q].size() > call;
            if (complete)
              all.insert(all.end(), recorded[q][call].begin(), recorded[q][call].end());
          }
          if (complete)
            sum_blocks_in_order(all, width, out);
          else
            std::fill(out.begin(), out.end(), 0.0);
          ++call;
        };
        ChebyshevBathField field(*baths[r], kDt, options, reduce);
        if (run_queries)
          results.push_back(run(field, queries));
      }
      return results;
    };
    pass(false); // Ω_max reduction of the constructor
    pass(true);  // records every coefficient reduction
    const auto results = pass(true);
    for (int r = 1; r < size; ++r)
      expect_bitwise_equal(results[0], results[r]);
    return results[0];
  };
  const auto one = simulate(1);
  expect_bitwise_equal(one, simulate(2));
  expect_bitwise_equal(one, simulate(4));
}

TEST(ChebyshevBathField, RejectsSlicesNotAlignedToReductionBlocks) {
  const crystal::ModeSet slice(kPaper, {6, 6, 6}, 100, 645);
  const ThermalBath bath(slice, {});
  ChebyshevOptions options;
  options.reduction_block_modes = 256;
  EXPECT_THROW(ChebyshevBathField(bath, kDt, options), std::invalid_argument);
}
