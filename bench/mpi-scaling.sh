#!/usr/bin/env bash
# 1 process x 1 thread, 1 x 2, 2 x 1 on this machine (2 cores), then the
# model of larger clusters (bench/mpi-model.R). Writes bench/results/
# mpi-scaling.csv, mpi-allreduce.csv, mpi-model.csv, mpi-scaling-log.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -f bench/results/mpi-scaling.csv bench/results/mpi-allreduce.csv
# --bind-to none: Open MPI binds each process to one core by default,
# which would put a process's two threads on one core
M="timeout 900 mpirun --oversubscribe --allow-run-as-root --bind-to none"
{
  echo "# $(date -u +%F) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores"
  $M -np 1 Rscript bench/mpi-scaling.R 1
  $M -np 1 Rscript bench/mpi-scaling.R 2
  $M -np 2 Rscript bench/mpi-scaling.R 1
  Rscript bench/mpi-model.R
} 2>&1 | tee bench/results/mpi-scaling-log.txt
