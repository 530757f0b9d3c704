package io.cinnabar.scripting;

import io.cinnabar.testing.RandomDiff;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * string.format, ".." and tostring of generated numbers under generated directives (every
 * conversion, flag mix, width and precision), compared byte for byte with real Redis. The number
 * travels as ARGV text and is read with tonumber, so both servers format the same double.
 * Replay with -DluaFormatSeed=seed.
 */
@Timeout(300)
class LuaFormatRandomDiffTest {
    private static final String CONVERSIONS = "cdiouxXeEfgGsq";
    private static final String FLAGS = "-+ #0";
    private static final String SCRIPT = "local x = tonumber(ARGV[2]) "
            + "return {string.format(ARGV[1], x), x .. '', tostring(x), string.format('%s|%5.2s', x, x)}";

    @Test
    void formattedNumbersMatchRedis() {
        RandomDiff.run("luaFormatSeed", 20261130L, 6000, r -> new String[] {"EVAL", SCRIPT, "0", directive(r), number(r)});
    }

    private static String directive(Random r) {
        StringBuilder b = new StringBuilder();
        if (r.nextBoolean()) {
            b.append("<");
        }
        b.append('%');
        int flags = r.nextInt(4);
        for (int i = 0; i < flags; i++) {
            b.append(FLAGS.charAt(r.nextInt(FLAGS.length())));
        }
        if (r.nextInt(3) > 0) {
            b.append(r.nextInt(r.nextBoolean() ? 10 : 40));
        }
        if (r.nextInt(3) > 0) {
            b.append('.');
            if (r.nextInt(5) > 0) {
                b.append(r.nextInt(r.nextBoolean() ? 8 : 99));
            }
        }
        b.append(CONVERSIONS.charAt(r.nextInt(CONVERSIONS.length())));
        return b.append(">").toString();
    }

    private static String number(Random r) {
        switch (r.nextInt(9)) {
            case 0:
                return Long.toString(r.nextInt(200) - 100);
            case 1:
                return Long.toString(r.nextLong() >> r.nextInt(64));
            case 2:
                return Double.toString(r.nextDouble() * Math.pow(10, r.nextInt(40) - 20));
            case 3:
                return Double.toString(-r.nextDouble() * Math.pow(10, r.nextInt(600) - 300));
            case 4:
                return (r.nextInt(1000) - 500) + "." + r.nextInt(1000) + "5";
            case 5:
                return Double.toString(Math.scalb((double) (r.nextLong() >>> 11), r.nextInt(80) - 60));
            case 6:
                return r.nextBoolean() ? "1e308" : "-4.9e-324";
            case 7:
                return r.nextBoolean() ? "0" : "0.5";
            default:
                return Double.toString(Math.scalb(1.0, r.nextInt(140) - 70) * (r.nextBoolean() ? 1 : -1));
        }
    }
}
