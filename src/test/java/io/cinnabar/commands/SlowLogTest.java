package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RespClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class SlowLogTest {
    private CinnabarFixture server;
    private RespClient c;

    @BeforeEach
    void start() {
        server = CinnabarFixture.start("slowlog-log-slower-than 0", "enable-debug-command yes");
        c = server.client();
    }

    @AfterEach
    void stop() {
        c.close();
        server.close();
    }

    @SuppressWarnings("unchecked")
    private List<List<Object>> get(String... count) {
        List<String> args = new ArrayList<>(List.of("SLOWLOG", "GET"));
        args.addAll(List.of(count));
        return (List<List<Object>>) c.callValue(args.toArray(new String[0]));
    }

    @Test
    void entriesHaveRedisShape() {
        c.call("SLOWLOG", "RESET");
        c.call("SET", "k", "v");
        List<List<Object>> entries = get("1");
        assertEquals(1, entries.size());
        List<Object> e = entries.get(0);
        assertEquals(6, e.size());
        long id = (Long) e.get(0);
        assertTrue(id >= 0);
        assertTrue(Math.abs((Long) e.get(1) - System.currentTimeMillis() / 1000) < 60);
        assertTrue((Long) e.get(2) >= 0);
        assertEquals(List.of("SET", "k", "v"), e.get(3));
        assertTrue(((String) e.get(4)).matches("127\\.0\\.0\\.1:\\d+"), (String) e.get(4));
        assertEquals("", e.get(5));
        // newest first, ids increase
        c.call("ECHO", "x");
        List<List<Object>> two = get("2");
        assertEquals(List.of("ECHO", "x"), two.get(0).get(3));
        assertEquals(List.of("SLOWLOG", "GET", "1"), two.get(1).get(3)); // logged after it ran

        assertTrue((Long) two.get(0).get(0) > (Long) two.get(1).get(0));
    }

    @Test
    void msetNamingAKeyTwiceLogsTheArgumentsItWasSent() {
        c.call("SLOWLOG", "RESET");
        c.call("MSET", "twice", "aa", "other", "cc", "twice", "bb");
        assertEquals(List.of("MSET", "twice", "aa", "other", "cc", "twice", "bb"), get("1").get(0).get(3));
        assertEquals("bb", c.callValue("GET", "twice"));
        c.call("MSET", "twice", "dd");
        assertEquals("dd", c.callValue("GET", "twice"));
        // the same-size "dd" overwrote the stored value in place; the logged arguments kept theirs
        assertTrue(get("-1").stream().anyMatch(e -> e.get(3).equals(List.of("MSET", "twice", "aa", "other", "cc", "twice", "bb"))));
    }

    @Test
    void lenResetMaxLenAndThreshold() {
        c.call("SLOWLOG", "RESET");
        for (int i = 0; i < 5; i++) {
            c.call("ECHO", "e" + i);
        }
        // SLOWLOG RESET itself was logged after it ran, then 5 ECHOs
        assertEquals(6L, c.callValue("SLOWLOG", "LEN"));
        assertEquals(7, get("-1").size()); // + the SLOWLOG LEN
        assertEquals(2, get("2").size());
        assertEquals(0, get("0").size());
        c.call("CONFIG", "SET", "slowlog-max-len", "3");
        assertEquals(3L, c.callValue("SLOWLOG", "LEN"));
        assertEquals(3, get().size());
        c.call("CONFIG", "SET", "slowlog-log-slower-than", "-1");
        c.call("SLOWLOG", "RESET");
        c.call("ECHO", "x");
        assertEquals(0L, c.callValue("SLOWLOG", "LEN"));
        c.call("CONFIG", "SET", "slowlog-log-slower-than", "100000");
        c.call("ECHO", "fast");
        assertEquals(0L, c.callValue("SLOWLOG", "LEN"));
        c.call("DEBUG", "SLEEP", "0.15");
        List<List<Object>> e = get();
        assertEquals(1, e.size());
        assertTrue((Long) e.get(0).get(2) >= 100_000, e.toString());
        assertEquals(List.of("DEBUG", "SLEEP", "0.15"), e.get(0).get(3));
    }

    @Test
    void argumentsAreTruncatedLikeRedis() {
        c.call("SLOWLOG", "RESET");
        String[] many = new String[40];
        many[0] = "PING";
        for (int i = 1; i < many.length; i++) {
            many[i] = "a" + i;
        }
        c.call(many);
        c.call("ECHO", "y".repeat(200));
        List<List<Object>> e = get("2");
        @SuppressWarnings("unchecked")
        List<Object> echo = (List<Object>) e.get(0).get(3);
        assertEquals(List.of("ECHO", "y".repeat(128) + "... (72 more bytes)"), echo);
        @SuppressWarnings("unchecked")
        List<Object> ping = (List<Object>) e.get(1).get(3);
        assertEquals(32, ping.size());
        assertEquals("a30", ping.get(30));
        assertEquals("... (9 more arguments)", ping.get(31));
    }
}
