package io.cinnabar.keyspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.util.LatencyMonitor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The keyspace's latency events: expire-del for one expired key's deletion (on access or by the
 * active cycle), eviction-del and eviction-cycle for eviction. A listener that takes 3 ms on the
 * write announcement stands in for deleting a large value.
 */
@Timeout(30)
class KeyspaceLatencyEventsTest {
    private static final long SLOW_NANOS = 3_000_000;

    private static byte[] k(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Keyspace slowDeletes(long thresholdMillis) {
        Keyspace ks = new Keyspace(1);
        ks.latencyMonitor().setThreshold(thresholdMillis);
        ks.addListener(new KeyspaceListener() {
            @Override
            public void beforeWrite(Database db, byte[] key) {
                long until = System.nanoTime() + SLOW_NANOS;
                while (System.nanoTime() < until) {
                    LockSupport.parkNanos(until - System.nanoTime());
                }
            }
        });
        return ks;
    }

    private static void expiredKey(Keyspace ks, String key) {
        Database db = ks.db(0);
        db.set(k(key), k("v"), KeyTable.NO_EXPIRE);
        db.setExpire(k(key), ks.now() - 1);
    }

    @Test
    void anExpiredKeyDeletedOnAccessIsAnExpireDel() {
        Keyspace ks = slowDeletes(1);
        expiredKey(ks, "a");
        assertNull(ks.db(0).get(k("a")));
        LatencyMonitor.Series s = ks.latencyMonitor().series("expire-del");
        assertTrue(s.max() >= 3, () -> "max " + s.max());
        assertEquals(List.of("expire-del"), List.copyOf(ks.latencyMonitor().events().keySet()));
    }

    @Test
    void theActiveCycleReportsEachDeletion() {
        Keyspace ks = slowDeletes(1);
        expiredKey(ks, "a");
        ks.db(0).activeExpireCycle(System.nanoTime() + 1_000_000_000L);
        assertEquals(0, ks.db(0).size());
        assertTrue(ks.latencyMonitor().series("expire-del").max() >= 3);
    }

    @Test
    void evictionReportsTheKeyAndTheRun() {
        Keyspace ks = slowDeletes(1);
        ks.db(0).set(k("a"), k("v"), KeyTable.NO_EXPIRE);
        Eviction eviction = new Eviction(ks);
        eviction.configure(1, Eviction.Policy.ALLKEYS_RANDOM, 5, 10);
        eviction.performEvictions();
        assertEquals(0, ks.db(0).size());
        assertTrue(ks.latencyMonitor().series("eviction-del").max() >= 3);
        assertTrue(ks.latencyMonitor().series("eviction-cycle").max() >= 3);
    }

    @Test
    void nothingIsRecordedBelowTheThresholdOrWhenItIsZero() {
        for (long threshold : new long[] {0, 1000}) {
            Keyspace ks = slowDeletes(threshold);
            expiredKey(ks, "a");
            assertNull(ks.db(0).get(k("a")));
            ks.db(0).set(k("b"), k("v"), KeyTable.NO_EXPIRE);
            Eviction eviction = new Eviction(ks);
            eviction.configure(1, Eviction.Policy.ALLKEYS_RANDOM, 5, 10);
            eviction.performEvictions();
            assertTrue(ks.latencyMonitor().events().isEmpty());
        }
    }
}
