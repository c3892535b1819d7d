#pragma once
// Mechanism decomposition of ionic transport (seed 000; physics.md §8.2–8.5): every ion-window
// [t, t + Δt] of an MD trajectory gets one event label (C, M, H, B, R), and the Onsager
// coefficient L(Δt) = ⟨|D|²⟩/(6 V k_BT Δt), D = Σ_i d_i, splits exactly into
// L_e = ⟨D_e·D⟩/(6 V k_BT Δt) with Σ_e L_e = L (an algebraic identity: tests require rounding).
// analysis/ never sees a file format: frames arrive as unwrapped Cartesian positions (Å) of the
// analysed particles at a constant frame interval, from io/trajectory_reader.hpp or our runs.
//
// Memory: the analysed particles' trajectory is held, 32 B per particle-frame (positions and the
// microstate); the events (hops) are a list of their own.
#include "ionbath/core/types.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace ionbath::analysis {

// ---- Sites and microstates (§8.2) ----------------------------------------------------------

// The cell (rows: lattice vectors a, b, c, Å) as the matrix A of R = A u (columns a, b, c; u
// fractional).
Mat3 lattice_columns(const std::array<double, 9> &cell);

// Event classes in priority order (§8.3).
enum class HopMode : int {
  concerted = 0,
  multi_cell = 1,
  single_hop = 2,
  hop_return = 3,
  rattle = 4
};
inline constexpr int n_hop_modes = 5;
const char *hop_mode_name(HopMode mode); // "C", "M", "H", "B", "R"

// The mobile-ion site lattice in a periodic cell. Two sites are neighbours (a direct hop path,
// §8.2 site graph) when their minimum-image distance is ≤ neighbour_factor × the smaller of their
// two nearest-site distances; cubic cell centres: the 6 face-sharing cubes.
struct SiteLattice {
  std::array<double, 9> cell{};         // rows: lattice vectors a, b, c (Å)
  std::vector<Vec3> fractional;         // site positions, fractional coordinates in [0, 1)
  std::vector<int> site_class;          // macrostate class per site (0-based)
  std::vector<std::string> class_names; // one per class
  double site_radius_A = 0;             // hysteresis radius r_site
  double nearest_site_distance_A = 0;   // min over sites of the nearest-site distance
  // neighbours[k]: (site, image offset of that site relative to k's image) pairs.
  std::vector<std::vector<std::pair<int, Cell>>> neighbours;

  int sites() const { return static_cast<int>(fractional.size()); }
  Vec3 cartesian(int site, const Cell &image) const; // Å
};

inline constexpr double default_neighbour_factor = 1.25;

// Any site list. site_radius_A = 0 → half the nearest-site distance (§8.2 default). Throws
// std::invalid_argument for an empty list, coincident sites, a cell with zero volume, or a
// radius that makes two sites' spheres overlap (> half a nearest-site distance).
SiteLattice make_site_lattice(const std::array<double, 9> &cell, std::vector<Vec3> fractional,
                              std::vector<int> site_class, std::vector<std::string> class_names,
                              double site_radius_A = 0,
                              double neighbour_factor = default_neighbour_factor);

// The cubic model's sites: the cube centres a(c + ½) of the periodic supercell cells[0..2] × a.
SiteLattice cubic_site_lattice(double a_A, const GridShape &cells, double site_radius_A = 0);

// A microstate (§8.2): a site and the lattice image that unwraps it.
struct Microstate {
  int site = 0;
  Cell image = Cell::Zero();
  bool operator==(const Microstate &) const = default;
};

// 0 if a == b, 1 if b is a site-graph neighbour of a (with the right image), 2 otherwise (≥ 2).
int graph_distance_capped(const SiteLattice &lattice, const Microstate &a, const Microstate &b);

// ---- The analysed trajectory --------------------------------------------------------------

struct HopAnalysisParams {
  double frame_interval_ps = 0;  // > 0: the constant time between pushed frames
  double concerted_time_ps = 0;  // τ_c: hops of different ions at most this far apart in time…
  double concerted_radius_A = 0; // r_c: …and departure sites at most this far apart are linked
};

// A hop: ion `ion` changes microstate between frames frame−1 and frame.
struct Hop {
  std::int32_t ion = 0;
  std::int64_t frame = 0;
  Microstate from, to;
};

// Assignment with hysteresis (§8.2): an ion within r_site of a site (minimum image) is in that
// site; otherwise it keeps its previous microstate. The first frame takes the nearest site.
class HopTrajectory {
public:
  // species_of_ion[i] ∈ [0, n_species): the species of every analysed ion.
  HopTrajectory(SiteLattice lattice, HopAnalysisParams params, std::vector<int> species_of_ion);

  // One frame: the unwrapped positions of every analysed ion, Å.
  void push(std::span<const Vec3> R_A);
  // Links hops into concerted clusters (§8.3 C: hop times within τ_c and departure sites within
  // r_c, or one ion arriving at another's departure site within τ_c). Call once after the last
  // push; the window analysis requires it.
  void finish();

  std::int64_t frames() const;
  int ions() const;
  int n_species() const;
  const SiteLattice &lattice() const;
  const HopAnalysisParams &params() const;
  const std::vector<int> &species_of_ion() const;
  const std::vector<Hop> &hops() const; // in frame order, ion order within a frame
  Vec3 position(std::int64_t frame, int ion) const;
  Microstate microstate(std::int64_t frame, int ion) const;

  // Label of ion i's window starting at frame `origin`, `window` frames long (§8.3 priority).
  HopMode label(int ion, std::int64_t origin, std::int64_t window) const;

  class Storage;
  // The implementation's view of the stored trajectory (Storage is defined in the .cpp only).
  const Storage &storage() const;

private:
  std::shared_ptr<Storage> s_;
};

// ---- Window sums, blocks and the decomposition (§8.4–8.5) ------------------------------------

// Which origins are analysed: every `origin_stride`-th frame o with o + window < frames, cut into
// `blocks` contiguous blocks of (nearly) equal numbers of origins, in order.
struct WindowPlan {
  std::int64_t window_frames = 1;
  std::int64_t origin_stride = 1;
  int blocks = 10;
};

// The sums of one block of origins for one window (the unit of the MPI reduction: a block is
// computed on one rank, blocks are combined in block order, so results do not depend on ranks).
struct BlockSums {
  std::int64_t origins = 0;
  // Σ over origins of D_{s,e}·D_{s',e'}: index ((s·5 + e)·(S·5) + s'·5 + e'), Å².
  std::vector<double> DD;
  // Σ over origins of Σ_{i∈s, e_i=e} |d_i|²: index s·5 + e, Å².
  std::vector<double> dd;
  // Σ over origins of the number of ion-windows of species s with label e: index s·5 + e.
  std::vector<double> count;
  // Σ over origins of ion-windows of s starting in class a and ending in b: (s·C + a)·C + b.
  std::vector<double> transitions;
};

BlockSums window_block_sums(const HopTrajectory &trajectory, const WindowPlan &plan, int block);

// The reference path for benchmarks and tests: every origin, every ion, the label from scratch.
BlockSums window_block_sums_reference(const HopTrajectory &trajectory, const WindowPlan &plan,
                                      int block);

struct ModeDecomposition {
  // Per species s and mode e (index s·5 + e), with block-average errors (std of block means /√B).
  std::vector<double> L, sigma_L;                 // L_e = ⟨D_e·D⟩/(6 V kT Δt), 1/(meV Å ps)
  std::vector<double> L_fraction;                 // L_e / L
  std::vector<double> frequency, sigma_frequency; // f_e = ⟨N_e⟩ / N_s
  std::vector<double> rate_per_ps;                // ν_e = f_e / Δt
  std::vector<double> effectiveness;              // ε_e = L_e / ⟨N_e⟩
  std::vector<double> effectiveness_normalized;   // ε̂_e = (L_e/L) / f_e
  std::vector<double> D_tracer, sigma_D_tracer;   // D*_e, Å²/ps (Σ_e D*_e = D*)
  // Per species pair (s, s′) and mode pair: L_{s e, s′ e′} (symmetric), 1/(meV Å ps).
  std::vector<double> L_pair;
  // Per species s: totals L (= Σ_e L_e), D*, their errors, and D_L = L V kT / N_s (Å²/ps), the
  // collective diffusion coefficient that equals the MSD-based D for one ion (§8.4).
  std::vector<double> L_total, sigma_L_total, D_tracer_total, sigma_D_tracer_total;
  std::vector<double> D_collective, sigma_D_collective;
  // Cross-species L^{ss′}_e = ⟨D^s_e·D^{s′}⟩/(6 V kT Δt): index (s·S + s′)·5 + e.
  std::vector<double> L_cross;
  // Macrostates: P_ab(Δt) per species ((s·C + a)·C + b) and populations π_a (s·C + a).
  std::vector<double> transition_probability, population;
};

// volume_A3 = |det cell|; kT_meV > 0; blocks in block order.
ModeDecomposition decompose(std::span<const BlockSums> blocks, const HopTrajectory &trajectory,
                            const WindowPlan &plan, double volume_A3, double kT_meV);

// Log-spaced window lengths in frames from `from_ps` to `to_ps` (`count` values, rounded to whole
// frames ≥ 1, duplicates removed), each < frames.
std::vector<std::int64_t> log_spaced_windows(double from_ps, double to_ps, int count,
                                             double frame_interval_ps, std::int64_t frames);

} // namespace ionbath::analysis
