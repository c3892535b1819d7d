#include "ionbath/crystal/interstitial_site.hpp"

#include <limits>
#include <stdexcept>

namespace ionbath::crystal {

namespace {
// Distance from x to the nearest atom of the cells L ∈ [−2, 2]³ (Å).
double clearance(const Crystal &crystal, const Vec3 &x) {
  double nearest2 = std::numeric_limits<double>::infinity();
  for (int i = -2; i <= 2; ++i)
    for (int j = -2; j <= 2; ++j)
      for (int k = -2; k <= 2; ++k) {
        const Vec3 cell = crystal.equilibrium_position(Cell(i, j, k));
        for (const auto &atom : crystal.basis())
          nearest2 = std::min(nearest2, (cell + atom.position - x).squaredNorm());
      }
  return std::sqrt(nearest2);
}
} // namespace

InterstitialSite farthest_point_from_atoms(const Crystal &crystal, int n) {
  if (n <= 0 || n % 2 != 0)
    throw std::invalid_argument("farthest_point_from_atoms: the grid must be even and positive");
  InterstitialSite best{Vec3::Zero(), -1.0};
  for (int k = 0; k < n; ++k)
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < n; ++i) {
        const Vec3 f = Vec3(i, j, k) / double(n);
        const double d = clearance(crystal, crystal.lattice_vectors() * f);
        if (d > best.clearance_A + 1e-12)
          best = {f, d};
      }
  return best;
}

} // namespace ionbath::crystal
