package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.DumpPayload;
import io.cinnabar.testing.RedisOracle;
import io.cinnabar.testing.RespClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * RESTORE's options, errors, expiry, access clocks, keyspace events and WATCH, and the encoding a
 * payload gets under thresholds changed since it was dumped: each step runs on Cinnabar and on
 * real Redis with the payload Redis dumped, and the replies must be byte-equal.
 */
@Timeout(120)
class DumpRestoreCommandsDiffTest {
    private static RedisOracle redis;
    private static CinnabarFixture cinnabar;
    private static RespClient theirs;
    private static RespClient ours;
    private final List<String> mismatches = new ArrayList<>();

    @BeforeAll
    static void start() {
        redis = RedisOracle.start();
        cinnabar = CinnabarFixture.start("enable-debug-command yes");
        theirs = redis.client();
        ours = cinnabar.client();
    }

    @AfterAll
    static void stop() {
        theirs.close();
        ours.close();
        cinnabar.close();
        redis.close();
    }

    @BeforeEach
    void reset() {
        for (RespClient c : List.of(theirs, ours)) {
            c.call("FLUSHALL");
            c.call("CONFIG", "SET", "hash-max-listpack-entries", "128", "hash-max-listpack-value", "64");
            c.call("CONFIG", "SET", "zset-max-listpack-entries", "128", "zset-max-listpack-value", "64");
            c.call("CONFIG", "SET", "set-max-intset-entries", "512", "maxmemory-policy", "noeviction");
            c.call("CONFIG", "SET", "list-max-listpack-size", "-2", "list-compress-depth", "0");
            c.call("CONFIG", "SET", "notify-keyspace-events", "");
        }
    }

    @Test
    void argumentErrorsInRedisOrder() {
        both("SET", "src", "hello");
        byte[] p = redisDump("src");
        both("RESTORE", "src", "0", p);
        both("RESTORE", "src", "0", p, "BOGUS");
        both("RESTORE", "new", "0", p, "IDLETIME");
        both("RESTORE", "new", "0", p, "IDLETIME", "-1");
        both("RESTORE", "new", "0", p, "IDLETIME", "x");
        both("RESTORE", "new", "0", p, "FREQ", "256");
        both("RESTORE", "new", "0", p, "FREQ", "-1");
        both("RESTORE", "new", "0", p, "FREQ", "1", "IDLETIME", "1");
        both("RESTORE", "new", "0", p, "IDLETIME", "1", "FREQ", "1");
        both("RESTORE", "new", "-1", p);
        both("RESTORE", "new", "x", p);
        both("RESTORE", "src", "-1", p);
        both("RESTORE", "new", "0", "short");
        both("RESTORE", "new", "-1", "short");
        both("RESTORE", "new", "0", "not a payload at all");
        byte[] badCrc = p.clone();
        badCrc[badCrc.length - 1] ^= 1;
        both("RESTORE", "new", "0", badCrc);
        byte[] newerVersion = p.clone();
        newerVersion[newerVersion.length - 10] = 11;
        both("RESTORE", "new", "0", newerVersion);
        both("RESTORE", "new", "0", payload(new byte[] {0x07, 0x01}));
        both("RESTORE", "new", "0", payload(new byte[] {0x12, 0x00}));
        both("RESTORE", "new", "0", payload(new byte[] {0x00, (byte) 0x80, 0x7f, 0x7f, 0x7f, 0x7f}));
        both("RESTORE", "new", "0", p, "replace", "REPLACE", "absttl");
        both("RESTORE-ASKING", "asked", "0", p);
        both("RESTORE-ASKING", "asked", "0", p);
        both("GET", "asked");
        both("DUMP", "nokey");
        both("DUMP", "src", "extra");
        both("DUMP");
        both("RESTORE", "new", "0");
        both("EXISTS", "new");
        assertNoMismatch();
    }

    @Test
    void expiryReplaceAndAbsoluteTimes() {
        both("SET", "src", "v");
        byte[] p = redisDump("src");
        both("RESTORE", "a", "100000", p);
        sameTtlRange("a", 99000, 100000);
        both("RESTORE", "b", "0", p, "ABSTTL");
        both("PTTL", "b");
        both("RESTORE", "c", "1", p, "ABSTTL");
        both("EXISTS", "c");
        both("RESTORE", "src", "1", p, "ABSTTL", "REPLACE");
        both("EXISTS", "src");
        long future = System.currentTimeMillis() + 3_600_000;
        both("RESTORE", "d", Long.toString(future), p, "ABSTTL");
        both("PEXPIRETIME", "d");
        both("RESTORE", "huge", "9223372036854775807", p);
        both("EXISTS", "huge");
        both("RESTORE", "hugeabs", "9223372036854775000", p, "ABSTTL");
        both("EXISTS", "hugeabs");
        both("RESTORE", "d", "0", p, "REPLACE");
        both("TTL", "d");
        both("GET", "d");
        assertNoMismatch();
    }

    @Test
    void idleTimeAndFrequency() {
        both("SET", "src", "v");
        byte[] p = redisDump("src");
        both("RESTORE", "idle", "0", p, "IDLETIME", "1000");
        both("OBJECT", "IDLETIME", "idle");
        both("RESTORE", "old", "0", p, "IDLETIME", "99999999999");
        both("RESTORE", "wrapped", "0", p, "IDLETIME", "9223372036854775807");
        for (String key : List.of("old", "wrapped")) {
            // the LRU clock is in seconds: a tick between the two reads may move it one step
            // around its 24-bit circle (LRU_CLOCK_MAX steps)
            long expected = (Long) theirs.callValue("OBJECT", "IDLETIME", key);
            long actual = (Long) ours.callValue("OBJECT", "IDLETIME", key);
            long apart = Math.abs(expected - actual);
            assertTrue(Math.min(apart, (1 << 24) - 1 - apart) <= 1, key + ": redis " + expected + ", cinnabar " + actual);
        }
        both("RESTORE", "freq", "0", p, "FREQ", "100");
        both("OBJECT", "IDLETIME", "freq");
        both("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu");
        both("RESTORE", "freq2", "0", p, "FREQ", "100");
        both("OBJECT", "FREQ", "freq2");
        both("RESTORE", "freq3", "0", p, "IDLETIME", "100");
        both("OBJECT", "FREQ", "freq3");
        assertNoMismatch();
    }

    @Test
    void keyspaceEventsAndWatch() {
        both("SET", "src", "v");
        byte[] p = redisDump("src");
        both("CONFIG", "SET", "notify-keyspace-events", "KEA");
        List<List<String>> events = new ArrayList<>();
        for (int side = 0; side < 2; side++) {
            RespClient subscriber = side == 0 ? redis.client() : cinnabar.client();
            RespClient client = side == 0 ? theirs : ours;
            subscriber.call("PSUBSCRIBE", "__key*__:*");
            subscriber.call("SUBSCRIBE", "marker");
            client.call(bytes("RESTORE"), bytes("k"), bytes("0"), p);
            client.call(bytes("RESTORE"), bytes("k"), bytes("0"), p, bytes("REPLACE"));
            client.call(bytes("RESTORE"), bytes("k"), bytes("1"), p, bytes("REPLACE"), bytes("ABSTTL"));
            client.call(bytes("RESTORE"), bytes("t"), bytes("100000"), p);
            client.call("PUBLISH", "marker", "end");
            List<String> seen = new ArrayList<>();
            while (true) {
                String message = subscriber.read().toString();
                seen.add(message);
                if (message.contains("marker")) {
                    break;
                }
            }
            subscriber.close();
            events.add(seen);
        }
        assertEquals(events.get(0), events.get(1));

        RespClient watcher = cinnabar.client();
        RespClient redisWatcher = redis.client();
        for (RespClient w : List.of(redisWatcher, watcher)) {
            w.call("WATCH", "w");
            w.call("MULTI");
            w.call("PING");
        }
        both("RESTORE", "w", "0", p);
        assertEquals(redisWatcher.call("EXEC").toString(), watcher.call("EXEC").toString());
        watcher.close();
        redisWatcher.close();
        assertNoMismatch();
    }

    /** Redis 7.0 converts on load by entry count only, except intsets and zipmaps; long elements stay in a listpack. */
    @Test
    void encodingFollowsTheThresholdsAtRestoreTime() {
        both("HSET", "h", "f", "a-value-longer-than-three", "g", "1");
        both("ZADD", "z", "1", "a-member-longer-than-three", "2", "b");
        both("SADD", "s", "1", "2", "3", "4");
        both("RPUSH", "l", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
        both("ZADD", "big", "1", "a", "2", "b", "3", "c");
        for (RespClient c : List.of(theirs, ours)) {
            c.call("CONFIG", "SET", "zset-max-listpack-entries", "1000", "zset-max-listpack-value", "1000");
        }
        both("ZADD", "zs", "1", "x", "2", "y");
        for (RespClient c : List.of(theirs, ours)) {
            c.call("CONFIG", "SET", "zset-max-listpack-entries", "0");
        }
        both("ZADD", "zs2", "1", "x", "2", "y");
        byte[][] payloads = {redisDump("h"), redisDump("z"), redisDump("s"), redisDump("l"), redisDump("big"), redisDump("zs2")};
        for (RespClient c : List.of(theirs, ours)) {
            c.call("CONFIG", "SET", "hash-max-listpack-value", "3", "zset-max-listpack-value", "3", "set-max-intset-entries", "2");
            c.call("CONFIG", "SET", "list-max-listpack-size", "2", "list-compress-depth", "1", "zset-max-listpack-entries", "2");
            c.call("CONFIG", "SET", "hash-max-listpack-entries", "1");
        }
        for (int i = 0; i < payloads.length; i++) {
            both("RESTORE", "r" + i, "0", payloads[i]);
            both("OBJECT", "ENCODING", "r" + i);
            if (i != 0 && i != 2) { // hash tables save in dict order, which is Redis's own
                both("DUMP", "r" + i);
            }
        }
        both("HGET", "r0", "f");
        both("SISMEMBER", "r2", "4");
        both("RPUSH", "r3", "k");
        both("DUMP", "r3");
        both("ZRANGE", "r5", "0", "-1", "WITHSCORES");
        assertNoMismatch();
    }

    /** Elements over the packed threshold get plain quicklist nodes, saved with container 1. */
    @Test
    void plainNodesRoundTrip() {
        try {
            both("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "100");
            both("RPUSH", "l", "a", "x".repeat(150), "b", "c", "y".repeat(300), "z".repeat(99));
            both("LPUSH", "l", "w".repeat(120));
            both("DUMP", "l");
            byte[] p = redisDump("l");
            both("RESTORE", "r", "0", p);
            both("LRANGE", "r", "0", "-1");
            both("DUMP", "r");
            both("LINSERT", "r", "BEFORE", "b", "v".repeat(200));
            both("DUMP", "r");
        } finally {
            both("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0");
        }
        assertNoMismatch();
    }

    // ---------------------------------------------------------------- helpers

    private void sameTtlRange(String key, long low, long high) {
        for (RespClient c : List.of(theirs, ours)) {
            long ttl = (Long) c.callValue("PTTL", key);
            assertTrue(ttl >= low && ttl <= high, key + " pttl " + ttl);
        }
    }

    private byte[] redisDump(String key) {
        return DumpPayload.bulkBytes(theirs.call("DUMP", key));
    }

    /** A payload around a value body with a valid footer (RDB 10, CRC64). */
    private static byte[] payload(byte[] value) {
        byte[] p = Arrays.copyOf(value, value.length + 10);
        p[value.length] = 10;
        long crc = io.cinnabar.util.Crc64.update(0, p, 0, value.length + 2);
        for (int i = 0; i < 8; i++) {
            p[value.length + 2 + i] = (byte) (crc >>> (8 * i));
        }
        return p;
    }

    private void both(Object... parts) {
        byte[][] args = new byte[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            args[i] = parts[i] instanceof byte[] ? (byte[]) parts[i] : bytes(parts[i].toString());
        }
        RespClient.Reply expected = theirs.call(args);
        RespClient.Reply actual = ours.call(args);
        if (!Arrays.equals(expected.raw, actual.raw)) {
            StringBuilder command = new StringBuilder();
            for (byte[] a : args) {
                command.append(' ').append(a.length > 40 ? "<" + a.length + " bytes>" : new String(a, StandardCharsets.ISO_8859_1));
            }
            mismatches.add(command + "\n    redis:    " + expected + "\n    cinnabar: " + actual);
        }
    }

    private void assertNoMismatch() {
        assertTrue(mismatches.isEmpty(), () -> String.join("\n", mismatches));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
