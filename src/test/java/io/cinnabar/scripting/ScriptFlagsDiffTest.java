package io.cinnabar.scripting;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RedisOracle;
import io.cinnabar.testing.RespClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Script and function flags past maxmemory (maxmemory 1: both servers are always over it),
 * compared byte for byte with Redis 7.0.15: a script with flags is refused before it runs (or
 * is queued) unless it is allow-oom or no-writes; a script without flags runs, but its first
 * deny-oom command fails unless it already wrote.
 */
@Timeout(60)
class ScriptFlagsDiffTest {
    private static final String LIBRARY = "#!lua name=flagged\n"
            + "redis.register_function('plain', function(keys) return redis.call('set', keys[1], 'p') end)\n"
            + "redis.register_function{function_name='oomok', callback=function(keys) return redis.call('set', keys[1], 'o') end, flags={'allow-oom'}}\n"
            + "redis.register_function{function_name='ro', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}}\n"
            + "redis.register_function{function_name='stale', callback=function() return 1 end, flags={'allow-stale', 'no-cluster'}}";

    private static List<String[]> commands() {
        List<String[]> c = new ArrayList<>();
        c.add(new String[] {"SET", "x", "0"});
        c.add(new String[] {"FUNCTION", "LOAD", LIBRARY});
        c.add(new String[] {"SCRIPT", "LOAD", "#!lua\nreturn redis.call('get', 'x')"});
        c.add(new String[] {"CONFIG", "SET", "maxmemory", "1"});
        c.add(new String[] {"EVAL", "#!lua\nreturn 1", "0"});
        c.add(new String[] {"EVAL", "#!lua\nreturn redis.call('get', 'x')", "0"});
        c.add(new String[] {"EVALSHA", RedisApi.sha1hex("#!lua\nreturn redis.call('get', 'x')".getBytes()), "0"});
        c.add(new String[] {"EVAL", "#!lua flags=allow-oom\nreturn redis.call('set', 'x', '1')", "0"});
        c.add(new String[] {"EVAL", "#!lua flags=no-writes,allow-oom\nreturn redis.call('get', 'x')", "0"});
        c.add(new String[] {"EVAL", "#!lua flags=no-writes\nreturn redis.call('get', 'x')", "0"});
        c.add(new String[] {"EVAL", "#!lua flags=no-writes\nreturn redis.call('set', 'x', '2')", "0"});
        c.add(new String[] {"EVAL_RO", "#!lua\nreturn 1", "0"});
        c.add(new String[] {"EVAL", "#!lua flags=allow-stale,no-cluster\nreturn 1", "0"});
        c.add(new String[] {"EVAL", "return redis.call('set', 'x', '3')", "0"});
        c.add(new String[] {"EVAL", "return redis.call('get', 'x')", "0"});
        c.add(new String[] {"EVAL", "redis.call('get', 'x') return redis.call('incr', 'n')", "0"});
        c.add(new String[] {"EVAL", "return redis.pcall('set', 'x', '3')", "0"});
        c.add(new String[] {"EVAL", "return redis.call('del', 'x')", "0"});
        c.add(new String[] {"EVAL", "redis.call('del', 'x') return redis.call('set', 'x', '4')", "0"});
        c.add(new String[] {"EVAL", "#!lua flags=bogus\nreturn 1", "0"});
        c.add(new String[] {"EVALSHA", "0123456789012345678901234567890123456789", "0"});
        c.add(new String[] {"FCALL", "plain", "1", "y"});
        c.add(new String[] {"FCALL", "oomok", "1", "y"});
        c.add(new String[] {"FCALL", "ro", "1", "y"});
        c.add(new String[] {"FCALL_RO", "ro", "1", "y"});
        c.add(new String[] {"FCALL_RO", "plain", "1", "y"});
        c.add(new String[] {"FCALL", "stale", "0"});
        c.add(new String[] {"FCALL", "nosuch", "0"});
        // Past maxmemory Redis refuses to queue any command (not built yet for others): a
        // function or script without allow-oom is refused by its flags.
        c.add(new String[] {"MULTI"});
        c.add(new String[] {"FCALL", "plain", "1", "y"});
        c.add(new String[] {"EXEC"});
        c.add(new String[] {"CONFIG", "SET", "maxmemory", "0"});
        c.add(new String[] {"EVAL", "#!lua\nreturn redis.call('set', 'x', '5')", "0"});
        c.add(new String[] {"FCALL", "plain", "1", "y"});
        c.add(new String[] {"GET", "x"});
        c.add(new String[] {"GET", "y"});
        return c;
    }

    @Test
    void flagsPastMaxmemoryMatchRedis() {
        try (RedisOracle redis = RedisOracle.start(); CinnabarFixture cinnabar = CinnabarFixture.start();
                RespClient theirs = redis.client(); RespClient ours = cinnabar.client()) {
            StringBuilder expected = new StringBuilder();
            StringBuilder actual = new StringBuilder();
            for (String[] command : commands()) {
                String line = String.join(" ", command).replace("\n", "\\n") + " -> ";
                expected.append(line).append(theirs.callText(command)).append('\n');
                actual.append(line).append(ours.callText(command)).append('\n');
            }
            assertEquals(expected.toString(), actual.toString());
        }
    }
}
