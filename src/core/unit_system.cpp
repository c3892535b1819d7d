#include "ionbath/core/unit_system.hpp"

#include "ionbath/core/error.hpp"
#include "ionbath/core/units.hpp"

#include <fmt/format.h>

namespace ionbath::units {
namespace {

UnitSystem periods_of(System s, std::string name, const std::string &omega) {
  UnitSystem u;
  u.system = s;
  u.name = std::move(name);
  u.hbar = 2.0 * pi;                    // ħ = ħΩ · (2π/Ω) / 2π in internal units (header)
  u.energy_scale = 4.0 * pi * pi;       // 1 ħΩ = 4π² m l²/T²
  u.frequency_scale = 1.0 / (2.0 * pi); // frequencies in units of Ω (cycles per period)
  u.frequency_unit = omega;
  u.energy_unit = "hbar*" + omega;
  u.length_unit = "sqrt(hbar/(m*" + omega + "))";
  u.time_unit = "2*pi/" + omega; // periods
  u.mass_unit = "m";             // the framework mass
  return u;
}

} // namespace

UnitSystem physical_units() {
  UnitSystem u;
  u.hbar = hbar_meV_ps;
  return u;
}
UnitSystem seed001_units() {
  return periods_of(System::seed001, "seed001", "Omega");
}
UnitSystem seed003_units() {
  return periods_of(System::seed003, "seed003", "Omega_slow");
}

UnitSystem unit_system(System s) {
  switch (s) {
  case System::seed001:
    return seed001_units();
  case System::seed003:
    return seed003_units();
  case System::physical:
    break;
  }
  return physical_units();
}

System parse_unit_system(const std::string &name, const std::string &key) {
  if (name == "physical")
    return System::physical;
  if (name == "seed001")
    return System::seed001;
  if (name == "seed003")
    return System::seed003;
  throw InputError(
      fmt::format("{} = \"{}\": expected \"physical\", \"seed001\" or \"seed003\"", key, name));
}

} // namespace ionbath::units
