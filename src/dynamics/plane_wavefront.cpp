#include "ionbath/dynamics/plane_wavefront.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace ionbath::dynamics {

std::pair<int, int> circular_cover(std::vector<int> planes, int n) {
  if (planes.empty())
    return {0, 0};
  std::sort(planes.begin(), planes.end());
  planes.erase(std::unique(planes.begin(), planes.end()), planes.end());
  const std::size_t m = planes.size();
  int widest = 0, start = planes[0];
  for (std::size_t i = 0; i < m; ++i) {
    const int next = planes[(i + 1) % m];
    const int gap = m == 1 ? n : (next - planes[i] + n) % n; // empty planes + 1
    if (gap > widest) {
      widest = gap;
      start = next;
    }
  }
  return {start, n - widest + 1};
}

PlaneWavefrontTooWide::PlaneWavefrontTooWide(int span_planes, int limit_planes)
    : std::runtime_error(fmt::format("plane wavefront: the gates span {} consecutive planes, more "
                                     "than the {} the slot ring serves",
                                     span_planes, limit_planes)),
      span(span_planes), limit(limit_planes) {}

PlaneWavefront::PlaneWavefront(PlaneWavefrontShape shape)
    : shape_(shape), done_(static_cast<std::size_t>(shape.passes * shape.planes)),
      open_(static_cast<std::size_t>(shape.passes)), cursor_(open_.size()), gate_(open_.size()) {
  if (shape.passes < 1 || shape.planes < 1 || shape.reach < 0 || shape.seam < 0)
    throw std::invalid_argument("plane wavefront: needs passes, planes ≥ 1 and reach, seam ≥ 0");
}

int PlaneWavefront::position_of(int plane) const {
  return (plane - first_plane_ + shape_.planes) % shape_.planes;
}

void PlaneWavefront::execute(const PlaneWavefrontWork &work, std::span<int> plane_slots) {
  std::vector<int> cover;
  if (shape_.passes > 1)
    cover = gate_[1] = work.gate(1);
  while (!sweep(work, cover, plane_slots)) {
  }
}

bool PlaneWavefront::sweep(const PlaneWavefrontWork &work, std::vector<int> &cover,
                           std::span<int> plane_slots) {
  const int n = shape_.planes, lead = (shape_.passes - 1) * shape_.reach;
  const auto [start, length] = circular_cover(cover, n);
  if (shape_.reuses_slots() && length > shape_.slots - lead)
    throw PlaneWavefrontTooWide(length, shape_.slots - lead);
  first_plane_ = ((start - lead) % n + n) % n;
  const int seam = shape_.seam, ring = shape_.slots - seam;
  for (int position = 0; position < n && !plane_slots.empty(); ++position)
    plane_slots[plane_at(position)] = position < seam ? position : seam + (position - seam) % ring;
  std::fill(done_.begin(), done_.end(), 0);
  std::fill(open_.begin(), open_.end(), 0);
  std::fill(cursor_.begin(), cursor_.end(), 0);
  open_[0] = 1;
  for (int remaining = shape_.passes * n; remaining > 0;) {
    bool progressed = false;
    for (int pass = shape_.passes - 1; pass >= 0 && !progressed; --pass) {
      if (!open_[pass]) {
        if (!open_[pass - 1] || !gate_done(pass))
          continue;
        work.open(pass);
        open_[pass] = 1;
        if (pass + 1 < shape_.passes) {
          gate_[pass + 1] = work.gate(pass + 1);
          if (shape_.reuses_slots() && !gate_inside(pass + 1)) {
            cover.insert(cover.end(), gate_[pass + 1].begin(), gate_[pass + 1].end());
            return false;
          }
        }
      }
      progressed = run_next(work, pass);
    }
    if (!progressed)
      throw std::logic_error("plane wavefront: no task can run");
    --remaining;
  }
  return true;
}

bool PlaneWavefront::run_next(const PlaneWavefrontWork &work, int pass) {
  const int n = shape_.planes;
  int &cursor = cursor_[pass];
  while (cursor < n && done(plane_at(cursor), pass))
    ++cursor;
  for (int position = cursor; position < n; ++position) {
    const int z = plane_at(position);
    if (!done(z, pass) && ready(pass, position)) {
      work.run(pass, z);
      done_[z * shape_.passes + pass] = 1;
      return true;
    }
  }
  return false;
}

bool PlaneWavefront::ready(int pass, int position) const {
  const int n = shape_.planes, reach = shape_.reach, z = plane_at(position);
  for (int d = -reach; d <= reach && pass > 0; ++d)
    if (!done(((z + d) % n + n) % n, pass - 1))
      return false;
  const int ring = shape_.slots - shape_.seam;
  if (shape_.reuses_slots() && pass + 1 < shape_.passes && position >= shape_.slots)
    for (int d = -reach; d <= reach; ++d)
      if (!done(plane_at(position - ring + d), pass + 1))
        return false;
  return true;
}

bool PlaneWavefront::gate_done(int pass) const {
  return std::all_of(gate_[pass].begin(), gate_[pass].end(),
                     [&](int z) { return done(z, pass - 1); });
}

bool PlaneWavefront::gate_inside(int pass) const {
  return std::all_of(gate_[pass].begin(), gate_[pass].end(), [&](int z) {
    const int position = position_of(z);
    return position >= (pass - 1) * shape_.reach && position < shape_.slots;
  });
}

} // namespace ionbath::dynamics
