package io.cinnabar.keyspace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class KeyspaceTest {
    private static byte[] k(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void memoryReturnsToZeroAfterEveryKeyIsGone() {
        Keyspace ks = new Keyspace(2);
        Database db = ks.db(0);
        for (int i = 0; i < 5000; i++) {
            db.set(k("m" + i), k("value" + i), KeyTable.NO_EXPIRE);
        }
        assertTrue(db.memory() > 5000 * 40);
        for (int i = 0; i < 5000; i += 2) {
            db.set(k("m" + i), k("a much longer value than before " + i), Database.KEEP_TTL);
        }
        for (int i = 0; i < 5000; i++) {
            assertTrue(db.delete(k("m" + i)));
        }
        assertEquals(0, db.size());
        assertEquals(0, db.memory());
    }

    @Test
    void commandClockIsTheWallClockReadThroughTheMonotonicOne() {
        Keyspace ks = new Keyspace(1);
        long deadline = System.nanoTime() + 2_000_000_000L;
        long ticks = 0;
        long firstNow = -1;
        // until the wall clock has moved on by a few ms, with and without recalibration between ticks
        while ((firstNow < 0 || ks.now() < firstNow + 5) && System.nanoTime() < deadline) {
            long wallBefore = System.currentTimeMillis();
            long monotonicBefore = System.nanoTime();
            long nanos = ks.tick();
            long monotonicAfter = System.nanoTime();
            long wallAfter = System.currentTimeMillis();
            assertTrue(nanos >= monotonicBefore && nanos <= monotonicAfter, "tick returns the monotonic time it read");
            assertTrue(ks.now() >= wallBefore - 1 && ks.now() <= wallAfter + 1,
                    ks.now() + " outside the wall clock's " + wallBefore + ".." + wallAfter);
            if (firstNow < 0) {
                firstNow = ks.now();
            }
            if (++ticks % 1000 == 0) {
                ks.calibrateClock();
            }
        }
        assertTrue(ks.now() >= firstNow + 5, "the clock advanced");

        ks.freezeClock();
        long frozen = ks.now();
        long wallFrozen = System.currentTimeMillis();
        while (System.currentTimeMillis() < wallFrozen + 3 && System.nanoTime() < deadline + 1_000_000_000L) {
            ks.tick();
        }
        assertEquals(frozen, ks.now(), "a frozen clock ignores ticks");
        ks.unfreezeClock();
        ks.tick();
        assertTrue(ks.now() >= frozen + 2);
    }

    @Test
    void expiredKeysLookAbsentAndAreDeletedOnAccess() {
        Keyspace ks = new Keyspace(1);
        Database db = ks.db(0);
        ks.tick();
        db.set(k("past"), k("v"), 1);
        db.set(k("future"), k("v"), ks.now() + 100_000);
        db.set(k("plain"), k("v"), KeyTable.NO_EXPIRE);
        assertEquals(3, db.size());
        assertNull(db.get(k("past")));
        assertEquals(2, db.size());
        assertEquals(1, ks.stats.expiredKeys);
        assertNotNull(db.get(k("future")));
        assertEquals(-2, db.getExpire(k("past")));
        assertEquals(KeyTable.NO_EXPIRE, db.getExpire(k("plain")));
        assertTrue(db.setExpire(k("plain"), 1));
        assertFalse(db.exists(k("plain")));
        assertFalse(db.setExpire(k("plain"), ks.now() + 1000));
    }

    @Test
    void randomKeyDeletesExpiredKeysUntilALiveOneOrNone() {
        Keyspace ks = new Keyspace(1);
        Database db = ks.db(0);
        ks.tick();
        for (int i = 0; i < 500; i++) {
            db.set(k("x" + i), k("v"), 1);
        }
        db.set(k("live"), k("v"), KeyTable.NO_EXPIRE);
        assertArrayEquals(k("live"), db.randomKey());
        db.delete(k("live"));
        assertNull(db.randomKey(), "all remaining keys are expired: a master deletes them all");
        assertEquals(0, db.size());
    }

    @Test
    void aReplicaKeepsExpiredKeysButStillAnswersRandomKey() {
        Keyspace ks = new Keyspace(1);
        ks.setExpiresOnAccess(false);
        Database db = ks.db(0);
        for (int i = 0; i < 50; i++) {
            db.set(k("x" + i), k("v"), 1);
        }
        assertNotNull(db.randomKey());
        assertEquals(50, db.size());
    }

    @Test
    void activeExpireCycleRemovesDueKeysOnly() {
        Keyspace ks = new Keyspace(1);
        Database db = ks.db(0);
        ks.tick();
        for (int i = 0; i < 20_000; i++) {
            db.set(k("due" + i), k("v"), 1);
            db.set(k("later" + i), k("v"), ks.now() + 1_000_000);
            db.set(k("never" + i), k("v"), KeyTable.NO_EXPIRE);
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (db.size() > 40_000 && System.nanoTime() < deadline) {
            db.activeExpireCycle(System.nanoTime() + 25_000_000L);
            db.cron(100);
        }
        assertEquals(40_000, db.size());
        assertEquals(20_000, db.volatileCount());
        assertEquals(20_000, ks.stats.expiredKeys);
    }

    @Test
    void swapAndFlush() {
        Keyspace ks = new Keyspace(3);
        ks.db(0).set(k("a"), k("0"), KeyTable.NO_EXPIRE);
        ks.db(1).set(k("b"), k("1"), KeyTable.NO_EXPIRE);
        ks.db(1).set(k("c"), k("1"), KeyTable.NO_EXPIRE);
        long mem0 = ks.db(0).memory();
        ks.swap(0, 1);
        assertEquals(2, ks.db(0).size());
        assertEquals(1, ks.db(1).size());
        assertEquals(mem0, ks.db(1).memory());
        assertNotNull(ks.db(1).get(k("a")));
        ks.swap(2, 2);
        ks.db(0).clear();
        assertEquals(0, ks.db(0).size());
        assertEquals(0, ks.db(0).memory());
        ks.flushAll();
        assertEquals(0, ks.totalKeys());
        assertEquals(0, ks.memory());
    }

    @Test
    void listenersHearEveryWrite() {
        Keyspace ks = new Keyspace(1);
        List<String> events = new ArrayList<>();
        ks.addListener(new KeyspaceListener() {
            @Override
            public void beforeWrite(Database db, byte[] key) {
                events.add("before " + new String(key, StandardCharsets.UTF_8));
            }

            @Override
            public void afterWrite(Database db, byte[] key, Object value) {
                events.add("after " + new String(key, StandardCharsets.UTF_8) + (value == null ? " gone" : ""));
            }
        });
        Database db = ks.db(0);
        ks.tick();
        db.set(k("a"), k("v"), KeyTable.NO_EXPIRE);
        db.setExpire(k("a"), ks.now() + 1000);
        db.delete(k("a"));
        db.set(k("b"), k("v"), 1);
        db.exists(k("b"));
        assertEquals(List.of("before a", "after a", "before a", "after a", "before a", "after a gone",
                "before b", "after b", "before b", "after b gone"), events);
    }
}
