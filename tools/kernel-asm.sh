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
# the compiled body of function $2 in source file $1, as R compiles it
# (also under a name GCC gave a specialised copy: f.constprop.0, f.isra.0)
body_of() {
  "$CC" -O2 -fopenmp -fpic -c "src/$1" -o "$tmp/$1.o"
  objdump -d --no-show-raw-insn "$tmp/$1.o" |
    awk -v f="$2" '$2 == "<" f ">:" || index($2, "<" f ".") == 1 {on=1; next}
                   on && /^$/{on=0} on'
}
body=$(body_of fastassign.c kernel_avx512)
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

# The plain kernel's AVX-512 build (plainblock.h via assign.c): no FMA at
# all (it must round each product on its own, as stats::kmeans does: a
# fused multiply-add would change the bits), and in its column loop every
# subtraction, product and sum works on registers (the accumulators of the
# 16 points x 4 centres never go through memory).
plain=$(body_of assign.c plain_block_avx512)
if [ -z "$plain" ]; then
  echo "kernel-asm: no plain_block_avx512 in the object; skipped"
  exit 0
fi
pfma=$(grep -c 'vfn\?m\(add\|sub\)' <<<"$plain" || true)
arith=$(grep -cE 'v(sub|mul|add)pd +%zmm' <<<"$plain" || true)
mem=$(grep -E 'v(sub|mul|add)pd' <<<"$plain" | grep -c '(%' || true)
echo "kernel-asm: plain_block_avx512 has $pfma FMAs, $arith register-only zmm subtractions, products and sums, $mem with a memory operand"
if [ "$pfma" -ne 0 ] || [ "$mem" -ne 0 ] || [ "$arith" -lt 24 ]; then
  echo "kernel-asm: FAIL: the plain kernel's AVX-512 build fuses products or keeps accumulators in memory"
  exit 1
fi
echo "kernel-asm: ok"

# The same for the AVX-512 build of every distance of a tile (distall.h,
# the Hartigan sweep's chunks): no FMA, so its distances are
# ckm_exact_d2()'s bits; its sums stay in registers.
dall=$(body_of assign.c dist_all_avx512)
if [ -z "$dall" ]; then
  echo "kernel-asm: FAIL: no dist_all_avx512 in the object"
  exit 1
fi
dfma=$(grep -c 'vfn\?m\(add\|sub\)' <<<"$dall" || true)
darith=$(grep -cE 'v(sub|mul|add)pd +%zmm' <<<"$dall" || true)
echo "kernel-asm: dist_all_avx512 has $dfma FMAs, $darith register-only zmm subtractions, products and sums"
if [ "$dfma" -ne 0 ] || [ "$darith" -lt 8 ]; then
  echo "kernel-asm: FAIL: dist_all_avx512 fuses products (its distances would not be ckm_exact_d2()'s bits)"
  exit 1
fi
echo "kernel-asm: ok"

# The bound sweep's AVX2 and AVX-512 builds (sweep.c) leave the upper
# halves of the vector registers clean (vzeroupper) before the scalar code
# that follows: GCC did not put one there by itself, and without it the
# scalar distances computed after the sweep ran 3 times slower (AMD EPYC).
# Their loops use gathers for the drifts, not one load per point, and
# start loading the rows of X of the points they list (the own distances
# that follow read them: 10-15% of a Yinyang fit at 800,000 x 6, k = 12).
# The sweeps over gaps (one-group Yinyang) the same, with one gather (the
# thresholds).
for f in sweep_avx2 sweep_avx512 gaps_avx2 gaps_avx512; do
  case $f in gaps_*) need=1 ;; *) need=2 ;; esac
  sw=$(body_of sweep.c "$f")
  if [ -z "$sw" ]; then
    # the blocked kernel's AVX-512 build is there (checked above): so must
    # this be, or the check would pass by not looking
    echo "kernel-asm: FAIL: no $f in the object of sweep.c"
    exit 1
  fi
  vz=$(grep -c 'vzeroupper' <<<"$sw" || true)
  ga=$(grep -c 'vgatherdpd' <<<"$sw" || true)
  pf=$(grep -c 'prefetch' <<<"$sw" || true)
  echo "kernel-asm: $f has $vz vzeroupper, $ga gathers, $pf prefetches"
  if [ "$vz" -lt 1 ] || [ "$ga" -lt "$need" ] || [ "$pf" -lt 1 ]; then
    echo "kernel-asm: FAIL: $f without vzeroupper, its gathers or the prefetch of listed rows"
    exit 1
  fi
done
echo "kernel-asm: ok"
