// `ionbath phonons`: the lattice-dynamics layer end to end (physics.md §1), written to phonons.h5.
// A crystal with a basis (a phonopy crystal, physics.md §12) has every on-site quantity per basis
// atom b: the covariances, W(t) and the thermal displacement matrices ⟨u_b u_bᵀ⟩ (phonopy's
// convention, §12.4 fact 3), and W(0) per pair (b, b'). The built-in lattices keep the layout of
// earlier versions (tests/data/reference).
#include "ionbath/app/commands.hpp"
#include "ionbath/app/runtime.hpp"
#include "ionbath/core/units.hpp"
#include "ionbath/crystal/drag_matrix.hpp"
#include "ionbath/crystal/mode_set.hpp"
#include "ionbath/crystal/recoil_kernel.hpp"
#include "ionbath/crystal/spectrum.hpp"
#include "ionbath/crystal/static_response.hpp"
#include "ionbath/crystal/thermal_covariance.hpp"
#include "ionbath/io/hdf5.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <complex>
#include <limits>
#include <string>

namespace ionbath::app {

namespace {

using parallel::BlockPartition;
using parallel::Communicator;

std::vector<double> flatten(const std::vector<Mat3> &blocks) {
  std::vector<double> out;
  out.reserve(blocks.size() * 9);
  for (const auto &b : blocks)
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j)
        out.push_back(b(i, j));
  return out;
}

template <class Vector> std::vector<double> flatten(const std::vector<Vector> &v) {
  std::vector<double> out;
  for (const auto &x : v)
    out.insert(out.end(), x.data(), x.data() + x.size());
  return out;
}

// The on-site covariance of basis atom b on the grid (physics.md §2.5 fact 2, §12.3); one-atom
// crystals keep the one-atom sum (bitwise the results of earlier versions).
crystal::CovarianceBlocks onsite_mode_covariance(const crystal::ModeSet &modes, double kT, int b) {
  return modes.n_basis() == 1 ? crystal::mode_covariance(modes, kT)
                              : crystal::mode_covariance(modes, kT, b, Cell::Zero(), b);
}

// A mode's polarization: η (3 reals) for one atom per cell, else e_{b,c} as (re, im) pairs in the
// order (b, c) (6 n_b reals).
void append_polarization(std::vector<double> &out, const crystal::ModeSet &modes, std::int64_t j) {
  if (modes.n_basis() == 1) {
    out.insert(out.end(), {modes.eta(j).x(), modes.eta(j).y(), modes.eta(j).z()});
    return;
  }
  for (int b = 0; b < modes.n_basis(); ++b)
    for (const std::complex<double> e : modes.polarization(j, b))
      out.insert(out.end(), {e.real(), e.imag()});
}

// Mode-set quantities of this rank's fixed blocks of modes, and the discrete-grid covariance
// reduced over ranks in block order (bitwise independent of the number of ranks).
struct GridModes {
  std::int64_t first_mode = 0;
  std::vector<double> omega;        // local, rad/ps
  std::vector<double> q_reduced;    // local, 3 per mode
  std::vector<double> polarization; // local, append_polarization's layout
  // Per temperature and basis atom: displacement 9, velocity 9 (all modes).
  std::vector<double> covariance;
};

GridModes grid_modes(const crystal::Crystal &crystal, const GridShape &grid,
                     const std::vector<double> &kT_meV, const Communicator &world) {
  const BlockPartition blocks{crystal::ModeSet::total_modes(crystal, grid), 3 * 512};
  const auto first = blocks.first_block(world.rank(), world.size());
  const auto last = blocks.last_block(world.rank(), world.size());
  GridModes out;
  out.first_mode = blocks.block_begin(first);
  const std::size_t width = 18 * kT_meV.size() * std::size_t(crystal.n_basis());
  std::vector<double> partials;
  for (auto k = first; k < last; ++k) {
    const crystal::ModeSet modes(crystal, grid, blocks.block_begin(k), blocks.block_end(k));
    for (std::int64_t j = 0; j < modes.size(); ++j) {
      out.omega.push_back(modes.omega(j));
      const Vec3 q = modes.q(j);
      out.q_reduced.insert(out.q_reduced.end(), {q.x(), q.y(), q.z()});
      append_polarization(out.polarization, modes, j);
    }
    for (double kT : kT_meV)
      for (int b = 0; b < crystal.n_basis(); ++b) {
        const auto c = onsite_mode_covariance(modes, kT, b);
        partials.insert(partials.end(), c.displacement.data(), c.displacement.data() + 9);
        partials.insert(partials.end(), c.velocity.data(), c.velocity.data() + 9);
      }
  }
  out.covariance.resize(width);
  world.ordered_block_sum(blocks, partials, width, out.covariance);
  return out;
}

// Continuum covariance at each temperature, per basis atom; temperature i is computed by rank
// i mod size and broadcast, so the values do not depend on the layout.
std::vector<double> continuum_covariance(const crystal::Crystal &crystal,
                                         const std::vector<double> &kT_meV, int grid_n,
                                         const Communicator &world) {
  const std::size_t width = 18 * std::size_t(crystal.n_basis());
  std::vector<double> out(width * kT_meV.size(), 0.0);
  for (std::size_t i = 0; i < kT_meV.size(); ++i) {
    const int owner = static_cast<int>(i % static_cast<std::size_t>(world.size()));
    std::span<double> slot(out.data() + width * i, width);
    if (world.rank() == owner) {
      const auto table = crystal::thermal_covariance(crystal, kT_meV[i], grid_n, 0);
      for (int b = 0; b < crystal.n_basis(); ++b) {
        const Mat3 &d = table.displacement(b, Cell::Zero(), b);
        const Mat3 &v = table.velocity(b, Cell::Zero(), b);
        std::copy(d.data(), d.data() + 9, slot.begin() + 18 * b);
        std::copy(v.data(), v.data() + 9, slot.begin() + 18 * b + 9);
      }
    }
    world.broadcast(slot, owner);
  }
  return out;
}

// W_bb(t) of every basis atom, concatenated (physics.md §12.3; one atom: seed 002 Eq. 22).
std::vector<Mat3> onsite_recoil_kernels(const crystal::Crystal &crystal,
                                        const std::vector<double> &times, int grid_n) {
  if (crystal.n_basis() == 1)
    return crystal::recoil_kernel(crystal, Cell::Zero(), times, grid_n);
  std::vector<Mat3> out;
  for (int b = 0; b < crystal.n_basis(); ++b) {
    const auto w = crystal::recoil_kernel(crystal, b, Cell::Zero(), b, times, grid_n);
    out.insert(out.end(), w.begin(), w.end());
  }
  return out;
}

// The 9 displacement (offset 0) or velocity (offset 9) elements of every (temperature, atom).
std::vector<double> covariance_part(const std::vector<double> &table, int offset) {
  std::vector<double> out;
  for (std::size_t at = 0; at < table.size(); at += 18)
    out.insert(out.end(), table.begin() + std::ptrdiff_t(at) + offset,
               table.begin() + std::ptrdiff_t(at) + offset + 9);
  return out;
}

std::string matrix_line(const Mat3 &m, double scale) {
  return fmt::format("[{:.6g} {:.6g} {:.6g}; {:.6g} {:.6g} {:.6g}; {:.6g} {:.6g} {:.6g}]",
                     m(0, 0) / scale, m(0, 1) / scale, m(0, 2) / scale, m(1, 0) / scale,
                     m(1, 1) / scale, m(1, 2) / scale, m(2, 0) / scale, m(2, 1) / scale,
                     m(2, 2) / scale);
}

// [phonons] path (fractions of the reciprocal lattice vectors) in reduced q, or the kind's default.
std::vector<Vec3> path_corners(const io::PhononsConfig &pc, bool chain) {
  if (pc.path.empty())
    return chain ? crystal::chain_path_corners() : crystal::cubic_path_corners();
  std::vector<Vec3> corners;
  for (const auto &f : pc.path)
    corners.push_back(2.0 * M_PI * Vec3(f[0], f[1], f[2]));
  return corners;
}

// Lowest and highest frequency of every branch along the dispersion path (for a confined chain
// ω_min = √κ and ω_max = √(κ + 4k) per polarization).
void print_band_edges(const crystal::DispersionPath &path, const units::UnitSystem &u) {
  const auto branches = path.hbar_omega_meV.front().size();
  fmt::print("  band edges along the path ({}):", u.frequency_unit);
  for (Eigen::Index b = 0; b < branches; ++b) {
    double lo = std::numeric_limits<double>::infinity(), hi = 0;
    for (const auto &w : path.hbar_omega_meV) {
      lo = std::min(lo, w(b));
      hi = std::max(hi, w(b));
    }
    const double scale = u.frequency_scale / u.hbar;
    fmt::print(" [{:.6g}, {:.6g}]", lo * scale, hi * scale);
  }
  fmt::print("\n");
}

// The cell of a crystal with a basis: lattice vectors (rows a1, a2, a3), τ_b, m_b, species.
void write_basis(io::H5Output &out, const crystal::Crystal &crystal) {
  std::vector<double> lattice, positions, masses;
  for (int i = 0; i < 3; ++i) // row i: a_i (Cartesian), as phonopy writes the lattice
    for (int j = 0; j < 3; ++j)
      lattice.push_back(crystal.lattice_vectors()(j, i));
  std::vector<std::string> species;
  for (const auto &atom : crystal.basis()) {
    positions.insert(positions.end(), atom.position.data(), atom.position.data() + 3);
    masses.push_back(atom.mass);
    species.push_back(atom.species);
  }
  const auto nb = static_cast<std::int64_t>(crystal.n_basis());
  out.write("/phonons/basis/lattice_vectors", lattice, {3, 3}, "Angstrom");
  out.write("/phonons/basis/positions", positions, {nb, 3}, "Angstrom");
  out.write("/phonons/basis/masses", masses, {nb}, "meV ps2 Angstrom-2");
  out.write_attribute("/phonons/basis", "species", std::span<const std::string>(species));
}

void print_header(const io::Config &config, const crystal::Crystal &crystal, bool chain) {
  const auto &u = crystal.units();
  if (config.lattice.kind == io::LatticeKind::phonopy) {
    std::vector<std::string> atoms;
    for (const auto &atom : crystal.basis())
      atoms.push_back(
          fmt::format("{} {:.8g} Da", atom.species, atom.mass / units::dalton_in_mass_unit));
    fmt::print("ionbath phonons — {}: {} atom(s) per cell ({}), V_cell = {:.6g} Å³\n",
               crystal.name(), crystal.n_basis(), fmt::join(atoms, ", "), crystal.cell_volume_A3());
  } else if (chain) {
    fmt::print("ionbath phonons — {} ({} units)\n", crystal.name(), u.name);
  } else {
    fmt::print(
        "ionbath phonons — {} a = {} Å, m = {} meV ps²/Å², k1 = {}, k2 = {} meV/Å²{}\n",
        crystal.name(), config.lattice.a, crystal.mass(), config.lattice.k1, config.lattice.k2,
        u.system == units::System::physical ? "" : fmt::format(" (read as {} units)", u.name));
  }
}

// ⟨r_x²⟩ and ⟨v_x²⟩ per temperature (and basis atom), continuum and grid; for a basis also the
// diagonal of the thermal displacement matrix of every atom.
void print_thermal_table(const crystal::Crystal &crystal, const std::vector<double> &kTs,
                         const std::vector<double> &continuum, const GridModes &modes,
                         const GridShape &grid) {
  const int nb = crystal.n_basis();
  fmt::print("  thermal variances per component (continuum | {}×{}×{} grid):\n", grid[0], grid[1],
             grid[2]);
  fmt::print("  {:>10}{} {:>12} {:>12} {:>14} {:>14}\n", "kT (meV)", nb > 1 ? "  atom" : "",
             "<r_x²> Å²", "grid", "<v_x²> Å²/ps²", "grid");
  for (std::size_t i = 0; i < kTs.size(); ++i)
    for (int b = 0; b < nb; ++b) {
      const std::size_t at = 18 * (i * std::size_t(nb) + std::size_t(b));
      const std::string atom = nb > 1 ? fmt::format(" {:>5}", crystal.basis()[b].species) : "";
      fmt::print("  {:>10.4g}{} {:>12.7f} {:>12.7f} {:>14.6f} {:>14.6f}\n", kTs[i], atom,
                 continuum[at], modes.covariance[at], continuum[at + 9], modes.covariance[at + 9]);
    }
  if (nb == 1)
    return;
  fmt::print("  thermal displacement matrices <u uᵀ>_b on the grid, diagonal xx yy zz (Å²):\n");
  for (std::size_t i = 0; i < kTs.size(); ++i)
    for (int b = 0; b < nb; ++b) {
      const double *m = modes.covariance.data() + 18 * (i * std::size_t(nb) + std::size_t(b));
      fmt::print("  {:>10.4g} {:>5} {:.7g} {:.7g} {:.7g}\n", kTs[i], crystal.basis()[b].species,
                 m[0], m[4], m[8]);
    }
}

} // namespace

int run_phonons(const io::Config &config, const Communicator &world) {
  CategoryTimers timers;
  const auto &pc = config.phonons;
  const crystal::Crystal crystal = make_crystal(config.lattice, config.units.system);
  const bool chain = config.lattice.kind == io::LatticeKind::chain;
  // A basis (or a phonopy crystal) gives every on-site quantity per basis atom.
  const bool per_basis = config.lattice.kind == io::LatticeKind::phonopy || crystal.n_basis() > 1;
  const auto nb = static_cast<std::int64_t>(crystal.n_basis());
  const crystal::DynamicalMatrix dyn(crystal);
  const GridShape grid = config.lattice.bz_grid;
  std::vector<double> kTs = config.run.kT_meV; // in the unit system's energy unit (ħΩ: seeds)
  for (double &kT : kTs)
    kT = crystal.units().energy_in(kT);
  Log::info("phonons: {} ({} units), BZ grid {}×{}×{}, {} rank(s)", crystal.name(),
            crystal.units().name, grid[0], grid[1], grid[2], world.size());

  io::H5Output out(pc.output, world); // fails early (no output) if the directory is missing

  GridModes modes;
  {
    CategoryTimers::Scope t(timers, TimerCategory::setup);
    modes = grid_modes(crystal, grid, kTs, world);
  }
  const std::int64_t n_modes = crystal::ModeSet::total_modes(crystal, grid);
  double local_max = 0, local_min = std::numeric_limits<double>::infinity();
  for (double w : modes.omega) {
    local_max = std::max(local_max, w);
    local_min = std::min(local_min, w);
  }
  const double omega_max_grid = world.max(local_max);
  const double omega_min_grid = -world.max(-local_min);
  // Ω_max = sqrt(4k1/m + 8k2/m) at X (physics.md §1.4); the dispersion path passes through X.
  const auto path =
      crystal::dispersion_path(crystal, pc.path_subdivisions, path_corners(pc, chain));
  double omega_max = 0;
  for (const auto &w : path.hbar_omega_meV)
    omega_max = std::max(omega_max, w.maxCoeff() / crystal.units().hbar);
  omega_max = std::max(omega_max, omega_max_grid);

  std::vector<double> continuum;
  {
    CategoryTimers::Scope t(timers, TimerCategory::analysis);
    continuum = continuum_covariance(crystal, kTs, pc.covariance_grid, world);
  }

  // Root-only quantities: W(0) table, W(t), drag matrix, DOS, sound speeds.
  crystal::StaticResponseTable w0;
  std::vector<Mat3> wt;
  std::vector<double> wt_times(static_cast<std::size_t>(pc.wt_points));
  for (int i = 0; i < pc.wt_points; ++i)
    wt_times[i] = pc.wt_t_max_ps * i / (pc.wt_points - 1);
  Mat3 drag = Mat3::Zero();
  crystal::DensityOfStates dos;
  // Sound speeds along [100], [110], [111] (a chain: its axis, z); none for a gapped framework.
  const std::vector<Vec3> directions =
      chain ? std::vector<Vec3>{Vec3(0, 0, 1)}
            : std::vector<Vec3>{Vec3(1, 0, 0), Vec3(1, 1, 0).normalized(),
                                Vec3(1, 1, 1).normalized()};
  std::vector<Vec3> speeds;
  if (world.is_root()) {
    CategoryTimers::Scope t(timers, TimerCategory::analysis);
    w0 = crystal::static_response_fft(crystal, pc.green_grid, pc.w_range);
    if (!chain && !crystal.confined()) // 𝓛 needs 3D acoustic branches (physics.md §1.7)
      drag = crystal::drag_matrix(crystal, pc.drag_rtol);
    wt = onsite_recoil_kernels(crystal, wt_times, std::max(64, pc.dos_grid / 8 * 8));
    dos = crystal::density_of_states(crystal, pc.dos_grid, pc.dos_bins, 1.001 * omega_max);
    for (const auto &n : directions)
      speeds.push_back(crystal.confined() ? Vec3::Zero() : dyn.sound_speeds(n));
  }
  // Attributes are written collectively with identical values on every rank.
  world.broadcast(std::span<double>(&w0.error_estimate, 1));

  {
    CategoryTimers::Scope t(timers, TimerCategory::io);
    out.write_string("/parameters/config", io::to_toml(config));
    out.write_attribute("/parameters", "ionbath_version", IONBATH_VERSION);
    out.write_attribute("/parameters", "config_hash", io::config_hash(config));
    out.write_attribute("/phonons", "crystal", crystal.name());
    if (crystal.units().system != units::System::physical) // seed 002 files stay unchanged
      out.write_attribute("/phonons", "unit_system", crystal.units().name);
    if (per_basis)
      write_basis(out, crystal);
    const std::vector<std::int64_t> g{grid[0], grid[1], grid[2]};
    out.write("/phonons/modes/grid", g, "1");
    out.write("/phonons/modes/n_cells", std::vector<std::int64_t>{grid_points(grid)}, "1");
    out.write_rows("/phonons/modes/omega", modes.omega, modes.first_mode, n_modes, 1, "ps-1");
    out.write_rows("/phonons/modes/q_reduced", modes.q_reduced, modes.first_mode, n_modes, 3, "1");
    if (nb == 1)
      out.write_rows("/phonons/modes/eta", modes.polarization, modes.first_mode, n_modes, 3, "1");
    else // e_{b,c}: columns (3b + c)·2 + {0: real, 1: imaginary part}
      out.write_rows("/phonons/modes/polarization", modes.polarization, modes.first_mode, n_modes,
                     6 * nb, "1");
    out.write("/phonons/omega_max", omega_max, "ps-1");

    out.write("/phonons/dispersion/q_reduced", flatten(path.q),
              {static_cast<std::int64_t>(path.q.size()), 3}, "1");
    out.write("/phonons/dispersion/x", path.x, "1");
    out.write("/phonons/dispersion/hbar_omega", flatten(path.hbar_omega_meV),
              {static_cast<std::int64_t>(path.q.size()), 3 * nb}, "meV");
    out.write("/phonons/dos/omega", dos.omega, "ps-1");
    out.write("/phonons/dos/density", dos.density, "ps");

    const auto n_dir = static_cast<std::int64_t>(directions.size());
    out.write("/phonons/sound_speeds/directions", flatten(directions), {n_dir, 3}, "1");
    out.write("/phonons/sound_speeds/speeds", flatten(speeds), {n_dir, 3}, "Angstrom ps-1");
    out.write("/phonons/drag_matrix", std::span<const double>(drag.data(), 9), {3, 3},
              "ps Angstrom2 meV-1");

    const int r = pc.w_range, wdt = 2 * r + 1;
    std::vector<std::int64_t> separations;
    for (int z = -r; z <= r; ++z)
      for (int y = -r; y <= r; ++y)
        for (int x = -r; x <= r; ++x)
          separations.insert(separations.end(), {x, y, z});
    const std::int64_t n_sep = std::int64_t(wdt) * wdt * wdt;
    const std::int64_t n_t = pc.wt_points;
    out.write("/phonons/W0/separations", separations, {n_sep, 3}, "1");
    // Per basis: W_bb'(L) at [b][b'][L] (StaticResponseTable's order), W_bb(t) at [b][t].
    out.write("/phonons/W0/blocks", flatten(w0.blocks),
              per_basis ? io::Shape{nb, nb, n_sep, 3, 3} : io::Shape{n_sep, 3, 3},
              "Angstrom2 meV-1");
    out.write_attribute("/phonons/W0/blocks", "error_estimate", w0.error_estimate);
    out.write_attribute("/phonons/W0/blocks", "green_grid", pc.green_grid);
    out.write("/phonons/Wt/t", wt_times, "ps");
    out.write("/phonons/Wt/onsite", flatten(wt),
              per_basis ? io::Shape{nb, n_t, 3, 3} : io::Shape{n_t, 3, 3}, "Angstrom2 meV-1");

    const auto nT = static_cast<std::int64_t>(kTs.size());
    const io::Shape shape = per_basis ? io::Shape{nT, nb, 3, 3} : io::Shape{nT, 3, 3};
    out.write("/phonons/covariance/kT", kTs, "meV");
    out.write("/phonons/covariance/continuum_displacement", covariance_part(continuum, 0), shape,
              "Angstrom2");
    out.write("/phonons/covariance/continuum_velocity", covariance_part(continuum, 9), shape,
              "Angstrom2 ps-2");
    out.write("/phonons/covariance/grid_displacement", covariance_part(modes.covariance, 0), shape,
              "Angstrom2");
    out.write("/phonons/covariance/grid_velocity", covariance_part(modes.covariance, 9), shape,
              "Angstrom2 ps-2");
    if (per_basis) { // phonopy's thermal_displacement_matrices on the mesh bz_grid (§12.4 fact 3)
      std::vector<double> kelvin;
      for (double kT : kTs)
        kelvin.push_back(units::meV_to_kelvin(kT));
      out.write("/phonons/thermal_displacement_matrices", covariance_part(modes.covariance, 0),
                shape, "Angstrom2");
      out.write_attribute("/phonons/thermal_displacement_matrices", "temperature_K",
                          std::span<const double>(kelvin));
      out.write_attribute("/phonons/thermal_displacement_matrices", "mesh",
                          std::span<const std::int64_t>(g));
    }
    out.commit();
  }

  if (world.is_root()) {
    print_header(config, crystal, chain);
    fmt::print("  BZ grid {}×{}×{}: {} modes ({}), min Ω on grid {:.6f} ps⁻¹\n", grid[0], grid[1],
               grid[2], n_modes, crystal.confined() ? "confined: Γ kept" : "Γ zero modes dropped",
               omega_min_grid);
    fmt::print("  Ω_max = {:.6f} ps⁻¹ (ħΩ_max = {:.5f} meV)\n", omega_max,
               units::hbar_meV_ps * omega_max);
    const std::vector<const char *> names =
        chain ? std::vector<const char *>{"[001]"}
              : std::vector<const char *>{"[100]", "[110]", "[111]"};
    for (std::size_t i = 0; i < directions.size(); ++i)
      fmt::print("  sound speeds {} (Å/ps): {:.5f} {:.5f} {:.5f}\n", names[i], speeds[i][0],
                 speeds[i][1], speeds[i][2]);
    print_band_edges(path, crystal.units());
    fmt::print("  drag matrix L (1e-5 ps Å²/meV): {}\n", matrix_line(drag, 1e-5));
    for (int b = 0; b < crystal.n_basis(); ++b)
      fmt::print("  W(0) on-site block{} (1e-4 Å²/meV): {}  (error ≲ {:.1e})\n",
                 per_basis ? fmt::format(" of {} (atom {})", crystal.basis()[b].species, b) : "",
                 matrix_line(w0(b, Cell::Zero(), b), 1e-4), w0.error_estimate);
    if (crystal.units().system != units::System::physical) // the lines above are internal units
      fmt::print("  in {} units: Ω_max = {:.6g} {}, W(0) on-site block (l²/ħΩ): {}\n",
                 crystal.units().name, omega_max * crystal.units().frequency_scale,
                 crystal.units().frequency_unit,
                 matrix_line(w0(Cell::Zero()) * crystal.units().energy_scale, 1.0));
    print_thermal_table(crystal, kTs, continuum, modes, grid);
    fmt::print("  wrote {}\n", pc.output);
    std::fflush(stdout);
  }
  Log::info("{}", timers.report());
  return 0;
}

} // namespace ionbath::app
