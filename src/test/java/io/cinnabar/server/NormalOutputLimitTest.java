package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RedisOracle;
import io.cinnabar.testing.RespClient;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code client-output-buffer-limit normal}: a client that sends requests with big replies and
 * never reads them is cut off at the hard limit, or after staying above the soft limit longer
 * than the soft seconds; MONITOR clients are normal class; subscribers obey only the pubsub
 * class. Each scenario runs against real Redis 7.0 as well, which must behave the same way.
 */
@Timeout(180)
class NormalOutputLimitTest {
    private static final int VALUE_BYTES = 100_000;
    private static final long MB = 1024 * 1024;

    /** A scenario run once on Cinnabar and once on real Redis, which must agree. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"cinnabar", "redis"})
    private @interface OnBothServers {}

    /** Where a scenario runs: Cinnabar in process, or a real redis-server. */
    private interface Instance extends AutoCloseable {
        RespClient client();

        InetSocketAddress address();

        @Override
        void close();
    }

    /** Starts the server with the limits and a 100 KB value under "big" to GET. */
    private static Instance start(String server, String limits) {
        Instance t = server.equals("redis") ? redis(limits) : cinnabar(limits);
        try (RespClient admin = t.client()) {
            byte[] value = new byte[VALUE_BYTES];
            Arrays.fill(value, (byte) 'v');
            assertEquals("OK", admin.call("SET".getBytes(StandardCharsets.US_ASCII), "big".getBytes(StandardCharsets.US_ASCII), value).value);
        }
        return t;
    }

    private static Instance cinnabar(String limits) {
        CinnabarFixture f = CinnabarFixture.start("client-output-buffer-limit " + limits);
        return new Instance() {
            public RespClient client() {
                return f.client();
            }

            public InetSocketAddress address() {
                return new InetSocketAddress(f.host(), f.port());
            }

            public void close() {
                f.close();
            }
        };
    }

    private static Instance redis(String limits) {
        RedisOracle r = RedisOracle.start("--client-output-buffer-limit", limits);
        return new Instance() {
            public RespClient client() {
                return r.client();
            }

            public InetSocketAddress address() {
                return new InetSocketAddress("127.0.0.1", r.port());
            }

            public void close() {
                r.close();
            }
        };
    }

    /** A raw connection with a tiny receive window that will never read what it is sent. */
    private static Socket nonReader(Instance t) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(t.address(), 5000);
        s.getOutputStream().write(RespClient.encode(RespClient.args("CLIENT", "SETNAME", "stalled")));
        s.getOutputStream().flush();
        return s;
    }

    private static long idOf(RespClient admin, String name) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            for (String line : admin.call("CLIENT", "LIST").value.toString().split("\n")) {
                if (line.contains(" name=" + name + " ")) {
                    return Long.parseLong(line.substring(3, line.indexOf(' ')));
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no client named " + name + " in CLIENT LIST");
    }

    private static String line(RespClient admin, long id) {
        return admin.call("CLIENT", "LIST", "ID", Long.toString(id)).value.toString();
    }

    private static boolean listed(RespClient admin, long id) {
        return !line(admin, id).isEmpty();
    }

    /** Waits until the client's CLIENT LIST line contains {@code text}. */
    private static void awaitShown(RespClient admin, long id, String text) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!line(admin, id).contains(text)) {
            assertTrue(System.nanoTime() < deadline, "CLIENT LIST never showed '" + text + "': " + line(admin, id));
            Thread.onSpinWait();
        }
    }

    private static long omem(String clientLine) {
        int at = clientLine.indexOf(" omem=") + 6;
        return Long.parseLong(clientLine.substring(at, clientLine.indexOf(' ', at)));
    }

    /** Writes GET big requests; false once the server has closed the connection. */
    private static boolean sendGets(Socket s, int count) {
        byte[] get = RespClient.encode(RespClient.args("GET", "big"));
        byte[] batch = new byte[get.length * count];
        for (int i = 0; i < count; i++) {
            System.arraycopy(get, 0, batch, i * get.length, get.length);
        }
        try {
            OutputStream out = s.getOutputStream();
            out.write(batch);
            out.flush();
            return true;
        } catch (SocketException e) {
            return false;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Runs {@code eachRound} until the client has left CLIENT LIST; fails after 60 s. */
    private static void awaitGone(RespClient admin, long id, Runnable eachRound) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (listed(admin, id)) {
            assertTrue(System.nanoTime() < deadline, "the non-reading client is still connected");
            eachRound.run();
            Thread.onSpinWait();
        }
    }

    /** What Netty's allocator holds (reply buffers and queued writes live there). */
    private static long bufferMemory() {
        ByteBufAllocatorMetric m = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
        return m.usedDirectMemory() + m.usedHeapMemory();
    }

    @OnBothServers
    void hardLimitCutsOffAPipelineThatIsNeverRead(String server) throws IOException {
        try (Instance t = start(server, "normal 1mb 0 0"); RespClient admin = t.client();
                Socket stalled = nonReader(t)) {
            long id = idOf(admin, "stalled");
            long buffersBefore = bufferMemory();
            long[] buffersPeak = {buffersBefore};
            long[] sent = {0};
            // 100 KB per reply: 3,000 replies are 300 MB, far beyond 1 MB and every socket buffer
            awaitGone(admin, id, () -> {
                if (sent[0] < 3000 && sendGets(stalled, 100)) {
                    sent[0] += 100;
                }
                buffersPeak[0] = Math.max(buffersPeak[0], bufferMemory());
            });
            assertTrue(buffersPeak[0] - buffersBefore < 64 * MB,
                    "buffers grew by " + (buffersPeak[0] - buffersBefore) / MB + " MB for a client that never reads");
            assertEquals("PONG", admin.call("PING").value, "the server serves the others");
        }
    }

    @OnBothServers
    void softLimitCutsOffOnlyAfterTheSoftTime(String server) throws IOException {
        try (Instance t = start(server, "normal 0 512kb 1"); RespClient admin = t.client();
                Socket stalled = nonReader(t)) {
            long id = idOf(admin, "stalled");
            long started = System.nanoTime();
            // a trickle of replies keeps the client above 512 KB; it survives the 1 s soft time and
            // the first reply added after that cuts it off
            awaitGone(admin, id, () -> {
                sendGets(stalled, 1);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            long elapsed = System.nanoTime() - started;
            assertTrue(elapsed >= TimeUnit.SECONDS.toNanos(1), "cut off before the soft time passed");
        }
    }

    @OnBothServers
    void aMonitorThatNeverReadsIsCutOffByTheNormalClass(String server) throws IOException {
        try (Instance t = start(server, "normal 1mb 0 0"); RespClient admin = t.client();
                RespClient writer = t.client(); Socket monitor = nonReader(t)) {
            long id = idOf(admin, "stalled");
            monitor.getOutputStream().write(RespClient.encode(RespClient.args("MONITOR")));
            monitor.getOutputStream().flush();
            awaitShown(admin, id, "flags=O");
            byte[] value = new byte[VALUE_BYTES];
            Arrays.fill(value, (byte) 'm');
            // every SET is echoed to the monitor, quoted: about 100 KB of unread output per SET
            awaitGone(admin, id, () -> writer.call("SET".getBytes(StandardCharsets.US_ASCII), "k".getBytes(StandardCharsets.US_ASCII), value));
        }
    }

    @OnBothServers
    void aScriptReadingABigValueIsNotCutOff(String server) {
        try (Instance t = start(server, "normal 1mb 0 0"); RespClient admin = t.client()) {
            assertEquals("OK", admin.call("SET", "huge", "x".repeat(3 * 1024 * 1024)).value);
            // the 3 MB reply of GET lands in the script client's buffer only; the caller gets a number
            assertEquals(3L * 1024 * 1024, admin.call("EVAL", "return string.len(redis.call('GET', KEYS[1]))", "1", "huge").value);
            assertEquals("PONG", admin.call("PING").value);
        }
    }

    @Test
    void subscribersObeyOnlyThePubsubClass() throws IOException {
        try (Instance t = start("cinnabar", "normal 1mb 0 0 pubsub 0 0 0"); RespClient admin = t.client();
                RespClient publisher = t.client(); Socket subscriber = nonReader(t)) {
            long id = idOf(admin, "stalled");
            subscriber.getOutputStream().write(RespClient.encode(RespClient.args("SUBSCRIBE", "c")));
            subscriber.getOutputStream().flush();
            awaitShown(admin, id, " sub=1 ");
            byte[] payload = new byte[64 * 1024];
            for (int i = 0; i < 100; i++) { // 6 MB unread: far over the normal class, but no pubsub limit
                publisher.call("PUBLISH".getBytes(StandardCharsets.US_ASCII), "c".getBytes(StandardCharsets.US_ASCII), payload);
            }
            assertTrue(listed(admin, id), "a subscriber was cut off by the normal class");
            assertTrue(omem(line(admin, id)) > MB, "CLIENT LIST omem shows the unsent messages: " + line(admin, id));
        }
    }

    @Test
    void clientListShowsUnsentOutputAsOmem() throws IOException {
        try (Instance t = start("cinnabar", "normal 0 0 0"); RespClient admin = t.client(); Socket stalled = nonReader(t)) {
            long id = idOf(admin, "stalled");
            assertEquals(0, omem(line(admin, id)));
            assertTrue(sendGets(stalled, 50)); // 5 MB of replies, more than the socket buffers take
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (omem(line(admin, id)) < MB) {
                assertTrue(System.nanoTime() < deadline, "omem stayed small: " + line(admin, id));
                Thread.onSpinWait();
            }
            assertFalse(line(admin, id).isEmpty(), "no limit: the client stays");
        }
    }
}
