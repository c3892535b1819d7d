#pragma once
// The layout of the sweep's files (design.md "Output layout"): every dataset name with its unit,
// declared once and used by the trajectory part files, the results writer, `merge` and the
// readers of previous work.
#include <string>
#include <utility>

namespace ionbath::app::results {

struct Dataset {
  const char *name; // relative to its group
  const char *unit; // HDF5 `unit` attribute ("1": dimensionless)
};

// One trajectory's part file (<work dir>/T<i>_traj<k>.h5), all at "/".
namespace part {
inline constexpr Dataset segment_msd{"segment_msd", "Angstrom2"}; // segments × lags
inline constexpr Dataset lag{"lag", "ps"};
inline constexpr Dataset all_origin_msd{"all_origin_msd", "Angstrom2"};
inline constexpr Dataset all_origin_origins{"all_origin_origins", "1"};
inline constexpr Dataset D{"D", "Angstrom2 ps-1"};
inline constexpr Dataset sigma_D{"sigma_D", "Angstrom2 ps-1"};
inline constexpr Dataset sigma_D_binning{"sigma_D_binning", "Angstrom2 ps-1"};
inline constexpr Dataset D_all_origin{"D_all_origin", "Angstrom2 ps-1"};
inline constexpr Dataset hops{"hops", "1"};
inline constexpr Dataset final_position{"final_position", "Angstrom"};
// Several ions (physics.md §11.4): per species (S × segments × lags) the tracer MSD and
// |ΔX_s|²/N_s, per pair s < t ΔX_s·ΔX_t, and the charge displacement |ΔQ|² (segments × lags).
inline constexpr Dataset species_tracer_msd{"species_tracer_msd", "Angstrom2"};
inline constexpr Dataset species_collective_msd{"species_collective_msd", "Angstrom2"};
inline constexpr Dataset species_cross_msd{"species_cross_msd", "Angstrom2"};
inline constexpr Dataset charge_msd{"charge_msd", "Angstrom2"};
// The per-trajectory scalars a temperature group gathers as `trajectory_<name>` rows.
inline constexpr Dataset gathered_scalars[] = {D, sigma_D, sigma_D_binning, D_all_origin};
} // namespace part

// A temperature group of the results file, /sweep/T_<i>.
namespace temperature {
inline std::string group(long long temperature_index) {
  return "/sweep/T_" + std::to_string(temperature_index);
}
// Rows of the group's trajectories (n_trajectories × columns).
inline constexpr Dataset segment_msd = part::segment_msd;
inline constexpr Dataset all_origin_msd = part::all_origin_msd;
inline constexpr Dataset trajectory_D{"trajectory_D", "Angstrom2 ps-1"};
inline constexpr Dataset trajectory_sigma_D{"trajectory_sigma_D", "Angstrom2 ps-1"};
inline constexpr Dataset trajectory_sigma_D_binning{"trajectory_sigma_D_binning", "Angstrom2 ps-1"};
inline constexpr Dataset trajectory_D_all_origin{"trajectory_D_all_origin", "Angstrom2 ps-1"};
inline constexpr Dataset trajectory_cell_changes{"trajectory_cell_changes", "1"};
// Row sets of part::gathered_scalars, in that order.
inline constexpr Dataset trajectory_scalars[] = {
    trajectory_D, trajectory_sigma_D, trajectory_sigma_D_binning, trajectory_D_all_origin};
// Pooled over the group's trajectories (physics.md §5.2–5.3).
inline constexpr Dataset lag = part::lag;
inline constexpr Dataset msd_mean{"msd_mean", "Angstrom2"};
inline constexpr Dataset msd_stderr{"msd_stderr", "Angstrom2"};
inline constexpr Dataset D = part::D;
inline constexpr Dataset sigma_D = part::sigma_D;
inline constexpr Dataset sigma_D_binning = part::sigma_D_binning;
inline constexpr Dataset D_all_origin = part::D_all_origin;
// Every dataset of the group (what `merge` copies).
inline constexpr Dataset all[] = {segment_msd,
                                  all_origin_msd,
                                  trajectory_D,
                                  trajectory_sigma_D,
                                  trajectory_sigma_D_binning,
                                  trajectory_D_all_origin,
                                  trajectory_cell_changes,
                                  lag,
                                  msd_mean,
                                  msd_stderr,
                                  D,
                                  sigma_D,
                                  sigma_D_binning,
                                  D_all_origin};
// Several ions, pooled over the group's trajectories (physics.md §11.4), per species s:
inline constexpr Dataset D_tracer{"D_tracer", "Angstrom2 ps-1"};
inline constexpr Dataset sigma_D_tracer{"sigma_D_tracer", "Angstrom2 ps-1"};
inline constexpr Dataset D_sigma{"D_sigma", "Angstrom2 ps-1"};
inline constexpr Dataset sigma_D_sigma{"sigma_D_sigma", "Angstrom2 ps-1"};
inline constexpr Dataset sigma_D_sigma_binning{"sigma_D_sigma_binning", "Angstrom2 ps-1"};
inline constexpr Dataset haven_ratio{"haven_ratio", "1"};
inline constexpr Dataset sigma_haven_ratio{"sigma_haven_ratio", "1"};
inline constexpr Dataset collective_msd_mean{"collective_msd_mean", "Angstrom2"}; // S × lags
// L_ss′ (S × S) and the conductivity σ = e² Σ z_s z_s′ L_ss′.
inline constexpr Dataset onsager{"onsager", "meV-1 Angstrom-1 ps-1"};
inline constexpr Dataset sigma_onsager{"sigma_onsager", "meV-1 Angstrom-1 ps-1"};
inline constexpr Dataset conductivity{"conductivity", "S m-1"};
inline constexpr Dataset sigma_conductivity{"sigma_conductivity", "S m-1"};
inline constexpr Dataset collective_all[] = {
    D_tracer,          sigma_D_tracer,        D_sigma,
    sigma_D_sigma,     sigma_D_sigma_binning, haven_ratio,
    sigma_haven_ratio, collective_msd_mean,   onsager,
    sigma_onsager,     conductivity,          sigma_conductivity};
} // namespace temperature

inline std::string path(const std::string &group, const Dataset &d) {
  return group + "/" + d.name;
}

// out.write(<group>/<name>, args..., unit) for any writer with the io::H5Output signature.
template <class Writer, class... Args>
void write(Writer &out, const std::string &group, const Dataset &d, Args &&...args) {
  out.write(path(group, d), std::forward<Args>(args)..., d.unit);
}

} // namespace ionbath::app::results
