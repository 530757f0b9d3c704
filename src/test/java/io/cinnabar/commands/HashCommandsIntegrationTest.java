package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RedisOracle;
import io.cinnabar.testing.RespClient;
import io.lettuce.core.KeyValue;
import io.lettuce.core.MapScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * What cannot be compared byte for byte with Redis: HRANDFIELD's random picks, checked by their
 * properties on both servers (so the properties are Redis's), HSCAN's cursor walk over a
 * hashtable, and replies as Jedis and Lettuce parse them.
 */
@Timeout(120)
class HashCommandsIntegrationTest {
    private static final int SMALL = 10;
    private static final int LARGE = 700;
    private static Map<String, String> fill(RespClient c, String key, int n) {
        Map<String, String> hash = new LinkedHashMap<>();
        c.call("DEL", key);
        List<String> args = new ArrayList<>(List.of("HSET", key));
        for (int i = 0; i < n; i++) {
            String f = i % 3 == 0 ? Integer.toString(i) : "field" + i;
            String v = i % 2 == 0 ? Integer.toString(i * 7) : "value" + i;
            hash.put(f, v);
            args.add(f);
            args.add(v);
        }
        c.call(args.toArray(new String[0]));
        return hash;
    }

    // ---------------------------------------------------------------- HRANDFIELD by property

    @Test
    void hrandfieldHasRedisPropertiesOnBothServersAndProtocols() {
        try (RedisOracle redis = RedisOracle.start(); CinnabarFixture cinnabar = CinnabarFixture.start()) {
            checkRandomFields(redis, cinnabar);
        }
    }

    private static void checkRandomFields(RedisOracle redis, CinnabarFixture cinnabar) {
        for (boolean ours : new boolean[] {false, true}) {
            for (int protocol : new int[] {2, 3}) {
                try (RespClient c = ours ? cinnabar.client() : redis.client()) {
                    if (protocol == 3) {
                        c.call("HELLO", "3");
                    }
                    String who = (ours ? "cinnabar" : "redis") + " RESP" + protocol;
                    Map<String, String> small = fill(c, "hr:small", SMALL);
                    Map<String, String> large = fill(c, "hr:large", LARGE);
                    assertEquals("listpack", c.callValue("OBJECT", "ENCODING", "hr:small"), who);
                    assertEquals("hashtable", c.callValue("OBJECT", "ENCODING", "hr:large"), who);
                    for (long count : new long[] {1, 3, 9, 10, 11, 100, 230, 240, 699, 700, 5000, -1, -7, -50, -2000}) {
                        checkCount(c, "hr:small", small, count, false, protocol, who);
                        checkCount(c, "hr:small", small, count, true, protocol, who);
                        checkCount(c, "hr:large", large, count, false, protocol, who);
                        checkCount(c, "hr:large", large, count, true, protocol, who);
                    }
                    for (String key : new String[] {"hr:small", "hr:large"}) {
                        Map<String, String> hash = key.equals("hr:small") ? small : large;
                        Object one = c.callValue("HRANDFIELD", key);
                        assertTrue(hash.containsKey((String) one), who + " " + one);
                    }
                    everyFieldComesUp(c, small, who);
                }
            }
        }
    }

    /** The reply's (field, value-or-null) picks, checking the RESP shape on the way. */
    private static List<String[]> picks(Object reply, boolean withValues, int protocol) {
        List<?> list = (List<?>) reply;
        List<String[]> out = new ArrayList<>();
        if (!withValues) {
            for (Object o : list) {
                out.add(new String[] {(String) o, null});
            }
        } else if (protocol == 3) {
            for (Object o : list) {
                List<?> pair = assertInstanceOf(List.class, o);
                assertEquals(2, pair.size());
                out.add(new String[] {(String) pair.get(0), (String) pair.get(1)});
            }
        } else {
            assertEquals(0, list.size() % 2);
            for (int i = 0; i < list.size(); i += 2) {
                out.add(new String[] {(String) list.get(i), (String) list.get(i + 1)});
            }
        }
        return out;
    }

    private static void checkCount(RespClient c, String key, Map<String, String> hash, long count,
            boolean withValues, int protocol, String who) {
        String[] command = withValues
                ? new String[] {"HRANDFIELD", key, Long.toString(count), "WITHVALUES"}
                : new String[] {"HRANDFIELD", key, Long.toString(count)};
        String what = who + " " + String.join(" ", command);
        List<String[]> picks = picks(c.callValue(command), withValues, protocol);
        long expected = count < 0 ? -count : Math.min(count, hash.size());
        assertEquals(expected, picks.size(), what);
        Set<String> distinct = new HashSet<>();
        for (String[] p : picks) {
            assertTrue(hash.containsKey(p[0]), what + ": not a field: " + p[0]);
            if (withValues) {
                assertEquals(hash.get(p[0]), p[1], what + ": value of " + p[0]);
            }
            distinct.add(p[0]);
        }
        if (count > 0) {
            assertEquals(picks.size(), distinct.size(), what + ": a field repeats");
        }
    }

    /** Draws are spread: over many draws every field of a small hash comes up. */
    private static void everyFieldComesUp(RespClient c, Map<String, String> hash, String who) {
        Map<String, Integer> single = new HashMap<>();
        Map<String, Integer> distinct = new HashMap<>();
        Map<String, Integer> repeated = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            single.merge((String) c.callValue("HRANDFIELD", "hr:small"), 1, Integer::sum);
            for (Object f : (List<?>) c.callValue("HRANDFIELD", "hr:small", "3")) {
                distinct.merge((String) f, 1, Integer::sum);
            }
            for (Object f : (List<?>) c.callValue("HRANDFIELD", "hr:small", "-3")) {
                repeated.merge((String) f, 1, Integer::sum);
            }
        }
        assertEquals(hash.keySet(), single.keySet(), who + " HRANDFIELD key");
        assertEquals(hash.keySet(), distinct.keySet(), who + " HRANDFIELD key 3");
        assertEquals(hash.keySet(), repeated.keySet(), who + " HRANDFIELD key -3");
    }

    /**
     * Redis answers any negative count by streaming the picks until its memory runs out; Cinnabar
     * refuses a reply it could not buffer (over 2^26 picks) with the OOM error, and goes on serving.
     */
    @Test
    void hrandfieldRefusesARepeatedDrawTooLargeToBuffer() {
        try (CinnabarFixture cinnabar = CinnabarFixture.start(); RespClient c = cinnabar.client()) {
            fill(c, "hr:h", 3);
            assertEquals("-OOM command not allowed when used memory > 'maxmemory'.\r\n", c.callText("HRANDFIELD", "hr:h", "-100000000"));
            assertEquals("-OOM command not allowed when used memory > 'maxmemory'.\r\n", c.callText("HRANDFIELD", "hr:h", "-100000000", "WITHVALUES"));
            assertEquals(100_000, ((List<?>) c.callValue("HRANDFIELD", "hr:h", "-100000")).size());
            assertEquals("+PONG\r\n", c.callText("PING"));
        }
    }

    // ---------------------------------------------------------------- HSCAN over a hashtable

    @Test
    void hscanVisitsEveryFieldOfAHashtableThatIsThereThroughout() {
        try (CinnabarFixture cinnabar = CinnabarFixture.start(); RespClient c = cinnabar.client()) {
            Map<String, String> hash = fill(c, "hs:big", LARGE);
            assertEquals("hashtable", c.callValue("OBJECT", "ENCODING", "hs:big"));
            Map<String, String> seen = new HashMap<>();
            String cursor = "0";
            int calls = 0;
            int added = 0;
            do {
                List<?> reply = (List<?>) c.callValue("HSCAN", "hs:big", cursor, "COUNT", "7");
                cursor = (String) reply.get(0);
                List<?> items = (List<?>) reply.get(1);
                for (int i = 0; i < items.size(); i += 2) {
                    seen.put((String) items.get(i), (String) items.get(i + 1));
                }
                // the table grows under the scan: what was there from the start must still come back
                if (calls++ % 10 == 0) {
                    c.call("HSET", "hs:big", "extra" + added, "x");
                    added++;
                }
                assertTrue(calls < 10 * LARGE, "the scan does not end");
            } while (!cursor.equals("0"));
            for (Map.Entry<String, String> e : hash.entrySet()) {
                assertEquals(e.getValue(), seen.get(e.getKey()), "field " + e.getKey());
            }
            List<?> matched = (List<?>) ((List<?>) c.callValue("HSCAN", "hs:big", "0", "MATCH", "field1*", "COUNT", "100000")).get(1);
            Set<String> fields = new HashSet<>();
            for (int i = 0; i < matched.size(); i += 2) {
                fields.add((String) matched.get(i));
            }
            Set<String> expected = new HashSet<>();
            for (String f : hash.keySet()) {
                if (f.startsWith("field1")) {
                    expected.add(f);
                }
            }
            assertEquals(expected, fields);
        }
    }

    // ---------------------------------------------------------------- client libraries

    @Test
    void jedisParsesHashReplies() {
        try (CinnabarFixture cinnabar = CinnabarFixture.start(); Jedis jedis = new Jedis(cinnabar.host(), cinnabar.port())) {
            jedis.del("jh");
            Map<String, String> map = new LinkedHashMap<>();
            map.put("name", "cinnabar");
            map.put("port", "6379");
            map.put("empty", "");
            assertEquals(3, jedis.hset("jh", map));
            assertEquals(map, jedis.hgetAll("jh"));
            assertEquals(map.keySet(), jedis.hkeys("jh"));
            assertEquals(6380, jedis.hincrBy("jh", "port", 1));
            assertEquals(1.5, jedis.hincrByFloat("jh", "f", 1.5));
            assertEquals(Arrays.asList("cinnabar", null), jedis.hmget("jh", "name", "nofield"));
            assertEquals(1, jedis.hdel("jh", "empty"));
            List<Map.Entry<String, String>> pairs = jedis.hrandfieldWithValues("jh", 10);
            assertEquals(3, pairs.size());
            ScanResult<Map.Entry<String, String>> scan = jedis.hscan("jh", ScanParams.SCAN_POINTER_START, new ScanParams().match("n*"));
            assertEquals("0", scan.getCursor());
            assertEquals("name", scan.getResult().get(0).getKey());
            assertNull(jedis.hget("jh", "nofield"));
        }
    }

    @Test
    void lettuceParsesHashRepliesInResp3() {
        try (CinnabarFixture cinnabar = CinnabarFixture.start()) {
            lettuce(cinnabar);
        }
    }

    private static void lettuce(CinnabarFixture cinnabar) {
        RedisClient client = RedisClient.create(RedisURI.builder().withHost(cinnabar.host()).withPort(cinnabar.port())
                .withTimeout(Duration.ofSeconds(10)).build());
        try (StatefulRedisConnection<String, String> conn = client.connect()) {
            RedisCommands<String, String> r = conn.sync();
            r.del("lh");
            assertEquals(2L, r.hset("lh", Map.of("a", "1", "b", "two")));
            assertEquals(Map.of("a", "1", "b", "two"), r.hgetall("lh"));
            assertEquals(3L, r.hincrby("lh", "a", 2));
            assertEquals(2.5, r.hincrbyfloat("lh", "c", 2.5));
            List<KeyValue<String, String>> picks = r.hrandfieldWithvalues("lh", 5);
            assertEquals(3, picks.size());
            for (KeyValue<String, String> kv : picks) {
                assertEquals(r.hget("lh", kv.getKey()), kv.getValue());
            }
            MapScanCursor<String, String> scan = r.hscan("lh", ScanArgs.Builder.limit(100));
            assertTrue(scan.isFinished());
            assertEquals(r.hgetall("lh"), scan.getMap());
            assertTrue(r.hexists("lh", "b"));
            assertEquals(3L, r.hstrlen("lh", "b"));
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
