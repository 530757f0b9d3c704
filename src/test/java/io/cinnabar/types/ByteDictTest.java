package io.cinnabar.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ByteDictTest {
    private static final long SEED = Long.getLong("byteDictSeed", 20261201L);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Counts the byte[] keys and values the way the dict documents it, from the model. */
    private static long expectedContentBytes(Map<String, String> model) {
        long total = 0;
        for (Map.Entry<String, String> e : model.entrySet()) {
            total += Values.byteArraySize(b(e.getKey()).length);
            if (e.getValue() != null) {
                total += Values.byteArraySize(b(e.getValue()).length);
            }
        }
        return total;
    }

    private static void assertSame(Map<String, String> model, ByteDict dict) {
        assertEquals(model.size(), dict.size());
        Map<String, String> seen = new HashMap<>();
        for (int slot = dict.firstSlot(); slot >= 0; slot = dict.nextSlot(slot)) {
            Object v = dict.valueAt(slot);
            assertNull(seen.put(s(dict.keyAt(slot)), v == null ? null : s((byte[]) v)));
        }
        assertEquals(model, seen);
        long arrays = dict.memoryUsage() - expectedContentBytes(model);
        assertTrue(arrays > 0 && arrays < 100 + 12L * 2 * (dict.capacity() + 64), "arrays " + arrays);
    }

    @Test
    void behavesLikeAHashMapUnderRandomOperations() {
        Random r = new Random(SEED);
        for (int round = 0; round < 4; round++) {
            ByteDict dict = new ByteDict();
            Map<String, String> model = new HashMap<>();
            int keySpace = 10 << (3 * round); // 10 .. 5120 distinct keys: small and large tables
            for (int op = 0; op < 60_000; op++) {
                String key = "k" + r.nextInt(keySpace);
                // phases that mostly add, then mostly remove, so the table grows and shrinks
                boolean removing = (op / 5000) % 2 == 1;
                int kind = r.nextInt(10);
                if (kind < (removing ? 6 : 2)) {
                    boolean had = model.containsKey(key);
                    String old = model.remove(key);
                    if (r.nextBoolean()) {
                        Object got = dict.remove(b(key));
                        assertEquals(old, got == null ? null : s((byte[]) got));
                    } else {
                        assertEquals(had, dict.removeKey(b(key)));
                    }
                } else if (kind < 8) {
                    String value = r.nextInt(4) == 0 ? null : "v" + r.nextInt(1000);
                    boolean had = model.containsKey(key);
                    String old = model.put(key, value);
                    Object got = dict.put(b(key), value == null ? null : b(value));
                    assertEquals(old, got == null ? null : s((byte[]) got));
                    assertTrue(had || dict.containsKey(b(key)));
                } else if (kind == 8) {
                    boolean absent = !model.containsKey(key);
                    if (absent) {
                        model.put(key, null);
                    }
                    assertEquals(absent, dict.add(b(key)));
                } else {
                    assertEquals(model.containsKey(key), dict.containsKey(b(key)));
                    String v = model.get(key);
                    Object got = dict.get(b(key));
                    assertEquals(v, got == null ? null : s((byte[]) got));
                }
                if (op % 997 == 0) {
                    assertSame(model, dict);
                }
            }
            assertSame(model, dict);
            ByteDict copy = dict.copy();
            dict.clear();
            assertEquals(0, dict.size());
            assertSame(model, copy);
        }
    }

    @Test
    void shrinksWhenSparseAndGrowsWhenFull() {
        ByteDict dict = new ByteDict();
        for (int i = 0; i < 10_000; i++) {
            dict.add(b("m" + i));
        }
        int big = dict.capacity();
        assertTrue(big >= 10_000 * 4 / 3, "capacity " + big);
        for (int i = 0; i < 9_950; i++) {
            assertTrue(dict.removeKey(b("m" + i)));
        }
        assertTrue(dict.capacity() < big / 8, "capacity after removals " + dict.capacity());
        for (int i = 9_950; i < 10_000; i++) {
            assertTrue(dict.containsKey(b("m" + i)));
        }
    }

    /** SCAN returns every element present from the first call to the last, across resizes. */
    @Test
    void scanReturnsEveryStableElementAcrossGrowAndShrink() {
        Random r = new Random(SEED);
        for (int round = 0; round < 60; round++) {
            ByteDict dict = new ByteDict();
            Set<String> stable = new HashSet<>();
            int stableCount = 1 + r.nextInt(300);
            for (int i = 0; i < stableCount; i++) {
                stable.add("s" + i);
                dict.add(b("s" + i));
            }
            int churn = 0;
            Set<String> churnKeys = new HashSet<>();
            for (int i = 0; i < r.nextInt(2000); i++) {
                churnKeys.add("c" + churn);
                dict.add(b("c" + churn++));
            }
            Set<String> returned = new HashSet<>();
            long cursor = 0;
            int calls = 0;
            do {
                cursor = dict.scan(cursor, (k, v) -> returned.add(s(k)));
                calls++;
                // between calls, add or drop many volatile elements so the table grows or shrinks
                int action = r.nextInt(40);
                if (action == 0) {
                    int n = r.nextInt(2000);
                    for (int i = 0; i < n; i++) {
                        churnKeys.add("c" + churn);
                        dict.add(b("c" + churn++));
                    }
                } else if (action == 1) {
                    for (String c : churnKeys) {
                        dict.removeKey(b(c));
                    }
                    churnKeys.clear();
                }
                assertTrue(calls < 1_000_000, "scan does not terminate");
            } while (cursor != 0);
            for (String s : stable) {
                assertTrue(returned.contains(s), "round " + round + ": scan missed " + s);
            }
        }
    }

    @Test
    void scanWithoutChangesReturnsEachElementOnce() {
        ByteDict dict = new ByteDict();
        for (int i = 0; i < 5000; i++) {
            dict.put(b("e" + i), b("v" + i));
        }
        Map<String, Integer> counts = new HashMap<>();
        long cursor = 0;
        do {
            cursor = dict.scan(cursor, (k, v) -> {
                assertEquals("v" + s(k).substring(1), s((byte[]) v));
                counts.merge(s(k), 1, Integer::sum);
            });
        } while (cursor != 0);
        assertEquals(5000, counts.size());
        assertTrue(counts.values().stream().allMatch(c -> c == 1));
    }

    @Test
    void removalDuringSlotIterationVisitsEveryEntryOnce() {
        Random r = new Random(SEED);
        for (int round = 0; round < 50; round++) {
            ByteDict dict = new ByteDict();
            Set<String> all = new HashSet<>();
            int n = 1 + r.nextInt(5000);
            for (int i = 0; i < n; i++) {
                String k = Integer.toString(r.nextInt(1_000_000));
                all.add(k);
                dict.add(b(k));
            }
            Set<String> visited = new HashSet<>();
            Set<String> kept = new HashSet<>();
            int slot = dict.firstSlot();
            while (slot >= 0) {
                String k = s(dict.keyAt(slot));
                assertTrue(visited.add(k), "visited twice: " + k);
                if (r.nextInt(3) != 0) {
                    dict.removeAt(slot);
                    slot = dict.nextSlot(slot - 1);
                } else {
                    kept.add(k);
                    slot = dict.nextSlot(slot);
                }
            }
            assertEquals(all, visited);
            dict.shrinkIfSparse();
            assertEquals(kept.size(), dict.size());
            for (String k : kept) {
                assertTrue(dict.containsKey(b(k)));
            }
        }
    }

    @Test
    void randomSlotsAreFairEnough() {
        ByteDict dict = new ByteDict();
        for (int i = 0; i < 100; i++) {
            dict.add(b("r" + i));
        }
        Random r = new Random(SEED);
        Map<String, Integer> hits = new HashMap<>();
        for (int i = 0; i < 100_000; i++) {
            byte[] k = dict.randomKey(r);
            assertNotNull(k);
            hits.merge(s(k), 1, Integer::sum);
        }
        assertEquals(100, hits.size());
        for (int c : hits.values()) {
            assertTrue(c > 700 && c < 1300, "skewed: " + c);
        }
        assertNull(new ByteDict().randomKey(r));
        assertEquals(-1, new ByteDict().randomSlot(r));
    }

    @Test
    void valuesCanBeReplacedInPlaceAndCopiesAreIndependent() {
        ByteDict dict = new ByteDict();
        dict.put(b("f"), b("one"));
        int slot = dict.slotOf(b("f"));
        assertArrayEquals(b("one"), (byte[]) dict.setValueAt(slot, b("three")));
        ByteDict copy = dict.copy();
        ((byte[]) dict.get(b("f")))[0] = 'X';
        assertArrayEquals(b("three"), (byte[]) copy.get(b("f")));
        assertFalse(copy.add(b("f")));
        assertEquals(1, copy.size());
    }

    /** Prints the table's own bytes per entry (not asserted: a figure for docs/benchmarks.md). */
    @Test
    void reportsBytesPerEntry() {
        for (int n : new int[] {1000, 10_000, 100_000}) {
            ByteDict set = new ByteDict();
            ByteDict map = new ByteDict();
            long keyBytes = 0;
            for (int i = 0; i < n; i++) {
                byte[] k = b("member:" + i);
                keyBytes += Values.byteArraySize(k.length);
                set.add(k);
                map.put(k, b("v"));
            }
            long valueBytes = n * Values.byteArraySize(1);
            System.out.printf("ByteDict %,d entries: set table %.1f B/entry, hash table %.1f B/entry (excluding key/value arrays)%n",
                    n, (set.memoryUsage() - keyBytes) / (double) n, (map.memoryUsage() - keyBytes - valueBytes) / (double) n);
        }
    }
}
