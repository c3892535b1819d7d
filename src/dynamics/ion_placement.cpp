#include "ionbath/dynamics/ion_placement.hpp"

#include "ionbath/core/error.hpp"
#include "ionbath/dynamics/ion_ion.hpp"

#include <cmath>
#include <cstdint>
#include <fmt/format.h>
#include <numeric>
#include <utility>

namespace ionbath::dynamics {

namespace {
// Site A (n + f) of cell lin(n) (x fastest, physics.md §0.2); f = ½(1, 1, 1): the centre.
Vec3 cell_site(const Mat3 &A, const GridShape &cells, std::int64_t lin, const Vec3 &f) {
  const std::int64_t n1 = cells[0], n2 = cells[1];
  const Vec3 n(static_cast<double>(lin % n1), static_cast<double>(lin / n1 % n2),
               static_cast<double>(lin / (n1 * n2)));
  return A * (n + f);
}

// Fisher–Yates over cells 1 … N − 1 (cell 0 stays first), step k from its own Philox draw.
std::vector<std::int64_t> shuffled_cells(std::int64_t total,
                                         const bath::ThermalBathParams &streams) {
  std::vector<std::int64_t> order(static_cast<std::size_t>(total));
  std::iota(order.begin(), order.end(), std::int64_t{0});
  for (std::int64_t k = total - 1; k >= 2; --k) {
    const double u = bath::stream_uniforms(streams, bath::StreamPurpose::ion_placement,
                                           static_cast<std::uint64_t>(k))[0];
    // j uniform in [1, k]: u ∈ [0, 1) with 53 bits, k ≪ 2⁵³.
    const std::int64_t j = 1 + std::min(k - 1, static_cast<std::int64_t>(u * double(k)));
    std::swap(order[static_cast<std::size_t>(k)], order[static_cast<std::size_t>(j)]);
  }
  return order;
}

bool far_from_all(const PeriodicSupercell &box, const std::vector<Vec3> &placed, const Vec3 &R,
                  double min_separation2) {
  for (const Vec3 &other : placed)
    if (box.minimum_image(R - other).squaredNorm() < min_separation2)
      return false;
  return true;
}
} // namespace

std::vector<Vec3> place_ions_at_cell_centres(const Mat3 &lattice_vectors_A, const GridShape &cells,
                                             const IonPlacementRequest &request,
                                             const bath::ThermalBathParams &streams) {
  const std::int64_t total = grid_points(cells);
  if (request.count < 1 || request.count > total)
    throw InputError(fmt::format("ion placement: {} ions do not fit on the {} cell centres of the "
                                 "{}×{}×{} lattice (need 1 … {})",
                                 request.count, total, cells[0], cells[1], cells[2], total));
  if (!(request.min_separation_A >= 0) || !std::isfinite(request.min_separation_A))
    throw InputError(fmt::format("ion placement: minimum separation must be ≥ 0 and finite, got "
                                 "{} Å",
                                 request.min_separation_A));
  const PeriodicSupercell box(lattice_vectors_A, cells);
  const double min_separation2 = request.min_separation_A * request.min_separation_A;
  std::vector<Vec3> placed;
  placed.reserve(static_cast<std::size_t>(request.count));
  for (const std::int64_t lin : shuffled_cells(total, streams)) {
    const Vec3 R = cell_site(lattice_vectors_A, cells, lin, request.site_fraction);
    if (far_from_all(box, placed, R, min_separation2))
      placed.push_back(R);
    if (static_cast<int>(placed.size()) == request.count)
      return placed;
  }
  throw InputError(fmt::format(
      "ion placement: minimum separation {} Å leaves room for only {} of {} ions on the {} cell "
      "centres of the {}×{}×{} lattice (greedy pass over the shuffled cells); lower the "
      "separation or the ion count, or enlarge the lattice",
      request.min_separation_A, placed.size(), request.count, total, cells[0], cells[1], cells[2]));
}

} // namespace ionbath::dynamics
