package io.cinnabar.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RespClient;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.lang.management.ManagementFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A subscriber that stops reading is disconnected by {@code client-output-buffer-limit pubsub}
 * while a publisher keeps sending large messages, and the server's memory stays bounded.
 */
@Timeout(120)
class PubSubOutputLimitTest {
    private static final int MESSAGE_BYTES = 64 * 1024;

    /** A raw connection that subscribes and then never reads again. */
    private static Socket stalledSubscriber(CinnabarFixture server, String channel) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress(server.host(), server.port()), 5000);
        s.setSoTimeout(10_000);
        s.getOutputStream().write(RespClient.encode(RespClient.args("SUBSCRIBE", channel)));
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        byte[] confirmation = ("*3\r\n$9\r\nsubscribe\r\n$" + channel.length() + "\r\n" + channel + "\r\n:1\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        assertTrue(Arrays.equals(confirmation, in.readNBytes(confirmation.length)));
        return s;
    }

    private static long subscriberId(RespClient admin, String channel) {
        for (String line : admin.call("CLIENT", "LIST").value.toString().split("\n")) {
            if (line.contains(" sub=1 ") && line.contains("cmd=subscribe")) {
                return Long.parseLong(line.substring(3, line.indexOf(' ')));
            }
        }
        throw new AssertionError("no subscriber in CLIENT LIST");
    }

    private static boolean listed(RespClient admin, long id) {
        return !admin.call("CLIENT", "LIST", "ID", Long.toString(id)).value.toString().isEmpty();
    }

    /** What Netty's allocator holds (reply buffers and queued writes live there). */
    private static long bufferMemory() {
        ByteBufAllocatorMetric m = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
        return m.usedDirectMemory() + m.usedHeapMemory();
    }

    /** Live heap: measured after a collection, so garbage the publisher's requests left does not count. */
    private static long liveHeap() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Test
    void hardLimitCutsOffAReaderThatNeverReads() throws Exception {
        try (CinnabarFixture server = CinnabarFixture.start("client-output-buffer-limit pubsub 1mb 512kb 1");
                RespClient admin = server.client();
                RespClient publisher = server.client();
                Socket stalled = stalledSubscriber(server, "firehose")) {
            long id = subscriberId(admin, "firehose");
            byte[] payload = new byte[MESSAGE_BYTES];
            Arrays.fill(payload, (byte) 'x');
            long buffersBefore = bufferMemory();
            long heapBefore = liveHeap();
            long buffersPeak = buffersBefore;
            long heapPeak = heapBefore;
            long published = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            // far more than the 1 MB limit plus every socket buffer on the way
            while (published < 3000 && System.nanoTime() < deadline) {
                for (int i = 0; i < 50; i++) {
                    publisher.send("PUBLISH".getBytes(StandardCharsets.US_ASCII), "firehose".getBytes(StandardCharsets.US_ASCII), payload);
                }
                for (int i = 0; i < 50; i++) {
                    publisher.read();
                }
                published += 50;
                buffersPeak = Math.max(buffersPeak, bufferMemory());
                if (published % 500 == 0) {
                    heapPeak = Math.max(heapPeak, liveHeap());
                }
            }
            awaitGone(admin, id, () -> { });
            assertEquals(0L, publisher.call("PUBLISH", "firehose", "after").value, "nobody is subscribed any more");
            assertEquals("0", infoField(admin, "pubsub_channels"));
            // 3000 x 64 KB = 192 MB went through; a reader never cut off would have kept most of it
            long mb = 1024 * 1024;
            assertTrue(buffersPeak - buffersBefore < 32 * mb,
                    "buffers grew by " + (buffersPeak - buffersBefore) / mb + " MB while publishing to a stalled reader");
            assertTrue(heapPeak - heapBefore < 32 * mb,
                    "live heap grew by " + (heapPeak - heapBefore) / mb + " MB while publishing to a stalled reader");
        }
    }

    @Test
    void softLimitCutsOffAReaderStuckAboveItLongerThanTheSoftTime() throws Exception {
        try (CinnabarFixture server = CinnabarFixture.start("client-output-buffer-limit pubsub 0 256kb 1");
                RespClient admin = server.client();
                RespClient publisher = server.client();
                Socket stalled = stalledSubscriber(server, "slow")) {
            long id = subscriberId(admin, "slow");
            byte[] payload = new byte[16 * 1024];
            long started = System.nanoTime();
            // small messages keep arriving: above the soft limit the subscriber survives the soft
            // time, then the next message after it cuts it off
            awaitGone(admin, id, () -> publish(publisher, "slow", payload));
            assertTrue(System.nanoTime() - started >= TimeUnit.SECONDS.toNanos(1), "cut off before the soft time passed");
        }
    }

    @Test
    void limitFollowsConfigSet() throws Exception {
        try (CinnabarFixture server = CinnabarFixture.start("client-output-buffer-limit pubsub 0 0 0");
                RespClient admin = server.client();
                RespClient publisher = server.client();
                Socket stalled = stalledSubscriber(server, "c")) {
            long id = subscriberId(admin, "c");
            byte[] payload = new byte[MESSAGE_BYTES];
            for (int i = 0; i < 100; i++) { // 6 MB with no limit: still connected
                publish(publisher, "c", payload);
            }
            assertTrue(listed(admin, id));
            assertEquals("OK", admin.call("CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 0 0").value);
            awaitGone(admin, id, () -> publish(publisher, "c", payload));
        }
    }

    private static void publish(RespClient publisher, String channel, byte[] payload) {
        publisher.call("PUBLISH".getBytes(StandardCharsets.US_ASCII), channel.getBytes(StandardCharsets.US_ASCII), payload);
    }

    /** Runs {@code eachRound} until the client has left CLIENT LIST; fails after 30 s. */
    private static void awaitGone(RespClient admin, long id, Runnable eachRound) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (listed(admin, id)) {
            assertTrue(System.nanoTime() < deadline, "the stalled subscriber is still connected");
            eachRound.run();
            Thread.sleep(1);
        }
    }

    private static String infoField(RespClient admin, String field) {
        for (String line : admin.call("INFO", "stats").value.toString().split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1);
            }
        }
        throw new AssertionError("no " + field);
    }
}
