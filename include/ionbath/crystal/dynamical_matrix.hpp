#pragma once
// Dynamical matrix D(q) = (1/m) Σ_d Φ_d e^{-i q·d} (seed 002 Eq. 21), reduced wave vectors
// (q = phase per lattice step, physics.md §0.2). For a one-atom Bravais lattice Φ_{-d} = Φ_d, so
// D is real symmetric: D(q) = (1/m) [Φ_0 + Σ_d Φ_d cos(q·d)].
#include "ionbath/crystal/crystal.hpp"

#include <complex>
#include <vector>

namespace ionbath::crystal {

class DynamicalMatrix {
public:
  explicit DynamicalMatrix(const Crystal &crystal);

  // D(q) in ps⁻², q reduced (dimensionless).
  Mat3 operator()(const Vec3 &q) const;
  // Φ(q) = m D(q), meV/Å².
  Mat3 force_constant_matrix(const Vec3 &q) const;

  // Long-wavelength matrix D1(n̂): D(q_phys a) ≈ q_phys² D1(n̂) (physics.md §1.5), Å²/ps².
  // For a general lattice D1(n̂) = -(1/2m) Σ_d Φ_d (n̂·X_d)² with X_d the physical bond vector.
  Mat3 long_wave(const Vec3 &unit_direction) const;
  // Sound speeds along n̂ (ascending, Å/ps): square roots of the eigenvalues of D1(n̂).
  Vec3 sound_speeds(const Vec3 &unit_direction) const;

  // Squared frequencies (ascending) and orthonormal eigenvectors (columns) of D(q).
  struct Modes {
    Vec3 omega2;
    Mat3 eta;
  };
  Modes modes(const Vec3 &q) const;

  const Crystal &crystal() const { return crystal_; }

private:
  const Crystal &crystal_;
};

// Evaluates Φ(q) on a regular (optionally half-shifted) grid q_j = 2π (n_j + s)/N_j quickly, with
// per-axis phase tables instead of one cosine per bond and point.
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
