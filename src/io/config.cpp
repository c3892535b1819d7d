#include "ionbath/io/config.hpp"

#include "ionbath/core/error.hpp"
#include "ionbath/core/units.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
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

std::string_view to_string(InteractionKind kind) {
  return kind == InteractionKind::yukawa ? "yukawa" : "gaussian";
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

std::string_view to_string(FullScheme scheme) {
  return scheme == FullScheme::rk5 ? "rk5" : "verlet";
}

std::string_view to_string(RunMethod method) {
  return method == RunMethod::time_local ? "time-local" : "full";
}

std::string_view to_string(LatticeKind kind) {
  return kind == LatticeKind::simple_cubic ? "simple_cubic" : "chain";
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

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr std::int64_t int_max = std::numeric_limits<int>::max();
constexpr std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();

struct SectionKeys {
  std::string_view section;
  std::vector<std::string_view> keys;
};

const std::vector<SectionKeys> &schema() {
  static const std::vector<SectionKeys> s{
      {"units", {"system"}},
      {"lattice",
       {"kind", "a", "mass", "mass_Da", "k1", "k2", "bz_grid", "confinement", "k_parallel",
        "k_perp"}},
      {"ion", {"mass", "mass_Da"}},
      {"interaction", {"kind", "U0", "lambda", "extent"}},
      {"run",
       {"method", "kT_meV", "temperature_K", "dt", "steps", "trajectories", "seed", "output",
        "trajectory_stride", "bath", "drag", "relaxation", "full_scheme"}},
      {"msd", {"segments", "fit_from_ps"}},
      {"parallel", {"ranks_per_trajectory"}},
      {"phonons",
       {"green_grid", "covariance_grid", "w_range", "drag_rtol", "wt_t_max_ps", "wt_points",
        "dos_grid", "dos_bins", "path", "path_subdivisions", "output"}},
      {"validate", {"lattice_n", "output"}},
  };
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The closest candidate to a misspelt name, if it is plausibly a misspelling (or a prefix).
std::optional<std::string_view> closest(std::string_view name,
                                        const std::vector<std::string_view> &candidates) {
  const auto key = lower(name);
  std::optional<std::string_view> best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (const auto candidate : candidates) {
    const auto c = lower(candidate);
    std::size_t d = edit_distance(key, c);
    if (!key.empty() && (c.starts_with(key) || key.starts_with(c)))
      d = std::min<std::size_t>(d, 1);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  if (best && best_distance <= std::max<std::size_t>(2, best->size() / 3))
    return best;
  return std::nullopt;
}

std::string toml_string(std::string_view s);
std::string number_text(double x);

// The value as the user wrote it (normalised), shortened if long.
std::string node_text(const toml::node &node) {
  std::string text;
  if (const auto *s = node.as_string())
    text = toml_string(s->get());
  else if (const auto *i = node.as_integer())
    text = fmt::format("{}", i->get());
  else if (const auto *x = node.as_floating_point())
    text = number_text(x->get());
  else if (const auto *b = node.as_boolean())
    text = b->get() ? "true" : "false";
  else if (const auto *array = node.as_array()) {
    std::vector<std::string> items;
    for (const auto &item : *array)
      items.push_back(node_text(item));
    text = fmt::format("[{}]", fmt::join(items, ", "));
  } else if (node.is_table())
    text = "{...}";
  else {
    std::ostringstream os;
    node.visit([&os](const auto &n) { os << n; });
    text = os.str();
  }
  if (text.size() > 60)
    text = text.substr(0, 57) + "...";
  return text;
}

std::string type_name(const toml::node &node) {
  switch (node.type()) {
  case toml::node_type::string:
    return "a string";
  case toml::node_type::integer:
    return "an integer";
  case toml::node_type::floating_point:
    return "a float";
  case toml::node_type::boolean:
    return "a boolean";
  case toml::node_type::array:
    return "an array";
  case toml::node_type::table:
    return "a table";
  default:
    return "a date/time";
  }
}

std::string number_text(double x) {
  auto s = fmt::format("{}", x);
  if (std::isfinite(x) && s.find_first_of(".e") == std::string::npos)
    s += ".0";
  return s;
}

std::string toml_string(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
        out += fmt::format("\\u{:04X}", static_cast<unsigned char>(c));
      else
        out += c;
    }
  }
  return out + "\"";
}

std::string gib(double bytes) {
  return fmt::format("{:.3g} GiB", bytes / (1024.0 * 1024.0 * 1024.0));
}

// Allowed interval of a real value, for the check and for the error message.
struct RealRange {
  double min = -inf, max = inf;
  bool min_open = false, max_open = false;
  std::string_view unit;

  bool contains(double x) const {
    return std::isfinite(x) && (min_open ? x > min : x >= min) && (max_open ? x < max : x <= max);
  }
  std::string describe() const {
    std::string text;
    if (max == inf)
      text = fmt::format("a finite number {} {}", min_open ? ">" : ">=", number_text(min));
    else if (min == -inf)
      text = fmt::format("a finite number {} {}", max_open ? "<" : "<=", number_text(max));
    else
      text = fmt::format("a number in {}{}, {}{}", min_open ? "(" : "[", number_text(min),
                         number_text(max), max_open ? ")" : "]");
    if (!unit.empty())
      text += fmt::format(" ({})", unit);
    return text;
  }
};
RealRange positive(std::string_view unit) {
  return {0.0, inf, true, false, unit};
}
RealRange non_negative(std::string_view unit) {
  return {0.0, inf, false, false, unit};
}

struct IntRange {
  std::int64_t min = 0, max = int64_max;
  std::string describe() const {
    return max == int64_max ? fmt::format("an integer >= {}", min)
                            : fmt::format("an integer in [{}, {}]", min, max);
  }
};

class Parser {
public:
  explicit Parser(std::string_view source) : source_(source) {}

  // "<source>:<line>:<column>: <key> = <value>: <problem>" (location omitted for defaults).
  [[noreturn]] void fail(const toml::node *node, std::string_view key, std::string_view value,
                         std::string_view problem) const {
    std::string where(source_);
    if (node && node->source().begin)
      where += fmt::format(":{}:{}", node->source().begin.line, node->source().begin.column);
    throw InputError(fmt::format("{}: {} = {}: {}", where, key, value, problem));
  }
  [[noreturn]] void fail(const toml::node &node, std::string_view key,
                         std::string_view problem) const {
    fail(&node, key, node_text(node), problem);
  }

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
    read_units(table(root, "units"), c.units);
    read_lattice(table(root, "lattice"), c.lattice);
    read_ion(table(root, "ion"), c.ion);
    read_interaction(table(root, "interaction"), c.interaction);
    read_run(table(root, "run"), c.run);
    read_msd(table(root, "msd"), c.msd, c.run);
    read_parallel(table(root, "parallel"), c.parallel);
    read_phonons(table(root, "phonons"), c.phonons);
    read_validate(table(root, "validate"), c.validate);
    return c;
  }

private:
  struct Section {
    const toml::table *table;
    std::string_view name;
    const toml::node *get(std::string_view key) const { return table ? table->get(key) : nullptr; }
    std::string key(std::string_view k) const { return fmt::format("{}.{}", name, k); }
  };

  Section table(const toml::table &root, std::string_view name) const {
    return {root.get_as<toml::table>(name), name};
  }

  void check_sections(const toml::table &root) const {
    std::vector<std::string_view> names;
    for (const auto &s : schema())
      names.push_back(s.section);
    for (const auto &[k, node] : root) {
      const auto it = std::find_if(schema().begin(), schema().end(),
                                   [&](const SectionKeys &s) { return s.section == k.str(); });
      if (it == schema().end()) {
        if (!node.is_table()) {
          std::string hint;
          for (const auto &s : schema())
            if (std::find(s.keys.begin(), s.keys.end(), k.str()) != s.keys.end()) {
              hint = fmt::format("; did you mean to put it in section [{}]?", s.section);
              break;
            }
          fail(node, k.str(), "key outside any section" + hint);
        }
        const auto suggestion = closest(k.str(), names);
        throw InputError(fmt::format(
            "{}:{}:{}: unknown section [{}]{}; valid sections: [{}]", source_,
            node.source().begin.line, node.source().begin.column, k.str(),
            suggestion ? fmt::format(" (did you mean '{}'?)", *suggestion) : std::string(),
            fmt::join(names, "], [")));
      }
      if (!node.is_table())
        fail(node, k.str(),
             fmt::format("must be a section [{}], got {}", k.str(), type_name(node)));
      check_keys(*node.as_table(), *it);
    }
  }

  void check_keys(const toml::table &t, const SectionKeys &section) const {
    for (const auto &[k, node] : t) {
      if (std::find(section.keys.begin(), section.keys.end(), k.str()) != section.keys.end())
        continue;
      std::string hint;
      if (const auto suggestion = closest(k.str(), section.keys))
        hint = fmt::format("; did you mean '{}'?", *suggestion);
      else
        for (const auto &other : schema())
          if (std::find(other.keys.begin(), other.keys.end(), k.str()) != other.keys.end()) {
            hint = fmt::format("; '{}' belongs in section [{}]", k.str(), other.section);
            break;
          }
      fail(node, fmt::format("{}.{}", section.section, k.str()),
           fmt::format("unknown key in section [{}]{} (valid keys: {})", section.section, hint,
                       fmt::join(section.keys, ", ")));
    }
  }

  double real_value(const toml::node &node, std::string_view key, const RealRange &range) const {
    if (!node.is_number())
      fail(node, key, fmt::format("must be {}, got {}", range.describe(), type_name(node)));
    const double x = *node.value<double>();
    if (!range.contains(x))
      fail(node, key, fmt::format("must be {}", range.describe()));
    return x;
  }

  double real(const Section &s, std::string_view name, double fallback,
              const RealRange &range) const {
    const auto *node = s.get(name);
    return node ? real_value(*node, s.key(name), range) : fallback;
  }

  std::int64_t integer_value(const toml::node &node, std::string_view key,
                             const IntRange &range) const {
    if (!node.is_integer())
      fail(node, key, fmt::format("must be {}, got {}", range.describe(), type_name(node)));
    const auto x = node.as_integer()->get();
    if (x < range.min || x > range.max)
      fail(node, key, fmt::format("must be {}", range.describe()));
    return x;
  }

  std::int64_t integer(const Section &s, std::string_view name, std::int64_t fallback,
                       const IntRange &range) const {
    const auto *node = s.get(name);
    return node ? integer_value(*node, s.key(name), range) : fallback;
  }

  std::string text(const Section &s, std::string_view name, std::string fallback) const {
    const auto *node = s.get(name);
    if (!node)
      return fallback;
    if (!node->is_string())
      fail(*node, s.key(name), fmt::format("must be a string, got {}", type_name(*node)));
    auto value = node->as_string()->get();
    if (value.find_first_not_of(" \t") == std::string::npos)
      fail(*node, s.key(name), "must be a non-empty string");
    return value;
  }

  template <class Enum>
  Enum choice(const Section &s, std::string_view name, Enum fallback,
              std::initializer_list<Enum> options) const {
    const auto *node = s.get(name);
    if (!node)
      return fallback;
    std::vector<std::string> names;
    for (const auto option : options)
      names.push_back(toml_string(to_string(option)));
    const auto allowed = fmt::format("must be one of {}", fmt::join(names, ", "));
    if (!node->is_string())
      fail(*node, s.key(name), fmt::format("{}, got {}", allowed, type_name(*node)));
    for (const auto option : options)
      if (to_string(option) == node->as_string()->get())
        return option;
    fail(*node, s.key(name), allowed);
  }

  // A pair of alternative keys for one quantity: `plain` in internal units, `other` converted.
  double mass(const Section &s, double fallback) const {
    const auto *plain = s.get("mass");
    const auto *da = s.get("mass_Da");
    if (plain && da)
      fail(*da, s.key("mass_Da"),
           fmt::format("conflicts with {} = {}; give only one of them", s.key("mass"),
                       node_text(*plain)));
    if (da)
      return units::dalton_to_mass(real_value(*da, s.key("mass_Da"), positive("Da")));
    return real(s, "mass", fallback, positive("meV ps^2/A^2"));
  }

  void check_memory(const toml::node *node, std::string_view key, std::string_view value,
                    double bytes, std::string_view what) const {
    if (bytes > max_grid_memory_bytes)
      fail(node, key, value,
           fmt::format("{} would need {} of memory, more than the limit of {}", what, gib(bytes),
                       gib(max_grid_memory_bytes)));
  }

  void read_units(const Section &s, UnitsConfig &c) const {
    c.system = choice(s, "system", c.system,
                      {units::System::physical, units::System::seed001, units::System::seed003});
  }

  void read_lattice(const Section &s, LatticeConfig &c) const {
    c.kind = choice(s, "kind", c.kind, {LatticeKind::simple_cubic, LatticeKind::chain});
    c.a = real(s, "a", c.a, positive("A"));
    c.mass = mass(s, c.mass);
    c.k1 = real(s, "k1", c.k1, positive("meV/A^2"));
    c.k2 = real(s, "k2", c.k2, positive("meV/A^2"));
    if (const auto *node = s.get("bz_grid")) {
      const auto key = s.key("bz_grid");
      const auto *array = node->as_array();
      if (!array || array->size() != 3)
        fail(*node, key,
             fmt::format("must be an array of 3 integers [N1, N2, N3], got {}",
                         array ? fmt::format("{} elements", array->size()) : type_name(*node)));
      std::array<double, 3> n{};
      for (std::size_t i = 0; i < 3; ++i)
        n[i] = double(integer_value(*array->get(i), fmt::format("{}[{}]", key, i), {1}));
      const double modes_bytes = 3.0 * (n[0] * n[1] * n[2] - 1.0) * mode_set_bytes_per_mode;
      check_memory(node, key, node_text(*node), modes_bytes,
                   fmt::format("the mode set of {:.4g} modes", 3.0 * (n[0] * n[1] * n[2] - 1.0)));
      if (n[0] * n[1] * n[2] < 2)
        fail(*node, key, "needs at least 2 grid points (the q = 0 point is dropped)");
      c.bz_grid = {int(n[0]), int(n[1]), int(n[2])};
    }
    c.confinement = real(s, "confinement", c.confinement, non_negative("meV/A^2"));
    if (c.kind == LatticeKind::chain)
      read_chain(s, c);
  }

  // Derived defaults of a chain: springs k1, a BZ grid of 200 × 1 × 1 (seed 001 Fig. 2's length).
  void read_chain(const Section &s, LatticeConfig &c) const {
    c.k_parallel = real(s, "k_parallel", c.k1, non_negative("meV/A^2"));
    c.k_perp = real(s, "k_perp", c.k1, non_negative("meV/A^2"));
    if (const auto *node = s.get("bz_grid")) {
      if (c.bz_grid[1] != 1 || c.bz_grid[2] != 1)
        fail(*node, s.key("bz_grid"), "a chain's BZ grid is [N, 1, 1] (lattice.kind = \"chain\")");
    } else {
      c.bz_grid = {200, 1, 1};
    }
    if (c.confinement == 0 && (c.k_parallel == 0 || c.k_perp == 0)) {
      const bool par = c.k_parallel == 0;
      fail(s.get(par ? "k_parallel" : "k_perp"), s.key(par ? "k_parallel" : "k_perp"), "0",
           "an unconfined chain needs positive springs in every direction (otherwise its modes "
           "have Ω = 0): set lattice.confinement > 0 or a positive spring");
    }
  }

  void read_ion(const Section &s, IonConfig &c) const { c.mass = mass(s, c.mass); }

  void read_interaction(const Section &s, InteractionConfig &c) const {
    c.kind = choice(s, "kind", c.kind, {InteractionKind::yukawa, InteractionKind::gaussian});
    if (c.kind == InteractionKind::yukawa)
      c.U0 = real(s, "U0", c.U0, positive("meV; the Yukawa potential is repulsive"));
    else if (const auto *node = s.get("U0")) {
      c.U0 = real_value(*node, s.key("U0"), {-inf, inf, false, false, "meV"});
      if (c.U0 == 0.0)
        fail(*node, s.key("U0"), "must be a non-zero finite number (meV)");
    }
    c.lambda = real(s, "lambda", c.lambda, positive("A"));
    c.extent = int(integer(s, "extent", c.extent, {1, 2}));
  }

  std::vector<double> temperatures(const Section &s, std::vector<double> fallback) const {
    const auto *kT = s.get("kT_meV");
    const auto *K = s.get("temperature_K");
    if (kT && K)
      fail(*K, s.key("temperature_K"),
           fmt::format("conflicts with {} = {}; give only one of them", s.key("kT_meV"),
                       node_text(*kT)));
    const auto *node = kT ? kT : K;
    if (!node)
      return fallback;
    const auto key = s.key(kT ? "kT_meV" : "temperature_K");
    const auto range = positive(kT ? "meV" : "K");
    const auto *array = node->as_array();
    if (!array)
      fail(*node, key, fmt::format("must be an array of numbers, got {}", type_name(*node)));
    if (array->empty())
      fail(*node, key, "must list at least one temperature");
    std::vector<double> out;
    for (std::size_t i = 0; i < array->size(); ++i) {
      const double t = real_value(*array->get(i), fmt::format("{}[{}]", key, i), range);
      out.push_back(kT ? t : units::kelvin_to_meV(t));
    }
    return out;
  }

  void read_run(const Section &s, RunConfig &c) const {
    c.method = choice(s, "method", c.method, {RunMethod::time_local, RunMethod::full});
    c.kT_meV = temperatures(s, c.kT_meV);
    c.dt = real(s, "dt", c.dt, {0.0, 0.1, true, false, "ps"});
    c.steps = integer(s, "steps", c.steps, {1});
    c.trajectories = integer(s, "trajectories", c.trajectories, {1, 1000000});
    c.seed = integer(s, "seed", c.seed, {0});
    c.output = text(s, "output", c.output);
    c.trajectory_stride = integer(s, "trajectory_stride", c.trajectory_stride, {0});
    if (c.trajectory_stride > c.steps)
      fail(s.get("trajectory_stride"), s.key("trajectory_stride"),
           fmt::format("{}", c.trajectory_stride),
           fmt::format("must be in [0, run.steps = {}] (0 writes no trajectory)", c.steps));
    c.bath = choice(s, "bath", c.bath,
                    {BathStatistics::quantum, BathStatistics::classical, BathStatistics::none});
    c.drag = boolean(s, "drag", c.drag);
    c.relaxation = boolean(s, "relaxation", c.relaxation);
    c.full_scheme = choice(s, "full_scheme", c.full_scheme, {FullScheme::rk5, FullScheme::verlet});
  }

  bool boolean(const Section &s, std::string_view name, bool fallback) const {
    const auto *node = s.get(name);
    if (!node)
      return fallback;
    if (!node->is_boolean())
      fail(*node, s.key(name), fmt::format("must be true or false, got {}", type_name(*node)));
    return node->as_boolean()->get();
  }

  void read_msd(const Section &s, MsdConfig &c, const RunConfig &run) const {
    c.segments = integer(s, "segments", c.segments, {1});
    if (c.segments > run.steps)
      fail(s.get("segments"), s.key("segments"), fmt::format("{}", c.segments),
           fmt::format("must be in [1, run.steps = {}]: every segment needs at least one step",
                       run.steps));
    c.fit_from_ps = real(s, "fit_from_ps", c.fit_from_ps, {0.0, inf, false, false, "ps"});
    const double segment_ps = double(run.steps / c.segments) * run.dt;
    if (c.fit_from_ps >= segment_ps)
      fail(s.get("fit_from_ps"), s.key("fit_from_ps"), number_text(c.fit_from_ps),
           fmt::format("must be in [0, {}) ps: the fit window has to start inside a segment "
                       "of run.steps/msd.segments * run.dt = {} ps",
                       number_text(segment_ps), number_text(segment_ps)));
  }

  void read_parallel(const Section &s, ParallelConfig &c) const {
    c.ranks_per_trajectory =
        int(integer(s, "ranks_per_trajectory", c.ranks_per_trajectory, {1, 65536}));
  }

  // A Brillouin-zone grid of the Richardson-extrapolated zone averages (crystal/zone_average):
  // a multiple of 8 and at least 64, within the memory limit.
  int zone_grid(const Section &s, std::string_view name, int fallback,
                std::string_view what) const {
    const auto *node = s.get(name);
    if (!node)
      return fallback;
    const auto key = s.key(name);
    const auto n = integer_value(*node, key, {64});
    if (n % 8 != 0)
      fail(*node, key,
           "must be a multiple of 8 and >= 64 (Richardson extrapolation over N, N/2, N/4, N/8)");
    check_memory(node, key, node_text(*node), green_fft_memory_bytes(int(std::min(n, int_max))),
                 fmt::format("{} on {}^3 points", what, n));
    return int(n);
  }

  void read_validate(const Section &s, ValidateConfig &c) const {
    c.lattice_n = int(integer(s, "lattice_n", c.lattice_n, {0, 400}));
    if (c.lattice_n != 0 && c.lattice_n < 8)
      fail(s.get("lattice_n"), s.key("lattice_n"), fmt::format("{}", c.lattice_n),
           "must be 0 (the paper's lattice) or between 8 and 400");
    c.output = text(s, "output", c.output);
  }

  void read_phonons(const Section &s, PhononsConfig &c) const {
    c.green_grid = zone_grid(s, "green_grid", c.green_grid, "the W(0) FFT");
    c.covariance_grid = zone_grid(s, "covariance_grid", c.covariance_grid, "the covariance FFT");
    c.w_range = int(integer(s, "w_range", c.w_range, {1, 20}));
    c.drag_rtol = real(s, "drag_rtol", c.drag_rtol, {1e-14, 1e-2, false, false, ""});
    c.wt_t_max_ps = real(s, "wt_t_max_ps", c.wt_t_max_ps, {0.0, 1000.0, true, false, "ps"});
    c.wt_points = int(integer(s, "wt_points", c.wt_points, {2, 1000000}));
    if (const auto *node = s.get("dos_grid")) {
      const auto key = s.key("dos_grid");
      const auto n = integer_value(*node, key, {2});
      const double d = double(n);
      check_memory(node, key, node_text(*node), 3.0 * d * d * d * mode_set_bytes_per_mode,
                   fmt::format("the density-of-states mode set on {}^3 points", n));
      c.dos_grid = int(n);
    }
    c.dos_bins = int(integer(s, "dos_bins", c.dos_bins, {1, 1000000}));
    read_path(s, c);
    c.output = text(s, "output", c.output);
  }

  // [phonons] path: at least two corners [f1, f2, f3], |f_i| ≤ 10.
  void read_path(const Section &s, PhononsConfig &c) const {
    c.path_subdivisions = int(integer(s, "path_subdivisions", c.path_subdivisions, {1, 100000}));
    const auto *node = s.get("path");
    if (!node)
      return;
    const auto key = s.key("path");
    const auto *array = node->as_array();
    if (!array || array->size() < 2)
      fail(*node, key,
           fmt::format("must be an array of at least 2 corners [f1, f2, f3] (fractions of the "
                       "reciprocal lattice vectors), got {}",
                       array ? fmt::format("{} corners", array->size()) : type_name(*node)));
    c.path.clear();
    for (std::size_t i = 0; i < array->size(); ++i) {
      const auto *corner = array->get(i)->as_array();
      const auto corner_key = fmt::format("{}[{}]", key, i);
      if (!corner || corner->size() != 3)
        fail(*array->get(i), corner_key, "must be a corner [f1, f2, f3] of 3 numbers");
      std::array<double, 3> f{};
      for (std::size_t k = 0; k < 3; ++k)
        f[k] = real_value(*corner->get(k), fmt::format("{}[{}]", corner_key, k),
                          {-10.0, 10.0, false, false, ""});
      c.path.push_back(f);
    }
  }

  std::string_view source_;
};

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
  std::vector<std::string> kT;
  for (const double t : c.run.kT_meV)
    kT.push_back(number_text(t));
  std::string out;
  auto line = [&out](std::string_view key, std::string_view value, std::string_view comment) {
    out += fmt::format("{} = {}{}\n", key, value,
                       comment.empty() ? "" : fmt::format("  # {}", comment));
  };
  const Config seed002 = default_config();
  if (c.units != seed002.units) {
    out += "[units]\n";
    line("system", toml_string(to_string(c.units.system)), "");
    out += "\n";
  }
  out += "[lattice]\n";
  if (c.lattice.kind != seed002.lattice.kind)
    line("kind", toml_string(to_string(c.lattice.kind)), "");
  line("a", number_text(c.lattice.a), "A");
  line("mass", number_text(c.lattice.mass), "meV ps^2/A^2");
  line("k1", number_text(c.lattice.k1), "meV/A^2");
  line("k2", number_text(c.lattice.k2), "meV/A^2");
  line("bz_grid", fmt::format("[{}]", fmt::join(c.lattice.bz_grid, ", ")), "");
  if (c.lattice.confinement != seed002.lattice.confinement)
    line("confinement", number_text(c.lattice.confinement), "meV/A^2");
  if (c.lattice.kind == LatticeKind::chain) {
    line("k_parallel", number_text(c.lattice.k_parallel), "meV/A^2");
    line("k_perp", number_text(c.lattice.k_perp), "meV/A^2");
  }
  out += "\n[ion]\n";
  line("mass", number_text(c.ion.mass), "meV ps^2/A^2");
  out += "\n[interaction]\n";
  line("kind", toml_string(to_string(c.interaction.kind)), "");
  line("U0", number_text(c.interaction.U0), "meV");
  line("lambda", number_text(c.interaction.lambda), "A");
  line("extent", fmt::format("{}", c.interaction.extent), "");
  out += "\n[run]\n";
  line("method", toml_string(to_string(c.run.method)), "");
  line("kT_meV", fmt::format("[{}]", fmt::join(kT, ", ")), "meV");
  line("dt", number_text(c.run.dt), "ps");
  line("steps", fmt::format("{}", c.run.steps), "");
  line("trajectories", fmt::format("{}", c.run.trajectories), "");
  line("seed", fmt::format("{}", c.run.seed), "");
  line("output", toml_string(c.run.output), "");
  line("bath", toml_string(to_string(c.run.bath)), "");
  line("drag", c.run.drag ? "true" : "false", "");
  line("relaxation", c.run.relaxation ? "true" : "false", "");
  line("full_scheme", toml_string(to_string(c.run.full_scheme)), "");
  line("trajectory_stride", fmt::format("{}", c.run.trajectory_stride), "");
  out += "\n[msd]\n";
  line("segments", fmt::format("{}", c.msd.segments), "");
  line("fit_from_ps", number_text(c.msd.fit_from_ps), "ps");
  out += "\n[parallel]\n";
  line("ranks_per_trajectory", fmt::format("{}", c.parallel.ranks_per_trajectory), "");
  out += "\n[phonons]\n";
  line("green_grid", fmt::format("{}", c.phonons.green_grid), "");
  line("covariance_grid", fmt::format("{}", c.phonons.covariance_grid), "");
  line("w_range", fmt::format("{}", c.phonons.w_range), "");
  line("drag_rtol", number_text(c.phonons.drag_rtol), "");
  line("wt_t_max_ps", number_text(c.phonons.wt_t_max_ps), "ps");
  line("wt_points", fmt::format("{}", c.phonons.wt_points), "");
  line("dos_grid", fmt::format("{}", c.phonons.dos_grid), "");
  line("dos_bins", fmt::format("{}", c.phonons.dos_bins), "");
  if (!c.phonons.path.empty()) {
    std::vector<std::string> corners;
    for (const auto &f : c.phonons.path)
      corners.push_back(
          fmt::format("[{}, {}, {}]", number_text(f[0]), number_text(f[1]), number_text(f[2])));
    line("path", fmt::format("[{}]", fmt::join(corners, ", ")), "");
  }
  if (c.phonons.path_subdivisions != seed002.phonons.path_subdivisions)
    line("path_subdivisions", fmt::format("{}", c.phonons.path_subdivisions), "");
  line("output", toml_string(c.phonons.output), "");
  out += "\n[validate]\n";
  line("lattice_n", fmt::format("{}", c.validate.lattice_n), "");
  line("output", toml_string(c.validate.output), "");
  return out;
}

Config canonical(const Config &config) {
  Config c = config;
  const Config defaults = default_config();
  c.parallel = defaults.parallel;
  c.run.output = defaults.run.output;
  c.phonons.output = defaults.phonons.output;
  c.validate.output = defaults.validate.output;
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
