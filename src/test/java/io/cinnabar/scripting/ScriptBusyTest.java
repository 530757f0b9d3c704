package io.cinnabar.scripting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RespClient;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scripts that run past busy-reply-threshold (100 ms here): other clients get -BUSY, SCRIPT
 * KILL stops a script that has not written, UNKILLABLE one that has, SHUTDOWN NOSAVE stops
 * anything. Texts as Redis 7.0.15 answers them.
 */
@Timeout(60)
class ScriptBusyTest {
    static final String BUSY = "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n";
    static final String UNKILLABLE = "-UNKILLABLE Sorry the script already executed write commands against the dataset. "
            + "You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.\r\n";

    private static String killed(String script, int line) {
        return "-ERR Script killed by user with SCRIPT KILL... script: " + RedisApi.sha1hex(script.getBytes(StandardCharsets.UTF_8))
                + ", on @user_script:" + line + ".\r\n";
    }

    /** Sends PING until the server answers -BUSY (it answers nothing while the script is young). */
    private static void awaitBusy(RespClient other) {
        awaitBusy(other, BUSY);
    }

    /** Sends PING until the server answers this -BUSY text (SCRIPT KILL's or FUNCTION KILL's). */
    static void awaitBusy(RespClient other, String busy) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            String reply = other.callText("PING");
            if (reply.equals(busy)) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "never busy; last reply " + reply);
        }
    }

    @Test
    void scriptKillStopsAReadOnlyLoop() {
        String script = "local i = 0\nwhile true do i = i + 1 end";
        try (CinnabarFixture s = CinnabarFixture.start("busy-reply-threshold 100");
                RespClient caller = s.client(); RespClient other = s.client()) {
            caller.send("EVAL", script, "0");
            awaitBusy(other);
            assertEquals(BUSY, other.callText("GET", "x"));
            assertEquals(BUSY, other.callText("EVAL", "return 1", "0"));
            assertEquals("+OK\r\n", other.callText("MULTI"), "MULTI is allowed while busy, as in Redis");
            assertEquals(BUSY, other.callText("SET", "x", "1"));
            assertEquals(BUSY, other.callText("EXEC"));
            assertEquals("+OK\r\n", other.callText("DISCARD"));
            assertEquals(BUSY, other.callText("SHUTDOWN"));
            assertEquals("+OK\r\n", other.callText("SCRIPT", "KILL"));
            assertEquals(killed(script, 2), caller.read().text());
            assertEquals("+PONG\r\n", other.callText("PING"));
            assertEquals("+PONG\r\n", caller.callText("PING"));
            assertEquals("-NOTBUSY No scripts in execution right now.\r\n", other.callText("SCRIPT", "KILL"));
        }
    }

    @Test
    void pcallCannotCatchTheKill() {
        String script = "while true do pcall(function() while true do end end) end";
        try (CinnabarFixture s = CinnabarFixture.start("busy-reply-threshold 100");
                RespClient caller = s.client(); RespClient other = s.client()) {
            caller.send("EVAL", script, "0");
            awaitBusy(other);
            assertEquals("+OK\r\n", other.callText("SCRIPT", "KILL"));
            assertTrue(caller.read().text().startsWith("-ERR Script killed by user with SCRIPT KILL... script: "));
            assertEquals("+PONG\r\n", other.callText("PING"));
        }
    }

    @Test
    void aScriptThatWroteIsUnkillableButShutdownNosaveStopsIt() {
        String script = "redis.call('set', 'w', '1')\nwhile true do end";
        AtomicInteger shutdowns = new AtomicInteger();
        try (CinnabarFixture s = CinnabarFixture.start("busy-reply-threshold 100");
                RespClient caller = s.client(); RespClient other = s.client(); RespClient third = s.client()) {
            s.server().onShutdown(shutdowns::incrementAndGet);
            caller.send("EVAL", script, "0");
            awaitBusy(other);
            assertEquals(UNKILLABLE, other.callText("SCRIPT", "KILL"));
            assertEquals(BUSY, other.callText("SHUTDOWN"));
            assertEquals(BUSY, other.callText("SHUTDOWN", "SAVE"));
            other.send("SHUTDOWN", "NOSAVE");
            assertThrows(RuntimeException.class, other::read, "SHUTDOWN closes the connection without a reply");
            assertEquals(1, shutdowns.get());
            // Our fixture does not exit the JVM on SHUTDOWN: the script was stopped instead.
            assertEquals(killed(script, 2), caller.read().text());
            assertEquals("$1\r\n1\r\n", third.callText("GET", "w"));
        }
    }

    @Test
    void aSlowScriptFinishesAndItsCommandsKeepRunningWhileOthersAreTurnedAway() {
        // Writes first (so the script is unkillable by the time it is busy, even on a loaded
        // machine), then busy-waits 1.2 s on TIME (the clock scripts see is frozen, TIME is not),
        // writing all along.
        String script = "redis.call('incr', KEYS[1]) local n = 1\n"
                + "local t = redis.call('time') local start = t[1] * 1000000 + t[2]\n"
                + "repeat n = n + 1 redis.call('incr', KEYS[1]) t = redis.call('time') until t[1] * 1000000 + t[2] - start > 1200000\n"
                + "return n";
        try (CinnabarFixture s = CinnabarFixture.start("busy-reply-threshold 300");
                RespClient caller = s.client(); RespClient other = s.client()) {
            caller.send("EVAL", script, "1", "counter");
            caller.send("GET", "counter");
            try {
                awaitBusy(other);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + " caller got " + caller.read().text());
            }
            assertEquals(UNKILLABLE, other.callText("SCRIPT", "KILL"));
            RespClient.Reply n = caller.read();
            assertTrue(n.text().startsWith(":"), n.text());
            long count = Long.parseLong(n.text().substring(1).trim());
            assertTrue(count > 0);
            assertEquals("$" + Long.toString(count).length() + "\r\n" + count + "\r\n", caller.read().text(),
                    "the caller's next command ran after the script, and saw all its writes");
            assertEquals("+PONG\r\n", other.callText("PING"));
        }
    }

    @Test
    void withoutAThresholdNobodyIsTurnedAway() {
        try (CinnabarFixture s = CinnabarFixture.start("busy-reply-threshold 0");
                RespClient caller = s.client(); RespClient other = s.client()) {
            String script = "local t = redis.call('time') local start = t[1] * 1000000 + t[2]\n"
                    + "repeat t = redis.call('time') until t[1] * 1000000 + t[2] - start > 200000 return 'done'";
            caller.send("EVAL", script, "0");
            assertEquals("+PONG\r\n", other.callText("PING"), "waits for the script, then runs");
            assertEquals("$4\r\ndone\r\n", caller.read().text());
        }
    }
}
