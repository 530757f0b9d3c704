package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.Poll;
import io.cinnabar.testing.RedisOracle;
import io.cinnabar.testing.RespClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * MIGRATE between every pairing of real Redis and Cinnabar as source and target, each run of the
 * same scenario compared byte for byte with Redis migrating into Redis; and against stub targets
 * that never answer, hang up, or record what they are sent.
 */
@Timeout(120)
class MigrateCommandTest {
    private static final String HOST = "127.0.0.1";
    private static final String PASSWORD = "sec";
    private static RedisOracle redisSource;
    private static RedisOracle redisTarget;
    private static CinnabarFixture cinnabarSource;
    private static CinnabarFixture cinnabarTarget;

    @BeforeAll
    static void start() {
        redisSource = RedisOracle.start();
        redisTarget = RedisOracle.start(); // the oracle's readiness check needs PING without AUTH
        try (RespClient c = redisTarget.client()) {
            c.call("CONFIG", "SET", "requirepass", PASSWORD);
        }
        cinnabarSource = CinnabarFixture.start();
        cinnabarTarget = CinnabarFixture.start("requirepass " + PASSWORD);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable server : new AutoCloseable[] {cinnabarSource, cinnabarTarget, redisSource, redisTarget}) {
            try {
                if (server != null) {
                    server.close();
                }
            } catch (Exception ignored) {
                // closing the rest anyway
            }
        }
    }

    @Test
    void everyPairingOfRedisAndCinnabarMigratesAsRedisDoes() throws IOException {
        List<String> expected = scenario(redisSource.port(), redisTarget.port());
        List<String> cinnabarToRedis = scenario(cinnabarSource.port(), redisTarget.port());
        List<String> redisToCinnabar = scenario(redisSource.port(), cinnabarTarget.port());
        List<String> cinnabarToCinnabar = scenario(cinnabarSource.port(), cinnabarTarget.port());
        assertSame(expected, cinnabarToRedis, "Cinnabar -> Redis");
        assertSame(expected, redisToCinnabar, "Redis -> Cinnabar");
        assertSame(expected, cinnabarToCinnabar, "Cinnabar -> Cinnabar");
    }

    private static void assertSame(List<String> expected, List<String> actual, String pairing) {
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
            String e = i < expected.size() ? expected.get(i) : "(nothing)";
            String a = i < actual.size() ? actual.get(i) : "(nothing)";
            if (!e.equals(a)) {
                mismatches.add("redis -> redis: " + e + "\n    " + pairing + ": " + a);
            }
        }
        assertTrue(mismatches.isEmpty(), () -> pairing + " differs:\n" + String.join("\n", mismatches));
    }

    /**
     * Fills the source, runs MIGRATE in all its forms, and returns what happened: each reply, the
     * keyspace events and WATCH on the source, and everything the target ends up holding.
     */
    private static List<String> scenario(int sourcePort, int targetPort) throws IOException {
        List<String> transcript = new ArrayList<>();
        String port = Integer.toString(targetPort);
        try (RespClient src = new RespClient(HOST, sourcePort); RespClient watcher = new RespClient(HOST, sourcePort);
                RespClient subscriber = new RespClient(HOST, sourcePort); RespClient target = new RespClient(HOST, targetPort)) {
            target.call("AUTH", PASSWORD);
            target.call("FLUSHALL");
            target.call("SET", "busy", "theirs");
            src.call("FLUSHALL");
            src.call("CONFIG", "SET", "notify-keyspace-events", "");
            for (String[] c : new String[][] {
                {"SET", "s", "hello"}, {"SET", "n", "12345"}, {"RPUSH", "l", "a", "b", "c"},
                {"HSET", "h", "f", "v", "g", "w"}, {"SADD", "st", "1", "2", "3"}, {"ZADD", "z", "1", "a", "2.5", "b"},
                {"XADD", "x", "1-1", "f", "v"}, {"SET", "ttl", "v", "PX", "100000"}, {"SETRANGE", "big", "200000", "x"},
                {"SET", "a", "1"}, {"SET", "busy", "mine"}, {"SET", "c", "3"}, {"SET", "x2", "y"}, {"SET", "k2", "z"},
            }) {
                src.call(c);
            }
            src.call("CONFIG", "SET", "notify-keyspace-events", "Eg");
            subscriber.call("SUBSCRIBE", "__keyevent@0__:del");
            watcher.call("WATCH", "s");
            String deadPort = Integer.toString(unusedPort());
            String[][] steps = {
                {"MIGRATE", HOST, port, "s", "0", "5000"},
                {"MIGRATE", HOST, port, "s", "0", "5000", "AUTH", "wrong"},
                {"MIGRATE", HOST, port, "s", "0", "5000", "AUTH", PASSWORD},
                {"EXISTS", "s"},
                {"MIGRATE", HOST, port, "n", "0", "5000", "COPY", "AUTH2", "default", PASSWORD},
                {"MIGRATE", HOST, port, "n", "0", "5000", "COPY", "AUTH", PASSWORD},
                {"MIGRATE", HOST, port, "n", "0", "5000", "copy", "replace", "auth", PASSWORD},
                {"EXISTS", "n"},
                {"MIGRATE", HOST, port, "", "0", "5000", "AUTH", PASSWORD, "KEYS", "l", "h", "nokey", "st", "z", "x", "ttl", "big"},
                {"EXISTS", "l", "h", "st", "z", "x", "ttl", "big"},
                {"MIGRATE", HOST, port, "", "0", "5000", "AUTH", PASSWORD, "KEYS", "nokey1", "nokey2"},
                {"MIGRATE", HOST, port, "", "0", "5000", "AUTH", PASSWORD, "KEYS", "a", "busy", "c"},
                {"EXISTS", "a"}, {"EXISTS", "busy"}, {"EXISTS", "c"},
                {"MIGRATE", HOST, port, "busy", "1", "5000", "AUTH", PASSWORD},
                {"MIGRATE", HOST, port, "x2", "99", "5000", "AUTH", PASSWORD},
                // after an error the selected database is unknown (-1), so Redis sends no SELECT for
                // database -1 and the key lands in the one the connection last selected: 1
                {"SET", "x3", "y"},
                {"MIGRATE", HOST, port, "x3", "-1", "5000", "AUTH", PASSWORD},
                {"SET", "dup", "d"},
                {"MIGRATE", HOST, port, "", "0", "5000", "REPLACE", "AUTH", PASSWORD, "KEYS", "dup", "dup"},
                {"MIGRATE", HOST, port, "x2", "0", "5000", "AUTH", PASSWORD, "REPLACE"},
                {"MIGRATE", HOST, port, "k2", "0", "5000", "BOGUS"},
                {"MIGRATE", HOST, port, "k2", "0", "5000", "AUTH"},
                {"MIGRATE", HOST, port, "k2", "0", "5000", "AUTH2", "default"},
                {"MIGRATE", HOST, port, "k2", "0", "5000", "KEYS", "k2"},
                {"MIGRATE", HOST, port, "k2", "zero", "5000"},
                {"MIGRATE", HOST, port, "k2", "0", "never"},
                {"MIGRATE", HOST, port, "k2", "0", "never", "BOGUS"},
                {"MIGRATE", HOST, port, "", "0", "5000"},
                {"MIGRATE", HOST, port, "", "0", "5000", "KEYS"},
                {"MIGRATE", HOST, deadPort, "k2", "0", "500"},
                {"MIGRATE", "", port, "k2", "0", "500"},
                {"MIGRATE", HOST, "-1", "k2", "0", "500"},
                {"EXISTS", "k2"},
                {"EVAL", "return redis.call('MIGRATE', ARGV[1], ARGV[2], 'k2', 0, 5000, 'AUTH', ARGV[3])", "0", HOST, port, PASSWORD},
                {"SET", "k2", "again"},
                {"EVAL", "return redis.pcall('MIGRATE', ARGV[1], ARGV[2], 'k2', 0, 5000, 'AUTH', ARGV[3])", "0", HOST, port, PASSWORD},
                {"EXISTS", "k2"},
            };
            for (String[] step : steps) {
                transcript.add(String.join(" ", step).replace(deadPort, "<unused port>").replace(port, "<target port>")
                        + " -> " + src.call(step));
            }
            watcher.call("MULTI");
            watcher.call("PING");
            transcript.add("EXEC after WATCH s -> " + watcher.call("EXEC"));
            src.call("PUBLISH", "__keyevent@0__:del", "end");
            for (RespClient.Reply message = subscriber.read(); ; message = subscriber.read()) {
                transcript.add("event " + message);
                if (message.toString().endsWith("$3\\r\\nend\\r\\n")) {
                    break;
                }
            }
            src.call("CONFIG", "SET", "notify-keyspace-events", "");
            transcript.add("source keys " + sortedKeys(src));
            for (String db : new String[] {"0", "1"}) {
                target.call("SELECT", db);
                List<String> keys = sortedKeys(target);
                transcript.add("target db " + db + " keys " + keys);
                for (String key : keys) {
                    long pttl = (Long) target.callValue("PTTL", key);
                    transcript.add(key + " " + target.call("TYPE", key) + " dump " + target.call("DUMP", key)
                            + (pttl == -1 ? " persistent" : pttl > 90_000 && pttl <= 100_000 ? " ttl carried" : " pttl " + pttl));
                }
            }
        }
        return transcript;
    }

    private static List<String> sortedKeys(RespClient c) {
        List<String> keys = new ArrayList<>();
        for (Object k : (List<?>) c.callValue("KEYS", "*")) {
            keys.add((String) k);
        }
        keys.sort(null);
        return keys;
    }

    private static int unusedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aTargetThatNeverAnswersTimesOutAndTheServerGoesOn() throws IOException {
        try (MigrateTargetStub silent = new MigrateTargetStub(MigrateTargetStub.Behaviour.NEVER_READ)) {
            String[] migrate = {"MIGRATE", HOST, Integer.toString(silent.port()), "k", "0", "300"};
            for (int sourcePort : new int[] {redisSource.port(), cinnabarSource.port()}) {
                try (RespClient src = new RespClient(HOST, sourcePort); RespClient other = new RespClient(HOST, sourcePort)) {
                    src.call("SET", "k", "v");
                    String cachedBefore = infoField(src, "migrate_cached_sockets");
                    long start = System.nanoTime();
                    assertEquals("-IOERR error or timeout reading to target instance\r\n", src.call(migrate).text());
                    long tookMillis = (System.nanoTime() - start) / 1_000_000;
                    assertTrue(tookMillis >= 290 && tookMillis < 5_000, "took " + tookMillis + " ms");
                    assertEquals("+PONG\r\n", other.callText("PING"));
                    assertEquals(":1\r\n", src.callText("EXISTS", "k"), "a key the target never acknowledged stays");
                    assertEquals(cachedBefore, infoField(src, "migrate_cached_sockets"), "the failed connection is not kept");
                }
            }
            assertEquals(2, silent.accepted(), "one connection each, no retry after a timeout");
        }
    }

    @Test
    void aTargetThatStopsReadingTimesOutTheWrite() throws IOException {
        try (MigrateTargetStub silent = new MigrateTargetStub(MigrateTargetStub.Behaviour.NEVER_READ)) {
            String[] migrate = {"MIGRATE", HOST, Integer.toString(silent.port()), "big", "0", "300"};
            for (int sourcePort : new int[] {redisSource.port(), cinnabarSource.port()}) {
                try (RespClient src = new RespClient(HOST, sourcePort)) {
                    // more than the socket buffers take, as long as LZF does not squeeze the zeros
                    src.call("CONFIG", "SET", "rdbcompression", "no");
                    src.call("SETRANGE", "big", "30000000", "x");
                    assertEquals("-IOERR error or timeout writing to target instance\r\n", src.call(migrate).text());
                    assertEquals(":1\r\n", src.callText("EXISTS", "big"));
                    src.call("DEL", "big");
                    src.call("CONFIG", "SET", "rdbcompression", "yes");
                }
            }
        }
    }

    @Test
    void aTargetThatHangsUpIsRetriedOnceOnAFreshConnection() throws IOException {
        try (MigrateTargetStub rude = new MigrateTargetStub(MigrateTargetStub.Behaviour.READ_THEN_CLOSE)) {
            String[] migrate = {"MIGRATE", HOST, Integer.toString(rude.port()), "k", "0", "5000"};
            int accepted = 0;
            for (int sourcePort : new int[] {redisSource.port(), cinnabarSource.port()}) {
                try (RespClient src = new RespClient(HOST, sourcePort)) {
                    src.call("SET", "k", "v");
                    assertEquals("-IOERR error or timeout reading to target instance\r\n", src.call(migrate).text());
                    assertEquals(":1\r\n", src.callText("EXISTS", "k"));
                    int before = accepted;
                    Poll.until(() -> rude.accepted() == before + 2);
                    accepted = rude.accepted();
                }
            }
        }
    }

    /** A cached connection the target has since closed costs nothing: Redis retries on a new one. */
    @Test
    void aCachedConnectionTheTargetClosedIsReplacedOnTheNextCall() {
        for (int sourcePort : new int[] {redisSource.port(), cinnabarSource.port()}) {
            for (int targetPort : new int[] {redisTarget.port(), cinnabarTarget.port()}) {
                try (RespClient src = new RespClient(HOST, sourcePort); RespClient target = new RespClient(HOST, targetPort)) {
                    target.call("AUTH", PASSWORD);
                    target.call("FLUSHALL");
                    String port = Integer.toString(targetPort);
                    src.call("MSET", "r1", "1", "r2", "2");
                    assertEquals("+OK\r\n", src.callText("MIGRATE", HOST, port, "r1", "0", "5000", "AUTH", PASSWORD));
                    String cached = infoField(src, "migrate_cached_sockets");
                    // every other connection of the target goes, the cached MIGRATE one with them
                    assertTrue((Long) target.callValue("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes") >= 1);
                    assertEquals("+OK\r\n", src.callText("MIGRATE", HOST, port, "r2", "0", "5000", "AUTH", PASSWORD),
                            sourcePort + " -> " + targetPort);
                    assertEquals(":2\r\n", target.callText("EXISTS", "r1", "r2"));
                    assertEquals(cached, infoField(src, "migrate_cached_sockets"), "the new connection replaces the old");
                }
            }
        }
    }

    /**
     * The connection is kept and reused: AUTH goes with every call, SELECT only when the database
     * changes, all pipelined; the commands the stub receives from Cinnabar are those Redis sends.
     */
    @Test
    void theCachedConnectionCarriesTheSameCommandsAsRedisSends() throws IOException {
        List<List<String>> sent = new ArrayList<>();
        for (int sourcePort : new int[] {redisSource.port(), cinnabarSource.port()}) {
            try (MigrateTargetStub stub = new MigrateTargetStub(MigrateTargetStub.Behaviour.ANSWER_OK);
                    RespClient src = new RespClient(HOST, sourcePort)) {
                String port = Integer.toString(stub.port());
                src.call("FLUSHALL");
                src.call("SET", "a", "1");
                src.call("SET", "b", "2", "PX", "100000000");
                src.call("RPUSH", "c", "x");
                assertEquals("+OK\r\n", src.callText("MIGRATE", HOST, port, "a", "3", "5000", "COPY"));
                assertEquals("+OK\r\n", src.callText("MIGRATE", HOST, port, "a", "3", "5000", "AUTH", "pw"));
                assertEquals("+OK\r\n", src.callText("MIGRATE", HOST, port, "", "4", "5000", "REPLACE", "AUTH2", "u", "pw",
                        "KEYS", "b", "none", "c"));
                assertEquals("migrate_cached_sockets:1", infoField(src, "migrate_cached_sockets"));
                List<String> commands = new ArrayList<>(stub.received);
                // the remaining time to live differs by the milliseconds between the two runs
                commands.replaceAll(c -> c.replaceAll("^(\\d+: RESTORE b )(\\d+)", "$1<ttl>"));
                sent.add(commands);
                List<String> shape = new ArrayList<>();
                for (String c : commands) {
                    String[] words = c.split(" ");
                    shape.add(words[0] + " " + words[1] + " " + words[2] + (c.endsWith(" REPLACE") ? " .. REPLACE" : ""));
                }
                assertEquals(List.of("1: SELECT 3", "1: RESTORE a", "1: AUTH pw", "1: RESTORE a", "1: AUTH u",
                        "1: SELECT 4", "1: RESTORE b .. REPLACE", "1: RESTORE c .. REPLACE"), shape);
                assertEquals(1, stub.accepted(), "one connection for all three calls");
            }
        }
        assertEquals(sent.get(0), sent.get(1));
    }

    @Test
    void anIdleCachedConnectionIsClosedAfterTenSeconds() throws IOException {
        try (MigrateTargetStub stub = new MigrateTargetStub(MigrateTargetStub.Behaviour.ANSWER_OK);
                CinnabarFixture alone = CinnabarFixture.start(); RespClient src = alone.client()) {
            src.call("SET", "idle", "v");
            assertEquals("+OK\r\n", src.callText("MIGRATE", HOST, Integer.toString(stub.port()), "idle", "0", "5000"));
            assertEquals("migrate_cached_sockets:1", infoField(src, "migrate_cached_sockets"));
            long start = System.nanoTime();
            long deadline = start + 15_000_000_000L;
            while (stub.closedByPeer() == 0) {
                assertTrue(System.nanoTime() < deadline, "still open after 15 s");
                pause(); // a poll every 20 ms: ten seconds of spinning would take a core from the others
            }
            long idleMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(idleMillis >= 9_000, "closed after " + idleMillis + " ms");
            assertEquals("migrate_cached_sockets:0", infoField(src, "migrate_cached_sockets"));
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static String infoField(RespClient c, String field) {
        for (String line : ((String) c.callValue("INFO", "stats")).split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return line;
            }
        }
        return "(no " + field + ")";
    }
}
