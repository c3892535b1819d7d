#pragma once
// The interaction lists and paths of seed 001's single-pass protocols (physics.md §6.5): which
// framework atoms the particle feels, where its straight path runs, and where a simulated pass
// starts and stops. Positions are given in units of the nearest-neighbour spacing α = |a1| and
// mapped onto lattice sites of the crystal (an InputError if one is not a site).
#include "ionbath/crystal/crystal.hpp"
#include "ionbath/dissipation/pass.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ionbath::dissipation {

// single: 1 atom at the origin, path (0, s, z) (Figs. 2, 4); chain: the same on a chain
// (Fig. 2); square: 4 atoms {0,1}²×{0}·α, path (α/2, α/2 + s, z) (Fig. 5a); cube: the 8 corners
// {0,1}³α, same path (Fig. 5b); line8: 8 atoms (0, 0, jα), j = 0..7, the trap of Fig. 6.
enum class PassGeometry { single, square, cube, line8, chain };

std::string_view to_string(PassGeometry g);
// Throws InputError naming `key` for an unknown name.
PassGeometry parse_pass_geometry(const std::string &name, std::string_view key);

struct PassLayout {
  std::vector<FrameworkAtom> atoms;
  StraightPath path;  // direction ẑ
  double z_start = 0; // first listed atom's z − 7λ (seed 001: −7λ)
  double z_end = 0;   // last listed atom's z + 7λ (7λ; cube 7λ + α)
  double spacing = 0; // α
};

// The atoms and path of geometry g with transverse offset s and interaction range λ (internal
// lengths). The crystal's first lattice vector sets α.
PassLayout pass_layout(const crystal::Crystal &crystal, PassGeometry g, double offset,
                       double lambda);

} // namespace ionbath::dissipation
