package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The MIGRATE connection cache and its timed line I/O, against a local listener. */
@Timeout(30)
class MigrateSocketsTest {
    @Test
    void portsAreReadAsAtoiAndGetaddrinfoReadThem() {
        assertEquals(6379, MigrateSockets.portNumber("6379"));
        assertEquals(6379, MigrateSockets.portNumber(" 6379abc"));
        assertEquals(0, MigrateSockets.portNumber("notaport"));
        assertEquals(6379, MigrateSockets.portNumber("71915")); // 71915 - 65536
        assertEquals(-1, MigrateSockets.portNumber("-1"));
        assertEquals(0, MigrateSockets.portNumber("-0"));
    }

    @Test
    void aLinkIsReusedUntilIdleForTenSecondsOrClosed() throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            MigrateSockets sockets = new MigrateSockets();
            String port = Integer.toString(listener.getLocalPort());
            MigrateSockets.Link first = sockets.get("127.0.0.1", port, 1_000);
            assertSame(first, sockets.get("127.0.0.1", port, 5_000));
            assertNotSame(first, sockets.get("localhost", port, 5_000), "keyed by the host as spelled");
            assertEquals(2, sockets.size());
            sockets.closeIdle(15_000);
            assertEquals(2, sockets.size(), "used 10 s ago, not more");
            sockets.get("127.0.0.1", port, 6_000);
            sockets.closeIdle(15_001);
            assertEquals(1, sockets.size(), "the localhost link, idle since 5 000, is closed");
            sockets.close(first);
            sockets.close(first);
            assertEquals(0, sockets.size());
        }
    }

    @Test
    void theCacheHoldsAtMostSixtyFourLinks() throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 128, InetAddress.getLoopbackAddress())) {
            MigrateSockets sockets = new MigrateSockets();
            for (int i = 0; i < 70; i++) {
                sockets.get("127.0.0.1", listener.getLocalPort() + (i == 0 ? "" : "x" + i), 0);
            }
            assertEquals(MigrateSockets.MAX_LINKS, sockets.size());
            sockets.closeAll();
            assertEquals(0, sockets.size());
        }
    }

    @Test
    void linesAreReadAsSyncReadLineReadsThem() throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            MigrateSockets sockets = new MigrateSockets();
            MigrateSockets.Link link = sockets.get("127.0.0.1", Integer.toString(listener.getLocalPort()), 0);
            byte[] request = "PING\r\n".getBytes(StandardCharsets.US_ASCII);
            link.write(request, request.length, 1_000);
            try (Socket peer = listener.accept()) {
                InputStream in = peer.getInputStream();
                assertEquals("PING\r\n", new String(in.readNBytes(6), StandardCharsets.US_ASCII));
                OutputStream out = peer.getOutputStream();
                out.write("+OK\r\n-ERR no\r\nbare\n0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                byte[] line = new byte[16];
                assertEquals("+OK", text(line, link.readLine(line, 1_000)));
                assertEquals("-ERR no", text(line, link.readLine(line, 1_000)));
                assertEquals("bare", text(line, link.readLine(line, 1_000)));
                assertEquals("0123456789abcde", text(line, link.readLine(line, 1_000)), "cut at the buffer less one");
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertEquals("fghij", text(line, link.readLine(line, 1_000)), "the rest, once its end arrives");
                long start = System.nanoTime();
                assertThrows(SocketTimeoutException.class, () -> link.readLine(new byte[8], 200));
                long waited = (System.nanoTime() - start) / 1_000_000;
                assertTrue(waited >= 190, "gave up after " + waited + " ms");
            }
            assertThrows(java.io.EOFException.class, () -> link.readLine(new byte[8], 1_000), "the peer hung up");
        }
    }

    private static String text(byte[] line, int length) {
        return new String(line, 0, length, StandardCharsets.US_ASCII);
    }

    @Test
    void aRefusedConnectionFailsTheFirstWrite() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        MigrateSockets sockets = new MigrateSockets();
        MigrateSockets.Link link = sockets.get("127.0.0.1", Integer.toString(port), 0);
        byte[] request = "PING\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThrows(IOException.class, () -> link.write(request, request.length, 1_000));
        assertThrows(IOException.class, () -> sockets.get("", Integer.toString(port), 0));
        assertThrows(IOException.class, () -> sockets.get("127.0.0.1", "-1", 0));
        sockets.closeAll();
    }
}
