#!/usr/bin/env bash
# zset-ranks.sh -- sorted-set reads that the shared harness has no test for, Cinnabar next to Redis:
# ZRANK on a 1,000,000-member zset and ZRANGE 0 99 WITHSCORES of a 100-member zset.
#
#   bench/zset-ranks.sh [--build]
#
# Starts a private redis-server and a Cinnabar (target/cinnabar.jar, JVM flags from bin/jvm-options
# or CINNABAR_JAVA_OPTS), loads the same data into both with redis-cli --pipe, then runs
# redis-benchmark (-c 50, -P 1 and -P 16) alternately against each for ROUNDS rounds and prints
# the median requests/s of each side and the ratio cinnabar/redis. Stops only what it started.
#
# Environment: ROUNDS [3], N_P1 [100000], N_P16 [1000000], CINNABAR_BENCH_PORT [7281],
#   BENCH_REDIS_PORT [7290], CINNABAR_JAVA_OPTS, MEMBERS [1000000].
set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_setup zset-ranks "${1:-}"
members="${MEMBERS:-1000000}"
n_p1="${N_P1:-100000}"
n_p16="${N_P16:-1000000}"
bench_random="$members"
bench_start_servers

# ZADD bigz 0 m:000000000000 1 m:000000000001 ... in commands of 100 pairs; redis-benchmark's
# __rand_int__ expands to 12 zero-padded digits, so members are named the same way.
awk -v n="$members" 'BEGIN {
  for (i = 0; i < n; i += 100) {
    k = (n - i < 100) ? n - i : 100
    printf "*%d\r\n$4\r\nZADD\r\n$4\r\nbigz\r\n", 2 + 2 * k
    for (j = i; j < i + k; j++) {
      s = sprintf("%d", j * 7 % n); m = sprintf("m:%012d", j)
      printf "$%d\r\n%s\r\n$%d\r\n%s\r\n", length(s), s, length(m), m
    }
  }
  printf "*202\r\n$4\r\nZADD\r\n$4\r\nz100\r\n"
  for (j = 0; j < 100; j++) {
    s = sprintf("%.2f", j * 1.25); m = sprintf("member:%d", j)
    printf "$%d\r\n%s\r\n$%d\r\n%s\r\n", length(s), s, length(m), m
  }
}' > "$work/load.resp"
bench_load "$work/load.resp"
for port in "$rport" "$cport"; do
  echo "# port $port: ZCARD bigz $(redis-cli -p "$port" ZCARD bigz), encoding $(redis-cli -p "$port" OBJECT ENCODING bigz)"
done

bench_header
for p in 1 16; do
  n="$n_p1"; [ "$p" = 16 ] && n="$n_p16"
  bench_row ZRANK_1M "$p" "$n" ZRANK bigz m:__rand_int__
  bench_row ZRANGE_100_WITHSCORES "$p" "$n" ZRANGE z100 0 99 WITHSCORES
done
