#!/usr/bin/env bash
# pubsub-fanout.sh -- PUBLISH to one channel with 50 subscribers that really read, Cinnabar next
# to Redis: messages published per second and messages delivered (read by subscribers) per second.
#
#   bench/pubsub-fanout.sh [--build]
#
# Starts a private redis-server and a Cinnabar (target/cinnabar.jar, JVM flags from bin/jvm-options
# or CINNABAR_JAVA_OPTS) and runs bench/PubSubFanout.java (`java File.java`, no build step) against
# each alternately for ROUNDS rounds: SUBSCRIBERS connections subscribe and count every message
# frame they read; PUBLISHERS connections send PUBLISH pipelined PIPELINE deep for RUN_SECONDS. Prints
# the median published/s and delivered/s per side, the ratios cinnabar/redis, and whether every
# message reached every subscriber. Stops only what it started.
#
# Environment (defaults in brackets): ROUNDS [3], SUBSCRIBERS [50], PUBLISHERS [4], PIPELINE [16],
#   PAYLOAD [64] (bytes), RUN_SECONDS [10], CINNABAR_BENCH_PORT [7281], BENCH_REDIS_PORT [7290],
#   CINNABAR_JAVA_OPTS. Smoke run: RUN_SECONDS=1 ROUNDS=1 bench/pubsub-fanout.sh
set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_setup pubsub-fanout "${1:-}"
subscribers="${SUBSCRIBERS:-50}"
publishers="${PUBLISHERS:-4}"
pipeline="${PIPELINE:-16}"
payload="${PAYLOAD:-64}"
seconds="${RUN_SECONDS:-10}" # not SECONDS: bash keeps its own clock in that name
bench_start_servers

fanout() { # port side
  local line
  line=$(java "$repo/bench/PubSubFanout.java" 127.0.0.1 "$1" "$subscribers" "$publishers" "$pipeline" "$payload" "$seconds")
  echo "# $2: $line"
  awk -v side="$2" -v dir="$work" '{
    for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    print v["published_per_s"] >> (dir "/" side ".pub")
    print v["delivered_per_s"] >> (dir "/" side ".del")
    if (v["delivered"] != v["expected"] || v["lost_subscribers"] != 0) print "incomplete" >> (dir "/incomplete")
  }' <<< "$line"
}

echo "# $subscribers subscribers, $publishers publishers x pipeline $pipeline, $payload-byte messages, ${seconds}s per run"
for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) = 1 ]; then
    fanout "$rport" redis; fanout "$cport" cinnabar
  else
    fanout "$cport" cinnabar; fanout "$rport" redis
  fi
done

echo "# $(redis-server --version | cut -d' ' -f1-3); cinnabar $(git -C "$repo" describe --always --dirty)"
printf '%-28s %12s %12s %7s\n' test redis cinnabar ratio
for what in pub del; do
  r=$(bench_median < "$work/redis.$what"); c=$(bench_median < "$work/cinnabar.$what")
  label=published_per_s; [ "$what" = del ] && label="delivered_per_s_(x$subscribers)"
  printf '%-28s %12.0f %12.0f %7.3f\n' "$label" "$r" "$c" "$(bench_ratio "$c" "$r")"
done
if [ -f "$work/incomplete" ]; then
  echo "# WARNING: in some run not every message reached every subscriber (see the lines above)"
fi
