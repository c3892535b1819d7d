#!/usr/bin/env bash
# `ionbath sweep` and `ionbath merge`: the results file is bitwise identical (apart from /timing)
# for 1 and 2 ranks and 1 or 2 ranks per trajectory, after a SIGTERM and a rerun, and when the
# temperatures run as separate jobs and are merged.
set -euo pipefail
: "${IONBATH_EXE:?}"
source "$(dirname "${BASH_SOURCE[0]}")/../support/cli.sh"
enter_workdir
cat > tiny.toml <<'TOML'
[lattice]
bz_grid = [10, 10, 10]
[run]
kT_meV = [30.0, 40.0, 50.0]
steps = 8000
trajectories = 2
output = "res.h5"
[msd]
segments = 4
fit_from_ps = 0.5
[phonons]
green_grid = 64
TOML
run() { # dir, ranks, extra args
  local dir=$1 np=$2; shift 2
  mkdir -p "$dir"
  (cd "$dir" && mpirun -n "$np" "$IONBATH_EXE" sweep ../tiny.toml "$@" > out.txt 2> log.txt)
}
same() { h5diff --exclude-path /timing "$1" "$2" && cmp "${1%.h5}.csv" "${2%.h5}.csv"; }

run np1 1
run np2 2
run np2p2 2 -P 2
same np1/res.h5 np2/res.h5
same np1/res.h5 np2p2/res.h5
grep -q "Arrhenius: D0 = " np1/out.txt
head -1 np1/res.csv | grep -q "^kT_meV,T_K,D_A2_per_ps,sigma_D_A2_per_ps,D_cm2_per_s,sigma_D_cm2_per_s,n_trajectories"
[ "$(wc -l < np1/res.csv)" -eq 4 ]

# Interrupted sweep (SIGTERM to mpirun, forwarded to the ranks) and rerun, against an
# uninterrupted run of the same (longer) sweep.
sed 's/^steps = 8000/steps = 120000/' tiny.toml > long.toml
mkdir whole cut
(cd whole && mpirun -n 2 "$IONBATH_EXE" sweep ../long.toml > out.txt 2> log.txt)
interrupt_at_checkpoint cut 'res.h5.parts/*.ckpt' log1.txt mpirun -n 2 "$IONBATH_EXE" sweep ../long.toml --checkpoint-interval 0.05
test ! -e cut/res.h5
grep -q "interrupted by signal" cut/log1.txt
(cd cut && mpirun -n 2 "$IONBATH_EXE" sweep ../long.toml > out2.txt 2> log2.txt)
same whole/res.h5 cut/res.h5

# Job-array style: one temperature per job, then merge.
for t in 0 1 2; do run array 1 -t "$t" -o "res_$t.h5"; done
(cd array && "$IONBATH_EXE" merge -o merged.h5 res_0.h5 res_1.h5 res_2.h5 > merge.txt)
cmp np1/res.csv array/merged.csv
/usr/bin/python3 - <<'PY'
import h5py, numpy as np
a = h5py.File("np1/res.h5"); b = h5py.File("array/merged.h5")
for t in range(3):
    g = f"/sweep/T_{t}"
    for d in ["segment_msd", "msd_mean", "D", "sigma_D", "trajectory_D"]:
        assert np.array_equal(a[g + "/" + d][()], b[g + "/" + d][()]), (g, d)
for d in ["D0", "Ea"]:
    assert a["/transport/arrhenius/" + d][()] == b["/transport/arrhenius/" + d][()]
assert a["/transport/arrhenius"].attrs["fitted"] == 1
PY
# Merging a file twice is refused.
set +e
(cd array && "$IONBATH_EXE" merge -o bad.h5 res_0.h5 res_0.h5 2> bad.txt)
rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "appears twice" array/bad.txt && test ! -e array/bad.h5
echo "sweep layout/resume/merge test passed"
