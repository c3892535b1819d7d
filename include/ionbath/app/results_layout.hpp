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
