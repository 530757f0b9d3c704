# bench/lib.sh -- what the side-by-side scripts (zset-ranks.sh, bits-hll-geo.sh, pubsub-fanout.sh)
# share: a private redis-server and a Cinnabar started and stopped together, redis-benchmark run
# alternately against each, medians and ratios. Source it, then call bench_setup.
#
# Environment: CINNABAR_BENCH_PORT [7281], BENCH_REDIS_PORT [7290], CINNABAR_JAVA_OPTS [bin/jvm-options],
#   ROUNDS [3] (A/B rounds per row), BENCH_CLIENTS [50] (redis-benchmark -c),
#   BENCH_TEST_TIMEOUT [300] (seconds one redis-benchmark run may take).
# shellcheck shell=bash

# bench_setup NAME [--build]: sets repo, jar, cport, rport, rounds, work (a temporary directory)
# and the EXIT trap that stops what was started; builds target/cinnabar.jar when asked or absent.
bench_setup() {
  bench_name="$1"
  shift
  repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  jar="$repo/target/cinnabar.jar"
  cport="${CINNABAR_BENCH_PORT:-7281}"
  rport="${BENCH_REDIS_PORT:-7290}"
  rounds="${ROUNDS:-3}"
  work="$(mktemp -d "/tmp/$bench_name.XXXXXX")"
  bench_pids=()
  trap bench_cleanup EXIT
  for tool in redis-server redis-cli redis-benchmark java; do
    command -v "$tool" >/dev/null 2>&1 || { echo "$bench_name: '$tool' is not on PATH" >&2; exit 1; }
  done
  if [ "${1:-}" = "--build" ] || [ ! -f "$jar" ]; then
    (cd "$repo" && mvn -B -q -DskipTests package) >&2
  fi
}

# Stops only the processes this script started.
bench_cleanup() {
  for p in "${bench_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${bench_pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}

bench_await_ping() { # port
  for _ in $(seq 1 300); do
    [ "$(redis-cli -p "$1" PING 2>/dev/null)" = PONG ] && return 0
    sleep 0.1
  done
  echo "$bench_name: server on port $1 did not start" >&2
  exit 1
}

# Starts redis-server on rport and Cinnabar on cport, persistence off, and waits for both.
bench_start_servers() {
  redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" \
    --logfile "$work/redis.log" &
  bench_pids+=($!)
  # shellcheck disable=SC2046
  java ${CINNABAR_JAVA_OPTS:-$(cat "$repo/bin/jvm-options")} -jar "$jar" --port "$cport" \
    --bind 127.0.0.1 --logfile "$work/cinnabar.log" &
  bench_pids+=($!)
  bench_await_ping "$rport"
  bench_await_ping "$cport"
}

# Sends a file of RESP commands to both servers.
bench_load() { # file
  local port
  for port in "$rport" "$cport"; do
    redis-cli -p "$port" --pipe < "$1" > /dev/null
  done
}

# Requests/s of one redis-benchmark run; bench_random (if set) is its -r keyspace.
bench_rps() { # port P n command...
  local port="$1" p="$2" n="$3"
  shift 3
  # under timeout: a redis-benchmark whose server went away spins on a core until killed
  timeout -k 5 "${BENCH_TEST_TIMEOUT:-300}" redis-benchmark -p "$port" -c "${BENCH_CLIENTS:-50}" -P "$p" -n "$n" ${bench_random:+-r "$bench_random"} --csv "$@" \
    | awk -F'","' 'NR == 2 { print $2 + 0 }'
}

bench_median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

bench_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { print (b > 0) ? a / b : 0 }'; }

bench_header() {
  echo "# $(redis-server --version | cut -d' ' -f1-3); cinnabar $(git -C "$repo" describe --always --dirty)"
  printf '%-28s %3s %12s %12s %7s\n' test P redis_rps cinnabar_rps ratio
}

# One table row: the command through redis-benchmark, Redis and Cinnabar alternately for
# `rounds` rounds (who goes first flips each round), the medians and the ratio cinnabar/redis.
bench_row() { # label P n command...
  local label="$1" p="$2" n="$3" r c round
  shift 3
  : > "$work/r"; : > "$work/c"
  for round in $(seq 1 "$rounds"); do
    if [ $((round % 2)) = 1 ]; then
      bench_rps "$rport" "$p" "$n" "$@" >> "$work/r"; bench_rps "$cport" "$p" "$n" "$@" >> "$work/c"
    else
      bench_rps "$cport" "$p" "$n" "$@" >> "$work/c"; bench_rps "$rport" "$p" "$n" "$@" >> "$work/r"
    fi
  done
  r=$(bench_median < "$work/r"); c=$(bench_median < "$work/c")
  printf '%-28s %3s %12.0f %12.0f %7.3f\n' "$label" "$p" "$r" "$c" "$(bench_ratio "$c" "$r")"
}
