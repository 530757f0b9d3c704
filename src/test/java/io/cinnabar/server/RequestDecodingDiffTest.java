package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.RespClient;
import io.cinnabar.testing.Servers;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The request decoder end to end, against redis-server: pipelines of RESP and inline commands
 * (values from empty to larger than a read) sent in randomly cut writes get the same reply
 * bytes, with the data thread on the event loop (io-threads 1) and apart (io-threads 4); the
 * query buffer limit closes a connection where Redis does. Seed: {@code -DdecodeSeed=...}.
 */
@Timeout(180)
class RequestDecodingDiffTest {
    private static final int QUERY_BUFFER_LIMIT = 1 << 20;
    private static final int[] VALUE_SIZES = {0, 1, 5, 31, 32, 100, 1000, 16 * 1024, 40_000, 100_000};
    private static final int[] CHUNK_SIZES = {1, 2, 3, 7, 64, 1000, 5000, 70_000};

    @RegisterExtension
    static final Servers servers = Servers.withOracle("client-query-buffer-limit 1mb");
    @RegisterExtension
    static final Servers separateDataThread = Servers.cinnabarAlone("io-threads 4", "client-query-buffer-limit 1mb");

    @BeforeAll
    static void limitQueryBuffers() {
        try (RespClient c = servers.redis().client()) {
            assertEquals("+OK\r\n", c.callText("CONFIG", "SET", "client-query-buffer-limit", "1mb"));
        }
    }

    @Test
    void pipelinesCutAnywhereGetRedisRepliesWithTheDataThreadOnTheEventLoop() {
        comparePipelines(servers.cinnabar().port(), "one:");
    }

    @Test
    void pipelinesCutAnywhereGetRedisRepliesWithASeparateDataThread() {
        comparePipelines(separateDataThread.cinnabar().port(), "four:");
    }

    private void comparePipelines(int ourPort, String keyPrefix) {
        long seed = Long.getLong("decodeSeed", 20261130L);
        Random random = new Random(seed);
        try (RespClient redis = new RespClient("127.0.0.1", servers.redis().port());
                RespClient ours = new RespClient("127.0.0.1", ourPort)) {
            for (int round = 0; round < 40; round++) {
                List<byte[]> commands = new ArrayList<>();
                int count = 50 + random.nextInt(150);
                for (int i = 0; i < count; i++) {
                    commands.add(randomCommand(random, keyPrefix));
                }
                byte[] pipeline = concat(commands);
                redis.sendRaw(pipeline);
                for (int at = 0; at < pipeline.length; ) {
                    int size = Math.min(pipeline.length - at, CHUNK_SIZES[random.nextInt(CHUNK_SIZES.length)]);
                    ours.sendRaw(Arrays.copyOfRange(pipeline, at, at + size));
                    at += size;
                }
                for (int i = 0; i < count; i++) {
                    String expected = redis.read().text();
                    String actual = ours.read().text();
                    int index = i;
                    int r = round;
                    assertEquals(expected, actual, () -> "seed " + seed + ", round " + r + ", command " + index + ": "
                            + shown(commands.get(index)));
                }
            }
        }
    }

    private static byte[] randomCommand(Random random, String keyPrefix) {
        String key = keyPrefix + random.nextInt(20);
        byte[] value = new byte[VALUE_SIZES[random.nextInt(VALUE_SIZES.length)]];
        random.nextBytes(value);
        switch (random.nextInt(8)) {
            case 0:
                return RespClient.encode(RespClient.args("GET", key));
            case 1:
                return RespClient.encode(new byte[][] {bytes("SET"), bytes(key), value});
            case 2:
                return RespClient.encode(new byte[][] {bytes("RPUSH"), bytes("l" + key), value, value});
            case 3:
                return RespClient.encode(RespClient.args("LRANGE", "l" + key, "-3", "-1"));
            case 4:
                return RespClient.encode(new byte[][] {bytes("ECHO"), value});
            case 5:
                return RespClient.encode(RespClient.args("INCR", "n" + key));
            case 6:
                return bytes("SET " + key + " inline" + random.nextInt(1000) + (random.nextBoolean() ? "\r\n" : "\n"));
            default:
                return bytes("GET " + key + "\r\n");
        }
    }

    /** Redis closes a connection whose unparsed input passes the limit, and keeps one below it. */
    @Test
    void queryBufferLimitClosesWhereRedisDoes() {
        String header = "*3\r\n$3\r\nSET\r\n$2\r\nqb\r\n$3000000\r\n";
        String[] cases = {
            header + "x".repeat(QUERY_BUFFER_LIMIT / 2),
            header + "x".repeat(QUERY_BUFFER_LIMIT + QUERY_BUFFER_LIMIT / 2),
            "*1\r\n$4\r\nPING\r\n" + header + "x".repeat(QUERY_BUFFER_LIMIT * 2),
            "*2\r\n$4\r\nECHO\r\n$900000\r\n" + "y".repeat(900_000) + "\r\n",
        };
        for (int port : new int[] {servers.cinnabar().port(), separateDataThread.cinnabar().port()}) {
            for (String c : cases) {
                byte[] input = c.getBytes(StandardCharsets.ISO_8859_1);
                RawExchange.Result expected = RawExchange.exchange(servers.redis().port(), input, 500);
                RawExchange.Result actual = RawExchange.exchange(port, input, 500, expected.reply().length, expected.closed());
                assertEquals(expected.closed(), actual.closed(), () -> "closed? for " + shown(input));
                assertEquals(expected.text(), actual.text(), () -> "reply to " + shown(input));
            }
        }
        try (RespClient c = servers.cinnabar().client()) {
            assertEquals("+PONG\r\n", c.callText("PING"));
        }
    }

    @Test
    void requestsBeforeAMalformedOneRunThenTheErrorThenTheClose() {
        byte[] input = ("*3\r\n$3\r\nSET\r\n$2\r\nmf\r\n$1\r\n1\r\nINCR mf\r\n*2\r\n$4\r\nINCR\r\n$2\r\nmf\r\n"
                + "*1\r\n$x\r\nGET mf\r\n").getBytes(StandardCharsets.ISO_8859_1);
        RawExchange.Result expected = RawExchange.exchange(servers.redis().port(), input, 500);
        assertTrue(expected.closed(), "the oracle closes after a protocol error");
        for (int port : new int[] {servers.cinnabar().port(), separateDataThread.cinnabar().port()}) {
            RawExchange.Result actual = RawExchange.exchange(port, input, 500, expected.reply().length, true);
            assertEquals(expected.toString(), actual.toString());
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }

    private static String shown(byte[] input) {
        String s = new String(input, 0, Math.min(input.length, 80), StandardCharsets.ISO_8859_1);
        return s.replace("\r", "\\r").replace("\n", "\\n") + (input.length > 80 ? "...(" + input.length + " bytes)" : "");
    }
}
