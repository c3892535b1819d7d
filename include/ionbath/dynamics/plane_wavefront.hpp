#pragma once
// A dependency-driven wavefront over the planes of a periodic lattice: tasks (pass p, plane z)
// run one at a time in an order their dependencies allow, so that a plane's fields are reused
// from cache by the next pass a few planes behind instead of being streamed from memory once per
// pass. It knows nothing of what the tasks compute: the caller gives the plane reach of the
// passes, the slot ring of its scratch fields and, per pass, gates: steps that wait for the
// previous pass on a few planes and that the pass's tasks on those planes wait for. Used by the
// full-lattice RK5 (physics.md §4.1, §11.2), one gate per mobile ion and pass.
#include <functional>
#include <span>
#include <stdexcept>
#include <vector>

namespace ionbath::dynamics {

struct PlaneWavefrontShape {
  int passes = 1; // tasks (p, z): p < passes, z < planes
  int planes = 1;
  // Task (p, z) of a pass p ≥ 1 needs pass p − 1 on the planes z − reach … z + reach (periodic).
  int reach = 0;
  // Plane slots of the caller's scratch fields, by sweep position: the first `seam` positions
  // keep their own slots, the others share slots − seam slots in turn. slots < planes: slots are
  // reused within a sweep, and task (p, position) of a pass p < passes − 1 at a position ≥ slots
  // waits until pass p + 1 is done on positions position − (slots − seam) ± reach (the slot's
  // previous plane and its neighbours). slots ≥ planes: every plane keeps its own slot.
  int seam = 0;
  int slots = 0;
  // Plane slots the caller's fields hold (0: slots). capacity ≥ planes: gates the ring cannot
  // serve give every plane its own slot (its sweep position) instead of failing.
  int capacity = 0;
  bool reuses_slots() const { return slots < planes; }
};

// Gates of the passes p ≥ 1: gates[p][g] lists the planes gate g of pass p waits for in pass
// p − 1; pass p's tasks on those planes wait for it. For p ≥ 2 gate g also waits for gate g of
// pass p − 1 (one chain per index g). gates[0] is unused; a pass may have no gates.
using PlaneWavefrontGates = std::vector<std::vector<std::vector<int>>>;

// The caller's work: run(p, z) is task (p, z); open(p, g) runs when gate g of pass p opens,
// before any task that waits for it.
struct PlaneWavefrontWork {
  std::function<void(int pass, int plane)> run;
  std::function<void(int pass, int gate)> open;
};

// The ring cannot serve the gates and the fields hold no slot per plane.
class PlaneWavefrontTooWide : public std::runtime_error {
public:
  PlaneWavefrontTooWide(int span, int limit);
  int span, limit;
};

class PlaneWavefront {
public:
  explicit PlaneWavefront(PlaneWavefrontShape shape = {});

  // Runs every task and opens every gate once, in the order of a schedule planned for these
  // gates and kept while they stay the same. The plan runs, among the tasks whose dependencies
  // are met, one of the highest pass at the earliest sweep position, and opens every gate as
  // soon as it can. The sweep starts (passes − 1) · reach planes before the shortest periodic
  // run of planes holding every gate, or, if the ring cannot serve that start, at the first
  // plane after it that it can serve; if none, every plane keeps its own slot when the capacity
  // allows, else PlaneWavefrontTooWide. plane_slots (planes entries, or empty) receives the slot
  // of every plane.
  void execute(const PlaneWavefrontWork &work, const PlaneWavefrontGates &gates,
               std::span<int> plane_slots = {});

  const PlaneWavefrontShape &shape() const { return shape_; }
  // The schedule of the last execute reused slots (false also without reuse in the shape).
  bool reused_slots() const { return reuse_; }

private:
  struct Event {
    bool open; // open(pass, index) or run(pass, index)
    int pass, index;
  };
  void plan(const PlaneWavefrontGates &gates);
  // The events of one sweep from first_plane, or false if it cannot finish (with reuse: a slot
  // waits for a task that waits for the slot).
  bool simulate(const PlaneWavefrontGates &gates, int first_plane, bool reuse,
                std::vector<Event> &events) const;

  PlaneWavefrontShape shape_;
  bool planned_ = false;
  PlaneWavefrontGates gates_; // those of the schedule, each gate sorted
  int first_plane_ = 0;       // plane at sweep position 0
  bool reuse_ = false;
  std::vector<Event> events_;
};

// The shortest run of consecutive planes (periodic, n planes) that holds every listed plane: its
// first plane and its length (0, 0 for none).
std::pair<int, int> circular_cover(std::vector<int> planes, int n);

} // namespace ionbath::dynamics
