package io.cinnabar.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RespClient;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Commands of one read batch take their start time from the end of the previous command instead
 * of reading the clock again. The time a command sees must still be current: a command that
 * follows a slow one in the same pipeline sees the time after it, for expiry and for its own
 * duration, as in Redis.
 */
@Timeout(60)
class BatchClockTest {
    private static byte[] pipeline(String[]... commands) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String[] c : commands) {
            out.writeBytes(RespClient.encode(RespClient.args(c)));
        }
        return out.toByteArray();
    }

    @Test
    void aCommandAfterASlowOneInTheSamePipelineSeesTheTimeAfterIt() {
        try (CinnabarFixture s = CinnabarFixture.start("enable-debug-command yes"); RespClient c = s.client()) {
            c.sendRaw(pipeline(
                    new String[] {"SET", "k", "v", "PX", "100"},
                    new String[] {"DEBUG", "SLEEP", "0.2"},
                    new String[] {"GET", "k"},
                    new String[] {"SET", "k2", "v", "PX", "100"},
                    new String[] {"PTTL", "k2"}));
            assertEquals("+OK\r\n", c.read().text());
            assertEquals("+OK\r\n", c.read().text());
            assertEquals("$-1\r\n", c.read().text(), "the key expired during DEBUG SLEEP");
            assertEquals("+OK\r\n", c.read().text());
            String pttl = c.read().text();
            long ttl = Long.parseLong(pttl.substring(1, pttl.length() - 2));
            assertTrue(ttl > 50 && ttl <= 100, pttl);
        }
    }

    @Test
    void theSlowCommandsDurationIsItsOwnAndTheNextStartsAfterIt() {
        try (CinnabarFixture s = CinnabarFixture.start("enable-debug-command yes"); RespClient c = s.client()) {
            c.call("CONFIG", "SET", "slowlog-log-slower-than", "50000");
            c.call("SLOWLOG", "RESET");
            c.sendRaw(pipeline(
                    new String[] {"PING"},
                    new String[] {"DEBUG", "SLEEP", "0.1"},
                    new String[] {"PING"},
                    new String[] {"SLOWLOG", "GET"}));
            for (int i = 0; i < 3; i++) {
                c.read();
            }
            String log = c.read().text();
            assertTrue(log.startsWith("*1\r\n"), "only DEBUG SLEEP is slow: " + log);
            assertTrue(log.contains("$5\r\nSLEEP\r\n"), log);
        }
    }
}
