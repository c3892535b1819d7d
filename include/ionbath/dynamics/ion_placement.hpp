#pragma once
// Seeded starting sites of several mobile ions (physics.md §11.1): distinct cell centres
// A (n + ½(1, 1, 1)) of the periodic N1×N2×N3 lattice (the single-ion start R = A ½(1, 1, 1),
// physics.md §3.4, is the centre of cell 0), pairwise at least a minimum separation apart by the
// minimum image in the supercell L_k = N_k a_k.
//
// Ion 0 always sits at the single-ion start (cell 0): one ion starts where the single-ion runs do
// (§11.4: N_I = 1 reproduces the single-ion results), and on the periodic lattice fixing one ion
// costs no generality. The others: a Fisher–Yates shuffle of the remaining cells, then greedily
// every cell far enough from the ions placed so far, in shuffled order, until `count` are placed.
// The shuffle draws from the trajectory's counter-based stream (bath::stream_uniforms, purpose
// StreamPurpose::ion_placement, index = shuffle step), so the sites depend only on the stream
// identity (seed, temperature index or common key, trajectory id), the lattice and the request,
// never on the MPI layout.
#include "ionbath/bath/thermal_bath.hpp"
#include "ionbath/core/types.hpp"

#include <vector>

namespace ionbath::dynamics {

struct IonPlacementRequest {
  int count = 1;
  double min_separation_A = 0.0; // minimum-image distance between any two ions
  // The site A (n + f) within each cell, f in fractions of the lattice vectors (a general
  // crystal's interstitial site, physics.md §12.3); the cell centre by default.
  Vec3 site_fraction = Vec3::Constant(0.5);
};

// The ions' starting positions (Å), ion 0 first. Throws InputError with the numbers when count
// is not in [1, cells], the separation is negative or not finite, or the greedy pass over the
// shuffled cells finds room for fewer than `count` ions (a bounded pass over every cell, never
// retries).
std::vector<Vec3> place_ions_at_cell_centres(const Mat3 &lattice_vectors_A, const GridShape &cells,
                                             const IonPlacementRequest &request,
                                             const bath::ThermalBathParams &streams);

} // namespace ionbath::dynamics
