package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.testing.Poll;
import io.cinnabar.testing.RespClient;
import io.cinnabar.testing.Servers;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A command that blocks is counted once, when it ends (served, timed out, or CLIENT UNBLOCK with
 * or without an error), in INFO commandstats and total_commands_processed, as Redis counts it.
 */
@Timeout(60)
class BlockedCommandStatsTest {
    @RegisterExtension
    static final Servers servers = Servers.withOracle();

    @Test
    void blockedCommandsCountOnceWhenTheyEnd() {
        assertEquals(transcript(() -> servers.redis().client()), transcript(() -> servers.cinnabar().client()));
    }

    private static String transcript(Supplier<RespClient> connect) {
        StringBuilder out = new StringBuilder();
        try (RespClient admin = connect.get(); RespClient waiter = connect.get()) {
            admin.call("FLUSHALL");
            admin.call("CONFIG", "RESETSTAT");
            long waiterId = Long.parseLong(waiter.callText("CLIENT", "ID").trim().substring(1));
            waiter.send("BLPOP", "l", "0");
            awaitBlocked(admin);
            admin.call("RPUSH", "l", "a");
            out.append("served: ").append(waiter.read().text());
            waiter.send("BLPOP", "l", "0.05");
            out.append("timed out: ").append(waiter.read().text());
            waiter.send("BLPOP", "l", "0");
            awaitBlocked(admin);
            admin.call("CLIENT", "UNBLOCK", Long.toString(waiterId));
            out.append("unblocked: ").append(waiter.read().text());
            waiter.send("BLPOP", "l", "0");
            awaitBlocked(admin);
            admin.call("CLIENT", "UNBLOCK", Long.toString(waiterId), "ERROR");
            out.append("unblocked with error: ").append(waiter.read().text());
            for (String line : admin.callValue("INFO", "commandstats").toString().split("\r\n")) {
                if (line.startsWith("cmdstat_blpop:")) {
                    // usec differs between servers; calls, rejected and failed must not
                    out.append(line.replaceAll("usec=\\d+,usec_per_call=[0-9.]+,", "")).append('\n');
                }
            }
        }
        return out.toString();
    }

    private static void awaitBlocked(RespClient admin) {
        Poll.until(() -> admin.callValue("INFO", "clients").toString().contains("blocked_clients:1"));
    }
}
