package io.cinnabar.scripting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RespClient;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Functions that run past busy-reply-threshold (100 ms here) share SCRIPT KILL's machinery:
 * FUNCTION KILL stops a function and only a function, SCRIPT KILL only an EVAL, FUNCTION STATS
 * shows the running function, and FUNCTION LOAD's 500 ms watchdog stops a library body that never
 * ends. Texts as Redis 7.0.15 answers them (checked against it by hand: busy functions cannot be
 * compared line by line in a differential script).
 */
@Timeout(60)
class FunctionBusyTest {
    static final String BUSY_FUNCTION = "-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n";
    static final String BUSY_EVAL = "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n";
    static final String LOOP_LIBRARY = "#!lua name=loop\n"
            + "redis.register_function('spin', function() local i = 0\n"
            + "while true do i = i + 1 end end)\n"
            + "redis.register_function('writespin', function(keys) redis.call('set', keys[1], '1')\n"
            + "while true do end end)";

    @Test
    void functionKillStopsAFunctionAndScriptKillDoesNot() {
        try (CinnabarFixture s = CinnabarFixture.start("busy-reply-threshold 100");
                RespClient caller = s.client(); RespClient other = s.client()) {
            assertEquals("$4\r\nloop\r\n", caller.callText("FUNCTION", "LOAD", LOOP_LIBRARY));
            caller.send("FCALL", "spin", "0");
            ScriptBusyTest.awaitBusy(other, BUSY_FUNCTION);
            assertEquals(BUSY_FUNCTION, other.callText("GET", "x"));
            assertEquals(BUSY_FUNCTION, other.callText("SCRIPT", "KILL"));
            String stats = other.callText("FUNCTION", "STATS");
            assertTrue(stats.startsWith("*4\r\n$14\r\nrunning_script\r\n*6\r\n$4\r\nname\r\n$4\r\nspin\r\n$7\r\ncommand\r\n"
                    + "*3\r\n$5\r\nFCALL\r\n$4\r\nspin\r\n$1\r\n0\r\n$11\r\nduration_ms\r\n:"), stats);
            assertTrue(stats.endsWith("$7\r\nengines\r\n*2\r\n$3\r\nLUA\r\n*4\r\n$15\r\nlibraries_count\r\n:1\r\n$15\r\nfunctions_count\r\n:2\r\n"), stats);
            assertEquals("+OK\r\n", other.callText("FUNCTION", "KILL"));
            assertEquals("-ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:3.\r\n", caller.read().text());
            assertEquals("+PONG\r\n", other.callText("PING"));
            assertEquals("-NOTBUSY No scripts in execution right now.\r\n", other.callText("FUNCTION", "KILL"));
        }
    }

    @Test
    void aBusyEvalIsNotAFunction() {
        try (CinnabarFixture s = CinnabarFixture.start("busy-reply-threshold 100");
                RespClient caller = s.client(); RespClient other = s.client()) {
            caller.send("EVAL", "while true do end", "0");
            ScriptBusyTest.awaitBusy(other, BUSY_EVAL);
            assertEquals(BUSY_EVAL, other.callText("FUNCTION", "KILL"));
            assertEquals(BUSY_EVAL, other.callText("FUNCTION", "STATS"));
            assertEquals("+OK\r\n", other.callText("SCRIPT", "KILL"));
            assertTrue(caller.read().text().startsWith("-ERR Script killed by user with SCRIPT KILL... script: "));
        }
    }

    @Test
    void aFunctionThatWroteIsUnkillable() {
        try (CinnabarFixture s = CinnabarFixture.start("busy-reply-threshold 100");
                RespClient caller = s.client(); RespClient other = s.client()) {
            caller.callText("FUNCTION", "LOAD", LOOP_LIBRARY);
            caller.send("FCALL", "writespin", "1", "w");
            ScriptBusyTest.awaitBusy(other, BUSY_FUNCTION);
            assertEquals(ScriptBusyTest.UNKILLABLE, other.callText("FUNCTION", "KILL"));
            assertEquals(BUSY_FUNCTION, other.callText("SHUTDOWN"));
            other.send("SHUTDOWN", "NOSAVE");
            // Our fixture does not exit the JVM on SHUTDOWN: the function was stopped instead.
            assertEquals("-ERR Script killed by user with SCRIPT KILL... script: writespin, on @user_function:5.\r\n", caller.read().text());
        }
    }

    @Test
    void functionLoadStopsABodyThatNeverEnds() {
        try (CinnabarFixture s = CinnabarFixture.start(); RespClient c = s.client()) {
            long start = System.nanoTime();
            assertEquals("-ERR Error registering functions: ERR FUNCTION LOAD timeout\r\n",
                    c.callText("FUNCTION", "LOAD", "#!lua name=slow\nlocal i = 0 while true do i = i + 1 end"));
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(500));
            assertEquals("*0\r\n", c.callText("FUNCTION", "LIST"));
            assertEquals("$2\r\nok\r\n", c.callText("FUNCTION", "LOAD", "#!lua name=ok\nredis.register_function('f', function() return 1 end)"));
        }
    }
}
