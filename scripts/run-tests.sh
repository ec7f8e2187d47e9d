#!/usr/bin/env bash
# Runs the built test suite (`swift test --skip-build "$@"`) under a watchdog.
#
# The suite takes about 30 s on 2 cores. If it has not finished after
# DURABLE_TEST_TIMEOUT seconds (default 300), this script prints the tests that
# started and did not finish, the threads of the test process (gdb, if installed),
# then kills the test process and everything it started (by PID) and exits 124.
# A hang thus ends as a failure that says where it was, never as a stuck CI.
set -uo pipefail
cd "$(dirname "$0")/.."

limit=${DURABLE_TEST_TIMEOUT:-300}
# The tests run many stores at once, each holding sockets and threads: lift the soft
# limit on descriptors (often 1,024) to the hard limit, and say what is in force.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "== open files limit: $(ulimit -n) (hard $(ulimit -Hn)); threads limit: $(ulimit -u)"
log=$(mktemp /tmp/durable-tests.XXXXXX.log)

"${SWIFT:-swift}" test --skip-build "$@" >"$log" 2>&1 &
runner=$!
tail -n +1 -f "$log" --pid "$runner" &
printer=$!

descendants() {
  local pid=$1 child
  for child in $(pgrep -P "$pid"); do
    descendants "$child"
    echo "$child"
  done
}

started=$(date +%s)
while kill -0 "$runner" 2>/dev/null; do
  if (( $(date +%s) - started >= limit )); then
    sleep 1  # let the printer catch up
    kill "$printer" 2>/dev/null
    echo
    echo "== watchdog: the tests did not finish within ${limit} s"
    echo "== tests that started and did not finish:"
    sed -nE 's/^. Test (.+) started\.$/\1/p' "$log" | grep -v '^case passing' | sort -u >"$log.started"
    sed -nE 's/^. Test (.+) (passed|failed|skipped)( after .*)?\.?$/\1/p' "$log" \
      | sed -E 's/ with [0-9]+ test cases?$//' | sort -u >"$log.ended"
    comm -23 "$log.started" "$log.ended" | sed 's/^/   /'
    pids=$(descendants "$runner")
    for pid in $pids; do
      name=$(tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null | cut -c1-120)
      echo "== process $pid: $name"
    done
    if command -v gdb >/dev/null 2>&1; then
      for pid in $pids; do
        if grep -q 'PackageTests' /proc/"$pid"/cmdline 2>/dev/null; then
          echo "== threads of the test process $pid"
          timeout 120 gdb -p "$pid" -batch -ex 'thread apply all bt 25' 2>/dev/null | grep -E '^(Thread|#)' | head -n 1500
        fi
      done
    else
      echo "(gdb is not installed: no thread dump)"
    fi
    for pid in $pids; do kill -KILL "$pid" 2>/dev/null; done
    kill -KILL "$runner" 2>/dev/null
    wait "$runner" 2>/dev/null
    rm -f "$log.started" "$log.ended"; echo "== full log: $log"
    exit 124
  fi
  sleep 1
done
wait "$runner"
status=$?
wait "$printer" 2>/dev/null
rm -f "$log"
exit "$status"
