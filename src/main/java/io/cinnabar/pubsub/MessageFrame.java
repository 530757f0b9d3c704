package io.cinnabar.pubsub;

import io.cinnabar.protocol.ReplyWriter;
import java.nio.charset.StandardCharsets;

/**
 * One message push, encoded once and copied into every subscriber's buffer with a single copy.
 * RESP2 and RESP3 frames differ only in the aggregate's type byte ('*' or '>'), so the whole frame
 * is kept in one reusable array and that first byte is set for each subscriber's protocol.
 */
final class MessageFrame {
    static final byte[] MESSAGE = "message".getBytes(StandardCharsets.US_ASCII);
    static final byte[] SMESSAGE = "smessage".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PMESSAGE = "pmessage".getBytes(StandardCharsets.US_ASCII);
    /** The aggregate header after its type byte: three or four elements. */
    private static final int HEADER_LENGTH = 4;

    private byte[] body = new byte[256];
    private int length;

    /** ("message"|"smessage", channel, payload). */
    void message(byte[] kind, byte[] channel, byte[] payload) {
        start(3, kind.length + channel.length + payload.length + 3 * 16);
        appendBulk(kind);
        appendBulk(channel);
        appendBulk(payload);
    }

    /** ("pmessage", pattern, channel, payload). */
    void patternMessage(byte[] pattern, byte[] channel, byte[] payload) {
        start(4, PMESSAGE.length + pattern.length + channel.length + payload.length + 4 * 16);
        appendBulk(PMESSAGE);
        appendBulk(pattern);
        appendBulk(channel);
        appendBulk(payload);
    }

    private void start(int elements, int bodyCapacity) {
        ensure(HEADER_LENGTH + bodyCapacity);
        body[1] = (byte) ('0' + elements);
        body[2] = '\r';
        body[3] = '\n';
        length = HEADER_LENGTH;
    }

    void writeTo(ReplyWriter reply) {
        body[0] = reply.resp3() ? (byte) '>' : (byte) '*';
        reply.raw(body, 0, length);
    }

    private void ensure(int capacity) {
        if (body.length < capacity) {
            body = new byte[Math.max(capacity, body.length * 2)];
        }
    }

    private void appendBulk(byte[] value) {
        body[length++] = '$';
        length = appendDecimal(value.length);
        body[length++] = '\r';
        body[length++] = '\n';
        System.arraycopy(value, 0, body, length, value.length);
        length += value.length;
        body[length++] = '\r';
        body[length++] = '\n';
    }

    private int appendDecimal(int v) {
        int digits = 1;
        for (int x = v; x >= 10; x /= 10) {
            digits++;
        }
        int end = length + digits;
        for (int i = end - 1; i >= length; i--) {
            body[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return end;
    }
}
