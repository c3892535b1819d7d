#!/usr/bin/env bash
# `ionbath sweep` with method = "full" (seed 002 Fig. 7b protocol on a small periodic lattice):
# the ion diffuses, results are identical at 1 and 2 ranks and after a SIGTERM and a rerun
# (lattice state restored from the checkpoint).
set -euo pipefail
: "${IONBATH_EXE:?}"
source "$(dirname "${BASH_SOURCE[0]}")/../support/cli.sh"
enter_workdir
cat > full.toml <<'TOML'
[lattice]
bz_grid = [8, 8, 8]
[run]
method = "full"
kT_meV = [40.0, 50.0]
steps = 30000
output = "full.h5"
[msd]
segments = 10
fit_from_ps = 1.0
[phonons]
green_grid = 64
TOML
mkdir one cut
(cd one && "$IONBATH_EXE" sweep ../full.toml > out.txt 2> log.txt)
grep -q "cell changes" one/log.txt
interrupt_at_checkpoint cut 'full.h5.parts/*.ckpt' log1.txt mpirun -n 2 "$IONBATH_EXE" sweep ../full.toml --checkpoint-interval 0.05
(cd cut && mpirun -n 2 "$IONBATH_EXE" sweep ../full.toml > out2.txt 2> log2.txt)
h5diff --exclude-path /timing one/full.h5 cut/full.h5
cmp one/full.csv cut/full.csv
/usr/bin/python3 - <<'PY'
import h5py
with h5py.File("one/full.h5") as f:
    assert b'method = "full"' in f["/parameters/config"][()]
    for t in (0, 1):
        assert f[f"/sweep/T_{t}/trajectory_cell_changes"][0, 0] > 0
        assert f[f"/sweep/T_{t}/D"][()] > 0
PY
# method = "full" keeps one trajectory per rank.
set +e
(cd one && mpirun -n 2 "$IONBATH_EXE" sweep ../full.toml -P 2 -o p2.h5 > /dev/null 2> p2.txt)
rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "ranks_per_trajectory = 2" one/p2.txt
echo "full-lattice sweep test passed"
