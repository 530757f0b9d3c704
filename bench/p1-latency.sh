#!/usr/bin/env bash
# p1-latency.sh -- latency at -P 1 (the p99 target of the core issue) with the collector's log:
# a private redis-server and a Cinnabar (target/cinnabar.jar, flags of bin/jvm-options plus any
# given here) side by side, 3 alternating rounds of INCR and MSET (-c 50 -r 100000 -d 32,
# 200k requests each, after a warm-up), one CSV line per run (rps, avg, min, p50, p95, p99, max)
# with the number of young collections Cinnabar made during it.
#
#   bench/p1-latency.sh [extra JVM flags, e.g. -Xmn128m]
#
# Environment: P1_REDIS_PORT [23101], P1_CINNABAR_PORT [23102], P1_REQUESTS [200000],
#   P1_ROUNDS [3], P1_TESTS ["incr mset"], P1_WARMUP [1] (0: no warm-up, so round 1 shows the
#   cold JIT). Every redis-benchmark runs under `timeout`, so none outlives an interrupted run.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rport="${P1_REDIS_PORT:-23101}"
cport="${P1_CINNABAR_PORT:-23102}"
n="${P1_REQUESTS:-200000}"
rounds="${P1_ROUNDS:-3}"
tests="${P1_TESTS:-incr mset}"
gclog="$(mktemp /tmp/p1-latency-gc.XXXXXX)"
redis-server --port "$rport" --save '' --appendonly no >/dev/null 2>&1 &
rpid=$!
# shellcheck disable=SC2046
java $(cat "$repo/bin/jvm-options") "$@" -Xlog:gc:file="$gclog" -jar "$repo/target/cinnabar.jar" \
  --port "$cport" --save '' >/dev/null 2>&1 &
cpid=$!
trap 'kill "$rpid" "$cpid" 2>/dev/null; wait 2>/dev/null; rm -f "$gclog"' EXIT
for p in "$rport" "$cport"; do
  for _ in $(seq 1 150); do redis-cli -p "$p" ping >/dev/null 2>&1 && break; sleep 0.2; done
done
bm() { timeout -k 5 120 redis-benchmark "$@"; }
if [ "${P1_WARMUP:-1}" = 1 ]; then
  for p in "$rport" "$cport"; do
    bm -p "$p" -c 50 -P 1 -n "$n" -r 100000 -d 32 -t "${tests// /,}" -q >/dev/null 2>&1 || true
  done
fi
echo "round,test,who,rps,avg_ms,min_ms,p50_ms,p95_ms,p99_ms,max_ms,young_gcs"
for round in $(seq 1 "$rounds"); do
  for t in $tests; do
    for p in "$rport" "$cport"; do
      who=$([ "$p" = "$rport" ] && echo redis || echo cinnabar)
      g0=$(grep -c Pause "$gclog" || true)
      line=$(bm -p "$p" -c 50 -P 1 -n "$n" -r 100000 -d 32 -t "$t" --csv 2>/dev/null | tail -1 | cut -d, -f2- | tr -d '"')
      g1=$(grep -c Pause "$gclog" || true)
      echo "$round,$t,$who,$line,$([ "$who" = cinnabar ] && echo $((g1 - g0)) || echo -)"
    done
  done
done
echo "# last young pauses of Cinnabar:"
grep Pause "$gclog" | tail -3
