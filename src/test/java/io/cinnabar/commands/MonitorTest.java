package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RespClient;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class MonitorTest {
    private static final Pattern LINE = Pattern.compile("\\+(\\d+)\\.(\\d{6}) \\[(\\d+) 127\\.0\\.0\\.1:(\\d+)\\] (.*)\r\n");
    private CinnabarFixture server;

    @BeforeEach
    void start() {
        server = CinnabarFixture.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** The next monitor line: db and the quoted arguments. */
    private static String next(RespClient monitor) {
        String text = monitor.read().text();
        Matcher m = LINE.matcher(text);
        assertTrue(m.matches(), text);
        long secs = Long.parseLong(m.group(1));
        assertTrue(Math.abs(secs - System.currentTimeMillis() / 1000) < 60);
        return m.group(3) + " " + m.group(5);
    }

    @Test
    void streamsCommandsInRedisFormat() {
        try (RespClient mon = server.client(); RespClient c = server.client()) {
            assertEquals("+OK\r\n", mon.callText("MONITOR"));
            c.call("SET", "k", "v");
            assertEquals("0 \"SET\" \"k\" \"v\"", next(mon));
            c.call("set".getBytes(StandardCharsets.UTF_8), "a b".getBytes(StandardCharsets.UTF_8),
                    new byte[] {'x', 1, '"', '\\', '\n', (byte) 0xff, 'y'});
            assertEquals("0 \"set\" \"a b\" \"x\\x01\\\"\\\\\\n\\xffy\"", next(mon));
            // the db shown is the one after the command, as in Redis
            c.call("SELECT", "3");
            assertEquals("3 \"SELECT\" \"3\"", next(mon));
            c.call("GET", "nokey");
            assertEquals("3 \"GET\" \"nokey\"", next(mon));
            // admin commands are not shown
            c.call("CONFIG", "GET", "hz");
            c.call("PING");
            assertEquals("3 \"PING\"", next(mon));
            // commands rejected before running (unknown, arity) are not shown
            c.call("NOSUCH");
            c.call("GET");
            c.call("ECHO", "last");
            assertEquals("3 \"ECHO\" \"last\"", next(mon));
        }
    }

    @Test
    void monitorClientMayNotTouchTheKeyspace() {
        try (RespClient mon = server.client(); RespClient c = server.client()) {
            assertEquals("+OK\r\n", mon.callText("MONITOR"));
            assertEquals("-ERR Replica can't interact with the keyspace\r\n", mon.callText("GET", "a"));
            assertEquals("-ERR Replica can't interact with the keyspace\r\n", mon.callText("SET", "a", "b"));
            // PING is allowed and, as in Redis, the monitor sees its own command after its reply
            assertEquals("+PONG\r\n", mon.callText("PING"));
            assertEquals("0 \"PING\"", next(mon));
            c.call("SET", "x", "1");
            assertEquals("0 \"SET\" \"x\" \"1\"", next(mon));
        }
        // after the monitor disconnects, the server keeps working and stops feeding it
        try (RespClient c = server.client()) {
            assertEquals("+OK\r\n", c.callText("SET", "y", "2"));
            assertEquals(0, (int) server.onDataThread(() -> (int) server.server().clients().stream()
                    .filter(cl -> cl.isMonitor()).count()));
        }
    }

    @Test
    void secretsAreRedacted() {
        io.cinnabar.command.CommandTable t = io.cinnabar.command.CommandTable.load();
        byte[][] auth = RespClient.args("AUTH", "user", "pw");
        assertEquals("0 1 1", redactions(t, "auth", auth));
        byte[][] hello = RespClient.args("HELLO", "3", "AUTH", "u", "p", "SETNAME", "n");
        assertEquals("0 0 0 1 1 0 0", redactions(t, "hello", hello));
        byte[][] migrate = RespClient.args("MIGRATE", "h", "1", "k", "0", "5", "COPY", "AUTH2", "u", "p", "KEYS", "a");
        assertEquals("0 0 0 0 0 0 0 0 1 1 0 0", redactions(t, "migrate", migrate));
        byte[][] set = RespClient.args("SET", "auth", "x");
        assertEquals("0 0 0", redactions(t, "set", set));
        String line = new String(Monitor.format(java.time.Instant.ofEpochSecond(1700000000, 1000), 2, "127.0.0.1:5",
                auth, t.get("auth")), StandardCharsets.ISO_8859_1);
        assertEquals("+1700000000.000001 [2 127.0.0.1:5] \"AUTH\" \"(redacted)\" \"(redacted)\"\r\n", line);
    }

    private static String redactions(io.cinnabar.command.CommandTable t, String cmd, byte[][] argv) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < argv.length; i++) {
            b.append(i == 0 ? "" : " ").append(Monitor.redacted(t.get(cmd), argv, i) ? 1 : 0);
        }
        return b.toString();
    }

    @Test
    void reprEscapesLikeSdscatrepr() {
        StringBuilder b = new StringBuilder();
        Monitor.repr(b, new byte[] {'a', '\r', '\t', 7, 8, 0, 0x7f, (byte) 0x80});
        assertEquals("\"a\\r\\t\\a\\b\\x00\\x7f\\x80\"", b.toString());
    }
}
