#!/usr/bin/env bash
# compare.sh -- Cinnabar next to real Redis, with the shared harness (../shared/bench/bench.sh).
#
#   bench/compare.sh [--quick] [--no-memory] [--tests SET,GET,...] [--build]
#
# Runs `bench.sh compare`: a private redis-server and a Cinnabar started from target/cinnabar.jar,
# the redis-benchmark matrix alternately A/B for several rounds (-c 50 -r 100000 -d 32, tests
# SET GET INCR MSET at -P 1 and -P 16), then RSS and used_memory per key after loading
# 1,000,000 string keys with 16-byte values into a fresh instance of each. Prints the tables
# and keeps a copy under bench/results/ (not committed). See bench/README.md.
#
# Environment (defaults in brackets):
#   CINNABAR_JAVA_OPTS  JVM flags for Cinnabar [the defaults in bin/jvm-options]
#   CINNABAR_ARGS       extra server options, e.g. "--io-threads 2" ['']
#   CINNABAR_BENCH_PORT port for Cinnabar [7281]; BENCH_REDIS_PORT for redis-server [7290]
#   BENCH_SH            path of bench.sh [<repo>/../shared/bench/bench.sh]
#   BENCH_TESTS, BENCH_PIPELINES, BENCH_SCALE, BENCH_ROUNDS, BENCH_MEM_SETS and every other
#   BENCH_* knob of bench.sh pass through (run `bash $BENCH_SH help` to list them).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench_sh="${BENCH_SH:-$repo/../shared/bench/bench.sh}"
jar="$repo/target/cinnabar.jar"
build=0

while [ $# -gt 0 ]; do
  case "$1" in
    --quick)     export BENCH_SCALE="${BENCH_SCALE:-0.1}" BENCH_ROUNDS="${BENCH_ROUNDS:-2}" ;;
    --no-memory) export BENCH_MEM_SETS='' ;;
    --tests)     shift; export BENCH_TESTS="${1:?--tests needs a list, e.g. SET,GET}" ;;
    --build)     build=1 ;;
    -h|--help)   awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *)           echo "compare.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

if [ ! -f "$bench_sh" ]; then
  echo "compare.sh: benchmark harness not found at $bench_sh" >&2
  echo "  It lives in the shared checkout next to the repository (../shared/bench/bench.sh);" >&2
  echo "  set BENCH_SH=/path/to/bench.sh to use another location." >&2
  exit 1
fi
for tool in redis-server redis-cli redis-benchmark java; do
  command -v "$tool" >/dev/null 2>&1 || { echo "compare.sh: '$tool' is not on PATH" >&2; exit 1; }
done

if [ "$build" = 1 ] || [ ! -f "$jar" ]; then
  echo "# building $jar" >&2
  (cd "$repo" && mvn -B -q -DskipTests package) >&2
fi

# The issue's matrix: -c 50 -r 100000 -d 32; SET GET INCR MSET; pipelines 1 and 16;
# memory: 1M string keys with 16-byte values.
# Five rounds, not the harness's three: the first round meets a cold JIT (and every new
# redis-benchmark connection set deoptimizes a few paths once), which at -P 1 shows as p99 2-4x
# Redis's; with five, the median is a steady-state round and the cold one stays in min..max.
export BENCH_ROUNDS="${BENCH_ROUNDS:-5}"
export BENCH_CLIENTS="${BENCH_CLIENTS:-50}"
export BENCH_KEYSPACE="${BENCH_KEYSPACE:-100000}"
export BENCH_DSIZE="${BENCH_DSIZE:-32}"
export BENCH_PIPELINES="${BENCH_PIPELINES:-1 16}"
export BENCH_TESTS="${BENCH_TESTS-SET,GET,INCR,MSET}"
export BENCH_MEM_SETS="${BENCH_MEM_SETS-strings}"

java_opts="${CINNABAR_JAVA_OPTS:-$(cat "$repo/bin/jvm-options")}"
port="${CINNABAR_BENCH_PORT:-7281}"

# Persistence off, as for the reference redis-server, when this build knows the directives
# (redis.conf.example lists exactly the supported ones).
extra=""
grep -q '^save ' "$repo/redis.conf.example" && extra="$extra --save ''"
grep -q '^appendonly ' "$repo/redis.conf.example" && extra="$extra --appendonly no"
extra="$extra ${CINNABAR_ARGS:-}"
target_cmd="exec java $java_opts -jar '$jar' --port $port --bind 127.0.0.1$extra"

mkdir -p "$repo/bench/results"
out="$repo/bench/results/compare-$(date +%Y%m%d-%H%M%S)-$(hostname -s).txt"
{
  echo "# cinnabar $(git -C "$repo" describe --always --dirty 2>/dev/null || echo '?') ($(git -C "$repo" rev-parse --abbrev-ref HEAD 2>/dev/null || echo '?'))"
  echo "# java: $(java -version 2>&1 | head -1)"
  echo "# JVM flags: $java_opts"
  echo "# GC: $(java $java_opts -XX:+PrintCommandLineFlags -version 2>&1 | grep -o -- '-XX:+Use[A-Za-z0-9]*GC' | head -1)"
  echo "# redis: $(redis-server --version)"
  echo "# machine: $(nproc) vCPU, $(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
} | tee "$out"
bash "$bench_sh" compare "$target_cmd" "$port" 2>&1 | tee -a "$out"
# The headline ratio divides median rates, which drift with the machine between rounds; the
# median of each round's back-to-back pair is the steadier figure (see bench/README.md).
raw_csv=$(sed -n 's/^# raw csv: \([^ ]*\).*/\1/p' "$out" | tail -1)
if [ -n "$raw_csv" ] && [ -f "$raw_csv" ] && command -v python3 >/dev/null 2>&1; then
  { echo; echo "== paired rounds (bench/pair-ratios.py)"; python3 "$repo/bench/pair-ratios.py" "$raw_csv"; } | tee -a "$out"
fi
echo "# saved to $out"
