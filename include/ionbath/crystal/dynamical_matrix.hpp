#pragma once
// Dynamical matrix of a crystal (physics.md §1.2, §12.2), reduced wave vectors (q = phase per
// lattice vector, physics.md §0.2; q_phys · a_i = q_i).
//  * Any crystal: the Hermitian 3n_b × 3n_b matrix
//    D_{bb'}(q) = [Σ_L Φ_{bb'}(L) e^{i q·(L + f_b' − f_b)} + δ_{bb'} Φ_bb(0)] / √(m_b m_b'),
//    f_b the fractional basis positions, Φ_bb(0) the self term (sum rule plus confinement).
//  * One atom per cell: Φ_{-d} = Φ_dᵀ makes D real symmetric, D(q) = (1/m)[Φ_0 + Σ_d Φ_d cos(q·d)]
//    (seed 002 Eq. 21); the 3×3 fast path below.
#include "ionbath/crystal/crystal.hpp"

#include <complex>
#include <vector>

namespace ionbath::crystal {

class DynamicalMatrix {
public:
  explicit DynamicalMatrix(const Crystal &crystal);

  // One-atom crystals: D(q) in ps⁻² and Φ(q) = m D(q) in meV/Å² (std::logic_error for n_b > 1).
  Mat3 operator()(const Vec3 &q) const;
  Mat3 force_constant_matrix(const Vec3 &q) const;

  // Any crystal: the Hermitian 3n_b × 3n_b D(q), index 3b + α.
  Eigen::MatrixXcd hermitian(const Vec3 &q) const;
  // Squared frequencies (ascending) and orthonormal eigenvectors e_{b,u}(q) (columns) of D(q).
  struct Branches {
    Eigen::VectorXd omega2;
    Eigen::MatrixXcd e;
  };
  Branches branches(const Vec3 &q) const;

  // Long-wavelength matrix S(n̂): Ω_u(q n̂)² → q² eig S(n̂) as the physical q → 0 (physics.md
  // §1.5, §12.3), Å²/ps². One atom: S = -(1/2m) Σ_d Φ_d (n̂·X_d)². Several atoms: the acoustic
  // projection of the q² term minus the internal relaxation of the basis through the optical modes
  // (second-order perturbation in q). Unconfined crystals only.
  Mat3 long_wave(const Vec3 &unit_direction) const;
  // Sound speeds along n̂ (ascending, Å/ps): square roots of the eigenvalues of S(n̂).
  Vec3 sound_speeds(const Vec3 &unit_direction) const;
  // Acoustic polarizations ψ_u(n̂), columns in the order of sound_speeds: the eigenvectors of S(n̂),
  // the q → 0 limit of Σ_b √m_b e_{b,u} normalized (physics.md §12.3).
  Mat3 acoustic_polarizations(const Vec3 &unit_direction) const;
  // The same from the acoustic frequencies Ω_u(ε n̂)/ε at finite ε (Å⁻¹), Richardson-extrapolated
  // over ε, ε/2, ε/4 (errors O(ε²), O(ε⁴)): an independent check of long_wave for n_b > 1.
  Vec3 sound_speeds_richardson(const Vec3 &unit_direction, double epsilon_per_A) const;

  // One-atom crystals: squared frequencies (ascending) and real orthonormal eigenvectors of D(q).
  struct Modes {
    Vec3 omega2;
    Mat3 eta;
  };
  Modes modes(const Vec3 &q) const;

  const Crystal &crystal() const { return crystal_; }

private:
  Vec3 reduced(const Vec3 &q_phys) const; // q_i = a_i · q_phys
  const Crystal &crystal_;
};

// Evaluates Φ(q) of a one-atom crystal on a regular (optionally half-shifted) grid
// q_j = 2π (n_j + s)/N_j quickly, with per-axis phase tables instead of one cosine per bond.
class ForceConstantsOnGrid {
public:
  ForceConstantsOnGrid(const Crystal &crystal, GridShape grid, bool half_shifted);
  Mat3 operator()(int nx, int ny, int nz) const; // Φ(q), meV/Å²
  Vec3 q(int nx, int ny, int nz) const;

private:
  const Crystal &crystal_;
  GridShape grid_;
  double shift_;
  int reach_;
  // phase_[axis][n * (2 reach + 1) + (d + reach)] = e^{i q_axis(n) d}
  std::vector<std::complex<double>> phase_[3];
};

} // namespace ionbath::crystal
