#!/usr/bin/env bash
# Sets up, builds and runs every test level on every architecture:
#   1. host unit tests (GoogleTest, ASan/UBSan)           build/host
#   2. in-kernel suites and 3. system tests under QEMU    build/aarch64, build/x86_64
# Ends with one line "N passed, N failed" over all of them (ctest tests plus
# the cases inside each in-kernel suite); exits non-zero on any failure.
# Logs: build/test-logs/.
set -uo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh || exit 1
mkdir -p build/test-logs
total_pass=0 total_fail=0 status=0
for target in host aarch64 x86_64; do
  log=build/test-logs/$target.log
  if ! tools/build.sh "$target" > "build/test-logs/$target.build.log" 2>&1; then
    tail -40 "build/test-logs/$target.build.log"
    echo "== $target: BUILD FAILED (build/test-logs/$target.build.log)"
    total_fail=$((total_fail + 1)); status=1; continue
  fi
  (cd "build/$target" && ctest -V --timeout 900 -j2) > "$log" 2>&1
  [ $? -eq 0 ] || status=1
  summary=$(grep -E "tests passed, [0-9]+ tests failed out of [0-9]+" "$log" | tail -1)
  failed=$(echo "$summary" | sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+)/\1/')
  all=$(echo "$summary" | sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+)/\2/')
  if [ -z "$summary" ]; then failed=1 all=1; status=1; fi
  echo "== $target: $((all - failed)) passed, $failed failed (log: $log)"
  # The in-kernel suite's own cases ("ktest ARCH: N passed, N failed"), from
  # the full suite's run (ctest -V prefixes its lines with the test number).
  knum=$(grep -oE "Test +#[0-9]+: ktest-$target " "$log" | head -1 | grep -oE "[0-9]+" | head -1)
  kline=$(grep -E "^${knum:-x}: ktest $target: [0-9]+ passed, [0-9]+ failed" "$log" | tail -1)
  if [ -n "$kline" ]; then
    kpass=$(echo "$kline" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
    kfail=$(echo "$kline" | sed -E 's/.* ([0-9]+) failed/\1/')
    echo "   in-kernel cases: $kpass passed, $kfail failed"
    grep -E "^[0-9]+: FAIL " "$log" | sed "s/^[0-9]*: /   /" | sort -u
    total_pass=$((total_pass + kpass)); total_fail=$((total_fail + kfail))
  fi
  grep -E "^\s+[0-9]+ - .*\(Failed|Timeout|Not Run" "$log" | sed "s/^/   FAILED /"
  total_pass=$((total_pass + all - failed)); total_fail=$((total_fail + failed))
done
echo "$total_pass passed, $total_fail failed"
exit $status
