package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.RespClient;
import io.cinnabar.testing.Servers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Raw bytes, well-formed and malformed, sent to a real redis-server and to Cinnabar: the reply
 * bytes and whether the connection is closed afterwards must be the same.
 */
@Timeout(120)
class ProtocolDifferentialTest {
    private static final int IDLE_MS = 500;

    /** Input that Redis answers and then either keeps the connection or closes it. */
    static final String[] CASES = {
        // protocol errors: reply, then close
        "*abc\r\n",
        "*+1\r\n",
        "*1 \r\n",
        "*01\r\n$4\r\nPING\r\n",
        "*-0\r\n",
        "*3\r\n$3\r\nSET\r\n$x\r\n",
        "*2\r\n$-1\r\n",
        "*1\r\n$-0\r\n",
        "*1\r\n$ 4\r\nPING\r\n",
        "*2\r\n$4\r\nECHO\r\n$01\r\na\r\n",
        "*3\r\n$536870913\r\n",
        "*1\r\n$123456789012345678\r\n",
        "*1\r\n$1234567890123456789\r\n",
        "*1\r\n$-12\r\n",
        "*123456789012345678\r\n",
        "*12345678901234567890\r\n",
        "*1\r\n$00\r\n\r\n",
        "*2\r\n$4\r\nECHO\r\n$10\r\n0123456789\r\n",
        "*1\r\nx3\r\nfoo\r\n",
        "*1\r\n\r\n",
        "*1\r\n\u00ff\r\n",
        "SET a \"b\r\n",
        "SET a \"b\"c\r\n",
        "'a\r\n",
        "*1\r\n$4\r\nPING\r\n*x\r\n",
        "PING\r\nPING\r\n*1\r\n$4\r\nPING\r\nSET a \"unbalanced\r\nPING\r\n",
        "a".repeat(70000),
        "*" + "1".repeat(70000),
        "*1\r\n$" + "1".repeat(70000),
        // accepted, connection stays open
        "*-5\r\nPING\r\n",
        "*0\r\nPING\r\n",
        "*1\r\n$4\r\nPINGxx\r\n",
        "\r\n\r\n   \r\nPING\r\n",
        "*1\r\n$4\r\nPING\r\r\n",
        "*1\n$4\nPING\n",
        "*1048577\r\n",
        "*3\r\n$536870912\r\nab",
        "*-1\r\n*1\r\n$4\r\nPING\r\n",
        "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n",
        "*2\r\n$4\r\nECHO\r\n$5\r\na\r\nb\"\r\n",
        "PING\r\n",
        "PING\n",
        "ECHO \"a\\x41\\n\" 'it''s'\r\n",
        "SET a \"hello world\"\r\nGET a\n",
        "ECHO 'don\\'t'\r\n",
        "ECHO \"tab\\there\"\r\n",
    };

    /** The same, on servers with requirepass, before AUTH. */
    static final String[] AUTH_CASES = {
        "*11\r\n",
        "*10\r\n$16385\r\n",
        "*10\r\n$16384\r\n",
        "*1\r\n$-0\r\n",
        "*2\r\n$3\r\nGET\r\n$0\r\n\r\n",
        "PING\n",
    };

    @RegisterExtension
    static final Servers servers = Servers.withOracle();
    /** Both servers again, with a password: the oracle gets it once started, as its readiness check needs PING. */
    @RegisterExtension
    static final Servers withPassword = Servers.withOracle("requirepass secret");
    /** Cinnabar with the data thread apart from the event loops, which hands each read over as a batch. */
    @RegisterExtension
    static final Servers separateDataThread = Servers.cinnabarAlone("io-threads 4");
    private static ExecutorService pool;

    @BeforeAll
    static void start() {
        try (RespClient c = withPassword.redis().client()) {
            assertEquals("+OK\r\n", c.callText("CONFIG", "SET", "requirepass", "secret"));
        }
        pool = Executors.newFixedThreadPool(16);
    }

    @AfterAll
    static void stop() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    @Test
    void rawInputGetsTheSameRepliesAndClosure() {
        assertSameAsRedis(CASES, servers.redis().port(), servers.cinnabar().port());
    }

    @Test
    void rawInputGetsTheSameRepliesAndClosureWithASeparateDataThread() {
        assertSameAsRedis(CASES, servers.redis().port(), separateDataThread.cinnabar().port());
    }

    @Test
    void unauthenticatedClientsGetTheSameLimits() {
        assertSameAsRedis(AUTH_CASES, withPassword.redis().port(), withPassword.cinnabar().port());
    }

    @Test
    void serverStaysHealthyAfterProtocolErrors() {
        for (String c : CASES) {
            RawExchange.exchange(servers.cinnabar().port(), c.getBytes(StandardCharsets.ISO_8859_1), 50);
        }
        try (RespClient c = servers.cinnabar().client()) {
            assertEquals("+PONG\r\n", c.callText("PING"));
        }
    }

    private void assertSameAsRedis(String[] cases, int redisPort, int ourPort) {
        List<CompletableFuture<String>> diffs = new ArrayList<>();
        for (String c : cases) {
            byte[] bytes = c.getBytes(StandardCharsets.ISO_8859_1);
            diffs.add(CompletableFuture.supplyAsync(() -> {
                RawExchange.Result expected = RawExchange.exchange(redisPort, bytes, IDLE_MS);
                RawExchange.Result actual = RawExchange.exchange(ourPort, bytes, IDLE_MS,
                        expected.reply().length, expected.closed());
                if (expected.closed() == actual.closed() && expected.text().equals(actual.text())) {
                    return null;
                }
                String shown = c.length() > 60 ? c.substring(0, 60) + "...(" + c.length() + " bytes)" : c;
                return "input " + shown.replace("\r", "\\r").replace("\n", "\\n")
                        + "\n    redis:    " + expected + "\n    cinnabar: " + actual;
            }, pool));
        }
        List<String> mismatches = new ArrayList<>();
        for (CompletableFuture<String> f : diffs) {
            String d = f.join();
            if (d != null) {
                mismatches.add(d);
            }
        }
        assertTrue(mismatches.isEmpty(), () -> mismatches.size() + " of " + cases.length + " inputs differ:\n"
                + String.join("\n", mismatches));
    }
}
