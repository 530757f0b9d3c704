package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cinnabar.testing.Servers;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** The keyspace commands over TCP with Jedis, against an in-process server. */
@Timeout(120)
class KeyCommandsIntegrationTest {
    @RegisterExtension
    static final Servers servers = Servers.cinnabarAlone();

    private static Jedis connect() {
        return new Jedis(new HostAndPort(servers.cinnabar().host(), servers.cinnabar().port()),
                DefaultJedisClientConfig.builder().clientSetInfoConfig(ClientSetInfoConfig.DISABLED).timeoutMillis(10_000).build());
    }

    @BeforeEach
    void flush() {
        try (Jedis j = connect()) {
            j.flushAll();
        }
    }

    /**
     * A full SCAN returns every key that exists from its start to its end, while another
     * connection keeps adding and deleting thousands of keys so the table grows, shrinks and
     * rehashes under the cursor.
     */
    @Test
    void scanFullIterationWhileAnotherClientChurnsTheKeyspace() throws Exception {
        int stableKeys = 10_000;
        try (Jedis main = connect(); Jedis churner = connect()) {
            Pipeline p = main.pipelined();
            for (int i = 0; i < stableKeys; i++) {
                p.set("stable:" + i, "v");
            }
            p.sync();
            assertEquals(stableKeys, main.dbSize());

            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicLong churnRounds = new AtomicLong();
            Thread churn = new Thread(() -> {
                Random rnd = new Random(3);
                int next = 0;
                try {
                    while (!stop.get()) {
                        // grow by up to 30000 keys, then delete them all: forces grow and shrink
                        int n = 1000 + rnd.nextInt(30_000);
                        Pipeline cp = churner.pipelined();
                        for (int i = 0; i < n; i++) {
                            cp.set("churn:" + (next + i), "x");
                        }
                        cp.sync();
                        cp = churner.pipelined();
                        for (int i = 0; i < n; i++) {
                            cp.del("churn:" + (next + i));
                        }
                        cp.sync();
                        next += n;
                        churnRounds.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            }, "churn");
            churn.start();
            try {
                Random rnd = new Random(5);
                int overlapped = 0;
                for (int round = 0; overlapped < 3; round++) {
                    if (round == 200) {
                        fail("the churning connection never ran during a SCAN iteration");
                    }
                    Set<String> returned = new HashSet<>();
                    String cursor = ScanParams.SCAN_POINTER_START;
                    int calls = 0;
                    long roundsBefore = churnRounds.get();
                    do {
                        ScanResult<String> r = main.scan(cursor, new ScanParams().count(1 + rnd.nextInt(20)));
                        for (String key : r.getResult()) {
                            assertTrue(key.startsWith("stable:") || key.startsWith("churn:"), key);
                            returned.add(key);
                        }
                        cursor = r.getCursor();
                        if (++calls > 1_000_000) {
                            fail("SCAN does not terminate");
                        }
                    } while (!cursor.equals("0"));
                    for (int i = 0; i < stableKeys; i++) {
                        if (!returned.contains("stable:" + i)) {
                            fail("round " + round + ": stable:" + i + " existed throughout but SCAN missed it");
                        }
                    }
                    // count only iterations during which at least one full grow+shrink cycle ran
                    if (churnRounds.get() > roundsBefore + 1) {
                        overlapped++;
                    }
                }
            } finally {
                stop.set(true);
                churn.join(60_000);
            }
            if (failure.get() != null) {
                throw new AssertionError("churn connection failed", failure.get());
            }
            assertTrue(churnRounds.get() > 0);
            assertEquals(stableKeys, main.dbSize());
        }
    }

    @Test
    void scanWithMatchAndTypeFilters() {
        try (Jedis j = connect()) {
            Pipeline p = j.pipelined();
            for (int i = 0; i < 2000; i++) {
                p.set((i % 2 == 0 ? "even:" : "odd:") + i, "v");
            }
            p.sync();
            Set<String> returned = new HashSet<>();
            String cursor = "0";
            do {
                ScanResult<String> r = j.scan(cursor, new ScanParams().match("even:*").count(50));
                for (String key : r.getResult()) {
                    assertTrue(key.startsWith("even:"), key);
                    returned.add(key);
                }
                cursor = r.getCursor();
            } while (!cursor.equals("0"));
            assertEquals(1000, returned.size());
            ScanResult<String> none = j.scan("0", new ScanParams().count(100_000), "list");
            assertEquals("0", none.getCursor());
            assertTrue(none.getResult().isEmpty());
            ScanResult<String> all = j.scan("0", new ScanParams().count(100_000), "string");
            assertEquals("0", all.getCursor());
            assertEquals(2000, all.getResult().size());
        }
    }

    @Test
    void countIsAHintAboutBucketsVisited() {
        try (Jedis j = connect()) {
            Pipeline p = j.pipelined();
            for (int i = 0; i < 5000; i++) {
                p.set("c:" + i, "v");
            }
            p.sync();
            ScanResult<String> small = j.scan("0");
            assertFalse(small.getCursor().equals("0"));
            assertTrue(small.getResult().size() >= 5 && small.getResult().size() < 60, "COUNT 10 gave " + small.getResult().size());
            ScanResult<String> big = j.scan("0", new ScanParams().count(1000));
            assertTrue(big.getResult().size() >= 900 && big.getResult().size() < 1200, "COUNT 1000 gave " + big.getResult().size());
        }
    }

    /** Keys nobody reads still go: the active expiry cycle deletes them within a deadline. */
    @Test
    void activeExpiryDeletesKeysNobodyTouches() {
        int keys = 10_000;
        try (Jedis j = connect()) {
            Pipeline p = j.pipelined();
            for (int i = 0; i < keys; i++) {
                p.set("ttl:" + i, "v");
                p.pexpire("ttl:" + i, 50);
            }
            p.set("keep", "v");
            p.sync();
            long deadline = System.nanoTime() + 20_000_000_000L;
            long size;
            while ((size = j.dbSize()) > 1 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(1, size, "expired keys left after the deadline");
            long expired = servers.cinnabar().onDataThread(() -> servers.cinnabar().server().keyspace().stats.expiredKeys);
            assertTrue(expired >= keys, "expired_keys " + expired);
            assertEquals("v", j.get("keep"));
            assertEquals(-1, j.ttl("keep"));
        }
    }

    /**
     * With the active cycle off, expired keys stay stored until looked at: KEYS skips them
     * without deleting (it must not change the table it walks), SCAN skips and deletes them.
     */
    @Test
    void keysAndScanSkipExpiredKeys() {
        servers.cinnabar().onDataThread(() -> {
            servers.cinnabar().server().setActiveExpire(false);
            return null;
        });
        try (Jedis j = connect()) {
            Pipeline p = j.pipelined();
            for (int i = 0; i < 300; i++) {
                p.set("exp:" + i, "v");
                p.set("live:" + i, "v");
            }
            p.sync();
            // move the expiry into the past directly, without the command's delete-if-past
            servers.cinnabar().onDataThread(() -> {
                for (int i = 0; i < 300; i++) {
                    servers.cinnabar().server().keyspace().db(0).setExpire(("exp:" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8), 1);
                }
                return null;
            });
            assertEquals(600, j.dbSize(), "nothing has deleted the expired keys yet");
            Set<String> keys = j.keys("*");
            assertEquals(300, keys.size());
            assertTrue(keys.stream().allMatch(k -> k.startsWith("live:")));
            assertTrue(j.keys("exp:*").isEmpty());
            assertEquals(600, j.dbSize(), "KEYS does not delete");
            Set<String> scanned = new HashSet<>();
            String cursor = "0";
            do {
                ScanResult<String> r = j.scan(cursor, new ScanParams().count(37));
                scanned.addAll(r.getResult());
                cursor = r.getCursor();
            } while (!cursor.equals("0"));
            assertEquals(keys, scanned);
            assertEquals(300, j.dbSize(), "SCAN deleted the expired keys it met");
            for (int i = 0; i < 50; i++) {
                assertTrue(j.randomKey().startsWith("live:"));
            }
        } finally {
            servers.cinnabar().onDataThread(() -> {
                servers.cinnabar().server().setActiveExpire(true);
                return null;
            });
        }
    }

    @Test
    void basicsThroughAClientLibrary() {
        try (Jedis j = connect()) {
            j.set("a", "1");
            j.set("b", "2");
            assertEquals(2, j.exists("a", "b"));
            assertEquals("string", j.type("a"));
            assertEquals(List.of("a"), List.copyOf(j.keys("a*")));
            assertEquals("OK", j.rename("a", "c"));
            assertEquals(0, j.renamenx("c", "b"));
            assertTrue(j.copy("c", "d", false));
            assertEquals(1, j.expire("d", 100));
            assertTrue(j.ttl("d") > 90);
            assertEquals(1, j.persist("d"));
            assertEquals(-1, j.ttl("d"));
            assertEquals(1, j.move("d", 1));
            assertEquals(3, j.del("b", "c", "nokey", "a") + 1);
            assertNull(j.randomKey());
            j.select(1);
            assertEquals("d", j.randomKey());
            assertEquals("OK", j.swapDB(0, 1));
            assertEquals(0, j.dbSize());
            j.select(0);
            assertEquals(1, j.dbSize());
            assertEquals("OK", j.flushDB());
            assertEquals(0, j.dbSize());
        }
    }
}
