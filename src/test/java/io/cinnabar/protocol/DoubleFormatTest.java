package io.cinnabar.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** "%.17g": the allocation-free path must agree with exact BigDecimal rounding everywhere. */
class DoubleFormatTest {
    private static String fast(double d) {
        byte[] out = new byte[DoubleFormat.MAX_LENGTH];
        int n = DoubleFormat.format(d, out, 0);
        return new String(out, 0, n, StandardCharsets.US_ASCII);
    }

    @Test
    void knownRedisOutputs() {
        // Each as printed by Redis 7.0.15 (ZADD then ZRANGE WITHSCORES on a skiplist).
        assertEquals("0.10000000000000001", fast(0.1));
        assertEquals("1.5", fast(1.5));
        assertEquals("1e+17", fast(1e17));
        assertEquals("4.6116860184273879e+18", fast(4611686018427387904.0));
        assertEquals("9007199254740994", fast(9007199254740994.0));
        assertEquals("4503599627370496", fast(4503599627370496.0));
        assertEquals("-0", fast(-0.0));
        assertEquals("0", fast(0.0));
        assertEquals("inf", fast(Double.POSITIVE_INFINITY));
        assertEquals("-inf", fast(Double.NEGATIVE_INFINITY));
        assertEquals("3.1415926535897931", fast(Math.PI));
        assertEquals("0.0001", fast(0.0001));
        assertEquals("1.0000000000000001e-05", fast(0.00001));
        assertEquals("99999999999999984", fast(99999999999999984.0));
        assertEquals("1.7976931348623157e+308", fast(Double.MAX_VALUE));
        assertEquals("4.9406564584124654e-324", fast(Double.MIN_VALUE));
        assertEquals("-123.456", fast(-123.456));
    }

    @Property(tries = 20000)
    void agreesWithBigDecimal(@ForAll("doubles") double d) {
        assertEquals(DoubleFormat.bigDecimalFormat(d), fast(d));
        assertEquals(DoubleFormat.bigDecimalFormat(d), DoubleFormat.reply(d));
    }

    @Provide
    Arbitrary<Double> doubles() {
        return Arbitraries.oneOf(
                Arbitraries.doubles(),
                Arbitraries.longs().map(l -> (double) l),
                Arbitraries.longs().between(-(1L << 53), 1L << 53).map(l -> (double) l),
                Arbitraries.longs().map(Double::longBitsToDouble),
                Arbitraries.integers().between(-400, 400).map(e -> Math.pow(10, e)),
                Arbitraries.integers().between(-400, 400).map(e -> Math.nextUp(Math.pow(10, e))),
                Arbitraries.integers().between(-400, 400).map(e -> Math.nextDown(Math.pow(10, e))),
                Arbitraries.integers().between(0, 1 << 20).map(i -> i / 1024.0),
                Arbitraries.integers().between(-1000000, 1000000).map(i -> i / 100.0),
                Arbitraries.doubles().ofScale(20).between(0.001, 0.1));
    }
}
