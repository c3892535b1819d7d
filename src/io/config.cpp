// The configuration schema (design.md "Configuration"): every key declared once — its section,
// spellings, unit, allowed values, one-line doc and the subcommands that use it — with how it is
// read and written. Parsing, validation, derived defaults, the canonical TOML (`ionbath config`,
// results files, hashes) and the README's key tables (`ionbath config --keys`) come from it.
#include "ionbath/io/config.hpp"

#include "toml_input.hpp"

#include "ionbath/core/error.hpp"
#include "ionbath/core/units.hpp"
#include "ionbath/dynamics/pair_potential.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

namespace ionbath::io {

double mode_set_memory_bytes(const GridShape &bz_grid) {
  const double points = double(bz_grid[0]) * double(bz_grid[1]) * double(bz_grid[2]);
  return 3.0 * (points - 1.0) * mode_set_bytes_per_mode;
}

double green_fft_memory_bytes(int green_grid) {
  const double n = green_grid;
  return n * n * n * green_fft_bytes_per_point;
}

std::string_view to_string(IonIonKind kind) {
  return kind == IonIonKind::none ? "none" : "screened_coulomb";
}

std::string_view to_string(InteractionKind kind) {
  return kind == InteractionKind::yukawa ? "yukawa" : "gaussian";
}

std::optional<Statistics> thermal_statistics(BathStatistics bath) {
  if (bath == BathStatistics::none)
    return std::nullopt;
  return bath == BathStatistics::quantum ? Statistics::quantum : Statistics::classical;
}

std::string_view to_string(BathStatistics bath) {
  switch (bath) {
  case BathStatistics::quantum:
    return "quantum";
  case BathStatistics::classical:
    return "classical";
  case BathStatistics::none:
    break;
  }
  return "none";
}

std::string_view to_string(RunMethod method) {
  return method == RunMethod::time_local ? "time-local" : "full";
}

std::string_view to_string(LatticeKind kind) {
  switch (kind) {
  case LatticeKind::chain:
    return "chain";
  case LatticeKind::phonopy:
    return "phonopy";
  case LatticeKind::simple_cubic:
    break;
  }
  return "simple_cubic";
}

std::string_view to_string(units::System system) {
  switch (system) {
  case units::System::seed001:
    return "seed001";
  case units::System::seed003:
    return "seed003";
  case units::System::physical:
    break;
  }
  return "physical";
}

std::string_view to_string(LossMethod method) {
  switch (method) {
  case LossMethod::analytic:
    return "analytic";
  case LossMethod::zone:
    return "zone";
  case LossMethod::low_speed:
    return "low_speed";
  case LossMethod::simulated:
    break;
  }
  return "simulated";
}

std::string_view to_string(EchoGuard guard) {
  return guard == EchoGuard::warn ? "warn" : "refuse";
}

std::string_view to_string(ChainMode mode) {
  switch (mode) {
  case ChainMode::single_pass:
    return "single_pass";
  case ChainMode::steady_state:
    return "steady_state";
  case ChainMode::drift:
    return "drift";
  case ChainMode::mobility:
    return "mobility";
  case ChainMode::heat_map:
    break;
  }
  return "heat_map";
}

std::string_view to_string(dissipation::ChainEngine engine) {
  return engine == dissipation::ChainEngine::direct ? "direct" : "memory";
}

std::string_view to_string(dissipation::SteadyStateExponent exponent) {
  return exponent == dissipation::SteadyStateExponent::eq10 ? "eq10" : "authors_script";
}

std::vector<LossMethod> default_loss_methods(const Config &c) {
  using G = dissipation::PassGeometry;
  switch (c.loss.geometry) {
  case G::chain:
    if (c.units.system == units::System::seed001 && c.lattice.mass == 1.0)
      return {LossMethod::analytic, LossMethod::zone, LossMethod::simulated};
    return {LossMethod::zone, LossMethod::simulated};
  case G::line8:
    return {};
  case G::single:
  case G::square:
  case G::cube:
    break;
  }
  return {LossMethod::zone, LossMethod::low_speed, LossMethod::simulated};
}

double default_loss_Phi0(dissipation::PassGeometry geometry) {
  using G = dissipation::PassGeometry;
  if (geometry == G::line8)
    return 1.0;
  return geometry == G::square || geometry == G::cube ? 0.0025 : 0.01;
}

namespace {
using namespace toml_input;

// The subcommands that use a key (the key tables' "used by" column).
enum Uses : unsigned {
  phonons = 1,
  run = 2,
  sweep = 4,
  validate = 8,
  loss = 16,
  chain = 32,
  decompose = 64
};
constexpr unsigned trajectories = run | sweep;
constexpr unsigned everyone = phonons | run | sweep | validate | loss;

using Reader = SectionReader;

struct Key {
  std::string_view name;
  std::string_view alternative; // a second spelling in other units (mass_Da), or ""
  std::string_view unit;        // internal unit, ASCII: the canonical TOML's comment
  std::string allowed;          // for the key tables
  std::string_view doc;
  unsigned used_by;
  std::function<void(const Reader &, Config &)> read;
  std::function<std::string(const Config &)> value; // the canonical TOML value
  std::function<bool(const Config &)> omitted{};    // left out of the canonical form if true
  std::string_view default_note{};                  // the tables' default when derived
};

// A section: its keys in canonical order, then the defaults derived from other keys and the
// checks between keys (run after every section is read).
struct Section {
  std::string_view name;
  std::vector<Key> keys;
  void (*resolve)(const Reader &, Config &) = nullptr;
};

// Key factories: `field` returns the member in the Config (const or not).
template <class Field>
Key real_key(std::string_view name, Field field, RealRange range, std::string_view doc,
             unsigned used_by) {
  return {name,
          "",
          range.unit,
          range.brief(),
          doc,
          used_by,
          [=](const Reader &r, Config &c) { field(c) = r.real(name, field(c), range); },
          [=](const Config &c) { return number_text(field(c)); }};
}

template <class Field>
Key integer_key(std::string_view name, Field field, IntRange range, std::string_view doc,
                unsigned used_by) {
  return {name,
          "",
          "",
          range.brief(),
          doc,
          used_by,
          [=](const Reader &r, Config &c) {
            auto &x = field(c);
            x = static_cast<std::remove_reference_t<decltype(x)>>(r.integer(name, x, range));
          },
          [=](const Config &c) { return fmt::format("{}", field(c)); }};
}

template <class Field>
Key boolean_key(std::string_view name, Field field, std::string_view doc, unsigned used_by) {
  return {name,
          "",
          "",
          "true, false",
          doc,
          used_by,
          [=](const Reader &r, Config &c) { field(c) = r.boolean(name, field(c)); },
          [=](const Config &c) { return field(c) ? "true" : "false"; }};
}

template <class Field>
Key path_key(std::string_view name, Field field, std::string_view doc, unsigned used_by) {
  return {name,
          "",
          "",
          "non-empty path",
          doc,
          used_by,
          [=](const Reader &r, Config &c) { field(c) = r.text(name, field(c)); },
          [=](const Config &c) { return toml_string(field(c)); }};
}

template <class Field, class Enum>
Key choice_key(std::string_view name, Field field, std::vector<Enum> options, std::string_view doc,
               unsigned used_by) {
  std::vector<std::string> names;
  for (const auto option : options)
    names.push_back(toml_string(to_string(option)));
  return {name,
          "",
          "",
          fmt::format("{}", fmt::join(names, ", ")),
          doc,
          used_by,
          [=](const Reader &r, Config &c) { field(c) = r.choice(name, field(c), options); },
          [=](const Config &c) { return toml_string(to_string(field(c))); }};
}

#define IONBATH_FIELD(path)                                                                        \
  [](auto &c) -> auto & {                                                                          \
    return c.path;                                                                                 \
  }

std::string gib(double bytes) {
  return fmt::format("{:.3g} GiB", bytes / (1024.0 * 1024.0 * 1024.0));
}

void check_memory(const Reader &r, const toml::node *node, std::string_view key, double bytes,
                  std::string_view what) {
  if (bytes > max_grid_memory_bytes)
    r.fail(node, key, node ? node_text(*node) : "",
           fmt::format("{} would need {} of memory, more than the limit of {}", what, gib(bytes),
                       gib(max_grid_memory_bytes)));
}

template <class Field> Key mass_key(Field field, std::string_view doc, unsigned used_by) {
  return {"mass",
          "mass_Da",
          "meV ps^2/A^2",
          "> 0 (mass_Da: Da, 1 Da = 1/9.648533212 meV ps²/Å²)",
          doc,
          used_by,
          [=](const Reader &r, Config &c) {
            bool dalton = false;
            if (const auto *node = r.one_of("mass", "mass_Da", dalton))
              field(c) =
                  dalton
                      ? units::dalton_to_mass(r.real_value(*node, r.key("mass_Da"), positive("Da")))
                      : r.real_value(*node, r.key("mass"), positive("meV ps^2/A^2"));
          },
          [=](const Config &c) { return number_text(field(c)); }};
}

// Chain springs: read for a chain only, unwritten ones are k1.
template <class Field>
Key chain_spring_key(std::string_view name, Field field, std::string_view doc) {
  return {name,
          "",
          "meV/A^2",
          "≥ 0 (chain only; an unconfined chain needs both > 0)",
          doc,
          phonons,
          [=](const Reader &r, Config &c) {
            if (c.lattice.kind == LatticeKind::chain)
              field(c) = r.real(name, c.lattice.k1, non_negative("meV/A^2"));
          },
          [=](const Config &c) { return number_text(field(c)); },
          [](const Config &c) { return c.lattice.kind != LatticeKind::chain; },
          "k1"};
}

Key bz_grid_key() {
  return {
      "bz_grid",
      "",
      "",
      "3 integers ≥ 1, at least 2 points; mode set memory 3(N−1) × 44 B ≤ 8 GiB; a chain's "
      "grid is [N, 1, 1]",
      "BZ sampling of the bath = the periodic supercell of the full model",
      everyone,
      [](const Reader &r, Config &c) {
        const auto *node = r.get("bz_grid");
        if (!node)
          return;
        const auto key = r.key("bz_grid");
        const auto *array = node->as_array();
        if (!array || array->size() != 3)
          r.fail(*node, key,
                 fmt::format("must be an array of 3 integers [N1, N2, N3], got {}",
                             array ? fmt::format("{} elements", array->size()) : type_name(*node)));
        std::array<double, 3> n{};
        for (std::size_t i = 0; i < 3; ++i)
          n[i] = double(r.integer_value(*array->get(i), fmt::format("{}[{}]", key, i), {1}));
        const double modes = 3.0 * (n[0] * n[1] * n[2] - 1.0);
        check_memory(r, node, key, modes * mode_set_bytes_per_mode,
                     fmt::format("the mode set of {:.4g} modes", modes));
        if (n[0] * n[1] * n[2] < 2)
          r.fail(*node, key, "needs at least 2 grid points (the q = 0 point is dropped)");
        c.lattice.bz_grid = {int(n[0]), int(n[1]), int(n[2])};
      },
      [](const Config &c) { return fmt::format("[{}]", fmt::join(c.lattice.bz_grid, ", ")); },
      {},
      "[20, 20, 20]; chain: [200, 1, 1]"};
}

// A file the configuration reads (lattice.file, lattice.force_constants): relative paths are taken
// from the configuration file's directory and stored absolute, so that the canonical form reads
// the same file wherever it is parsed again. Left out of the canonical form while empty.
// A path as written, resolved against the configuration file's directory.
std::string resolved_path(const Reader &r, const std::filesystem::path &written) {
  const auto base = std::filesystem::path(r.source()).parent_path();
  return std::filesystem::absolute(written.is_absolute() ? written : base / written)
      .lexically_normal()
      .string();
}

template <class Field>
Key input_file_key(std::string_view name, Field field, std::string_view doc) {
  return {name,
          "",
          "",
          "path (phonopy only; relative: to the configuration file's directory)",
          doc,
          phonons,
          [=](const Reader &r, Config &c) {
            if (!r.get(name))
              return;
            field(c) = resolved_path(r, r.text(name, ""));
          },
          [=](const Config &c) { return toml_string(field(c)); },
          [=](const Config &c) { return field(c).empty(); }};
}

bool is_phonopy(const Config &c) {
  return c.lattice.kind == LatticeKind::phonopy;
}

Key coupling_strength_key() {
  return {"U0",
          "",
          "meV",
          "> 0 for yukawa; finite and ≠ 0 for gaussian",
          "strength: U0 exp(−r/λ)/r (r in Å) or U0 exp(−r²/2λ²)",
          trajectories,
          [](const Reader &r, Config &c) {
            auto &U0 = c.interaction.U0;
            if (c.interaction.kind == InteractionKind::yukawa) {
              U0 = r.real("U0", U0, positive("meV; the Yukawa potential is repulsive"));
            } else if (const auto *node = r.get("U0")) {
              U0 = r.real_value(*node, r.key("U0"), any_finite("meV"));
              if (U0 == 0.0)
                r.fail(*node, r.key("U0"), "must be a non-zero finite number (meV)");
            }
          },
          [](const Config &c) { return number_text(c.interaction.U0); }};
}

// A non-empty TOML array of numbers, each in `range`.
std::vector<double> real_array(const Reader &r, const toml::node &node, const std::string &key,
                               const RealRange &range, std::string_view what) {
  const auto *array = node.as_array();
  if (!array)
    r.fail(node, key, fmt::format("must be an array of numbers, got {}", type_name(node)));
  if (array->empty())
    r.fail(node, key, fmt::format("must list at least one {}", what));
  std::vector<double> values;
  for (std::size_t i = 0; i < array->size(); ++i)
    values.push_back(r.real_value(*array->get(i), fmt::format("{}[{}]", key, i), range));
  return values;
}

std::string real_array_text(const std::vector<double> &values) {
  std::vector<std::string> text;
  for (const double v : values)
    text.push_back(number_text(v));
  return fmt::format("[{}]", fmt::join(text, ", "));
}

Key temperatures_key() {
  return {"kT_meV",
          "temperature_K",
          "meV",
          "non-empty array, each > 0 (temperature_K: in K)",
          "the temperatures of the sweep (and of the covariances of `phonons`)",
          phonons | trajectories,
          [](const Reader &r, Config &c) {
            bool kelvin = false;
            const auto *node = r.one_of("kT_meV", "temperature_K", kelvin);
            if (!node)
              return;
            const auto key = r.key(kelvin ? "temperature_K" : "kT_meV");
            std::vector<double> kT =
                real_array(r, *node, key, positive(kelvin ? "K" : "meV"), "temperature");
            if (kelvin)
              for (double &t : kT)
                t = units::kelvin_to_meV(t);
            c.run.kT_meV = kT;
          },
          [](const Config &c) { return real_array_text(c.run.kT_meV); }};
}

// A grid of the Richardson-extrapolated zone averages (crystal/zone_average): a multiple of 8,
// at least 64, within the memory limit.
template <class Field>
Key zone_grid_key(std::string_view name, Field field, std::string_view what, std::string_view doc,
                  unsigned used_by) {
  return {name,
          "",
          "",
          "multiple of 8, ≥ 64; 48 B × n³ ≤ 8 GiB",
          doc,
          used_by,
          [=](const Reader &r, Config &c) {
            const auto *node = r.get(name);
            if (!node)
              return;
            const auto key = r.key(name);
            const auto n = r.integer_value(*node, key, {64});
            if (n % 8 != 0)
              r.fail(*node, key,
                     "must be a multiple of 8 and >= 64 (Richardson extrapolation over N, N/2, "
                     "N/4, N/8)");
            check_memory(r, node, key, green_fft_memory_bytes(int(std::min(n, int_max))),
                         fmt::format("{} on {}^3 points", what, n));
            field(c) = int(n);
          },
          [=](const Config &c) { return fmt::format("{}", field(c)); }};
}

Key dos_grid_key() {
  return {"dos_grid",
          "",
          "",
          "integer ≥ 2 (memory limit as bz_grid)",
          "BZ grid (per dimension) of the density of states",
          phonons,
          [](const Reader &r, Config &c) {
            const auto *node = r.get("dos_grid");
            if (!node)
              return;
            const auto key = r.key("dos_grid");
            const auto n = r.integer_value(*node, key, {2});
            const double d = double(n);
            check_memory(r, node, key, 3.0 * d * d * d * mode_set_bytes_per_mode,
                         fmt::format("the density-of-states mode set on {}^3 points", n));
            c.phonons.dos_grid = int(n);
          },
          [](const Config &c) { return fmt::format("{}", c.phonons.dos_grid); }};
}

// [phonons] path: at least two corners [f1, f2, f3], |f_i| ≤ 10.
Key dispersion_path_key() {
  return {
      "path",
      "",
      "",
      "array of ≥ 2 corners [f1, f2, f3], each f in [−10, 10]",
      "dispersion path corners in fractions of the reciprocal lattice vectors (q_i = 2π f_i); "
      "unwritten: Γ–X–M–Γ–R for the cubic lattice, Γ–(½,0,0) for a chain",
      phonons,
      [](const Reader &r, Config &c) {
        const auto *node = r.get("path");
        if (!node)
          return;
        const auto key = r.key("path");
        const auto *array = node->as_array();
        if (!array || array->size() < 2)
          r.fail(*node, key,
                 fmt::format("must be an array of at least 2 corners [f1, f2, f3] (fractions "
                             "of the reciprocal lattice vectors), got {}",
                             array ? fmt::format("{} corners", array->size()) : type_name(*node)));
        c.phonons.path.clear();
        for (std::size_t i = 0; i < array->size(); ++i) {
          const auto *corner = array->get(i)->as_array();
          const auto corner_key = fmt::format("{}[{}]", key, i);
          if (!corner || corner->size() != 3)
            r.fail(*array->get(i), corner_key, "must be a corner [f1, f2, f3] of 3 numbers");
          std::array<double, 3> f{};
          for (std::size_t k = 0; k < 3; ++k)
            f[k] = r.real_value(*corner->get(k), fmt::format("{}[{}]", corner_key, k),
                                {-10.0, 10.0, false, false, ""});
          c.phonons.path.push_back(f);
        }
      },
      [](const Config &c) {
        std::vector<std::string> corners;
        for (const auto &f : c.phonons.path)
          corners.push_back(
              fmt::format("[{}, {}, {}]", number_text(f[0]), number_text(f[1]), number_text(f[2])));
        return fmt::format("[{}]", fmt::join(corners, ", "));
      },
      [](const Config &c) { return c.phonons.path.empty(); },
      "(the lattice kind's)"};
}

Key full_lattice_size_key() {
  return {"lattice_n",
          "",
          "",
          "0 or 8..400",
          "N³ periodic lattice of the full solution; 0: the paper's (50³ fig3, 100³ fig4)",
          validate,
          [](const Reader &r, Config &c) {
            auto &n = c.validate.lattice_n;
            n = int(r.integer("lattice_n", n, {0, 400}));
            if (n != 0 && n < 8)
              r.fail(r.get("lattice_n"), r.key("lattice_n"), fmt::format("{}", n),
                     "must be 0 (the paper's lattice) or between 8 and 400");
          },
          [](const Config &c) { return fmt::format("{}", c.validate.lattice_n); }};
}

// [from, to, count] with 0 < from ≤ to and 1 ≤ count ≤ max_count.
std::array<double, 3> linear_range(const Reader &r, const toml::node &node, const std::string &key,
                                   std::int64_t max_count) {
  const auto *array = node.as_array();
  if (!array || array->size() != 3)
    r.fail(node, key, "must be [from, to, count]");
  const double from = r.real_value(*array->get(0), key + "[0]", positive(""));
  const double to = r.real_value(*array->get(1), key + "[1]", positive(""));
  const auto count = r.integer_value(*array->get(2), key + "[2]", {1, max_count});
  if (to < from)
    r.fail(
        node, key,
        fmt::format("needs from ≤ to, got from = {}, to = {}", number_text(from), number_text(to)));
  return {from, to, double(count)};
}

// [loss] keys. Each is left out of the canonical form while it has its default (so the
// canonical form and hash of configurations without [loss] are those of earlier versions).
template <class Field> Key unless_changed(Key k, Field field) {
  k.omitted = [field](const Config &c) {
    static const Config defaults{};
    return field(c) == field(defaults);
  };
  return k;
}

// The geometry is left out while it is the derived one (chain for a chain lattice, else single).
Key omitted_when_derived(Key k) {
  k.omitted = [](const Config &c) {
    return c.loss.geometry == (c.lattice.kind == LatticeKind::chain
                                   ? dissipation::PassGeometry::chain
                                   : dissipation::PassGeometry::single);
  };
  k.default_note = "\"single\"; \"chain\" on a chain lattice";
  return k;
}

template <class Field>
Key real_list_key(std::string_view name, Field field, RealRange range, std::string_view doc,
                  unsigned used_by = loss) {
  return unless_changed(Key{name, "", range.unit,
                            fmt::format("non-empty array, each {}", range.brief()), doc, used_by,
                            [=](const Reader &r, Config &c) {
                              if (const auto *node = r.get(name))
                                field(c) = real_array(r, *node, r.key(name), range, "value");
                            },
                            [=](const Config &c) { return real_array_text(field(c)); }},
                        field);
}

// speed_range = [from, to, count] → <section>.speeds (linear); never in the canonical form, which
// lists the speeds.
template <class Field>
Key speed_range_key(Field speeds, std::string_view section, unsigned used_by) {
  return {
      "speed_range",
      "",
      "",
      "[from, to, count]: 0 < from ≤ to, count 1..100000",
      "the speeds as a linear range instead of an explicit list",
      used_by,
      [=](const Reader &r, Config &c) {
        const auto *node = r.get("speed_range");
        if (!node)
          return;
        const auto key = r.key("speed_range");
        if (r.get("speeds"))
          r.fail(*node, key, fmt::format("give {0}.speeds or {0}.speed_range, not both", section));
        const auto range = linear_range(r, *node, key, 100000);
        speeds(c).clear();
        for (std::int64_t i = 0; i < std::int64_t(range[2]); ++i)
          speeds(c).push_back(range[2] == 1
                                  ? range[0]
                                  : range[0] + (range[1] - range[0]) * double(i) / (range[2] - 1));
      },
      [](const Config &) { return std::string("[]"); },
      [](const Config &) { return true; },
      "unset (the speeds list)"};
}

// An array of choices, each kept once in the order written; left out of the canonical form
// while it is the derived one.
template <class Field, class Enum>
Key choice_list_key(std::string_view name, Field field, std::vector<Enum> all, std::string allowed,
                    std::string_view what, std::string_view doc, unsigned used_by,
                    std::type_identity_t<std::function<std::vector<Enum>(const Config &)>> derived,
                    std::string_view default_note) {
  return {name,
          "",
          "",
          std::move(allowed),
          doc,
          used_by,
          [=](const Reader &r, Config &c) {
            const auto *node = r.get(name);
            if (!node)
              return;
            const auto key = r.key(name);
            const auto *array = node->as_array();
            if (!array || array->empty())
              r.fail(*node, key, fmt::format("must be a non-empty array of {} names", what));
            std::vector<std::string> names;
            for (const auto m : all)
              names.push_back(toml_string(to_string(m)));
            field(c).clear();
            for (std::size_t i = 0; i < array->size(); ++i) {
              const auto *item = array->get(i);
              const auto *text = item->as_string();
              const auto found = std::ranges::find_if(
                  all, [&](Enum m) { return text && to_string(m) == text->get(); });
              if (found == all.end())
                r.fail(*item, fmt::format("{}[{}]", key, i),
                       fmt::format("must be one of {}", fmt::join(names, ", ")));
              if (std::ranges::find(field(c), *found) == field(c).end())
                field(c).push_back(*found);
            }
          },
          [=](const Config &c) {
            std::vector<std::string> names;
            for (const auto m : field(c))
              names.push_back(toml_string(to_string(m)));
            return fmt::format("[{}]", fmt::join(names, ", "));
          },
          [=](const Config &c) { return field(c) == derived(c); },
          default_note};
}

Key loss_methods_key() {
  return choice_list_key(
      "methods", IONBATH_FIELD(loss.methods),
      std::vector{LossMethod::analytic, LossMethod::zone, LossMethod::low_speed,
                  LossMethod::simulated},
      "array of \"analytic\" (chain), \"zone\", \"low_speed\" (3D), \"simulated\"", "method",
      "methods of the scan: Eq. 14, the Eq. 13 zone integral, the Eq. 23 low-speed drag, "
      "the simulated pass",
      loss, default_loss_methods, "every method that applies to the geometry");
}

// [chain] keys, all left out of the canonical form at their defaults.
template <class Field>
Key chain_real_key(std::string_view name, Field field, RealRange range, std::string_view doc) {
  return unless_changed(real_key(name, field, range, doc, chain), field);
}

Key chain_modes_key() {
  const std::vector paper{ChainMode::single_pass, ChainMode::steady_state, ChainMode::drift,
                          ChainMode::heat_map};
  auto all = paper;
  all.push_back(ChainMode::mobility);
  return choice_list_key(
      "modes", IONBATH_FIELD(chain.modes), all,
      "array of \"single_pass\", \"steady_state\", \"drift\", \"heat_map\", \"mobility\"", "mode",
      "parts of the run: Fig. 3 passes with Eq. 7, Eq. 10 on a grid, drift under bias, the "
      "chain's displacement map, drift on a thermal chain (mobility)",
      chain, [paper](const Config &) { return paper; }, "");
}

// steady_speed_range = [from, to, count]: the Eq. 10 grid (count up to 10⁷).
Key steady_speed_range_key() {
  auto k = Key{"steady_speed_range",
               "",
               "l_slow/period",
               "[from, to, count]: 0 < from ≤ to, count 1..10000000",
               "speeds of the steady-state Eq. 10 grid (and the predicted drift speeds)",
               chain,
               [](const Reader &r, Config &c) {
                 if (const auto *node = r.get("steady_speed_range"))
                   c.chain.steady_speed_range =
                       linear_range(r, *node, r.key("steady_speed_range"), 10000000);
               },
               [](const Config &c) {
                 const auto &g = c.chain.steady_speed_range;
                 return fmt::format("[{}, {}, {}]", number_text(g[0]), number_text(g[1]),
                                    std::int64_t(g[2]));
               }};
  return unless_changed(k, IONBATH_FIELD(chain.steady_speed_range));
}

// Checks between the [chain] keys.
void resolve_chain(const Reader &r, Config &c) {
  const auto &ch = c.chain;
  if (ch.Phi0 == 0)
    r.fail(r.get("Phi0"), r.key("Phi0"), "0", "must be a non-zero finite number");
  if (!(ch.omega_fast > 1))
    r.fail(r.get("omega_fast"), r.key("omega_fast"), number_text(ch.omega_fast),
           "must be > 1 (Ω_fast above Ω_slow)");
  const bool drifts = std::ranges::find(ch.modes, ChainMode::drift) != ch.modes.end();
  if (drifts && ch.bias == 0)
    r.fail(r.get("bias"), r.key("bias"), "0",
           "drift runs need a bias β ≠ 0 (or leave \"drift\" out of chain.modes)");
  const bool mobility = std::ranges::find(ch.modes, ChainMode::mobility) != ch.modes.end();
  if (mobility && ch.bias == 0)
    r.fail(r.get("bias"), r.key("bias"), "0",
           "mobility = ⟨σ̇⟩/β needs a bias β ≠ 0 (or leave \"mobility\" out of chain.modes)");
  if (mobility && ch.engine != dissipation::ChainEngine::direct)
    r.fail(r.get("engine"), r.key("engine"), "\"memory\"",
           "thermal chains (mode \"mobility\") need engine = \"direct\"");
  if (mobility && c.run.bath == BathStatistics::none)
    r.fail(r.get("bath"), "run.bath", "\"none\"",
           "mobility runs need a thermal chain: run.bath = \"quantum\" or \"classical\"");
}

// Derived defaults and checks between the [loss] keys and the framework.
void resolve_loss(const Reader &r, Config &c) {
  using G = dissipation::PassGeometry;
  auto &l = c.loss;
  const bool chain_lattice = c.lattice.kind == LatticeKind::chain;
  if (!r.get("geometry") && chain_lattice)
    l.geometry = G::chain;
  if (!r.get("methods"))
    l.methods = default_loss_methods(c);
  if (!r.get("Phi0"))
    l.Phi0 = default_loss_Phi0(l.geometry);
  else if (l.Phi0 == 0)
    r.fail(r.get("Phi0"), r.key("Phi0"), "0", "must be a non-zero finite number");
  if (l.geometry == G::line8 && !r.get("lambdas"))
    l.lambdas = {0.5};
  const auto geometry_text = toml_string(dissipation::to_string(l.geometry));
  if ((l.geometry == G::chain) != chain_lattice && l.geometry != G::line8)
    r.fail(r.get("geometry"), r.key("geometry"), geometry_text,
           chain_lattice ? "a chain lattice (lattice.kind = \"chain\") takes the geometries "
                           "\"chain\" and \"line8\""
                         : "the geometry \"chain\" needs lattice.kind = \"chain\"");
  const auto has = [&](LossMethod m) { return std::ranges::find(l.methods, m) != l.methods.end(); };
  if (has(LossMethod::analytic) && l.geometry != G::chain)
    r.fail(r.get("methods"), r.key("methods"), "[\"analytic\", ...]",
           fmt::format("the analytic Eq. 14 is the chain's (loss.geometry = \"chain\"), not {}",
                       geometry_text));
  if (has(LossMethod::analytic) &&
      (c.units.system != units::System::seed001 || c.lattice.mass != 1.0))
    r.fail(r.get("methods"), r.key("methods"), "[\"analytic\", ...]",
           "the analytic Eq. 14 is written in seed-001 units: set units.system = \"seed001\" "
           "and lattice.mass = 1");
  if (has(LossMethod::low_speed) && l.geometry == G::chain)
    r.fail(r.get("methods"), r.key("methods"), "[\"low_speed\", ...]",
           "the low-speed drag of a chain vanishes when confined and diverges when not (seed 001 "
           "§III); use \"analytic\" or \"zone\"");
  if (l.geometry == G::line8 && r.get("methods"))
    r.fail(r.get("methods"), r.key("methods"), node_text(*r.get("methods")),
           "geometry \"line8\" runs the trapped particle of Fig. 6 (full and time-local); it "
           "takes no methods");
}

// The files of any other kind, and the model keys of a phonopy crystal (its cell, masses and
// force constants come from the files), are refused by name.
void check_lattice_files(const Reader &r, const Config &c) {
  if (!is_phonopy(c)) {
    for (const char *name : {"file", "force_constants"})
      if (const auto *node = r.get(name))
        r.fail(*node, r.key(name),
               fmt::format("only a phonopy crystal reads files (lattice.kind = \"phonopy\"; "
                           "here lattice.kind = \"{}\")",
                           to_string(c.lattice.kind)));
    return;
  }
  for (const char *name : {"a", "mass", "mass_Da", "k1", "k2", "k_parallel", "k_perp"})
    if (const auto *node = r.get(name))
      r.fail(*node, r.key(name),
             "does not apply to lattice.kind = \"phonopy\": the cell, masses and force "
             "constants come from lattice.file");
  if (const auto *node = r.get("confinement"))
    r.fail(*node, r.key("confinement"),
           "an on-site confinement of a phonopy crystal is not supported (lattice.kind = "
           "\"phonopy\")");
}

// A phonopy crystal: physical units, a yaml file, and files that exist (physics.md §12; the
// files themselves are read when the crystal is built, io/phonopy.hpp).
void resolve_phonopy_lattice(const Reader &r, Config &c) {
  const auto *kind = r.get("kind");
  if (c.units.system != units::System::physical)
    r.fail(
        *kind, r.key("kind"),
        fmt::format("a phonopy crystal is read in physical units (Å, AMU, eV/Å² → Å, meV ps²/Å², "
                    "meV/Å²), not units.system = \"{}\"",
                    to_string(c.units.system)));
  if (c.lattice.file.empty())
    r.fail(*kind, r.key("kind"),
           "needs lattice.file = the path of phonopy_params.yaml or phonopy.yaml (written by "
           "phonopy, e.g. `phonopy --writefc` or Phonopy.save())");
  for (const char *name : {"file", "force_constants"}) {
    const std::string &path =
        name == std::string_view("file") ? c.lattice.file : c.lattice.force_constants;
    if (std::error_code ec; !path.empty() && !std::filesystem::is_regular_file(path, ec))
      r.fail(*r.get(name), r.key(name), fmt::format("{}: no such file", path));
  }
}

// Derived defaults and checks of a chain: grid [N, 1, 1] (unwritten: 200 × 1 × 1, seed 001
// Fig. 2's length) and springs that leave no Ω = 0 mode unless confined.
void resolve_lattice(const Reader &r, Config &c) {
  auto &l = c.lattice;
  check_lattice_files(r, c);
  if (is_phonopy(c))
    return resolve_phonopy_lattice(r, c);
  // In the seed unit systems the framework mass is the mass unit; seed 001's lattice is α = 2,
  // k1 = 15, k2 = 5 (physics.md §6.1, §10 row 55).
  if (c.units.system != units::System::physical && !r.get("mass") && !r.get("mass_Da"))
    l.mass = 1.0;
  if (c.units.system == units::System::seed001 && l.kind == LatticeKind::simple_cubic) {
    if (!r.get("a"))
      l.a = 2.0;
    if (!r.get("k1"))
      l.k1 = 15.0;
    if (!r.get("k2"))
      l.k2 = 5.0;
  }
  if (l.kind != LatticeKind::chain)
    return;
  if (const auto *node = r.get("bz_grid")) {
    if (l.bz_grid[1] != 1 || l.bz_grid[2] != 1)
      r.fail(*node, r.key("bz_grid"), "a chain's BZ grid is [N, 1, 1] (lattice.kind = \"chain\")");
  } else {
    l.bz_grid = {200, 1, 1};
  }
  if (l.confinement == 0 && (l.k_parallel == 0 || l.k_perp == 0)) {
    const auto name = l.k_parallel == 0 ? "k_parallel" : "k_perp";
    r.fail(r.get(name), r.key(name), "0",
           "an unconfined chain needs positive springs in every direction (otherwise its modes "
           "have Ω = 0): set lattice.confinement > 0 or a positive spring");
  }
}

// The seed unit systems measure masses in framework masses: an unwritten ion mass is μ = 1.
void resolve_ion(const Reader &r, Config &c) {
  if (c.units.system != units::System::physical && !r.get("mass") && !r.get("mass_Da"))
    c.ion.mass = 1.0;
}

// The radius beyond which the ion–framework potential is below `threshold_meV` in magnitude,
// rounded up to 0.1 Å (physics.md §12.3: the cutoff list of a general crystal).
double potential_range_A(const InteractionConfig &i, double threshold_meV) {
  const auto U = [&](double r) { // the potentials of the ion models (dynamics/pair_potential)
    const Vec3 x(r, 0, 0);
    return i.kind == InteractionKind::yukawa ? dynamics::Yukawa(i.U0, i.lambda).value(x)
                                             : dynamics::Gaussian(i.U0, i.lambda).value(x);
  };
  double r = 0.1;
  while (std::abs(U(r)) > threshold_meV && r < 100.0)
    r += 0.1;
  return std::ceil(r * 10.0 - 1e-9) / 10.0;
}

// A crystal from phonopy has no corner list: an unwritten cutoff follows from the potential.
void resolve_interaction(const Reader &r, Config &c) {
  if (c.lattice.kind == LatticeKind::phonopy && !r.get("cutoff"))
    c.interaction.cutoff = potential_range_A(c.interaction, 0.01);
  if (c.lattice.kind == LatticeKind::phonopy && c.interaction.extent != 1)
    r.fail(r.get("extent"), r.key("extent"), fmt::format("{}", c.interaction.extent),
           "the corner list is the simple cubic lattice's; a crystal from phonopy takes "
           "interaction.cutoff");
}

void resolve_run(const Reader &r, Config &c) {
  if (c.run.decompose && c.run.trajectory_stride == 0)
    r.fail(r.get("decompose"), r.key("decompose"), "true",
           "decomposes the sweep's trajectory files: set run.trajectory_stride > 0");
  if (c.run.trajectory_stride > c.run.steps)
    r.fail(r.get("trajectory_stride"), r.key("trajectory_stride"),
           fmt::format("{}", c.run.trajectory_stride),
           fmt::format("must be in [0, run.steps = {}] (0 writes no trajectory)", c.run.steps));
}

// Unwritten segments and fit start are derived from the run so that they always fit it: 250
// segments (2 for runs shorter than 250 steps); the fit from 1 ps, or from half a segment when
// segments are shorter. Every configuration valid before keeps its values. Written values are
// checked.
void resolve_msd(const Reader &r, Config &c) {
  auto &m = c.msd;
  const auto &run = c.run;
  if (!r.get("segments"))
    m.segments = run.steps >= m.segments ? m.segments : std::min<std::int64_t>(run.steps, 2);
  else if (m.segments > run.steps)
    r.fail(r.get("segments"), r.key("segments"), fmt::format("{}", m.segments),
           fmt::format("must be in [1, run.steps = {}]: every segment needs at least one step",
                       run.steps));
  const double segment_ps = double(run.steps / m.segments) * run.dt;
  if (m.fit_from_ps < segment_ps)
    return;
  if (!r.get("fit_from_ps")) {
    m.fit_from_ps = 0.5 * segment_ps;
    return;
  }
  r.fail(r.get("fit_from_ps"), r.key("fit_from_ps"), number_text(m.fit_from_ps),
         fmt::format("must be in [0, {}) ps: the fit window has to start inside a segment of "
                     "run.steps/msd.segments * run.dt = {} ps",
                     number_text(segment_ps), number_text(segment_ps)));
}

// [decompose] keys, all left out of the canonical form at their defaults.
template <class Field>
Key decompose_real_key(std::string_view name, Field field, RealRange range, std::string_view doc) {
  return unless_changed(real_key(name, field, range, doc, decompose), field);
}

std::string text_array_text(const std::vector<std::string> &values) {
  std::vector<std::string> text;
  for (const auto &v : values)
    text.push_back(toml_string(v));
  return fmt::format("[{}]", fmt::join(text, ", "));
}

Key decompose_inputs_key() {
  return unless_changed(
      Key{"inputs", "", "", "array of paths (relative: to the configuration file's directory)",
          "trajectory files; several: a temperature series (per-mode Arrhenius fit); none: a "
          "short trajectory of our model is generated first",
          decompose,
          [](const Reader &r, Config &c) {
            const auto *node = r.get("inputs");
            if (!node)
              return;
            const auto *array = node->as_array();
            if (!array || array->empty())
              r.fail(*node, r.key("inputs"), "must be a non-empty array of file paths");
            c.decompose.inputs.clear();
            for (std::size_t i = 0; i < array->size(); ++i) {
              const auto *text = array->get(i)->as_string();
              if (!text || text->get().empty())
                r.fail(*array->get(i), fmt::format("{}[{}]", r.key("inputs"), i),
                       "must be a non-empty path");
              c.decompose.inputs.push_back(resolved_path(r, text->get()));
            }
          },
          [](const Config &c) { return text_array_text(c.decompose.inputs); }},
      IONBATH_FIELD(decompose.inputs));
}

// species = ["Li", 2]: labels (strings) and type numbers (integers) of the analysed particles.
Key decompose_species_key() {
  auto k =
      Key{"species",
          "",
          "",
          "array of labels (strings) and type numbers (integers ≥ 1)",
          "the analysed particles (per species: L_e, D*_e; cross terms between species)",
          decompose,
          [](const Reader &r, Config &c) {
            const auto *node = r.get("species");
            if (!node)
              return;
            const auto *array = node->as_array();
            if (!array || array->empty())
              r.fail(*node, r.key("species"),
                     "must be a non-empty array of species labels or type numbers");
            auto &d = c.decompose;
            for (std::size_t i = 0; i < array->size(); ++i) {
              const auto *item = array->get(i);
              const auto key = fmt::format("{}[{}]", r.key("species"), i);
              if (const auto *text = item->as_string(); text && !text->get().empty())
                d.species.push_back(text->get());
              else if (item->is_integer())
                d.types.push_back(r.integer_value(*item, key, {1}));
              else
                r.fail(*item, key, "must be a species label or a type number ≥ 1");
            }
          },
          [](const Config &c) {
            std::vector<std::string> items;
            for (const auto &s : c.decompose.species)
              items.push_back(toml_string(s));
            for (const auto t : c.decompose.types)
              items.push_back(fmt::format("{}", t));
            return fmt::format("[{}]", fmt::join(items, ", "));
          },
          [](const Config &c) { return c.decompose.species.empty() && c.decompose.types.empty(); },
          "every particle of the file"};
  return k;
}

// kT_meV = 30.0 or [20.0, 30.0] (one per input); temperature_K likewise in K.
Key decompose_temperatures_key() {
  return unless_changed(
      Key{"kT_meV", "temperature_K", "meV",
          "> 0, or an array (one per input, or one for all); temperature_K: in K",
          "temperature of each trajectory (needed by L) where the file does not carry it (our "
          "H5MD does)",
          decompose,
          [](const Reader &r, Config &c) {
            bool kelvin = false;
            const auto *node = r.one_of("kT_meV", "temperature_K", kelvin);
            if (!node)
              return;
            const auto key = r.key(kelvin ? "temperature_K" : "kT_meV");
            const auto range = positive(kelvin ? "K" : "meV");
            std::vector<double> kT = node->is_array()
                                         ? real_array(r, *node, key, range, "temperature")
                                         : std::vector{r.real_value(*node, key, range)};
            if (kelvin)
              for (double &t : kT)
                t = units::kelvin_to_meV(t);
            c.decompose.kT_meV = kT;
          },
          [](const Config &c) { return real_array_text(c.decompose.kT_meV); }},
      IONBATH_FIELD(decompose.kT_meV));
}

Key decompose_sites_key() {
  return unless_changed(
      Key{"sites", "", "",
          "\"cubic\", \"auto\" or a site file (relative: to the configuration file's directory)",
          "the site lattice (§8.2): cube centres of [lattice] (for trajectories run on a "
          "crystal from phonopy: auto), found from the trajectory's occupation density, or a "
          "file (`fractional`/`cartesian`, then x y z [class])",
          decompose,
          [](const Reader &r, Config &c) {
            const auto *node = r.get("sites");
            if (!node)
              return;
            const auto text = r.text("sites", "");
            c.decompose.sites = text == "cubic" || text == "auto" ? text : resolved_path(r, text);
          },
          [](const Config &c) { return toml_string(c.decompose.sites); }},
      IONBATH_FIELD(decompose.sites));
}

Key decompose_format_key() {
  return unless_changed(
      Key{"format", "", "", "\"auto\", \"h5md\", \"lammps-dump\", \"extxyz\", \"xdatcar\"",
          "format of the inputs (auto: by extension and content)", decompose,
          [](const Reader &r, Config &c) {
            const auto *node = r.get("format");
            if (!node)
              return;
            const auto text = r.text("format", "");
            constexpr std::array<std::string_view, 5> formats{"auto", "h5md", "lammps-dump",
                                                              "extxyz", "xdatcar"};
            if (std::ranges::find(formats, text) == formats.end())
              r.fail(*node, r.key("format"),
                     "must be one of \"auto\", \"h5md\", \"lammps-dump\", \"extxyz\", \"xdatcar\"");
            c.decompose.format = text;
          },
          [](const Config &c) { return toml_string(c.decompose.format); }},
      IONBATH_FIELD(decompose.format));
}

// window_range_ps = [from, to, count] → decompose.windows_ps (log-spaced); never in the canonical
// form, which lists the windows.
Key window_range_key() {
  return {"window_range_ps",
          "",
          "",
          "[from, to, count]: 0 < from ≤ to, count 1..1000",
          "the windows log-spaced instead of an explicit list",
          decompose,
          [](const Reader &r, Config &c) {
            const auto *node = r.get("window_range_ps");
            if (!node)
              return;
            const auto key = r.key("window_range_ps");
            if (r.get("windows_ps"))
              r.fail(*node, key,
                     "give decompose.windows_ps or decompose.window_range_ps, not both");
            const auto g = linear_range(r, *node, key, 1000);
            auto &w = c.decompose.windows_ps;
            w.clear();
            for (std::int64_t i = 0; i < std::int64_t(g[2]); ++i)
              w.push_back(g[2] == 1 ? g[0] : g[0] * std::pow(g[1] / g[0], double(i) / (g[2] - 1)));
          },
          [](const Config &) { return std::string("[]"); },
          [](const Config &) { return true; },
          "unset (24 log-spaced windows from the frame interval to a tenth of the run)"};
}

// Checks between the [decompose] keys.
void resolve_decompose(const Reader &r, Config &c) {
  const auto &d = c.decompose;
  const auto n = d.inputs.size();
  if (d.kT_meV.size() > 1 && d.kT_meV.size() != n) {
    const bool kelvin = r.get("temperature_K") != nullptr;
    const auto name = kelvin ? "temperature_K" : "kT_meV";
    r.fail(r.get(name), r.key(name), node_text(*r.get(name)),
           fmt::format("lists {} temperatures for {} decompose.inputs: give one per input or "
                       "one for all",
                       d.kT_meV.size(), n));
  }
}

// [ions] keys: left out of the canonical form for one ion (count = 1), so that single-ion
// configurations keep their canonical form and hash.
// [ion] site = [f1, f2, f3]: the starting site as fractions of the lattice vectors.
Key ion_site_key() {
  Key k{"site",
        "",
        "",
        "[f1, f2, f3], each in [0, 1)",
        "the ion's starting site in its cell, fractions of the lattice vectors (several ions: "
        "the same site of other cells)",
        trajectories,
        [](const Reader &r, Config &c) {
          const auto *node = r.get("site");
          if (!node)
            return;
          const auto *array = node->as_array();
          if (!array || array->size() != 3)
            r.fail(*node, r.key("site"), "must be [f1, f2, f3] (fractions of the lattice vectors)");
          c.ion.site.clear();
          for (std::size_t j = 0; j < 3; ++j)
            c.ion.site.push_back(r.real_value(*array->get(j),
                                              fmt::format("{}[{}]", r.key("site"), j),
                                              {0.0, 1.0, false, true, ""}));
        },
        [](const Config &c) { return real_array_text(c.ion.site); },
        [](const Config &c) { return c.ion.site.empty(); },
        "the cell centre; phonopy: farthest from every atom"};
  return k;
}

// [interaction] cutoff: the moving list by distance (physics.md §12.3).
Key interaction_cutoff_key() {
  auto k = real_key("cutoff", IONBATH_FIELD(interaction.cutoff), non_negative("A"),
                    "the moving list of every framework atom closer than this to the ion "
                    "(physics.md §12.3); 0: the corners of extent (simple cubic)",
                    trajectories);
  k.omitted = [](const Config &c) { return c.interaction.cutoff == 0; };
  k.default_note = "0; phonopy: where |U| falls below 0.01 meV";
  return k;
}

Key for_several_ions(Key k) {
  k.omitted = [](const Config &c) { return c.ions.count == 1; };
  return k;
}

// A key of the several-species lists: read when written, left out of the canonical form without
// ions.species.
Key per_species_key(std::string_view name, std::string_view unit, std::string allowed,
                    std::string_view doc,
                    std::function<void(const Reader &, Config &, const toml::node &)> read,
                    std::function<std::string(const Config &)> value,
                    std::string_view default_note) {
  return Key{name,
             "",
             unit,
             std::move(allowed),
             doc,
             trajectories,
             [=](const Reader &r, Config &c) {
               if (const auto *node = r.get(name))
                 read(r, c, *node);
             },
             std::move(value),
             [](const Config &c) { return c.ions.species.empty(); },
             default_note};
}

// The items of key `name`'s non-empty TOML array (fails naming the key otherwise).
const toml::array &non_empty_array(const Reader &r, const toml::node &node, std::string_view name,
                                   std::string_view what) {
  const auto *array = node.as_array();
  if (!array || array->empty())
    r.fail(node, r.key(name), fmt::format("must be a non-empty array of {}", what));
  return *array;
}

// ions.species = ["Li", "Na"]: distinct non-empty names.
Key species_names_key() {
  return per_species_key(
      "species", "", "array of distinct names",
      "species of the mobile ions (physics.md §11.1); the per-species lists follow its order",
      [](const Reader &r, Config &c, const toml::node &node) {
        const auto &array = non_empty_array(r, node, "species", "species names");
        for (std::size_t i = 0; i < array.size(); ++i) {
          const auto *text = array.get(i)->as_string();
          const auto key = fmt::format("{}[{}]", r.key("species"), i);
          if (!text || text->get().empty())
            r.fail(*array.get(i), key, "must be a non-empty species name");
          if (std::ranges::count(c.ions.species, text->get()) > 0)
            r.fail(*array.get(i), key, fmt::format("\"{}\" is listed twice", text->get()));
          c.ions.species.push_back(text->get());
        }
      },
      [](const Config &c) { return text_array_text(c.ions.species); }, "");
}

// A per-species list of numbers.
template <class Field>
Key species_list_key(std::string_view name, Field field, RealRange range, std::string_view doc,
                     std::string_view default_note) {
  return per_species_key(
      name, range.unit, fmt::format("one per species, each {}", range.brief()), doc,
      [=](const Reader &r, Config &c, const toml::node &node) {
        field(c) = real_array(r, node, r.key(name), range, "value");
      },
      [=](const Config &c) { return real_array_text(field(c)); }, default_note);
}

Key species_count_key() {
  return per_species_key(
      "species_count", "", "one per species, each ≥ 1; sum = count",
      "ions of each species (ion order: the species in turn)",
      [](const Reader &r, Config &c, const toml::node &node) {
        const auto &array = non_empty_array(r, node, "species_count", "integers");
        for (std::size_t i = 0; i < array.size(); ++i)
          c.ions.species_count.push_back(r.integer_value(
              *array.get(i), fmt::format("{}[{}]", r.key("species_count"), i), {1}));
      },
      [](const Config &c) { return fmt::format("[{}]", fmt::join(c.ions.species_count, ", ")); },
      "count, for one species");
}

Key table_species_key() {
  return per_species_key(
      "table_species", "", "a name of ions.species",
      "the species whose D and D* the diffusivity table reports (σ: all ions)",
      [](const Reader &r, Config &c, const toml::node &node) {
        const auto *text = node.as_string();
        if (!text)
          r.fail(node, r.key("table_species"), "must be a species name");
        c.ions.table_species = text->get();
      },
      [](const Config &c) { return toml_string(c.ions.table_species); },
      "the first of ions.species");
}

// The shortest edge a·N_k of the periodic supercell of the BZ grid (Å).
double shortest_supercell_edge_A(const Config &c) {
  const auto &g = c.lattice.bz_grid;
  return c.lattice.a * double(std::min({g[0], g[1], g[2]}));
}

} // namespace

double default_ion_cutoff_A(const Config &c) {
  return std::min(12.0, 0.45 * shortest_supercell_edge_A(c));
}

namespace {

// A per-species list: unwritten → the single-species value for every species; else one entry
// per species.
void resolve_species_list(const Reader &r, const char *name, std::vector<double> &list,
                          double fallback, std::size_t n) {
  if (list.empty())
    list.assign(n, fallback);
  else if (list.size() != n)
    r.fail(r.get(name), r.key(name), real_array_text(list),
           fmt::format("needs one entry per species of ions.species ({}), got {}", n, list.size()));
}

// ions.species and its per-species lists (physics.md §11.1); sets ions.count to their sum.
void resolve_ion_species(const Reader &r, Config &c) {
  auto &ions = c.ions;
  const char *lists[] = {"species_count", "species_mass",   "species_charge",
                         "species_U0",    "species_lambda", "table_species"};
  if (ions.species.empty()) {
    for (const char *name : lists)
      if (const auto *node = r.get(name))
        r.fail(*node, r.key(name), "needs ions.species (the names of the species)");
    return;
  }
  const std::size_t n = ions.species.size();
  if (ions.species_count.empty() && n == 1)
    ions.species_count = {ions.count};
  else if (ions.species_count.size() != n)
    r.fail(r.get(ions.species_count.empty() ? "species" : "species_count"), r.key("species_count"),
           fmt::format("[{}]", fmt::join(ions.species_count, ", ")),
           fmt::format("needs one ion count per species of ions.species ({})", n));
  std::int64_t total = 0;
  for (const auto k : ions.species_count)
    total += k;
  if (r.get("count") && total != ions.count)
    r.fail(r.get("count"), r.key("count"), fmt::format("{}", ions.count),
           fmt::format("must equal the sum of ions.species_count, {}", total));
  if (total < 2 || total > std::int64_t(int_max))
    r.fail(r.get("species"), r.key("species"), text_array_text(ions.species),
           fmt::format("applies to several ions ({} listed); one ion is [ion]", total));
  ions.count = int(total);
  resolve_species_list(r, "species_mass", ions.species_mass, c.ion.mass, n);
  resolve_species_list(r, "species_charge", ions.species_charge, ions.charge, n);
  resolve_species_list(r, "species_U0", ions.species_U0, c.interaction.U0, n);
  resolve_species_list(r, "species_lambda", ions.species_lambda, c.interaction.lambda, n);
  if (c.interaction.kind == InteractionKind::yukawa)
    for (std::size_t s = 0; s < n; ++s)
      if (!(ions.species_U0[s] > 0))
        r.fail(r.get("species_U0"), fmt::format("{}[{}]", r.key("species_U0"), s),
               number_text(ions.species_U0[s]), "must be > 0: the Yukawa potential is repulsive");
  if (ions.table_species.empty())
    ions.table_species = ions.species.front();
  else if (std::ranges::count(ions.species, ions.table_species) == 0)
    r.fail(r.get("table_species"), r.key("table_species"), toml_string(ions.table_species),
           fmt::format("unknown species: ions.species is {}", text_array_text(ions.species)));
}

void resolve_ions(const Reader &r, Config &c) {
  resolve_ion_species(r, c);
  auto &ions = c.ions;
  const auto &g = c.lattice.bz_grid;
  const std::int64_t cells = std::int64_t(g[0]) * g[1] * g[2];
  if (ions.count > cells)
    r.fail(r.get("count"), r.key("count"), fmt::format("{}", ions.count),
           fmt::format("more ions than cell-centre sites: the {}×{}×{} supercell (lattice.bz_grid) "
                       "has {} cells",
                       g[0], g[1], g[2], cells));
  if (ions.count == 1) {
    for (const char *name :
         {"min_separation", "ion_ion", "charge", "epsilon_r", "lambda_ion", "cutoff"})
      if (const auto *node = r.get(name))
        r.fail(*node, r.key(name), "applies to several ions only: set ions.count > 1");
    return;
  }
  // A crystal from phonopy: its cell is read when the crystal is built, which derives an
  // unwritten cutoff (0 here) and checks a written one (app::ion_ion_cutoff_A).
  const double half = 0.5 * shortest_supercell_edge_A(c);
  if (is_phonopy(c)) {
    if (!r.get("cutoff"))
      ions.cutoff = 0;
  } else if (!r.get("cutoff"))
    ions.cutoff = default_ion_cutoff_A(c);
  else if (!(ions.cutoff < half))
    r.fail(r.get("cutoff"), r.key("cutoff"), number_text(ions.cutoff),
           fmt::format("must be below half the supercell, {} Å (lattice.a × the smallest of "
                       "lattice.bz_grid / 2): the minimum image needs it",
                       number_text(half)));
  if (c.lattice.kind == LatticeKind::chain)
    r.fail(r.get("count"), r.key("count"), fmt::format("{}", ions.count),
           "several ions move in a three-dimensional framework (lattice.kind = \"chain\")");
  if (ions.cross_drag && c.run.method != RunMethod::time_local)
    r.fail(r.get("cross_drag"), r.key("cross_drag"), "true",
           "the cross-drag is a term of the time-local model (run.method = \"time-local\")");
}

const std::vector<Section> &schema() {
  static const std::vector<Section> sections{
      {"units", {[] {
         auto k = choice_key(
             "system", IONBATH_FIELD(units.system),
             std::vector{units::System::physical, units::System::seed001, units::System::seed003},
             "unit system of every input and output: physical (meV, Å, ps) or the dimensionless "
             "systems of seeds 001/003 (physics.md §6.1, §7.1); run, sweep and validate take "
             "\"physical\" only",
             everyone);
         k.omitted = [](const Config &c) { return c.units.system == units::System::physical; };
         return k;
       }()}},
      {"lattice",
       {[] {
          auto k = choice_key(
              "kind", IONBATH_FIELD(lattice.kind),
              std::vector{LatticeKind::simple_cubic, LatticeKind::chain, LatticeKind::phonopy},
              "simple cubic with k1/k2 springs, a chain along z (seeds 001, 003), or a crystal "
              "from phonopy's files (`file`; phonons only, physical units); run, sweep and "
              "validate take simple_cubic only",
              everyone);
          k.omitted = [](const Config &c) { return c.lattice.kind == LatticeKind::simple_cubic; };
          return k;
        }(),
        input_file_key(
            "file", IONBATH_FIELD(lattice.file),
            "phonopy: phonopy_params.yaml, phonopy.yaml or phonopy_disp.yaml (cells, masses, "
            "supercell matrix; force constants inside it or beside it)"),
        input_file_key("force_constants", IONBATH_FIELD(lattice.force_constants),
                       "phonopy: FORCE_CONSTANTS or force_constants.hdf5 (full or compact); "
                       "empty: the yaml's own, else FORCE_CONSTANTS, else force_constants.hdf5 "
                       "beside it"),
        [] {
          auto k =
              real_key("a", IONBATH_FIELD(lattice.a), positive("A"), "lattice constant", everyone);
          k.default_note = "3.0; seed001 simple cubic: 2";
          k.omitted = is_phonopy;
          return k;
        }(),
        [] {
          auto k = mass_key(IONBATH_FIELD(lattice.mass), "framework atom mass", everyone);
          k.default_note = "3.5; 1 in the seed unit systems";
          k.omitted = is_phonopy;
          return k;
        }(),
        [] {
          auto k = real_key("k1", IONBATH_FIELD(lattice.k1), positive("meV/A^2"),
                            "nearest-neighbour spring", everyone);
          k.default_note = "520.0; seed001 simple cubic: 15";
          k.omitted = is_phonopy;
          return k;
        }(),
        [] {
          auto k = real_key("k2", IONBATH_FIELD(lattice.k2), positive("meV/A^2"),
                            "next-nearest-neighbour spring (simple cubic)", everyone);
          k.default_note = "170.0; seed001 simple cubic: 5";
          k.omitted = is_phonopy;
          return k;
        }(),
        bz_grid_key(),
        [] {
          auto k =
              real_key("confinement", IONBATH_FIELD(lattice.confinement), non_negative("meV/A^2"),
                       "on-site spring κ of every atom (0: none; κ > 0 drops no mode at Γ, "
                       "𝓛 and sound speeds vanish); run, sweep and validate take 0 only",
                       everyone);
          k.omitted = [](const Config &c) { return c.lattice.confinement == 0.0; };
          return k;
        }(),
        chain_spring_key("k_parallel", IONBATH_FIELD(lattice.k_parallel),
                         "chain: longitudinal (z) nearest-neighbour spring"),
        chain_spring_key("k_perp", IONBATH_FIELD(lattice.k_perp),
                         "chain: transverse (x, y) nearest-neighbour spring")},
       resolve_lattice},
      {"ion",
       {[] {
          auto k =
              mass_key(IONBATH_FIELD(ion.mass), "mobile ion mass", trajectories | validate | loss);
          k.default_note = "0.7; 1 in the seed unit systems (μ = M/m)";
          return k;
        }(),
        ion_site_key()},
       resolve_ion},
      {"ions",
       {unless_changed(integer_key("count", IONBATH_FIELD(ions.count), {1, int_max},
                                   "mobile ions (1: the single ion of [ion])", trajectories),
                       IONBATH_FIELD(ions.count)),
        for_several_ions(
            real_key("min_separation", IONBATH_FIELD(ions.min_separation), non_negative("A"),
                     "minimum-image distance between the ions' starting sites", trajectories)),
        for_several_ions(choice_key("ion_ion", IONBATH_FIELD(ions.ion_ion),
                                    std::vector{IonIonKind::screened_coulomb, IonIonKind::none},
                                    "ion–ion interaction (physics.md §11.1; bare Coulomb needs "
                                    "Ewald sums and is not offered)",
                                    trajectories)),
        for_several_ions(real_key("charge", IONBATH_FIELD(ions.charge), any_finite(""),
                                  "charge number z of the ions", trajectories)),
        for_several_ions(real_key("epsilon_r", IONBATH_FIELD(ions.epsilon_r), positive(""),
                                  "relative permittivity ε_r", trajectories)),
        for_several_ions(real_key("lambda_ion", IONBATH_FIELD(ions.lambda_ion), positive("A"),
                                  "screening length λ_ion", trajectories)),
        [] {
          auto k = for_several_ions(real_key("cutoff", IONBATH_FIELD(ions.cutoff), positive("A"),
                                             "cutoff r_c of the ion–ion term (energy shifted "
                                             "to 0 there)",
                                             trajectories));
          k.allowed = "> 0, below half the supercell";
          k.default_note = "min(12, 0.45 a × min(bz_grid)); phonopy: min(12, 0.9 × half the "
                           "supercell's width)";
          // A phonopy crystal's derived cutoff (0 until the crystal is built) is not written.
          k.omitted = [](const Config &c) { return c.ions.count == 1 || c.ions.cutoff == 0; };
          return k;
        }(),
        for_several_ions(boolean_key("cross_drag", IONBATH_FIELD(ions.cross_drag),
                                     "time-local: the collective drag between ions whose lists "
                                     "share atoms (seed 002 Eq. 16, physics.md §11.3)",
                                     trajectories)),
        species_names_key(), species_count_key(),
        species_list_key("species_mass", IONBATH_FIELD(ions.species_mass), positive("meV ps^2/A^2"),
                         "mass of each species", "[ion] mass"),
        species_list_key("species_charge", IONBATH_FIELD(ions.species_charge), any_finite(""),
                         "charge number z of each species", "ions.charge"),
        species_list_key("species_U0", IONBATH_FIELD(ions.species_U0), any_finite("meV"),
                         "framework interaction strength U0 of each species", "interaction.U0"),
        species_list_key("species_lambda", IONBATH_FIELD(ions.species_lambda), positive("A"),
                         "framework interaction range λ of each species", "interaction.lambda"),
        table_species_key()},
       resolve_ions},
      {"interaction",
       {choice_key("kind", IONBATH_FIELD(interaction.kind),
                   std::vector{InteractionKind::yukawa, InteractionKind::gaussian},
                   "ion–framework pair potential: U0 exp(−r/λ)/r or U0 exp(−r²/2λ²)", trajectories),
        coupling_strength_key(),
        real_key("lambda", IONBATH_FIELD(interaction.lambda), positive("A"),
                 "range λ of the pair potential", trajectories),
        integer_key("extent", IONBATH_FIELD(interaction.extent), {1, 2},
                    "e → the (2e)³ framework atoms around the ion (1: the 8 corners of its cell)",
                    trajectories),
        interaction_cutoff_key()},
       resolve_interaction},
      {"run",
       {choice_key("method", IONBATH_FIELD(run.method),
                   std::vector{RunMethod::time_local, RunMethod::full},
                   "time-local (seed 002 Eqs. 18–20) or the whole periodic lattice of bz_grid plus "
                   "the ion (Eqs. 2–3; one trajectory per rank)",
                   trajectories),
        temperatures_key(),
        real_key("dt", IONBATH_FIELD(run.dt), {0.0, 0.1, true, false, "ps"}, "time step",
                 trajectories),
        integer_key("steps", IONBATH_FIELD(run.steps), {1}, "time steps per trajectory",
                    trajectories),
        integer_key("trajectories", IONBATH_FIELD(run.trajectories), {1, 1000000},
                    "independent trajectories per temperature", trajectories),
        integer_key("seed", IONBATH_FIELD(run.seed), {0},
                    "key of every random stream (bath phases and amplitudes)", trajectories),
        path_key("output", IONBATH_FIELD(run.output),
                 "results file; trajectories are `<stem>_T<i>_traj<k>.h5md`", trajectories),
        choice_key(
            "bath", IONBATH_FIELD(run.bath),
            std::vector{BathStatistics::quantum, BathStatistics::classical, BathStatistics::none},
            "framework motion: Bose occupations with zero point (seed 002 Eq. 23), "
            "equipartition, or none (r_H ≡ 0)",
            trajectories),
        boolean_key("drag", IONBATH_FIELD(run.drag),
                    "the drag term 𝓛 of seed 002 Eq. 20 (false: ablation)", trajectories),
        boolean_key("relaxation", IONBATH_FIELD(run.relaxation),
                    "the relaxation W(0) of seed 002 Eq. 19 (false: ablation)", trajectories),
        choice_key("full_scheme", IONBATH_FIELD(run.full_scheme),
                   std::vector{dynamics::FullScheme::rk5, dynamics::FullScheme::velocity_verlet},
                   "integrator of method = \"full\": RK5 (physics.md §0.4) or velocity Verlet",
                   trajectories),
        [] {
          auto k = integer_key("trajectory_stride", IONBATH_FIELD(run.trajectory_stride), {0},
                               "H5MD every n-th step (sweep: 0 writes none; run always writes, "
                               "every max(1, n)-th step)",
                               trajectories);
          k.allowed = "integer 0..steps";
          return k;
        }(),
        unless_changed(boolean_key("decompose", IONBATH_FIELD(run.decompose),
                                   "sweep: decompose every trajectory file by [decompose] (§8; "
                                   "needs trajectory_stride > 0)",
                                   sweep),
                       IONBATH_FIELD(run.decompose))},
       resolve_run},
      {"msd",
       {[] {
          auto k = integer_key("segments", IONBATH_FIELD(msd.segments), {1},
                               "segments of each trajectory for the MSD and its error bars", sweep);
          k.allowed = "integer 1..steps";
          k.default_note = "250; 2 when steps < 250";
          return k;
        }(),
        [] {
          auto k = real_key("fit_from_ps", IONBATH_FIELD(msd.fit_from_ps), non_negative("ps"),
                            "fit D on lags ≥ this", sweep);
          k.allowed = "≥ 0 and less than a segment, (steps / segments) · dt";
          k.default_note = "1.0; half a segment when segments are shorter";
          return k;
        }()},
       resolve_msd},
      {"parallel",
       {integer_key("ranks_per_trajectory", IONBATH_FIELD(parallel.ranks_per_trajectory),
                    {1, 65536},
                    "ranks sharing one trajectory's bath mode sum; divides the number of ranks "
                    "(also -P)",
                    trajectories)}},
      {"phonons",
       {zone_grid_key("green_grid", IONBATH_FIELD(phonons.green_grid), "the W(0) FFT",
                      "FFT grid of the static response W(0) (Richardson over N..N/8)", everyone),
        zone_grid_key("covariance_grid", IONBATH_FIELD(phonons.covariance_grid),
                      "the covariance FFT", "FFT grid of the continuum thermal covariance",
                      phonons),
        integer_key("w_range", IONBATH_FIELD(phonons.w_range), {1, 20},
                    "W_L(0) blocks for L in [−w_range, w_range]³", phonons),
        real_key("drag_rtol", IONBATH_FIELD(phonons.drag_rtol), {1e-14, 1e-2, false, false, ""},
                 "relative tolerance of the drag-matrix integral", everyone),
        real_key("wt_t_max_ps", IONBATH_FIELD(phonons.wt_t_max_ps),
                 {0.0, 1000.0, true, false, "ps"}, "W(t) on [0, wt_t_max_ps]", phonons),
        integer_key("wt_points", IONBATH_FIELD(phonons.wt_points), {2, 1000000},
                    "number of times of W(t)", phonons),
        dos_grid_key(),
        integer_key("dos_bins", IONBATH_FIELD(phonons.dos_bins), {1, 1000000},
                    "histogram bins of the density of states", phonons),
        dispersion_path_key(),
        [] {
          auto k = integer_key("path_subdivisions", IONBATH_FIELD(phonons.path_subdivisions),
                               {1, 100000}, "points per leg of the dispersion path", phonons);
          k.omitted = [](const Config &c) {
            return c.phonons.path_subdivisions == PhononsConfig{}.path_subdivisions;
          };
          return k;
        }(),
        path_key("output", IONBATH_FIELD(phonons.output), "phonons results file", phonons)}},
      {"validate",
       {full_lattice_size_key(),
        [] {
          auto k = real_key("ions_kT_meV", IONBATH_FIELD(validate.ions_kT_meV), non_negative("meV"),
                            "validate ions: k_B T of the thermal D* and H_R comparison of the "
                            "models with [run], [ions] (count 1: 8 ions) and [msd]; 0: the T = 0 "
                            "pair only",
                            validate);
          k.omitted = [](const Config &c) {
            return c.validate.ions_kT_meV == ValidateConfig{}.ions_kT_meV;
          };
          return k;
        }(),
        path_key("output", IONBATH_FIELD(validate.output), "validation results file", validate)}},
      {"loss",
       {omitted_when_derived(choice_key(
            "geometry", IONBATH_FIELD(loss.geometry),
            std::vector{dissipation::PassGeometry::single, dissipation::PassGeometry::square,
                        dissipation::PassGeometry::cube, dissipation::PassGeometry::line8,
                        dissipation::PassGeometry::chain},
            "framework atoms and path (seed 001 Figs. 2, 4, 5; line8: the "
            "trapped particle of Fig. 6)",
            loss)),
        real_list_key("offsets", IONBATH_FIELD(loss.offsets), non_negative("length"),
                      "transverse offsets s of the path"),
        real_list_key("lambdas", IONBATH_FIELD(loss.lambdas), positive("length"),
                      "ranges λ of the Gaussian interaction (line8: the first; unwritten 0.5)"),
        real_list_key("speeds", IONBATH_FIELD(loss.speeds), positive("length/time"),
                      "initial speeds of the pass"),
        speed_range_key(IONBATH_FIELD(loss.speeds), "loss", loss), loss_methods_key(),
        [] {
          auto k = unless_changed(real_key("Phi0", IONBATH_FIELD(loss.Phi0), any_finite("energy"),
                                           "Gaussian strength Φ0 (≠ 0)", loss),
                                  IONBATH_FIELD(loss.Phi0));
          k.omitted = [](const Config &c) {
            return c.loss.Phi0 == default_loss_Phi0(c.loss.geometry);
          };
          k.default_note = "0.01 (single, chain), 0.0025 (square, cube), 1 (line8)";
          k.allowed = "finite, ≠ 0";
          return k;
        }(),
        [] {
          auto k = unless_changed(integer_key("lattice_n", IONBATH_FIELD(loss.lattice_n), {0, 400},
                                              "simulated: periodic N³ lattice (a chain: N); 0: "
                                              "derived",
                                              loss),
                                  IONBATH_FIELD(loss.lattice_n));
          k.default_note = "chain: the shortest free of echoes (≥ 200); 3D: 50; line8: 100";
          return k;
        }(),
        [] {
          auto k = unless_changed(real_key("dt", IONBATH_FIELD(loss.dt),
                                           {0.0, 0.1, false, false, "time"},
                                           "simulated and line8: time step; 0: derived", loss),
                                  IONBATH_FIELD(loss.dt));
          k.default_note = "min(period of the highest mode / 100, λ / (20 v_max))";
          return k;
        }(),
        unless_changed(real_key("zone_rtol", IONBATH_FIELD(loss.zone_rtol),
                                {1e-12, 0.1, false, false, ""},
                                "relative tolerance of the Eq. 13 zone cubature", loss),
                       IONBATH_FIELD(loss.zone_rtol)),
        unless_changed(choice_key("echo_guard", IONBATH_FIELD(loss.echo_guard),
                                  std::vector{EchoGuard::warn, EchoGuard::refuse},
                                  "a simulated pass the lattice's echo can reach: warn (and flag "
                                  "the row) or refuse",
                                  loss),
                       IONBATH_FIELD(loss.echo_guard)),
        unless_changed(real_key("trap_speed", IONBATH_FIELD(loss.trap_speed),
                                positive("length/time"), "line8: initial speed σ̇0", loss),
                       IONBATH_FIELD(loss.trap_speed)),
        unless_changed(real_key("trap_start", IONBATH_FIELD(loss.trap_start),
                                {0.0, 7.0, false, false, "alpha"},
                                "line8: initial z in units of the spacing α", loss),
                       IONBATH_FIELD(loss.trap_start)),
        unless_changed(real_key("duration", IONBATH_FIELD(loss.duration), positive("time"),
                                "line8: length of the run", loss),
                       IONBATH_FIELD(loss.duration)),
        unless_changed(real_key("softening_factor", IONBATH_FIELD(loss.softening_factor),
                                {0.0, 2.0, false, false, ""},
                                "line8: f in U − f ∇Uᵀ W(0) ∇U of the time-local Eq. 26 (1: the "
                                "authors' Fig. 6 script)",
                                loss),
                       IONBATH_FIELD(loss.softening_factor)),
        unless_changed(integer_key("record_every", IONBATH_FIELD(loss.record_every), {1, 1000000},
                                   "line8: steps between trace samples", loss),
                       IONBATH_FIELD(loss.record_every)),
        unless_changed(path_key("output", IONBATH_FIELD(loss.output), "loss results file", loss),
                       IONBATH_FIELD(loss.output))},
       resolve_loss},
      {"chain",
       {chain_real_key("omega_fast", IONBATH_FIELD(chain.omega_fast), positive(""),
                       "Ω_fast/Ω_slow of the band (> 1)"),
        chain_real_key("alpha", IONBATH_FIELD(chain.alpha), positive("l_slow"),
                       "chain spacing α = a/l_slow"),
        chain_real_key("Phi0", IONBATH_FIELD(chain.Phi0), any_finite("hbar Omega_slow"),
                       "Gaussian strength Φ0 (≠ 0; > 0 repulsive)"),
        chain_real_key("lambda", IONBATH_FIELD(chain.lambda), positive("l_slow"),
                       "Gaussian width λ"),
        chain_real_key("mu", IONBATH_FIELD(chain.mu), positive(""), "particle mass μ = M/m"),
        chain_real_key("bias", IONBATH_FIELD(chain.bias), any_finite("hbar Omega_slow"),
                       "β: energy gained per distance α (force β/α); drift runs"),
        chain_modes_key(),
        real_list_key("speeds", IONBATH_FIELD(chain.speeds), positive("l_slow/period"),
                      "initial speeds σ̇0 of single_pass, drift and heat_map", chain),
        speed_range_key(IONBATH_FIELD(chain.speeds), "chain", chain),
        chain_real_key("tau", IONBATH_FIELD(chain.tau), positive("period"),
                       "length of drift and heat_map runs"),
        unless_changed(integer_key("steps_per_period", IONBATH_FIELD(chain.steps_per_period),
                                   {4, 1000000}, "d: time step δ = 1/(ω_fast d)", chain),
                       IONBATH_FIELD(chain.steps_per_period)),
        unless_changed(choice_key("engine", IONBATH_FIELD(chain.engine),
                                  std::vector{dissipation::ChainEngine::direct,
                                              dissipation::ChainEngine::memory},
                                  "the finite chain itself, or the memory kernel (§7.3)", chain),
                       IONBATH_FIELD(chain.engine)),
        unless_changed(boolean_key("both_signs", IONBATH_FIELD(chain.both_signs),
                                   "also run −Φ0 (attractive when Φ0 > 0)", chain),
                       IONBATH_FIELD(chain.both_signs)),
        unless_changed(integer_key("n_chain", IONBATH_FIELD(chain.n_chain), {0, 10000000},
                                   "drift, heat_map: interacting masses; 0: the whole path", chain),
                       IONBATH_FIELD(chain.n_chain)),
        unless_changed(
            integer_key("record_every", IONBATH_FIELD(chain.record_every), {0, 100000000},
                        "drift, heat_map: steps between samples; 0: ≤ 4000 samples", chain),
            IONBATH_FIELD(chain.record_every)),
        steady_speed_range_key(),
        unless_changed(choice_key("steady_exponent", IONBATH_FIELD(chain.steady_exponent),
                                  std::vector{dissipation::SteadyStateExponent::eq10,
                                              dissipation::SteadyStateExponent::authors_script},
                                  "Eq. 10's exponent, or the published script's (§7.5)", chain),
                       IONBATH_FIELD(chain.steady_exponent)),
        unless_changed(boolean_key("steady_broadened", IONBATH_FIELD(chain.steady_broadened),
                                   "also Δ̄ averaged over the speeds of a pass, per sign (§7.5)",
                                   chain),
                       IONBATH_FIELD(chain.steady_broadened)),
        real_list_key("omega_T", IONBATH_FIELD(chain.omega_T), non_negative(""),
                      "mobility: chain temperatures k_BT/ħΩ_slow (statistics: run.bath, "
                      "random phases: run.seed)",
                      chain),
        unless_changed(integer_key("replicas", IONBATH_FIELD(chain.replicas), {1, 1000000},
                                   "mobility: independent thermal chains per temperature", chain),
                       IONBATH_FIELD(chain.replicas)),
        unless_changed(path_key("output", IONBATH_FIELD(chain.output), "chain results file", chain),
                       IONBATH_FIELD(chain.output))},
       resolve_chain},
      {"decompose",
       {decompose_inputs_key(), decompose_format_key(),
        decompose_real_key("timestep_ps", IONBATH_FIELD(decompose.timestep_ps), non_negative("ps"),
                           "LAMMPS dumps: the MD time step (dumps store step numbers)"),
        decompose_real_key("frame_interval_ps", IONBATH_FIELD(decompose.frame_interval_ps),
                           non_negative("ps"),
                           "XDATCAR, extxyz without Time=: the time between stored frames"),
        decompose_temperatures_key(), decompose_species_key(), decompose_sites_key(),
        decompose_real_key("site_radius", IONBATH_FIELD(decompose.site_radius), non_negative("A"),
                           "hysteresis radius r_site (0: half the nearest-site distance)"),
        real_list_key("windows_ps", IONBATH_FIELD(decompose.windows_ps), positive("ps"),
                      "sampling windows Δt (rounded to whole frames)", decompose),
        window_range_key(),
        unless_changed(integer_key("origin_stride", IONBATH_FIELD(decompose.origin_stride),
                                   {1, int_max}, "frames between window origins", decompose),
                       IONBATH_FIELD(decompose.origin_stride)),
        unless_changed(integer_key("blocks", IONBATH_FIELD(decompose.blocks), {2, 100000},
                                   "time blocks of the error bars (§8.5)", decompose),
                       IONBATH_FIELD(decompose.blocks)),
        decompose_real_key("concerted_time_ps", IONBATH_FIELD(decompose.concerted_time_ps),
                           non_negative("ps"),
                           "τ_c: hops of different ions this close in time may be concerted"),
        decompose_real_key("concerted_radius", IONBATH_FIELD(decompose.concerted_radius),
                           non_negative("A"),
                           "r_c: departure sites this close are linked (0: 1.5 × the "
                           "nearest-site distance)"),
        decompose_real_key("arrhenius_window_ps", IONBATH_FIELD(decompose.arrhenius_window_ps),
                           non_negative("ps"),
                           "Δt of the per-mode Arrhenius fit (0: the longest window)"),
        unless_changed(path_key("output", IONBATH_FIELD(decompose.output), "decompose results file",
                                decompose),
                       IONBATH_FIELD(decompose.output))},
       resolve_decompose},
  };
  return sections;
}

#undef IONBATH_FIELD

std::vector<std::string_view> spellings(const Section &section) {
  std::vector<std::string_view> names;
  for (const auto &k : section.keys) {
    names.push_back(k.name);
    if (!k.alternative.empty())
      names.push_back(k.alternative);
  }
  return names;
}

bool spells(const Section &section, std::string_view name) {
  const auto names = spellings(section);
  return std::ranges::find(names, name) != names.end();
}

const Section *find_section(std::string_view name) {
  for (const auto &s : schema())
    if (s.name == name)
      return &s;
  return nullptr;
}

class Parser {
public:
  explicit Parser(std::string_view source) : source_(source) {}

  Config parse(std::string_view text) const {
    toml::table root;
    try {
      root = toml::parse(text, source_);
    } catch (const toml::parse_error &e) {
      throw InputError(fmt::format("{}:{}:{}: invalid TOML: {}", source_, e.source().begin.line,
                                   e.source().begin.column, e.description()));
    }
    check_sections(root);
    Config c;
    for (const auto &section : schema()) {
      const Reader r = reader(root, section);
      for (const auto &key : section.keys)
        key.read(r, c);
    }
    for (const auto &section : schema())
      if (section.resolve)
        section.resolve(reader(root, section), c);
    return c;
  }

private:
  Reader reader(const toml::table &root, const Section &section) const {
    return {source_, root.get_as<toml::table>(section.name), section.name};
  }

  void check_sections(const toml::table &root) const {
    std::vector<std::string_view> names;
    for (const auto &s : schema())
      names.push_back(s.name);
    for (const auto &[k, node] : root) {
      const Section *section = find_section(k.str());
      const Reader r{source_, nullptr, ""};
      if (!section) {
        if (!node.is_table()) {
          std::string hint;
          for (const auto &s : schema())
            if (spells(s, k.str())) {
              hint = fmt::format("; did you mean to put it in section [{}]?", s.name);
              break;
            }
          r.fail(node, k.str(), "key outside any section" + hint);
        }
        const auto suggestion = closest(k.str(), names);
        throw InputError(fmt::format(
            "{}:{}:{}: unknown section [{}]{}; valid sections: [{}]", source_,
            node.source().begin.line, node.source().begin.column, k.str(),
            suggestion ? fmt::format(" (did you mean '{}'?)", *suggestion) : std::string(),
            fmt::join(names, "], [")));
      }
      if (!node.is_table())
        r.fail(node, k.str(),
               fmt::format("must be a section [{}], got {}", k.str(), type_name(node)));
      check_keys(*node.as_table(), *section);
    }
  }

  void check_keys(const toml::table &t, const Section &section) const {
    const auto valid = spellings(section);
    for (const auto &[k, node] : t) {
      if (spells(section, k.str()))
        continue;
      std::string hint;
      if (const auto suggestion = closest(k.str(), valid))
        hint = fmt::format("; did you mean '{}'?", *suggestion);
      else
        for (const auto &other : schema())
          if (spells(other, k.str())) {
            hint = fmt::format("; '{}' belongs in section [{}]", k.str(), other.name);
            break;
          }
      const Reader r{source_, nullptr, ""};
      r.fail(node, fmt::format("{}.{}", section.name, k.str()),
             fmt::format("unknown key in section [{}]{} (valid keys: {})", section.name, hint,
                         fmt::join(valid, ", ")));
    }
  }

  std::string_view source_;
};

// Internal ASCII units as the key tables show them (A → Å, ^2 → ²).
std::string display_unit(std::string_view unit) {
  std::string out;
  for (std::size_t i = 0; i < unit.size(); ++i) {
    const bool alone =
        (i == 0 || !std::isalpha(static_cast<unsigned char>(unit[i - 1]))) &&
        (i + 1 == unit.size() || !std::isalpha(static_cast<unsigned char>(unit[i + 1])));
    if (unit[i] == 'A' && alone)
      out += "Å";
    else if (unit.substr(i, 2) == "^2") {
      out += "²";
      ++i;
    } else
      out += unit[i];
  }
  return out;
}

std::string used_by_text(unsigned used_by) {
  static constexpr std::pair<Uses, const char *> names[] = {
      {phonons, "phonons"}, {run, "run"},     {sweep, "sweep"},        {validate, "validate"},
      {loss, "loss"},       {chain, "chain"}, {decompose, "decompose"}};
  std::vector<std::string> out;
  for (const auto &[bit, name] : names)
    if (used_by & bit)
      out.push_back(name);
  return fmt::format("{}", fmt::join(out, ", "));
}

} // namespace

Config default_config() {
  return Config{};
}

Config parse_config(std::string_view toml_text, std::string_view source_name) {
  return Parser(source_name).parse(toml_text);
}

Config load_config(const std::string &path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw InputError(fmt::format("{}: cannot read configuration file: no such file", path));
  if (!std::filesystem::is_regular_file(path, ec))
    throw InputError(fmt::format("{}: cannot read configuration file: not a regular file", path));
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in || !text)
    throw InputError(fmt::format("{}: cannot read configuration file", path));
  return parse_config(text.str(), path);
}

std::string to_toml(const Config &c) {
  std::string out;
  for (const auto &section : schema()) {
    std::string lines;
    for (const auto &key : section.keys)
      if (!key.omitted || !key.omitted(c))
        lines += fmt::format("{} = {}{}\n", key.name, key.value(c),
                             key.unit.empty() ? "" : fmt::format("  # {}", key.unit));
    if (!lines.empty())
      out += fmt::format("{}[{}]\n{}", out.empty() ? "" : "\n", section.name, lines);
  }
  return out;
}

std::string config_keys_markdown() {
  const Config defaults = default_config();
  std::string out = "| key | default | allowed | unit | used by | meaning |\n"
                    "|---|---|---|---|---|---|\n";
  for (const auto &section : schema()) {
    out += fmt::format("| **[{}]** | | | | | |\n", section.name);
    for (const auto &k : section.keys) {
      const std::string name = k.alternative.empty()
                                   ? fmt::format("`{}`", k.name)
                                   : fmt::format("`{}` / `{}`", k.name, k.alternative);
      const std::string fallback =
          k.default_note.empty() ? k.value(defaults) : std::string(k.default_note);
      out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", name, fallback, k.allowed,
                         display_unit(k.unit), used_by_text(k.used_by), k.doc);
    }
  }
  return out;
}

Config canonical(const Config &config) {
  Config c = config;
  const Config defaults = default_config();
  c.parallel = defaults.parallel;
  c.run.output = defaults.run.output;
  c.phonons.output = defaults.phonons.output;
  c.validate.output = defaults.validate.output;
  c.loss.output = defaults.loss.output;
  c.chain.output = defaults.chain.output;
  c.decompose.output = defaults.decompose.output;
  return c;
}

std::string config_hash(const Config &config) {
  std::uint64_t h = 0xcbf29ce484222325ull; // FNV-1a 64-bit offset basis
  for (const unsigned char byte : to_toml(config)) {
    h ^= byte;
    h *= 0x100000001b3ull; // FNV prime
  }
  return fmt::format("{:016x}", h);
}

} // namespace ionbath::io
