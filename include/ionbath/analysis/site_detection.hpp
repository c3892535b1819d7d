#pragma once
// Sites found from the trajectory itself (`sites = "auto"`, physics.md §8.2): the mobile ions'
// occupation density on a periodic grid, its peaks = the sites, as in pymatgen's
// ProbabilityDensityAnalysis and GEMDAT. Streaming: frames are pushed one by one and memory is
// bounded by the grid (8 B per grid point, plus 16 B per point while detecting), never by the
// trajectory length.
//
// Algorithm (detect_sites):
//  1. histogram of the wrapped positions on a fractional grid with ≈ grid_spacing_A resolution
//     along each lattice vector;
//  2. a periodic Gaussian smoothing, σ = one grid spacing along each lattice vector;
//  3. local maxima (periodic 26 neighbours) above min_peak_fraction × the highest value;
//  4. peaks closer than min_separation_A (minimum image) merged: the higher one is kept;
//  5. site position = density-weighted mean of the raw histogram within min_separation_A/2 of the
//     peak (minimum image), re-centred on that mean until it stops moving (mean shift);
//  6. occupancy = fraction of the samples within min_separation_A/2 of the site (bins cut by
//     that sphere counted by the fraction of their volume inside it);
//  7. classes: sites sorted by occupancy, a site joins the current class when its occupancy is
//     within class_tolerance (relative) of the class's highest one; "class0" = most occupied.
#include "ionbath/analysis/hop_decomposition.hpp"
#include "ionbath/core/types.hpp"

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ionbath::analysis {

struct SiteDetectionParams {
  double grid_spacing_A = 0.2;     // histogram resolution along each lattice vector
  double min_separation_A = 1.0;   // closer peaks are one site; also 2 × the site window radius
  double min_peak_fraction = 0.01; // peaks below this fraction of the highest one are noise
  double class_tolerance = 0.15;   // relative occupancy difference within one class
};

// The occupation histogram of a fixed periodic cell (rows = lattice vectors a, b, c in Å).
class OccupationDensity {
public:
  // Throws std::invalid_argument for a singular cell, non-positive spacing or separation, a
  // peak fraction outside [0, 1), a negative tolerance, or a grid over 2^26 points.
  OccupationDensity(const std::array<double, 9> &cell, SiteDetectionParams p);

  // One frame (or any set) of positions, Å; unwrapped positions are wrapped into the cell.
  // Non-finite positions throw std::invalid_argument.
  void push(std::span<const Vec3> R_A);

  // Adds counts of the same grid (another rank's or thread's density: combine with
  // add_counts(other.counts(), other.samples()), or after an MPI sum of counts()).
  void add_counts(std::span<const std::int64_t> counts, std::int64_t samples);

  std::int64_t samples() const { return samples_; }
  const GridShape &grid() const { return grid_; }
  // Samples per grid cell, index (i0·n1 + i1)·n2 + i2, i_k along lattice vector k.
  std::span<const std::int64_t> counts() const { return counts_; }
  const std::array<double, 9> &cell() const { return cell_; }
  const SiteDetectionParams &params() const { return params_; }

private:
  std::array<double, 9> cell_;
  Mat3 to_fractional_; // f = to_fractional_ · r
  SiteDetectionParams params_;
  GridShape grid_{};
  std::vector<std::int64_t> counts_;
  std::int64_t samples_ = 0;
};

struct DetectedSites {
  std::vector<Vec3> fractional;         // in [0, 1), ordered by class, then by position
  std::vector<double> occupancy;        // fraction of all samples near each site
  std::vector<int> site_class;          // 0-based, 0 = most occupied
  std::vector<std::string> class_names; // "class0", "class1", ...
};

// Throws std::invalid_argument when the density has no samples or no peak.
DetectedSites detect_sites(const OccupationDensity &density);

// The detected sites as a SiteLattice (site_radius_A = 0: half the nearest-site distance).
SiteLattice site_lattice_from_detection(const DetectedSites &sites,
                                        const std::array<double, 9> &cell,
                                        double site_radius_A = 0);

} // namespace ionbath::analysis
