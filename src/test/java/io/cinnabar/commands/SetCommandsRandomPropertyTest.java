package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RedisOracle;
import io.cinnabar.testing.RespClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SPOP and SRANDMEMBER are random in Redis too, so they are checked by their properties: sizes,
 * distinct members for a positive count, members belong to the set, popped members leave it and
 * nothing else does, rough fairness. The same checks run against real Redis, which shows they
 * are Redis's properties and not our implementation's. Sizes and counts reach every strategy
 * (one by one, keep-the-rest, whole set; shuffle and sampling) on both encodings.
 */
@Timeout(120)
class SetCommandsRandomPropertyTest {
    private static final long SEED = Long.getLong("setPropertySeed", 20261205L);
    private static final int[] SIZES = {1, 2, 5, 20, 100, 511, 513, 2000};
    private static final int[] COUNTS = {0, 1, 2, 3, 5, 7, 19, 20, 21, 60, 99, 400, 510, 512, 1700, 1990, 2000, 5000};

    @Test
    void cinnabar() {
        try (CinnabarFixture server = CinnabarFixture.start(); RespClient client = server.client()) {
            checkAll(client);
        }
    }

    @Test
    void realRedisHasTheSameProperties() {
        try (RedisOracle redis = RedisOracle.start(); RespClient client = redis.client()) {
            checkAll(client);
        }
    }

    private static void checkAll(RespClient c) {
        Random r = new Random(SEED);
        for (boolean strings : new boolean[] {false, true}) {
            for (int size : SIZES) {
                for (int count : COUNTS) {
                    Set<String> members = fill(c, r, "p", size, strings);
                    checkSrandmember(c, members, count);
                    checkSrandmember(c, members, -count);
                    checkSpopCount(c, members, count);
                }
                Set<String> members = fill(c, r, "p", size, strings);
                checkSpopOne(c, members);
            }
        }
        checkFairness(c);
    }

    private static Set<String> fill(RespClient c, Random r, String key, int size, boolean strings) {
        c.call("DEL", key);
        Set<String> members = new HashSet<>();
        while (members.size() < size) {
            members.add(strings ? "m" + r.nextInt(size * 10) : Integer.toString(r.nextInt(size * 10) - size));
        }
        List<String> args = new ArrayList<>(List.of("SADD", key));
        args.addAll(members);
        assertEquals((long) size, c.callValue(args.toArray(new String[0])));
        return members;
    }

    private static List<String> list(Object reply) {
        List<String> out = new ArrayList<>();
        for (Object o : (List<?>) reply) {
            out.add((String) o);
        }
        return out;
    }

    private static Set<String> smembers(RespClient c) {
        return new HashSet<>(list(c.callValue("SMEMBERS", "p")));
    }

    private static void checkSrandmember(RespClient c, Set<String> members, int count) {
        List<String> got = list(c.callValue("SRANDMEMBER", "p", Integer.toString(count)));
        String what = "SRANDMEMBER " + count + " of " + members.size();
        assertEquals(count >= 0 ? Math.min(count, members.size()) : -count, got.size(), what);
        assertTrue(members.containsAll(got), what);
        if (count >= 0) {
            assertEquals(got.size(), new HashSet<>(got).size(), what + ": distinct");
        }
        assertEquals(members, smembers(c), what + " leaves the set alone");
        assertTrue(members.contains((String) c.callValue("SRANDMEMBER", "p")));
    }

    private static void checkSpopCount(RespClient c, Set<String> members, int count) {
        String what = "SPOP " + count + " of " + members.size();
        List<String> popped = list(c.callValue("SPOP", "p", Integer.toString(count)));
        assertEquals(Math.min(count, members.size()), popped.size(), what);
        Set<String> distinct = new HashSet<>(popped);
        assertEquals(popped.size(), distinct.size(), what + ": distinct");
        assertTrue(members.containsAll(distinct), what);
        Set<String> left = count >= members.size() ? Set.of() : smembers(c);
        assertEquals(members.size() - popped.size(), left.size(), what);
        Set<String> union = new HashSet<>(left);
        union.addAll(distinct);
        assertEquals(members, union, what + ": popped and left make the set");
        assertEquals((long) left.size(), c.callValue("SCARD", "p"));
        assertEquals(left.isEmpty() ? 0L : 1L, c.callValue("EXISTS", "p"));
    }

    private static void checkSpopOne(RespClient c, Set<String> members) {
        Set<String> left = new HashSet<>(members);
        while (!left.isEmpty()) {
            String m = (String) c.callValue("SPOP", "p");
            assertTrue(left.remove(m), "SPOP gave " + m);
            assertEquals(0L, c.callValue("SISMEMBER", "p", m));
            assertEquals((long) left.size(), c.callValue("SCARD", "p"));
        }
        assertNull(c.callValue("SPOP", "p"));
        assertEquals(0L, c.callValue("EXISTS", "p"));
    }

    /** Every member comes up about equally often, on both encodings. */
    private static void checkFairness(RespClient c) {
        for (String prefix : new String[] {"", "m"}) {
            c.call("DEL", "f");
            for (int i = 0; i < 10; i++) {
                c.call("SADD", "f", prefix + i);
            }
            Map<String, Integer> hits = new HashMap<>();
            for (Object o : (List<?>) c.callValue("SRANDMEMBER", "f", "-20000")) {
                hits.merge((String) o, 1, Integer::sum);
            }
            for (int i = 0; i < 200; i++) {
                c.call("SADD", "g", prefix + "a", prefix + "b", prefix + "c", prefix + "d");
                hits.merge("pop:" + c.callValue("SPOP", "g"), 1, Integer::sum);
                c.call("DEL", "g");
            }
            for (int i = 0; i < 10; i++) {
                int n = hits.getOrDefault(prefix + i, 0);
                assertTrue(n > 1500 && n < 2500, "SRANDMEMBER picked " + prefix + i + " " + n + " times of 20000");
            }
            for (String m : new String[] {"a", "b", "c", "d"}) {
                int n = hits.getOrDefault("pop:" + prefix + m, 0);
                assertTrue(n > 20 && n < 90, "SPOP picked " + m + " " + n + " times of 200");
            }
        }
    }
}
