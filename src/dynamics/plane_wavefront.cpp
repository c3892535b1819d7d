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

PlaneWavefront::PlaneWavefront(PlaneWavefrontShape shape) : shape_(shape) {
  if (shape.passes < 1 || shape.planes < 1 || shape.reach < 0 || shape.seam < 0)
    throw std::invalid_argument("plane wavefront: needs passes, planes ≥ 1 and reach, seam ≥ 0");
  if (shape.slots > 0 && shape.reuses_slots() && shape.slots <= shape.seam)
    throw std::invalid_argument("plane wavefront: a reused ring needs slots > seam");
}

void PlaneWavefront::execute(const PlaneWavefrontWork &work, const PlaneWavefrontGates &gates,
                             std::span<int> plane_slots) {
  PlaneWavefrontGates sorted = gates;
  sorted.resize(static_cast<std::size_t>(shape_.passes));
  for (auto &pass : sorted)
    for (auto &gate : pass) {
      for (int &z : gate)
        z = (z % shape_.planes + shape_.planes) % shape_.planes;
      std::sort(gate.begin(), gate.end());
      gate.erase(std::unique(gate.begin(), gate.end()), gate.end());
    }
  if (!planned_ || sorted != gates_)
    plan(sorted);
  const int n = shape_.planes, seam = shape_.seam, ring = shape_.slots - seam;
  for (int position = 0; position < n && !plane_slots.empty(); ++position)
    plane_slots[(first_plane_ + position) % n] =
        reuse_ && position >= seam ? seam + (position - seam) % ring : position;
  for (const Event &e : events_)
    e.open ? work.open(e.pass, e.index) : work.run(e.pass, e.index);
}

void PlaneWavefront::plan(const PlaneWavefrontGates &gates) {
  planned_ = false;
  const int n = shape_.planes, lead = (shape_.passes - 1) * shape_.reach;
  std::vector<int> cover;
  for (const auto &pass : gates)
    for (const auto &gate : pass)
      cover.insert(cover.end(), gate.begin(), gate.end());
  const auto [start, length] = circular_cover(cover, n);
  const int preferred = ((start - lead) % n + n) % n;
  gates_ = gates;
  if (shape_.reuses_slots())
    for (int k = 0; k < n; ++k) {
      first_plane_ = (preferred + k) % n;
      if (simulate(gates, first_plane_, true, events_)) {
        reuse_ = planned_ = true;
        return;
      }
    }
  const int capacity = std::max(shape_.capacity, shape_.slots);
  if (shape_.reuses_slots() && capacity < n)
    throw PlaneWavefrontTooWide(length, shape_.slots - lead);
  first_plane_ = preferred;
  reuse_ = false;
  if (!simulate(gates, first_plane_, false, events_))
    throw std::logic_error("plane wavefront: no task can run");
  planned_ = true;
}

bool PlaneWavefront::simulate(const PlaneWavefrontGates &gates, int first_plane, bool reuse,
                              std::vector<Event> &events) const {
  const int passes = shape_.passes, n = shape_.planes, reach = shape_.reach;
  const int ring = shape_.slots - shape_.seam;
  auto plane_at = [&](int position) { return (first_plane + position) % n; };
  auto at = [&](int pass, int plane) { return static_cast<std::size_t>(pass * n + plane); };
  std::vector<char> done(static_cast<std::size_t>(passes * n), 0);
  std::vector<int> blocked(done.size(), 0);           // gates of (pass, plane) not yet open
  std::vector<std::vector<int>> waiting(done.size()); // (p, z): gates of pass p + 1 waiting on it
  std::vector<std::vector<int>> missing(static_cast<std::size_t>(passes));
  std::vector<std::vector<char>> open(missing.size());
  for (int p = 1; p < passes; ++p) {
    missing[p].assign(gates[p].size(), 0);
    open[p].assign(gates[p].size(), 0);
    for (std::size_t g = 0; g < gates[p].size(); ++g)
      for (const int z : gates[p][g]) {
        ++blocked[at(p, z)];
        ++missing[p][g];
        waiting[at(p - 1, z)].push_back(static_cast<int>(g));
      }
  }
  events.clear();
  // Opens gate g of pass p if it can, then its successor in the chain.
  auto try_open = [&](int p, int g) {
    for (; p < passes; ++p) {
      const bool chained = p < 2 || g >= static_cast<int>(open[p - 1].size()) || open[p - 1][g];
      if (g >= static_cast<int>(open[p].size()) || open[p][g] || missing[p][g] > 0 || !chained)
        return;
      open[p][g] = 1;
      events.push_back({true, p, g});
      for (const int z : gates[p][g])
        --blocked[at(p, z)];
    }
  };
  for (int p = 1; p < passes; ++p)
    for (std::size_t g = 0; g < gates[p].size(); ++g)
      try_open(p, static_cast<int>(g));
  auto ready = [&](int pass, int position) {
    const int z = plane_at(position);
    if (blocked[at(pass, z)] > 0)
      return false;
    for (int d = -reach; d <= reach && pass > 0; ++d)
      if (!done[at(pass - 1, ((z + d) % n + n) % n)])
        return false;
    if (reuse && pass + 1 < passes && position >= shape_.slots)
      for (int d = -reach; d <= reach; ++d)
        if (!done[at(pass + 1, plane_at(position - ring + d))])
          return false;
    return true;
  };
  std::vector<int> cursor(static_cast<std::size_t>(passes), 0);
  for (int remaining = passes * n; remaining > 0; --remaining) {
    bool progressed = false;
    for (int pass = passes - 1; pass >= 0 && !progressed; --pass) {
      int &c = cursor[pass];
      while (c < n && done[at(pass, plane_at(c))])
        ++c;
      for (int position = c; position < n && !progressed; ++position) {
        const int z = plane_at(position);
        if (done[at(pass, z)] || !ready(pass, position))
          continue;
        events.push_back({false, pass, z});
        done[at(pass, z)] = 1;
        if (pass + 1 < passes)
          for (const int g : waiting[at(pass, z)]) {
            --missing[pass + 1][g];
            try_open(pass + 1, g);
          }
        progressed = true;
      }
    }
    if (!progressed)
      return false;
  }
  return true;
}

} // namespace ionbath::dynamics
