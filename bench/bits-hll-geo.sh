#!/usr/bin/env bash
# bits-hll-geo.sh -- bitmaps, HyperLogLog and geo searches, Cinnabar next to Redis:
#   BITCOUNT over a 64 MiB bitmap (whole, and a 1 MiB BYTE range), PFADD of random elements,
#   PFCOUNT of one key and of three keys merged, GEOSEARCH returning ~1,000 of 100,000 points.
#
#   bench/bits-hll-geo.sh [--build]
#
# Starts a private redis-server and a Cinnabar (target/cinnabar.jar, JVM flags from bin/jvm-options
# or CINNABAR_JAVA_OPTS), loads the same data into both with redis-cli --pipe (the bitmap from
# SETRANGE chunks of one random file, the points from one seeded awk run), prints what each side
# holds (so a wrong size or hit count shows), then runs each command through redis-benchmark
# alternately against each for ROUNDS rounds and prints median requests/s and cinnabar/redis.
# Stops only what it started.
#
# Environment (defaults in brackets): ROUNDS [3], BENCH_CLIENTS [50], BITMAP_MB [64], N_BITCOUNT [400]
#   (and 20x that many ranged ones), BITCOUNT_CLIENTS [4],
#   N_PFADD [1000000], N_PFCOUNT [200000] (times P for the one-key row), HLL_ELEMENTS [1000000], GEO_POINTS [100000],
#   GEO_RADIUS_KM [53] (about 1,000 hits from 100,000 points), N_GEO [20000],
#   CINNABAR_BENCH_PORT [7281], BENCH_REDIS_PORT [7290], CINNABAR_JAVA_OPTS.
# Smoke run (seconds): BITMAP_MB=2 N_BITCOUNT=50 N_PFADD=20000 N_PFCOUNT=5000 HLL_ELEMENTS=20000 \
#   GEO_POINTS=5000 N_GEO=500 ROUNDS=1 bench/bits-hll-geo.sh
set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_setup bits-hll-geo "${1:-}"
bitmap_mb="${BITMAP_MB:-64}"
n_bitcount="${N_BITCOUNT:-400}"
bitcount_clients="${BITCOUNT_CLIENTS:-4}"
n_pfadd="${N_PFADD:-1000000}"
n_pfcount="${N_PFCOUNT:-200000}"
hll_elements="${HLL_ELEMENTS:-1000000}"
geo_points="${GEO_POINTS:-100000}"
geo_radius_km="${GEO_RADIUS_KM:-53}"
n_geo="${N_GEO:-20000}"
bench_start_servers

# The bitmap: BITMAP_MB SETRANGE commands of 1 MiB of random bytes each; one file for both sides.
: > "$work/bitmap.resp"
for ((i = 0; i < bitmap_mb; i++)); do
  offset=$((i * 1048576))
  printf '*4\r\n$8\r\nSETRANGE\r\n$2\r\nbm\r\n$%d\r\n%d\r\n$1048576\r\n' "${#offset}" "$offset" >> "$work/bitmap.resp"
  head -c 1048576 /dev/urandom >> "$work/bitmap.resp"
  printf '\r\n' >> "$work/bitmap.resp"
done
bench_load "$work/bitmap.resp"

# Three HyperLogLogs (dense after a few thousand elements) for PFCOUNT; hll is also PFADD's target.
awk -v n="$hll_elements" 'BEGIN {
  split("hll hll2 hll3", keys, " ")
  for (h = 1; h <= 3; h++)
    for (i = 0; i < n; i += 100) {
      k = (n - i < 100) ? n - i : 100
      printf "*%d\r\n$5\r\nPFADD\r\n$%d\r\n%s\r\n", 2 + k, length(keys[h]), keys[h]
      for (j = i; j < i + k; j++) { e = sprintf("e%d:%d", h, j); printf "$%d\r\n%s\r\n", length(e), e }
    }
}' > "$work/hll.resp"
bench_load "$work/hll.resp"

# GEO_POINTS points uniform in the box lon 0..10, lat 40..50 (about 874,000 km2), so a 53 km
# circle around (5, 45) holds about 1,000 of 100,000.
awk -v n="$geo_points" 'BEGIN {
  srand(20261130)
  for (i = 0; i < n; i += 100) {
    k = (n - i < 100) ? n - i : 100
    printf "*%d\r\n$6\r\nGEOADD\r\n$3\r\npts\r\n", 2 + 3 * k
    for (j = i; j < i + k; j++) {
      lon = sprintf("%.6f", rand() * 10); lat = sprintf("%.6f", 40 + rand() * 10); m = sprintf("p%d", j)
      printf "$%d\r\n%s\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(lon), lon, length(lat), lat, length(m), m
    }
  }
}' > "$work/geo.resp"
bench_load "$work/geo.resp"

geosearch=(GEOSEARCH pts FROMLONLAT 5 45 BYRADIUS "$geo_radius_km" km)
for port in "$rport" "$cport"; do
  echo "# port $port: STRLEN bm $(redis-cli -p "$port" STRLEN bm), BITCOUNT bm $(redis-cli -p "$port" BITCOUNT bm)," \
    "PFCOUNT hll $(redis-cli -p "$port" PFCOUNT hll), ZCARD pts $(redis-cli -p "$port" ZCARD pts)," \
    "GEOSEARCH hits $(redis-cli -p "$port" "${geosearch[@]}" | wc -l)"
done

bench_header
# a BITCOUNT of 64 MiB takes milliseconds: few clients, few requests
BENCH_CLIENTS="$bitcount_clients" bench_row "BITCOUNT_${bitmap_mb}MiB" 1 "$n_bitcount" BITCOUNT bm
BENCH_CLIENTS="$bitcount_clients" bench_row BITCOUNT_1MiB_BYTE_range 1 "$((n_bitcount * 20))" BITCOUNT bm 1000 1049575 BYTE
for p in 1 16; do
  bench_random=1000000000 bench_row PFADD_random "$p" "$n_pfadd" PFADD hll __rand_int__
  # p times the requests: a cached count runs ~750k/s at -P 16, and 200k of them (0.3 s) is
  # mostly scheduling noise
  bench_row PFCOUNT_1_key "$p" "$((n_pfcount * p))" PFCOUNT hll
  bench_row PFCOUNT_3_keys_merged "$p" "$n_pfcount" PFCOUNT hll hll2 hll3
done
bench_row "GEOSEARCH_${geo_radius_km}km_~1000_hits" 1 "$n_geo" "${geosearch[@]}"
