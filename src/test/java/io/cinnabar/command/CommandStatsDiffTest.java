package io.cinnabar.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.testing.CommandCounters;
import io.cinnabar.testing.RespClient;
import io.cinnabar.testing.Servers;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * INFO commandstats and errorstats after the dispatcher's refusals and transactions, against
 * redis-server. Found through redis-py's info() in ClientLibrariesTest.
 */
@Timeout(60)
class CommandStatsDiffTest {
    @RegisterExtension
    static final Servers servers = Servers.withOracle();

    /** A command EXEC ran fails on its own: EXEC itself replied an array and did not fail. */
    @Test
    void errorsInsideExecCountForTheirCommandNotForExec() {
        same(new String[] {"SET", "s", "x"}, new String[] {"MULTI"}, new String[] {"LPUSH", "s", "1"},
                new String[] {"INCR", "s"}, new String[] {"GET", "s"}, new String[] {"EXEC"},
                new String[] {"MULTI"}, new String[] {"EVAL", "return redis.call('INCR', KEYS[1])", "1", "s"},
                new String[] {"EXEC"}, new String[] {"EXEC"}, new String[] {"MULTI"}, new String[] {"NOSUCH"},
                new String[] {"EXEC"});
    }

    /** An unknown subcommand is no command at all, as an unknown command: no commandstats line. */
    @Test
    void unknownSubcommandsCountNoCommand() {
        same(new String[] {"CLIENT", "NOSUCH"}, new String[] {"OBJECT", "NOSUCH", "k"}, new String[] {"XINFO", "NOSUCH"},
                new String[] {"CLIENT"}, new String[] {"CONFIG", "GET"}, new String[] {"MULTI"},
                new String[] {"CONFIG", "NOSUCH"}, new String[] {"EXEC"});
    }

    private static void same(String[]... commands) {
        assertEquals(counters(servers.redis().port(), commands), counters(servers.cinnabar().port(), commands));
    }

    private static List<String> counters(int port, String[]... commands) {
        try (RespClient c = new RespClient("127.0.0.1", port)) {
            c.call("FLUSHALL");
            return CommandCounters.after(c, commands);
        }
    }
}
