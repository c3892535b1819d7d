#include "ionbath/dynamics/interaction_list.hpp"

#include "ionbath/core/error.hpp"
#include "ionbath/dynamics/plane_wavefront.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace ionbath::dynamics {

InteractionList InteractionList::fixed(std::vector<Cell> sites, std::vector<int> basis) {
  if (sites.empty())
    throw InputError("interaction list: the fixed list is empty");
  if (!basis.empty() && basis.size() != sites.size())
    throw InputError(fmt::format("interaction list: the fixed list has {} sites but {} basis "
                                 "indices",
                                 sites.size(), basis.size()));
  if (std::any_of(basis.begin(), basis.end(), [](int b) { return b < 0; }))
    throw InputError("interaction list: negative basis index in the fixed list");
  InteractionList list;
  list.kind_ = Kind::fixed;
  list.sites_ = std::move(sites);
  list.basis_ = std::move(basis);
  return list;
}

InteractionList InteractionList::corners(int extent) {
  if (extent < 1)
    throw InputError(fmt::format("interaction list: extent must be ≥ 1, got {}", extent));
  InteractionList list;
  list.extent_ = extent;
  return list;
}

InteractionList InteractionList::cutoff(double radius_A) {
  if (!(radius_A > 0))
    throw InputError(
        fmt::format("interaction list: cutoff radius must be positive, got {} Å", radius_A));
  InteractionList list;
  list.kind_ = Kind::cutoff;
  list.radius_A_ = radius_A;
  return list;
}

std::array<int, 3> InteractionList::box(const Mat3 &inverse_lattice_vectors) const {
  switch (kind_) {
  case Kind::fixed:
    return {0, 0, 0};
  case Kind::corners:
    return {extent_, extent_, extent_};
  case Kind::cutoff:
    break;
  }
  std::array<int, 3> e{};
  for (int axis = 0; axis < 3; ++axis)
    e[axis] = static_cast<int>(std::ceil(radius_A_ * inverse_lattice_vectors.row(axis).norm())) + 2;
  return e;
}

std::vector<Cell> InteractionList::box_offsets(const Mat3 &inverse_lattice_vectors) const {
  const auto e = box(inverse_lattice_vectors);
  std::vector<Cell> offsets;
  for (int z = -e[2]; z < e[2]; ++z)
    for (int y = -e[1]; y < e[1]; ++y)
      for (int x = -e[0]; x < e[0]; ++x)
        offsets.emplace_back(x, y, z);
  return offsets;
}

std::vector<int> InteractionList::planes_touched(const Mat3 &inverse_lattice_vectors,
                                                 std::span<const Vec3> tau, const Vec3 &R,
                                                 int n3) const {
  auto wrap3 = [&](int z) { return (z % n3 + n3) % n3; };
  std::vector<int> planes;
  if (kind_ == Kind::fixed) {
    for (const Cell &n : sites_)
      planes.push_back(wrap3(n.z()));
  } else {
    const int e = box(inverse_lattice_vectors)[2];
    const std::vector<Vec3> at_R{Vec3::Zero()};
    for (const Vec3 &t : kind_ == Kind::corners ? std::span<const Vec3>(at_R) : tau) {
      const int p = anchor_cell(inverse_lattice_vectors, R - t).z();
      for (int o = -e; o < e; ++o)
        planes.push_back(wrap3(p + o));
    }
  }
  std::sort(planes.begin(), planes.end());
  planes.erase(std::unique(planes.begin(), planes.end()), planes.end());
  return planes;
}

int InteractionList::plane_span(const Mat3 &inverse_lattice_vectors, std::span<const Vec3> tau,
                                int n3) const {
  if (kind_ == Kind::fixed)
    return circular_cover(planes_touched(inverse_lattice_vectors, tau, Vec3::Zero(), n3), n3)
        .second;
  // Two positions less than a cell apart: their anchors differ by at most one plane.
  const int span = 2 * box(inverse_lattice_vectors)[2] + 1;
  if (kind_ == Kind::corners)
    return span;
  // The sublattices' anchors p_b = ⌈A⁻¹(R − τ_b)⌉ spread over the planes of −f_b,z.
  int shift_low = 0, shift_high = 0;
  for (const Vec3 &t : tau) {
    const double f = -(inverse_lattice_vectors * t).z();
    shift_low = std::min(shift_low, static_cast<int>(std::floor(f)));
    shift_high = std::max(shift_high, static_cast<int>(std::ceil(f)));
  }
  return span + shift_high - shift_low;
}

} // namespace ionbath::dynamics
