package io.cinnabar.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The x87 80-bit long double emulation behind INCRBYFLOAT. */
class LongDoubleTest {
    private static LongDouble p(String s) {
        return LongDouble.parse(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static String sum(String a, String b) {
        return p(a).add(p(b)).toHumanString();
    }

    private static BigDecimal pow2(int n) {
        return n >= 0 ? new BigDecimal(BigInteger.ONE.shiftLeft(n)) : BigDecimal.ONE.divide(new BigDecimal(BigInteger.ONE.shiftLeft(-n)));
    }

    @Test
    void parsesToTheNearest64BitSignificand() {
        // 0.1 is 0xCCCCCCCCCCCCCCCD * 2^-67 in extended precision
        assertEquals(new BigDecimal("0.1000000000000000000013552527156068805425093160010874271392822265625"), p("0.1").exact());
        assertEquals(new BigDecimal(new BigInteger("CCCCCCCCCCCCCCCD", 16)).multiply(pow2(-67)), p("0.1").exact());
        assertEquals(new BigDecimal("10.5"), p("10.5").exact());
        assertEquals(new BigDecimal("-0.25"), p("-0x1p-2").exact());
        assertEquals(new BigDecimal("3"), p("0X1.8P1").exact());
        assertEquals(new BigDecimal("0.5"), p("+.5").exact());
        assertEquals(new BigDecimal("1"), p("1.").exact());
    }

    @Test
    void roundsHalfToEvenAt64Bits() {
        BigDecimal two64 = pow2(64);
        // 2^64 + 1 lies halfway between 2^64 and 2^64 + 2: the even significand wins
        assertEquals(two64, LongDouble.nearest(two64.add(BigDecimal.ONE)).exact());
        assertEquals(two64.add(BigDecimal.valueOf(4)), LongDouble.nearest(two64.add(BigDecimal.valueOf(3))).exact());
        // just above the halfway point rounds up
        assertEquals(two64.add(BigDecimal.valueOf(2)), LongDouble.nearest(two64.add(new BigDecimal("1.000001"))).exact());
        // any long is exact
        assertEquals(BigDecimal.valueOf(Long.MAX_VALUE), LongDouble.of(Long.MAX_VALUE).exact());
        assertEquals(BigDecimal.valueOf(Long.MIN_VALUE), LongDouble.of(Long.MIN_VALUE).exact());
    }

    @Test
    void addsLikeRedis() {
        // expected replies taken from redis-server 7.0.15
        assertEquals("10.6", sum("10.5", "0.1"));
        assertEquals("3000", sum("3.0e3", "1e-20"));
        assertEquals("5200", sum("5.0e3", "2.0e2"));
        assertEquals("0.3", sum("0.1", "0.2"));
        assertEquals("0", sum("0.3", "-0.3"));
        assertEquals("9223372036854775808", LongDouble.of(Long.MAX_VALUE).add(p("1.5")).toHumanString());
        assertEquals("-9223372036854775809", LongDouble.of(Long.MIN_VALUE).add(p("-1")).toHumanString());
        assertEquals("0.00000000000000001", sum("0", "1e-17"));
        assertEquals("0.00000000000000002", sum("1e-17", "5e-18"));
        assertEquals("0", sum("0", "-5e-18"));
    }

    @Test
    void formatsSeventeenDecimalsTiesToEven() {
        assertEquals("0.00000381469726562", p("0.000003814697265625").toHumanString());
        assertEquals("0.00001144409179688", p("0.000011444091796875").toHumanString());
        assertEquals("-0.00000381469726562", p("-0.000003814697265625").toHumanString());
        assertEquals("0", p("-0").toHumanString());
        assertEquals("0", p("-1e-30").toHumanString());
        assertEquals("1.5", p("1.5").toHumanString());
        assertEquals("100", p("1e2").toHumanString());
        assertEquals("inf", LongDouble.POSITIVE_INFINITY.toHumanString());
    }

    @Test
    void rangeOfTheExtendedFormat() {
        // far beyond double's range, still finite
        LongDouble big = p("1e4000");
        assertNotNull(big);
        assertTrue(big.toHumanString().startsWith("99999999999999999999654638730996237849"));
        assertNotNull(p("1.18973149535723176502e4932"));
        assertNull(p("1.19e4932"));
        assertNull(p("1e5000"));
        assertNull(p("1e99999999999999999999"));
        // subnormals parse; what rounds to zero is an underflow, rejected
        assertNotNull(p("1e-4950"));
        assertEquals(pow2(-16445), p("3.6451995318824746e-4951").exact());
        assertNull(p("1e-4952"));
        assertNull(p("1e-5000"));
        assertSame(LongDouble.ZERO, p("0e-5000"));
        assertSame(LongDouble.ZERO, p("0e99999999999999999999"));
        // the sum of two large finite values may overflow
        LongDouble max = p("1.18e4932");
        assertTrue(max.add(max).isInfinite());
    }

    @Test
    void acceptsWhatStrtoldAcceptsAndNothingElse() {
        assertSame(LongDouble.POSITIVE_INFINITY, p("inf"));
        assertSame(LongDouble.POSITIVE_INFINITY, p("+Infinity"));
        assertSame(LongDouble.NEGATIVE_INFINITY, p("-INF"));
        assertTrue(LongDouble.POSITIVE_INFINITY.add(LongDouble.NEGATIVE_INFINITY).isNaN());
        for (String bad : new String[] {"", " 1", "1 ", "\t1", ".", "e5", "1e", "1e+", "abc", "1.5x", "0x", "0x1p",
                "0xg", "nan", "NaN", "-nan", "nan(1)", "+ 1", "--1", "1,5", "infin", "infinityx", "1..2", "1.5\0", "\0"}) {
            assertNull(p(bad), bad);
        }
        assertNull(LongDouble.parse(new byte[5120]), "too long");
        byte[] longOk = new byte[5119];
        java.util.Arrays.fill(longOk, (byte) '0');
        assertSame(LongDouble.ZERO, LongDouble.parse(longOk));
    }
}
