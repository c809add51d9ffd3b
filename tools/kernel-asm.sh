#!/usr/bin/env bash
# The AVX-512 blocked kernel keeps its 16 accumulators in registers.
#
# Compiled as R compiles the package (-O2), every FMA of kernel_avx512 must
# take its accumulator from a register: an FMA with a memory operand is
# allowed only for the broadcast of a point's coordinate ({1to8}). At -O2
# without the full unrolling of kernel8.h (K8_UNROLL) GCC kept acc[][] in
# memory and the kernel ran 1.7x slower than the AVX2 one. This needs no
# AVX-512 CPU: it reads the compiled code.
#   bash tools/kernel-asm.sh     (run by make ctest)
set -euo pipefail
cd "$(dirname "$0")/.."
CC=${CC:-gcc}
if ! command -v objdump >/dev/null 2>&1; then
  echo "kernel-asm: no objdump; skipped"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$CC" -O2 -fopenmp -fpic -c src/fastassign.c -o "$tmp/fastassign.o"
objdump -d --no-show-raw-insn "$tmp/fastassign.o" > "$tmp/dis.txt"
body=$(awk '/<kernel_avx512>:/{on=1; next} on && /^$/{exit} on' "$tmp/dis.txt")
if [ -z "$body" ]; then
  echo "kernel-asm: no kernel_avx512 in the object (built without AVX-512 support?); skipped"
  exit 0
fi
fma=$(grep -c 'vfmadd' <<<"$body" || true)
spilled=$(grep 'vfmadd' <<<"$body" | grep '(%' | grep -vc '{1to8}' || true)
echo "kernel-asm: kernel_avx512 has $fma FMAs, $spilled of them with an accumulator in memory"
if [ "$spilled" -ne 0 ] || [ "$fma" -lt 16 ]; then
  grep 'vfmadd' <<<"$body" | grep '(%' | grep -v '{1to8}' | head -5
  echo "kernel-asm: FAIL: the accumulators of kernel8.h are not all in registers"
  exit 1
fi
echo "kernel-asm: ok"
