#!/usr/bin/env bash
# Where a Cinnabar's RSS goes for one memory data set: starts a fresh server, loads the set with
# the harness's own loader (`bench.sh memory`: FLUSHALL, settle, redis-cli --pipe, settle, the
# usual B/key row) and adds what the harness cannot see: the RSS of the Java heap mapping versus
# everything else (GC structures, JIT arenas, code, thread stacks, Netty), the committed and used
# heap, and the same after a forced full GC (jcmd GC.run), which separates live data from heap
# slack. A load, not a throughput benchmark: safe on a shared machine.
#
#   bench/memory-split.sh [strings|hashes|zsets] [runs]      (default: hashes, 1 run)
#   CINNABAR_JAVA_OPTS="..." bench/memory-split.sh zsets 3    (other JVM flags)
#
# Port: CINNABAR_SPLIT_PORT (7283). The class histogram after the load is kept in
# $BENCH_WORKDIR/split-histogram-<set>.txt.
set -euo pipefail

kind="${1:-hashes}"
case "$kind" in
  strings|hashes|zsets) ;;
  *) echo "memory-split.sh: unknown set '$kind' (strings, hashes or zsets)" >&2; exit 2 ;;
esac
runs="${2:-1}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$repo/target/cinnabar.jar"
bench_sh="${BENCH_SH:-$repo/../shared/bench/bench.sh}"
port="${CINNABAR_SPLIT_PORT:-7283}"
java_opts="${CINNABAR_JAVA_OPTS:-$(cat "$repo/bin/jvm-options")}"
workdir="${BENCH_WORKDIR:-/tmp/bench-redis-$(id -u)}"
mkdir -p "$workdir"
[ -f "$bench_sh" ] || { echo "memory-split.sh: harness not found at $bench_sh (set BENCH_SH)" >&2; exit 1; }
[ -f "$jar" ] || (cd "$repo" && mvn -B -q -DskipTests package) >&2

# "heap=<MiB> other=<MiB>": RSS of the mapping that starts at the heap base, and of the rest
heap_split() {
  local pid=$1 base
  base=$(jcmd "$pid" GC.heap_info | grep -o '\[0x[0-9a-f]*' | head -1 | tr -d '[' | sed 's/^0x0*//')
  awk -v base="$base" '/^[0-9a-f]+-[0-9a-f]+ /{ split($1, a, "-"); s = a[1]; sub(/^0+/, "", s); cur = (s == base) ? "heap" : "other" }
       /^Rss:/{ r[cur] += $2 }
       END { printf "heap=%.1f other=%.1f", r["heap"] / 1024, r["other"] / 1024 }' "/proc/$pid/smaps"
}
heap_committed_used() {
  jcmd "$1" GC.heap_info | grep -o 'total [0-9]*K, used [0-9]*K' | awk '{ printf "committed=%.0f used=%.0f", $2 / 1024, $4 / 1024 }'
}
rss_mib() { awk '/^VmRSS:/{ printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

start_server() {
  java $java_opts -jar "$jar" --port "$port" --bind 127.0.0.1 --save '' --appendonly no >"$workdir/split-server.log" 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null || true' EXIT
  for _ in $(seq 150); do redis-cli -p "$port" PING 2>/dev/null | grep -q PONG && return; sleep 0.2; done
  echo "memory-split.sh: no PONG on port $port" >&2; exit 1
}
stop_server() { kill "$pid"; wait "$pid" 2>/dev/null || true; trap - EXIT; }
# RSS once it changes by less than 0.5% in 0.5 s (at most 10 s), as the harness waits
settle() {
  local prev cur
  prev=$(rss_mib "$pid")
  for _ in $(seq 20); do
    sleep 0.5; cur=$(rss_mib "$pid")
    awk -v a="$prev" -v b="$cur" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 0.005 * b) }' && break
    prev=$cur
  done
}

echo "# $kind, JVM flags: $java_opts (MiB below)"
for run in $(seq "$runs"); do
  # the harness's row (its loader also leaves the RESP file in $workdir) ...
  start_server
  BENCH_MEM_SETS="$kind" bash "$bench_sh" memory 127.0.0.1 "$port" "$pid" "$kind" | grep -E "^(set|$kind) "
  stop_server
  # ... then the same load into a second fresh server, split by mapping
  start_server
  settle
  echo "  before load:   $(heap_split "$pid") rss=$(rss_mib "$pid") $(heap_committed_used "$pid")"
  redis-cli -p "$port" --pipe <"$workdir/mem-$kind.v1.resp" >/dev/null
  settle
  echo "  after load:    $(heap_split "$pid") rss=$(rss_mib "$pid") $(heap_committed_used "$pid")"
  jcmd "$pid" GC.class_histogram | head -20 >"$workdir/split-histogram-$kind.txt"
  jcmd "$pid" GC.run >/dev/null
  settle
  echo "  after GC.run:  $(heap_split "$pid") rss=$(rss_mib "$pid") $(heap_committed_used "$pid")"
  stop_server
done
