#pragma once
// Collective transport of several mobile ions (physics.md §11.4): per species the tracer D*, the
// collective (charge) D_σ, the Haven ratio H_R = D*/D_σ, the Onsager coefficients L_ss′ and the
// ionic conductivity, from the same segments as the single-ion MSD (§5.1–5.3).
//
// Every quantity is the slope of a squared displacement of some vector on the segments of
// SegmentMsd, so the accumulator is a set of SegmentMsd instances, one per vector:
//   tracer of species s:   R_i for every ion i of s (averaged over those ions),
//   collective of s:       X_s = Σ_{i∈s} R_i,   |ΔX_s|² / N_s → D_σ,s,
//   cross of s < s′:       X_s + X_s′,   ΔX_s·ΔX_s′ = ½(|Δ(X_s + X_s′)|² − |ΔX_s|² − |ΔX_s′|²),
//   charge:                Q = Σ_i z_i R_i,   σ = e² ⟨|ΔQ|²⟩ / (6 V k_BT t).
// D values come from fit_diffusion (slope/6 through the origin over the fit window), with the
// segment-slope error bars of diffusion_fit.hpp; H_R's error propagates the per-segment slopes
// of D* and D_σ together (they are strongly correlated: they share the segments). Trajectories
// at one temperature pool as the union of their segments (pool_segments), as for one ion.
// A species of one ion keeps no collective accumulator (X_s = R_i), one ion no charge
// accumulator (Q = z R): one ion checkpoints exactly the single SegmentMsd of earlier versions.
#include "ionbath/analysis/diffusion_fit.hpp"
#include "ionbath/analysis/segment_msd.hpp"

#include <optional>
#include <span>
#include <vector>

namespace ionbath::analysis {

// The curves of one trajectory, every quantity on the same segments and lags.
struct CollectiveCurves {
  std::vector<SegmentCurves> tracer;     // per species: (1/N_s) Σ_{i∈s} |ΔR_i|²
  std::vector<SegmentCurves> collective; // per species: |ΔX_s|² / N_s
  std::vector<SegmentCurves> cross;      // s < t, row-major upper triangle: ΔX_s·ΔX_t
  SegmentCurves charge;                  // |Σ z_i ΔR_i|²
  std::vector<int> ions_of_species;      // N_s
  std::vector<double> charge_number;     // z_s
};

class CollectiveMsd {
public:
  // species_of_ion[i] ∈ [0, n_species); charge_number[s] = z_s. Every species needs an ion.
  CollectiveMsd(const SegmentMsdParams &params, std::vector<int> species_of_ion,
                std::vector<double> charge_number);

  // One stored sample: the unwrapped positions of every ion, Å.
  void push(std::span<const Vec3> R_A);

  std::size_t ion_count() const { return species_of_ion_.size(); }
  int n_species() const { return static_cast<int>(charge_number_.size()); }
  int ions_of(int s) const { return ions_of_[std::size_t(s)]; }
  double charge_number(int s) const { return charge_number_[std::size_t(s)]; }
  const SegmentMsdParams &params() const { return ion_.front().params(); }

  SegmentCurves tracer(int s) const;       // (1/N_s) Σ_{i∈s} |ΔR_i|²
  SegmentCurves collective(int s) const;   // |ΔX_s|² / N_s
  SegmentCurves cross(int s, int t) const; // ΔX_s·ΔX_t (s ≠ t; s = t: |ΔX_s|²)
  SegmentCurves charge() const;            // |Σ z_i ΔR_i|²
  CollectiveCurves curves() const;

  // Every accumulator's state (ions first, in ion order); restore continues bitwise.
  std::vector<std::vector<double>> serialize() const;
  // The number of states serialize() gives for these ions and species (n_species = charges).
  static std::size_t accumulator_count(std::span<const int> species_of_ion, int n_species);
  static CollectiveMsd restore(std::vector<int> species_of_ion, std::vector<double> charge_number,
                               std::span<const std::vector<double>> states);

private:
  std::vector<int> species_of_ion_;
  std::vector<double> charge_number_;
  std::vector<int> ions_of_;
  // collective_[s] empty for a species of one ion; pair_: s < t, row-major over (s, t)
  std::vector<std::optional<SegmentMsd>> collective_;
  std::vector<SegmentMsd> ion_, pair_;
  std::optional<SegmentMsd> charge_; // empty for one ion
  std::size_t pair_index(int s, int t) const;
  int ion_of_species(int s) const; // the first ion of species s
  // f(accumulator) for every accumulator, in the order of serialize() (Self: const or not).
  template <class Self, class F> static void for_each_accumulator(Self &self, F f);
};

struct SpeciesTransport {
  DiffusionFit tracer;     // D*
  DiffusionFit collective; // D_σ (per ion of the species)
  double haven_ratio = 0;  // D*/D_σ
  double sigma_haven_ratio = 0;
};

struct CollectiveTransport {
  std::vector<SpeciesTransport> species;
  // L_ss′ and its error, row-major n_species × n_species, in Å²/(ps meV Å³) = 1/(meV Å ps).
  std::vector<double> onsager, sigma_onsager;
  DiffusionFit charge; // D_Q of Q = Σ z_i R_i (its binning error too)
  double conductivity_S_per_m = 0, sigma_conductivity_S_per_m = 0;
  double conductivity_mS_per_cm() const { return 10 * conductivity_S_per_m; } // 1 S/m = 10 mS/cm
};

// volume_A3: the periodic supercell V = Π L_k; kT_meV > 0. One CollectiveCurves per trajectory
// (same species, segments and lags), pooled as the union of their segments.
CollectiveTransport fit_collective_transport(std::span<const CollectiveCurves> trajectories,
                                             double volume_A3, double kT_meV,
                                             const DiffusionFitOptions &options = {});
CollectiveTransport fit_collective_transport(const CollectiveMsd &msd, double volume_A3,
                                             double kT_meV,
                                             const DiffusionFitOptions &options = {});

// σ [S/m] = e² D_Q / (V k_BT) for D_Q in Å²/ps, V in Å³, k_BT in meV:
// e²/(k_BT) = e/(kT_meV 10⁻³) C/V and Å²/ps / Å³ = 10²² m⁻¹ s⁻¹, so σ = 1.602176634e6 D_Q/(V kT).
double conductivity_S_per_m(double D_Q_A2_per_ps, double volume_A3, double kT_meV);

} // namespace ionbath::analysis
