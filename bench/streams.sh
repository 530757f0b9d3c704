#!/usr/bin/env bash
# streams.sh -- stream throughput and memory, Cinnabar next to real Redis:
#   XADD rate          redis-benchmark -c 50 -P 16 XADD bench:xadd * f <16 B value>
#   XREADGROUP rate    redis-benchmark -c 50 -P 16 XREADGROUP GROUP g c COUNT 100 STREAMS bench:stream >
#                      (each call delivers 100 new entries into the PEL of a 1M-entry stream;
#                      the group is re-created between runs, so every run reads the same entries)
#   bytes per entry    RSS and INFO used_memory growth over loading bench:stream, 1,000,000 XADDs
#                      with auto IDs of one 1-byte field and a 16-byte value (redis-cli --pipe)
#
#   bench/streams.sh [--build]
#
# Reuses the shared harness (../shared/bench/bench.sh, as bench/compare.sh does) for starting and
# stopping the servers in their own process groups, RSS settling and INFO reads: a private
# redis-server and a Cinnabar (target/cinnabar.jar, JVM flags from bin/jvm-options or
# CINNABAR_JAVA_OPTS), both without persistence. Rates are medians over ROUNDS runs taken
# alternately A/B; ratios are cinnabar/redis (for memory, above 1 means Cinnabar uses more).
# Stops only what it started.
#
# Environment: ROUNDS [3], N_XADD [2000000], ENTRIES [1000000] (the XREADGROUP runs make
#   ENTRIES/100 calls each), CINNABAR_BENCH_PORT [7281], BENCH_REDIS_PORT [7290],
#   CINNABAR_JAVA_OPTS, BENCH_SH [<repo>/../shared/bench/bench.sh].
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench_sh="${BENCH_SH:-$repo/../shared/bench/bench.sh}"
jar="$repo/target/cinnabar.jar"
rounds="${ROUNDS:-3}"
n_xadd="${N_XADD:-2000000}"
entries="${ENTRIES:-1000000}"
cport="${CINNABAR_BENCH_PORT:-7281}"
export BENCH_REDIS_PORT="${BENCH_REDIS_PORT:-7290}"
rport="$BENCH_REDIS_PORT"

if [ ! -f "$bench_sh" ]; then
  echo "streams.sh: benchmark harness not found at $bench_sh (set BENCH_SH)" >&2
  exit 1
fi
for tool in redis-server redis-cli redis-benchmark java; do
  command -v "$tool" >/dev/null 2>&1 || { echo "streams.sh: '$tool' is not on PATH" >&2; exit 1; }
done
if [ "${1:-}" = "--build" ] || [ ! -f "$jar" ]; then
  (cd "$repo" && mvn -B -q -DskipTests package) >&2
fi

# The harness runs its "help" command when sourced that way; its functions stay defined.
set +eu
# shellcheck disable=SC1090
source "$bench_sh" help > /dev/null
set -eu
work="$BENCH_WORKDIR/streams-$RUN_ID"
mkdir -p "$work"
trap 'stop_all; rm -rf "$work"' EXIT

start_server redis "$rport" "exec redis-server --port $rport --bind 127.0.0.1 --save '' --appendonly no --dir '$work'"
rpid="$SERVER_PID"
start_server cinnabar "$cport" "exec java ${CINNABAR_JAVA_OPTS:-$(cat "$repo/bin/jvm-options")} -jar '$jar' --port $cport --bind 127.0.0.1"
cpid="$SERVER_PID"

rps() { # port n command... -> requests per second
  local port="$1" n="$2"
  shift 2
  timeout -k 5 "$BENCH_TEST_TIMEOUT" redis-benchmark -p "$port" -c 50 -P 16 -n "$n" --csv "$@" \
    | awk -F'","' 'NR == 2 { print $2 + 0 }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { print (b > 0) ? a / b : "nan" }'; }
cli() { local port="$1"; shift; redis-cli -p "$port" "$@" > /dev/null; }

# alternate PORT-A/PORT-B runs of a prepared benchmark; $1 = label, $2 = function(port) that
# prepares, $3 = function(port) that prints the rate
compare_rate() {
  local label="$1" prepare="$2" measure="$3" r c
  : > "$work/r"; : > "$work/c"
  for round in $(seq 1 "$rounds"); do
    for side in $( [ $((round % 2)) = 1 ] && echo "r c" || echo "c r"); do
      local port="$rport"; [ "$side" = c ] && port="$cport"
      "$prepare" "$port"
      "$measure" "$port" >> "$work/$side"
    done
  done
  r=$(median < "$work/r"); c=$(median < "$work/c")
  printf '%-34s %12.0f %12.0f %7.3f\n' "$label" "$r" "$c" "$(ratio "$c" "$r")"
}

value16="0123456789abcdef"
xadd_prepare() { cli "$1" DEL bench:xadd; }
xadd_measure() { rps "$1" "$n_xadd" XADD bench:xadd '*' f "$value16"; }
xread_prepare() {
  cli "$1" XGROUP DESTROY bench:stream g
  cli "$1" XGROUP CREATE bench:stream g 0
}
xread_measure() { rps "$1" $((entries / 100)) XREADGROUP GROUP g c COUNT 100 STREAMS bench:stream '>'; }

# XADD bench:stream * f <16 B> for every entry, as RESP for redis-cli --pipe
awk -v n="$entries" -v v="$value16" 'BEGIN {
  for (i = 0; i < n; i++) printf "*5\r\n$4\r\nXADD\r\n$12\r\nbench:stream\r\n$1\r\n*\r\n$1\r\nf\r\n$16\r\n%s\r\n", v
}' > "$work/load.resp"

memory_row() { # name port pid -> "rss_bytes_per_entry used_memory_bytes_per_entry"
  local port="$2" pid="$3" rss0 rss1 um0 um1
  cli "$port" FLUSHALL
  rss0=$(settle_rss "$pid"); um0=$(used_memory 127.0.0.1 "$port")
  timeout -k 5 "$BENCH_PIPE_TIMEOUT" redis-cli -p "$port" --pipe < "$work/load.resp" > /dev/null
  rss1=$(settle_rss "$pid"); um1=$(used_memory 127.0.0.1 "$port")
  local len; len=$(redis-cli -p "$port" XLEN bench:stream)
  [ "$len" = "$entries" ] || echo "# $1: XLEN bench:stream is $len, not $entries" >&2
  awk -v r0="$rss0" -v r1="$rss1" -v u0="$um0" -v u1="$um1" -v n="$entries" \
    'BEGIN { printf "%.1f %s\n", (r1 - r0) / n, (u0 == "nan" || u1 == "nan") ? "nan" : sprintf("%.1f", (u1 - u0) / n) }'
}

echo "# $(redis-server --version | cut -d' ' -f1-3); cinnabar $(git -C "$repo" describe --always --dirty 2>/dev/null || echo '?')"
echo "# rounds $rounds, XADD n=$n_xadd, stream of $entries entries, -c 50 -P 16"
printf '%-34s %12s %12s %7s\n' test redis cinnabar ratio
compare_rate "XADD rps (-P 16)" xadd_prepare xadd_measure
cli "$rport" DEL bench:xadd
cli "$cport" DEL bench:xadd

read -r r_rss r_used <<< "$(memory_row redis "$rport" "$rpid")"
read -r c_rss c_used <<< "$(memory_row cinnabar "$cport" "$cpid")"
compare_rate "XREADGROUP COUNT 100 rps (-P 16)" xread_prepare xread_measure
printf '%-34s %12s %12s %7.3f\n' "bytes/entry, RSS" "$r_rss" "$c_rss" "$(ratio "$c_rss" "$r_rss")"
if [ "$r_used" = nan ] || [ "$c_used" = nan ]; then
  printf '%-34s %12s %12s %7s\n' "bytes/entry, used_memory" "$r_used" "$c_used" n/a
else
  printf '%-34s %12s %12s %7.3f\n' "bytes/entry, used_memory" "$r_used" "$c_used" "$(ratio "$c_used" "$r_used")"
fi
