package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RespClient;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class DebugAndShutdownTest {
    static final String NOT_ALLOWED = "-ERR DEBUG command not allowed. If the enable-debug-command option is set to "
            + "\"local\", you can run it from a local connection, otherwise you need to set this option in the "
            + "configuration file, and then restart the server.\r\n";

    @Test
    void debugIsOffByDefault() {
        try (CinnabarFixture s = CinnabarFixture.start(); RespClient c = s.client()) {
            assertEquals(NOT_ALLOWED, c.callText("DEBUG", "SLEEP", "0"));
            assertEquals(NOT_ALLOWED, c.callText("DEBUG", "HELP"));
            assertEquals("-ERR wrong number of arguments for 'debug' command\r\n", c.callText("DEBUG"));
            assertEquals("-ERR CONFIG SET failed (possibly related to argument 'enable-debug-command') - can't set immutable config\r\n",
                    c.callText("CONFIG", "SET", "enable-debug-command", "yes"));
        }
    }

    @Test
    void localAllowsLoopbackConnections() {
        try (CinnabarFixture s = CinnabarFixture.start("enable-debug-command local"); RespClient c = s.client()) {
            assertEquals("+OK\r\n", c.callText("DEBUG", "SLEEP", "0"));
        }
    }

    @Test
    void debugSubcommands() {
        try (CinnabarFixture s = CinnabarFixture.start("enable-debug-command yes"); RespClient c = s.client()) {
            c.call("SET", "n", "123");
            c.call("SET", "s", "hello");
            c.call("SET", "big", "x".repeat(100));
            String n = (String) c.callValue("DEBUG", "OBJECT", "n");
            assertTrue(n.matches("Value at:0x[0-9a-f]+ refcount:2147483647 encoding:int serializedlength:2 lru:\\d+ lru_seconds_idle:\\d+"), n);
            String str = (String) c.callValue("DEBUG", "OBJECT", "s");
            assertTrue(str.matches("Value at:0x[0-9a-f]+ refcount:1 encoding:embstr serializedlength:6 lru:\\d+ lru_seconds_idle:\\d+"), str);
            String big = (String) c.callValue("DEBUG", "OBJECT", "big");
            assertTrue(big.contains(" encoding:raw serializedlength:102 "), big);
            assertEquals("-ERR no such key\r\n", c.callText("DEBUG", "OBJECT", "missing"));

            long t0 = System.nanoTime();
            assertEquals("+OK\r\n", c.callText("DEBUG", "SLEEP", "0.2"));
            assertTrue(System.nanoTime() - t0 >= 180_000_000L);

            assertEquals("+OK\r\n", c.callText("DEBUG", "SET-ACTIVE-EXPIRE", "0"));
            assertEquals("+OK\r\n", c.callText("DEBUG", "SET-ACTIVE-EXPIRE", "1"));
            assertEquals("+OK\r\n", c.callText("DEBUG", "LOG", "hello from a test"));
            assertEquals("-ERR DEBUG subcommand not supported by Cinnabar: RELOAD\r\n", c.callText("DEBUG", "RELOAD"));
            assertEquals("-ERR DEBUG subcommand not supported by Cinnabar: digest\r\n", c.callText("DEBUG", "digest"));
            assertEquals("-ERR unknown subcommand or wrong number of arguments for 'nope'. Try DEBUG HELP.\r\n",
                    c.callText("DEBUG", "nope"));
            assertTrue(c.callText("DEBUG", "HELP").startsWith("*"));
            assertEquals("-ERR Not a listpack encoded object.\r\n", c.callText("DEBUG", "LISTPACK", "s"));

            String before = s.server().info().replId().value();
            assertEquals("+OK\r\n", c.callText("DEBUG", "CHANGE-REPL-ID"));
            assertFalse(before.equals(s.server().info().replId().value()));
            assertEquals("+OK\r\n", c.callText("DEBUG", "POPULATE", "10", "pop"));
            assertEquals("$7\r\nvalue:9\r\n", c.callText("GET", "pop:9"));
        }
    }

    /** DEBUG PROTOCOL in RESP3, byte for byte as real Redis 7.0.15 answers. */
    @Test
    void debugProtocolResp3() {
        try (CinnabarFixture s = CinnabarFixture.start("enable-debug-command yes"); RespClient c = s.client()) {
            c.call("PING");
            s.onDataThread(() -> {
                s.server().clients().forEach(cl -> cl.reply().setProtocol(3));
                return null;
            });
            String[][] expected = {
                {"string", "$11\r\nHello World\r\n"},
                {"integer", ":12345\r\n"},
                {"double", ",3.141\r\n"},
                {"bignum", "(1234567999999999999999999999999999999\r\n"},
                {"null", "_\r\n"},
                {"array", "*3\r\n:0\r\n:1\r\n:2\r\n"},
                {"set", "~3\r\n:0\r\n:1\r\n:2\r\n"},
                {"map", "%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n"},
                {"attrib", "|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n"
                        + "$39\r\nSome real reply following the attribute\r\n"},
                {"push", ">2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n$40\r\nSome real reply following the push reply\r\n"},
                {"verbatim", "=29\r\ntxt:This is a verbatim\nstring\r\n"},
                {"true", "#t\r\n"},
                {"false", "#f\r\n"},
            };
            for (String[] e : expected) {
                if (e[0].equals("push")) {
                    // a push frame, then the reply proper
                    c.send("DEBUG", "PROTOCOL", "push");
                    String text = c.read().text() + c.read().text();
                    assertEquals(e[1], text);
                } else {
                    assertEquals(e[1], c.callText("DEBUG", "PROTOCOL", e[0]), e[0]);
                }
            }
        }
    }

    @Test
    void shutdownRequestsTheServerToStop() {
        try (CinnabarFixture s = CinnabarFixture.start()) {
            AtomicInteger requests = new AtomicInteger();
            s.server().onShutdown(requests::incrementAndGet);
            try (RespClient c = s.client()) {
                assertEquals("-ERR syntax error\r\n", c.callText("SHUTDOWN", "later"));
                assertEquals("-ERR No shutdown in progress.\r\n", c.callText("SHUTDOWN", "ABORT"));
                // no persistence yet: an explicit SAVE fails like a failed save does in Redis
                assertEquals("-ERR Errors trying to SHUTDOWN. Check logs.\r\n", c.callText("SHUTDOWN", "SAVE"));
                assertEquals(0, requests.get());
                c.send("SHUTDOWN", "NOSAVE");
                assertTrue(c.isClosedByServer());
            }
            assertEquals(1, requests.get());
            try (RespClient c = s.client()) {
                c.send("SHUTDOWN", "SAVE", "FORCE");
                assertTrue(c.isClosedByServer());
            }
            assertEquals(2, requests.get());
            try (RespClient c = s.client()) {
                c.send("SHUTDOWN", "NOW");
                assertTrue(c.isClosedByServer());
            }
            assertEquals(3, requests.get());
        }
    }

    @Test
    void timeAndLastsave() {
        try (CinnabarFixture s = CinnabarFixture.start(); RespClient c = s.client()) {
            @SuppressWarnings("unchecked")
            java.util.List<Object> t = (java.util.List<Object>) c.callValue("TIME");
            long secs = Long.parseLong((String) t.get(0));
            long micros = Long.parseLong((String) t.get(1));
            assertTrue(Math.abs(secs - System.currentTimeMillis() / 1000) < 60);
            assertTrue(micros >= 0 && micros < 1_000_000);
            long lastsave = (Long) c.callValue("LASTSAVE");
            assertTrue(lastsave <= System.currentTimeMillis() / 1000 && lastsave > secs - 60);
        }
    }
}
