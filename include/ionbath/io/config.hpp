#pragma once
// The job configuration (design.md, "Configuration"): one plain struct per TOML section, with the
// seed 002 model (physics.md §3.4) as defaults, so an empty file is valid. Values are stored in the
// internal units (meV, Å, ps; mass in meV ps²/Å²): alternatives given in other units (mass_Da,
// temperature_K) are converted when parsing. Every validation failure is an ionbath::InputError
// whose message names the source file, the key, the offending value and what is allowed. Each
// key is declared once, in src/io/config.cpp schema(): parsing, checks, derived defaults, the
// canonical TOML and the README key tables (`ionbath config --keys`) come from that declaration.
#include "ionbath/core/statistics.hpp"
#include "ionbath/core/types.hpp"
#include "ionbath/core/unit_system.hpp"
#include "ionbath/dissipation/chain_engines.hpp"
#include "ionbath/dissipation/pass_geometry.hpp"
#include "ionbath/dynamics/full_scheme.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ionbath::io {

// Refuse grids whose mode set (lattice.bz_grid) or Green's-function FFT (phonons.green_grid)
// would need more memory than this.
inline constexpr double max_grid_memory_bytes = 8.0 * 1024 * 1024 * 1024; // 8 GiB
// Bytes per phonon mode in a ModeSet: ω (double), η (3 doubles), q index (3 ints).
inline constexpr double mode_set_bytes_per_mode = 8 + 3 * 8 + 3 * 4;
// Bytes per point of the W(0) FFT: the 9 complex components of the 3×3 block on the full grid.
inline constexpr double green_fft_bytes_per_point = 48; // r2c of one tensor component at a time

double mode_set_memory_bytes(const GridShape &bz_grid); // 3(N−1) modes
double green_fft_memory_bytes(int green_grid);          // green_grid³ points

// [units] the unit system of every input and output (core/unit_system.hpp): "physical" (meV, Å,
// ps) or the dimensionless systems of seeds 001 / 003 (physics.md §6.1, §7.1). Only `phonons`
// takes the seed systems today; run, sweep and validate refuse them.
struct UnitsConfig {
  units::System system = units::System::physical;
  bool operator==(const UnitsConfig &) const = default;
};

enum class LatticeKind { simple_cubic, chain, phonopy };

// [lattice] the framework: simple cubic with nearest (k1) and next-nearest (k2) neighbour springs,
// or a chain along z (seeds 001, 003) with longitudinal (k_parallel) and transverse (k_perp)
// nearest-neighbour springs; either with an on-site confinement spring κ of every atom.
// A chain's unwritten springs default to k1 and its unwritten bz_grid to [200, 1, 1].
// A phonopy crystal (physics.md §12) takes cell, masses and force constants from phonopy's files
// (io/phonopy.hpp): only `file`, `force_constants` and bz_grid apply, in physical units.
struct LatticeConfig {
  LatticeKind kind = LatticeKind::simple_cubic; // "simple_cubic" | "chain" | "phonopy"
  double a = 3.0;                               // lattice constant, Å
  double mass = 3.5; // framework atom mass, meV ps²/Å² (key `mass`, or `mass_Da` in Da)
  double k1 = 520.0; // nearest-neighbour spring, meV/Å²
  double k2 = 170.0; // next-nearest-neighbour spring, meV/Å²
  GridShape bz_grid{20, 20, 20}; // BZ sampling of the bath = periodic supercell of the full model
  double confinement = 0.0;      // κ, meV/Å² (0: none; the ASR then leaves 3 zero modes at Γ)
  double k_parallel = 0.0;       // chain: longitudinal spring, meV/Å² (unwritten: k1)
  double k_perp = 0.0;           // chain: transverse spring, meV/Å² (unwritten: k1)
  // phonopy: phonopy_params.yaml / phonopy.yaml and an optional force-constants file (empty:
  // phonopy's search order), both resolved against the configuration file's directory.
  std::string file;
  std::string force_constants;
  bool operator==(const LatticeConfig &) const = default;
};

// [ion] the mobile particle.
struct IonConfig {
  double mass = 0.7; // meV ps²/Å² (key `mass`, or `mass_Da` in Da)
  // The starting site in cell 0 as fractions of the lattice vectors; every ion starts at the
  // same site of its cell. Empty: derived (simple cubic: the cell centre ½(1, 1, 1); a crystal
  // from phonopy: the point of the cell farthest from every framework atom).
  std::vector<double> site;
  bool operator==(const IonConfig &) const = default;
};

enum class IonIonKind { none, screened_coulomb };

// [ions] several mobile ions of the species of [ion] and [interaction] (physics.md §11.1), placed
// at seeded distinct cell centres of the BZ-grid supercell (ion 0 at the single-ion start), with
// the screened Coulomb interaction z² (e²/4πε0) e^{−r/λ_ion}/(ε_r r) by minimum image, shifted to
// 0 at the cutoff. count = 1 is the single ion of [ion]: then no other key applies. An unwritten
// cutoff is min(12 Å, 0.45 × the shortest supercell edge).
struct IonsConfig {
  int count = 1;
  double min_separation = 0.0; // Å, minimum-image distance between the starting sites
  IonIonKind ion_ion = IonIonKind::screened_coulomb;
  double charge = 1.0;     // charge number z
  double epsilon_r = 10.0; // relative permittivity
  double lambda_ion = 3.0; // screening length, Å
  double cutoff = 12.0;    // r_c, Å (< half the supercell)
  bool cross_drag = false; // time-local: the collective drag of §11.3
  // Several species (physics.md §11.1): names and, per species, the number of ions, mass,
  // charge number and framework interaction (U0, λ). Empty: one species "ion" of `count` ions
  // with [ion] mass, `charge` and [interaction]. Resolved: every list has one entry per species.
  std::vector<std::string> species;
  std::vector<std::int64_t> species_count;
  std::vector<double> species_mass, species_charge, species_U0, species_lambda;
  std::string table_species; // the species of the table's D and D* columns ("": the first)
  bool operator==(const IonsConfig &) const = default;
};

enum class InteractionKind { yukawa, gaussian };

// [interaction] ion–framework pair potential.
struct InteractionConfig {
  InteractionKind kind = InteractionKind::yukawa; // "yukawa" | "gaussian"
  double U0 = 4000.0;  // meV (Yukawa: U0 exp(-r/λ)/r with r in Å; Gaussian: U0 exp(-r²/2λ²))
  double lambda = 0.5; // Å
  int extent = 1;      // 1 → the 8 corners of the ion's cell; e → (2e)³ atoms
  // The moving list of every framework atom closer than this to the ion (Å; physics.md §12.3);
  // 0: the corners of `extent` (simple cubic). A crystal from phonopy derives it from the
  // potential when unwritten (|U| < 0.01 meV beyond it).
  double cutoff = 0.0;
  bool operator==(const InteractionConfig &) const = default;
};

enum class RunMethod { time_local, full };
// Thermal framework motion: Bose amplitudes with zero point (seed 002 Eq. 23), classical
// equipartition, or none (r_H ≡ 0: the zero-temperature framework, dissipation checks).
enum class BathStatistics { quantum, classical, none };
// The mode statistics of a thermal framework; none for BathStatistics::none.
std::optional<Statistics> thermal_statistics(BathStatistics bath);

// [run] the temperature sweep.
struct RunConfig {
  RunMethod method = RunMethod::time_local;
  std::vector<double> kT_meV{10, 15, 20, 25, 30, 40, 50}; // key kT_meV, or temperature_K in K
  double dt = 0.005;                                      // time step, ps
  std::int64_t steps = 600000;
  std::int64_t trajectories = 1; // per temperature
  std::int64_t seed = 1;         // ≥ 0
  std::string output = "results.h5";
  std::int64_t trajectory_stride = 0; // 0 → no trajectory file; n → every n-th step (H5MD)
  BathStatistics bath = BathStatistics::quantum;
  bool drag = true;       // the 𝓛 term of seed 002 Eq. 20 (ablation switch)
  bool relaxation = true; // the W(0) term of seed 002 Eq. 19 (ablation switch)
  dynamics::FullScheme full_scheme = dynamics::FullScheme::rk5; // "rk5" | "verlet"
  bool decompose = false; // sweep: decompose every trajectory file ([decompose], §8)
  bool operator==(const RunConfig &) const = default;
};

// [msd] mean-squared displacement and diffusion fit. Unwritten values are derived from the run
// (config.cpp resolve_msd): 2 segments for runs of fewer than 250 steps, the fit from half a
// segment when segments are shorter than 1 ps.
struct MsdConfig {
  std::int64_t segments = 250; // the run is cut into this many segments (seed 002)
  double fit_from_ps = 1.0;    // fit D on lags ≥ this, ps (< segment length)
  bool operator==(const MsdConfig &) const = default;
};

// [parallel]
struct ParallelConfig {
  int ranks_per_trajectory = 1;
  bool operator==(const ParallelConfig &) const = default;
};

// [phonons] the `ionbath phonons` command: Green's function, W(t), drag, density of states.
struct PhononsConfig {
  int green_grid = 160;     // FFT grid for W(0) (multiple of 8, ≥ 64; Richardson over N..N/8)
  int covariance_grid = 64; // FFT grid for the continuum thermal covariance (same rules)
  int w_range = 7;          // W_L(0) blocks for L in [-w_range, w_range]³ (1..20)
  double drag_rtol = 1e-8;  // relative tolerance of the drag-matrix integral
  double wt_t_max_ps = 2.0; // W(t) on [0, wt_t_max_ps]
  int wt_points = 201;      // number of times for W(t)
  int dos_grid = 48;        // BZ grid (per dimension) for the density of states
  int dos_bins = 200;       // histogram bins of the density of states
  // Dispersion path corners in fractions of the reciprocal lattice vectors (q_i = 2π f_i); empty:
  // Γ–X–M–Γ–R for the cubic lattice, Γ–(½,0,0) for a chain.
  std::vector<std::array<double, 3>> path;
  int path_subdivisions = 200; // points per leg of the dispersion path
  std::string output = "phonons.h5";
  bool operator==(const PhononsConfig &) const = default;
};

// [validate] `ionbath validate fig3|fig4|ions`: the full lattice against the time-local model.
struct ValidateConfig {
  int lattice_n =
      0; // N³ periodic lattice of the full solution; 0 = the paper's (50 fig3, 100 fig4), 24 ions
  std::string output = "validation.h5";
  // `validate ions`: k_B T of the thermal comparison of D* and H_R (physics.md §11.5), meV;
  // 0: the zero-temperature pair only.
  double ions_kT_meV = 50.0;
  bool operator==(const ValidateConfig &) const = default;
};

// The single-pass loss methods of `ionbath loss` (physics.md §6.2–6.5).
enum class LossMethod { analytic, zone, low_speed, simulated };
// What a simulated pass does when the lattice's echo can return before the pass ends.
enum class EchoGuard { warn, refuse };

// [loss] `ionbath loss`: seed 001's single-pass energy loss over speeds × λ × offsets (geometries
// single, square, cube, chain), or the trapped particle of Fig. 6 (geometry line8). Lengths,
// speeds, times and energies in the units of [units]. Unwritten geometry, methods and Φ0 are
// derived from the lattice and geometry when parsing; lattice_n = 0 and dt = 0 when the command
// runs (from the echo time and the highest frequency).
struct LossConfig {
  dissipation::PassGeometry geometry = dissipation::PassGeometry::single;
  std::vector<double> offsets{0.0, 1.0}; // transverse offset s of the path
  std::vector<double> lambdas{0.5, 1.0, 2.0, 4.0};
  std::vector<double> speeds{2.0, 8.0, 16.0}; // or speed_range = [from, to, count]
  // Unwritten: every method that applies (default_loss_methods).
  std::vector<LossMethod> methods{LossMethod::zone, LossMethod::low_speed, LossMethod::simulated};
  double Phi0 = 0.01;      // Gaussian strength; unwritten: the paper's for the geometry
  int lattice_n = 0;       // simulated: N³ (a chain: N); 0: derived
  double dt = 0;           // simulated: time step; 0: derived
  double zone_rtol = 1e-6; // relative tolerance of the Eq. 13 cubature
  EchoGuard echo_guard = EchoGuard::warn;
  double trap_speed = 7.5;       // line8: initial σ̇_z
  double trap_start = 3.5;       // line8: initial z in units of the spacing α
  double duration = 30.0;        // line8: run length
  double softening_factor = 0.5; // line8: f of the time-local Eq. 26 (1: the authors' script)
  int record_every = 10;         // line8: steps between trace samples
  std::string output = "loss.h5";
  bool operator==(const LossConfig &) const = default;
};
// The parts of `ionbath chain` (physics.md §7.4–7.6): the numerical single pass of Fig. 3 with
// Eq. 7, Eq. 10 on a speed grid with the predicted drift speeds, long runs under bias (Fig. 4),
// the chain displacement over (g, τ) (Fig. 2).
// mobility (beyond the paper): drift runs on a thermal chain, replicas per temperature.
enum class ChainMode { single_pass, steady_state, drift, heat_map, mobility };

// [chain] `ionbath chain`: seed 003's particle on the confined chain, in seed-003 units (lengths
// l_slow, time 2π/Ω_slow, energies ħΩ_slow). single_pass, drift and heat_map run every speed for
// Φ0 and, with both_signs, for −Φ0; n_chain and record_every = 0 are derived when the command runs.
struct ChainConfig {
  double omega_fast = 10.0;
  double alpha = 40.0;
  double Phi0 = 2.0;
  double lambda = 4.0;
  double mu = 1.0;
  double bias = 0.01; // β: energy gained per distance α
  std::vector<ChainMode> modes{ChainMode::single_pass, ChainMode::steady_state, ChainMode::drift,
                               ChainMode::heat_map};
  std::vector<double> speeds{20.0, 30.0, 50.0}; // or speed_range = [from, to, count]
  double tau = 800.0;                           // drift and heat_map: run length
  int steps_per_period = 60;                    // d: δ = 1/(ω_fast d)
  dissipation::ChainEngine engine = dissipation::ChainEngine::direct;
  bool both_signs = true;
  int n_chain = 0;      // drift, heat_map: interacting masses; 0: enough for the whole path
  int record_every = 0; // drift, heat_map: steps between samples; 0: ≤ 4000 samples per run
  std::array<double, 3> steady_speed_range{1.0, 90.0, 8901}; // Eq. 10 grid: from, to, count
  dissipation::SteadyStateExponent steady_exponent = dissipation::SteadyStateExponent::eq10;
  bool steady_broadened = false; // also Δ̄ averaged over the pass's local speeds, per sign of Φ0
  std::vector<double> omega_T{1.0}; // mobility: chain temperatures k_BT/ħΩ_slow
  int replicas = 4;                 // mobility: independent thermal chains per temperature
  std::string output = "chain.h5";
  bool operator==(const ChainConfig &) const = default;
};

// [decompose] `ionbath decompose`: seed 000's mechanism decomposition (physics.md §8) of MD
// trajectories from any code (io/trajectory_reader.hpp). Paths are resolved against the
// configuration file's directory; no inputs: a short trajectory of our own model is generated
// first. Unwritten windows: 24 log-spaced from the frame interval to a tenth of the run.
struct DecomposeConfig {
  std::vector<std::string> inputs;  // trajectory files (a temperature series: one per T)
  std::string format = "auto";      // "auto" | "h5md" | "lammps-dump" | "extxyz" | "xdatcar"
  double timestep_ps = 0;           // LAMMPS dumps: MD time step (dumps store step numbers)
  double frame_interval_ps = 0;     // XDATCAR, extxyz without Time=: time between frames
  std::vector<double> kT_meV;       // per input, or one for all; empty: from the file
  std::vector<std::string> species; // labels analysed; empty: every particle of the file
  std::vector<std::int64_t> types;  // type numbers analysed (LAMMPS type, H5MD species)
  std::string sites = "cubic";      // "cubic" (cell centres of [lattice]) | "auto" | a file
  double site_radius = 0;           // Å; 0: half the nearest-site distance (§8.2)
  std::vector<double> windows_ps;   // Δt values (or window_range_ps); empty: derived
  int origin_stride = 1;            // frames between window origins
  int blocks = 10;                  // block averages for error bars (§8.5)
  double concerted_time_ps = 0.1;   // τ_c of concerted links (§8.3)
  double concerted_radius = 0;      // r_c, Å; 0: 1.5 × the nearest-site distance
  double arrhenius_window_ps = 0;   // Δt of the per-mode Arrhenius fit; 0: the longest window
  std::string output = "decompose.h5";
  bool operator==(const DecomposeConfig &) const = default;
};

struct Config;
// The methods that apply to the configuration's geometry (the unwritten loss.methods): the chain's
// Eq. 14 (in seed-001 units with m = 1), Eq. 13, the 3D low-speed drag, the simulated pass.
std::vector<LossMethod> default_loss_methods(const Config &config);
// The paper's Φ0 of a geometry (the unwritten loss.Phi0; physics.md §6.5): 0.01, 0.0025, 1.
double default_loss_Phi0(dissipation::PassGeometry geometry);

struct Config {
  UnitsConfig units;
  LatticeConfig lattice;
  IonConfig ion;
  IonsConfig ions;
  InteractionConfig interaction;
  RunConfig run;
  MsdConfig msd;
  ParallelConfig parallel;
  PhononsConfig phonons;
  ValidateConfig validate;
  LossConfig loss;
  ChainConfig chain;
  DecomposeConfig decompose;
  bool operator==(const Config &) const = default;
};

std::string_view to_string(InteractionKind kind); // "yukawa" | "gaussian"
std::string_view to_string(IonIonKind kind);      // "none" | "screened_coulomb"
std::string_view to_string(RunMethod method);     // "time-local" | "full"
std::string_view to_string(LatticeKind kind);     // "simple_cubic" | "chain" | "phonopy"
std::string_view to_string(units::System system); // "physical" | "seed001" | "seed003"
std::string_view to_string(LossMethod method);    // "analytic" | "zone" | "low_speed" | ...
std::string_view to_string(EchoGuard guard);      // "warn" | "refuse"
std::string_view to_string(ChainMode mode);       // "single_pass" | "steady_state" | ...
std::string_view to_string(dissipation::ChainEngine engine);           // "direct" | "memory"
std::string_view to_string(dissipation::SteadyStateExponent exponent); // "eq10" | ...

// The seed 002 model (the same as parsing an empty file).
Config default_config();
// Parse and validate TOML text; source_name (usually the file path) prefixes every error message.
Config parse_config(std::string_view toml_text, std::string_view source_name);
// Read and parse a file; a missing or unreadable file is an InputError naming the path.
Config load_config(const std::string &path);
// The ion–ion cutoff an unwritten ions.cutoff takes: min(12 Å, 0.45 × the shortest edge of the
// periodic supercell of lattice.bz_grid), below the half edge the minimum image needs.
double default_ion_cutoff_A(const Config &config);
// The fully resolved configuration as TOML (internal units, canonical keys, every key present;
// [units] and the lattice keys kind, confinement, k_parallel, k_perp only where they differ from
// the seed 002 model, so that its canonical form and hash are those of earlier versions);
// parse_config(to_toml(c), ...) == c.
std::string to_toml(const Config &config);
// The key tables of the README (markdown, one row per key, generated from the declaration):
// `ionbath config --keys`.
std::string config_keys_markdown();
// Stable 16-hex-digit FNV-1a 64-bit hash of to_toml(config), for checkpoints.
std::string config_hash(const Config &config);
// The configuration with the execution-only settings ([parallel], run.output, phonons.output)
// reset to their defaults: what results depend on. Results files store it, checkpoints and merges
// compare its hash, so a run may resume or merge under another layout or file name.
Config canonical(const Config &config);

} // namespace ionbath::io
