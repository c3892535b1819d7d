// seed 002 Figs. 3 and 4 (physics.md §4.3 (a), (b); §10 rows 22–24, 30, 53, 54): full equations of
// motion against the time-local forms, on lattices smaller than the paper's (sensitivity stated).
#include "ionbath/crystal/drag_matrix.hpp"
#include "ionbath/crystal/static_response.hpp"
#include "ionbath/dynamics/full_protocols.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

using namespace ionbath;
using namespace ionbath::dynamics;

namespace {
const crystal::Crystal kPaper = crystal::Crystal::simple_cubic(3.0, 3.5, 520.0, 170.0);

double max_abs(const std::vector<double> &x) {
  double m = 0;
  for (double v : x)
    m = std::max(m, std::abs(v));
  return m;
}

struct Response {
  double w, l;
};
const Response &response() {
  static const Response r{crystal::static_response_fft(kPaper, 128, 0).blocks[0].diagonal().mean(),
                          crystal::drag_matrix(kPaper).diagonal().mean()};
  return r;
}
} // namespace

// Seed 002 Sec. IV: for λ = 1/2 Å "both the magnitude of the deflection and its time dependence are
// similar" and the force difference is "essentially negligible". Tested: peak deflection of the
// time-local Eq. 25 within 15 % of the full one, peak forces (time-local and homogeneous Eq. 26)
// within 10 %. Measured on 20³: Ṙ0 = 10: deflection −0.3 %, force −5.4 % (homogeneous −6.4 %);
// Ṙ0 = 2: −1.3 %, +0.01 %. The collision peak comes before the box echo (wrap time 0.64 ps
// after the first signal; the far-field check is in the result).
class Fig3 : public ::testing::TestWithParam<double> {};

TEST_P(Fig3, TimeLocalDeflectionAndForceMatchFullForHalfAngstromScreening) {
  ReflectionParams p;
  p.screening_length_A = 0.5;
  p.speed_A_per_ps = GetParam();
  p.lattice_n = 20;
  const auto res = run_reflection(kPaper, p, response().w, response().l);
  const double r_full = max_abs(res.atom_r_A), r_tl = max_abs(res.r_time_local_A);
  const double r_qs = max_abs(res.r_quasistatic_A), r_hom = max_abs(res.r_homogeneous_A);
  const double f_full = max_abs(res.force_full_meV_per_A);
  const double f_tl = max_abs(res.force_time_local_meV_per_A);
  const double f_hom = max_abs(res.force_homogeneous_meV_per_A);
  for (const auto &[k, v] : {std::pair{"peak_r_full_A", r_full},
                             {"peak_r_time_local_A", r_tl},
                             {"peak_r_quasistatic_A", r_qs},
                             {"peak_r_homogeneous_A", r_hom},
                             {"peak_force_full", f_full},
                             {"peak_force_time_local", f_tl},
                             {"peak_force_homogeneous", f_hom},
                             {"wrap_time_ps", res.signal_wrap_time_ps},
                             {"far_field_max_A", res.far_field_max_displacement_A}})
    RecordProperty(k, fmt::format("{:.6g}", v));
  EXPECT_NEAR(r_tl / r_full, 1.0, 0.15);
  EXPECT_NEAR(f_tl / f_full, 1.0, 0.10);
  EXPECT_NEAR(f_hom / f_full, 1.0, 0.10);
  // The particle is reflected: it ends moving back at close to its initial speed.
  EXPECT_LT(res.ion_Rdot_A_per_ps.back(), -0.9 * p.speed_A_per_ps);
}

INSTANTIATE_TEST_SUITE_P(Speeds, Fig3, ::testing::Values(10.0, 2.0));

// Seed 002 Fig. 4: "similar decay envelopes, full decays slightly faster". Tested over the first
// five oscillations (ten |ż| maxima): the kinetic-energy loss of the time-local model within 20 %
// of the full one. Measured on 40³: loss 0.797 (full) vs 0.741 (time-local), −7 %.
TEST(Fig4, TimeLocalDecayEnvelopeMatchesFullOverFiveOscillations) {
  DissipationParams p;
  p.lattice_n = 40;
  p.duration_ps = 3.5;
  const auto W = crystal::static_response_fft(kPaper, 128, 7);
  const auto res = run_dissipation(kPaper, p, W, crystal::drag_matrix(kPaper));
  ASSERT_GE(res.envelope_speed_full_A_per_ps.size(), 11u);
  ASSERT_GE(res.envelope_speed_time_local_A_per_ps.size(), 11u);
  auto loss = [](const std::vector<double> &peaks) {
    return 1 - std::pow(peaks[10] / peaks[0], 2);
  };
  const double loss_full = loss(res.envelope_speed_full_A_per_ps);
  const double loss_local = loss(res.envelope_speed_time_local_A_per_ps);
  RecordProperty("loss_full", fmt::format("{:.5f}", loss_full));
  RecordProperty("loss_time_local", fmt::format("{:.5f}", loss_local));
  RecordProperty("peak0_full", fmt::format("{:.5f}", res.envelope_speed_full_A_per_ps[0]));
  RecordProperty("peak0_local", fmt::format("{:.5f}", res.envelope_speed_time_local_A_per_ps[0]));
  EXPECT_NEAR(loss_local / loss_full, 1.0, 0.2);
}
