package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RespClient;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** CONFIG SET port and bind take effect at once, as in Redis, and a failure changes nothing. */
@Timeout(60)
class RebindTest {
    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void configSetPortMovesTheListenerAndKeepsOpenConnections() throws Exception {
        try (CinnabarFixture f = CinnabarFixture.start(); RespClient admin = f.client()) {
            int oldPort = f.port();
            int newPort = freePort();
            assertEquals("+OK\r\n", admin.callText("CONFIG", "SET", "port", Integer.toString(newPort)));
            assertEquals("+PONG\r\n", admin.callText("PING"));
            try (RespClient moved = new RespClient("127.0.0.1", newPort)) {
                assertEquals("+PONG\r\n", moved.callText("PING"));
                assertEquals(java.util.List.of("port", Integer.toString(newPort)), moved.callValue("CONFIG", "GET", "port"));
            }
            assertThrows(UncheckedIOException.class, () -> new RespClient("127.0.0.1", oldPort).close());
        }
    }

    @Test
    void aPortThatCannotBeBoundIsRefusedAndTheOldOneKept() throws Exception {
        try (CinnabarFixture f = CinnabarFixture.start(); RespClient admin = f.client();
             ServerSocket taken = new ServerSocket(0, 10, java.net.InetAddress.getByName("127.0.0.1"))) {
            int port = f.port();
            assertEquals("-ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.\r\n",
                    admin.callText("CONFIG", "SET", "port", Integer.toString(taken.getLocalPort())));
            assertEquals(java.util.List.of("port", Integer.toString(port)), admin.callValue("CONFIG", "GET", "port"));
            try (RespClient again = new RespClient("127.0.0.1", port)) {
                assertEquals("+PONG\r\n", again.callText("PING"));
            }
            assertEquals("-ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to specified addresses.\r\n",
                    admin.callText("CONFIG", "SET", "bind", "192.0.2.1"));
            assertEquals(java.util.List.of("bind", "127.0.0.1"), admin.callValue("CONFIG", "GET", "bind"));
        }
    }
}
