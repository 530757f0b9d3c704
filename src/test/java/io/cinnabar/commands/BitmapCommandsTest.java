package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RespClient;
import io.cinnabar.types.MutableString;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bitmap helpers against bit-by-bit reference versions of the same rules. */
@Timeout(60)
class BitmapCommandsTest {
    @Test
    void popcountAndFirstBitMatchABitByBitScan() {
        Random r = new Random(3);
        for (int round = 0; round < 2000; round++) {
            byte[] a = new byte[r.nextInt(100)];
            for (int i = 0; i < a.length; i++) {
                a[i] = (byte) (r.nextInt(4) == 0 ? r.nextInt(256) : r.nextBoolean() ? 0 : 0xFF);
            }
            int from = a.length == 0 ? 0 : r.nextInt(a.length);
            int count = a.length - from == 0 ? 0 : r.nextInt(a.length - from + 1);
            long ones = 0;
            long firstOne = -1;
            long firstZero = -1;
            for (long bit = 0; bit < count * 8L; bit++) {
                boolean set = (a[from + (int) (bit >> 3)] & (0x80 >> (bit & 7))) != 0;
                ones += set ? 1 : 0;
                if (set && firstOne < 0) {
                    firstOne = bit;
                }
                if (!set && firstZero < 0) {
                    firstZero = bit;
                }
            }
            assertEquals(ones, BitmapCommands.popcount(a, from, count));
            assertEquals(firstOne, BitmapCommands.firstBit(a, from, count, 1));
            assertEquals(firstZero < 0 ? count * 8L : firstZero, BitmapCommands.firstBit(a, from, count, 0));
        }
    }

    @Test
    void fieldsReadAndWriteMostSignificantBitFirst() {
        Random r = new Random(4);
        for (int round = 0; round < 20000; round++) {
            byte[] a = new byte[24];
            r.nextBytes(a);
            int bits = 1 + r.nextInt(64);
            long offset = r.nextInt(a.length * 8 - bits + 1);
            long value = r.nextLong();
            byte[] expected = a.clone();
            for (int j = 0; j < bits; j++) {
                long at = offset + j;
                boolean set = ((value >>> (bits - 1 - j)) & 1) != 0;
                int mask = 0x80 >> (at & 7);
                expected[(int) (at >> 3)] = (byte) (set ? expected[(int) (at >> 3)] | mask : expected[(int) (at >> 3)] & ~mask);
            }
            BitmapCommands.writeField(a, offset, bits, value);
            assertEquals(new BigInteger(1, expected), new BigInteger(1, a));
            long low = bits == 64 ? value : value & ((1L << bits) - 1);
            assertEquals(low, BitmapCommands.readField(a, a.length, offset, bits));
            assertEquals(BitmapCommands.wrap(value, bits, true), BitmapCommands.signExtend(low, bits));
            // past the end reads as zeros
            assertEquals(0, BitmapCommands.readField(a, 0, offset, bits));
        }
    }

    @Test
    void overflowIsJudgedAgainstTheFieldRange() {
        Random r = new Random(5);
        for (int round = 0; round < 100000; round++) {
            boolean signed = r.nextBoolean();
            int bits = signed ? 1 + r.nextInt(64) : 1 + r.nextInt(63);
            BigInteger min = signed ? BigInteger.ONE.shiftLeft(bits - 1).negate() : BigInteger.ZERO;
            BigInteger max = signed ? BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE) : BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
            long value = r.nextBoolean() ? min.longValue() + r.nextInt(5) : r.nextBoolean() ? max.longValue() - r.nextInt(5) : r.nextLong() >> r.nextInt(64);
            if (signed ? value < min.longValue() || value > max.longValue() : Long.compareUnsigned(value, max.longValue()) > 0) {
                value = min.longValue();
            }
            long increment = r.nextBoolean() ? r.nextLong() : r.nextInt(11) - 5;
            BigInteger base = signed ? BigInteger.valueOf(value) : new BigInteger(Long.toUnsignedString(value));
            BigInteger sum = base.add(BigInteger.valueOf(increment));
            int expected = sum.compareTo(max) > 0 ? 1 : sum.compareTo(min) < 0 ? -1 : 0;
            assertEquals(expected, BitmapCommands.overflow(value, increment, bits, signed), value + " + " + increment + " in " + (signed ? "i" : "u") + bits);
            BigInteger modulus = BigInteger.ONE.shiftLeft(bits);
            BigInteger wrapped = sum.mod(modulus);
            if (signed && wrapped.compareTo(max) > 0) {
                wrapped = wrapped.subtract(modulus);
            }
            assertEquals(wrapped.longValue(), BitmapCommands.wrap(value + increment, bits, signed));
        }
    }

    @Test
    void aFarWriteAllocatesTheStringOnce() {
        try (CinnabarFixture cinnabar = CinnabarFixture.start(); RespClient c = cinnabar.client()) {
            int far = 8 << 20; // bytes
            assertEquals(":0\r\n", c.callText("SETBIT", "new", Long.toString(far * 8L - 1), "1"));
            assertEquals(far, capacity(cinnabar, "new"), "a new key gets exactly the bytes written up to");
            c.call("SET", "old", "abc");
            c.call("SETBIT", "old", "0", "1");
            assertEquals(":0\r\n", c.callText("SETBIT", "old", Long.toString(far * 8L - 1), "1"));
            assertEquals(far + (1 << 20), capacity(cinnabar, "old"), "one step of sds's growth, not a doubling series");
            assertEquals(":8388608\r\n", c.callText("STRLEN", "old"));
        }
    }

    private static int capacity(CinnabarFixture cinnabar, String key) {
        return cinnabar.onDataThread(() -> ((MutableString) cinnabar.server().keyspace().db(0)
                .peek(key.getBytes(StandardCharsets.UTF_8))).array().length);
    }
}
