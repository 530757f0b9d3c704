package io.cinnabar.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.RedisOracle;
import io.cinnabar.testing.RespClient;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class IntSetTest {
    private static final long SEED = Long.getLong("intSetSeed", 20261202L);

    private static long[] elements(IntSet set) {
        long[] out = new long[set.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = set.get(i);
        }
        return out;
    }

    /** The intset layout built independently: LE u32 width, LE u32 count, LE elements. */
    private static byte[] layout(int width, long... values) {
        ByteBuffer b = ByteBuffer.allocate(IntSet.HEADER_BYTES + width * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(width).putInt(values.length);
        for (long v : values) {
            switch (width) {
                case 2: b.putShort((short) v); break;
                case 4: b.putInt((int) v); break;
                default: b.putLong(v); break;
            }
        }
        return b.array();
    }

    @Test
    void startsAtTwoBytesAndUpgradesWidthOnDemandNeverBack() {
        IntSet set = new IntSet();
        assertArrayEquals(layout(2), set.toBlob());
        assertTrue(set.add(5));
        assertTrue(set.add(-3));
        assertFalse(set.add(5));
        assertEquals(2, set.width());
        assertArrayEquals(layout(2, -3, 5), set.toBlob());
        assertTrue(set.add(40000)); // needs 4 bytes: appended after an upgrade
        assertEquals(4, set.width());
        assertArrayEquals(layout(4, -3, 5, 40000), set.toBlob());
        assertTrue(set.add(-5_000_000_000L)); // needs 8 bytes: prepended after an upgrade
        assertEquals(8, set.width());
        assertArrayEquals(layout(8, -5_000_000_000L, -3, 5, 40000), set.toBlob());
        assertTrue(set.remove(-5_000_000_000L));
        assertTrue(set.remove(40000));
        assertEquals(8, set.width());
        assertArrayEquals(layout(8, -3, 5), set.toBlob());
        assertFalse(set.remove(7));
        assertFalse(set.contains(Long.MAX_VALUE));
        assertTrue(set.add(Long.MIN_VALUE));
        assertTrue(set.add(Long.MAX_VALUE));
        assertArrayEquals(new long[] {Long.MIN_VALUE, -3, 5, Long.MAX_VALUE}, elements(set));
    }

    @Test
    void widthBoundaries() {
        assertEquals(2, IntSet.widthFor(Short.MIN_VALUE));
        assertEquals(2, IntSet.widthFor(Short.MAX_VALUE));
        assertEquals(4, IntSet.widthFor(Short.MAX_VALUE + 1));
        assertEquals(4, IntSet.widthFor(Short.MIN_VALUE - 1));
        assertEquals(4, IntSet.widthFor(Integer.MAX_VALUE));
        assertEquals(8, IntSet.widthFor(Integer.MAX_VALUE + 1L));
        assertEquals(8, IntSet.widthFor(Integer.MIN_VALUE - 1L));
    }

    @Test
    void behavesLikeASortedSetUnderRandomOperations() {
        Random r = new Random(SEED);
        for (int round = 0; round < 20; round++) {
            IntSet set = new IntSet();
            TreeSet<Long> model = new TreeSet<>();
            for (int op = 0; op < 3000; op++) {
                long v;
                switch (r.nextInt(4)) {
                    case 0: v = r.nextInt(200) - 100; break;
                    case 1: v = r.nextInt(); break;
                    case 2: v = r.nextLong(); break;
                    default: v = r.nextInt(70000) - 35000; break;
                }
                if (r.nextInt(3) == 0) {
                    assertEquals(model.remove(v), set.remove(v));
                } else {
                    assertEquals(model.add(v), set.add(v));
                }
                assertEquals(model.contains(v), set.contains(v));
            }
            long[] expected = model.stream().mapToLong(Long::longValue).toArray();
            assertArrayEquals(expected, elements(set));
            IntSet reread = IntSet.fromBlob(set.toBlob());
            assertNotNull(reread);
            assertArrayEquals(expected, elements(reread));
            assertEquals(set.width(), reread.width());
            assertArrayEquals(expected, elements(set.copy()));
        }
    }

    @Test
    void rejectsMalformedBlobs() {
        assertNull(IntSet.fromBlob(new byte[3]));
        assertNull(IntSet.fromBlob(layout(3)));
        byte[] truncated = layout(2, 1, 2);
        assertNull(IntSet.fromBlob(Arrays.copyOf(truncated, truncated.length - 1)));
        assertNull(IntSet.fromBlob(layout(2, 2, 1)));
        assertNull(IntSet.fromBlob(layout(4, 1, 1)));
        assertNotNull(IntSet.fromBlob(layout(8, 1, 2)));
    }

    /**
     * Redis's DUMP of an intset-encoded key is the type byte 11 (RDB_TYPE_SET_INTSET) followed by
     * the intset blob as an RDB string (length first); ours must be the same bytes.
     */
    @Test
    void layoutEqualsRealRedisDump() {
        long[][] cases = {
            {1, 2, 3},
            {-5, 300, 32767, -32768},
            {70000, -1, 5},
            {5_000_000_000L, -7, 3},
            {Long.MIN_VALUE, 0, Long.MAX_VALUE},
        };
        // without compression the payload holds the blob as is (else LZF may pack blobs over 20 bytes)
        try (RedisOracle redis = RedisOracle.start("--rdbcompression", "no"); RespClient client = redis.client()) {
            for (long[] values : cases) {
                client.call("DEL", "k");
                IntSet ours = new IntSet();
                String[] sadd = new String[values.length + 2];
                sadd[0] = "SADD";
                sadd[1] = "k";
                for (int i = 0; i < values.length; i++) {
                    sadd[i + 2] = Long.toString(values[i]);
                    ours.add(values[i]);
                }
                client.call(sadd);
                assertEquals("intset", client.callValue("OBJECT", "ENCODING", "k"));
                byte[] payload = bulkPayload(client.call("DUMP", "k").raw);
                assertEquals(11, payload[0], "RDB type byte");
                byte[] blob = ours.toBlob();
                assertTrue(blob.length < 64, "6-bit RDB length expected for these cases");
                assertEquals(blob.length, payload[1], "RDB string length of " + Arrays.toString(values));
                assertArrayEquals(blob, Arrays.copyOfRange(payload, 2, 2 + blob.length), Arrays.toString(values));
            }
        }
    }

    /** The bytes of a RESP bulk string reply ("$n\r\n" payload "\r\n"). */
    private static byte[] bulkPayload(byte[] raw) {
        int crlf = 0;
        while (raw[crlf] != '\r') {
            crlf++;
        }
        int n = Integer.parseInt(new String(raw, 1, crlf - 1, java.nio.charset.StandardCharsets.US_ASCII));
        return Arrays.copyOfRange(raw, crlf + 2, crlf + 2 + n);
    }
}
