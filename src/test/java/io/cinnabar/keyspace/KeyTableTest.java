package io.cinnabar.keyspace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class KeyTableTest {
    private static byte[] k(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void put(KeyTable t, String key, Object value, long expire) {
        if (t.find(k(key))) {
            t.setValue(value);
            t.setExpire(expire);
        } else {
            t.insert(k(key), value, expire, 0, 1);
        }
    }

    private static boolean remove(KeyTable t, String key) {
        if (!t.find(k(key))) {
            return false;
        }
        t.removeFound();
        return true;
    }

    private static void assertMatches(Map<String, Long> model, KeyTable t) {
        assertEquals(model.size(), t.size());
        int volatileKeys = 0;
        for (Map.Entry<String, Long> e : model.entrySet()) {
            assertTrue(t.find(k(e.getKey())), e.getKey());
            assertEquals(e.getKey(), t.value());
            assertEquals(e.getKey(), s(t.foundKey()));
            assertEquals(e.getValue().longValue(), t.expire());
            if (e.getValue() != KeyTable.NO_EXPIRE) {
                volatileKeys++;
            }
        }
        assertEquals(volatileKeys, t.volatileCount());
        Set<String> seen = new HashSet<>();
        t.forEach((key, value, expire) -> assertTrue(seen.add(s(key)), "forEach repeats " + s(key)));
        assertEquals(model.keySet(), seen);
    }

    @Test
    void growsAndShrinksThroughIncrementalRehash() {
        KeyTable t = new KeyTable();
        Map<String, Long> model = new HashMap<>();
        Random rnd = new Random(1);
        boolean sawRehash = false;
        for (int i = 0; i < 20_000; i++) {
            String key = "key:" + i;
            long expire = i % 3 == 0 ? 1000 + i : KeyTable.NO_EXPIRE;
            put(t, key, key, expire);
            model.put(key, expire);
            sawRehash |= t.isRehashing();
            if (i % 997 == 0) {
                assertMatches(model, t);
            }
        }
        assertTrue(sawRehash, "inserting 20000 keys must rehash incrementally");
        assertMatches(model, t);
        int bucketsAtPeak = t.bucketCount();
        // delete most keys while the cron shrinks the table now and then
        List<String> keys = new ArrayList<>(model.keySet());
        java.util.Collections.shuffle(keys, rnd);
        boolean sawShrink = false;
        for (int i = 0; i < 19_900; i++) {
            String key = keys.get(i);
            assertTrue(remove(t, key));
            assertFalse(remove(t, key));
            model.remove(key);
            if (i % 500 == 0) {
                t.maybeShrink();
                sawShrink |= t.isRehashing();
                t.rehash(rnd.nextInt(3));
            }
            if (i % 1999 == 0) {
                assertMatches(model, t);
            }
        }
        assertTrue(sawShrink, "deleting 99.5% of keys must start a shrink");
        for (int i = 0; i < 100 && (t.rehash(100) || !t.isRehashing()); i++) {
            t.maybeShrink();
        }
        assertFalse(t.isRehashing());
        assertTrue(t.bucketCount() < bucketsAtPeak / 50, "table shrank to " + t.bucketCount());
        assertMatches(model, t);
        // update values in place and clear expiries
        for (String key : model.keySet()) {
            assertTrue(t.find(k(key)));
            t.setExpire(KeyTable.NO_EXPIRE);
            model.put(key, KeyTable.NO_EXPIRE);
        }
        assertMatches(model, t);
        t.clear();
        model.clear();
        assertMatches(model, t);
    }

    /**
     * A shrink target holds only as many entries as the table had when the shrink began; many
     * inserts before the old table drains used to overflow the target's entry arrays.
     */
    @Test
    void insertsDuringAShrinkDoNotOverflowTheTarget() {
        KeyTable t = new KeyTable();
        Map<String, Long> model = new HashMap<>();
        for (int i = 0; i < 4096; i++) {
            put(t, "a" + i, "a" + i, KeyTable.NO_EXPIRE);
            model.put("a" + i, KeyTable.NO_EXPIRE);
        }
        t.rehash(1 << 20);
        for (int i = 0; i < 4096; i++) {
            if (i % 64 != 0) {
                remove(t, "a" + i);
                model.remove("a" + i);
            }
        }
        t.rehash(1 << 20);
        t.maybeShrink();
        assertTrue(t.isRehashing());
        for (int i = 0; i < 5000; i++) {
            put(t, "b" + i, "b" + i, i);
            model.put("b" + i, (long) i);
        }
        assertMatches(model, t);
    }

    @Test
    void randomOperationsAgainstAModel() {
        Random rnd = new Random(7);
        KeyTable t = new KeyTable();
        Map<String, Long> model = new HashMap<>();
        for (int step = 0; step < 200_000; step++) {
            int op = rnd.nextInt(10);
            // bias towards growth, then towards shrinking, in waves
            int universe = (step / 20_000) % 2 == 0 ? 50_000 : 500;
            String key = "k" + rnd.nextInt(universe);
            if (op < 5) {
                long expire = rnd.nextBoolean() ? KeyTable.NO_EXPIRE : 1 + rnd.nextInt(1000);
                put(t, key, key, expire);
                model.put(key, expire);
            } else if (op < 9) {
                assertEquals(model.remove(key) != null, remove(t, key), key);
            } else {
                assertEquals(model.containsKey(key), t.find(k(key)));
            }
            if (step % 100 == 0) {
                if (!t.rehash(rnd.nextInt(4))) {
                    t.maybeShrink();
                }
            }
            if (step % 25_000 == 0) {
                assertMatches(model, t);
            }
        }
        assertMatches(model, t);
    }

    /**
     * A lookup with the same key array as the one that located the found entry is answered from
     * it. Commands repeat lookups with their argument arrays, so the operations here reuse one
     * array per key, interleaved with inserts, removals of other keys and rehash steps, any of
     * which may move or drop the found entry.
     */
    @Test
    void repeatedLookupsWithTheSameKeyArrayFollowEveryChange() {
        Random rnd = new Random(11);
        KeyTable t = new KeyTable();
        Map<String, String> model = new HashMap<>();
        Map<String, byte[]> arrays = new HashMap<>();
        for (int step = 0; step < 300_000; step++) {
            int universe = (step / 30_000) % 2 == 0 ? 20_000 : 300;
            String key = "k" + rnd.nextInt(universe);
            byte[] array = arrays.computeIfAbsent(key, KeyTableTest::k);
            int op = rnd.nextInt(12);
            if (op < 4) { // write: find, then update or insert, then find again as modified() does
                String value = key + "@" + step;
                if (t.find(array)) {
                    t.setValue(value);
                } else {
                    t.insert(array, value, KeyTable.NO_EXPIRE, 0, 1);
                }
                model.put(key, value);
                assertTrue(t.find(array), key);
                assertEquals(value, t.value(), key);
            } else if (op < 7) {
                boolean present = t.find(array);
                assertEquals(model.containsKey(key), present, key);
                if (present) {
                    t.removeFound();
                    model.remove(key);
                    assertFalse(t.find(array), key);
                }
            } else if (op < 10) {
                assertEquals(model.containsKey(key), t.find(array), key);
                if (model.containsKey(key)) {
                    assertEquals(model.get(key), t.value(), key);
                    assertArrayEquals(array, t.foundKey(), key);
                }
            } else if (!t.rehash(1 + rnd.nextInt(8))) {
                t.maybeShrink();
            }
        }
        assertEquals(model.size(), t.size());
        for (Map.Entry<String, String> e : model.entrySet()) {
            assertTrue(t.find(arrays.get(e.getKey())), e.getKey());
            assertEquals(e.getValue(), t.value());
        }
    }

    @Test
    void aLookupAfterARehashMovedTheFoundEntryFindsItWhereItWent() {
        KeyTable t = new KeyTable();
        List<byte[]> arrays = new ArrayList<>();
        for (int i = 0; !t.isRehashing(); i++) {
            byte[] key = k("key" + i);
            arrays.add(key);
            t.insert(key, "v" + i, KeyTable.NO_EXPIRE, 0, 1);
        }
        int checked = 0;
        for (int i = 0; i < arrays.size() && t.isRehashing(); i += 7) {
            assertTrue(t.find(arrays.get(i)));
            t.rehash(4); // may move the entry just found to the new table
            assertTrue(t.find(arrays.get(i)));
            assertEquals("v" + i, t.value());
            assertArrayEquals(arrays.get(i), t.foundKey());
            checked++;
        }
        byte[] last = arrays.get(0);
        assertTrue(t.find(last));
        while (t.rehash(1 << 16)) {
            // finish moving, the found entry's bucket included
        }
        assertTrue(t.find(last));
        assertEquals("v0", t.value());
        assertTrue(checked > 0);
    }

    @Test
    void randomKeyReturnsEveryKeyAndOnlyLiveOnes() {
        KeyTable t = new KeyTable();
        assertNull(t.randomKey());
        for (int i = 0; i < 10; i++) {
            put(t, "r" + i, "r" + i, KeyTable.NO_EXPIRE);
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 5000; i++) {
            String key = s(t.randomKey());
            assertTrue(key.matches("r\\d"), key);
            seen.add(key);
        }
        assertEquals(10, seen.size());
        // while rehashing, keys in both tables are eligible
        KeyTable big = new KeyTable();
        int n = 0;
        while (!big.isRehashing() || n < 100) {
            put(big, "x" + n, "x" + n, KeyTable.NO_EXPIRE);
            n++;
        }
        Set<String> all = new HashSet<>();
        for (int i = 0; i < n; i++) {
            all.add("x" + i);
        }
        for (int i = 0; i < 2000; i++) {
            assertTrue(all.contains(s(big.randomKey())));
        }
        // after deleting all but one key from a large table, that key is the answer
        for (int i = 1; i < n; i++) {
            remove(big, "x" + i);
        }
        for (int i = 0; i < 100; i++) {
            assertEquals("x0", s(big.randomKey()));
        }
        remove(big, "x0");
        assertNull(big.randomKey());
    }

    @Test
    void collectExpiredFindsEveryDueKeyInBothTables() {
        KeyTable t = new KeyTable();
        Set<String> due = new HashSet<>();
        int i = 0;
        // stop while a rehash is in progress so both tables hold keys
        while (i < 3000 || !t.isRehashing()) {
            String key = "e" + i;
            long expire = i % 3 == 0 ? 500 : i % 3 == 1 ? 5000 : KeyTable.NO_EXPIRE;
            put(t, key, key, expire);
            if (expire == 500) {
                due.add(key);
            }
            i++;
        }
        assertTrue(t.isRehashing());
        Set<String> collected = new HashSet<>();
        List<byte[]> out = new ArrayList<>();
        int seen = 0;
        int volatileKeys = t.volatileCount();
        for (int call = 0; call < 200; call++) {
            out.clear();
            seen += t.collectExpired(1000, 64, out);
            for (byte[] key : out) {
                collected.add(s(key));
            }
        }
        assertEquals(due, collected);
        assertTrue(seen >= volatileKeys, "a full pass sees every volatile key");
        // nothing is due before the earliest expiry
        out.clear();
        for (int call = 0; call < 200; call++) {
            t.collectExpired(100, 64, out);
        }
        assertTrue(out.isEmpty());
    }

    /**
     * SCAN's guarantee: a full iteration returns every key present from its start to its end,
     * however the table grows, shrinks or rehashes between calls.
     */
    @Test
    void scanReturnsEveryKeyPresentThroughoutDespiteResizes() {
        for (int trial = 0; trial < 300; trial++) {
            long seed = 1000L + trial;
            Random rnd = new Random(seed);
            KeyTable t = new KeyTable();
            KeyPool present = new KeyPool();
            int next = 0;
            int initial = rnd.nextInt(4) == 0 ? rnd.nextInt(20) : rnd.nextInt(5000);
            for (int i = 0; i < initial; i++) {
                String key = "s" + next++;
                put(t, key, key, KeyTable.NO_EXPIRE);
                present.add(key);
            }
            if (rnd.nextBoolean()) {
                t.rehash(rnd.nextInt(50)); // sometimes start mid-rehash
            }
            Set<String> stable = present.snapshot(); // present at the start, never deleted
            Set<String> returned = new HashSet<>();
            long cursor = 0;
            int calls = 0;
            do {
                cursor = t.scan(cursor, (key, value, expire) -> returned.add(s(key)));
                calls++;
                if (calls > 1_000_000) {
                    fail("seed " + seed + ": scan does not terminate");
                }
                // mutate between calls: grow, shrink, rehash in various proportions
                int mode = rnd.nextInt(10);
                if (mode < 3) {
                    int adds = rnd.nextInt(mode == 0 ? 2000 : 50);
                    for (int i = 0; i < adds; i++) {
                        String key = "s" + next++;
                        put(t, key, key, KeyTable.NO_EXPIRE);
                        present.add(key);
                    }
                } else if (mode < 6 && !present.isEmpty()) {
                    int dels = rnd.nextInt(mode == 3 ? Math.max(1, present.size()) : 50);
                    for (int i = 0; i < dels && !present.isEmpty(); i++) {
                        String key = present.removeRandom(rnd);
                        assertTrue(remove(t, key));
                        stable.remove(key);
                    }
                } else if (mode < 8) {
                    if (!t.rehash(rnd.nextInt(20))) {
                        t.maybeShrink();
                    }
                }
            } while (cursor != 0);
            for (String key : stable) {
                if (!returned.contains(key)) {
                    fail("seed " + seed + ": key " + key + " present throughout was not returned");
                }
            }
        }
    }

    /** The keys present, with O(1) random removal (a copy per deletion step made this test minutes long). */
    private static final class KeyPool {
        private final List<String> keys = new ArrayList<>();

        void add(String key) {
            keys.add(key);
        }

        boolean isEmpty() {
            return keys.isEmpty();
        }

        int size() {
            return keys.size();
        }

        String removeRandom(Random rnd) {
            int i = rnd.nextInt(keys.size());
            String key = keys.get(i);
            keys.set(i, keys.get(keys.size() - 1));
            keys.remove(keys.size() - 1);
            return key;
        }

        Set<String> snapshot() {
            return new HashSet<>(keys);
        }
    }

    @Test
    void scanOfAnEmptyTableEndsAtOnce() {
        KeyTable t = new KeyTable();
        assertEquals(0, t.scan(0, (key, value, expire) -> fail("no keys")));
        assertEquals(0, t.scan(12345, (key, value, expire) -> fail("no keys")));
    }

    @Test
    void scanWithoutChangesReturnsEachKeyOnce() {
        KeyTable t = new KeyTable();
        for (int i = 0; i < 1000; i++) {
            put(t, "u" + i, "u" + i, KeyTable.NO_EXPIRE);
        }
        t.rehash(1 << 20);
        assertFalse(t.isRehashing());
        List<String> returned = new ArrayList<>();
        long cursor = 0;
        do {
            cursor = t.scan(cursor, (key, value, expire) -> returned.add(s(key)));
        } while (cursor != 0);
        assertEquals(1000, returned.size());
        assertEquals(1000, new HashSet<>(returned).size());
    }

    @Test
    void foundKeyIsTheStoredArray() {
        KeyTable t = new KeyTable();
        byte[] key = k("same");
        t.insert(key, "v", KeyTable.NO_EXPIRE, 5, 10);
        assertTrue(t.find(k("same")));
        assertArrayEquals(key, t.foundKey());
        assertEquals(5, t.clock());
        assertEquals(10, t.chargedSize());
    }
}
