package io.cinnabar.pubsub;

import io.cinnabar.protocol.ReplyWriter;
import java.nio.charset.StandardCharsets;

/**
 * One message push, encoded once and copied into every subscriber's buffer. RESP2 and RESP3
 * frames differ only in the aggregate's type byte ('*' or '>'), so the body after the header is
 * kept once in a reusable scratch array and each subscriber gets its protocol's header before it.
 */
final class MessageFrame {
    static final byte[] MESSAGE = "message".getBytes(StandardCharsets.US_ASCII);
    static final byte[] SMESSAGE = "smessage".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PMESSAGE = "pmessage".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESP2_HEADER_3 = {'*', '3', '\r', '\n'};
    private static final byte[] RESP3_HEADER_3 = {'>', '3', '\r', '\n'};
    private static final byte[] RESP2_HEADER_4 = {'*', '4', '\r', '\n'};
    private static final byte[] RESP3_HEADER_4 = {'>', '4', '\r', '\n'};

    private byte[] body = new byte[256];
    private int length;
    private boolean fourElements;

    /** ("message"|"smessage", channel, payload). */
    void message(byte[] kind, byte[] channel, byte[] payload) {
        length = 0;
        fourElements = false;
        ensure(kind.length + channel.length + payload.length + 3 * 16);
        appendBulk(kind);
        appendBulk(channel);
        appendBulk(payload);
    }

    /** ("pmessage", pattern, channel, payload). */
    void patternMessage(byte[] pattern, byte[] channel, byte[] payload) {
        length = 0;
        fourElements = true;
        ensure(PMESSAGE.length + pattern.length + channel.length + payload.length + 4 * 16);
        appendBulk(PMESSAGE);
        appendBulk(pattern);
        appendBulk(channel);
        appendBulk(payload);
    }

    void writeTo(ReplyWriter reply) {
        if (reply.resp3()) {
            reply.raw(fourElements ? RESP3_HEADER_4 : RESP3_HEADER_3);
        } else {
            reply.raw(fourElements ? RESP2_HEADER_4 : RESP2_HEADER_3);
        }
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
