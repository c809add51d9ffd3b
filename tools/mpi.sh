#!/usr/bin/env bash
# make mpi: ckm_fit_mpi() under real MPI (Open MPI's mpirun, Rmpi), every
# run under timeout so that a deadlock fails instead of hanging.
#   inst/mpi/identity.R  with 1, 2, 3 and 4 processes: every field equal
#                        (identical()) to ckm_fit() of all rows
#   inst/mpi/faults.R    with 2 and 3 processes: a fault on one process is
#                        the same error on every process
#   inst/mpi/cluster-vignette.R with 2 processes: the code of
#                        vignette("cluster") (not evaluated when it knits)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v mpirun >/dev/null || { echo "make mpi needs mpirun (Debian: openmpi-bin libopenmpi-dev)"; exit 1; }
Rscript -e 'quit(status = !requireNamespace("Rmpi", quietly = TRUE))' \
  || { echo "make mpi needs Rmpi (Debian: r-cran-rmpi)"; exit 1; }
MPIRUN="mpirun --oversubscribe --allow-run-as-root"
export OMPI_MCA_rmaps_base_oversubscribe=1
run() {
  local np=$1 script=$2
  echo "== mpirun -np $np Rscript $script"
  timeout 300 $MPIRUN -np "$np" Rscript "$script"
}
for np in 1 2 3 4; do run "$np" inst/mpi/identity.R; done
for np in 2 3; do run "$np" inst/mpi/faults.R; done
if [ -f inst/mpi/cluster-vignette.R ]; then run 2 inst/mpi/cluster-vignette.R; fi
echo "make mpi: all runs passed"
