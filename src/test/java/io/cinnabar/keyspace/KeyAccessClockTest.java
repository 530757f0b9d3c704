package io.cinnabar.keyspace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.testing.RespClient;
import io.cinnabar.testing.Servers;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * OBJECT IDLETIME reads the access clock kept per entry: reads and writes refresh it, while
 * OBJECT, TYPE, EXISTS, TTL and SCAN (Redis's LOOKUP_NOTOUCH lookups) leave it alone.
 */
@Timeout(60)
class KeyAccessClockTest {
    @RegisterExtension
    static final Servers servers = Servers.cinnabarAlone();

    /** Makes the key look idle for {@code seconds} by moving its access clock back. */
    private static void age(String key, int seconds) {
        servers.cinnabar().onDataThread(() -> {
            Keyspace ks = servers.cinnabar().server().keyspace();
            KeyTable t = ks.db(0).table();
            if (!t.find(key.getBytes(StandardCharsets.UTF_8))) {
                throw new AssertionError("no key " + key);
            }
            t.setClock((ks.lruClock() - seconds) & 0xFFFFFF);
            return null;
        });
    }

    @Test
    void idleTimeGrowsUntilTheKeyIsAccessed() {
        try (RespClient c = servers.cinnabar().client()) {
            c.call("FLUSHALL");
            c.call("SET", "k", "v");
            assertEquals(":0\r\n", c.callText("OBJECT", "IDLETIME", "k"));
            age("k", 100);
            assertEquals(":100\r\n", c.callText("OBJECT", "IDLETIME", "k"));
            // lookups without touch
            c.call("TYPE", "k");
            c.call("EXISTS", "k");
            c.call("TTL", "k");
            c.call("OBJECT", "ENCODING", "k");
            c.call("SCAN", "0", "TYPE", "string");
            c.call("KEYS", "*");
            assertEquals(":100\r\n", c.callText("OBJECT", "IDLETIME", "k"));
            // a read touches
            c.call("GET", "k");
            assertEquals(":0\r\n", c.callText("OBJECT", "IDLETIME", "k"));
            // TOUCH touches, EXPIRE and PERSIST look the key up for writing and touch too
            for (String[] cmd : new String[][] {{"TOUCH", "k"}, {"EXPIRE", "k", "1000"}, {"PERSIST", "k"}}) {
                age("k", 50);
                c.call(cmd);
                assertEquals(":0\r\n", c.callText("OBJECT", "IDLETIME", "k"), String.join(" ", cmd));
            }
            // RENAME looks the source up for writing: the moved value is fresh
            age("k", 70);
            c.call("RENAME", "k", "k2");
            assertEquals(":0\r\n", c.callText("OBJECT", "IDLETIME", "k2"));
        }
    }

    @Test
    void idleTimeAcrossTheClockWrap() {
        try (RespClient c = servers.cinnabar().client()) {
            c.call("FLUSHALL");
            c.call("SET", "w", "v");
            servers.cinnabar().onDataThread(() -> {
                Keyspace ks = servers.cinnabar().server().keyspace();
                KeyTable t = ks.db(0).table();
                t.find("w".getBytes(StandardCharsets.UTF_8));
                // a clock "ahead" of now means the 24-bit clock wrapped since the last access
                t.setClock((ks.lruClock() + 10) & 0xFFFFFF);
                return null;
            });
            long idle = Long.parseLong(c.callText("OBJECT", "IDLETIME", "w").trim().substring(1));
            assertEquals((1 << 24) - 1 - 10, idle, 1);
        }
    }

    @Test
    void lfuCounterDecaysOnePerPeriod() {
        Keyspace ks = new Keyspace(1);
        ks.tick();
        int minutes = (int) ((ks.now() / 60_000) & 0xFFFF);
        ks.setAccessPolicy(true, 10, 1);
        assertEquals(5, ks.lfuCounter(minutes << 8 | 5));
        assertEquals(2, ks.lfuCounter(((minutes - 3) & 0xFFFF) << 8 | 5));
        assertEquals(0, ks.lfuCounter(((minutes - 30) & 0xFFFF) << 8 | 5));
        ks.setAccessPolicy(true, 10, 0);
        assertEquals(5, ks.lfuCounter(((minutes - 30) & 0xFFFF) << 8 | 5));
        ks.setAccessPolicy(true, 10, 30);
        assertEquals(4, ks.lfuCounter(((minutes - 30) & 0xFFFF) << 8 | 5));
    }

    @Test
    void lfuCounterGrowsLogarithmically() {
        Keyspace ks = new Keyspace(1);
        ks.tick();
        ks.setAccessPolicy(true, 10, 1);
        int clock = ks.newClock();
        assertEquals(5, clock & 0xFF);
        // at the initial value every access counts; above it, one in (counter-5)*factor+1 does
        clock = ks.touchedClock(clock);
        assertEquals(6, clock & 0xFF);
        for (int i = 0; i < 100_000; i++) {
            clock = ks.touchedClock(clock);
        }
        // about sqrt(2 * accesses / factor) above the initial value: 100k accesses give ~140
        long counter = clock & 0xFF;
        org.junit.jupiter.api.Assertions.assertTrue(counter > 100 && counter < 200, "counter " + counter);
    }
}
