package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.RedisOracle;
import io.cinnabar.testing.RespClient;
import io.cinnabar.testing.Servers;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Pipelining, inline commands and huge declared bulks over real sockets. */
@Timeout(120)
class ServerProtocolTest {
    @RegisterExtension
    static final Servers servers = Servers.cinnabarAlone();

    /** 100,000 commands in one write; every reply comes back, in order, with the right content. */
    @Test
    void hundredThousandPipelinedCommandsInOneWrite() throws Exception {
        int n = 100_000;
        ByteArrayOutputStream all = new ByteArrayOutputStream(n * 40);
        for (int i = 0; i < n; i++) {
            String key = "pipe:" + (i / 3);
            switch (i % 3) {
                case 0: all.writeBytes(RespClient.encode(RespClient.args("SET", key, "v" + i))); break;
                case 1: all.writeBytes(RespClient.encode(RespClient.args("GET", key))); break;
                default: all.writeBytes(RespClient.encode(RespClient.args("ECHO", "e" + i))); break;
            }
        }
        byte[] bytes = all.toByteArray();
        try (RespClient c = servers.cinnabar().client()) {
            // read concurrently: the replies (~1.3 MB) must not have to wait for the write to end
            CompletableFuture<List<String>> replies = CompletableFuture.supplyAsync(() -> {
                List<String> r = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    r.add(c.read().text());
                }
                return r;
            });
            c.sendRaw(bytes);
            List<String> r = replies.get(90, TimeUnit.SECONDS);
            for (int i = 0; i < n; i++) {
                String expected;
                switch (i % 3) {
                    case 0: expected = "+OK\r\n"; break;
                    case 1: {
                        String v = "v" + (i - 1);
                        expected = "$" + v.length() + "\r\n" + v + "\r\n";
                        break;
                    }
                    default: {
                        String e = "e" + i;
                        expected = "$" + e.length() + "\r\n" + e + "\r\n";
                        break;
                    }
                }
                if (!expected.equals(r.get(i))) {
                    assertEquals(expected, r.get(i), "reply #" + i);
                }
            }
            assertEquals("+PONG\r\n", c.callText("PING"), "connection still in sync after the pipeline");
        }
    }

    /** Commands typed in telnet: CRLF or bare LF, quoted arguments. */
    @Test
    void inlineCommandsAsTypedInTelnet() {
        byte[] typed = "PING\r\nSET a \"hello world\"\r\nGET a\n".getBytes(StandardCharsets.US_ASCII);
        String expected = "+PONG\r\n+OK\r\n$11\r\nhello world\r\n";
        RawExchange.Result ours = RawExchange.exchange(servers.cinnabar().port(), typed, 300, expected.length(), false);
        assertEquals(expected, ours.text());
        assertFalse(ours.closed());
        if (RedisOracle.available()) {
            try (RedisOracle redis = RedisOracle.start()) {
                RawExchange.Result theirs = RawExchange.exchange(redis.port(), typed, 300);
                assertEquals(theirs.text(), ours.text(), "same bytes as real Redis");
            }
        }
    }

    /**
     * Clients declaring 512 MiB bulks (the largest proto-max-bulk-len allows) and sending only a
     * few bytes must cost nothing ahead: with 16 of them, allocating the declared sizes would
     * need 8 GiB (the test JVM has 1 GiB). The server keeps serving others, and the heap in use
     * does not jump.
     */
    @Test
    void hugeDeclaredBulksDoNotAllocateAhead() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long heapBefore = memory.getHeapMemoryUsage().getUsed();
        List<RespClient> hogs = new ArrayList<>();
        try {
            for (int i = 0; i < 16; i++) {
                RespClient hog = servers.cinnabar().client();
                hogs.add(hog);
                hog.sendRaw(("*3\r\n$3\r\nSET\r\n$4\r\nhog" + (i % 10) + "\r\n$536870912\r\nsome bytes")
                        .getBytes(StandardCharsets.US_ASCII));
            }
            try (RespClient other = servers.cinnabar().client()) {
                for (int i = 0; i < 50; i++) {
                    assertEquals("+OK\r\n", other.callText("SET", "healthy", "v" + i));
                    assertEquals("$" + ("v" + i).length() + "\r\nv" + i + "\r\n", other.callText("GET", "healthy"));
                }
            }
            System.gc();
            long heapAfter = memory.getHeapMemoryUsage().getUsed();
            assertTrue(heapAfter - heapBefore < 64L << 20,
                    "heap grew by " + ((heapAfter - heapBefore) >> 20) + " MiB while clients declared huge bulks");
            // the hogs are still connected, waiting for their bytes, as in Redis
            int connected = servers.cinnabar().onDataThread(() -> servers.cinnabar().server().clientCount());
            assertTrue(connected >= hogs.size(), "only " + connected + " clients connected");
        } finally {
            hogs.forEach(RespClient::close);
        }
        try (RespClient other = servers.cinnabar().client()) {
            assertEquals("+PONG\r\n", other.callText("PING"));
        }
    }
}
