package io.cinnabar.util;

import java.util.Random;

/**
 * A few seconds' A/B timing of the geo distance with {@link GlibcTrig} against the Java library
 * functions it replaced (Math.sin and Math.cos, the correctly rounded asin), alternating rounds so
 * that both see the same JIT and machine state. Prints ns per call for the full distance and for
 * the haversine root alone (what a search pays for most points, which skip asin).
 * Run: {@code java -cp target/classes:target/test-classes io.cinnabar.util.GeoDistanceTiming}.
 */
public final class GeoDistanceTiming {
    private GeoDistanceTiming() {}

    private static final double D_R = Math.PI / 180.0;

    private static double javaRoot(double lon1d, double lat1d, double lon2d, double lat2d) {
        double lat1r = lat1d * D_R;
        double lat2r = lat2d * D_R;
        double u = Math.sin((lat2r - lat1r) / 2);
        double v = Math.sin((lon2d * D_R - lon1d * D_R) / 2);
        return Math.sqrt(u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v);
    }

    private static double javaDistance(double lon1d, double lat1d, double lon2d, double lat2d) {
        return 2.0 * GeoHash.EARTH_RADIUS_IN_METERS * GlibcTrig.correctlyRoundedAsin(javaRoot(lon1d, lat1d, lon2d, lat2d));
    }

    public static void main(String[] args) {
        int n = 1 << 16;
        double[] points = new double[4 * n];
        Random r = new Random(1);
        for (int i = 0; i < n; i++) {
            boolean local = i % 4 != 0; // most searches are local; a quarter span the globe
            double lon = r.nextDouble() * 360 - 180;
            double lat = r.nextDouble() * 170 - 85;
            points[4 * i] = lon;
            points[4 * i + 1] = lat;
            points[4 * i + 2] = local ? Math.max(-180, Math.min(180, lon + r.nextGaussian())) : r.nextDouble() * 360 - 180;
            points[4 * i + 3] = local ? Math.max(-85, Math.min(85, lat + r.nextGaussian())) : r.nextDouble() * 170 - 85;
        }
        double sink = 0;
        long[] nanos = new long[4];
        int rounds = 24;
        for (int round = 0; round < rounds; round++) {
            for (int variant = 0; variant < 4; variant++) {
                long start = System.nanoTime();
                for (int i = 0; i < points.length; i += 4) {
                    double a = points[i];
                    double b = points[i + 1];
                    double c = points[i + 2];
                    double d = points[i + 3];
                    sink += switch (variant) {
                        case 0 -> javaDistance(a, b, c, d);
                        case 1 -> GeoHash.distance(a, b, c, d);
                        case 2 -> javaRoot(a, b, c, d);
                        default -> GeoHash.haversineRoot(a, b, c, d);
                    };
                }
                if (round >= rounds / 3) { // the first third warms up
                    nanos[variant] += System.nanoTime() - start;
                }
            }
        }
        double calls = (double) n * (rounds - rounds / 3);
        System.out.printf("distance: java %.1f ns, glibc-faithful %.1f ns; haversine root: java %.1f ns, glibc-faithful %.1f ns (%s)%n",
                nanos[0] / calls, nanos[1] / calls, nanos[2] / calls, nanos[3] / calls, sink);
    }
}
