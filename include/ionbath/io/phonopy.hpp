#pragma once
// phonopy's files (physics.md §12): a `phonopy.yaml`-like file (phonopy_params.yaml,
// phonopy.yaml, phonopy_disp.yaml with force constants) with the force constants inside it, or in
// FORCE_CONSTANTS (text) or force_constants.hdf5 beside it, in the full (n × n) or compact
// (n_primitive × n, rows given by p2s_map) form. The result is plain data in internal units; the
// crystal it describes comes from crystal_from_supercell (crystal/force_constants.hpp).
//
// Supported: phonopy's default (VASP-like) units, Å, AMU, eV/Å²; a diagonal supercell matrix; the
// primitive cell = the unit cell (primitive matrix identity or absent). Everything else, and every
// malformed value, is an InputError naming the file, the key (or line) and the value.
#include "ionbath/core/types.hpp"
#include "ionbath/core/units.hpp"
#include "ionbath/crystal/force_constants.hpp"

#include <string>
#include <vector>

namespace ionbath::io {

struct PhonopyData {
  std::string yaml_path;
  std::string force_constants_path;   // the file the force constants came from (yaml_path: inline)
  std::string force_constants_format; // "full" or "compact", as stored
  // Unit cell (= primitive cell) and supercell atoms, the representatives (p2s_map) and the full
  // n × n force constants (a compact file expanded by the supercell translations), internal units.
  crystal::SupercellForceConstants force_constants;
  Eigen::Matrix3i supercell_matrix = Eigen::Matrix3i::Identity(); // as in the file (diagonal)
  // Conversions applied (physics.md §0.1): internal value = value in the file × factor.
  double length_factor = 1.0;                       // Å per Å
  double mass_factor = units::dalton_in_mass_unit;  // meV ps²/Å² per AMU
  double force_constant_factor = units::meV_per_eV; // meV/Å² per eV/Å²
  std::vector<std::string> warnings; // e.g. a BORN file beside the yaml (NAC not applied)

  int unit_cell_atoms() const { return static_cast<int>(force_constants.basis.size()); }
  int supercell_atoms() const { return static_cast<int>(force_constants.supercell_atoms.size()); }
};

// Reads `yaml_path` and its force constants: from `force_constants_path` when given
// (FORCE_CONSTANTS text or HDF5, told apart by the HDF5 signature), else the yaml's own
// `force_constants`, else FORCE_CONSTANTS, else force_constants.hdf5 in the yaml's directory
// (phonopy.load's order).
PhonopyData read_phonopy(const std::string &yaml_path,
                         const std::string &force_constants_path = {});

// The primitive-cell crystal of the data (physics.md §12.2 folding, sum rule inside Crystal).
crystal::Crystal phonopy_crystal(const PhonopyData &data, double symprec_A = 1e-5);

} // namespace ionbath::io
