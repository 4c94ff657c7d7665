#!/usr/bin/env bash
# Model-checks the MUSIC lock protocol (models/music.pml) with Spin; see docs/model.md.
#
#   * every property must HOLD on the model of the code as it is (several configurations);
#   * every mutation (a known bug put back in, models/music.pml MUTATION_*) must VIOLATE its property;
#   * the model's two findings (docs/model.md, F1 and F2), fixed in the code, are mutations I and J: each must be
#     caught.
# Prints one line per check and a summary table; exits non-zero on any unexpected result.
#
# Usage: bash scripts/check-model.sh [--full]
#   --full             also runs the larger configurations (two critical operations per hold; the hold lease)
#   MODEL_JOBS=n       verifiers built and run in parallel (default 2)
#   MODEL_OUT=dir      keeps the narrated counterexamples there (default: a temporary directory, removed at the end)
#   MODEL_TIMEOUT=s    wall-clock bound of one pan run (default 600); MODEL_MEMLIM=MB (default 2048)
#
# Installs Spin (Debian package 'spin', as root or through sudo) when it is missing; needs gcc. Works in a temporary
# directory (pan sources, binaries and trails never touch the repository), removed at exit with any jobs left.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
MODEL="$ROOT/models/music.pml"
FULL=0
[ "${1:-}" = "--full" ] && FULL=1
TIMEOUT=${MODEL_TIMEOUT:-600}
MEMLIM=${MODEL_MEMLIM:-2048}

# ---------------------------------------------------------------- tools
# shellcheck source=debian-package.sh
. scripts/debian-package.sh # the script runs from the repository root (above)
if ! command -v spin >/dev/null 2>&1; then
  echo "== installing spin (Debian package)"
  debian_package spin
fi
if ! command -v gcc >/dev/null 2>&1; then
  echo "== installing gcc (Spin's verifiers are C programs)"
  debian_package gcc libc6-dev
fi
echo "== $(spin -V 2>&1 | head -1); $(gcc --version | head -1)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/music-model.XXXXXX")
OUT=${MODEL_OUT:-$WORK/trails}
mkdir -p "$OUT"
cleanup() {
  local pids
  pids=$(jobs -p)
  # A job that has finished may still be listed; kill then fails, and under set -e that failure would become the
  # script's exit status (a green run reported red). Nothing here may change the status the script exits with.
  if [ -n "$pids" ]; then kill $pids 2>/dev/null || true; fi
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

SUMMARY="$WORK/summary.tsv"
: > "$SUMMARY"
FAILURES=0
START=$(date +%s)

# ---------------------------------------------------------------- checks
# A check is: KIND NAME "DEFINES" PROPERTY EXPECT
#   KIND    safety (an ltl claim, end states ignored) | deadlock (no claim; invalid end states) |
#           liveness (an ltl claim, acceptance cycles under weak fairness)
#   EXPECT  holds | violated
# All checks are listed first; then every verifier is built, then every check runs - MODEL_JOBS at a time (default 2).
JOBS=${MODEL_JOBS:-2}
CHECKS="$WORK/checks.tsv"
: > "$CHECKS"
add() { printf "%s\t%s\t%s\t%s\t%s\t%s\n" "$1" "$2" "$3" "$4" "$5" "${6:-}" >>"$CHECKS"; }

# the verifier a check needs: a run expected to fail a safety check searches breadth-first, for a shortest
# counterexample, unless its 6th field says dfs (liveness runs search depth-first for acceptance cycles)
bfs_of() {   # kind expect search
  if [ "$2" = violated ] && [ "$1" != liveness ] && [ "$3" != dfs ]; then echo 1; else echo 0; fi
}
tag_of() {   # kind defs expect search
  local tag
  tag=$(echo "$1 $2" | tr -c 'A-Za-z0-9' '_')
  if [ "$(bfs_of "$1" "$3" "$4")" = 1 ]; then tag="${tag}_bfs"; fi
  echo "$tag"
}
cflags_of() {   # kind expect search
  local cflags="${MODEL_CFLAGS:--O0} -w -DMEMLIM=$MEMLIM -DVECTORSZ=2048 -DCOLLAPSE"
  [ "$1" = deadlock ] && cflags="$cflags -DNOCLAIM"
  if [ "$(bfs_of "$1" "$2" "$3")" = 1 ]; then cflags="$cflags -DBFS"; fi
  echo "$cflags"
}

build() {   # tag defs cflags
  local dir="$WORK/$1"
  mkdir -p "$dir"
  cp "$MODEL" "$dir/music.pml"
  if ( cd "$dir" && spin -a $2 music.pml >spin.log 2>&1 && gcc $3 -o pan pan.c >gcc.log 2>&1 ); then
    rm -f "$dir"/pan.[bchmpt] "$dir/_spin_nvr.tmp"
  else
    echo "!! could not build the verifier for '$2':"; cat "$dir/spin.log" "$dir/gcc.log" 2>/dev/null | tail -5
  fi
}

run_check() {   # index kind name defs prop expect search
  local i=$1 kind=$2 name=$3 defs=$4 prop=$5 expect=$6 search=$7
  local tag dir rundir pargs
  tag=$(tag_of "$kind" "$defs" "$expect" "$search")
  dir="$WORK/$tag"
  rundir="$WORK/run-$i"
  mkdir -p "$rundir"
  case $kind in
    safety)   pargs="-m50000 -E -N $prop" ;;
    deadlock) pargs="-m50000" ;;
    liveness) pargs="-m50000 -a -f -N $prop" ;;
  esac
  local t0 t1 rc=0 log="$rundir/pan.log"
  t0=$(date +%s.%N)
  if [ -x "$dir/pan" ]; then
    cp "$dir/music.pml" "$rundir/music.pml"
    ( cd "$rundir" && timeout "$TIMEOUT" "$dir/pan" $pargs >pan.log 2>&1 ) || rc=$?
  else
    echo "no verifier" >"$log"; rc=1
  fi
  t1=$(date +%s.%N)
  local secs states errors result trail events verdict
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
  states=$(awk '/states, stored/ { print $1; exit }' "$log")
  errors=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' "$log" | head -1)
  trail="-"; events="-"
  if [ "$rc" -eq 124 ]; then
    result="timeout"
  elif grep -qE "max search depth too small|reached -DMEMLIM bound|out of memory" "$log"; then
    result="incomplete"
  elif [ "${errors:-}" = "0" ]; then
    result="holds"
  elif [ -n "${errors:-}" ] && [ "$errors" -gt 0 ]; then
    result="violated"
    if [ -f "$rundir/music.pml.trail" ]; then
      # trail length: the steps of the counterexample (pan's trail file has one line per step)
      trail=$(grep -cvE '^-' "$rundir/music.pml.trail" || true)
      local file
      file="$OUT/$(echo "$name-$prop" | tr '/' '-').txt"
      ( cd "$rundir" && spin -t $defs music.pml 2>/dev/null | sed -n 's/^ *@ /@ /p' ) >"$file" || true
      events=$(grep -c '^@' "$file" || true)
    fi
  else
    result="error"
  fi
  if [ "$result" = "$expect" ]; then verdict="ok"; else verdict="UNEXPECTED"; fi
  printf "%-4s %-34s %-10s expected %-8s got %-10s states %-9s trail %-5s events %-4s %6ss\n" \
    "$verdict" "$name" "$prop" "$expect" "$result" "${states:--}" "$trail" "$events" "$secs"
  printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n" "$verdict" "$name" "$defs" "$prop" "$expect" "$result" \
    "${states:--}" "$trail" "$events" "$secs" >"$WORK/result-$(printf %03d "$i").tsv"
  rm -rf "$rundir"
}

# at most JOBS background jobs at a time
throttle() { while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n || true; done; }

# ---------------------------------------------------------------- configurations (docs/model.md, "Bounds")
SMALL="-DNC=2 -DNK=1 -DNR=1 -DMAXOPS=1"          # 2 clients, 1 key, 1 ticket each, 1 critical op per hold
OPS2="-DNC=2 -DNK=1 -DNR=1 -DMAXOPS=2"           # ... 2 critical ops per hold
MULTI="-DNC=2 -DNK=2 -DNR=1 -DMAXOPS=1"          # 2 keys, single- and multi-key tickets
LOCK3="-DNO_DATA -DNC=3 -DNK=1 -DNR=1 -DMAXOPS=1" # lock protocol only, 3 clients
DEAD="-DNO_LOSS -DNO_DATA -DNC=3 -DNK=2 -DNR=1 -DMAXOPS=1"
LIVE="-DLIVENESS -DNC=2 -DNK=1 -DNR=1 -DMAXOPS=1"

# the model of the code as it is: every property holds
for p in mutex entry fence noloss lossfirst; do
  add safety "fixed/$p" "$SMALL" $p holds
done
add deadlock "fixed/deadlock-free" "$DEAD" deadlock holds
add liveness "fixed/progress" "$LIVE" progress holds
add safety "fixed/multi-key" "$MULTI" safety holds
add safety "fixed/lock-only-3-clients" "$LOCK3" locking holds
add safety "fixed/zookeeper-cassandra-release" "$SMALL -DSPLIT_RELEASE" safety holds
add safety "fixed/cassandra-record-condition" "$SMALL -DCAS_LA" safety holds
add safety "fixed/force-release-of-holders" "$SMALL -DFORCE_ANY" safety holds
# the hold lease with 2 clients (the 3-client search below outgrows 2 GB): covers the lease started at a recording enqueue
add safety "fixed/hold-lease-2-clients" "$SMALL -DHOLD_LEASE" safety holds
if [ "$FULL" -eq 1 ]; then
  add safety "full/two-ops-per-hold" "$OPS2" safety holds
fi

# mutations: each known bug put back must be caught
add safety   "mutation-a/stale-head"          "$SMALL -DMUTATION_A" mutex violated
add safety   "mutation-b/old-writeback-ts"    "$SMALL -DMUTATION_B" entry violated
add safety   "mutation-b/old-writeback-ts"    "$SMALL -DMUTATION_B" fence violated
add safety   "mutation-c/unconditional-record" "$SMALL -DMUTATION_C" mutex violated
add safety   "mutation-d/removal-leaves-clean" "$SMALL -DMUTATION_D" entry violated
add safety   "mutation-e/no-lease"            "$SMALL -DMUTATION_E" lossfirst violated
add safety   "mutation-e/no-lease"            "$SMALL -DMUTATION_E" mutex violated
add deadlock "mutation-f/non-atomic-enqueue"  "$DEAD -DMUTATION_F" deadlock violated
add safety   "mutation-g/release-before-drain" "$SMALL -DMUTATION_G" entry violated
add liveness "mutation-h/lost-wake-up"        "$LIVE -DMUTATION_H" progress violated
add safety   "mutation-k/unchecked-fast-enqueue" "$SMALL -DMUTATION_K" mutex violated

# the two findings of the model (docs/model.md), fixed in the code: each re-introduced must be caught
add safety "mutation-j/put-acked-after-loss" "$SMALL -DMUTATION_J" noloss violated
# (depth-first: a breadth-first search for the shortest trail outgrows 2 GB here)
add safety "mutation-i/lease-restarts"       "$LOCK3 -DHOLD_LEASE -DMUTATION_I" mutex violated dfs
add safety "mutation-i/lease-restarts"       "$LOCK3 -DHOLD_LEASE -DMUTATION_I" lossfirst violated dfs
if [ "$FULL" -eq 1 ]; then
  add safety "fixed/hold-lease"              "$LOCK3 -DHOLD_LEASE" locking holds
fi

# ---------------------------------------------------------------- build, then run
echo "== building $(cut -f1,3,5 "$CHECKS" | sort -u | wc -l) verifiers ($JOBS at a time)"
declare -A BUILT=()
while IFS=$'\t' read -r kind name defs prop expect search; do
  tag=$(tag_of "$kind" "$defs" "$expect" "$search")
  [ -n "${BUILT[$tag]:-}" ] && continue
  BUILT[$tag]=1
  throttle
  build "$tag" "$defs" "$(cflags_of "$kind" "$expect" "$search")" &
done <"$CHECKS"
wait
echo "== built in $(( $(date +%s) - START )) s; running $(wc -l <"$CHECKS") checks ($JOBS at a time)"
i=0
while IFS=$'\t' read -r kind name defs prop expect search; do
  i=$((i+1))
  throttle
  run_check "$i" "$kind" "$name" "$defs" "$prop" "$expect" "$search" &
done <"$CHECKS"
wait
cat "$WORK"/result-*.tsv >"$SUMMARY" 2>/dev/null || true
FAILURES=$(( $(wc -l <"$CHECKS") - $(awk -F'\t' '$1 == "ok"' "$SUMMARY" | wc -l) ))

# ---------------------------------------------------------------- summary
TOTAL=$(( $(date +%s) - START ))
echo
echo "== summary (trail = steps in the pan trail, BFS-shortest for safety violations; events = narrated protocol events)"
printf "| %-4s | %-34s | %-10s | %-8s | %-10s | %10s | %5s | %6s | %7s |\n" ok check property expected result states trail events seconds
printf "|------|------------------------------------|------------|----------|------------|------------|-------|--------|---------|\n"
while IFS=$'\t' read -r verdict name defs prop expect result states trail events secs; do
  printf "| %-4s | %-34s | %-10s | %-8s | %-10s | %10s | %5s | %6s | %7s |\n" "$verdict" "$name" "$prop" "$expect" "$result" "$states" "$trail" "$events" "$secs"
done <"$SUMMARY"
echo
echo "total: $(wc -l <"$SUMMARY") checks in ${TOTAL} s; unexpected results: $FAILURES"
if [ -n "${MODEL_OUT:-}" ]; then echo "narrated counterexamples: $OUT"; fi
[ "$FAILURES" -eq 0 ]
