#!/usr/bin/env bash
# `ionbath loss` end to end (seed 001, physics.md §6): a chain scan at 1 and 2 ranks gives the
# same table bit for bit; Eq. 14 = Eq. 13 to the cubature tolerance and the simulated pass within
# 1 % (kinetic energy ≫ Φ0, §6.6 fact 6); the CSV header of the issue; a SIGKILL while the
# results file is written loses nothing (the rerun resumes from the finished runs and gives the
# same numbers); the Fig. 6 trap writes both traces and a stopped trap run resumes bitwise; the same problem written in physical units
# (meV, Å, ps) gives the seed-001 losses times ħΩ.
set -euo pipefail
: "${IONBATH_EXE:?IONBATH_EXE must point at the ionbath executable}"
: "${IONBATH_KILL_PRELOAD:?the path of tests/libkill_during_write.so (set by ctest)}"
source "$(dirname "$0")/../support/cli.sh"
enter_workdir

cat > chain.toml <<'TOML'
[units]
system = "seed001"
[lattice]
kind = "chain"
a = 2.0
confinement = 1.0
k_parallel = 24.75
k_perp = 24.75
[loss]
geometry = "chain"
lambdas = [1.0, 2.0]
offsets = [0.0, 1.0]
speeds = [10.0, 30.0]
output = "res.h5"
TOML
mkdir one two cut
(cd one && "$IONBATH_EXE" loss ../chain.toml > out.txt 2> log.txt)
(cd two && mpirun -n 2 "$IONBATH_EXE" loss ../chain.toml > out.txt 2> log.txt)
for d in one two; do
  [ ! -e $d/res.h5.parts ] || { echo "$d: the parts directory was left behind"; exit 1; }
  head -1 $d/res.csv | grep -qx "geometry,lambda,offset,speed,loss_analytic,loss_zone,loss_low_speed,loss_simulated,unit_system"
done

# Killed at the 3rd dataset write into res.h5.tmp: no results file, the finished runs kept.
kill_during_results_write cut loss ../chain.toml
[ "$(ls cut/res.h5.parts/*.ckpt | wc -l)" -eq 8 ] || { echo "finished runs were lost"; exit 1; }
(cd cut && mpirun -n 2 "$IONBATH_EXE" loss ../chain.toml > out2.txt 2> log2.txt)
grep -q "loss" cut/out2.txt

/usr/bin/python3 - <<'PY'
import csv, math
import h5py, numpy as np
tables = {}
for d in ("one", "two", "cut"):
    with h5py.File(f"{d}/res.h5", "r") as f:
        t = f["/loss/table"]
        tables[d] = {k: t[k][()] for k in t}
        unit = t["loss_zone"].attrs["unit"]
        assert (unit.decode() if isinstance(unit, bytes) else unit) == "hbar*Omega", unit
        assert f["/loss"].attrs["unit_system"] in (b"seed001", "seed001")
for d in ("two", "cut"):
    for k, v in tables["one"].items():
        assert np.array_equal(v, tables[d][k], equal_nan=True), (d, k)
t = tables["one"]
assert len(t["speed"]) == 8
for i in range(8):
    a, z, s = t["loss_analytic"][i], t["loss_zone"][i], t["loss_simulated"][i]
    assert abs(z - a) <= 1e-5 * a, (i, a, z)
    assert abs(s - a) <= 0.01 * a, (i, a, s)
    assert t["echo_contaminated"][i] == 0
    assert math.isnan(t["loss_low_speed"][i])
rows = list(csv.DictReader(open("one/res.csv")))
assert len(rows) == 8 and rows[0]["loss_low_speed"] == "" and rows[0]["unit_system"] == "seed001"
assert abs(float(rows[0]["loss_analytic"]) - t["loss_analytic"][0]) <= 1e-9 * t["loss_analytic"][0]
PY

# Fig. 6 protocol on a small lattice for a short time: both traces, the same sampling.
cat > trap.toml <<'TOML'
[units]
system = "seed001"
[loss]
geometry = "line8"
lattice_n = 12
duration = 0.5
dt = 0.002
output = "trap.h5"
TOML
"$IONBATH_EXE" loss trap.toml > trap_out.txt 2> trap_log.txt
head -1 trap.csv | grep -qx "time,z_full,velocity_full,z_time_local,velocity_time_local,unit_system"
/usr/bin/python3 - <<'PY'
import h5py, numpy as np
with h5py.File("trap.h5", "r") as f:
    full, local = f["/trap/full"], f["/trap/time_local"]
    assert full["z"].shape == local["z"].shape == (26,)
    assert abs(full["z"][0] - 7.0) < 1e-12 and abs(full["velocity"][0] - 7.5) < 1e-12
    # Both start at the centre of the trap and stay between atoms 3 and 4 (z in (6, 8)).
    for g in (full, local):
        assert np.all((g["z"][()] > 6.0) & (g["z"][()] < 8.0))
    assert np.max(np.abs(full["z"][()] - local["z"][()])) < 0.05
PY
# A long Fig. 6 run stopped by SIGTERM writes the full lattice's state (exit 3) and resumes from
# it bit for bit.
cat > trap_long.toml <<'TOML'
[units]
system = "seed001"
[loss]
geometry = "line8"
lattice_n = 24
duration = 4.0
dt = 0.001
TOML
mkdir whole stopped
(cd whole && "$IONBATH_EXE" loss ../trap_long.toml > /dev/null 2>&1)
interrupt_at_checkpoint stopped 'loss.h5.parts/run_0.state' log1.txt \
  "$IONBATH_EXE" loss ../trap_long.toml --checkpoint-interval 0.05
[ "$interrupted_rc" -eq 3 ] || { echo "stopped trap run: exit $interrupted_rc, expected 3"; exit 1; }
[ ! -e stopped/loss.h5 ] || { echo "an interrupted trap run wrote results"; exit 1; }
(cd stopped && "$IONBATH_EXE" loss ../trap_long.toml > /dev/null 2> log2.txt)
grep -q "resuming at step" stopped/log2.txt
/usr/bin/python3 - <<'PY'
import h5py, numpy as np
with h5py.File("whole/loss.h5") as a, h5py.File("stopped/loss.h5") as b:
    for g in ("full", "time_local"):
        for k in ("time", "z", "velocity"):
            assert np.array_equal(a[f"/trap/{g}/{k}"][()], b[f"/trap/{g}/{k}"][()]), (g, k)
PY

# Unit invariance: seed 001's lattice (k1 = 15 K, k2 = 5 K, α = 2 l) with K = 30 meV/Å² and
# m = 3.5 meV ps²/Å², so Ω = √(K/m), l = √(ħ/mΩ); Φ0 = 0.01 ħΩ, λ = l, s ∈ {0, l}, σ̇ = 10 and 40
# l per period (v = σ̇ l Ω/2π).
/usr/bin/python3 - <<'PY'
import math
hbar, K, m = 0.6582119569, 30.0, 3.5
Omega = math.sqrt(K / m)
l = math.sqrt(hbar / (m * Omega))
speeds = [s * l * Omega / (2 * math.pi) for s in (10.0, 40.0)]
open("physical.toml", "w").write(f"""[lattice]
a = {2 * l!r}
mass = {m}
k1 = {15 * K}
k2 = {5 * K}
[loss]
Phi0 = {0.01 * hbar * Omega!r}
lambdas = [{l!r}]
offsets = [0.0, {l!r}]
speeds = [{speeds[0]!r}, {speeds[1]!r}]
methods = ["zone", "low_speed"]
output = "physical.h5"
""")
open("seed.toml", "w").write("""[units]
system = "seed001"
[loss]
lambdas = [1.0]
offsets = [0.0, 1.0]
speeds = [10.0, 40.0]
methods = ["zone", "low_speed"]
output = "seed.h5"
""")
PY
"$IONBATH_EXE" loss physical.toml > /dev/null 2>&1
"$IONBATH_EXE" loss seed.toml > /dev/null 2>&1
/usr/bin/python3 - <<'PY'
import math, h5py
hbar_Omega = 0.6582119569 * math.sqrt(30.0 / 3.5)
with h5py.File("physical.h5") as p, h5py.File("seed.h5") as s:
    unit = p["/loss/table/loss_zone"].attrs["unit"]
    assert (unit.decode() if isinstance(unit, bytes) else unit) == "meV", unit
    for k in ("loss_zone", "loss_low_speed"):
        for a, b in zip(p["/loss/table/" + k][()], s["/loss/table/" + k][()]):
            assert abs(a / hbar_Omega - b) <= 1e-8 * b, (k, a / hbar_Omega, b)
PY
echo "loss: ok"
