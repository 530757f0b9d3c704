#!/usr/bin/env bash
# scripts.sh -- EVALSHA and FCALL throughput, Cinnabar next to real Redis.
#
#   bench/scripts.sh [--quick] [--build]
#
# Starts a private redis-server and a Cinnabar from target/cinnabar.jar with the shared
# harness's helpers (../shared/bench/bench.sh, as bench/compare.sh does), loads the same scripts
# into both, then runs redis-benchmark on each alternately A/B for several rounds (order flips
# each round): EVALSHA of a script that returns a constant, one that reads a key, one that
# writes it, and FCALL of a reading function, at -P 1 and -P 16 (-c 50). Prints the median rps
# of each side and the ratio cinnabar/redis; keeps a copy under bench/results/ (not committed).
#
# Environment (defaults in brackets):
#   CINNABAR_JAVA_OPTS  JVM flags for Cinnabar [the defaults in bin/jvm-options]
#   CINNABAR_ARGS       extra server options, e.g. "--io-threads 2" ['']
#   CINNABAR_BENCH_PORT port for Cinnabar [7281]; BENCH_REDIS_PORT for redis-server [7290]
#   SCRIPTS_N           requests per run at -P 1 [200000; -P 16 runs 4x], times BENCH_SCALE
#   BENCH_SH, BENCH_ROUNDS, BENCH_SCALE, BENCH_CLIENTS, BENCH_PIPELINES, BENCH_TEST_TIMEOUT and
#   the other BENCH_* knobs of bench.sh apply (run `bash $BENCH_SH help` to list them).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench_sh="${BENCH_SH:-$repo/../shared/bench/bench.sh}"
jar="$repo/target/cinnabar.jar"
build=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) export BENCH_SCALE="${BENCH_SCALE:-0.1}" BENCH_ROUNDS="${BENCH_ROUNDS:-2}" ;;
    --build) build=1 ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) echo "scripts.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ -f "$bench_sh" ] || { echo "scripts.sh: benchmark harness not found at $bench_sh (set BENCH_SH)" >&2; exit 1; }
for tool in redis-server redis-cli redis-benchmark java; do
  command -v "$tool" >/dev/null 2>&1 || { echo "scripts.sh: '$tool' is not on PATH" >&2; exit 1; }
done
if [ "$build" = 1 ] || [ ! -f "$jar" ]; then
  (cd "$repo" && mvn -B -q -DskipTests package) >&2
fi

# The harness's helpers (start_server, stop_all, wait_quiet, server_version, env_line, ...):
# sourced with its harmless 'help' verb, whose usage text goes nowhere.
# shellcheck disable=SC1090
source "$bench_sh" help >/dev/null
set -e

java_opts="${CINNABAR_JAVA_OPTS:-$(cat "$repo/bin/jvm-options")}"
tport="${CINNABAR_BENCH_PORT:-7281}"
rport="$BENCH_REDIS_PORT"
n1=$(scale_n "${SCRIPTS_N:-200000}")
tcmd="exec java $java_opts -jar '$jar' --port $tport --bind 127.0.0.1 --save '' ${CINNABAR_ARGS:-}"
rcmd="exec $BENCH_REDIS_SERVER --port $rport --bind 127.0.0.1 --save '' --appendonly no --dir $BENCH_WORKDIR --logfile ''"

# LABEL  script-or-function  (keys are always the one key k)
SCRIPTS=(
  "EVALSHA_RETURN|return 1"
  "EVALSHA_GET|return redis.call('get', KEYS[1])"
  "EVALSHA_INCR|return redis.call('incr', KEYS[1])"
)
LIBRARY="#!lua name=benchlib
redis.register_function{function_name='benchget', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}}"

prepare() { # port -> loads the scripts and the library, sets k
  local port=$1 entry
  "$REDIS_CLI" -p "$port" SET k 1 >/dev/null
  "$REDIS_CLI" -p "$port" FUNCTION LOAD REPLACE "$LIBRARY" >/dev/null
  for entry in "${SCRIPTS[@]}"; do "$REDIS_CLI" -p "$port" SCRIPT LOAD "${entry#*|}" >/dev/null; done
}

one_run() { # port P n args... -> rps
  local port=$1 p=$2 n=$3; shift 3
  wait_quiet
  timeout -k 5 "$BENCH_TEST_TIMEOUT" "$REDIS_BENCHMARK" -h 127.0.0.1 -p "$port" -c "$BENCH_CLIENTS" -P "$p" -n "$n" \
    --csv "$@" 2>/dev/null </dev/null | awk -F, 'NR > 1 { gsub(/"/, ""); print $2; exit }'
}

mkdir -p "$repo/bench/results"
out="$repo/bench/results/scripts-$(date +%Y%m%d-%H%M%S)-$(hostname -s).txt"
trap 'stop_all' EXIT
trap 'stop_all; exit 130' INT TERM
start_server redis "$rport" "$rcmd"
start_server cinnabar "$tport" "$tcmd"
prepare "$rport"
prepare "$tport"
raw="$BENCH_WORKDIR/scripts-$RUN_ID.csv"
: >"$raw"
{
  echo "== scripts  redis=127.0.0.1:$rport ($(server_version 127.0.0.1 "$rport"))  cinnabar=127.0.0.1:$tport  $(date -Is)"
  echo "# cinnabar $(git -C "$repo" describe --always --dirty 2>/dev/null || echo '?'); cmd: $tcmd"
  env_line
} | tee "$out"
for ((round = 1; round <= BENCH_ROUNDS; round++)); do
  if ((round % 2)); then order="redis cinnabar"; else order="cinnabar redis"; fi
  for p in $BENCH_PIPELINES; do
    n=$n1; [ "$p" -gt 1 ] && n=$((n1 * 4))
    for entry in "${SCRIPTS[@]}" "FCALL_GET|"; do
      label=${entry%%|*}
      for who in $order; do
        if [ "$who" = redis ]; then port=$rport; else port=$tport; fi
        if [ "$label" = FCALL_GET ]; then
          args=(fcall benchget 1 k)
        else
          args=(evalsha "$("$REDIS_CLI" -p "$port" SCRIPT LOAD "${entry#*|}")" 1 k)
        fi
        echo "$round,$who,$label,$p,$(one_run "$port" "$p" "$n" "${args[@]}")" >>"$raw"
      done
    done
  done
  note "round $round/$BENCH_ROUNDS done"
done
awk -F, '
  function median(list,   a, k, i, j, t) { k = split(list, a, " ");
    for (i = 2; i <= k; i++) for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
  { key = $3 " P=" $4; if (!(key in seen)) { seen[key] = 1; order[++nk] = key } v[key, $2] = v[key, $2] " " $5 }
  END { printf "%-22s %12s %12s %8s\n", "test", "redis rps", "cinnabar rps", "ratio";
    for (i = 1; i <= nk; i++) { k = order[i]; r = median(v[k, "redis"]); c = median(v[k, "cinnabar"]);
      printf "%-22s %12.0f %12.0f %8.2f\n", k, r, c, (r > 0 ? c / r : 0) } }' "$raw" | tee -a "$out"
echo "# raw csv: $raw (round,who,label,P,rps); saved to $out" | tee -a "$out"
