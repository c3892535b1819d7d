// Mechanism decomposition (physics.md §8.2–8.6) on synthetic trajectories whose answer is known:
// sum rules to rounding (§8.6.1), a Poisson hopper (D* = Γa², f_R = e^{−6ΓΔt}, §8.6.2), pure
// vibration (all R, L ∝ 1/Δt, §8.6.3), relabelling and Δt = one frame (§8.6.4), hysteresis,
// concerted links, production vs reference path, bad input and the site graph. Fixed seeds,
// statistical bounds 4σ of the block errors.
#include "ionbath/analysis/hop_decomposition.hpp"

#include <algorithm>
#include <cmath>
#include <gtest/gtest.h>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <vector>

using namespace ionbath;
using namespace ionbath::analysis;

namespace {

constexpr double kA = 3.0;   // Å, cubic site spacing
constexpr double kDt = 0.01; // ps between frames
constexpr double kT = 25.0;  // meV
constexpr int kC = 0, kM = 1, kH = 2, kB = 3, kR = 4;

using Frames = std::vector<std::vector<Vec3>>; // [frame][ion], unwrapped Å

double volume(const SiteLattice &lattice) {
  Mat3 A;
  for (int d = 0; d < 3; ++d)
    for (int x = 0; x < 3; ++x)
      A(x, d) = lattice.cell[std::size_t(3 * d + x)];
  return std::abs(A.determinant());
}

HopAnalysisParams params(double tau_frames = 0, double r_c_A = 0) {
  return HopAnalysisParams{kDt, tau_frames * kDt, r_c_A};
}

// Ions on the cubic sites a(c + ½): every frame each ion hops to a random face neighbour with
// probability p_hop; Gaussian vibration of σ per axis about the site centre.
Frames hopping_ions(const GridShape &cells, int ions, int frames, double p_hop, double sigma,
                    std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::normal_distribution<double> vib(0.0, sigma);
  std::vector<Vec3> site(static_cast<std::size_t>(ions));
  for (auto &c : site)
    c = Vec3(std::floor(u(rng) * cells[0]), std::floor(u(rng) * cells[1]),
             std::floor(u(rng) * cells[2]));
  Frames out(static_cast<std::size_t>(frames), std::vector<Vec3>(static_cast<std::size_t>(ions)));
  for (int f = 0; f < frames; ++f)
    for (int i = 0; i < ions; ++i) {
      Vec3 &c = site[std::size_t(i)];
      out[std::size_t(f)][std::size_t(i)] =
          kA * (c + Vec3::Constant(0.5)) + Vec3(vib(rng), vib(rng), vib(rng));
      if (u(rng) < p_hop)
        c[int(u(rng) * 3)] += u(rng) < 0.5 ? -1 : 1;
    }
  return out;
}

HopTrajectory analyse(const SiteLattice &lattice, const HopAnalysisParams &p,
                      const std::vector<int> &species, const Frames &frames) {
  HopTrajectory t(lattice, p, species);
  for (const auto &R : frames)
    t.push(R);
  t.finish();
  return t;
}

std::vector<BlockSums> all_blocks(const HopTrajectory &t, const WindowPlan &plan) {
  std::vector<BlockSums> blocks;
  for (int b = 0; b < plan.blocks; ++b)
    blocks.push_back(window_block_sums(t, plan, b));
  return blocks;
}

ModeDecomposition decomposition(const HopTrajectory &t, const WindowPlan &plan) {
  return decompose(all_blocks(t, plan), t, plan, volume(t.lattice()), kT);
}

// ⟨D^s·D^t⟩ over the origins o = 0, stride, … (o + w ≤ frames − 1), straight from the frames.
double direct_DD(const Frames &R, const std::vector<int> &species, int s, int t, std::int64_t w,
                 std::int64_t stride = 1) {
  double sum = 0;
  std::int64_t n = 0;
  for (std::int64_t o = 0; o + w < std::int64_t(R.size()); o += stride, ++n) {
    Vec3 Ds = Vec3::Zero(), Dt = Vec3::Zero();
    for (std::size_t i = 0; i < species.size(); ++i) {
      const Vec3 d = R[std::size_t(o + w)][i] - R[std::size_t(o)][i];
      if (species[i] == s)
        Ds += d;
      if (species[i] == t)
        Dt += d;
    }
    sum += Ds.dot(Dt);
  }
  return sum / double(n);
}

// ⟨Σ_{i∈s} |d_i|²⟩ over the same origins.
double direct_dd(const Frames &R, const std::vector<int> &species, int s, std::int64_t w) {
  double sum = 0;
  std::int64_t n = 0;
  for (std::int64_t o = 0; o + w < std::int64_t(R.size()); ++o, ++n)
    for (std::size_t i = 0; i < species.size(); ++i)
      if (species[i] == s)
        sum += (R[std::size_t(o + w)][i] - R[std::size_t(o)][i]).squaredNorm();
  return sum / double(n);
}

void expect_relative(double a, double b, double tol, const std::string &what) {
  EXPECT_NEAR(a, b, tol * std::max({std::abs(a), std::abs(b), 1e-300})) << what;
}

template <class F> void expect_invalid(F &&f, const std::string &fragment) {
  try {
    f();
    ADD_FAILURE() << "no exception; expected one with: " << fragment;
  } catch (const std::invalid_argument &e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

// Cube centres of a 4×4×4 supercell, checkerboard classes "even"/"odd" (two macrostates).
SiteLattice checkerboard_lattice() {
  const int n = 4;
  std::array<double, 9> cell{};
  cell[0] = cell[4] = cell[8] = kA * n;
  std::vector<Vec3> f;
  std::vector<int> cls;
  for (int x = 0; x < n; ++x)
    for (int y = 0; y < n; ++y)
      for (int z = 0; z < n; ++z) {
        f.emplace_back((x + 0.5) / n, (y + 0.5) / n, (z + 0.5) / n);
        cls.push_back((x + y + z) % 2);
      }
  return make_site_lattice(cell, f, cls, {"even", "odd"});
}

} // namespace

// ---- §8.6.1 sum rules -------------------------------------------------------------------------

TEST(HopDecomposition, SumRulesHoldToRoundingForEveryWindow) {
  const SiteLattice lattice = cubic_site_lattice(kA, {4, 4, 4});
  const std::vector<int> species{0, 0, 0, 0, 0, 1, 1, 1};
  const Frames R = hopping_ions({4, 4, 4}, 8, 4000, 0.03, 0.25, 7);
  const HopTrajectory t = analyse(lattice, params(2, 3.5), species, R);
  const double V = volume(lattice);
  const auto windows = log_spaced_windows(kDt, 400 * kDt, 8, kDt, t.frames());
  ASSERT_GE(windows.size(), 6u);
  double concerted = 0;
  for (const std::int64_t w : windows) {
    const WindowPlan plan{w, 1, 10};
    const ModeDecomposition d = decomposition(t, plan);
    const double to_L = 1 / (6 * V * kT * double(w) * kDt);
    for (int s = 0; s < 2; ++s) {
      double L = 0, Dstar = 0, f = 0;
      for (int e = 0; e < n_hop_modes; ++e) {
        L += d.L[std::size_t(s * 5 + e)];
        Dstar += d.D_tracer[std::size_t(s * 5 + e)];
        f += d.frequency[std::size_t(s * 5 + e)];
      }
      const int N = s == 0 ? 5 : 3;
      const std::string at = "window " + std::to_string(w) + " species " + std::to_string(s);
      expect_relative(L, direct_DD(R, species, s, s, w) * to_L, 1e-12, "Σ_e L_e = L, " + at);
      expect_relative(d.L_total[std::size_t(s)], L, 1e-12, "L_total, " + at);
      expect_relative(Dstar, direct_dd(R, species, s, w) / (6 * N * double(w) * kDt), 1e-12,
                      "Σ_e D*_e = D*, " + at);
      expect_relative(d.D_tracer_total[std::size_t(s)], Dstar, 1e-12, "D*_total, " + at);
      EXPECT_NEAR(f, 1.0, 1e-12) << at;
      for (int s2 = 0; s2 < 2; ++s2) {
        double cross = 0;
        for (int e = 0; e < n_hop_modes; ++e)
          cross += d.L_cross[std::size_t((s * 2 + s2) * 5 + e)];
        expect_relative(cross, direct_DD(R, species, s, s2, w) * to_L, 1e-12, "L_cross, " + at);
      }
      concerted += d.frequency[std::size_t(s * 5 + kC)];
    }
    double P = 0;
    for (double p : d.transition_probability)
      P += p;
    EXPECT_NEAR(P, 2.0, 1e-12); // Σ_ab P_ab = 1 for each of the 2 species
    for (std::size_t a = 0; a < 10; ++a)
      for (std::size_t b = 0; b < 10; ++b)
        EXPECT_EQ(d.L_pair[a * 10 + b], d.L_pair[b * 10 + a]);
  }
  EXPECT_GT(concerted, 0.0); // the scan exercises every label, C included
}

// ---- §8.6.2 Poisson hopper --------------------------------------------------------------------

TEST(HopDecomposition, PoissonHopperHasTracerDiffusionGammaASquared) {
  const double gamma_dt = 0.002, lambda = 6 * gamma_dt; // hops per frame, all 6 directions
  const int frames = 200000;
  std::mt19937_64 rng(3);
  std::poisson_distribution<int> hops(lambda);
  std::uniform_int_distribution<int> direction(0, 5);
  Frames R(frames, std::vector<Vec3>(1));
  Vec3 c = Vec3::Zero();
  for (int f = 0; f < frames; ++f) {
    R[std::size_t(f)][0] = kA * (c + Vec3::Constant(0.5)); // exactly at the site centre
    for (int k = hops(rng); k > 0; --k) {
      const int d = direction(rng);
      c[d / 2] += d % 2 == 0 ? 1 : -1;
    }
  }
  const HopTrajectory t = analyse(cubic_site_lattice(kA, {4, 4, 4}), params(5, 3.5), {0}, R);
  const double D_exact = gamma_dt / kDt * kA * kA; // Γa², Å²/ps
  // Within one frame, a hop and its reverse leave no trace: P(no visible change per frame) =
  // e^{−λ}(1 + λ²/12 + O(λ⁴)), so f_R = q^w exactly in expectation.
  const double q = std::exp(-lambda) * (1 + lambda * lambda / 12);
  for (const std::int64_t w : {1, 10, 100}) {
    const ModeDecomposition d = decomposition(t, WindowPlan{w, 1, 10});
    EXPECT_LT(d.sigma_D_tracer_total[0], 0.1 * D_exact) << "bound must be meaningful";
    EXPECT_NEAR(d.D_tracer_total[0], D_exact, 4 * d.sigma_D_tracer_total[0]) << "w " << w;
    EXPECT_NEAR(d.D_collective[0], d.D_tracer_total[0], 1e-12 * D_exact); // one ion: D_L = D*
    EXPECT_NEAR(d.frequency[kR], std::pow(q, double(w)), 4 * d.sigma_frequency[kR]) << "w " << w;
    EXPECT_LT(d.sigma_frequency[kR], 0.02);
    EXPECT_EQ(d.frequency[kC], 0.0); // one ion: never concerted
    EXPECT_NEAR(d.frequency[kM] + d.frequency[kH] + d.frequency[kB] + d.frequency[kR], 1.0, 1e-12);
  }
}

// ---- §8.6.3 vibration only ----------------------------------------------------------------------

TEST(HopDecomposition, VibrationOnlyIsAllRattleWithLFallingAsOneOverDt) {
  const double sigma = 0.2; // Å per axis, r_site = 1.5 Å = 7.5σ
  const Frames R = hopping_ions({4, 4, 4}, 8, 20000, 0.0, sigma, 5);
  const std::vector<int> species(8, 0);
  const HopTrajectory t = analyse(cubic_site_lattice(kA, {4, 4, 4}), params(2, 3.5), species, R);
  EXPECT_TRUE(t.hops().empty());
  const double V = volume(t.lattice());
  // Independent stationary vibrations: ⟨|D|²⟩ = N · 2 · 3σ², so L Δt = N σ²/(V kT).
  const double L_dt = 8 * sigma * sigma / (V * kT);
  double previous = std::numeric_limits<double>::infinity();
  for (const std::int64_t w : {1, 10, 100, 1000}) {
    const ModeDecomposition d = decomposition(t, WindowPlan{w, 1, 10});
    EXPECT_EQ(d.frequency[kR], 1.0);
    EXPECT_EQ(d.L_fraction[kR], 1.0);
    const double dt = double(w) * kDt;
    EXPECT_NEAR(d.L_total[0] * dt, L_dt, 4 * d.sigma_L_total[0] * dt) << "w " << w;
    EXPECT_LT(d.sigma_L_total[0] * dt, 0.05 * L_dt);
    EXPECT_LT(d.L_total[0], previous);
    previous = d.L_total[0];
  }
}

// ---- §8.6.4 relabelling, Δt = one frame ---------------------------------------------------------

TEST(HopDecomposition, RelabellingIonsChangesNothing) {
  const SiteLattice lattice = cubic_site_lattice(kA, {4, 4, 4});
  const std::vector<int> species{0, 0, 0, 1, 1, 1};
  const Frames R = hopping_ions({4, 4, 4}, 6, 3000, 0.04, 0.25, 9);
  const std::vector<int> perm{4, 2, 0, 5, 1, 3}; // new ion k = old ion perm[k]
  Frames P = R;
  std::vector<int> species_p(6);
  for (std::size_t f = 0; f < R.size(); ++f)
    for (std::size_t k = 0; k < 6; ++k)
      P[f][k] = R[f][std::size_t(perm[k])];
  for (std::size_t k = 0; k < 6; ++k)
    species_p[k] = species[std::size_t(perm[k])];
  const HopTrajectory t = analyse(lattice, params(2, 3.5), species, R);
  const HopTrajectory tp = analyse(lattice, params(2, 3.5), species_p, P);
  ASSERT_EQ(t.hops().size(), tp.hops().size());
  for (const std::int64_t w : {1, 5, 40, 300}) {
    const WindowPlan plan{w, 1, 10};
    const ModeDecomposition a = decomposition(t, plan), b = decomposition(tp, plan);
    EXPECT_EQ(a.frequency, b.frequency) << "w " << w; // counts: bitwise
    EXPECT_EQ(a.transition_probability, b.transition_probability);
    for (std::size_t k = 0; k < a.L.size(); ++k) {
      expect_relative(a.L[k], b.L[k], 1e-12, "L");
      expect_relative(a.D_tracer[k], b.D_tracer[k], 1e-12, "D*");
    }
    expect_relative(a.L_total[1], b.L_total[1], 1e-12, "L_total");
  }
}

TEST(HopDecomposition, OneFrameWindowIsTheInstantaneousClassification) {
  const SiteLattice lattice = cubic_site_lattice(kA, {3, 3, 3});
  const std::vector<int> species{0, 0, 0, 0};
  // Every second frame of a walk with ≤ 1 hop per frame: some frames are two hops apart (M).
  const Frames walk = hopping_ions({3, 3, 3}, 4, 4000, 0.2, 0.3, 13);
  Frames R;
  for (std::size_t f = 0; f < walk.size(); f += 2)
    R.push_back(walk[f]);
  const HopTrajectory t = analyse(lattice, params(), species, R); // τ_c = 0: no C
  std::int64_t changes = 0, multi = 0;
  for (std::int64_t o = 0; o + 1 < t.frames(); ++o)
    for (int i = 0; i < 4; ++i) {
      const Microstate a = t.microstate(o, i), b = t.microstate(o + 1, i);
      const int g = graph_distance_capped(lattice, a, b);
      const HopMode expected = a == b   ? HopMode::rattle
                               : g == 1 ? HopMode::single_hop
                                        : HopMode::multi_cell;
      EXPECT_EQ(t.label(i, o, 1), expected) << "ion " << i << " frame " << o;
      changes += a == b ? 0 : 1;
      multi += g >= 2 ? 1 : 0;
    }
  EXPECT_EQ(changes, std::int64_t(t.hops().size()));
  EXPECT_GT(multi, 0);
  const BlockSums s = window_block_sums(t, WindowPlan{1, 1, 1}, 0);
  EXPECT_EQ(s.count[kB], 0.0); // one frame: a hop cannot return
  EXPECT_EQ(s.count[kH] + s.count[kM], double(t.hops().size()));
}

// ---- Hysteresis (§8.2)
// ----------------------------------------------------------------------------

TEST(HopDecomposition, HysteresisIgnoresCrossingsThatMissTheOtherSphere) {
  const SiteLattice lattice = cubic_site_lattice(kA, {2, 1, 1}, 1.0); // centres x = 1.5, 4.5
  auto at = [](double x) { return std::vector<Vec3>{Vec3(x, 1.5, 1.5)}; };
  Frames R{at(1.5)};
  for (int k = 0; k < 50; ++k)
    R.push_back(at(k % 2 == 0 ? 2.6 : 3.4)); // 1.1 Å from either centre: in neither sphere
  const HopTrajectory stay = analyse(lattice, params(), {0}, R);
  EXPECT_TRUE(stay.hops().empty());
  EXPECT_EQ(stay.microstate(50, 0).site, 0);

  R.push_back(at(3.6)); // frame 51: 0.9 Å from site 1 → hop
  R.push_back(at(2.6)); // back outside both spheres: stays in site 1
  R.push_back(at(2.4)); // frame 53: inside site 0 again → hop back
  const HopTrajectory hop = analyse(lattice, params(), {0}, R);
  ASSERT_EQ(hop.hops().size(), 2u);
  EXPECT_EQ(hop.hops()[0].frame, 51);
  EXPECT_EQ(hop.hops()[0].to, (Microstate{1, Cell::Zero()}));
  EXPECT_EQ(hop.microstate(52, 0).site, 1);
  EXPECT_EQ(hop.hops()[1].frame, 53);
  EXPECT_EQ(hop.label(0, 50, 2), HopMode::single_hop);
  EXPECT_EQ(hop.label(0, 50, 3), HopMode::hop_return);
}

// ---- Concerted links (§8.3) -------------------------------------------------------------------

namespace {
// Two ions on a 4×2×1 cubic lattice (site index 2·x + y): ion 0 hops (x0, y0) → (x0 + 1, y0) at
// frame f0, ion 1 hops (x1, y1) → (x1 − 1, y1) at frame f1; 40 frames at the centres.
HopTrajectory two_hops(int x0, int y0, std::int64_t f0, int x1, int y1, std::int64_t f1,
                       double r_c) {
  auto centre = [](int x, int y) -> Vec3 { return kA * Vec3(x + 0.5, y + 0.5, 0.5); };
  Frames R;
  for (std::int64_t f = 0; f < 40; ++f)
    R.push_back({centre(f < f0 ? x0 : x0 + 1, y0), centre(f < f1 ? x1 : x1 - 1, y1)});
  return analyse(cubic_site_lattice(kA, {4, 2, 1}), params(2, r_c), {0, 0}, R);
}
} // namespace

TEST(HopDecomposition, ArrivalAtAnotherIonsDepartureSiteIsConcerted) {
  // Ion 0 leaves site (1,0) at frame 10, ion 1 arrives there from (2,0) at frame 11 (τ_c = 2).
  const HopTrajectory t = two_hops(1, 0, 10, 2, 0, 11, 0.0);
  EXPECT_EQ(t.label(0, 8, 5), HopMode::concerted);
  EXPECT_EQ(t.label(1, 8, 5), HopMode::concerted);
  EXPECT_EQ(t.label(1, 10, 5), HopMode::single_hop); // the partner hop is outside (10, 15]
  EXPECT_EQ(t.label(0, 10, 5), HopMode::rattle);
  const BlockSums s = window_block_sums(t, WindowPlan{5, 1, 1}, 0);
  EXPECT_EQ(s.count[kC], 2.0 * 4); // origins 6..9 hold both hops (frames 10, 11)

  const HopTrajectory apart = two_hops(1, 0, 10, 2, 0, 30, 0.0); // 20 frames apart
  EXPECT_EQ(apart.label(0, 8, 5), HopMode::single_hop);
  EXPECT_EQ(apart.label(1, 28, 5), HopMode::single_hop);
  EXPECT_EQ(apart.label(0, 5, 30), HopMode::single_hop);
  EXPECT_EQ(window_block_sums(apart, WindowPlan{5, 1, 1}, 0).count[kC], 0.0);
}

TEST(HopDecomposition, NearbyDeparturesWithinTauAreConcertedOnlyWithinRc) {
  // Departures from the diagonal sites (1,0) and (2,1) (distance a√2 ≈ 4.24 Å), one frame
  // apart; neither ion arrives at the other's departure site.
  const HopTrajectory near = two_hops(1, 0, 10, 2, 1, 11, 4.5);
  EXPECT_EQ(near.label(0, 8, 5), HopMode::concerted);
  EXPECT_EQ(near.label(1, 8, 5), HopMode::concerted);
  const HopTrajectory short_rc = two_hops(1, 0, 10, 2, 1, 11, 4.0);
  EXPECT_EQ(short_rc.label(0, 8, 5), HopMode::single_hop);
  EXPECT_EQ(short_rc.label(1, 8, 5), HopMode::single_hop);
}

// ---- Production vs reference, blocks ------------------------------------------------------------

TEST(HopDecomposition, ProductionPathEqualsReferenceAndBlocksSumToOne) {
  const SiteLattice lattice = checkerboard_lattice();
  const std::vector<int> species{0, 0, 0, 0, 0, 0, 1, 1, 1, 1};
  const Frames R = hopping_ions({4, 4, 4}, 10, 2000, 0.05, 0.3, 21);
  const HopTrajectory t = analyse(lattice, params(3, 3.5), species, R);
  double concerted = 0;
  for (const std::int64_t w : {1, 2, 7, 30, 150})
    for (const std::int64_t stride : {1, 4}) {
      const WindowPlan plan{w, stride, 10};
      const auto blocks = all_blocks(t, plan);
      BlockSums one = window_block_sums(t, WindowPlan{w, stride, 1}, 0);
      std::vector<double> count(one.count.size(), 0.0), trans(one.transitions.size(), 0.0),
          DD(one.DD.size(), 0.0);
      std::int64_t origins = 0;
      for (int b = 0; b < plan.blocks; ++b) {
        const BlockSums &p = blocks[std::size_t(b)];
        const BlockSums r = window_block_sums_reference(t, plan, b);
        ASSERT_EQ(p.origins, r.origins);
        EXPECT_EQ(p.count, r.count) << "w " << w << " stride " << stride << " block " << b;
        EXPECT_EQ(p.transitions, r.transitions);
        for (std::size_t k = 0; k < p.DD.size(); ++k)
          expect_relative(p.DD[k], r.DD[k], 1e-12, "DD");
        for (std::size_t k = 0; k < p.dd.size(); ++k)
          expect_relative(p.dd[k], r.dd[k], 1e-12, "dd");
        origins += p.origins;
        for (std::size_t k = 0; k < count.size(); ++k)
          count[k] += p.count[k];
        for (std::size_t k = 0; k < trans.size(); ++k)
          trans[k] += p.transitions[k];
        for (std::size_t k = 0; k < DD.size(); ++k)
          DD[k] += p.DD[k];
        EXPECT_LE(std::abs(p.origins - blocks[0].origins), 1); // nearly equal blocks
      }
      EXPECT_EQ(origins, one.origins);
      EXPECT_EQ(count, one.count);
      EXPECT_EQ(trans, one.transitions);
      for (std::size_t k = 0; k < DD.size(); ++k)
        expect_relative(DD[k], one.DD[k], 1e-12, "DD over blocks");
      concerted += one.count[kC] + one.count[5 + kC];
    }
  EXPECT_GT(concerted, 0.0);
}

TEST(HopDecomposition, MacrostatePopulationsAndTransitionsAreConsistent) {
  const SiteLattice lattice = checkerboard_lattice();
  const Frames R = hopping_ions({4, 4, 4}, 6, 3000, 0.05, 0.2, 17);
  const HopTrajectory t = analyse(lattice, params(), std::vector<int>(6, 0), R);
  // One frame: a single hop always changes the checkerboard class.
  const ModeDecomposition d = decomposition(t, WindowPlan{1, 1, 10});
  const double hop_fraction = d.frequency[kH];
  EXPECT_NEAR(d.transition_probability[1] + d.transition_probability[2], hop_fraction, 1e-12);
  EXPECT_NEAR(d.population[0] + d.population[1], 1.0, 1e-12);
  EXPECT_NEAR(d.population[0], d.transition_probability[0] + d.transition_probability[1], 1e-15);
}

TEST(HopDecomposition, DecomposeNeedsTwoBlocksWithOrigins) {
  const Frames R = hopping_ions({2, 2, 2}, 2, 12, 0.1, 0.1, 1);
  const HopTrajectory t = analyse(cubic_site_lattice(kA, {2, 2, 2}), params(), {0, 0}, R);
  const WindowPlan plan{10, 1, 10}; // origins 0 and 1 → 2 blocks with origins: fine
  EXPECT_NO_THROW(decomposition(t, plan));
  const WindowPlan one{11, 1, 10}; // a single origin
  expect_invalid([&] { decomposition(t, one); }, "window of 11 frames has 1 origins");
}

// ---- Bad input
// ------------------------------------------------------------------------------------

TEST(HopDecomposition, BadInputThrowsWithClearMessages) {
  std::array<double, 9> cell{};
  cell[0] = cell[4] = cell[8] = 6.0;
  const std::vector<Vec3> two{Vec3(0.25, 0.25, 0.25), Vec3(0.75, 0.75, 0.75)};
  expect_invalid([&] { make_site_lattice(cell, {}, {}, {}); }, "empty site list");
  expect_invalid(
      [&] {
        make_site_lattice(cell, {Vec3(0.1, 0.2, 0.3), Vec3(1.1, 0.2, -0.7)}, {}, {});
      },
      "coincide");
  std::array<double, 9> flat = cell;
  flat[8] = 0;
  expect_invalid([&] { make_site_lattice(flat, two, {}, {}); }, "zero volume");
  // Nearest-site distance 3√3 ≈ 5.2 Å: radius 2.7 Å overlaps.
  expect_invalid([&] { make_site_lattice(cell, two, {}, {}, 2.7); }, "exceeds half");
  expect_invalid([&] { make_site_lattice(cell, two, {0}, {"a"}); }, "1 site classes for 2 sites");
  expect_invalid([&] { make_site_lattice(cell, two, {0, 2}, {"a", "b"}); }, "outside [0, 2)");
  expect_invalid([&] { make_site_lattice(cell, two, {0, 1}, {}); }, "without class names");
  expect_invalid([&] { cubic_site_lattice(kA, {0, 1, 1}); }, "must be ≥ 1");

  expect_invalid([] { log_spaced_windows(0.01, 1, 0, 0.01, 1000); }, "count 0");
  expect_invalid([] { log_spaced_windows(0, 1, 5, 0.01, 1000); }, "must be positive");
  expect_invalid([] { log_spaced_windows(1, 0.5, 5, 0.01, 1000); }, "below from");
  expect_invalid([] { log_spaced_windows(20, 30, 5, 0.01, 1000); }, "shorter than the 1000 frames");

  const SiteLattice lattice = cubic_site_lattice(kA, {2, 2, 2});
  expect_invalid([&] { (void)HopTrajectory(lattice, params(), {0, 2}); }, "species 1 has no ion");
  expect_invalid([&] { (void)HopTrajectory(lattice, HopAnalysisParams{}, {0}); }, "frame interval");
  HopTrajectory t(lattice, params(), {0, 0});
  expect_invalid([&] { t.push(std::vector<Vec3>(3, Vec3::Zero())); }, "3 positions for 2 ions");
}

TEST(HopDecomposition, LogSpacedWindowsRoundAndDeduplicate) {
  EXPECT_EQ(log_spaced_windows(0.01, 1.0, 5, 0.01, 1000),
            (std::vector<std::int64_t>{1, 3, 10, 32, 100}));
  EXPECT_EQ(log_spaced_windows(0.01, 0.02, 6, 0.01, 1000), (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(log_spaced_windows(0.01, 100.0, 3, 0.01, 1000), (std::vector<std::int64_t>{1, 100}));
}

// ---- Site lattice (§8.2)
// --------------------------------------------------------------------------

namespace {
// The displacement vectors of site k's neighbour entries.
std::vector<Vec3> neighbour_vectors(const SiteLattice &lattice, int k) {
  std::vector<Vec3> out;
  for (const auto &[j, off] : lattice.neighbours[std::size_t(k)])
    out.push_back(lattice.cartesian(j, off) - lattice.cartesian(k, Cell::Zero()));
  return out;
}
} // namespace

TEST(SiteLattice, CubicSitesHaveTheSixFaceNeighboursInAnySupercell) {
  for (const GridShape cells :
       {GridShape{3, 3, 3}, GridShape{2, 2, 2}, GridShape{1, 1, 1}, GridShape{4, 2, 1}}) {
    const SiteLattice lattice = cubic_site_lattice(kA, cells);
    EXPECT_EQ(lattice.sites(), cells[0] * cells[1] * cells[2]);
    EXPECT_NEAR(lattice.nearest_site_distance_A, kA, 1e-12);
    EXPECT_NEAR(lattice.site_radius_A, kA / 2, 1e-12);
    EXPECT_EQ(lattice.class_names, std::vector<std::string>{"cube"});
    for (int k = 0; k < lattice.sites(); ++k) {
      const auto v = neighbour_vectors(lattice, k);
      ASSERT_EQ(v.size(), 6u) << "site " << k << " of " << cells[0] << cells[1] << cells[2];
      for (int d = 0; d < 3; ++d)
        for (const double sign : {-1.0, 1.0}) {
          const Vec3 e = sign * kA * Vec3::Unit(d);
          EXPECT_EQ(std::count_if(v.begin(), v.end(),
                                  [&](const Vec3 &x) { return (x - e).norm() < 1e-9; }),
                    1);
        }
    }
  }
}

// cubic_site_lattice builds its graph directly: the same lattice as the general pair search.
TEST(SiteLattice, CubicFastPathEqualsTheGeneralConstruction) {
  for (const GridShape cells :
       {GridShape{3, 4, 5}, GridShape{2, 2, 2}, GridShape{1, 1, 1}, GridShape{4, 2, 1}}) {
    const SiteLattice fast = cubic_site_lattice(kA, cells);
    const SiteLattice general = make_site_lattice(fast.cell, fast.fractional, {}, {"cube"}, 0.0);
    EXPECT_NEAR(fast.site_radius_A, general.site_radius_A, 1e-12);
    EXPECT_NEAR(fast.nearest_site_distance_A, general.nearest_site_distance_A, 1e-12);
    EXPECT_EQ(fast.site_class, general.site_class);
    ASSERT_EQ(fast.neighbours.size(), general.neighbours.size());
    for (std::size_t k = 0; k < fast.neighbours.size(); ++k) {
      auto key = [](const std::pair<int, Cell> &p) {
        return std::array<int, 4>{p.first, p.second[0], p.second[1], p.second[2]};
      };
      std::vector<std::array<int, 4>> a, b;
      for (const auto &p : fast.neighbours[k])
        a.push_back(key(p));
      for (const auto &p : general.neighbours[k])
        b.push_back(key(p));
      std::ranges::sort(a);
      std::ranges::sort(b);
      EXPECT_EQ(a, b) << "site " << k;
    }
  }
}

TEST(SiteLattice, TriclinicNeighboursMatchBruteForceAndAreSymmetric) {
  const std::array<double, 9> cell{5.0, 0.0, 0.0, 1.2, 4.6, 0.0, 0.7, 1.1, 4.3};
  const std::vector<Vec3> f{Vec3(0, 0, 0), Vec3(0.5, 0.45, 0.55), Vec3(1.1, -0.4, 0.3)};
  const SiteLattice lattice = make_site_lattice(cell, f, {}, {});
  EXPECT_NEAR(lattice.fractional[2].x(), 0.1, 1e-12); // wrapped into [0, 1)
  EXPECT_NEAR(lattice.fractional[2].y(), 0.6, 1e-12);
  std::vector<double> dnn(3, 1e300);
  for (int k = 0; k < 3; ++k)
    for (int j = 0; j < 3; ++j)
      for (int a = -3; a <= 3; ++a)
        for (int b = -3; b <= 3; ++b)
          for (int c = -3; c <= 3; ++c)
            if (j != k || a != 0 || b != 0 || c != 0)
              dnn[std::size_t(k)] =
                  std::min(dnn[std::size_t(k)], (lattice.cartesian(j, Cell(a, b, c)) -
                                                 lattice.cartesian(k, Cell::Zero()))
                                                    .norm());
  EXPECT_NEAR(lattice.nearest_site_distance_A, *std::min_element(dnn.begin(), dnn.end()), 1e-12);
  for (int k = 0; k < 3; ++k) {
    std::set<std::pair<int, std::array<int, 3>>> expected, got;
    for (int j = 0; j < 3; ++j)
      for (int a = -3; a <= 3; ++a)
        for (int b = -3; b <= 3; ++b)
          for (int c = -3; c <= 3; ++c) {
            const double r =
                (lattice.cartesian(j, Cell(a, b, c)) - lattice.cartesian(k, Cell::Zero())).norm();
            if ((j != k || a != 0 || b != 0 || c != 0) &&
                r <= default_neighbour_factor * std::min(dnn[std::size_t(k)], dnn[std::size_t(j)]))
              expected.insert({j, {a, b, c}});
          }
    for (const auto &[j, off] : lattice.neighbours[std::size_t(k)]) {
      got.insert({j, {off[0], off[1], off[2]}});
      const Microstate from{k, Cell(2, -1, 0)}, to{j, Cell(2, -1, 0) + off};
      EXPECT_EQ(graph_distance_capped(lattice, from, to), 1);
      EXPECT_EQ(graph_distance_capped(lattice, to, from), 1); // symmetric graph
    }
    EXPECT_EQ(got, expected) << "site " << k;
    EXPECT_FALSE(got.empty());
  }
  EXPECT_EQ(
      graph_distance_capped(lattice, Microstate{0, Cell::Zero()}, Microstate{0, Cell(3, 0, 0)}), 2);
}

TEST(SiteLattice, AssignmentMatchesBruteForceHysteresisOnTriclinicCell) {
  const std::array<double, 9> cell{5.0, 0.0, 0.0, 1.2, 4.6, 0.0, 0.7, 1.1, 4.3};
  const std::vector<Vec3> f{Vec3(0, 0, 0), Vec3(0.5, 0.45, 0.55), Vec3(0.1, 0.6, 0.3)};
  const double dnn = make_site_lattice(cell, f, {}, {}).nearest_site_distance_A;
  const SiteLattice lattice = make_site_lattice(cell, f, {}, {}, 0.4 * dnn); // gaps between spheres
  Mat3 A;
  for (int d = 0; d < 3; ++d)
    for (int x = 0; x < 3; ++x)
      A(x, d) = cell[std::size_t(3 * d + x)];
  const Mat3 A_inv = A.inverse();
  std::mt19937_64 rng(4);
  std::normal_distribution<double> step(0.0, 0.8);
  HopTrajectory t(lattice, params(), {0});
  Vec3 R(-7.0, 3.0, 11.0);
  std::vector<Vec3> path;
  for (int f = 0; f < 3000; ++f) {
    path.push_back(R);
    t.push(std::vector<Vec3>{R});
    R += Vec3(step(rng), step(rng), step(rng));
  }
  t.finish();
  Microstate expected;
  for (int f = 0; f < 3000; ++f) {
    // Brute force: every site image in the point's cell image and the two next to it.
    const Vec3 &r = path[std::size_t(f)];
    const Vec3 u = A_inv * r;
    const Cell n0(int(std::floor(u[0])), int(std::floor(u[1])), int(std::floor(u[2])));
    double best = 1e300;
    Microstate nearest;
    for (int k = 0; k < 3; ++k)
      for (int a = -2; a <= 2; ++a)
        for (int b = -2; b <= 2; ++b)
          for (int c = -2; c <= 2; ++c) {
            const Cell n = n0 + Cell(a, b, c);
            const double d = (r - lattice.cartesian(k, n)).norm();
            if (d < best) {
              best = d;
              nearest = Microstate{k, n};
            }
          }
    if (f == 0 || best <= lattice.site_radius_A)
      expected = nearest;
    ASSERT_EQ(t.microstate(f, 0), expected) << "frame " << f;
  }
  EXPECT_GT(t.hops().size(), 100u);
}
