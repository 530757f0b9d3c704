package io.cinnabar.scripting;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.testing.CommandCounters;
import io.cinnabar.testing.RespClient;
import io.cinnabar.testing.Servers;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * INFO's error counters after scripts that meet errors, against redis-server. Redis counts the
 * error of a command a script calls (or of a call it refuses) once, where it arises, and marks
 * the error table redis.call/pcall hand the script with ignore_error_stats_update, so returning or
 * raising that table does not count it again. Found through redis-py's info() in
 * ClientLibrariesTest: a script returning a command's error counted it twice.
 */
@Timeout(60)
class ScriptErrorStatsDiffTest {
    @RegisterExtension
    static final Servers servers = Servers.withOracle();

    private static final String[][] CASES = {
        {"EVAL", "return redis.call('INCR', KEYS[1])", "1", "hash"},
        {"EVAL", "return redis.pcall('INCR', KEYS[1])", "1", "hash"},
        {"EVAL", "local e = redis.pcall('INCR', KEYS[1]) return 'swallowed'", "1", "hash"},
        {"EVAL", "return {1, redis.pcall('INCR', KEYS[1])}", "1", "hash"},
        {"EVAL", "return tostring(redis.pcall('INCR', KEYS[1]).ignore_error_stats_update)", "1", "hash"},
        {"EVAL", "return tostring(redis.pcall('NOSUCH').ignore_error_stats_update)", "0"},
        {"EVAL", "return tostring(redis.error_reply('MY x').ignore_error_stats_update)", "0"},
        {"EVAL", "local ok, e = pcall(redis.call, 'INCR', KEYS[1]) return e", "1", "hash"},
        {"EVAL", "return redis.call('NOSUCH')", "0"},
        {"EVAL", "return redis.pcall('NOSUCH')", "0"},
        {"EVAL", "return redis.pcall('GET')", "0"},
        {"EVAL", "return redis.pcall('MULTI')", "0"},
        {"EVAL_RO", "return redis.pcall('SET', KEYS[1], 'v')", "1", "k"},
        {"EVAL", "return redis.pcall()", "0"},
        {"EVAL", "return redis.error_reply('MY x')", "0"},
        {"EVAL", "return {err='OTHER y'}", "0"},
        {"EVAL", "error({err='RAISED z'})", "0"},
        {"EVAL", "error('plain')", "0"},
        {"FCALL", "statslib_incr", "1", "hash"},
    };

    @Test
    void scriptErrorsAreCountedOnceAsInRedis() {
        for (String[] command : CASES) {
            assertEquals(run(servers.redis().port(), command), run(servers.cinnabar().port(), command),
                    String.join(" ", command));
        }
    }

    /** The command's reply, then INFO's error counters and its commandstats without times. */
    private static List<String> run(int port, String[] command) {
        try (RespClient c = new RespClient("127.0.0.1", port)) {
            c.call("FLUSHALL");
            c.call("HSET", "hash", "f", "v");
            c.call("FUNCTION", "LOAD", "REPLACE", "#!lua name=statslib\n"
                    + "redis.register_function('statslib_incr', function(keys) return redis.call('INCR', keys[1]) end)");
            return CommandCounters.after(c, command);
        }
    }
}
