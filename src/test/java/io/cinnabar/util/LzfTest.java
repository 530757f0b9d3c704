package io.cinnabar.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.DumpPayload;
import io.cinnabar.testing.RedisOracle;
import io.cinnabar.testing.RespClient;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class LzfTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    /** Redis stores a string compressed only when lzf_compress fits it in len - 4 bytes. */
    private static byte[] compressLikeRedis(byte[] in) {
        byte[] out = new byte[in.length - 4];
        int n = Lzf.compress(in, 0, in.length, out);
        return n == 0 ? null : Arrays.copyOf(out, n);
    }

    /** Recorded from Redis 7.0.15: SET k1 <100 x 'a'>, SET k2 <"hello hello ..." x 3>, then DUMP. */
    @Test
    void matchesRecordedRedisVectors() {
        byte[] as = new byte[100];
        Arrays.fill(as, (byte) 'a');
        byte[] hello = "hello hello hello hello world world world, hello world! ".repeat(3).getBytes(StandardCharsets.US_ASCII);
        byte[] asCompressed = hex("016161e05700016161");
        byte[] helloCompressed = hex("0668656c6c6f2068e0080504776f726c64e00305002ca02460180021a00ce05f37012120");

        assertArrayEquals(asCompressed, compressLikeRedis(as));
        assertArrayEquals(helloCompressed, compressLikeRedis(hello));
        byte[] out = new byte[as.length];
        assertEquals(as.length, Lzf.decompress(asCompressed, 0, asCompressed.length, out));
        assertArrayEquals(as, out);
        out = new byte[hello.length];
        assertEquals(hello.length, Lzf.decompress(helloCompressed, 0, helloCompressed.length, out));
        assertArrayEquals(hello, out);
    }

    /**
     * Seeded random strings of varied redundancy SET in real Redis: DUMP's LZF bytes must
     * decompress with our code, and our compressor must make the same choice and the same bytes.
     */
    @Test
    void agreesWithRedisOnRandomStrings() {
        long seed = Long.getLong("lzfSeed", 424242L);
        Random r = new Random(seed);
        try (RedisOracle redis = RedisOracle.start("--rdbcompression", "yes"); RespClient client = redis.client()) {
            for (int i = 0; i < 400; i++) {
                byte[] value = redundantBytes(r, 21 + r.nextInt(i < 300 ? 2000 : 70000));
                client.call("SET".getBytes(StandardCharsets.US_ASCII), "k".getBytes(StandardCharsets.US_ASCII), value);
                DumpPayload dump = DumpPayload.parse(DumpPayload.bulkBytes(client.call("DUMP", "k")));
                assertArrayEquals(value, dump.value, "seed " + seed + " #" + i + ": our decompression of Redis's bytes");
                byte[] ours = compressLikeRedis(value);
                if (dump.compressed) {
                    assertArrayEquals(dump.stored, ours, "seed " + seed + " #" + i + ": compressed bytes");
                } else {
                    assertEquals(null, ours, "seed " + seed + " #" + i + ": Redis found it incompressible");
                }
            }
        }
    }

    /** Runs of repeated snippets, random bytes and small alphabets: from incompressible to very redundant. */
    static byte[] redundantBytes(Random r, int length) {
        byte[] b = new byte[length];
        int alphabet = 1 + r.nextInt(r.nextBoolean() ? 4 : 256);
        int i = 0;
        while (i < length) {
            if (i > 0 && r.nextInt(3) == 0) {
                int from = r.nextInt(i);
                int n = Math.min(length - i, 1 + r.nextInt(300));
                for (int k = 0; k < n; k++) {
                    b[i + k] = b[from + k];
                }
                i += n;
            } else {
                int n = Math.min(length - i, 1 + r.nextInt(40));
                for (int k = 0; k < n; k++) {
                    b[i + k] = (byte) ('0' + r.nextInt(alphabet));
                }
                i += n;
            }
        }
        return b;
    }

    @Test
    void roundTripsAndRespectsTheOutputLimit() {
        long seed = Long.getLong("lzfSeed", 99L);
        Random r = new Random(seed);
        for (int trial = 0; trial < 3000; trial++) {
            int length = r.nextInt(4) == 0 ? r.nextInt(8) : r.nextInt(trial < 2900 ? 3000 : 200000);
            byte[] in = redundantBytes(r, length);
            int offset = r.nextInt(5);
            byte[] padded = new byte[offset + length + 3];
            System.arraycopy(in, 0, padded, offset, length);
            byte[] out = new byte[length + length / 16 + 64];
            int n = Lzf.compress(padded, offset, length, out);
            String where = "seed " + seed + " trial " + trial + " length " + length;
            if (length == 0) {
                assertEquals(0, n, where);
                continue;
            }
            assertTrue(n > 0, where);
            byte[] back = new byte[length];
            assertEquals(length, Lzf.decompress(out, 0, n, back), where);
            assertArrayEquals(in, back, where);
            // A tighter limit either fails cleanly or produces the very same bytes.
            int limit = r.nextInt(n + 4);
            byte[] tight = new byte[limit];
            int m = Lzf.compress(padded, offset, length, tight, 0, limit);
            if (m != 0) {
                assertArrayEquals(Arrays.copyOf(out, n), Arrays.copyOf(tight, m), where + " limit " + limit);
            }
            if (n > 1) {
                assertEquals(0, Lzf.decompress(out, 0, n, new byte[length - 1]), where + ": output too small");
            }
        }
    }

    @Test
    void rejectsCorruptInputWithoutThrowing() {
        Random r = new Random(3);
        byte[] in = redundantBytes(r, 5000);
        byte[] packed = new byte[6000];
        int n = Lzf.compress(in, 0, in.length, packed);
        byte[] out = new byte[in.length];
        for (int trial = 0; trial < 5000; trial++) {
            byte[] bad = Arrays.copyOf(packed, n);
            bad[r.nextInt(n)] = (byte) r.nextInt(256);
            int cut = r.nextInt(4) == 0 ? r.nextInt(n) : n;
            int m = Lzf.decompress(bad, 0, cut, out);
            assertTrue(m >= 0 && m <= out.length);
        }
        assertEquals(0, Lzf.decompress(new byte[] {(byte) 0x20, 0}, 0, 2, out), "reference before the output start");
        assertEquals(0, Lzf.decompress(new byte[] {5, 'a'}, 0, 2, out), "truncated literal run");
    }
}
