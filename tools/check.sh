#!/usr/bin/env bash
# Build the package and run R CMD check --as-cran on the tarball; fail on any
# ERROR or WARNING; print the NOTEs and the testthat totals as one line.
set -euo pipefail
cd "$(dirname "$0")/.."
R=${R:-R}

pkg=$(sed -n 's/^Package: //p' DESCRIPTION)
ver=$(sed -n 's/^Version: //p' DESCRIPTION)
out=${CHECK_DIR:-check}
rm -rf "$out" && mkdir -p "$out"

(cd "$out" && "$R" CMD build ..) 
export _R_CHECK_CRAN_INCOMING_REMOTE_=false
export _R_CHECK_FUTURE_FILE_TIMESTAMPS_=false
export _R_CHECK_SYSTEM_CLOCK_=false
# we are not CRAN: run the snapshot tests too
export NOT_CRAN=true
export _R_CHECK_FORCE_SUGGESTS_=false
export _R_CHECK_TESTS_NLINES_=0
export OMP_THREAD_LIMIT=${OMP_THREAD_LIMIT:-2}
status=0
(cd "$out" && "$R" CMD check --as-cran --no-manual "${pkg}_${ver}.tar.gz") || status=$?

log="$out/${pkg}.Rcheck/00check.log"
echo
echo "---- R CMD check summary"
# a finding is "... NOTE" at the end of a check's line, or " NOTE" alone on
# the next line when the check printed more first (as the qpdf warning does);
# the Status line at the end counts them all
grep -B1 -A3 -E '(\.\.\. |^ )(NOTE|WARNING|ERROR)$' "$log" || true
final=$(grep -E '^Status: ' "$log" | tail -n 1 || true)
if [ "$final" = "Status: OK" ]; then
  echo "no NOTE, WARNING or ERROR"
else
  echo "${final:-no Status line in $log}"
fi
rout=$(ls "$out/${pkg}.Rcheck/tests/"*.Rout* 2>/dev/null | head -n 1 || true)
totals=""
if [ -n "$rout" ]; then
  line=$(grep -E '\[ FAIL [0-9]+ \| WARN [0-9]+ \| SKIP [0-9]+ \| PASS [0-9]+ \]' "$rout" | tail -n 1 || true)
  if [ -n "$line" ]; then
    fail=$(sed -E 's/.*FAIL ([0-9]+).*/\1/' <<<"$line")
    skip=$(sed -E 's/.*SKIP ([0-9]+).*/\1/' <<<"$line")
    pass=$(sed -E 's/.*PASS ([0-9]+).*/\1/' <<<"$line")
    totals="$pass passed, $fail failed"
    [ "$skip" != "0" ] && totals="$totals, $skip skipped"
    if [ "$skip" != "0" ]; then
      echo "skipped tests:"
      grep -E '^• |^── Skip' "$rout" | head -n 20 || true
    fi
  fi
fi
if grep -qE '(\.\.\. |^ )(WARNING|ERROR)$' "$log" || grep -qE '^Status: .*(WARNING|ERROR)' "$log" ||
   [ -z "$final" ] || [ "$status" -ne 0 ]; then
  echo "R CMD check found an ERROR or WARNING (exit $status)"
  [ -n "$rout" ] && tail -n 60 "$rout"
  [ -n "$totals" ] && echo "$totals"
  exit 1
fi
if [ -z "$totals" ]; then
  echo "no testthat totals found in the check output"
  exit 1
fi
echo "$totals"
