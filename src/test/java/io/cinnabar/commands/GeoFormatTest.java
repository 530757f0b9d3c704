package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The allocation-free "%.4f" / "%.17f" agrees with the exact decimal expansion, ties included. */
@Timeout(60)
class GeoFormatTest {
    private static String exact(double d, int decimals) {
        String s = new BigDecimal(d).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
        return Double.doubleToRawLongBits(d) < 0 && !s.startsWith("-") ? "-" + s : s;
    }

    private static String fast(double d, int decimals) {
        byte[] out = new byte[64];
        return new String(out, 0, GeoCommands.formatFixed(d, decimals, out), StandardCharsets.US_ASCII);
    }

    @Test
    void matchesExactRounding() {
        Random r = new Random(11);
        for (int i = 0; i < 300000; i++) {
            double d;
            switch (i % 5) {
                case 0:
                    d = (r.nextDouble() - 0.5) * 360;
                    break;
                case 1:
                    d = r.nextDouble() * Math.pow(10, r.nextInt(12) - 6);
                    break;
                case 2: // exact ties at four decimals
                    d = (r.nextInt(2000000) + 0.5) / 1e4;
                    break;
                case 3:
                    d = Math.scalb((double) r.nextInt(1 << 20), -r.nextInt(60));
                    break;
                default:
                    d = -r.nextDouble() * 1e-3;
                    break;
            }
            assertEquals(exact(d, 4), fast(d, 4), "%.4f of " + d);
            if (Math.abs(d) < 180) {
                assertEquals(exact(d, 17), fast(d, 17), "%.17f of " + d);
            }
        }
        assertEquals("-0.0000", fast(-0.0, 4));
        assertEquals("0.1250", fast(0.125, 4));
        assertEquals("0.0001", fast(0.00005, 4)); // the double nearest 0.00005 is just above the tie
        assertEquals("180.00000000000000000", fast(180, 17));
        assertEquals("inf", fast(Double.POSITIVE_INFINITY, 4));
    }
}
