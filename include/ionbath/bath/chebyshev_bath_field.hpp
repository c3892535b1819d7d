#pragma once
// Production evaluation of the thermal field r_H, ṙ_H (physics.md §2.2) by a time-block
// Chebyshev (Jacobi–Anger) expansion.
//
// Time is cut into blocks of B steps at fixed multiples of B δt from t = 0: block b has centre
// t_c = (b + 1/2) B δt and half-width h = B δt / 2, τ = (t - t_c)/h ∈ [-1, 1). Jacobi–Anger,
//   e^{-iΩ(t_c + hτ)} = e^{-iΩ t_c} Σ_k ε_k (-i)^k J_k(Ωh) T_k(τ),   ε_0 = 1, ε_k = 2,
// turns the mode sum for atom n into a Chebyshev series r_H,n(t) = Σ_{k≤K} a_k(n) T_k(τ) with
//   a_k(n) = ε_k Σ_j J_k(Ω_j h) Re[(-i)^k z_j(n)],   z_j(n) = c_j e^{iq_j·n} e^{-iΩ_j t_c}:
// even k use ±Re z, odd k ±Im z. Modes of equal frequency share J_k(Ω h), so z is first summed
// over each group of (symmetry-)degenerate modes; the products with the Bessel matrix then run over
// groups only. ṙ_H is the derivative of the series, Σ_k a_k T_k'(τ)/h (T_k' = k U_{k-1}): no second
// coefficient set, and the truncation bound below covers the k² growth of T_k'.
//
// A block's coefficients are computed for the atoms the integrator asks for (on demand, also after
// a hop in mid-block) and dropped at the next block; values at the 4B quarter-step points come
// from precomputed T_k(τ_s), T_k'(τ_s). The value for a (site, quarter step) depends only on the
// bath and the options, never on the history of calls: restarts are bitwise identical.
//
// A crystal with a basis (physics.md §12.3) changes only the coefficients: atom (n, b) uses
// c_{j,b} (which carries e^{iq·f_b}) with the same e^{iq·n}, Bessel matrix and cost per atom.
//
// Mode partition for MPI: the global mode range is cut into fixed reduction blocks of
// `reduction_block_modes`; a field owns the blocks exactly covering its ModeSet slice, computes one
// partial coefficient set per owned block, and the injected reducer returns the block-ordered sum
// over all ranks (Communicator::ordered_block_sum). Per-block work has the same shape and order on
// every layout, so results are bitwise identical for any number of ranks.
#include "ionbath/bath/bath_field.hpp"
#include "ionbath/bath/bloch_phase.hpp"
#include "ionbath/bath/thermal_bath.hpp"

#include <array>
#include <complex>
#include <functional>
#include <vector>

namespace ionbath::bath {

struct ChebyshevOptions {
  std::int64_t block_steps = 400;            // B (RK steps per time block)
  std::int64_t reduction_block_modes = 2048; // fixed summation blocks of the global mode range
  // Bound on the dropped Jacobi–Anger tail per unit mode amplitude, for r_H and for ṙ_H/Ω_max.
  double truncation_tolerance = 1e-15;
  std::int64_t anchor_blocks = 64; // e^{-iΩ t_c} exact every this many blocks, recurrence between
};

// out = Σ over all reduction blocks (in block order) of the `width` values per block; this rank's
// blocks are consecutive in local_block_partials. Collective over the ranks sharing a trajectory.
using BlockReducer = std::function<void(std::span<const double> local_block_partials,
                                        std::size_t width, std::span<double> out)>;

// Serial reducer: the local blocks are all blocks; sums them in order.
void sum_blocks_in_order(std::span<const double> local_block_partials, std::size_t width,
                         std::span<double> out);

class ChebyshevBathField final : public BathField {
public:
  // The bath's ModeSet slice must start and end on reduction-block boundaries (or the last mode).
  ChebyshevBathField(const ThermalBath &bath, double dt_ps, const ChebyshevOptions &options = {},
                     BlockReducer reducer = sum_blocks_in_order);

  void evaluate(std::span<const Cell> sites, std::int64_t quarter_step,
                std::span<SiteMotion> out) override;
  void evaluate_atoms(std::span<const Cell> sites, std::span<const int> basis,
                      std::int64_t quarter_step, std::span<SiteMotion> out) override;
  std::optional<GridShape> periodic_grid() const override { return bloch_.grid(); }

  int order() const { return order_; } // K, highest Chebyshev order kept
  std::int64_t block_steps() const { return block_steps_; }
  double half_width_ps() const { return half_width_ps_; }
  std::int64_t frequency_groups() const;

private:
  struct OwnedBlock {
    std::size_t mode_begin, mode_end;          // local modes of this reduction block
    std::size_t groups;                        // frequency groups of the block
    std::vector<std::size_t> tile_first_group; // per row tile: groups below have negligible J_k
    std::size_t bessel_offset;                 // start of its packed Jacobi–Anger matrix
  };
  struct Atom {
    Cell site; // wrapped into the periodic grid
    int basis = 0;
    bool operator==(const Atom &) const = default;
  };
  struct AtomSeries {
    Atom atom;                        // cell wrapped into the periodic grid, basis index
    std::vector<double> coefficients; // a_k, [k][xyz]
    std::int64_t quarter_step = -1;   // last evaluated
    SiteMotion motion;
  };

  void start_block(std::int64_t block);
  void shift_basis_atom(int basis);
  void add_atoms(std::span<const Atom> atoms);
  void sum_groups(const BlochPhases::SiteIndex &site, int basis, const OwnedBlock &block);
  SiteMotion series_value(const AtomSeries &atom, std::int64_t quarter_in_block) const;
  std::size_t row_length() const { return static_cast<std::size_t>(order_ + 1); }

  std::int64_t block_steps_;
  std::int64_t anchor_blocks_;
  double half_width_ps_;
  int order_ = 0;
  int n_basis_ = 1;
  std::int64_t tiles_per_parity_ = 0; // row tiles of kTileRows orders of one parity
  BlockReducer reducer_;
  BlochPhases bloch_;
  std::vector<OwnedBlock> owned_;

  // Local modes in ModeSet order; per-atom arrays c_, shifted_ as [b · M + local].
  std::vector<Cell> q_index_;
  std::vector<double> omega_;
  std::vector<std::array<double, 6>> c_;       // Re c_b (xyz), Im c_b (xyz)
  std::vector<std::complex<double>> rotation_; // e^{-iΩ B δt}: block to block
  std::vector<std::complex<double>> phasor_;   // e^{-iΩ t_c} of phasor_block_
  std::vector<std::array<double, 6>> shifted_; // c_b e^{-iΩ t_c}: Re, Im
  std::vector<std::int64_t> shifted_block_;    // per b: the block shifted_ holds (-1: none)
  std::vector<std::int32_t> group_;            // frequency group of the mode within its block
  std::vector<double> bessel_; // ε_k Re/Im-sign (-i)^k J_k(Ω_g h), packed per block/parity/tile

  std::vector<double> cheb_value_; // T_k(τ_s), [s][k], s = 0 … 4B-1
  std::vector<double> cheb_slope_; // T_k'(τ_s)/h, ps⁻¹

  std::int64_t current_block_ = -1;
  std::int64_t phasor_block_ = -1;
  std::vector<AtomSeries> atoms_;
  std::vector<double> group_sum_even_, group_sum_odd_; // Σ_group Re z, Im z (xyz)
  std::vector<double> partials_, reduced_;
  std::vector<Atom> missing_; // atoms without coefficients in the current block
};

} // namespace ionbath::bath
