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

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$repo/target/cinnabar.jar"
rounds="${ROUNDS:-3}"
members="${MEMBERS:-1000000}"
n_p1="${N_P1:-100000}"
n_p16="${N_P16:-1000000}"
cport="${CINNABAR_BENCH_PORT:-7281}"
rport="${BENCH_REDIS_PORT:-7290}"
work="$(mktemp -d /tmp/zset-ranks.XXXXXX)"
pids=()

cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

if [ "${1:-}" = "--build" ] || [ ! -f "$jar" ]; then
  (cd "$repo" && mvn -B -q -DskipTests package) >&2
fi

await_ping() {
  for _ in $(seq 1 300); do
    [ "$(redis-cli -p "$1" PING 2>/dev/null)" = PONG ] && return 0
    sleep 0.1
  done
  echo "zset-ranks.sh: server on port $1 did not start" >&2
  exit 1
}

redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" \
  --logfile "$work/redis.log" &
pids+=($!)
# shellcheck disable=SC2046
java ${CINNABAR_JAVA_OPTS:-$(cat "$repo/bin/jvm-options")} -jar "$jar" --port "$cport" \
  --bind 127.0.0.1 --logfile "$work/cinnabar.log" &
pids+=($!)
await_ping "$rport"
await_ping "$cport"

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
for port in "$rport" "$cport"; do
  redis-cli -p "$port" --pipe < "$work/load.resp" > /dev/null
  echo "# port $port: ZCARD bigz $(redis-cli -p "$port" ZCARD bigz), encoding $(redis-cli -p "$port" OBJECT ENCODING bigz)"
done

rps() { # port P n command...
  local port="$1" p="$2" n="$3"
  shift 3
  redis-benchmark -p "$port" -c 50 -P "$p" -n "$n" -r "$members" --csv "$@" \
    | awk -F'","' 'NR == 2 { print $2 + 0 }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "# $(redis-server --version | cut -d' ' -f1-3); cinnabar $(git -C "$repo" describe --always --dirty)"
printf '%-28s %3s %12s %12s %7s\n' test P redis_rps cinnabar_rps ratio
for p in 1 16; do
  n="$n_p1"; [ "$p" = 16 ] && n="$n_p16"
  for t in "ZRANK_1M|ZRANK bigz m:__rand_int__" "ZRANGE_100_WITHSCORES|ZRANGE z100 0 99 WITHSCORES"; do
    label="${t%%|*}"; read -r -a cmd <<< "${t#*|}"
    : > "$work/r"; : > "$work/c"
    for r in $(seq 1 "$rounds"); do
      if [ $((r % 2)) = 1 ]; then
        rps "$rport" "$p" "$n" "${cmd[@]}" >> "$work/r"; rps "$cport" "$p" "$n" "${cmd[@]}" >> "$work/c"
      else
        rps "$cport" "$p" "$n" "${cmd[@]}" >> "$work/c"; rps "$rport" "$p" "$n" "${cmd[@]}" >> "$work/r"
      fi
    done
    r=$(median < "$work/r"); c=$(median < "$work/c")
    printf '%-28s %3s %12.0f %12.0f %7.3f\n' "$label" "$p" "$r" "$c" "$(awk -v a="$c" -v b="$r" 'BEGIN { print a / b }')"
  done
done
