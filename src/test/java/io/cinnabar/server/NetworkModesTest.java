package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RespClient;
import java.io.ByteArrayOutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The threading modes and listeners beyond the default single event loop on TCP. */
@Timeout(60)
class NetworkModesTest {
    @TempDir
    Path dir;

    @Test
    void separateDataThreadWithSeveralIoThreadsKeepsOrderAndAtomicity() throws Exception {
        try (CinnabarFixture f = CinnabarFixture.start("io-threads 4")) {
            Thread[] writers = new Thread[4];
            for (int t = 0; t < writers.length; t++) {
                int id = t;
                writers[t] = new Thread(() -> {
                    try (RespClient c = f.client()) {
                        ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
                        for (int i = 0; i < 2000; i++) {
                            pipeline.writeBytes(RespClient.encode(RespClient.args("SET", "k" + id + ":" + i, Integer.toString(i))));
                        }
                        c.sendRaw(pipeline.toByteArray());
                        for (int i = 0; i < 2000; i++) {
                            assertEquals("+OK\r\n", c.read().text());
                        }
                        for (int i = 0; i < 2000; i += 97) {
                            assertEquals(Integer.toString(i), c.callValue("GET", "k" + id + ":" + i));
                        }
                    }
                });
                writers[t].start();
            }
            for (Thread w : writers) {
                w.join();
            }
            assertEquals(8000, (int) f.onDataThread(() -> f.server().keyspace().db(0).size()));
        }
    }

    @Test
    void publishFanOutAcrossSeveralIoThreadsKeepsEveryMessageInOrder() throws Exception {
        try (CinnabarFixture f = CinnabarFixture.start("io-threads 4")) {
            int subscriberCount = 12;
            int messages = 3000;
            java.util.List<RespClient> subscribers = new java.util.ArrayList<>();
            try (RespClient publisher = f.client()) {
                for (int i = 0; i < subscriberCount; i++) {
                    RespClient s = f.client();
                    subscribers.add(s);
                    assertEquals("*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n", s.call("SUBSCRIBE", "ch").text());
                }
                ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
                for (int i = 0; i < messages; i++) {
                    pipeline.writeBytes(RespClient.encode(RespClient.args("PUBLISH", "ch", "m" + i)));
                }
                publisher.sendRaw(pipeline.toByteArray());
                for (int i = 0; i < messages; i++) {
                    assertEquals(":" + subscriberCount + "\r\n", publisher.read().text());
                }
                for (RespClient s : subscribers) {
                    for (int i = 0; i < messages; i++) {
                        String m = "m" + i;
                        assertEquals("*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$" + m.length() + "\r\n" + m + "\r\n", s.read().text());
                    }
                }
            } finally {
                for (RespClient s : subscribers) {
                    s.close();
                }
            }
        }
    }

    @Test
    void servesAUnixSocket() throws Exception {
        Path sock = dir.resolve("cinnabar.sock");
        try (CinnabarFixture f = CinnabarFixture.start("unixsocket " + sock, "unixsocketperm 700");
             SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(sock));
            ch.write(ByteBuffer.wrap("PING\r\n".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer reply = ByteBuffer.allocate(64);
            while (reply.position() < 7) {
                ch.read(reply);
            }
            assertEquals("+PONG\r\n", new String(reply.array(), 0, reply.position(), StandardCharsets.US_ASCII));
        }
    }
}
