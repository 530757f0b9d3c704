import io.cinnabar.util.GeoHash;
import io.cinnabar.util.RoundedTrig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;

/**
 * Where Cinnabar's geo distances part from Redis's in the last bits: for random point pairs
 * (geohash-quantized as Redis stores them; half spread over the globe, half 0.0001 to 1 degree
 * apart) it compares each step of the haversine formula as glibc computes it (haversine.c) with
 * Math, StrictMath, a correctly rounded reference (BigDecimal series, 60 digits) and RoundedTrig,
 * and counts the inputs on which each differs. asin is compared on glibc's own root, so only asin
 * differs there. Needs the compiled classes on the class path:
 *
 * <pre>
 * gcc -O2 -o /tmp/haversine tools/geo-rounding/haversine.c -lm
 * java -cp target/classes tools/geo-rounding/GeoRounding.java /tmp/haversine 100000 20261130
 * </pre>
 */
public final class GeoRounding {
    private static final MathContext DIGITS_60 = new MathContext(60);
    private static final BigDecimal NEGLIGIBLE = new BigDecimal("1e-70");
    private static final double D_R = Math.PI / 180.0;
    private static final String[] STEPS = {"sin(dlat/2)", "sin(dlon/2)", "cos(lat1)", "cos(lat2)"};

    /** sin (odd = true) or cos of x by its Taylor series, to 60 digits. */
    private static BigDecimal series(BigDecimal x, boolean odd) {
        BigDecimal x2 = x.multiply(x, DIGITS_60);
        BigDecimal term = odd ? x : BigDecimal.ONE;
        BigDecimal sum = term;
        for (long j = 1; term.abs().compareTo(NEGLIGIBLE) > 0; j++) {
            long divisor = odd ? (2 * j) * (2 * j + 1) : (2 * j - 1) * (2 * j);
            term = term.multiply(x2, DIGITS_60).divide(BigDecimal.valueOf(divisor), DIGITS_60).negate();
            sum = sum.add(term, DIGITS_60);
        }
        return sum;
    }

    static double roundedSin(double x) {
        return series(new BigDecimal(x), true).doubleValue();
    }

    static double roundedCos(double x) {
        return series(new BigDecimal(x), false).doubleValue();
    }

    /** asin by Newton steps on sin from Math's estimate, each doubling the correct digits. */
    static double roundedAsin(double y) {
        if (y == 0) {
            return y;
        }
        BigDecimal target = new BigDecimal(y);
        BigDecimal r = new BigDecimal(Math.asin(y));
        for (int i = 0; i < 3; i++) {
            BigDecimal error = series(r, true).subtract(target, DIGITS_60);
            r = r.subtract(error.divide(series(r, false), DIGITS_60), DIGITS_60);
        }
        return r.doubleValue();
    }

    private static double distance(DoubleUnaryOperator sin, DoubleUnaryOperator cos, DoubleUnaryOperator asin, double[] angles) {
        double u = sin.applyAsDouble(angles[0]);
        double v = sin.applyAsDouble(angles[1]);
        double root = Math.sqrt(u * u + cos.applyAsDouble(angles[2]) * cos.applyAsDouble(angles[3]) * v * v);
        return 2.0 * GeoHash.EARTH_RADIUS_IN_METERS * asin.applyAsDouble(root);
    }

    private static double quantized(double lon, double lat, int axis) {
        double[] xy = new double[2];
        GeoHash.decodeScore((double) GeoHash.encodeWGS84(lon, lat), xy);
        return xy[axis];
    }

    public static void main(String[] args) throws Exception {
        String haversine = args[0];
        int n = Integer.parseInt(args[1]);
        Random random = new Random(Long.parseLong(args[2]));
        double[][] pairs = new double[n][];
        StringBuilder input = new StringBuilder();
        for (int i = 0; i < n; i++) {
            double lon1 = random.nextDouble() * 360 - 180;
            double lat1 = random.nextDouble() * 170 - 85;
            double lon2;
            double lat2;
            if (i % 2 == 0) {
                lon2 = random.nextDouble() * 360 - 180;
                lat2 = random.nextDouble() * 170 - 85;
            } else {
                double spread = Math.pow(10, -random.nextInt(5));
                lon2 = Math.max(-180, Math.min(180, lon1 + (random.nextDouble() - 0.5) * spread));
                lat2 = Math.max(-85, Math.min(85, lat1 + (random.nextDouble() - 0.5) * spread));
            }
            pairs[i] = new double[] {quantized(lon1, lat1, 0), quantized(lon1, lat1, 1), quantized(lon2, lat2, 0), quantized(lon2, lat2, 1)};
            for (double d : pairs[i]) {
                input.append(Double.toHexString(d)).append(' ');
            }
            input.append('\n');
        }
        Path inputFile = Files.createTempFile("geo-rounding", ".txt");
        Files.writeString(inputFile, input);
        Process glibc = new ProcessBuilder(haversine).redirectInput(inputFile.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(glibc.getInputStream()));

        long[][] stepMisses = new long[4][4]; // Math, StrictMath, correctly rounded vs glibc; Math vs correctly rounded
        long[] asinMisses = new long[4]; // Math, StrictMath, correctly rounded, RoundedTrig vs glibc
        long cinnabarMisses = 0;
        long roundedMisses = 0;
        long strictMisses = 0;
        for (int i = 0; i < n; i++) {
            String[] words = out.readLine().split(" ");
            double[] glibcValues = new double[words.length];
            for (int k = 0; k < words.length; k++) {
                glibcValues[k] = Double.parseDouble(words[k]);
            }
            double[] p = pairs[i];
            double[] angles = {(p[3] * D_R - p[1] * D_R) / 2, (p[2] * D_R - p[0] * D_R) / 2, p[1] * D_R, p[3] * D_R};
            for (int k = 0; k < 4; k++) {
                boolean sine = k < 2;
                double math = sine ? Math.sin(angles[k]) : Math.cos(angles[k]);
                double strict = sine ? StrictMath.sin(angles[k]) : StrictMath.cos(angles[k]);
                double rounded = sine ? roundedSin(angles[k]) : roundedCos(angles[k]);
                stepMisses[k][0] += math != glibcValues[k] ? 1 : 0;
                stepMisses[k][1] += strict != glibcValues[k] ? 1 : 0;
                stepMisses[k][2] += rounded != glibcValues[k] ? 1 : 0;
                stepMisses[k][3] += math != rounded ? 1 : 0;
            }
            double root = Math.sqrt(glibcValues[0] * glibcValues[0] + glibcValues[2] * glibcValues[3] * glibcValues[1] * glibcValues[1]);
            asinMisses[0] += Math.asin(root) != glibcValues[4] ? 1 : 0;
            asinMisses[1] += StrictMath.asin(root) != glibcValues[4] ? 1 : 0;
            asinMisses[2] += roundedAsin(root) != glibcValues[4] ? 1 : 0;
            asinMisses[3] += RoundedTrig.asin(root) != glibcValues[4] ? 1 : 0;
            double glibcDistance = glibcValues[5];
            cinnabarMisses += GeoHash.distance(p[0], p[1], p[2], p[3]) != glibcDistance ? 1 : 0;
            roundedMisses += distance(GeoRounding::roundedSin, GeoRounding::roundedCos, GeoRounding::roundedAsin, angles) != glibcDistance ? 1 : 0;
            strictMisses += distance(StrictMath::sin, StrictMath::cos, RoundedTrig::asin, angles) != glibcDistance ? 1 : 0;
        }
        Files.delete(inputFile);
        if (glibc.waitFor() != 0) {
            throw new IllegalStateException(haversine + " failed");
        }

        System.out.printf("%d pairs; inputs on which each variant differs from glibc%n", n);
        System.out.printf("%-12s %8s %8s %8s %10s %10s%n", "step", "Math", "Strict", "rounded", "RoundedTrig", "Math!=rnd");
        for (int k = 0; k < 4; k++) {
            System.out.printf("%-12s %8d %8d %8d %10s %10d%n", STEPS[k], stepMisses[k][0], stepMisses[k][1], stepMisses[k][2], "-", stepMisses[k][3]);
        }
        System.out.printf("%-12s %8d %8d %8d %10d %10s%n", "asin(root)", asinMisses[0], asinMisses[1], asinMisses[2], asinMisses[3], "-");
        System.out.printf("distance: GeoHash.distance (Math sin/cos, RoundedTrig asin) %d, all correctly rounded %d,"
                + " StrictMath sin/cos + RoundedTrig asin %d%n", cinnabarMisses, roundedMisses, strictMisses);
    }
}
