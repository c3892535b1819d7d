// `ionbath decompose`: seed 000's mechanism decomposition (physics.md §8) of MD trajectories from
// any code. io/ reads the files into the data view, analysis/ labels the ion-windows and sums
// them; this file builds the site lattice of each input, distributes the time blocks of every
// window over the ranks (each block is summed on one rank and the blocks are combined in block
// order, so results do not depend on the number of ranks), and writes the results HDF5 file with
// units, the CSV table and a summary.
#include "ionbath/analysis/arrhenius.hpp"
#include "ionbath/analysis/hop_decomposition.hpp"
#include "ionbath/analysis/site_detection.hpp"
#include "ionbath/app/commands.hpp"
#include "ionbath/app/runtime.hpp"
#include "ionbath/app/sweep.hpp"
#include "ionbath/core/error.hpp"
#include "ionbath/io/hdf5.hpp"
#include "ionbath/io/site_file.hpp"
#include "ionbath/io/trajectory_reader.hpp"
#include "ionbath/parallel/fail_together.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <optional>

namespace ionbath::app {
namespace {

using analysis::HopTrajectory;
using analysis::ModeDecomposition;
using analysis::n_hop_modes;
using parallel::Communicator;
using Cell9 = std::array<double, 9>;
constexpr std::int64_t kChunkFrames = 4096;
constexpr const char *kOnsagerUnit = "meV-1 A-1 ps-1"; // L = ⟨|D|²⟩/(6 V kT Δt)
// σ [S/m] = e² L: e²/(meV Å ps) = e/(10⁻³ V) · 10¹⁰ m⁻¹ · 10¹² s⁻¹ = 1.602176634e6 S/m.
constexpr double kSiemensPerMeter_per_L = 1.602176634e6;

// One input file, analysed.
struct DecomposedInput {
  std::string path, format;
  double kT_meV = 0, volume_A3 = 0, frame_interval_ps = 0;
  std::vector<std::string> species_names;
  std::vector<std::int64_t> windows; // frames
  std::vector<ModeDecomposition> results;
  std::int64_t frames = 0, hops = 0;
  int ions = 0;
  analysis::SiteLattice lattice;
};

io::TrajectoryOptions reader_options(const io::DecomposeConfig &d) {
  io::TrajectoryOptions o;
  o.format = d.format;
  o.species = d.species;
  o.types = d.types;
  o.timestep_ps = d.timestep_ps;
  o.frame_interval_ps = d.frame_interval_ps;
  return o;
}

// Our own H5MD carries the configuration of the run and its temperature.
struct OwnRun {
  std::optional<io::Config> config;
  std::optional<double> kT_meV;
};

OwnRun own_run_of(const io::TrajectoryReader &reader) {
  if (reader.format() != "h5md")
    return {};
  const io::H5Input in(reader.path());
  OwnRun own;
  if (in.exists("/parameters/config"))
    own.config = io::parse_config(in.read_string("/parameters/config"),
                                  reader.path() + ":/parameters/config");
  if (in.has_attribute("/parameters", "kT_meV"))
    own.kT_meV = in.read_attribute_double("/parameters", "kT_meV");
  return own;
}

double temperature_of(const io::DecomposeConfig &d, std::size_t input, const OwnRun &own,
                      const std::string &path) {
  if (!d.kT_meV.empty())
    return d.kT_meV.size() == 1 ? d.kT_meV[0] : d.kT_meV[input];
  if (own.kT_meV && *own.kT_meV > 0)
    return *own.kT_meV;
  throw InputError(fmt::format("decompose.kT_meV: {} does not say its temperature (L needs it); "
                               "set decompose.kT_meV or decompose.temperature_K",
                               path));
}

// The periodic cell of the sites: the file's, or for a trajectory without one (our single ion in
// the infinite lattice) the periodic supercell N_k a_k of the model that wrote it (row k: N_k a_k).
Cell9 site_cell(const io::TrajectoryReader &reader, const io::TrajectoryChunk &first,
                const io::LatticeConfig &model) {
  if (reader.periodic())
    return first.cell(0);
  const Mat3 A = model.kind == io::LatticeKind::phonopy ? make_crystal(model).lattice_vectors()
                                                        : Mat3(model.a * Mat3::Identity());
  Cell9 cell{};
  for (int k = 0; k < 3; ++k)
    for (int j = 0; j < 3; ++j)
      cell[std::size_t(3 * k + j)] = A(j, k) * model.bz_grid[std::size_t(k)];
  return cell;
}

analysis::SiteLattice cubic_sites(const Cell9 &cell, double a_A, double radius,
                                  const std::string &path) {
  GridShape cells{};
  for (int k = 0; k < 3; ++k) {
    for (int j = 0; j < 3; ++j)
      if (j != k && std::abs(cell[std::size_t(3 * k + j)]) > 1e-9 * a_A)
        throw InputError(fmt::format("decompose.sites = \"cubic\": the cell of {} is not "
                                     "orthorhombic; give a site file or sites = \"auto\"",
                                     path));
    const double n = cell[std::size_t(4 * k)] / a_A;
    if (std::abs(n - std::round(n)) > 1e-6 || std::round(n) < 1)
      throw InputError(fmt::format("decompose.sites = \"cubic\": the cell edge {} Å of {} is not "
                                   "a multiple of lattice.a = {} Å",
                                   cell[std::size_t(4 * k)], path, a_A));
    cells[std::size_t(k)] = int(std::round(n));
  }
  return analysis::cubic_site_lattice(a_A, cells, radius);
}

// Calls `use` with the positions of every particle, frame by frame.
template <class Use> void for_each_frame(const io::TrajectoryChunk &chunk, Use &&use) {
  std::vector<Vec3> R(std::size_t(chunk.particles));
  for (std::int64_t f = 0; f < chunk.frames; ++f) {
    for (std::int64_t i = 0; i < chunk.particles; ++i)
      R[std::size_t(i)] =
          Vec3(chunk.position(f, i, 0), chunk.position(f, i, 1), chunk.position(f, i, 2));
    use(std::span<const Vec3>(R));
  }
}

// Sites found from the occupation density of the analysed particles (a first pass over the file).
analysis::SiteLattice detected_sites(const std::string &path, const io::TrajectoryOptions &options,
                                     const Cell9 &cell, double radius) {
  auto reader = io::open_trajectory(path, options);
  analysis::OccupationDensity density(cell, {});
  for (auto chunk = reader.read_chunk(kChunkFrames); chunk.frames > 0;
       chunk = reader.read_chunk(kChunkFrames))
    for_each_frame(chunk, [&](std::span<const Vec3> R) { density.push(R); });
  try {
    const auto sites = analysis::detect_sites(density);
    Log::info("  sites = \"auto\": {} sites in {} class(es) from the occupation density of {}",
              sites.fractional.size(), sites.class_names.size(), path);
    return analysis::site_lattice_from_detection(sites, cell, radius);
  } catch (const std::invalid_argument &e) {
    throw InputError(fmt::format("decompose.sites = \"auto\": {}: {}", path, e.what()));
  }
}

analysis::SiteLattice site_lattice(const io::Config &c, const io::TrajectoryOptions &options,
                                   const std::string &path, const Cell9 &cell,
                                   const io::LatticeConfig &model) {
  const auto &d = c.decompose;
  try {
    if (d.sites == "cubic" && model.kind == io::LatticeKind::phonopy) {
      Log::info("  sites = \"cubic\" are the cube centres of the built-in lattice; {} ran on a "
                "crystal from phonopy: its sites are found from the occupation density (\"auto\")",
                path);
      return detected_sites(path, options, cell, d.site_radius);
    }
    if (d.sites == "cubic")
      return cubic_sites(cell, model.a, d.site_radius, path);
    if (d.sites == "auto")
      return detected_sites(path, options, cell, d.site_radius);
    return io::site_lattice_from_file(d.sites, cell, d.site_radius);
  } catch (const std::invalid_argument &e) {
    throw InputError(fmt::format("decompose.sites = \"{}\" with {}: {}", d.sites, path, e.what()));
  }
}

// Species index per analysed particle, in order of first appearance.
std::vector<int> species_indices(const std::vector<std::string> &labels,
                                 std::vector<std::string> &names) {
  std::vector<int> index;
  for (const auto &label : labels) {
    auto it = std::ranges::find(names, label);
    if (it == names.end())
      it = names.insert(names.end(), label);
    index.push_back(int(it - names.begin()));
  }
  return index;
}

double frame_interval_of(const io::TrajectoryChunk &chunk, const std::string &path) {
  if (chunk.frames < 2)
    throw InputError(fmt::format("{}: a decomposition needs at least 2 frames in the file "
                                 "(or in its first chunk of {})",
                                 path, kChunkFrames));
  const double dt = chunk.times_ps[1] - chunk.times_ps[0];
  if (!(dt > 0))
    throw InputError(fmt::format("{}: frame times do not increase ({} → {} ps); set "
                                 "decompose.timestep_ps or frame_interval_ps",
                                 path, chunk.times_ps[0], chunk.times_ps[1]));
  return dt;
}

// The windows in frames: the written ones (rounded), or 24 log-spaced from one frame to a tenth
// of the run.
std::vector<std::int64_t> windows_of(const io::DecomposeConfig &d, double dt, std::int64_t frames,
                                     const std::string &path) {
  if (d.windows_ps.empty()) {
    const double last = std::max(dt, 0.1 * double(frames - 1) * dt);
    return analysis::log_spaced_windows(dt, last, 24, dt, frames);
  }
  std::vector<std::int64_t> w;
  for (const double t : d.windows_ps) {
    const auto n = std::max<std::int64_t>(1, std::llround(t / dt));
    if (n >= frames - 1)
      throw InputError(fmt::format("decompose.windows_ps: a window of {} ps is {} frames, but {} "
                                   "has {} frames of {} ps (windows need at least 2 origins)",
                                   t, n, path, frames, dt));
    if (std::ranges::find(w, n) == w.end())
      w.push_back(n);
  }
  std::ranges::sort(w);
  return w;
}

// ---- blocks over ranks ----------------------------------------------------------------------

std::vector<double> flatten(const analysis::BlockSums &b) {
  std::vector<double> v{double(b.origins), double(b.DD.size()), double(b.dd.size()),
                        double(b.count.size()), double(b.transitions.size())};
  for (const auto *part : {&b.DD, &b.dd, &b.count, &b.transitions})
    v.insert(v.end(), part->begin(), part->end());
  return v;
}

std::vector<analysis::BlockSums> unflatten(const std::vector<double> &v) {
  std::vector<analysis::BlockSums> blocks;
  for (std::size_t at = 0; at < v.size();) {
    analysis::BlockSums b;
    b.origins = std::int64_t(v[at]);
    const std::size_t sizes[4] = {std::size_t(v[at + 1]), std::size_t(v[at + 2]),
                                  std::size_t(v[at + 3]), std::size_t(v[at + 4])};
    at += 5;
    std::vector<double> *parts[4] = {&b.DD, &b.dd, &b.count, &b.transitions};
    for (int k = 0; k < 4; ++k) {
      parts[k]->assign(v.begin() + std::ptrdiff_t(at), v.begin() + std::ptrdiff_t(at + sizes[k]));
      at += sizes[k];
    }
    blocks.push_back(std::move(b));
  }
  return blocks;
}

// Each rank sums a contiguous range of blocks; every rank receives all blocks in block order.
std::vector<analysis::BlockSums> block_sums(const HopTrajectory &trajectory,
                                            const analysis::WindowPlan &plan,
                                            const Communicator &world) {
  const parallel::BlockPartition partition{plan.blocks, 1};
  std::vector<double> mine;
  for (auto b = partition.first_block(world.rank(), world.size());
       b < partition.last_block(world.rank(), world.size()); ++b) {
    const auto flat = flatten(analysis::window_block_sums(trajectory, plan, int(b)));
    mine.insert(mine.end(), flat.begin(), flat.end());
  }
  return unflatten(world.allgatherv(mine));
}

DecomposedInput decompose_input(const io::Config &c, std::size_t input, const Communicator &world) {
  const auto &d = c.decompose;
  const std::string &path = d.inputs[input];
  const auto options = reader_options(d);
  auto reader = io::open_trajectory(path, options);
  auto chunk = reader.read_chunk(kChunkFrames);
  const OwnRun own = own_run_of(reader);
  const auto &model = own.config ? own.config->lattice : c.lattice;
  DecomposedInput out;
  out.path = path;
  out.format = reader.format();
  out.kT_meV = temperature_of(d, input, own, path);
  out.frame_interval_ps = frame_interval_of(chunk, path);
  const Cell9 cell = site_cell(reader, chunk, model);
  out.volume_A3 = std::abs(analysis::lattice_columns(cell).determinant());
  out.lattice = site_lattice(c, options, path, cell, model);
  const double radius =
      d.concerted_radius > 0 ? d.concerted_radius : 1.5 * out.lattice.nearest_site_distance_A;
  HopTrajectory trajectory(out.lattice, {out.frame_interval_ps, d.concerted_time_ps, radius},
                           species_indices(reader.species(), out.species_names));
  for (; chunk.frames > 0; chunk = reader.read_chunk(kChunkFrames))
    for_each_frame(chunk, [&](std::span<const Vec3> R) { trajectory.push(R); });
  trajectory.finish();
  out.frames = trajectory.frames();
  out.ions = trajectory.ions();
  out.hops = std::int64_t(trajectory.hops().size());
  out.windows = windows_of(d, out.frame_interval_ps, out.frames, path);
  Log::info("  {} ({}): {} ion(s) of {} species, {} frames of {} ps, kT = {} meV, {} hops, {} "
            "sites, {} windows",
            path, out.format, out.ions, out.species_names.size(), out.frames, out.frame_interval_ps,
            out.kT_meV, out.hops, out.lattice.sites(), out.windows.size());
  for (const auto w : out.windows) {
    const analysis::WindowPlan plan{w, d.origin_stride, d.blocks};
    const auto blocks = block_sums(trajectory, plan, world);
    try {
      out.results.push_back(
          analysis::decompose(blocks, trajectory, plan, out.volume_A3, out.kT_meV));
    } catch (const std::invalid_argument &e) {
      throw InputError(
          fmt::format("decompose.windows_ps / blocks / origin_stride with {}: {}", path, e.what()));
    }
  }
  return out;
}

// ---- results ---------------------------------------------------------------------------------

// Per-(species, mode) values of every window: [W × 5] rows for species s.
std::vector<double> per_mode(const DecomposedInput &in, int s,
                             std::vector<double> ModeDecomposition::*field) {
  std::vector<double> rows;
  for (const auto &r : in.results)
    for (int e = 0; e < n_hop_modes; ++e)
      rows.push_back((r.*field)[std::size_t(s * n_hop_modes + e)]);
  return rows;
}

// Per-species values of every window: [W].
std::vector<double> per_species(const DecomposedInput &in, int s,
                                std::vector<double> ModeDecomposition::*field, double scale = 1) {
  std::vector<double> rows;
  for (const auto &r : in.results)
    rows.push_back(scale * (r.*field)[std::size_t(s)]);
  return rows;
}

// Rows [W × block] of one species' slice of a per-species block of `size` values.
std::vector<double> species_slice(const DecomposedInput &in, int s, std::size_t size,
                                  std::vector<double> ModeDecomposition::*field) {
  std::vector<double> rows;
  for (const auto &r : in.results) {
    const auto first = (r.*field).begin() + std::ptrdiff_t(std::size_t(s) * size);
    rows.insert(rows.end(), first, first + std::ptrdiff_t(size));
  }
  return rows;
}

std::vector<double> window_ps_of(const DecomposedInput &in) {
  std::vector<double> t;
  for (const auto w : in.windows)
    t.push_back(double(w) * in.frame_interval_ps);
  return t;
}

void write_species(io::H5Output &out, const std::string &group, const DecomposedInput &in, int s) {
  using M = ModeDecomposition;
  const auto W = std::int64_t(in.windows.size());
  const io::Shape modes{W, n_hop_modes};
  const std::pair<const char *, std::vector<double> M::*> onsager[] = {{"L", &M::L},
                                                                       {"sigma_L", &M::sigma_L}};
  for (const auto &[name, field] : onsager)
    out.write(group + "/" + name, per_mode(in, s, field), modes, kOnsagerUnit);
  const std::tuple<const char *, std::vector<double> M::*, const char *> mode_fields[] = {
      {"L_fraction", &M::L_fraction, "1"},
      {"frequency", &M::frequency, "1"},
      {"sigma_frequency", &M::sigma_frequency, "1"},
      {"rate", &M::rate_per_ps, "ps-1"},
      {"effectiveness", &M::effectiveness, kOnsagerUnit},
      {"effectiveness_normalized", &M::effectiveness_normalized, "1"},
      {"D_tracer", &M::D_tracer, "A2 ps-1"},
      {"sigma_D_tracer", &M::sigma_D_tracer, "A2 ps-1"}};
  for (const auto &[name, field, unit] : mode_fields)
    out.write(group + "/" + name, per_mode(in, s, field), modes, unit);
  const std::tuple<const char *, std::vector<double> M::*, const char *, double> totals[] = {
      {"L_total", &M::L_total, kOnsagerUnit, 1},
      {"sigma_L_total", &M::sigma_L_total, kOnsagerUnit, 1},
      {"D_tracer_total", &M::D_tracer_total, "A2 ps-1", 1},
      {"sigma_D_tracer_total", &M::sigma_D_tracer_total, "A2 ps-1", 1},
      {"D_collective", &M::D_collective, "A2 ps-1", 1},
      {"sigma_D_collective", &M::sigma_D_collective, "A2 ps-1", 1},
      {"conductivity_S_per_m", &M::L_total, "S m-1", kSiemensPerMeter_per_L},
      {"sigma_conductivity_S_per_m", &M::sigma_L_total, "S m-1", kSiemensPerMeter_per_L}};
  for (const auto &[name, field, unit, scale] : totals)
    out.write(group + "/" + name, per_species(in, s, field, scale), unit);
  out.write_attribute(group + "/conductivity_S_per_m", "charge_number",
                      "1: multiply by z^2 for ions of charge z e");
  const std::size_t S = in.species_names.size(), C = in.lattice.class_names.size();
  std::vector<double> L_pair;
  for (const auto &r : in.results) // L_{s e, s e'} of this species
    for (int e = 0; e < n_hop_modes; ++e)
      for (int f = 0; f < n_hop_modes; ++f)
        L_pair.push_back(
            r.L_pair[(std::size_t(s) * n_hop_modes + std::size_t(e)) * (S * n_hop_modes) +
                     std::size_t(s) * n_hop_modes + std::size_t(f)]);
  out.write(group + "/L_pair", L_pair, {W, n_hop_modes, n_hop_modes}, kOnsagerUnit);
  out.write(group + "/transition_probability",
            species_slice(in, s, C * C, &M::transition_probability),
            {W, std::int64_t(C), std::int64_t(C)}, "1");
  out.write(group + "/population", species_slice(in, s, C, &M::population), {W, std::int64_t(C)},
            "1");
  if (S > 1)
    out.write(group + "/L_cross", species_slice(in, s, S * n_hop_modes, &M::L_cross),
              {W, std::int64_t(S), n_hop_modes}, kOnsagerUnit);
}

void write_input(io::H5Output &out, const DecomposedInput &in, std::size_t k) {
  const std::string group = fmt::format("/decompose/input_{}", k);
  out.write_attribute(group, "path", in.path);
  out.write_attribute(group, "format", in.format);
  out.write_attribute(group, "kT_meV", in.kT_meV);
  out.write_attribute(group, "volume_A3", in.volume_A3);
  out.write_attribute(group, "frame_interval_ps", in.frame_interval_ps);
  out.write_attribute(group, "frames", in.frames);
  out.write_attribute(group, "ions", std::int64_t(in.ions));
  out.write_attribute(group, "hops", in.hops);
  out.write_attribute(group, "species", std::span<const std::string>(in.species_names));
  out.write(group + "/window_ps", window_ps_of(in), "ps");
  std::vector<double> fractional;
  std::vector<std::int64_t> classes;
  for (int k2 = 0; k2 < in.lattice.sites(); ++k2) {
    const auto &f = in.lattice.fractional[std::size_t(k2)];
    fractional.insert(fractional.end(), {f.x(), f.y(), f.z()});
    classes.push_back(in.lattice.site_class[std::size_t(k2)]);
  }
  out.write(group + "/sites/fractional", fractional, {in.lattice.sites(), 3}, "1");
  out.write(group + "/sites/class", classes, "1");
  out.write_attribute(group + "/sites", "class_names",
                      std::span<const std::string>(in.lattice.class_names));
  out.write_attribute(group + "/sites", "site_radius_A", in.lattice.site_radius_A);
  out.write(group + "/sites/cell", std::span<const double>(in.lattice.cell), {3, 3}, "A");
  for (std::size_t s = 0; s < in.species_names.size(); ++s)
    write_species(out, group + "/" + in.species_names[s], in, int(s));
}

// ---- per-mode activation energies (§8.5) -----------------------------------------------------

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// The window of each input closest to the fit's Δt (unwritten: the longest window all share).
std::vector<std::size_t> arrhenius_windows(const std::vector<DecomposedInput> &inputs,
                                           double wanted_ps) {
  if (wanted_ps <= 0) {
    wanted_ps = std::numeric_limits<double>::infinity();
    for (const auto &in : inputs)
      wanted_ps = std::min(wanted_ps, window_ps_of(in).back());
  }
  std::vector<std::size_t> chosen;
  for (const auto &in : inputs) {
    const auto t = window_ps_of(in);
    std::size_t best = 0;
    for (std::size_t w = 1; w < t.size(); ++w)
      if (std::abs(std::log(t[w] / wanted_ps)) < std::abs(std::log(t[best] / wanted_ps)))
        best = w;
    chosen.push_back(best);
  }
  return chosen;
}

// What is fitted, per mode: ln(L_e T), ln D*_e, ln ν_e against 1/kT (the weighted scheme of §5.4).
struct ArrheniusQuantity {
  const char *name;
  std::vector<double> ModeDecomposition::*value, ModeDecomposition::*sigma;
  bool times_kT;
};
constexpr ArrheniusQuantity kArrheniusQuantities[] = {
    {"L_times_kT", &ModeDecomposition::L, &ModeDecomposition::sigma_L, true},
    {"D_tracer", &ModeDecomposition::D_tracer, &ModeDecomposition::sigma_D_tracer, false},
    {"rate", &ModeDecomposition::rate_per_ps, nullptr, false}};

struct ModeArrhenius {
  std::string species, quantity;
  std::array<double, n_hop_modes> Ea_meV, Ea_half_width_meV, prefactor;
};

// Only for modes positive (with a positive error) at every temperature; the others stay NaN.
ModeArrhenius fit_mode_arrhenius(const std::vector<DecomposedInput> &inputs,
                                 const std::vector<std::size_t> &windows, int s,
                                 const ArrheniusQuantity &q) {
  ModeArrhenius fit{inputs[0].species_names[std::size_t(s)], q.name, {}, {}, {}};
  fit.Ea_meV.fill(nan);
  fit.Ea_half_width_meV.fill(nan);
  fit.prefactor.fill(nan);
  for (int e = 0; e < n_hop_modes; ++e) {
    std::vector<double> kT, y, sigma;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const auto &r = inputs[i].results[windows[i]];
      const auto at = std::size_t(s * n_hop_modes + e);
      const double scale = q.times_kT ? inputs[i].kT_meV : 1.0;
      const double value = (r.*q.value)[at];
      // ν_e = f_e/Δt: its error is the frequency's.
      const double error =
          q.sigma ? (r.*q.sigma)[at]
                  : r.sigma_frequency[at] /
                        (double(inputs[i].windows[windows[i]]) * inputs[i].frame_interval_ps);
      kT.push_back(inputs[i].kT_meV);
      y.push_back(scale * value);
      sigma.push_back(scale * error);
    }
    if (std::ranges::any_of(y, [](double v) { return !(v > 0); }) ||
        std::ranges::any_of(sigma, [](double v) { return !(v > 0); }))
      continue;
    const auto a = analysis::fit_arrhenius(kT, y, sigma);
    fit.Ea_meV[std::size_t(e)] = a.Ea_meV;
    fit.Ea_half_width_meV[std::size_t(e)] = a.unscaled.Ea_half_width_meV;
    fit.prefactor[std::size_t(e)] = a.D0_A2_per_ps;
  }
  return fit;
}

// A temperature series: ≥ 3 inputs at distinct temperatures with the same species.
std::vector<ModeArrhenius> fit_arrhenius_per_mode(const std::vector<DecomposedInput> &inputs,
                                                  const std::vector<std::size_t> &windows) {
  std::vector<double> kT;
  for (const auto &in : inputs) {
    if (in.species_names != inputs[0].species_names)
      return {};
    if (std::ranges::find(kT, in.kT_meV) == kT.end())
      kT.push_back(in.kT_meV);
  }
  if (kT.size() < 3 || kT.size() != inputs.size())
    return {};
  std::vector<ModeArrhenius> fits;
  for (std::size_t s = 0; s < inputs[0].species_names.size(); ++s)
    for (const auto &q : kArrheniusQuantities)
      fits.push_back(fit_mode_arrhenius(inputs, windows, int(s), q));
  return fits;
}

void write_arrhenius(io::H5Output &out, const std::vector<DecomposedInput> &inputs,
                     const std::vector<std::size_t> &windows,
                     const std::vector<ModeArrhenius> &fits) {
  if (fits.empty())
    return;
  std::vector<double> window_ps;
  for (std::size_t i = 0; i < inputs.size(); ++i)
    window_ps.push_back(window_ps_of(inputs[i])[windows[i]]);
  out.write("/decompose/arrhenius/window_ps", window_ps, "ps");
  for (const auto &f : fits) {
    const std::string group = "/decompose/arrhenius/" + f.species + "/" + f.quantity;
    out.write(group + "/Ea_meV", f.Ea_meV, "meV");
    out.write(group + "/Ea_half_width_meV", f.Ea_half_width_meV, "meV");
    out.write(group + "/prefactor", f.prefactor,
              f.quantity == "rate"       ? "ps-1"
              : f.quantity == "D_tracer" ? "A2 ps-1"
                                         : "A-1 ps-1");
  }
}

// ---- table and summary -----------------------------------------------------------------------

// One row per window and mode plus `total`, for every input and species.
std::string decompose_csv(const std::vector<DecomposedInput> &inputs) {
  std::string csv = "window_ps,mode,L,sigma_L,L_fraction,frequency,effectiveness_normalized,"
                    "D_tracer_mode_A2_per_ps,sigma_D_tracer_mode,species,kT_meV,input\n";
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    const auto &in = inputs[k];
    const auto t = window_ps_of(in);
    for (std::size_t s = 0; s < in.species_names.size(); ++s)
      for (std::size_t w = 0; w < t.size(); ++w) {
        const auto &r = in.results[w];
        const auto tail = fmt::format(",{},{},{}\n", in.species_names[s], csv_cell(in.kT_meV), k);
        for (int e = 0; e <= n_hop_modes; ++e) {
          const bool total = e == n_hop_modes;
          const auto at = s * n_hop_modes + std::size_t(total ? 0 : e);
          const double cells[] = {total ? r.L_total[s] : r.L[at],
                                  total ? r.sigma_L_total[s] : r.sigma_L[at],
                                  total ? 1.0 : r.L_fraction[at],
                                  total ? 1.0 : r.frequency[at],
                                  total ? 1.0 : r.effectiveness_normalized[at],
                                  total ? r.D_tracer_total[s] : r.D_tracer[at],
                                  total ? r.sigma_D_tracer_total[s] : r.sigma_D_tracer[at]};
          csv += csv_cell(t[w]) + "," +
                 (total ? "total" : analysis::hop_mode_name(analysis::HopMode(e)));
          for (const double x : cells)
            csv += "," + csv_cell(x);
          csv += tail;
        }
      }
  }
  return csv;
}

void print_summary(const std::vector<DecomposedInput> &inputs,
                   const std::vector<std::size_t> &windows) {
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    const auto &in = inputs[k];
    const auto &r = in.results[windows[k]];
    const double t = window_ps_of(in)[windows[k]];
    for (std::size_t s = 0; s < in.species_names.size(); ++s) {
      std::string fractions;
      for (int e = 0; e < n_hop_modes; ++e)
        fractions += fmt::format(" {} {:.1f}%", analysis::hop_mode_name(analysis::HopMode(e)),
                                 100 * r.L_fraction[s * n_hop_modes + std::size_t(e)]);
      Log::info("  input {} {} at kT = {} meV, Δt = {:.4g} ps: L fractions{}; D* = {:.4g} ± "
                "{:.2g} Å²/ps, D from L = {:.4g} ± {:.2g} Å²/ps",
                k, in.species_names[s], in.kT_meV, t, fractions, r.D_tracer_total[s],
                r.sigma_D_tracer_total[s], r.D_collective[s], r.sigma_D_collective[s]);
    }
  }
}

void write_decomposition(const io::Config &c, const std::vector<DecomposedInput> &inputs,
                         const Communicator &world) {
  const auto windows = arrhenius_windows(inputs, c.decompose.arrhenius_window_ps);
  const auto fits = fit_arrhenius_per_mode(inputs, windows);
  print_summary(inputs, windows);
  for (const auto &f : fits)
    for (int e = 0; e < n_hop_modes; ++e)
      if (std::isfinite(f.Ea_meV[std::size_t(e)]))
        Log::info("  Arrhenius {} {} of mode {}: Ea = {:.4g} ± {:.2g} meV", f.species, f.quantity,
                  analysis::hop_mode_name(analysis::HopMode(e)), f.Ea_meV[std::size_t(e)],
                  f.Ea_half_width_meV[std::size_t(e)]);
  io::H5Output out(c.decompose.output, world);
  out.write_string("/parameters/config", io::to_toml(io::canonical(c)));
  out.write_attribute("/parameters", "config_hash", io::config_hash(io::canonical(c)));
  out.write_attribute("/parameters", "ionbath_version", IONBATH_VERSION);
  std::vector<std::string> modes;
  for (int e = 0; e < n_hop_modes; ++e)
    modes.emplace_back(analysis::hop_mode_name(analysis::HopMode(e)));
  out.write_attribute("/decompose", "modes", std::span<const std::string>(modes));
  out.write_attribute("/decompose", "inputs", std::int64_t(inputs.size()));
  for (std::size_t k = 0; k < inputs.size(); ++k)
    write_input(out, inputs[k], k);
  write_arrhenius(out, inputs, windows, fits);
  out.commit();
  if (world.is_root()) {
    const std::string csv = csv_path_of(c.decompose.output);
    atomic_write_text(csv, decompose_csv(inputs));
    fmt::print("\n  decomposition in {}, table in {}\n", c.decompose.output, csv);
    std::fflush(stdout);
  }
}

// The H5MD files of a sweep's plan (temperature indices; empty: all).
std::vector<std::string> trajectory_files(const io::Config &c, std::vector<int> temperatures) {
  if (temperatures.empty())
    for (std::size_t t = 0; t < c.run.kT_meV.size(); ++t)
      temperatures.push_back(int(t));
  std::vector<std::string> files;
  const auto plan = sweep_plan(c, temperatures);
  for (const auto &run : plan.runs())
    files.push_back(task_files(c, trajectory_task(run)).trajectory);
  return files;
}

// No inputs: every trajectory of [run] is generated first (H5MD, every trajectory_stride-th step,
// at least every 10th).
std::vector<std::string> generated_inputs(io::Config c, const Communicator &world) {
  c.run.trajectory_stride = std::max<std::int64_t>(c.run.trajectory_stride, 10);
  Log::info("decompose: no decompose.inputs; generating the trajectories of [run] first");
  DriverOptions o;
  o.analysis = false;
  o.write_trajectories = true;
  o.trajectory_stride = c.run.trajectory_stride;
  if (run_thermal_trajectories(c, world, o) != 0)
    throw InputError("decompose: the trajectory run was interrupted; rerun to resume it");
  return trajectory_files(c, {});
}

} // namespace

int run_decompose(const io::Config &config, const Communicator &world) {
  io::Config c = config;
  if (c.decompose.inputs.empty()) {
    require_ion_framework(c, "decompose (without decompose.inputs)");
    c.decompose.inputs = generated_inputs(c, world);
  }
  Log::info("decompose: {} input(s), sites {}, {} block(s), {} rank(s)", c.decompose.inputs.size(),
            c.decompose.sites, c.decompose.blocks, world.size());
  std::vector<DecomposedInput> inputs;
  for (std::size_t k = 0; k < c.decompose.inputs.size(); ++k)
    inputs.push_back(decompose_input(c, k, world));
  write_decomposition(c, inputs, world);
  return 0;
}

int decompose_sweep(const io::Config &config, const std::vector<int> &temperature_indices,
                    const Communicator &world) {
  io::Config c = config;
  c.decompose.inputs = trajectory_files(c, temperature_indices);
  if (c.decompose.output == io::DecomposeConfig{}.output) {
    const std::filesystem::path p(c.run.output);
    c.decompose.output = ((p.parent_path() / p.stem()).string() + "_decompose.h5");
  }
  return run_decompose(c, world);
}

} // namespace ionbath::app
