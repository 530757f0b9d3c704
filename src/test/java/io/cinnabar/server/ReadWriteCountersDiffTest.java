package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.testing.RespClient;
import io.cinnabar.testing.Servers;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * INFO total_reads_processed and total_writes_processed, against redis-server: a client that
 * waits for each reply makes one read of each request and one write of each reply. redis-py's
 * info() showed both at 0 in ClientLibrariesTest.
 */
@Timeout(60)
class ReadWriteCountersDiffTest {
    @RegisterExtension
    static final Servers servers = Servers.withOracle();

    @Test
    void oneReadPerRequestAndOneWritePerReply() {
        assertEquals(counters(servers.redis().port()), counters(servers.cinnabar().port()));
    }

    private static List<String> counters(int port) {
        try (RespClient c = new RespClient("127.0.0.1", port)) {
            c.call("CONFIG", "RESETSTAT");
            for (int i = 0; i < 25; i++) {
                c.call("SET", "k" + i, "v");
                c.call("GET", "k" + i);
            }
            List<String> seen = new ArrayList<>();
            for (String line : c.call("INFO", "stats").text().split("\r\n")) {
                if (line.matches("(total|io_threaded)_(reads|writes)_processed:.*")) {
                    seen.add(line);
                }
            }
            return seen;
        }
    }
}
