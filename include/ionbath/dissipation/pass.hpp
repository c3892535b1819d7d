#pragma once
// A single pass (seed 001 §II): a particle on the straight line σ(t) = σ0 + v t û past a list of
// framework atoms at rest, and the Fourier transform of its interaction along that line. All
// quantities in the crystal's internal units (energies, lengths, times of its UnitSystem).
#include "ionbath/core/types.hpp"
#include "ionbath/crystal/crystal.hpp"
#include "ionbath/dynamics/pair_potential.hpp"

#include <vector>

namespace ionbath::dissipation {

struct FrameworkAtom {
  Cell cell = Cell::Zero();
  int basis = 0;
};

struct StraightPath {
  Vec3 point = Vec3::Zero();      // σ0, any point on the line
  Vec3 direction = Vec3::UnitZ(); // û (normalized by the user of the path)
};

// One listed atom seen from the path: b = the perpendicular vector from the atom to the line,
// c = (σ0 − x)·û, so that σ(t) − x = b + (c + v t) û.
struct AtomOnPath {
  Vec3 fractional = Vec3::Zero(); // n + f_b, lattice coordinates (the Bloch phase)
  Vec3 perpendicular = Vec3::Zero();
  double distance = 0; // |perpendicular|
  double along = 0;
  int basis = 0;
  double mass = 1;
};
std::vector<AtomOnPath> atoms_on_path(const crystal::Crystal &crystal,
                                      const std::vector<FrameworkAtom> &atoms,
                                      const StraightPath &path);

// Ũ(b; k) = ∫dz U(b + z û) e^{ikz} of an isotropic U (real, even in k) and its derivative with
// respect to the distance |b| from the line (physics.md §6.3).
struct PathTransformValue {
  double value = 0;
  double d_distance = 0;
};
class PathTransform {
public:
  virtual ~PathTransform() = default;
  virtual PathTransformValue operator()(double distance, double k) const = 0;
};

// Gaussian Φ0 e^{−d²/2λ²}: Ũ = Φ0 √(2π) λ e^{−b²/2λ² − k²λ²/2}, ∂Ũ/∂b = −(b/λ²) Ũ.
class GaussianPathTransform final : public PathTransform {
public:
  GaussianPathTransform(double Phi0, double lambda) : Phi0_(Phi0), lambda_(lambda) {}
  PathTransformValue operator()(double distance, double k) const override;

private:
  double Phi0_, lambda_;
};

// Any pair potential: Ũ = 2∫_0^∞ U cos(kz) dz and ∂Ũ/∂b = 2∫_0^∞ ∂_b U cos(kz) dz by adaptive
// Gauss–Kronrod on z = t/(1−t) (relative tolerance rel_tol). U must be finite on the line.
class NumericalPathTransform final : public PathTransform {
public:
  NumericalPathTransform(const dynamics::PairPotential &potential, double rel_tol = 1e-10)
      : potential_(potential), rel_tol_(rel_tol) {}
  PathTransformValue operator()(double distance, double k) const override;

private:
  const dynamics::PairPotential &potential_;
  double rel_tol_;
};

} // namespace ionbath::dissipation
