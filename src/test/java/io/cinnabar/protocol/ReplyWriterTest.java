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
 * Short bulk strings are framed on the heap before they reach the output buffer: whatever mixes
 * them with other replies, long strings, marks, truncations and takes, the bytes out are those
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
}
