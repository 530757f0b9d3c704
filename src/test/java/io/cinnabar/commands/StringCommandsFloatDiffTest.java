package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RedisOracle;
import io.cinnabar.testing.RespClient;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * INCRBYFLOAT on thousands of generated operands (plain and long decimals, exponents, exact
 * binary fractions that tie at the 17th decimal, hex floats, integers near 2^63), compared byte
 * for byte with real Redis, whose arithmetic is x87 long double.
 */
@Timeout(120)
class StringCommandsFloatDiffTest {
    private static final int KEYS = 16;

    @Test
    void incrbyfloatMatchesRedis() {
        long seed = Long.getLong("floatSeed", 20261124L);
        Random r = new Random(seed);
        List<String[]> commands = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            String key = "f:" + r.nextInt(KEYS);
            if (r.nextInt(6) == 0) {
                commands.add(new String[] {"SET", key, number(r)});
            } else {
                commands.add(new String[] {"INCRBYFLOAT", key, number(r)});
            }
        }
        List<String> mismatches = new ArrayList<>();
        try (RedisOracle redis = RedisOracle.start(); CinnabarFixture cinnabar = CinnabarFixture.start();
                RespClient theirs = redis.client(); RespClient ours = cinnabar.client()) {
            for (int from = 0; from < commands.size(); from += 200) {
                List<String[]> batch = commands.subList(from, Math.min(commands.size(), from + 200));
                for (String[] c : batch) {
                    theirs.send(c);
                    ours.send(c);
                }
                for (String[] c : batch) {
                    RespClient.Reply expected = theirs.read();
                    RespClient.Reply actual = ours.read();
                    if (!Arrays.equals(expected.raw, actual.raw) && mismatches.size() < 20) {
                        mismatches.add(String.join(" ", c) + "\n    redis:    " + expected + "\n    cinnabar: " + actual);
                    }
                }
            }
        }
        assertTrue(mismatches.isEmpty(), () -> "seed " + seed + ", replies differ:\n" + String.join("\n", mismatches));
    }

    private static String number(Random r) {
        String sign = r.nextInt(3) == 0 ? "-" : "";
        switch (r.nextInt(9)) {
            case 0: // a plain integer
                return Long.toString(r.nextLong() >> r.nextInt(64));
            case 1: // short decimals such as money amounts
                return sign + r.nextInt(100000) + "." + r.nextInt(100);
            case 2: { // many digits with the point anywhere
                StringBuilder b = new StringBuilder(sign);
                int digits = 1 + r.nextInt(30);
                int point = r.nextInt(digits + 1);
                for (int i = 0; i < digits; i++) {
                    if (i == point) {
                        b.append('.');
                    }
                    b.append((char) ('0' + r.nextInt(10)));
                }
                return b.toString();
            }
            case 3: // scientific notation
                return sign + (1 + r.nextInt(9)) + "." + r.nextInt(1000) + (r.nextBoolean() ? "e" : "E") + (r.nextInt(60) - 30);
            case 4: { // exact binary fractions: many land exactly on a tie at the 18th decimal
                int k = 1 + r.nextInt(70);
                BigInteger j = BigInteger.valueOf(r.nextInt(1 << 20) | 1);
                BigDecimal v = new BigDecimal(j).divide(new BigDecimal(BigInteger.ONE.shiftLeft(k)));
                return sign + v.toPlainString();
            }
            case 5: // hex floats
                return sign + "0x" + Integer.toHexString(1 + r.nextInt(1 << 16)) + "." + Integer.toHexString(r.nextInt(256)) + "p" + (r.nextInt(40) - 20);
            case 6: // near the 64-bit integer limits
                return (r.nextBoolean() ? "" : "-") + "922337203685477" + (5000 + r.nextInt(1000)) + (r.nextBoolean() ? "" : "." + r.nextInt(10));
            case 7: // tiny increments
                return sign + (1 + r.nextInt(9)) + "e-" + (15 + r.nextInt(10));
            default: // now and then a huge magnitude only long double can hold, else a moderate one
                if (r.nextInt(4) == 0) {
                    return sign + (1 + r.nextInt(9)) + "e" + (300 + r.nextInt(4600));
                }
                return sign + r.nextInt(1000) + "." + r.nextInt(1000000) + "e" + (r.nextInt(25) - 5);
        }
    }
}
