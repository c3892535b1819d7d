#!/usr/bin/env python3
"""Example phonopy files from spring models, with phonopy's own results as references.

physics.md §12.4: the crystals ionbath reads from phonopy (io/phonopy.hpp) must give phonopy's
frequencies and thermal displacement matrices on the same force constants. This script builds
supercell force constants from central springs (Φ_ij = −k r̂r̂ᵀ for every spring between atoms i
and j, summed over the periodic images of j; the self term Φ_ii = −Σ_{j≠i} Φ_ij by the acoustic sum
rule), hands them to phonopy and writes them with phonopy's own writers (Phonopy.save,
write_FORCE_CONSTANTS, write_force_constants_to_hdf5), then reloads the yaml with phonopy.load and
records what phonopy computes from it.

Usage: /usr/bin/python3 scripts/phonopy_examples.py OUTPUT_DIR

Examples (one directory each; primitive matrix = identity everywhere):
  simple_cubic    the seed 002 lattice (a = 3 Å, m = 3.5 meV ps²/Å², k1 = 520, k2 = 170 meV/Å²:
                  ionbath's Crystal::simple_cubic defaults) as a 1-atom cell, supercell 4×4×4
  rocksalt_fcc    two masses (22.99, 35.45 AMU) on rocksalt, nearest-neighbour spring k1 = 1.2 and a
                  weaker next-nearest k2 = 0.15 eV/Å², as the 2-atom fcc primitive cell of ionbath's
                  crystal::rocksalt builder, supercell 3×3×3
  rocksalt_cubic  the same springs in the 8-atom conventional cubic cell, supercell 2×2×1: along z
                  the supercell is only two nearest-neighbour distances long, so springs alias onto
                  pairs with 2 and 4 equally short images (phonopy's multiplicities matter)

Files per example:
  phonopy_params.yaml, phonopy_params_compact.yaml   cells + full / compact force constants
  phonopy.yaml                                       cells only (force constants beside it)
  FORCE_CONSTANTS, FORCE_CONSTANTS_compact           text, full / compact
  force_constants.hdf5, force_constants_compact.hdf5 HDF5, full / compact (with p2s_map)
  reference.json   phonopy's frequencies (THz) at reduced q-points (units of the reciprocal
                   vectors without 2π), thermal displacement matrices (Å², per unit-cell atom,
                   Γ-centred mesh without symmetry reduction, modes above freq_min_THz), and the
                   physical constants of this phonopy version (phonopy.units) used for both
"""

import json
import sys
from pathlib import Path

import numpy as np
import phonopy
from phonopy import Phonopy, units
from phonopy.file_IO import write_FORCE_CONSTANTS, write_force_constants_to_hdf5
from phonopy.structure.atoms import PhonopyAtoms

DALTON_IN_MEV_PS2_PER_A2 = 1.0 / 9.648533212  # ionbath's units::dalton_in_mass_unit
TEMPERATURES_K = [50.0, 300.0, 800.0]
FREQ_MIN_THZ = 1e-3  # excludes only the three Ω = 0 modes at Γ


def spring_force_constants(supercell, springs):
    """Full (n, n, 3, 3) force constants in eV/Å² of central springs {distance Å: k eV/Å²}."""
    lattice = supercell.cell  # rows
    positions = supercell.scaled_positions @ lattice
    reach = range(-2, 3)
    images = np.array([[i, j, k] for i in reach for j in reach for k in reach]) @ lattice
    d = positions[None, :, None, :] + images[None, None, :, :] - positions[:, None, None, :]
    length = np.linalg.norm(d, axis=-1)
    k = np.zeros_like(length)
    for distance, stiffness in springs.items():
        k[np.abs(length - distance) < 1e-6 * distance] = stiffness
    n = len(positions)
    k[np.arange(n), np.arange(n), :] = 0.0  # an atom's spring to its own image does not stretch
    unit = d / np.where(length > 0, length, 1.0)[..., None]
    fc = -np.einsum("ijt,ijta,ijtb->ijab", k, unit, unit)
    fc[np.arange(n), np.arange(n)] = -fc.sum(axis=1)  # acoustic sum rule (self term)
    return fc


def q_points(seed):
    """Γ, zone-boundary points and general q, reduced (units of the reciprocal vectors)."""
    special = [[0, 0, 0], [0.5, 0, 0], [0.5, 0.5, 0], [0.5, 0.5, 0.5], [0.25, 0, 0],
               [0.1, 0.2, 0.3]]
    general = np.random.default_rng(seed).uniform(-0.5, 0.5, size=(18, 3))
    return np.vstack([special, general])


def reference(yaml_path, mesh):
    """What phonopy computes from the file it wrote (no symmetrization, no NAC)."""
    ph = phonopy.load(str(yaml_path), is_nac=False, symmetrize_fc=False, is_compact_fc=False)
    q = q_points(seed=len(ph.primitive))
    frequencies = np.array([ph.get_frequencies(qi) for qi in q])
    ph.run_mesh(mesh, is_gamma_center=True, with_eigenvectors=True, is_mesh_symmetry=False)
    mesh_freqs = ph.mesh.frequencies
    lowest_nonzero = np.sort(mesh_freqs.ravel())[3]
    assert lowest_nonzero > 100 * FREQ_MIN_THZ, "freq_min would drop non-zero modes"
    ph.run_thermal_displacement_matrices(temperatures=TEMPERATURES_K, freq_min=FREQ_MIN_THZ)
    tdm = ph.thermal_displacement_matrices.thermal_displacement_matrices
    return {
        "q_reduced": q.tolist(),
        "frequencies_THz": frequencies.tolist(),
        "mesh": list(mesh),
        "freq_min_THz": FREQ_MIN_THZ,
        "temperatures_K": TEMPERATURES_K,
        "thermal_displacement_matrices_A2": np.asarray(tdm).real.tolist(),
        "phonopy_version": phonopy.__version__,
        "constants": {
            "frequency_factor_THz": ph.unit_conversion_factor,  # THz per √(eV/Å²/AMU)
            "Hbar_eV_s": units.Hbar,
            "Kb_eV_per_K": units.Kb,
            "EV_J": units.EV,
            "AMU_kg": units.AMU,
        },
    }


def write_example(directory, unitcell, supercell_matrix, springs, mesh):
    directory.mkdir(parents=True, exist_ok=True)
    ph = Phonopy(unitcell, supercell_matrix=supercell_matrix)
    fc = spring_force_constants(ph.supercell, springs)
    p2s = ph.primitive.p2s_map
    compact = np.array(fc[p2s], order="C")
    ph.force_constants = fc
    ph.save(directory / "phonopy_params.yaml")
    ph.save(directory / "phonopy.yaml", settings={"force_constants": False})
    write_FORCE_CONSTANTS(fc, filename=directory / "FORCE_CONSTANTS")
    write_FORCE_CONSTANTS(compact, filename=directory / "FORCE_CONSTANTS_compact", p2s_map=p2s)
    unit = "eV/angstrom^2"
    write_force_constants_to_hdf5(fc, directory / "force_constants.hdf5", p2s_map=p2s,
                                  physical_unit=unit)
    write_force_constants_to_hdf5(compact, directory / "force_constants_compact.hdf5",
                                  p2s_map=p2s, physical_unit=unit)
    ph.force_constants = compact
    ph.save(directory / "phonopy_params_compact.yaml")
    with open(directory / "reference.json", "w") as out:
        json.dump(reference(directory / "phonopy_params.yaml", mesh), out, indent=1)


def simple_cubic():
    a, mass_Da = 3.0, 3.5 / DALTON_IN_MEV_PS2_PER_A2  # symbol "S": any element, mass given
    cell = PhonopyAtoms(symbols=["S"], cell=a * np.eye(3), scaled_positions=[[0, 0, 0]],
                        masses=[mass_Da])
    return cell, np.diag([4, 4, 4]), {a: 0.520, a * np.sqrt(2): 0.170}, [6, 6, 6]


ROCKSALT = {"a": 2.82, "masses": [22.99, 35.45], "k1": 1.2, "k2": 0.15}


def rocksalt_springs():
    a = ROCKSALT["a"]
    return {a: ROCKSALT["k1"], a * np.sqrt(2): ROCKSALT["k2"]}


def rocksalt_fcc():
    a = ROCKSALT["a"]
    fcc = a * np.array([[0, 1, 1], [1, 0, 1], [1, 1, 0]], dtype=float)  # rows a1, a2, a3
    b_site = np.linalg.solve(fcc.T, [a, 0, 0])  # B at a x̂
    cell = PhonopyAtoms(symbols=["Na", "Cl"], cell=fcc, scaled_positions=[[0, 0, 0], b_site],
                        masses=ROCKSALT["masses"])
    return cell, np.diag([3, 3, 3]), rocksalt_springs(), [4, 4, 4]


def rocksalt_cubic():
    a = ROCKSALT["a"]
    fcc = [[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]]
    positions = fcc + [[(x + 0.5) % 1, y, z] for x, y, z in fcc]
    cell = PhonopyAtoms(symbols=["Na"] * 4 + ["Cl"] * 4, cell=2 * a * np.eye(3),
                        scaled_positions=positions, masses=[ROCKSALT["masses"][0]] * 4
                        + [ROCKSALT["masses"][1]] * 4)
    return cell, np.diag([2, 2, 1]), rocksalt_springs(), [3, 3, 4]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = Path(sys.argv[1])
    for name, example in [("simple_cubic", simple_cubic), ("rocksalt_fcc", rocksalt_fcc),
                          ("rocksalt_cubic", rocksalt_cubic)]:
        write_example(out / name, *example())


if __name__ == "__main__":
    main()
