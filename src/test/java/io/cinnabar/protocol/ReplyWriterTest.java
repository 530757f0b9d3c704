package io.cinnabar.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Replies are staged on the heap before they reach the output buffer: whatever mixes short and
 * long replies, stage-sized boundaries, marks, truncations and takes, the bytes out are those
 * written, in order.
 */
@Timeout(10)
class ReplyWriterTest {
    private final ReplyWriter reply = new ReplyWriter(new UnpooledByteBufAllocator(false));

    private String taken() {
        ByteBuf b = reply.take();
        try {
            return b.toString(StandardCharsets.ISO_8859_1);
        } finally {
            b.release();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void shortBulksInterleaveWithOtherRepliesInOrder() {
        byte[] longValue = new byte[300];
        Arrays.fill(longValue, (byte) 'x');
        reply.array(4);
        reply.bulk(bytes("ab"));
        reply.integer(-5);
        reply.bulk(bytes("hello world"), 6, 5);
        reply.bulk(longValue);
        reply.bulk(new byte[0]);
        assertTrue(reply.hasPending());
        assertEquals("*4\r\n$2\r\nab\r\n:-5\r\n$5\r\nworld\r\n$300\r\n" + "x".repeat(300) + "\r\n$0\r\n\r\n", taken());
        assertFalse(reply.hasPending());
        assertNull(reply.take());
    }

    @Test
    void integersAndNumericBulksOfEveryWidth() {
        long[] values = {0, 7, 1023, 1024, -1, -1024, 992_993, 123_456_789_012L, Long.MAX_VALUE, Long.MIN_VALUE,
            Long.MIN_VALUE + 1, -1_000_000_000_000L};
        StringBuilder expected = new StringBuilder();
        for (long v : values) {
            reply.integer(v);
            reply.bulkLong(v);
            reply.integer(v); // after bulkLong, which shares the scratch digits
            String digits = Long.toString(v);
            expected.append(':').append(digits).append("\r\n");
            expected.append('$').append(digits.length()).append("\r\n").append(digits).append("\r\n");
            expected.append(':').append(digits).append("\r\n");
        }
        assertEquals(expected.toString(), taken());
    }

    @Test
    void longRunsOfShortAndBorderlineLengthsArriveWhole() {
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            String member = "member:" + i + "y".repeat(i % 129);
            reply.bulk(bytes(member));
            expected.append('$').append(member.length()).append("\r\n").append(member).append("\r\n");
        }
        assertEquals(expected.toString(), taken());
    }

    @Test
    void markAndTruncateCountShortBulks() {
        reply.bulk(bytes("kept"));
        int mark = reply.mark();
        assertEquals("$4\r\nkept\r\n".length(), mark);
        reply.bulk(bytes("dropped"));
        reply.truncate(mark);
        reply.bulk(bytes("after"));
        assertEquals("$4\r\nkept\r\n$5\r\nafter\r\n", taken());
    }

    @Test
    void discardDropsShortBulks() {
        reply.bulk(bytes("gone"));
        reply.discard();
        assertFalse(reply.hasPending());
        reply.bulk(bytes("new"));
        assertEquals("$3\r\nnew\r\n", taken());
    }

    @Test
    void truncateReachesBackPastADrainedStage() {
        reply.bulk(bytes("kept"));
        int mark = reply.mark();
        for (int i = 0; i < 300; i++) {
            reply.integer(1000 + i);
        }
        reply.bulk(new byte[5000]);
        assertTrue(reply.mark() > 5000);
        reply.truncate(mark);
        assertEquals(mark, reply.mark());
        reply.simple("OK");
        assertEquals("$4\r\nkept\r\n+OK\r\n", taken());
    }

    @Test
    void randomRepliesAcrossStageBoundariesMatchTheirEncoding() {
        long seed = Long.getLong("replySeed", 20261130L);
        java.util.Random r = new java.util.Random(seed);
        for (int round = 0; round < 50; round++) {
            StringBuilder expected = new StringBuilder();
            int marked = -1;
            int markedLength = 0;
            for (int op = 0; op < 400; op++) {
                int kind = r.nextInt(8);
                if (kind == 0) {
                    int n = r.nextInt(20) - 1;
                    reply.array(n);
                    expected.append('*').append(n).append("\r\n");
                } else if (kind == 1) {
                    long v = r.nextInt(3) == 0 ? r.nextLong() : r.nextInt(2000) - 10;
                    reply.integer(v);
                    expected.append(':').append(v).append("\r\n");
                } else if (kind == 2) {
                    String text = "e".repeat(r.nextInt(r.nextBoolean() ? 40 : 3000));
                    reply.error("ERR " + text);
                    expected.append("-ERR ").append(text).append("\r\n");
                } else if (kind == 3) {
                    long v = r.nextInt(3) == 0 ? r.nextLong() : r.nextInt(1500);
                    reply.bulkLong(v);
                    String d = Long.toString(v);
                    expected.append('$').append(d.length()).append("\r\n").append(d).append("\r\n");
                } else if (kind == 4 && marked < 0) {
                    marked = reply.mark();
                    markedLength = expected.length();
                    assertEquals(markedLength, marked);
                } else if (kind == 5 && marked >= 0) {
                    reply.truncate(marked);
                    expected.setLength(markedLength);
                    marked = -1;
                } else {
                    int length = r.nextInt(4) == 0 ? 2000 + r.nextInt(200) : r.nextInt(r.nextBoolean() ? 64 : 9000);
                    String v = Character.toString('a' + r.nextInt(26)).repeat(length);
                    reply.bulk(bytes(v));
                    expected.append('$').append(length).append("\r\n").append(v).append("\r\n");
                }
            }
            assertEquals(expected.length(), reply.mark(), "seed " + seed);
            assertEquals(expected.toString(), expected.length() == 0 ? "" : taken(), "seed " + seed);
        }
    }
}
