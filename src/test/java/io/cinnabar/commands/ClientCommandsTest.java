package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.ClientPause;
import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RespClient;
import io.cinnabar.testing.Servers;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** CLIENT KILL / REPLY / PAUSE and the connection limits (maxclients, timeout) over real sockets. */
@Timeout(60)
class ClientCommandsTest {
    @RegisterExtension
    static final Servers servers = Servers.cinnabarAlone();

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.onSpinWait();
        }
    }

    @org.junit.jupiter.api.AfterEach
    void noPauseLeftBehind() {
        servers.cinnabar().onDataThread(() -> {
            servers.cinnabar().server().pause().unpause();
            return null;
        });
    }

    private static int postponed() {
        return servers.cinnabar().onDataThread(() -> servers.cinnabar().server().pause().postponedCount());
    }

    private static long id(RespClient c) {
        return (Long) c.callValue("CLIENT", "ID");
    }

    private static String addr(RespClient c) {
        String info = (String) c.callValue("CLIENT", "INFO");
        int at = info.indexOf(" addr=") + 6;
        return info.substring(at, info.indexOf(' ', at));
    }

    @Test
    void killById() {
        try (RespClient a = servers.cinnabar().client(); RespClient b = servers.cinnabar().client()) {
            long bid = id(b);
            assertEquals(":1\r\n", a.callText("CLIENT", "KILL", "ID", Long.toString(bid)));
            assertTrue(b.isClosedByServer());
            assertEquals(":0\r\n", a.callText("CLIENT", "KILL", "ID", Long.toString(bid)));
            assertEquals("+PONG\r\n", a.callText("PING"));
        }
    }

    @Test
    void killByAddressOldAndNewForm() {
        try (RespClient a = servers.cinnabar().client(); RespClient b = servers.cinnabar().client(); RespClient c = servers.cinnabar().client()) {
            String baddr = addr(b);
            assertEquals("+OK\r\n", a.callText("CLIENT", "KILL", baddr));
            assertTrue(b.isClosedByServer());
            assertEquals("-ERR No such client\r\n", a.callText("CLIENT", "KILL", baddr));
            assertEquals(":1\r\n", a.callText("CLIENT", "KILL", "ADDR", addr(c)));
            assertTrue(c.isClosedByServer());
            // SKIPME defaults to yes, so a client cannot kill itself by address unless it says so
            String self = addr(a);
            assertEquals(":0\r\n", a.callText("CLIENT", "KILL", "ADDR", self));
            assertEquals(":1\r\n", a.callText("CLIENT", "KILL", "ADDR", self, "SKIPME", "no"));
            assertTrue(a.isClosedByServer());
        }
        try (RespClient a = servers.cinnabar().client()) {
            // old form on itself: +OK, then the connection closes
            assertEquals("+OK\r\n", a.callText("CLIENT", "KILL", addr(a)));
            assertTrue(a.isClosedByServer());
        }
    }

    @Test
    void killByTypeUserLaddrAndMaxage() {
        try (CinnabarFixture own = CinnabarFixture.start();
                RespClient a = own.client(); RespClient b = own.client(); RespClient c = own.client()) {
            b.call("PING");
            c.call("PING");
            // a far MAXAGE (Redis 7.4) matches nobody
            assertEquals(":0\r\n", a.callText("CLIENT", "KILL", "MAXAGE", "100000"));
            assertEquals(":2\r\n", a.callText("CLIENT", "KILL", "TYPE", "normal"));
            assertTrue(b.isClosedByServer());
            assertTrue(c.isClosedByServer());
            assertEquals("+PONG\r\n", a.callText("PING"));
        }
        try (RespClient a = servers.cinnabar().client(); RespClient b = servers.cinnabar().client()) {
            b.call("PING");
            assertEquals("-ERR No such user 'bob'\r\n", a.callText("CLIENT", "KILL", "USER", "bob"));
            assertEquals(":1\r\n", a.callText("CLIENT", "KILL", "USER", "default", "ID", Long.toString(id(b))));
            assertTrue(b.isClosedByServer());
            assertEquals(":1\r\n", a.callText("CLIENT", "KILL", "LADDR", "127.0.0.1:" + servers.cinnabar().port(), "SKIPME", "no"));
            assertTrue(a.isClosedByServer());
        }
    }

    @Test
    void replyOffOnAndSkip() {
        try (RespClient c = servers.cinnabar().client()) {
            c.send("CLIENT", "REPLY", "OFF");
            c.send("SET", "r", "1");
            c.send("PING", "hidden");
            c.send("CLIENT", "REPLY", "SKIP"); // ignored while OFF
            c.send("CLIENT", "REPLY", "ON");
            assertEquals("+OK\r\n", c.read().text());
            assertEquals("$1\r\n1\r\n", c.callText("GET", "r"));
            c.send("CLIENT", "REPLY", "SKIP");
            c.send("PING", "a");
            assertEquals("$1\r\nb\r\n", c.callText("PING", "b"));
            // ON cancels a pending SKIP, and answers
            c.send("CLIENT", "REPLY", "SKIP");
            assertEquals("+OK\r\n", c.callText("CLIENT", "REPLY", "ON"));
            assertEquals("+PONG\r\n", c.callText("PING"));
            assertEquals("-ERR syntax error\r\n", c.callText("CLIENT", "REPLY", "maybe"));
        }
    }

    @Test
    void writePauseHoldsWritesInOrderAndLetsReadsThrough() {
        try (RespClient admin = servers.cinnabar().client(); RespClient writer = servers.cinnabar().client(); RespClient reader = servers.cinnabar().client()) {
            admin.call("SET", "pk", "old");
            assertEquals("+OK\r\n", admin.callText("CLIENT", "PAUSE", "100000", "WRITE"));
            writer.send("SET", "pk", "new");
            writer.send("GET", "pk"); // a read queued behind the postponed write waits with it
            await(() -> postponed() == 1, "the write to be postponed");
            assertEquals("$3\r\nold\r\n", reader.callText("GET", "pk"));
            assertEquals("+PONG\r\n", reader.callText("PING"));
            assertTrue(((String) reader.callValue("CLIENT", "LIST", "ID", Long.toString(id(reader)))).contains("flags=N"));
            assertEquals("+OK\r\n", admin.callText("CLIENT", "UNPAUSE"));
            assertEquals("+OK\r\n", writer.read().text());
            assertEquals("$3\r\nnew\r\n", writer.read().text());
            assertEquals("$3\r\nnew\r\n", reader.callText("GET", "pk"));
            assertEquals(0, postponed());
        }
    }

    @Test
    void allPauseEndsByItselfAfterItsTimeout() {
        try (RespClient admin = servers.cinnabar().client(); RespClient other = servers.cinnabar().client()) {
            assertEquals("+OK\r\n", admin.callText("CLIENT", "PAUSE", "300", "ALL"));
            long start = System.nanoTime();
            other.send("GET", "missing");
            await(() -> postponed() == 1, "the read to be postponed in ALL mode");
            assertEquals("$-1\r\n", other.read().text());
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(200), "waited for the pause");
            assertEquals(ClientPause.Mode.OFF, servers.cinnabar().onDataThread(() -> servers.cinnabar().server().pause().mode()));
        }
    }

    @Test
    void pauseOnlyGrowsAndUnpauseFromAnotherClientIsItselfHeldInAllMode() {
        try (RespClient admin = servers.cinnabar().client(); RespClient other = servers.cinnabar().client(); RespClient third = servers.cinnabar().client()) {
            assertEquals("+OK\r\n", admin.callText("CLIENT", "PAUSE", "100000", "WRITE"));
            // a shorter ALL pause upgrades the mode and keeps the later end
            assertEquals("+OK\r\n", admin.callText("CLIENT", "PAUSE", "10", "ALL"));
            assertEquals(ClientPause.Mode.ALL, servers.cinnabar().onDataThread(() -> servers.cinnabar().server().pause().mode()));
            other.send("PING");
            await(() -> postponed() == 1, "PING to be postponed");
            // as in Redis 7.0, ALL holds back CLIENT UNPAUSE too
            third.send("CLIENT", "UNPAUSE");
            await(() -> postponed() == 2, "UNPAUSE to be postponed");
            // only the end of the pause frees them; end it from the data thread
            servers.cinnabar().onDataThread(() -> {
                servers.cinnabar().server().pause().unpause();
                return null;
            });
            assertEquals("+PONG\r\n", other.read().text());
            assertEquals("+OK\r\n", third.read().text());
            assertEquals("+PONG\r\n", admin.callText("PING"));
        }
    }

    @Test
    void killedWhilePausedLeavesNoTrace() {
        try (RespClient admin = servers.cinnabar().client(); RespClient victim = servers.cinnabar().client()) {
            long vid = id(victim);
            assertEquals("+OK\r\n", admin.callText("CLIENT", "PAUSE", "100000", "WRITE"));
            victim.send("SET", "never", "1");
            await(() -> postponed() == 1, "the write to be postponed");
            assertEquals(":1\r\n", admin.callText("CLIENT", "KILL", "ID", Long.toString(vid)));
            assertTrue(victim.isClosedByServer());
            await(() -> postponed() == 0, "the killed client to leave the pause queue");
            assertEquals("+OK\r\n", admin.callText("CLIENT", "UNPAUSE"));
            assertEquals("$-1\r\n", admin.callText("GET", "never"));
        }
    }

    @Test
    void maxclientsRefusesTheExtraConnection() {
        try (CinnabarFixture small = CinnabarFixture.start("maxclients 2");
                RespClient a = small.client();
                RespClient b = small.client()) {
            assertEquals("+PONG\r\n", a.callText("PING"));
            assertEquals("+PONG\r\n", b.callText("PING"));
            try (RespClient c = small.client()) {
                assertEquals("-ERR max number of clients reached\r\n", c.read().text());
                assertTrue(c.isClosedByServer());
            }
            // once one leaves, there is room again
            a.close();
            await(() -> small.onDataThread(() -> small.server().clientCount()) == 1, "the closed client to go");
            try (RespClient d = small.client()) {
                assertEquals("+PONG\r\n", d.callText("PING"));
            }
        }
    }

    @Test
    void idleClientsAreClosedAfterTimeout() {
        try (CinnabarFixture idle = CinnabarFixture.start("timeout 1"); RespClient c = idle.client()) {
            assertEquals("+PONG\r\n", c.callText("PING"));
            c.setReadTimeout(500);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            boolean closed = false;
            while (!closed && System.nanoTime() < deadline) {
                closed = readsEof(c);
            }
            assertTrue(closed, "idle connection closed within the deadline");
        }
    }

    /** One bounded read: true on EOF, false if the read timed out with the connection still open. */
    private static boolean readsEof(RespClient c) {
        try {
            c.read();
            return false;
        } catch (java.io.UncheckedIOException e) {
            return !(e.getCause() instanceof java.net.SocketTimeoutException);
        }
    }

    @Test
    void listFiltersByTypeAndId() {
        try (RespClient a = servers.cinnabar().client(); RespClient b = servers.cinnabar().client()) {
            long ida = id(a);
            long idb = id(b);
            String both = (String) a.callValue("CLIENT", "LIST", "ID", Long.toString(idb), Long.toString(ida), "999999");
            String[] lines = both.split("\n");
            assertEquals(2, lines.length, both);
            assertTrue(lines[0].startsWith("id=" + idb + " ") && lines[1].startsWith("id=" + ida + " "), both);
            String normal = (String) a.callValue("CLIENT", "LIST", "TYPE", "normal");
            assertTrue(normal.contains("id=" + ida + " ") && normal.contains("id=" + idb + " "), normal);
            assertEquals("", a.callValue("CLIENT", "LIST", "TYPE", "pubsub"));
            for (String line : normal.split("\n")) {
                if (line.startsWith("id=" + idb + " ")) {
                    assertTrue(line.contains(" cmd=client|id "), line);
                }
                if (line.startsWith("id=" + ida + " ")) {
                    assertTrue(line.contains(" cmd=client|list "), line);
                }
            }
            assertFalse(normal.isEmpty());
        }
    }
}
