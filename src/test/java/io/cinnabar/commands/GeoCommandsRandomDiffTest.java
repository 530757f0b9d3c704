package io.cinnabar.commands;

import io.cinnabar.testing.RandomDiff;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every geo command generated from a seed and compared with real Redis reply by reply, byte for
 * byte: points spread over the globe, packed near the poles, along the antimeridian and in dense
 * clusters, searched by radius and by box from a point or a member with every option, radii from
 * a meter to half the planet. Replay a failure with {@code -DgeoSeed=<seed>}. Points are kept
 * apart (no two in one 26-step cell): with COUNT, Redis's partial quicksort orders equal
 * distances by its pivots, so one distance an ulp away (see below) may reorder a tie; exact ties
 * are covered by geo.txt.
 *
 * <p>STOREDIST scores (read back by ZRANGE WITHSCORES) are compared as doubles, and must be
 * equal: {@link io.cinnabar.util.GlibcTrig} follows glibc's sin/cos/asin (coefficients fitted to
 * its outputs, sin reduced by pi like glibc for longitude differences past 139 degrees), and
 * {@link io.cinnabar.util.GeoHash#distance} takes Redis 7.0's meridian shortcut for equal
 * longitudes. Until both, 6 to 96 scores per run differed by 1-2 ulps. Their pairs are still read
 * in member order, a leftover of that tolerance. Every other reply, WITHDIST included, is
 * compared byte for byte.
 */
@Timeout(300)
class GeoCommandsRandomDiffTest {
    private static final String[] KEYS = {"g:0", "g:1", "g:2"};
    private static final String[] UNITS = {"m", "km", "ft", "mi", "KM", "M"};
    /** Cluster centers, some on purpose at the limits of the geohash ranges. */
    private static final double[][] CLUSTERS = {
        {13.36, 38.11}, {179.99, 0.2}, {-179.99, -0.2}, {0, 84.9}, {0, -84.9}, {-0.0001, 0.0001}, {120.5, 66.5}, {-70.3, -80.5},
    };

    @Test
    void defaultLimits() {
        RandomDiff.run("geoSeed", 20261140L, 15000, options(), GeoCommandsRandomDiffTest::command);
    }

    @Test
    void skiplistEncodedSets() {
        RandomDiff.run("geoSeed", 20261141L, 12000,
                options().config("zset-max-listpack-entries 8"), GeoCommandsRandomDiffTest::command);
    }

    @Test
    void resp3() {
        RandomDiff.run("geoSeed", 20261142L, 8000, options().resp3(), GeoCommandsRandomDiffTest::command);
    }

    /**
     * Radii (and half box sides) equal to a member's distance from the center, to the ulp and a
     * hair either side (a few parts in a billion, around the margin within which the cheap
     * haversine-root comparison hands the decision to asin), in the skiplist of a dense 100 km
     * field; plain, WITHDIST and ASC searches, so hits both skip and need their distances.
     */
    @Test
    void radiiOnTheBoundary() {
        List<double[]> points = new ArrayList<>();
        RandomDiff.run("geoSeed", 20261143L, 3000, options().config("zset-max-listpack-entries 8"), r -> boundaryCommand(r, points));
    }

    private static final double[] BOUNDARY_SCALES = {1, 1 + 5e-10, 1 - 5e-10, 1 + 1e-9, 1 - 1e-9, 1 + 1.5e-9, 1 - 1.5e-9, 1 + 2e-9, 1 - 2e-9, 1 + 3e-9, 1 - 3e-9};

    private static String[] boundaryCommand(Random r, List<double[]> points) {
        if (points.size() < 300) {
            double[] xy = new double[2];
            io.cinnabar.util.GeoHash.decodeScore(io.cinnabar.util.GeoHash.encodeWGS84(5 + r.nextDouble(), 45 + r.nextDouble()), xy);
            String member = "b" + points.size();
            points.add(xy);
            return new String[] {"GEOADD", "g:b", exact(xy[0]), exact(xy[1]), member};
        }
        int from = r.nextInt(points.size());
        int to = r.nextInt(points.size());
        double[] a = points.get(from);
        double[] b = points.get(to);
        List<String> c = new ArrayList<>(List.of("GEOSEARCH", "g:b"));
        if (r.nextBoolean()) {
            c.addAll(List.of("FROMMEMBER", "b" + from));
        } else {
            c.addAll(List.of("FROMLONLAT", exact(a[0]), exact(a[1])));
        }
        if (r.nextInt(3) > 0) {
            c.addAll(List.of("BYRADIUS", exact(nearBoundary(r, io.cinnabar.util.GeoHash.distance(a[0], a[1], b[0], b[1]))), "m"));
        } else {
            // A box whose half width is b's distance east or west of the center, or whose half height north or south.
            double halfWidth = io.cinnabar.util.GeoHash.distance(b[0], b[1], a[0], b[1]);
            double halfHeight = io.cinnabar.util.GeoHash.distance(b[0], b[1], b[0], a[1]);
            boolean widthOnEdge = r.nextBoolean();
            double width = 2 * (widthOnEdge ? nearBoundary(r, halfWidth) : halfWidth * 1.5 + 1);
            double height = 2 * (widthOnEdge ? halfHeight * 1.5 + 1 : nearBoundary(r, halfHeight));
            c.addAll(List.of("BYBOX", exact(width), exact(height), "m"));
        }
        int option = r.nextInt(3);
        if (option == 1) {
            c.add("WITHDIST");
        } else if (option == 2) {
            c.add("ASC");
        }
        return c.toArray(new String[0]);
    }

    /** The distance itself, an ulp either side, or a few parts per billion either side. */
    private static double nearBoundary(Random r, double meters) {
        int variant = r.nextInt(BOUNDARY_SCALES.length + 2);
        return variant == BOUNDARY_SCALES.length ? Math.nextUp(meters)
                : variant == BOUNDARY_SCALES.length + 1 ? Math.nextDown(meters) : meters * BOUNDARY_SCALES[variant];
    }

    /** A double's exact decimal expansion, which both servers parse back to the same double. */
    private static String exact(double d) {
        return new java.math.BigDecimal(d).toPlainString();
    }

    private static RandomDiff.Options options() {
        return new RandomDiff.Options().normalizer(GeoCommandsRandomDiffTest::storedScores);
    }

    private static Object storedScores(String[] command, io.cinnabar.testing.RespClient.Reply reply) {
        if (!command[0].equals("ZRANGE") || !command[1].equals("g:dst")) {
            return null;
        }
        List<String> leaves = new ArrayList<>();
        flatten(reply.value, leaves);
        // An ulp can swap two close scores, so pairs are compared in member order.
        List<String[]> pairs = new ArrayList<>();
        for (int i = 0; i + 1 < leaves.size(); i += 2) {
            pairs.add(new String[] {leaves.get(i), leaves.get(i + 1)});
        }
        pairs.sort((a, b) -> a[0].compareTo(b[0]));
        List<String> sorted = new ArrayList<>();
        for (String[] pair : pairs) {
            sorted.add(pair[0]);
            sorted.add(pair[1]);
        }
        if (leaves.size() % 2 != 0) {
            sorted.add(leaves.get(leaves.size() - 1));
        }
        return new UlpEqual(sorted);
    }

    private static void flatten(Object value, List<String> out) {
        if (value instanceof List) {
            for (Object o : (List<?>) value) {
                flatten(o, out);
            }
        } else if (value instanceof byte[]) {
            out.add(new String((byte[]) value, java.nio.charset.StandardCharsets.ISO_8859_1));
        } else {
            out.add(String.valueOf(value));
        }
    }

    /** Leaves equal as text, or as equal doubles (see the class comment). */
    private static final class UlpEqual {
        final List<String> leaves;

        UlpEqual(List<String> leaves) {
            this.leaves = leaves;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof UlpEqual) || ((UlpEqual) o).leaves.size() != leaves.size()) {
                return false;
            }
            List<String> other = ((UlpEqual) o).leaves;
            for (int i = 0; i < leaves.size(); i++) {
                String a = leaves.get(i);
                String b = other.get(i);
                if (!a.equals(b) && !closeDoubles(a, b)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            return leaves.size();
        }

        private static boolean closeDoubles(String a, String b) {
            try {
                double x = Double.parseDouble(a.startsWith(",") ? a.substring(1) : a);
                double y = Double.parseDouble(b.startsWith(",") ? b.substring(1) : b);
                return x == y;
            } catch (NumberFormatException e) {
                return false;
            }
        }
    }

    private static String key(Random r) {
        return r.nextInt(30) == 0 ? "g:none" : KEYS[r.nextInt(KEYS.length)];
    }

    private static String member(Random r) {
        int n = r.nextInt(10);
        if (n == 0) {
            return Integer.toString(r.nextInt(100)); // stored as a listpack integer
        }
        return "p" + r.nextInt(n < 5 ? 60 : 400);
    }

    /** A coordinate as a client would type it: few or many digits, exponents, limits. */
    private static String number(Random r, double v) {
        switch (r.nextInt(6)) {
            case 0:
                return String.format(Locale.ROOT, "%.6f", v);
            case 2:
                return Double.toString(v);
            default:
                return String.format(Locale.ROOT, "%.9f", v);
        }
    }

    private static double[] point(Random r) {
        switch (r.nextInt(8)) {
            case 0:
                return new double[] {-180 + 360 * r.nextDouble(), -85.05112878 + 170.10225756 * r.nextDouble()};
            case 1: // the poles' limits, exactly and just inside
                return new double[] {-180 + 360 * r.nextDouble(), (r.nextBoolean() ? 1 : -1) * (r.nextBoolean() ? 85.05112878 : 85.05112878 - r.nextDouble() * 0.5)};
            case 2: // the antimeridian, exactly and just inside
                return new double[] {(r.nextBoolean() ? 1 : -1) * (r.nextBoolean() ? 180 : 180 - r.nextDouble() * 0.5), -85 + 170 * r.nextDouble()};
            default:
                double[] c = CLUSTERS[r.nextInt(CLUSTERS.length)];
                double spread = Math.pow(10, -r.nextInt(3));
                double lon = Math.max(-180, Math.min(180, c[0] + (r.nextDouble() - 0.5) * spread));
                double lat = Math.max(-85.05112878, Math.min(85.05112878, c[1] + (r.nextDouble() - 0.5) * spread));
                return new double[] {lon, lat};
        }
    }

    /** A length from a meter to half the planet, mostly in a useful middle. */
    private static String length(Random r) {
        if (r.nextInt(40) == 0) {
            return r.nextBoolean() ? "0" : "-1";
        }
        double meters = Math.pow(10, r.nextDouble() * 7.3);
        return String.format(Locale.ROOT, "%.3f", meters);
    }

    private static void addPoint(Random r, List<String> c) {
        double[] p = point(r);
        if (r.nextInt(60) == 0) {
            p[r.nextInt(2)] += 200; // out of range
        }
        c.add(number(r, p[0]));
        c.add(number(r, p[1]));
    }

    private static void searchOptions(Random r, List<String> c, boolean store) {
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(store ? 3 : 6)) {
                case 0:
                    c.add(r.nextBoolean() ? "ASC" : "DESC");
                    break;
                case 1:
                    c.add("COUNT");
                    c.add(Integer.toString(r.nextInt(30) == 0 ? 0 : 1 + r.nextInt(12)));
                    if (r.nextInt(3) == 0) {
                        c.add("ANY");
                    }
                    break;
                case 2:
                    if (r.nextInt(10) == 0) {
                        c.add("ANY");
                    }
                    break;
                case 3:
                    c.add("WITHDIST");
                    break;
                case 4:
                    c.add("WITHCOORD");
                    break;
                default:
                    c.add("WITHHASH");
                    break;
            }
        }
    }

    private static void shape(Random r, List<String> c) {
        if (r.nextBoolean()) {
            c.add("BYRADIUS");
            c.add(length(r));
            c.add(UNITS[r.nextInt(UNITS.length)]);
        } else {
            c.add("BYBOX");
            c.add(length(r));
            c.add(length(r));
            c.add(UNITS[r.nextInt(UNITS.length)]);
        }
    }

    private static void origin(Random r, List<String> c) {
        if (r.nextInt(3) == 0) {
            c.add("FROMMEMBER");
            c.add(member(r));
        } else {
            c.add("FROMLONLAT");
            addPoint(r, c);
        }
    }

    private static String[] command(Random r) {
        List<String> c = new ArrayList<>();
        int op = r.nextInt(100);
        if (op < 30) {
            c.add("GEOADD");
            c.add(key(r));
            if (r.nextInt(5) == 0) {
                c.add(new String[] {"NX", "XX", "CH"}[r.nextInt(3)]);
            }
            int n = 1 + r.nextInt(r.nextInt(8) == 0 ? 40 : 4);
            for (int i = 0; i < n; i++) {
                addPoint(r, c);
                c.add(member(r));
            }
        } else if (op < 36) {
            c.add("GEOPOS");
            c.add(key(r));
            for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) {
                c.add(member(r));
            }
        } else if (op < 41) {
            c.add("GEOHASH");
            c.add(key(r));
            for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) {
                c.add(member(r));
            }
        } else if (op < 47) {
            c.add("GEODIST");
            c.add(key(r));
            c.add(member(r));
            c.add(member(r));
            if (r.nextBoolean()) {
                c.add(UNITS[r.nextInt(UNITS.length)]);
            }
        } else if (op < 67) {
            c.add("GEOSEARCH");
            c.add(key(r));
            origin(r, c);
            shape(r, c);
            searchOptions(r, c, false);
        } else if (op < 77) {
            boolean byMember = r.nextBoolean();
            boolean readOnly = r.nextInt(4) == 0;
            c.add((byMember ? "GEORADIUSBYMEMBER" : "GEORADIUS") + (readOnly ? "_RO" : ""));
            c.add(key(r));
            if (byMember) {
                c.add(member(r));
            } else {
                addPoint(r, c);
            }
            c.add(length(r));
            c.add(UNITS[r.nextInt(UNITS.length)]);
            boolean store = !readOnly && r.nextInt(4) == 0;
            searchOptions(r, c, store);
            if (store) {
                c.add(r.nextBoolean() ? "STORE" : "STOREDIST");
                c.add("g:dst");
            }
        } else if (op < 85) {
            c.add("GEOSEARCHSTORE");
            c.add("g:dst");
            c.add(key(r));
            origin(r, c);
            shape(r, c);
            searchOptions(r, c, true);
            if (r.nextBoolean()) {
                c.add("STOREDIST");
            }
        } else if (op < 92) {
            c.add("ZRANGE");
            c.add(r.nextInt(3) == 0 ? key(r) : "g:dst");
            c.add("0");
            c.add("-1");
            c.add("WITHSCORES");
        } else if (op < 95) {
            c.add("OBJECT");
            c.add("ENCODING");
            c.add("g:dst");
        } else {
            c.add("ZREM");
            c.add(key(r));
            c.add(member(r));
            c.add(member(r));
        }
        return c.toArray(new String[0]);
    }
}
