package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RedisOracle;
import io.cinnabar.testing.RespClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * MEMORY STATS against Redis (field names, order and reply types, RESP2 and RESP3) and against
 * INFO memory (the same figures); MEMORY USAGE of the shapes it estimates against what
 * used_memory charges; MEMORY DOCTOR's rules on given figures; the jemalloc size classes.
 */
@Timeout(60)
class MemoryCommandsTest {
    private static final String[][] DATA = {
        {"SELECT", "0"}, {"SET", "a", "1"}, {"HSET", "h", "f", "v"}, {"EXPIRE", "h", "1000"},
        {"SELECT", "3"}, {"RPUSH", "l", "x", "y"}, {"SELECT", "0"},
    };

    @Test
    void statsHasRedisFieldsInRedisOrderWithRedisTypes() {
        try (RedisOracle redis = RedisOracle.start(); CinnabarFixture cinnabar = CinnabarFixture.start();
                RespClient theirs = redis.client(); RespClient ours = cinnabar.client()) {
            for (int protocol : new int[] {2, 3}) {
                theirs.call("HELLO", Integer.toString(protocol));
                ours.call("HELLO", Integer.toString(protocol));
                theirs.call("FLUSHALL");
                ours.call("FLUSHALL");
                assertEquals(shape(theirs.call("MEMORY", "STATS").raw), shape(ours.call("MEMORY", "STATS").raw), "empty, RESP" + protocol);
                for (String[] c : DATA) {
                    theirs.call(c);
                    ours.call(c);
                }
                assertEquals(shape(theirs.call("MEMORY", "STATS").raw), shape(ours.call("MEMORY", "STATS").raw), "with keys, RESP" + protocol);
            }
        }
    }

    @Test
    void statsAgreesWithInfoMemory() {
        try (CinnabarFixture cinnabar = CinnabarFixture.start(); RespClient c = cinnabar.client()) {
            for (String[] command : DATA) {
                c.call(command);
            }
            c.call("HSET", "big", "f", "x".repeat(100)); // a hashtable, whose size is our own estimate
            Map<String, String> info = info(c.callText("INFO", "memory"));
            Map<String, String> stats = flatten(c.call("MEMORY", "STATS").text());
            assertEquals(info.get("used_memory"), stats.get("total.allocated"));
            assertEquals(info.get("used_memory_startup"), stats.get("startup.allocated"));
            assertEquals(info.get("used_memory_overhead"), stats.get("overhead.total"));
            assertEquals(info.get("used_memory_dataset"), stats.get("dataset.bytes"));
            assertEquals(info.get("used_memory_scripts_eval"), stats.get("lua.caches"));
            assertEquals("4", stats.get("keys.count"));
            long total = Long.parseLong(stats.get("total.allocated"));
            long startup = Long.parseLong(stats.get("startup.allocated"));
            assertEquals((total - startup) / 4, Long.parseLong(stats.get("keys.bytes-per-key")));
            assertTrue(Long.parseLong(stats.get("peak.allocated")) >= total);
            long resident = Long.parseLong(stats.get("allocator.resident"));
            assertEquals(resident - total, Long.parseLong(stats.get("fragmentation.bytes")));
            assertEquals(resident - Long.parseLong(stats.get("allocator.active")), Long.parseLong(stats.get("allocator-rss.bytes")));
            assertEquals("120", stats.get("db.0.overhead.hashtable.main")); // three keys at 40 bytes each
            assertEquals("40", stats.get("db.3.overhead.hashtable.main"));
            assertTrue(!stats.containsKey("db.1.overhead.hashtable.main"));
        }
    }

    @Test
    void estimatedShapesAnswerWhatUsedMemoryIsCharged() {
        try (CinnabarFixture cinnabar = CinnabarFixture.start(); RespClient c = cinnabar.client()) {
            c.call("HSET", "hash", "f", "x".repeat(100));
            c.call("ZADD", "zset", "1", "y".repeat(100));
            c.call("SADD", "set", "a", "b");
            c.call("XADD", "stream", "*", "f", "v");
            c.call("SET", "appended", "abc");
            c.call("APPEND", "appended", "def");
            long sum = 0;
            for (String key : new String[] {"hash", "zset", "set", "stream", "appended"}) {
                long usage = (Long) c.call("MEMORY", "USAGE", key).value;
                assertTrue(usage > 0, key);
                sum += usage;
            }
            assertEquals(info(c.callText("INFO", "memory")).get("used_memory_dataset"), Long.toString(sum));
        }
    }

    @Test
    void doctorAppliesRedisRulesToOurFigures() {
        long mb = 1 << 20;
        assertTrue(report(0, 4 * mb, 4 * mb, 4 * mb).startsWith("Hi Sam, this instance is empty"));
        assertEquals("Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n",
                report(100 * mb, 100 * mb, 100 * mb, 100 * mb));
        String peak = report(200 * mb, 100 * mb, 100 * mb, 100 * mb);
        assertTrue(peak.startsWith("Sam, I detected a few issues in this Redis instance memory implants:\n\n * Peak memory:"), peak);
        assertTrue(peak.endsWith("I'm here to keep you safe, Sam. I want to help you.\n"), peak);
        String rss = report(100 * mb, 100 * mb, 100 * mb, 300 * mb);
        assertTrue(rss.contains(" * High total RSS:") && rss.contains("Note: The currently used allocator is \"jvm\"."), rss);
        assertTrue(rss.contains(" * High allocator RSS overhead:"), rss);
        assertTrue(!rss.contains("Peak memory"), rss);
        String heap = report(100 * mb, 100 * mb, 200 * mb, 200 * mb);
        assertTrue(heap.contains(" * High allocator fragmentation:"), heap);
        // the excess must also pass 10 MB, as in Redis
        assertEquals(report(100 * mb, 100 * mb, 100 * mb, 100 * mb), report(6 * mb, 6 * mb, 6 * mb, 12 * mb));
    }

    private static String report(long peak, long used, long heapCommitted, long rss) {
        return MemoryCommands.doctorReport(new MemoryCommands.Figures(peak, used, used, 0, 0, used, heapCommitted, rss));
    }

    @Test
    void allocationFollowsJemallocSizeClasses() {
        long[][] cases = {{0, 8}, {8, 8}, {9, 16}, {17, 32}, {33, 48}, {128, 128}, {129, 160}, {257, 320},
            {1025, 1280}, {14337, 16384}, {16385, 20480}, {65538, 81920}, {100006, 114688}};
        for (long[] c : cases) {
            assertEquals(c[1], MemoryCommands.allocation(c[0]), "request of " + c[0]);
        }
    }

    /** Each field name in order with the RESP type of its value, nested maps inline; db.N named so. */
    private static List<String> shape(byte[] raw) {
        List<String> out = new ArrayList<>();
        String[] lines = new String(raw, StandardCharsets.ISO_8859_1).split("\r\n");
        shapeOfMap(lines, 0, out);
        return out;
    }

    /** Appends the shape of the map whose header is at {@code at}; returns the line after it. */
    private static int shapeOfMap(String[] lines, int at, List<String> out) {
        int entries = Integer.parseInt(lines[at].substring(1)) / (lines[at].startsWith("%") ? 1 : 2);
        int i = at + 1;
        for (int e = 0; e < entries; e++) {
            String name = lines[i + 1];
            out.add(name.startsWith("db.") ? "db.N" : name);
            i += 2;
            char type = lines[i].charAt(0);
            if (type == '*' || type == '%') {
                out.add("map");
                i = shapeOfMap(lines, i, out);
            } else {
                out.add(String.valueOf(type));
                i += type == '$' ? 2 : 1;
            }
        }
        return i;
    }

    /** MEMORY STATS (RESP2) as name -> value, nested maps as db.N.field. */
    private static Map<String, String> flatten(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        String[] lines = raw.split("\r\n");
        String prefix = "";
        int nested = 0;
        int i = 1;
        while (i < lines.length) {
            String name = lines[i + 1];
            i += 2;
            String value;
            if (lines[i].startsWith("*")) {
                prefix = name + ".";
                nested = Integer.parseInt(lines[i].substring(1)) / 2;
                i++;
                continue;
            } else if (lines[i].startsWith("$")) {
                value = lines[i + 1];
                i += 2;
            } else {
                value = lines[i].substring(1);
                i++;
            }
            out.put(prefix + name, value);
            if (nested > 0 && --nested == 0) {
                prefix = "";
            }
        }
        return out;
    }

    private static Map<String, String> info(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("$")) {
                out.put(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        return out;
    }
}
