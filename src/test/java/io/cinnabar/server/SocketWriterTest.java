package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RespClient;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Replies go straight to the socket when nothing is queued in Netty, and through Netty when the
 * socket takes only part of them or a reply is larger than the scratch buffer. Output must stay
 * complete and in order across both paths, whatever the reader's pace.
 */
@Timeout(60)
class SocketWriterTest {
    private static byte[] value(int length, char fill) {
        byte[] v = new byte[length];
        Arrays.fill(v, (byte) fill);
        v[0] = '<';
        v[length - 1] = '>';
        return v;
    }

    private static void assertReply(byte[] expected, RespClient.Reply reply, String what) {
        ByteArrayOutputStream bulk = new ByteArrayOutputStream();
        bulk.writeBytes(("$" + expected.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        bulk.writeBytes(expected);
        bulk.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(bulk.toByteArray(), reply.raw, what);
    }

    @Test
    void repliesStayCompleteAndInOrderWhenTheReaderLagsBehind() {
        byte[] medium = value(40_000, 'm'); // fits the scratch buffer: written directly while the socket has room
        byte[] huge = value(SocketWriter.SCRATCH_BYTES + 1000, 'h'); // never fits it: always through Netty
        try (CinnabarFixture s = CinnabarFixture.start(); RespClient c = s.client(); RespClient pacer = s.client()) {
            c.call("SET".getBytes(StandardCharsets.UTF_8), "medium".getBytes(StandardCharsets.UTF_8), medium);
            c.call("SET".getBytes(StandardCharsets.UTF_8), "huge".getBytes(StandardCharsets.UTF_8), huge);
            int rounds = 500; // 20+ MB of replies left unread: the socket fills, one write goes out in part
            for (int i = 0; i < rounds; i++) {
                c.send("GET", i % 50 == 49 ? "huge" : "medium");
                c.send("ECHO", "n" + i);
                // one request per flush: the pacer's round trip ends after the loop flushed c's reply
                assertEquals("+PONG\r\n", pacer.callText("PING"));
            }
            for (int i = 0; i < rounds; i++) {
                assertReply(i % 50 == 49 ? huge : medium, c.read(), "GET #" + i);
                assertEquals("n" + i, c.read().value);
            }
            assertEquals("+PONG\r\n", c.callText("PING"));
        }
    }
}
