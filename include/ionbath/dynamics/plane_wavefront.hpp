#pragma once
// A dependency-driven wavefront over the planes of a periodic lattice: tasks (pass p, plane z)
// run one at a time in an order their dependencies allow, so that a plane's fields are reused
// from cache by the next pass a few planes behind instead of being streamed from memory once per
// pass. It knows nothing of what the tasks compute: the caller gives the plane reach of the
// passes, the slot ring of its scratch fields and, per pass, the planes of the previous pass a
// pass-level step (opening the pass) waits for. Used by the full-lattice RK5 (physics.md §4.1).
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
  bool reuses_slots() const { return slots < planes; }
};

// The caller's tasks. Pass 0 is open from the start. Pass p ≥ 1 opens once pass p − 1 is open and
// done on the planes gate(p) (asked for when pass p − 1 opens; for p = 1 once per execution):
// open(p) runs then, before any task of pass p.
struct PlaneWavefrontWork {
  std::function<void(int pass, int plane)> run;
  std::function<void(int pass)> open;
  std::function<std::vector<int>(int pass)> gate;
};

// The gates span more consecutive planes than the slot ring serves.
class PlaneWavefrontTooWide : public std::runtime_error {
public:
  PlaneWavefrontTooWide(int span, int limit);
  int span, limit;
};

class PlaneWavefront {
public:
  explicit PlaneWavefront(PlaneWavefrontShape shape = {});

  // Runs every task once. Among the tasks whose dependencies are met it runs one of the highest
  // pass, at the earliest sweep position, then looks again. The sweep starts (passes − 1) · reach
  // planes before the shortest periodic run of planes holding the gates seen so far. With reused
  // slots a gate of pass p must lie at sweep positions [(p − 1) · reach, slots); when a gate
  // returned at an opening does not, the sweep starts again from a start that covers it too
  // (the tasks run so far run again: they must compute the same numbers on a repeat). Throws
  // PlaneWavefrontTooWide when no start covers every gate. plane_slots (planes entries, or
  // empty): receives the slot of every plane at the start of each sweep.
  void execute(const PlaneWavefrontWork &work, std::span<int> plane_slots = {});

  const PlaneWavefrontShape &shape() const { return shape_; }

private:
  // One sweep from the start covering `cover`; false: a gate fell outside, added to `cover`.
  bool sweep(const PlaneWavefrontWork &work, std::vector<int> &cover, std::span<int> plane_slots);
  bool ready(int pass, int position) const;
  bool gate_done(int pass) const;
  bool gate_inside(int pass) const;
  // Runs the first ready task of `pass` (true), or none (false).
  bool run_next(const PlaneWavefrontWork &work, int pass);
  int plane_at(int position) const { return (first_plane_ + position) % shape_.planes; }
  int position_of(int plane) const;
  bool done(int plane, int pass) const { return done_[plane * shape_.passes + pass] != 0; }

  PlaneWavefrontShape shape_;
  int first_plane_ = 0;                // plane at sweep position 0
  std::vector<char> done_;             // task (pass, plane) done, at plane · passes + pass
  std::vector<char> open_;             // per pass
  std::vector<int> cursor_;            // per pass: sweep positions before it are done
  std::vector<std::vector<int>> gate_; // per pass
};

// The shortest run of consecutive planes (periodic, n planes) that holds every listed plane: its
// first plane and its length (0, 0 for none).
std::pair<int, int> circular_cover(std::vector<int> planes, int n);

} // namespace ionbath::dynamics
