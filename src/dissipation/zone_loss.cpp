#include "ionbath/dissipation/zone_loss.hpp"

#include "ionbath/core/error.hpp"
#include "ionbath/core/units.hpp"
#include "ionbath/crystal/dynamical_matrix.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <array>
#include <complex>
#include <cubature.h>
#include <fmt/format.h>
#include <stdexcept>
#include <utility>
#include <vector>

namespace ionbath::dissipation {
using units::pi;
namespace {

using Complex = std::complex<double>;

// Φ_d summed over the bonds of one offset d of a one-atom crystal, divided by the mass.
struct OffsetBlock {
  Cell offset;
  Mat3 d;
};

// The integrand of seed 001 Eq. 13 at one reduced wave vector.
//
// One atom per cell: D(q) = (1/m)[Φ_0 + Σ_d Φ_d cos(q·d)] is real symmetric (Φ_{−d} = Φ_dᵀ), built
// from the pairs (d, −d) with Bloch phases from per-axis tables, and diagonalized in closed form
// (or read off when every block is diagonal), with no heap allocation. With real η the
// summand is Σ_u ½[(η_u·Re g)² + (η_u·Im g)²]/(m v²) for a single listed atom (no phase).
class ForcedModeAbsorption {
public:
  ForcedModeAbsorption(const crystal::Crystal &crystal, const PathTransform &interaction,
                       const std::vector<AtomOnPath> &atoms, const Vec3 &direction, double speed)
      : crystal_(crystal), dyn_(crystal), interaction_(interaction), atoms_(atoms),
        u_(direction.normalized()), speed_(speed), one_atom_(crystal.n_basis() == 1) {
    const auto bonded = crystal.bonded_axes();
    for (int axis = 0; axis < 3; ++axis)
      if (bonded[std::size_t(axis)])
        axes_.push_back(axis);
    if (one_atom_)
      prepare_one_atom();
  }

  const std::vector<int> &axes() const { return axes_; }

  double operator()(const double *reduced_coordinates) const {
    if (one_atom_)
      return one_atom_value(reduced_coordinates);
    Vec3 q = Vec3::Zero();
    for (std::size_t j = 0; j < axes_.size(); ++j)
      q[axes_[j]] = reduced_coordinates[j];
    const auto br = dyn_.branches(q);
    double sum = 0;
    for (int u = 0; u < br.omega2.size(); ++u)
      sum += branch(q, br.omega2[u], [&](int b, const Vec3 &g_re, const Vec3 &g_im) {
        const Eigen::Vector3cd e = br.e.col(u).segment<3>(3 * b);
        return e.dot(g_re.cast<Complex>() +
                     Complex(0, 1) *
                         g_im.cast<Complex>()); // e^† g (Eigen conjugates the left side)
      });
    return sum;
  }

  // Whether q → A q (A an integer matrix on reduced coordinates with A = Aᵀ = A⁻¹: a reflection
  // or a swap of two axes) provably leaves the integrand unchanged (see zone_loss).
  bool symmetric_under(const Mat3 &a) const {
    if (!one_atom_ || atoms_.size() != 1)
      return false;
    const Mat3 &lattice = crystal_.lattice_vectors();
    const Mat3 r = lattice * a * lattice.inverse(); // the Cartesian operation
    if ((r * r.transpose() - Mat3::Identity()).cwiseAbs().maxCoeff() > 1e-12)
      return false; // not an orthogonal operation of this lattice
    double scale = onsite_.cwiseAbs().maxCoeff();
    for (const OffsetBlock &b : blocks_)
      scale = std::max(scale, b.d.cwiseAbs().maxCoeff());
    const double tol = 1e-12 * std::max(scale, 1e-300);
    if ((r * onsite_ * r.transpose() - onsite_).cwiseAbs().maxCoeff() > tol)
      return false;
    // The bond set: Φ_{Ad} = R Φ_d Rᵀ for every offset (the pair ±d is stored once).
    const Eigen::Matrix3i ai = a.array().round().cast<int>().matrix();
    for (const OffsetBlock &b : blocks_) {
      const Cell image = ai * b.offset;
      const auto match = std::find_if(blocks_.begin(), blocks_.end(), [&](const OffsetBlock &c) {
        return c.offset == image || c.offset == -image;
      });
      if (match == blocks_.end() ||
          (r * b.d * r.transpose() - match->d).cwiseAbs().maxCoeff() > tol)
        return false;
    }
    // The force keeps its two directions: R b̂ = ±b̂, R û = ±û.
    const auto keeps = [&](const Vec3 &v) {
      const double n = v.norm();
      return n == 0 || std::min((r * v - v).norm(), (r * v + v).norm()) <= 1e-12 * n;
    };
    return keeps(atoms_.front().perpendicular) && keeps(u_);
  }

private:
  void prepare_one_atom() {
    const double m = crystal_.mass();
    onsite_ = crystal_.onsite_block() / m;
    for (const crystal::Bond &b : crystal_.bonds()) {
      // Store d and −d together: Φ_d cos(q·d) + Φ_{−d} cos(q·d), both symmetrized.
      Cell key = b.offset;
      for (int i = 0; i < 3; ++i)
        if (key[i] != 0) {
          if (key[i] < 0)
            key = -key;
          break;
        }
      if (key == Cell::Zero()) { // a self term left in the list (not expected)
        onsite_ += 0.5 * (b.phi + b.phi.transpose()) / m;
        continue;
      }
      auto it = std::find_if(blocks_.begin(), blocks_.end(),
                             [&](const OffsetBlock &o) { return o.offset == key; });
      if (it == blocks_.end()) {
        blocks_.push_back({key, Mat3::Zero()});
        it = blocks_.end() - 1;
      }
      it->d += 0.5 * (b.phi + b.phi.transpose()) / m;
    }
    onsite_ = 0.5 * (onsite_ + onsite_.transpose());
    reach_ = crystal_.stencil_reach();
    diagonal_ = onsite_.isDiagonal(0.0);
    for (const OffsetBlock &b : blocks_)
      diagonal_ = diagonal_ && b.d.isDiagonal(0.0);
  }

  Mat3 one_atom_matrix(const Vec3 &q) const {
    Mat3 d = onsite_;
    if (reach_ <= kMaxTableReach) {
      // phase[axis][n + reach] = e^{i q_axis n}
      std::array<std::array<Complex, 2 * kMaxTableReach + 1>, 3> phase;
      for (int axis = 0; axis < 3; ++axis) {
        const Complex step = std::polar(1.0, q[axis]);
        phase[axis][reach_] = 1.0;
        for (int n = 1; n <= reach_; ++n) {
          phase[axis][reach_ + n] = phase[axis][reach_ + n - 1] * step;
          phase[axis][reach_ - n] = std::conj(phase[axis][reach_ + n]);
        }
      }
      for (const OffsetBlock &b : blocks_) {
        const Complex p = phase[0][reach_ + b.offset.x()] * phase[1][reach_ + b.offset.y()] *
                          phase[2][reach_ + b.offset.z()];
        d += b.d * p.real();
      }
    } else {
      for (const OffsetBlock &b : blocks_)
        d += b.d * std::cos(q.dot(b.offset.cast<double>()));
    }
    return d;
  }

  double one_atom_value(const double *reduced_coordinates) const {
    Vec3 q = Vec3::Zero();
    for (std::size_t j = 0; j < axes_.size(); ++j)
      q[axes_[j]] = reduced_coordinates[j];
    const Mat3 d = one_atom_matrix(q);
    Vec3 omega2;
    Mat3 eta;
    if (diagonal_) {
      omega2 = d.diagonal();
      eta.setIdentity();
    } else {
      Eigen::SelfAdjointEigenSolver<Mat3> es;
      es.computeDirect(d); // closed-form 3×3 eigensystem
      omega2 = es.eigenvalues();
      eta = es.eigenvectors();
    }
    double sum = 0;
    for (int u = 0; u < 3; ++u)
      sum += branch(q, omega2[u], [&](int, const Vec3 &g_re, const Vec3 &g_im) {
        return Complex(eta.col(u).dot(g_re), eta.col(u).dot(g_im));
      });
    return sum;
  }

  // ½ |Σ_i phase_i e_{b_i,u}^† g_i / √m|² / v² for one branch; project(b, Re g, Im g) = e_b^† g.
  template <class Project>
  double branch(const Vec3 &q, double omega2, const Project &project) const {
    if (!(omega2 > 1e-14))
      return 0.0; // the zero modes at Γ carry no energy
    const double k = std::sqrt(omega2) / speed_;
    Complex amplitude = 0;
    for (const AtomOnPath &a : atoms_) {
      const PathTransformValue t = interaction_(a.distance, k);
      const Vec3 g_re =
          a.distance > 0 ? Vec3(t.d_distance / a.distance * a.perpendicular) : Vec3::Zero();
      const Vec3 g_im = -k * t.value * u_;
      const Complex projected = project(a.basis, g_re, g_im) / std::sqrt(a.mass);
      // One listed atom: the phase drops out of the modulus.
      amplitude += atoms_.size() == 1
                       ? projected
                       : std::polar(1.0, -q.dot(a.fractional) - k * a.along) * projected;
    }
    return 0.5 * std::norm(amplitude) / (speed_ * speed_);
  }

  static constexpr int kMaxTableReach = 4;

  const crystal::Crystal &crystal_;
  crystal::DynamicalMatrix dyn_;
  const PathTransform &interaction_;
  const std::vector<AtomOnPath> &atoms_;
  Vec3 u_;
  double speed_;
  bool one_atom_;
  std::vector<int> axes_;
  // One atom per cell: D(q) = onsite_ + Σ blocks_ cos(q·d).
  Mat3 onsite_ = Mat3::Zero();
  std::vector<OffsetBlock> blocks_;
  int reach_ = 0;
  bool diagonal_ = false;
};

// The cubature's variables t ∈ [0, 1] (reflection-symmetric axis) or [−1, 1] map to
// q = π sinh(a t)/sinh(a). At low speed the integrand lives in a ball around Γ far smaller than a
// cell of any first subdivision (λ = 4, σ̇ = 2: |q| ≲ 0.01): uniform in q, every first sample of
// the cubature sits on an underflowed integrand and it returns 0. The stretch a puts the ball's
// radius q_b (gamma_ball_radius) at t = ¼, and is 0 (no map) when the ball is wider than π/8
// (there the plain variables converge in fewer evaluations: 55 k against 64 k at σ̇ = 2, λ = 1).
struct CubatureData {
  const ForcedModeAbsorption *f;
  long evaluations = 0;
  // A swap symmetry of integration variables j < k (−1: none): the triangle 0 ≤ q_j ≤ q_k ≤ π
  // as the square q_j = x_j x_k / π, Jacobian x_k / π.
  int swap_j = -1, swap_k = -1;
  double stretch = 0; // a
};

// q(t) and dq/dt of the map; inverse_sinh = 1/sinh(a).
double stretched(double a, double inverse_sinh, double t, double &jacobian) {
  if (a == 0)
    return pi * t;
  const double e = std::exp(a * t), inverse = 1 / e;
  jacobian *= 0.5 * pi * a * (e + inverse) * inverse_sinh;
  return 0.5 * pi * (e - inverse) * inverse_sinh;
}

int zone_integrand(unsigned ndim, std::size_t npt, const double *t, void *data, unsigned,
                   double *out) {
  auto &d = *static_cast<CubatureData *>(data);
  d.evaluations += static_cast<long>(npt);
  const double inverse_sinh = d.stretch == 0 ? 0 : 1 / std::sinh(d.stretch);
  for (std::size_t i = 0; i < npt; ++i) {
    double q[3] = {0, 0, 0}, jacobian = d.stretch == 0 ? std::pow(pi, ndim) : 1;
    for (unsigned j = 0; j < ndim; ++j)
      q[j] = stretched(d.stretch, inverse_sinh, t[i * ndim + j], jacobian);
    if (d.swap_j >= 0) {
      jacobian *= q[d.swap_k] / pi;
      q[d.swap_j] *= q[d.swap_k] / pi;
    }
    out[i] = jacobian * (*d.f)(q);
  }
  return 0;
}

// The radius of the region around Γ that holds the integrand: along each axis, the largest
// q = π 2^{−m/2} (m = 0..60) where f exceeds 10⁻⁶ of its largest value on those points.
double gamma_ball_radius(const ForcedModeAbsorption &f, int d, long &evaluations) {
  double largest = 0, radius = 0;
  std::vector<std::pair<double, double>> samples;
  for (int j = 0; j < d; ++j)
    for (int m = 0; m <= 60; ++m) {
      double q[3] = {0, 0, 0};
      q[j] = pi * std::pow(2.0, -0.5 * m);
      samples.emplace_back(q[j], f(q));
      largest = std::max(largest, samples.back().second);
      ++evaluations;
    }
  for (const auto &[q, value] : samples)
    if (value > 1e-6 * largest)
      radius = std::max(radius, q);
  return radius;
}

// a with π sinh(a/4)/sinh(a) = q_b (0 when q_b ≥ π/8), by bisection on a ∈ (0, 200].
double stretch_for(double radius) {
  if (!(radius < pi / 8))
    return 0;
  double lo = 1e-6, hi = 200;
  for (int i = 0; i < 100; ++i) {
    const double a = 0.5 * (lo + hi);
    (pi * std::exp(-0.75 * a) * (1 - std::exp(-0.5 * a)) / (1 - std::exp(-2 * a)) > radius ? lo
                                                                                           : hi) =
        a;
  }
  return 0.5 * (lo + hi);
}

void check_speed(double speed) {
  if (!(speed > 0) || !std::isfinite(speed))
    throw InputError(fmt::format("zone loss: speed must be positive and finite, got {}", speed));
}

} // namespace

namespace {

// The symmetries of the integrand found on the crystal's data (see zone_loss): per integration
// axis whether q_j → −q_j leaves it unchanged, and classes of such axes that may be permuted.
struct ZoneSymmetry {
  std::vector<bool> flipped;
  std::vector<int> swap_class; // class id per axis, −1: not permutable with another axis
  double permutations = 1;     // the number of axis permutations among them
};

ZoneSymmetry find_symmetry(const ForcedModeAbsorption &f) {
  const int d = static_cast<int>(f.axes().size());
  ZoneSymmetry s;
  s.flipped.assign(std::size_t(d), false);
  s.swap_class.assign(std::size_t(d), -1);
  for (int j = 0; j < d; ++j) {
    Mat3 a = Mat3::Identity();
    a(f.axes()[j], f.axes()[j]) = -1;
    s.flipped[std::size_t(j)] = f.symmetric_under(a);
  }
  // Transpositions generate the permutations: axes joined by swaps form one class.
  for (int j = 0; j < d; ++j)
    for (int k = j + 1; k < d; ++k) {
      if (!s.flipped[std::size_t(j)] || !s.flipped[std::size_t(k)])
        continue;
      const int ja = f.axes()[j], ka = f.axes()[k];
      Mat3 a = Mat3::Identity();
      a(ja, ja) = a(ka, ka) = 0;
      a(ja, ka) = a(ka, ja) = 1;
      if (!f.symmetric_under(a))
        continue;
      const int cj = s.swap_class[std::size_t(j)], ck = s.swap_class[std::size_t(k)];
      const int id = cj >= 0 ? cj : (ck >= 0 ? ck : j);
      for (int &c : s.swap_class)
        if (c >= 0 && (c == cj || c == ck))
          c = id;
      s.swap_class[std::size_t(j)] = s.swap_class[std::size_t(k)] = id;
    }
  for (int j = 0; j < d; ++j) { // |class|! permutations, counted at the class's first axis
    const long size = std::count(s.swap_class.begin(), s.swap_class.end(), j);
    s.permutations *= size == 3 ? 6 : (size == 2 ? 2 : 1);
  }
  return s;
}

// The midpoint sum (1/n^d) Σ f(2π(i + ½)/n) over the full n^d grid (n even), evaluated on the
// points the symmetries leave: i_j < n/2 on a flipped axis (weight 2), indices non-decreasing
// within a swap class (weight: the number of distinct permutations). Exactly the plain sum.
struct MidpointSum {
  double value = 0;
  long evaluations = 0;
};

MidpointSum symmetric_midpoint_sum(const ForcedModeAbsorption &f, const ZoneSymmetry &s, int n) {
  const int d = static_cast<int>(s.flipped.size());
  std::array<int, 3> index{};
  MidpointSum out;
  const auto leaf = [&] {
    double q[3] = {0, 0, 0}, weight = 1;
    for (int j = 0; j < d; ++j) {
      q[j] = 2.0 * pi * (index[std::size_t(j)] + 0.5) / n;
      weight *= s.flipped[std::size_t(j)] ? 2 : 1;
    }
    // Distinct permutations within each class: c! / Π(multiplicity!), c ≤ 3.
    for (int j = 0; j < d; ++j) {
      const int c = s.swap_class[std::size_t(j)];
      if (c != j)
        continue; // a class is counted at its first axis
      std::array<int, 3> m{};
      int size = 0;
      for (int k = 0; k < d; ++k)
        if (s.swap_class[std::size_t(k)] == c)
          m[std::size_t(size++)] = index[std::size_t(k)];
      if (size == 2)
        weight *= m[0] == m[1] ? 1 : 2;
      else if (size == 3) // the indices are non-decreasing: m0 ≤ m1 ≤ m2
        weight *= (m[0] == m[1] && m[1] == m[2]) ? 1 : (m[0] == m[1] || m[1] == m[2]) ? 3 : 6;
    }
    out.value += weight * f(q);
    ++out.evaluations;
  };
  const auto recurse = [&](const auto &self, int j) -> void {
    if (j == d)
      return leaf();
    const int c = s.swap_class[std::size_t(j)];
    int first = 0;
    for (int k = 0; k < j; ++k) // non-decreasing within the class
      if (c >= 0 && s.swap_class[std::size_t(k)] == c)
        first = std::max(first, index[std::size_t(k)]);
    const int last = s.flipped[std::size_t(j)] ? n / 2 : n;
    for (int i = first; i < last; ++i) {
      index[std::size_t(j)] = i;
      self(self, j + 1);
    }
  };
  recurse(recurse, 0);
  out.value /= std::pow(static_cast<double>(n), d);
  return out;
}

long reduced_points(const ZoneSymmetry &s, int n) {
  double points = 1;
  for (bool flip : s.flipped)
    points *= flip ? n / 2 : n;
  return static_cast<long>(points / s.permutations);
}

// The periodic integrand's midpoint sums converge geometrically once the grid resolves it
// (e_n ≈ C r^n). On the ladder n = 2, 4, 6, 8, 12, 16, … the differences δ of successive sums
// estimate the errors of the coarser grid; with two decreasing differences the error of the
// finest sum is extrapolated, e ≈ δ₂ (δ₂/δ₁)^{(n₃−n₂)/(n₂−n₁)}. When that misses rel_tol, the
// same model predicts the grid that meets half of it, n₃ + ln(½ rel_tol |S| / e)/ln r, and the
// ladder goes there (even, at least n₃ + 2) if that is below its next rung; the acceptance test
// is the same. Returns false (and leaves the work to the cubature) when that does not reach
// rel_tol within kMaxLadderPoints evaluations.
constexpr long kMaxLadderPoints = 5000;

bool midpoint_ladder(const ForcedModeAbsorption &f, const ZoneSymmetry &s, double rel_tol,
                     ZoneLoss &out) {
  static constexpr int kLadder[] = {2,   4,    6,    8,    12,   16,   24,   32,
                                    48,  64,   96,   128,  192,  256,  384,  512,
                                    768, 1024, 1536, 2048, 3072, 4096, 6144, 8192};
  double previous = 0, delta_previous = 0;
  int n_previous = 0, n_before = 0, predicted = 0;
  std::size_t rung = 0;
  for (int step = 0; rung < std::size(kLadder); ++step) {
    const int n = predicted > n_previous && predicted < kLadder[rung] ? predicted : kLadder[rung];
    while (rung < std::size(kLadder) && kLadder[rung] <= n)
      ++rung;
    if (reduced_points(s, n) > kMaxLadderPoints)
      return false;
    const MidpointSum sum = symmetric_midpoint_sum(f, s, n);
    out.evaluations += sum.evaluations;
    const double delta = std::abs(sum.value - previous);
    predicted = 0;
    if (step >= 2 && delta > 0 && delta <= 0.25 * delta_previous) {
      const double log_rate = std::log(delta / delta_previous) / double(n_previous - n_before);
      const double estimate = delta * std::exp(log_rate * double(n - n_previous));
      if (estimate <= rel_tol * std::abs(sum.value)) {
        out.loss = sum.value;
        out.error_estimate = estimate;
        out.midpoint_grid = n;
        return true;
      }
      const double more = std::log(0.5 * rel_tol * std::abs(sum.value) / estimate) / log_rate;
      if (more < 1e6)
        predicted = std::max(n + 2, 2 * int(std::ceil((n + more) / 2)));
    }
    if (step >= 1 && delta == 0 && sum.value != 0) { // converged to the last bit
      out.loss = sum.value;
      out.midpoint_grid = n;
      return true;
    }
    n_before = n_previous;
    n_previous = n;
    delta_previous = delta;
    previous = sum.value;
  }
  return false;
}

} // namespace

// seed 001 Eq. (13)
//
// Symmetry: for one atom per cell and one listed atom the integrand is
// f(q) = Σ_u [(η_u·Re g)² + (η_u·Im g)²] with Re g ∥ b̂, Im g ∥ û (g depends on u only through
// Ω_u). Let A be a reflection of a reduced axis or a swap of two (A = Aᵀ = A⁻¹) such that
// R = L A L⁻¹ is orthogonal, Φ_{Ad} = R Φ_d Rᵀ and R Φ_0 Rᵀ = Φ_0 (symmetric_under checks this
// on the crystal's data). Then D(Aq) = Rᵀ D(q) R, η(Aq) = Rᵀ η(q), and f(Aq) = f(q) whenever
// R b̂ = ±b̂ and R û = ±û.
//
// Method: f is smooth and periodic unless the speed is so low that it concentrates at Γ, so the
// symmetry-reduced midpoint ladder answers first; otherwise adaptive cubature over the part of
// the zone centred on Γ the symmetries leave (reflection-symmetric axes over [0, π), one pair of
// swappable axes over the triangle q_j ≤ q_k), in variables stretched toward Γ.
ZoneLoss zone_loss(const crystal::Crystal &crystal, const PathTransform &interaction,
                   const std::vector<AtomOnPath> &atoms, const Vec3 &direction, double speed,
                   double rel_tol) {
  check_speed(speed);
  const ForcedModeAbsorption f(crystal, interaction, atoms, direction, speed);
  const int d = static_cast<int>(f.axes().size());
  ZoneLoss out;
  out.dimensions = d;
  if (d == 0) { // no bonds: every wave vector is the same
    const double q0[1] = {0.0};
    out.loss = f(q0);
    out.evaluations = 1;
    return out;
  }
  const ZoneSymmetry symmetry = find_symmetry(f);
  if (midpoint_ladder(f, symmetry, rel_tol, out))
    return out;

  CubatureData data{&f};
  data.stretch = stretch_for(gamma_ball_radius(f, d, out.evaluations));
  std::vector<double> lo(static_cast<std::size_t>(d), -1.0), hi(static_cast<std::size_t>(d), 1.0);
  double fold = 1; // the zone over the integrated part
  for (int j = 0; j < d; ++j)
    if (symmetry.flipped[std::size_t(j)]) {
      lo[std::size_t(j)] = 0;
      fold *= 2;
    }
  for (int j = 0; j < d && data.swap_j < 0; ++j)
    for (int k = j + 1; k < d && data.swap_j < 0; ++k)
      if (symmetry.swap_class[std::size_t(j)] >= 0 &&
          symmetry.swap_class[std::size_t(j)] == symmetry.swap_class[std::size_t(k)]) {
        data.swap_j = j;
        data.swap_k = k;
        fold *= 2;
      }
  double value = 0, error = 0;
  if (hcubature_v(1, zone_integrand, &data, static_cast<unsigned>(d), lo.data(), hi.data(), 0, 0,
                  rel_tol, ERROR_INDIVIDUAL, &value, &error) != 0)
    throw std::runtime_error("zone loss: hcubature failed");
  const double volume = std::pow(2.0 * pi, d) / fold;
  out.loss = value / volume;
  out.error_estimate = error / volume;
  out.evaluations += data.evaluations;
  return out;
}

ZoneLoss zone_loss_midpoint(const crystal::Crystal &crystal, const PathTransform &interaction,
                            const std::vector<AtomOnPath> &atoms, const Vec3 &direction,
                            double speed, int n) {
  check_speed(speed);
  if (n < 1)
    throw std::invalid_argument("zone_loss_midpoint: n must be ≥ 1");
  const ForcedModeAbsorption f(crystal, interaction, atoms, direction, speed);
  const int d = static_cast<int>(f.axes().size());
  long total = 1;
  for (int j = 0; j < d; ++j)
    total *= n;
  double sum = 0;
  for (long index = 0; index < total; ++index) {
    double q[3] = {0, 0, 0};
    long rest = index;
    for (int j = 0; j < d; ++j, rest /= n)
      q[j] = 2.0 * pi * (static_cast<double>(rest % n) + 0.5) / n;
    sum += f(q);
  }
  ZoneLoss out;
  out.loss = sum / static_cast<double>(total);
  out.evaluations = total;
  out.dimensions = d;
  return out;
}

} // namespace ionbath::dissipation
