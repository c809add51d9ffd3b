#!/usr/bin/env bash
# The same seed must give bit-identical results whatever runs them: two
# threads, OMP_THREAD_LIMIT=1, OMP_NUM_THREADS=2 with no other setting, a
# build without OpenMP, and 3 and 4 threads (a build compiled with
# -DCKM_FAKE_PROCS=4 believes it has 4 cores, so a 2-core machine runs the
# thread counts of a larger one: the per-thread offsets of the passes and
# reductions are then exercised beyond two). Builds the variants into
# private libraries, runs tools/determinism.R in each configuration and
# compares the results with identical().
#
#   bash tools/determinism.sh          (make determinism)
set -euo pipefail
cd "$(dirname "$0")/.."
R=${R:-R}
RSCRIPT=${RSCRIPT:-Rscript}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/omp" "$work/serial" "$work/four"
printf 'SHLIB_OPENMP_CFLAGS =\n' > "$work/Makevars.serial"
printf 'CPPFLAGS += -DCKM_FAKE_PROCS=4\n' > "$work/Makevars.four"

"$R" CMD INSTALL --preclean --library="$work/omp" . > "$work/omp.log" 2>&1 || { cat "$work/omp.log"; exit 1; }
R_MAKEVARS_USER="$work/Makevars.serial" "$R" CMD INSTALL --preclean --library="$work/serial" . \
  > "$work/serial.log" 2>&1 || { cat "$work/serial.log"; exit 1; }
R_MAKEVARS_USER="$work/Makevars.four" "$R" CMD INSTALL --preclean --library="$work/four" . \
  > "$work/four.log" 2>&1 || { cat "$work/four.log"; exit 1; }
rm -f src/*.o src/*.so
if grep -q -- "-fopenmp" "$work/serial.log"; then
  echo "determinism: the serial build still used -fopenmp"; exit 1
fi
if ! grep -q -- "-DCKM_FAKE_PROCS=4" "$work/four.log"; then
  echo "determinism: the 4-core build did not get -DCKM_FAKE_PROCS=4"; exit 1
fi

run() { # name library env...
  local name=$1 lib=$2; shift 2
  env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT -u CKM_NUM_THREADS "$@" CKM_CONFIG="$name" \
    R_LIBS="$lib${R_LIBS:+:$R_LIBS}" "$RSCRIPT" tools/determinism.R "$work/$name.rds"
}
run two-threads "$work/omp" CKM_NUM_THREADS=2
run thread-limit-1 "$work/omp" OMP_THREAD_LIMIT=1
run omp-num-threads-2 "$work/omp" OMP_NUM_THREADS=2
run no-openmp "$work/serial"
run three-threads "$work/four" CKM_NUM_THREADS=3
run four-threads "$work/four" CKM_NUM_THREADS=4

"$RSCRIPT" -e '
  files <- commandArgs(trailingOnly = TRUE)
  ref <- readRDS(files[[1]])
  ok <- TRUE
  for (f in files[-1]) {
    other <- readRDS(f)
    same <- vapply(names(ref), function(nm) identical(ref[[nm]], other[[nm]]), logical(1))
    if (!all(same)) {
      ok <- FALSE
      cat("determinism:", basename(f), "differs from", basename(files[[1]]), "in:",
          paste(names(ref)[!same], collapse = ", "), "\n")
    }
  }
  if (!ok) quit(status = 1)
  cat(sprintf("determinism: %d results identical across %d configurations\n",
              length(ref), length(files)))
' "$work/two-threads.rds" "$work/thread-limit-1.rds" "$work/omp-num-threads-2.rds" "$work/no-openmp.rds" \
  "$work/three-threads.rds" "$work/four-threads.rds"
