package io.cinnabar.util;

/**
 * Redis's geohash arithmetic (geohash.c, geohash_helper.c), computed the same way operation for
 * operation so that scores, decoded coordinates and distances agree with Redis to the last bit.
 *
 * <p>A hash is a pair (bits, step): {@code step} bits of latitude interleaved at the even
 * positions with {@code step} bits of longitude at the odd ones. Sorted sets store the 26-step
 * hash (52 bits) as the member's score.
 */
public final class GeoHash {
    private GeoHash() {}

    public static final int STEP_MAX = 26;
    public static final double LAT_MIN = -85.05112878;
    public static final double LAT_MAX = 85.05112878;
    public static final double LONG_MIN = -180;
    public static final double LONG_MAX = 180;
    /** Redis's earth radius (the quadratic mean radius for WGS-84), in meters. */
    public static final double EARTH_RADIUS_IN_METERS = 6372797.560856;
    private static final double MERCATOR_MAX = 20037726.37;
    private static final double D_R = Math.PI / 180.0;

    /** Spreads the low 32 bits of x over the even bits and of y over the odd bits. */
    static long interleave(long xlo, long ylo) {
        long x = xlo & 0xFFFFFFFFL;
        long y = ylo & 0xFFFFFFFFL;
        x = (x | (x << 16)) & 0x0000FFFF0000FFFFL;
        y = (y | (y << 16)) & 0x0000FFFF0000FFFFL;
        x = (x | (x << 8)) & 0x00FF00FF00FF00FFL;
        y = (y | (y << 8)) & 0x00FF00FF00FF00FFL;
        x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FL;
        y = (y | (y << 4)) & 0x0F0F0F0F0F0F0F0FL;
        x = (x | (x << 2)) & 0x3333333333333333L;
        y = (y | (y << 2)) & 0x3333333333333333L;
        x = (x | (x << 1)) & 0x5555555555555555L;
        y = (y | (y << 1)) & 0x5555555555555555L;
        return x | (y << 1);
    }

    /** The inverse of {@link #interleave}: even bits in the low word, odd bits in the high word. */
    static long deinterleave(long interleaved) {
        long x = interleaved & 0x5555555555555555L;
        long y = (interleaved >>> 1) & 0x5555555555555555L;
        x = (x | (x >>> 1)) & 0x3333333333333333L;
        y = (y | (y >>> 1)) & 0x3333333333333333L;
        x = (x | (x >>> 2)) & 0x0F0F0F0F0F0F0F0FL;
        y = (y | (y >>> 2)) & 0x0F0F0F0F0F0F0F0FL;
        x = (x | (x >>> 4)) & 0x00FF00FF00FF00FFL;
        y = (y | (y >>> 4)) & 0x00FF00FF00FF00FFL;
        x = (x | (x >>> 8)) & 0x0000FFFF0000FFFFL;
        y = (y | (y >>> 8)) & 0x0000FFFF0000FFFFL;
        x = (x | (x >>> 16)) & 0x00000000FFFFFFFFL;
        y = (y | (y >>> 16)) & 0x00000000FFFFFFFFL;
        return x | (y << 32);
    }

    /** C's double to uint32_t conversion of an offset already known to be in [0, 2^32). */
    private static long toUint32(double d) {
        return ((long) d) & 0xFFFFFFFFL;
    }

    /**
     * geohashEncode over the given ranges; the caller has checked the coordinates are inside
     * Redis's limits. Returns the {@code 2*step}-bit hash.
     */
    public static long encode(double longMin, double longMax, double latMin, double latMax, double longitude, double latitude, int step) {
        double latOffset = (latitude - latMin) / (latMax - latMin);
        double longOffset = (longitude - longMin) / (longMax - longMin);
        latOffset *= (1 << step);
        longOffset *= (1 << step);
        return interleave(toUint32(latOffset), toUint32(longOffset));
    }

    /** True if Redis's geohashEncode accepts the point (and would not return 0). */
    public static boolean encodable(double longitude, double latitude) {
        return !(longitude > 180 || longitude < -180 || latitude > LAT_MAX || latitude < LAT_MIN);
    }

    /** The 52-bit score of a point with Redis's WGS84 ranges. */
    public static long encodeWGS84(double longitude, double latitude) {
        return encode(LONG_MIN, LONG_MAX, LAT_MIN, LAT_MAX, longitude, latitude, STEP_MAX);
    }

    /** geohashAlign52Bits: the hash shifted to the 52-bit score scale. */
    public static long align52(long bits, int step) {
        return bits << (52 - step * 2);
    }

    /** The (uint64_t) cast Redis applies to a score before decoding it, as x86-64 gcc computes it. */
    public static long scoreBits(double score) {
        if (score < 9.223372036854775808E18) {
            return (long) score;
        }
        double shifted = score - 9.223372036854775808E18;
        // cvttsd2si yields 0x8000000000000000 for anything out of range, NaN included.
        long low = shifted < 9.223372036854775808E18 ? (long) shifted : Long.MIN_VALUE;
        return low ^ Long.MIN_VALUE;
    }

    /**
     * An area as geohashDecode computes it: {@code out} receives longitude min, max, latitude
     * min, max, in that order.
     */
    public static void decodeArea(long bits, int step, double[] out) {
        long separated = deinterleave(bits);
        double latScale = LAT_MAX - LAT_MIN;
        double longScale = LONG_MAX - LONG_MIN;
        long ilato = separated & 0xFFFFFFFFL;
        long ilono = separated >>> 32;
        double cells = (double) (1L << step);
        out[0] = LONG_MIN + (ilono * 1.0 / cells) * longScale;
        out[1] = LONG_MIN + ((ilono + 1) * 1.0 / cells) * longScale;
        out[2] = LAT_MIN + (ilato * 1.0 / cells) * latScale;
        out[3] = LAT_MIN + ((ilato + 1) * 1.0 / cells) * latScale;
    }

    /** A score's point: the center of its 26-step cell, clamped to the limits (xy = lon, lat). */
    public static void decodeScore(double score, double[] xy) {
        long bits = scoreBits(score);
        long separated = deinterleave(bits);
        long ilato = separated & 0xFFFFFFFFL;
        long ilono = separated >>> 32;
        double cells = (double) (1L << STEP_MAX);
        double longMin = LONG_MIN + (ilono * 1.0 / cells) * (LONG_MAX - LONG_MIN);
        double longMax = LONG_MIN + ((ilono + 1) * 1.0 / cells) * (LONG_MAX - LONG_MIN);
        double latMin = LAT_MIN + (ilato * 1.0 / cells) * (LAT_MAX - LAT_MIN);
        double latMax = LAT_MIN + ((ilato + 1) * 1.0 / cells) * (LAT_MAX - LAT_MIN);
        double lon = (longMin + longMax) / 2;
        double lat = (latMin + latMax) / 2;
        xy[0] = lon > LONG_MAX ? LONG_MAX : lon < LONG_MIN ? LONG_MIN : lon;
        xy[1] = lat > LAT_MAX ? LAT_MAX : lat < LAT_MIN ? LAT_MIN : lat;
    }

    private static final byte[] BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * The standard 11-character geohash of a decoded point, re-encoded over latitude -90..90 as
     * GEOHASH does; the 11th character stands for bits Redis does not have and is always '0'.
     */
    public static void standardHash(double longitude, double latitude, byte[] out) {
        long bits = encode(-180, 180, -90, 90, longitude, latitude, STEP_MAX);
        for (int i = 0; i < 10; i++) {
            out[i] = BASE32[(int) ((bits >>> (52 - (i + 1) * 5)) & 0x1f)];
        }
        out[10] = '0';
    }

    // ---------------------------------------------------------------- neighbors

    private static final long LONG_BITS = 0xaaaaaaaaaaaaaaaaL;
    private static final long LAT_BITS = 0x5555555555555555L;

    /**
     * geohash_move_x / geohash_move_y: steps the cell one cell along the axis whose bits are
     * {@code axis} (east or north when d > 0), wrapping around at the edge of the range.
     */
    private static long move(long bits, int step, int d, long axis) {
        long moving = bits & axis;
        long fixed = bits & ~axis;
        long zz = ~axis >>> (64 - step * 2);
        if (d > 0) {
            moving = moving + (zz + 1);
        } else {
            moving = moving | zz;
            moving = moving - (zz + 1);
        }
        moving &= axis >>> (64 - step * 2);
        return moving | fixed;
    }

    private static long moveX(long bits, int step, int d) {
        return move(bits, step, d, LONG_BITS);
    }

    private static long moveY(long bits, int step, int d) {
        return move(bits, step, d, LAT_BITS);
    }

    // ---------------------------------------------------------------- distances

    private static double degRad(double ang) {
        return ang * D_R;
    }

    private static double radDeg(double ang) {
        return ang / D_R;
    }

    /**
     * The haversine great circle distance in meters, as Redis 7.0 computes it, with glibc's sin,
     * cos and asin as {@link GlibcTrig} reproduces them.
     */
    public static double distance(double lon1d, double lat1d, double lon2d, double lat2d) {
        if (sameMeridian(lon1d, lon2d)) {
            return latDistance(lat1d, lat2d);
        }
        return distanceFromRoot(haversineRoot(lon1d, lat1d, lon2d, lat2d));
    }

    /**
     * Whether Redis 7.0's geohashGetDistance takes its shortcut for these longitudes: when
     * sin((lon2r - lon1r) / 2) is 0 it returns {@link #latDistance} instead of the haversine, and
     * the two round differently (10578.376740558346 km against ...342 for two points on the
     * 180th meridian). sin is 0 exactly when its argument is.
     */
    public static boolean sameMeridian(double lon1d, double lon2d) {
        return (degRad(lon2d) - degRad(lon1d)) / 2 == 0.0;
    }

    /** geohashGetLatDistance: the meridian distance between two latitudes, R times their radians apart. */
    public static double latDistance(double lat1d, double lat2d) {
        return EARTH_RADIUS_IN_METERS * Math.abs(degRad(lat2d) - degRad(lat1d));
    }

    /** The distance whose {@link #haversineRoot} is root, as {@link #distance} computes it. */
    public static double distanceFromRoot(double root) {
        return 2.0 * EARTH_RADIUS_IN_METERS * GlibcTrig.asin(root);
    }

    /** sqrt of the haversine of the central angle between two points: distance = 2R asin(root). */
    public static double haversineRoot(double lon1d, double lat1d, double lon2d, double lat2d) {
        return haversineRoot(lon1d, lat1d, cosLatitude(lat1d), lon2d, lat2d, Double.POSITIVE_INFINITY);
    }

    /** The cosine of a latitude in degrees, as {@link #haversineRoot} takes it. */
    public static double cosLatitude(double latd) {
        return GlibcTrig.cos(degRad(latd));
    }

    /**
     * {@link #haversineRoot} for a search, which knows the first point's latitude cosine
     * (cosLat1, from {@link #cosLatitude}); +Infinity once the latitudes alone put the root
     * above cutoff (root is at least |sin(dlat / 2)|), which spares a sine, a cosine and the
     * square root for every point too far north or south.
     */
    public static double haversineRoot(double lon1d, double lat1d, double cosLat1, double lon2d, double lat2d, double cutoff) {
        double lat1r = degRad(lat1d);
        double lon1r = degRad(lon1d);
        double lat2r = degRad(lat2d);
        double lon2r = degRad(lon2d);
        double u = GlibcTrig.sin((lat2r - lat1r) / 2);
        if (Math.abs(u) > cutoff) {
            return Double.POSITIVE_INFINITY;
        }
        double v = GlibcTrig.sin((lon2r - lon1r) / 2);
        return Math.sqrt(u * u + cosLat1 * GlibcTrig.cos(lat2r) * v * v);
    }

    /** Margin within which Math.asin's ulp could flip a comparison with a limit. */
    private static final double DECISION_MARGIN = 1e-12;

    /**
     * {@code distanceFromRoot(root) > limit}, as Redis decides it; Math.asin, which is within an
     * ulp or two of glibc's, decides unless it is too close to the limit to tell.
     */
    private static boolean rootFartherThan(double root, double limit) {
        double estimate = 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(root);
        if (Math.abs(estimate - limit) > DECISION_MARGIN * Math.max(estimate, limit)) {
            return estimate > limit;
        }
        return distanceFromRoot(root) > limit;
    }

    /**
     * The root that a point exactly limitMeters away would have, for {@link #rootFartherThan}; NaN
     * (every decision goes through asin) from one radian of central angle on, where asin's growing
     * slope would magnify rounding beyond the margin.
     */
    public static double rootLimit(double limitMeters) {
        double angle = limitMeters / (2.0 * EARTH_RADIUS_IN_METERS);
        return angle < 1 ? Math.sin(angle) : Double.NaN;
    }

    /**
     * The cutoff for {@link #haversineRoot(double, double, double, double, double, double)}
     * under which no point is cut that {@link #rootFartherThan} would keep: twice its margin
     * above the root limit, so the latitude term (which can round an ulp above the root) clears
     * it too. +Infinity (no cut) where the root limit is NaN.
     */
    public static double rootCutoff(double rootLimit) {
        return Double.isNaN(rootLimit) ? Double.POSITIVE_INFINITY : rootLimit * (1 + 2 * ROOT_MARGIN);
    }

    /** How far (relatively) a root must be from the root limit for the comparison alone to decide. */
    private static final double ROOT_MARGIN = 1e-9;

    /**
     * {@code distanceFromRoot(root) > limit} without an asin for nearly every point: asin is
     * increasing, so a root clearly above or below sin(limit / 2R) decides it; the margin is
     * millions of times wider than the few ulps by which Redis's asin, the product with 2R or
     * our sin can be off, and only roots within it pay for the asin.
     */
    public static boolean rootFartherThan(double root, double rootLimit, double limit) {
        if (root > rootLimit * (1 + ROOT_MARGIN)) {
            return true;
        }
        if (root < rootLimit * (1 - ROOT_MARGIN)) {
            return false;
        }
        return rootFartherThan(root, limit);
    }

    /**
     * Whether (x2, y2) lies outside the width x height box (meters) around the center (x1, y1),
     * as geohashGetDistanceIfInRectangle decides before it measures the distance: the latitudes'
     * {@link #latDistance} against half the height, then the distance along the point's parallel
     * against half the width, given that half width's {@link #rootLimit} so that nearly every
     * point is decided without an asin.
     */
    public static boolean outsideRectangle(double widthM, double heightM, double x1, double y1, double x2, double y2,
            double halfWidthRootLimit) {
        if (latDistance(y2, y1) > heightM / 2) {
            return true;
        }
        if (sameMeridian(x2, x1)) {
            return false; // the shortcut measures 0 along the point's own parallel
        }
        return rootFartherThan(haversineRoot(x2, y2, cosLatitude(y2), x1, y2, Double.POSITIVE_INFINITY), halfWidthRootLimit, widthM / 2);
    }

    /** geohashEstimateStepsByRadius: the coarsest step whose cells still cover the radius. */
    public static int estimateStepsByRadius(double rangeMeters, double lat) {
        if (rangeMeters == 0) {
            return 26;
        }
        int step = 1;
        while (rangeMeters < MERCATOR_MAX) {
            rangeMeters *= 2;
            step++;
        }
        step -= 2;
        if (lat > 66 || lat < -66) {
            step--;
            if (lat > 80 || lat < -80) {
                step--;
            }
        }
        if (step < 1) {
            step = 1;
        }
        if (step > 26) {
            step = 26;
        }
        return step;
    }

    // ---------------------------------------------------------------- search areas

    /**
     * The nine cells (center, N, S, E, W, NE, NW, SE, SW, Redis's order) that cover a search
     * shape, as geohashCalculateAreasByShapeWGS84 picks them. A dropped cell is marked by
     * {@link #skipped}.
     */
    public static final class Areas {
        public final long[] bits = new long[9];
        public final boolean[] skipped = new boolean[9];
        public int step;
        private final double[] area = new double[4];
        private final double[] probe = new double[4];

        /**
         * Computes the cells around (longitude, latitude) for a circle of radius halfWidth
         * (= halfHeight) or a box of those half extents; all lengths in meters, and
         * radiusMeters the circle radius or the box's half diagonal.
         */
        public void compute(double longitude, double latitude, double halfWidth, double halfHeight, double radiusMeters) {
            double latDelta = radDeg(halfHeight / EARTH_RADIUS_IN_METERS);
            double longDeltaTop = radDeg(halfWidth / EARTH_RADIUS_IN_METERS / GlibcTrig.cos(degRad(latitude + latDelta)));
            double longDeltaBottom = radDeg(halfWidth / EARTH_RADIUS_IN_METERS / GlibcTrig.cos(degRad(latitude - latDelta)));
            boolean southern = latitude < 0;
            double minLon = southern ? longitude - longDeltaBottom : longitude - longDeltaTop;
            double maxLon = southern ? longitude + longDeltaBottom : longitude + longDeltaTop;
            double minLat = latitude - latDelta;
            double maxLat = latitude + latDelta;

            int steps = estimateStepsByRadius(radiusMeters, latitude);
            fill(longitude, latitude, steps);
            boolean decrease = false;
            decodeArea(bits[1], steps, probe);
            if (probe[3] < maxLat) {
                decrease = true;
            }
            decodeArea(bits[2], steps, probe);
            if (probe[2] > minLat) {
                decrease = true;
            }
            decodeArea(bits[3], steps, probe);
            if (probe[1] < maxLon) {
                decrease = true;
            }
            decodeArea(bits[4], steps, probe);
            if (probe[0] > minLon) {
                decrease = true;
            }
            if (steps > 1 && decrease) {
                steps--;
                fill(longitude, latitude, steps);
            }
            step = steps;
            java.util.Arrays.fill(skipped, false);
            if (steps >= 2) {
                if (area[2] < minLat) {
                    skip(2, 8, 7); // south, south-west, south-east
                }
                if (area[3] > maxLat) {
                    skip(1, 5, 6); // north, north-east, north-west
                }
                if (area[0] < minLon) {
                    skip(4, 8, 6); // west, south-west, north-west
                }
                if (area[1] > maxLon) {
                    skip(3, 7, 5); // east, south-east, north-east
                }
            }
        }

        private void skip(int a, int b, int c) {
            skipped[a] = true;
            skipped[b] = true;
            skipped[c] = true;
        }

        private void fill(double longitude, double latitude, int steps) {
            long hash = encode(LONG_MIN, LONG_MAX, LAT_MIN, LAT_MAX, longitude, latitude, steps);
            bits[0] = hash;
            bits[1] = moveY(hash, steps, 1);                  // north
            bits[2] = moveY(hash, steps, -1);                 // south
            bits[3] = moveX(hash, steps, 1);                  // east
            bits[4] = moveX(hash, steps, -1);                 // west
            bits[5] = moveY(moveX(hash, steps, 1), steps, 1);   // north-east
            bits[6] = moveY(moveX(hash, steps, -1), steps, 1);  // north-west
            bits[7] = moveY(moveX(hash, steps, 1), steps, -1);  // south-east
            bits[8] = moveY(moveX(hash, steps, -1), steps, -1); // south-west
            decodeArea(hash, steps, area);
        }
    }
}
