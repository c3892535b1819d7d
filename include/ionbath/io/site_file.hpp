#pragma once
// Site files for `ionbath decompose` (seed 000, physics.md §8.2): the mobile-ion site list of a
// crystal, written by hand or by another program.
//
// Format (plain text, or gzip):
//   # LLZO-like example: '#' starts a comment (anywhere on a line); blank lines are ignored
//   fractional              # the first non-comment line: `fractional` or `cartesian` (Å)
//   0.125 0.000 0.250 tet   # one site per line: x y z [class_label]
//   0.000 0.000 0.000 oct
// The class label (one word) is optional: sites without labels form one class "site"; labelled and
// unlabelled site lines must not be mixed. Classes are numbered in order of first appearance.
// Fractional coordinates are wrapped into [0, 1); Cartesian ones are converted with the cell
// (rows = lattice vectors a, b, c in Å; r = f0·a + f1·b + f2·c).
//
// Every problem (missing file, no keyword, a bad number, a wrong column count, mixed labels, no
// sites, and a site list make_site_lattice refuses) throws ionbath::InputError naming the file
// and, where there is one, the line number and the offending text.
#include "ionbath/analysis/hop_decomposition.hpp"
#include "ionbath/core/types.hpp"

#include <array>
#include <string>
#include <vector>

namespace ionbath::io {

struct SiteFileContents {
  bool cartesian = false;                   // positions in Å (else fractional)
  std::vector<Vec3> positions;              // as written in the file
  std::vector<std::string> labels_per_site; // one per site, or empty (no labels)
};

SiteFileContents read_site_file(const std::string &path);

// The file's sites as a SiteLattice in `cell` (site_radius_A = 0: half the nearest-site
// distance, §8.2 default).
analysis::SiteLattice site_lattice_from_file(const std::string &path,
                                             const std::array<double, 9> &cell,
                                             double site_radius_A = 0);

} // namespace ionbath::io
