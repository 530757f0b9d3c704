package io.cinnabar.scripting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RespClient;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Busy scripts now that they run on the data thread: in both threading models (io-threads 1,
 * where the one event loop is re-entered, and io-threads 2, where the data thread runs the
 * batches the I/O threads handed it), inside MULTI, and with the caller's pipelined requests
 * answered in order after the script. Replies as Redis 7.0.15 gives them.
 */
@Timeout(60)
class ScriptInlineBusyTest {
    private static final String LOOP = "local i = 0 while true do i = i + 1 end";
    private static final String LOOP_SHA = RedisApi.sha1hex(LOOP.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    private static final String KILLED = "-ERR Script killed by user with SCRIPT KILL... script: " + LOOP_SHA + ", on @user_script:1.\r\n";
    /** Generous bounds for a loaded 2-core machine, far below "never". */
    private static final long BUSY_WITHIN_MILLIS = 5_000;
    private static final long KILLED_WITHIN_MILLIS = 3_000;

    private static CinnabarFixture start(int ioThreads) {
        return CinnabarFixture.start("busy-reply-threshold 100", "io-threads " + ioThreads);
    }

    /** Pings until busy; returns how long that took. */
    private static long awaitBusy(RespClient other, String busy) {
        long start = System.nanoTime();
        ScriptBusyTest.awaitBusy(other, busy);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    private static void assertWithin(long limitMillis, long startNanos, String what) {
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        assertTrue(took < limitMillis, what + " took " + took + " ms");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void anEvalInsideMultiGoesBusyAndIsKilled(int ioThreads) {
        try (CinnabarFixture s = start(ioThreads); RespClient caller = s.client(); RespClient other = s.client()) {
            caller.send("MULTI");
            caller.send("EVAL", LOOP, "0");
            caller.send("EXEC");
            caller.send("PING");
            assertTrue(awaitBusy(other, ScriptBusyTest.BUSY) < BUSY_WITHIN_MILLIS);
            caller.send("GET", "x"); // read while busy: answered after the script, not -BUSY
            long kill = System.nanoTime();
            assertEquals("+OK\r\n", other.callText("SCRIPT", "KILL"));
            assertEquals("+OK\r\n", caller.read().text());
            assertEquals("+QUEUED\r\n", caller.read().text());
            assertEquals("*1\r\n" + KILLED, caller.read().text());
            assertWithin(KILLED_WITHIN_MILLIS, kill, "the kill");
            assertEquals("+PONG\r\n", caller.read().text());
            assertEquals("$-1\r\n", caller.read().text());
            assertEquals("+PONG\r\n", other.callText("PING"));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void aBusyFunctionIsKilledByFunctionKill(int ioThreads) {
        try (CinnabarFixture s = start(ioThreads); RespClient caller = s.client(); RespClient other = s.client()) {
            assertEquals("$4\r\nloop\r\n", caller.callText("FUNCTION", "LOAD", FunctionBusyTest.LOOP_LIBRARY));
            caller.send("FCALL", "spin", "0");
            awaitBusy(other, FunctionBusyTest.BUSY_FUNCTION);
            assertEquals(FunctionBusyTest.BUSY_FUNCTION, other.callText("SCRIPT", "KILL"));
            long kill = System.nanoTime();
            assertEquals("+OK\r\n", other.callText("FUNCTION", "KILL"));
            assertEquals("-ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:3.\r\n", caller.read().text());
            assertWithin(KILLED_WITHIN_MILLIS, kill, "the kill");
            assertEquals("+PONG\r\n", caller.callText("PING"));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void aScriptThatWroteIsUnkillableAndShutdownNosaveStopsIt(int ioThreads) {
        String script = "redis.call('set', 'w', '1')\nwhile true do end";
        AtomicInteger shutdowns = new AtomicInteger();
        try (CinnabarFixture s = start(ioThreads); RespClient caller = s.client(); RespClient other = s.client();
                RespClient third = s.client()) {
            s.server().onShutdown(shutdowns::incrementAndGet);
            caller.send("EVAL", script, "0");
            awaitBusy(other, ScriptBusyTest.BUSY);
            assertEquals(ScriptBusyTest.UNKILLABLE, other.callText("SCRIPT", "KILL"));
            assertEquals(ScriptBusyTest.BUSY, third.callText("SHUTDOWN"));
            other.send("SHUTDOWN", "NOSAVE");
            assertThrows(RuntimeException.class, other::read, "SHUTDOWN closes the connection without a reply");
            assertEquals(1, shutdowns.get());
            assertTrue(caller.read().text().startsWith("-ERR Script killed by user with SCRIPT KILL... script: "));
            assertEquals("$1\r\n1\r\n", third.callText("GET", "w"));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void newConnectionsAreServedWhileBusy(int ioThreads) {
        try (CinnabarFixture s = start(ioThreads); RespClient caller = s.client(); RespClient other = s.client()) {
            caller.send("EVAL", LOOP, "0");
            awaitBusy(other, ScriptBusyTest.BUSY);
            try (RespClient late = s.client()) {
                assertEquals(ScriptBusyTest.BUSY, late.callText("GET", "x"));
                assertEquals("+OK\r\n", late.callText("SCRIPT", "KILL"));
            }
            assertEquals(KILLED, caller.read().text());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void pipelinedScriptsAndCommandsKeepTheirOrder(int ioThreads) {
        try (CinnabarFixture s = start(ioThreads); RespClient c = s.client()) {
            int n = 200;
            for (int i = 0; i < n; i++) {
                c.send("EVAL", "return redis.call('incr', KEYS[1])", "1", "k");
                c.send("INCR", "k");
            }
            for (int i = 1; i <= 2 * n; i++) {
                assertEquals(":" + i + "\r\n", c.read().text());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void othersServedWhileBusyDoNotMoveTheScriptsClock(int ioThreads) {
        // As in Redis, a key that expires while the script runs is still there for the script.
        String script = "redis.call('set', KEYS[1], 'v', 'px', 50)\n"
                + "local t = redis.call('time') local start = t[1] * 1000000 + t[2]\n"
                + "repeat t = redis.call('time') until t[1] * 1000000 + t[2] - start > 600000\n"
                + "return redis.call('get', KEYS[1])";
        try (CinnabarFixture s = start(ioThreads); RespClient caller = s.client(); RespClient other = s.client()) {
            caller.send("EVAL", script, "1", "k");
            awaitBusy(other, ScriptBusyTest.BUSY);
            for (int i = 0; i < 5; i++) {
                other.callText("PING"); // each is dispatched (and turned away) inside the script
            }
            assertEquals("$1\r\nv\r\n", caller.read().text());
            assertEquals("$-1\r\n", caller.callText("GET", "k"));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void aScriptBusyInsideACoroutineServesClientsAndIsKilled(int ioThreads) {
        // luaj runs a coroutine on a thread of its own: the script must still go busy and die.
        String script = "local co = coroutine.wrap(function() local inner = coroutine.create(function()\n"
                + "while true do end end) coroutine.yield(coroutine.resume(inner)) end)\n"
                + "return co()";
        try (CinnabarFixture s = start(ioThreads); RespClient caller = s.client(); RespClient other = s.client()) {
            caller.send("EVAL", script, "0");
            awaitBusy(other, ScriptBusyTest.BUSY);
            assertEquals(ScriptBusyTest.BUSY, other.callText("GET", "x"));
            long kill = System.nanoTime();
            assertEquals("+OK\r\n", other.callText("SCRIPT", "KILL"));
            assertTrue(caller.read().text().startsWith("-ERR Script killed by user with SCRIPT KILL... script: "));
            assertWithin(KILLED_WITHIN_MILLIS, kill, "the kill");
            assertEquals("+PONG\r\n", other.callText("PING"));
            assertEquals("*2\r\n:1\r\n:2\r\n", caller.callText("EVAL",
                    "local co = coroutine.wrap(function(a) local b = coroutine.yield(a) return b end)\n"
                    + "return {co(1), co(2)}", "0"), "coroutines still pass values");
        }
    }
}
