package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.testing.RespClient;
import io.cinnabar.testing.Servers;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a MONITOR connection sees, against redis-server: the same commands run on another
 * connection must give the same lines, with the time and the client's port left out. Found by
 * redis-py's monitor() in ClientLibrariesTest: scripts and functions were missing.
 */
@Timeout(60)
class MonitorDiffTest {
    private static final String LAST = "monitor-diff-end";

    @RegisterExtension
    static final Servers servers = Servers.withOracle();

    @Test
    void scriptsAndFunctionsAppearBeforeTheCommandsTheyCall() {
        List<String[]> commands = List.of(
                new String[] {"FUNCTION", "LOAD", "REPLACE", "#!lua name=monlib\n"
                        + "redis.register_function('mon_get', function(keys) return redis.call('GET', keys[1]) end)\n"
                        + "redis.register_function{function_name='mon_exists', callback=function(keys)"
                        + " return redis.call('EXISTS', keys[1]) end, flags={'no-writes'}}"},
                new String[] {"EVAL", "redis.call('SET', KEYS[1], ARGV[1]); return redis.call('GET', KEYS[1])", "1", "k", "v"},
                new String[] {"EVAL_RO", "return redis.call('GET', KEYS[1])", "1", "k"},
                new String[] {"EVALSHA", "123", "0"},
                new String[] {"EVALSHA", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0"},
                new String[] {"SCRIPT", "LOAD", "return redis.call('PING')"},
                new String[] {"EVALSHA_RO", "2f8a8e6b5b1c1e1a36e5b3e3d1c4a9e7c0e2d3d4", "0"},
                new String[] {"EVAL", "return 1"},
                new String[] {"EVAL", "syntax error(", "0"},
                new String[] {"EVAL", "return redis.pcall('NOSUCH')", "0"},
                new String[] {"FCALL", "mon_get", "1", "k"},
                new String[] {"FCALL_RO", "mon_exists", "1", "k"},
                new String[] {"FCALL", "nosuch", "0"},
                new String[] {"SELECT", "2"},
                new String[] {"EVAL", "redis.call('SELECT', 3); return redis.call('SET', KEYS[1], 'x')", "1", "k"},
                new String[] {"MULTI"},
                new String[] {"EVAL", "return redis.call('INCR', KEYS[1])", "1", "n"},
                new String[] {"EXEC"});
        assertEquals(monitored(servers.redis().port(), commands), monitored(servers.cinnabar().port(), commands));
    }

    /** The lines a monitor saw while another connection ran the commands, without time and port. */
    private static List<String> monitored(int port, List<String[]> commands) {
        try (RespClient monitor = new RespClient("127.0.0.1", port); RespClient client = new RespClient("127.0.0.1", port)) {
            assertEquals("+OK\r\n", monitor.callText("MONITOR"));
            for (String[] command : commands) {
                client.call(command);
            }
            client.call("ECHO", LAST);
            List<String> lines = new ArrayList<>();
            while (true) {
                String line = monitor.read().text();
                // "+1700000000.123456 [0 127.0.0.1:50000] ..." keeps "[0 client]"; a script's "[0 lua]" stays
                lines.add(line.replaceFirst("^\\+\\d+\\.\\d{6} \\[(\\d+) 127\\.0\\.0\\.1:\\d+\\]", "[$1 client]")
                        .replaceFirst("^\\+\\d+\\.\\d{6} ", ""));
                if (line.contains(LAST)) {
                    return lines;
                }
            }
        }
    }
}
