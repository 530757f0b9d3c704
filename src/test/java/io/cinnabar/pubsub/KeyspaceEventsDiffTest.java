package io.cinnabar.pubsub;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RedisOracle;
import io.cinnabar.testing.RespClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Keyspace notifications compared message for message with real Redis: the same seeded random
 * commands (every data family, a few keys so types collide, TTLs that expire lazily and actively)
 * run on both servers while a second connection on each is PSUBSCRIBEd to {@code __key*__:*}.
 * Each step ends with a PUBLISH of a marker, so both notification streams are read up to the same
 * point and compared byte for byte. Replay a failure with {@code -DnotifySeed=<seed>}.
 */
@Timeout(300)
class KeyspaceEventsDiffTest {
    private static final String[] SETTINGS = {"KEA", "Kl", "Eg$", "Ex", "Kn", "Em", "AKEnm"};
    private static final String[] KEYS = {"a", "b", "c", "d"};
    private static final int STEPS = 700;
    private static final int COMMANDS_PER_STEP = 3;
    private static final long COMPARED_EXPIRY_MS = System.currentTimeMillis() + 3_600_000;

    @Test
    void notificationStreamsMatchRedis() {
        long seed = Long.getLong("notifySeed", 20261130L);
        List<String> mismatches = new ArrayList<>();
        try (RedisOracle redis = RedisOracle.start(); CinnabarFixture cinnabar = CinnabarFixture.start("enable-debug-command yes");
                Side theirs = new Side("redis", redis.client(), redis.client());
                Side ours = new Side("cinnabar", cinnabar.client(), cinnabar.client())) {
            for (String setting : SETTINGS) {
                Random r = new Random(seed ^ setting.hashCode());
                for (Side s : List.of(theirs, ours)) {
                    s.commands.call("FLUSHALL");
                    s.commands.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
                    s.commands.call("CONFIG", "SET", "notify-keyspace-events", setting);
                }
                for (int step = 0; step < STEPS && mismatches.size() < 10; step++) {
                    List<String> log = new ArrayList<>();
                    int kind = r.nextInt(40);
                    if (kind == 0) {
                        lazyExpiry(theirs, ours, key(r), log);
                    } else if (kind == 1) {
                        activeExpiry(theirs, ours, key(r), log);
                    } else {
                        for (int i = 0; i < COMMANDS_PER_STEP; i++) {
                            String[] c = randomCommand(r);
                            log.add(String.join(" ", c));
                            Object expected = theirs.commands.call(c);
                            Object actual = ours.commands.call(c);
                            if (!c[0].equals("SPOP") && !sameReply(expected, actual)) {
                                mismatches.add("[" + setting + "] reply of " + String.join(" ", c)
                                        + "\n    redis:    " + expected + "\n    cinnabar: " + actual);
                            }
                        }
                    }
                    String marker = setting + ":" + step;
                    List<String> expected = theirs.eventsUntil(marker);
                    List<String> actual = ours.eventsUntil(marker);
                    if (!expected.equals(actual)) {
                        mismatches.add("[" + setting + "] after " + log + "\n    redis:    " + expected + "\n    cinnabar: " + actual);
                    }
                }
            }
        }
        assertTrue(mismatches.isEmpty(), () -> "seed " + seed + ", notifications differ:\n" + String.join("\n", mismatches));
    }

    /** Redis 7.0 announces a BITFIELD only when a SET or INCRBY grew the string or changed its field. */
    @Test
    void bitfieldThatChangesNothingIsSilent() {
        String[][] commands = {
            {"BITFIELD", "bf", "SET", "u8", "6", "0", "GET", "u4", "0"}, // creates the key: announced
            {"BITFIELD", "bf", "SET", "u8", "6", "0"}, // same value, no growth: silent
            {"BITFIELD", "bf", "INCRBY", "i5", "0", "0", "SET", "u4", "4", "0"},
            {"BITFIELD", "bf", "SET", "u8", "12", "0"}, // grows by a zero byte: announced
            {"BITFIELD", "bf", "SET", "u8", "0", "7"},
            {"BITFIELD", "bf", "SET", "u8", "0", "7", "INCRBY", "u8", "0", "1"},
            {"BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "300"},
            {"BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "u2", "0", "9", "INCRBY", "u2", "0", "9"},
            {"SET", "n", "1234"}, {"BITFIELD", "n", "SET", "u8", "0", "49"}, {"BITFIELD", "n", "SET", "u8", "0", "50"},
        };
        List<String> mismatches = new ArrayList<>();
        try (RedisOracle redis = RedisOracle.start(); CinnabarFixture cinnabar = CinnabarFixture.start();
                Side theirs = new Side("redis", redis.client(), redis.client());
                Side ours = new Side("cinnabar", cinnabar.client(), cinnabar.client())) {
            for (Side s : List.of(theirs, ours)) {
                s.commands.call("CONFIG", "SET", "notify-keyspace-events", "KEA");
            }
            for (int i = 0; i < commands.length; i++) {
                Object expected = theirs.commands.call(commands[i]);
                Object actual = ours.commands.call(commands[i]);
                List<String> expectedEvents = theirs.eventsUntil("step" + i);
                List<String> actualEvents = ours.eventsUntil("step" + i);
                if (!sameReply(expected, actual) || !expectedEvents.equals(actualEvents)) {
                    mismatches.add(String.join(" ", commands[i]) + "\n    redis:    " + expected + " " + expectedEvents
                            + "\n    cinnabar: " + actual + " " + actualEvents);
                }
            }
        }
        assertTrue(mismatches.isEmpty(), () -> String.join("\n", mismatches));
    }

    /** Blocking commands served by a later write: the writer's events, then the served pop's. */
    @Test
    void servedBlockingCommandsMatchRedis() {
        String[][][] cases = {
            {{"BLPOP", "q", "p", "5"}, {"RPUSH", "p", "x", "y"}},
            {{"BRPOP", "q", "5"}, {"LPUSH", "q", "x"}},
            {{"BLMOVE", "q", "dst", "LEFT", "RIGHT", "5"}, {"RPUSH", "q", "x"}},
            {{"BRPOPLPUSH", "q", "q", "5"}, {"RPUSH", "q", "x", "y"}},
            {{"BLMPOP", "5", "2", "p", "q", "LEFT", "COUNT", "3"}, {"RPUSH", "q", "x", "y"}},
            {{"BZPOPMIN", "z", "5"}, {"ZADD", "z", "1", "a", "2", "b"}},
            {{"BZMPOP", "5", "1", "z", "MAX", "COUNT", "5"}, {"ZADD", "z", "1", "a"}},
        };
        List<String> mismatches = new ArrayList<>();
        try (RedisOracle redis = RedisOracle.start(); CinnabarFixture cinnabar = CinnabarFixture.start();
                Side theirs = new Side("redis", redis.client(), redis.client());
                Side ours = new Side("cinnabar", cinnabar.client(), cinnabar.client());
                RespClient theirWaiter = redis.client(); RespClient ourWaiter = cinnabar.client()) {
            int step = 0;
            for (String[][] c : cases) {
                List<String> replies = new ArrayList<>();
                for (Side s : List.of(theirs, ours)) {
                    RespClient waiter = s == theirs ? theirWaiter : ourWaiter;
                    s.commands.call("FLUSHALL");
                    s.commands.call("CONFIG", "SET", "notify-keyspace-events", "KEA");
                    waiter.send(c[0]);
                    s.pollUntil(() -> s.text("INFO", "clients").contains("blocked_clients:1"));
                    s.commands.call(c[1]);
                    replies.add(waiter.read().toString());
                }
                String marker = "blocked:" + step++;
                List<String> expected = theirs.eventsUntil(marker);
                List<String> actual = ours.eventsUntil(marker);
                if (!expected.equals(actual) || !replies.get(0).equals(replies.get(1))) {
                    mismatches.add(String.join(" ", c[0]) + " served by " + String.join(" ", c[1])
                            + "\n    redis:    " + replies.get(0) + " " + expected + "\n    cinnabar: " + replies.get(1) + " " + actual);
                }
            }
        }
        assertTrue(mismatches.isEmpty(), () -> "notifications differ:\n" + String.join("\n", mismatches));
    }

    private static boolean sameReply(Object a, Object b) {
        return a instanceof RespClient.Reply && b instanceof RespClient.Reply
                && Arrays.equals(((RespClient.Reply) a).raw, ((RespClient.Reply) b).raw);
    }

    /**
     * A TTL this short, then reads until each server has expired the key on access. Not 1 ms:
     * Redis 7.0 reads the clock twice in PEXPIRE, and on a loaded machine a 1 ms TTL can count as
     * already past, which deletes the key (event del) instead of setting the TTL (event expire).
     */
    private static final String SHORT_TTL_MS = "20";

    private static void lazyExpiry(Side theirs, Side ours, String key, List<String> log) {
        log.add("PEXPIRE " + key + " " + SHORT_TTL_MS + ", then PTTL until -2");
        for (Side s : List.of(theirs, ours)) {
            s.commands.call("PEXPIRE", key, SHORT_TTL_MS);
            s.pollUntil(() -> "-2".equals(s.text("PTTL", key)));
        }
    }

    /** A short TTL with the active cycle on, until it has removed the key unasked. */
    private static void activeExpiry(Side theirs, Side ours, String key, List<String> log) {
        log.add("EXISTS on every key in db 1 and 0, PEXPIRE " + key + " " + SHORT_TTL_MS + " with active expiry, then DBSIZE until it drops");
        for (Side s : List.of(theirs, ours)) {
            // Stale keys (SET ... PXAT 1, SWAPDB) go first, on access, so only the one key is left to the cycle.
            s.commands.call("SELECT", "1");
            s.commands.call(new String[] {"EXISTS", KEYS[0], KEYS[1], KEYS[2], KEYS[3]});
            s.commands.call("SELECT", "0");
            s.commands.call(new String[] {"EXISTS", KEYS[0], KEYS[1], KEYS[2], KEYS[3]});
            long before = Long.parseLong(s.text("DBSIZE"));
            s.commands.call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
            boolean set = "1".equals(s.text("PEXPIRE", key, SHORT_TTL_MS));
            if (set) {
                s.pollUntil(() -> Long.parseLong(s.text("DBSIZE")) == before - 1);
            }
            s.commands.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
        }
    }

    private static String key(Random r) {
        return KEYS[r.nextInt(KEYS.length)];
    }

    private static String member(Random r) {
        return r.nextInt(4) == 0 ? Integer.toString(r.nextInt(5)) : "m" + r.nextInt(5);
    }

    private static String num(Random r) {
        return Integer.toString(r.nextInt(7) - 2);
    }

    /** The last stream ID handed out by the generator (IDs only grow, so XADD never errs on order). */
    private static long streamIds;

    private static String lon(Random r) {
        return Integer.toString(10 + r.nextInt(6));
    }

    private static String lat(Random r) {
        return Integer.toString(36 + r.nextInt(6));
    }

    private static String side(Random r) {
        return r.nextBoolean() ? "LEFT" : "RIGHT";
    }

    /**
     * GT and LT compare a new expiry with the key's current one; relative times taken a few ms
     * apart on two servers can compare differently, so those use one absolute time, an hour past
     * every relative TTL the sequence sets.
     */
    private static String[] expireWithFlag(String key, String flag) {
        if (flag.equals("GT") || flag.equals("LT")) {
            return new String[] {"PEXPIREAT", key, Long.toString(COMPARED_EXPIRY_MS), flag};
        }
        return new String[] {"EXPIRE", key, "100", flag};
    }

    private static String[] randomCommand(Random r) {
        String k = key(r);
        String k2 = key(r);
        String k3 = key(r);
        String m = member(r);
        switch (r.nextInt(104)) {
            // strings
            case 0: return new String[] {"SET", k, m};
            case 1: return new String[] {"SET", k, m, "EX", "100"};
            case 2: return new String[] {"SET", k, m, r.nextBoolean() ? "NX" : "XX", "PX", "100000"};
            case 3: return new String[] {"SET", k, m, "KEEPTTL", "GET"};
            case 4: return new String[] {"SETNX", k, m};
            case 5: return new String[] {"SETEX", k, "100", m};
            case 6: return new String[] {"GETSET", k, m};
            case 7: return new String[] {"GETDEL", k};
            case 8: return new String[] {"GETEX", k, "EX", "200"};
            case 9: return new String[] {"GETEX", k, "PERSIST"};
            case 10: return new String[] {"GETEX", k, "PXAT", "1"};
            case 11: return new String[] {"MSET", k, m, k2, member(r)};
            case 12: return new String[] {"MSETNX", k, m, k2, member(r)};
            case 13: return new String[] {"APPEND", k, m};
            case 14: return new String[] {"SETRANGE", k, Integer.toString(r.nextInt(4)), r.nextBoolean() ? "" : m};
            case 15: return new String[] {"INCR", k};
            case 16: return new String[] {"DECRBY", k, num(r)};
            case 17: return new String[] {"INCRBYFLOAT", k, "1.5"};
            case 18: return new String[] {"GET", k};
            case 19: return new String[] {"STRLEN", k};
            case 20: return new String[] {"SETBIT", k, Integer.toString(r.nextInt(20)), Integer.toString(r.nextInt(2))};
            case 21: return new String[] {"BITFIELD", k, "SET", "u8", Integer.toString(r.nextInt(16)), num(r), "GET", "u4", "0"};
            case 22: return new String[] {"BITFIELD", k, "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "3"};
            case 23: return new String[] {"BITOP", r.nextBoolean() ? "OR" : "AND", k, k2, k3};
            case 24: return new String[] {"PFADD", k, m, member(r)};
            case 25: return new String[] {"PFMERGE", k, k2};
            case 26: return new String[] {"PFCOUNT", k};
            // generic
            case 27: return new String[] {"DEL", k, k2};
            case 28: return new String[] {"UNLINK", k};
            case 29: return new String[] {"EXISTS", k, k2};
            case 30: return new String[] {"TYPE", k};
            case 31: return new String[] {"RENAME", k, k2};
            case 32: return new String[] {"RENAMENX", k, k2};
            case 33: return new String[] {"COPY", k, k2, "REPLACE"};
            case 34: return new String[] {"COPY", k, k2, "DB", "1"};
            case 35: return new String[] {"MOVE", k, "1"};
            case 36: return expireWithFlag(k, new String[] {"NX", "XX", "GT", "LT"}[r.nextInt(4)]);
            case 37: return new String[] {"EXPIRE", k, Integer.toString(50 + r.nextInt(100))};
            case 38: return new String[] {"PEXPIREAT", k, "1"};
            case 39: return new String[] {"PERSIST", k};
            case 40: return new String[] {"TTL", k};
            case 41: return new String[] {"SWAPDB", "0", "1"};
            // lists
            case 42: return new String[] {"LPUSH", k, m, member(r)};
            case 43: return new String[] {"RPUSH", k, m};
            case 44: return new String[] {r.nextBoolean() ? "LPUSHX" : "RPUSHX", k, m};
            case 45: return new String[] {"LPOP", k};
            case 46: return new String[] {"RPOP", k, Integer.toString(r.nextInt(3))};
            case 47: return new String[] {"LINSERT", k, r.nextBoolean() ? "BEFORE" : "AFTER", m, member(r)};
            case 48: return new String[] {"LSET", k, num(r), m};
            case 49: return new String[] {"LREM", k, num(r), m};
            case 50: return new String[] {"LTRIM", k, num(r), num(r)};
            case 51: return new String[] {"LMOVE", k, k2, side(r), side(r)};
            case 52: return new String[] {"RPOPLPUSH", k, k2};
            case 53: return new String[] {"LMPOP", "2", k, k2, side(r), "COUNT", "2"};
            case 54: return new String[] {"BLPOP", k, k2, "0.01"};
            case 55: return new String[] {"BLMOVE", k, k2, side(r), side(r), "0.01"};
            case 56: return new String[] {"LRANGE", k, "0", "-1"};
            // hashes
            case 57: return new String[] {"HSET", k, m, member(r), member(r), "v"};
            case 58: return new String[] {"HSETNX", k, m, "v"};
            case 59: return new String[] {"HDEL", k, m, member(r)};
            case 60: return new String[] {"HINCRBY", k, m, num(r)};
            case 61: return new String[] {"HINCRBYFLOAT", k, m, "0.5"};
            case 62: return new String[] {"HGET", k, m};
            // sets
            case 63: return new String[] {"SADD", k, m, member(r)};
            case 64: return new String[] {"SREM", k, m, member(r)};
            case 65: return new String[] {"SMOVE", k, k2, m};
            case 66: return new String[] {"SPOP", k, r.nextBoolean() ? "100" : "0"};
            case 67: return new String[] {"SINTERSTORE", k, k2, k3};
            case 68: return new String[] {"SUNIONSTORE", k, k2, k3};
            case 69: return new String[] {"SDIFFSTORE", k, k2, k3};
            case 70: return new String[] {"SISMEMBER", k, m};
            // sorted sets
            case 71: return new String[] {"ZADD", k, num(r), m, num(r), member(r)};
            case 72: return new String[] {"ZADD", k, new String[] {"NX", "XX", "GT", "LT"}[r.nextInt(4)], "CH", num(r), m};
            case 73: return new String[] {"ZADD", k, "INCR", num(r), m};
            case 74: return new String[] {"ZINCRBY", k, num(r), m};
            case 75: return new String[] {"ZREM", k, m, member(r)};
            case 76: return new String[] {"ZREMRANGEBYRANK", k, num(r), num(r)};
            case 77: return new String[] {"ZREMRANGEBYSCORE", k, num(r), num(r)};
            case 78: return new String[] {"ZREMRANGEBYLEX", k, "-", "+"}; // a lex range is only defined on equal scores
            case 79: return new String[] {r.nextBoolean() ? "ZPOPMIN" : "ZPOPMAX", k, Integer.toString(r.nextInt(3))};
            case 80: return new String[] {"ZMPOP", "2", k, k2, r.nextBoolean() ? "MIN" : "MAX"};
            case 81: return new String[] {"BZPOPMIN", k, "0.01"};
            case 82: return new String[] {"ZRANGESTORE", k, k2, "0", num(r)};
            case 83: return new String[] {"ZUNIONSTORE", k, "2", k2, k3};
            case 84: return new String[] {"ZINTERSTORE", k, "2", k2, k3};
            case 85: return new String[] {"ZDIFFSTORE", k, "2", k2, k3};
            case 86: return new String[] {"ZSCORE", k, m};
            case 87: return new String[] {"ZRANGE", k, "0", "-1", "WITHSCORES"};
            case 88: return new String[] {"HGETALL", k};
            // SORT ... STORE and geo
            case 89: return new String[] {"SORT", k, "ALPHA", "STORE", k2};
            case 90: return new String[] {"SORT", k, "BY", "nosort", "LIMIT", "0", "2", "STORE", k2};
            case 91: return new String[] {"GEOADD", k, lon(r), lat(r), m};
            case 92: return new String[] {"GEOADD", k, "NX", lon(r), lat(r), m, lon(r), lat(r), member(r)};
            case 93: return new String[] {"GEOSEARCHSTORE", k2, k, "FROMLONLAT", lon(r), lat(r), "BYRADIUS", "300", "km", r.nextBoolean() ? "ASC" : "STOREDIST"};
            case 94: return new String[] {"GEORADIUS", k, lon(r), lat(r), "500", "km", "STORE", k2};
            // streams: explicit, ever-growing IDs so both servers answer the same
            case 95: return new String[] {"XADD", k, ++streamIds + "-1", "f", m};
            case 96: return new String[] {"XADD", k, "MAXLEN", "2", ++streamIds + "-1", "f", m};
            case 97: return new String[] {"XTRIM", k, "MAXLEN", Integer.toString(r.nextInt(3))};
            case 98: return new String[] {"XDEL", k, (streamIds - r.nextInt(3)) + "-1"};
            case 99: return new String[] {"XGROUP", "CREATE", k, "g", "0", "MKSTREAM"};
            case 100: return new String[] {"XGROUP", r.nextBoolean() ? "CREATECONSUMER" : "DELCONSUMER", k, "g", "c" + r.nextInt(2)};
            case 101: return new String[] {"XREADGROUP", "GROUP", "g", "c" + r.nextInt(3), "COUNT", "1", "STREAMS", k, ">"};
            case 102: return new String[] {"XCLAIM", k, "g", "c" + r.nextInt(4), "0", (streamIds - r.nextInt(3)) + "-1", "JUSTID"};
            case 103: return r.nextBoolean() ? new String[] {"XGROUP", "SETID", k, "g", "0"} : new String[] {"XGROUP", "DESTROY", k, "g"};
            default: return new String[] {"SCARD", k};
        }
    }

    /** One server: a connection for commands and one PSUBSCRIBEd to every keyspace channel. */
    private static final class Side implements AutoCloseable {
        private static final String MARKER_CHANNEL = "notify-test-marker";
        final String name;
        final RespClient commands;
        final RespClient subscriber;

        Side(String name, RespClient commands, RespClient subscriber) {
            this.name = name;
            this.commands = commands;
            this.subscriber = subscriber;
            subscriber.setReadTimeout(10_000);
            subscriber.send("PSUBSCRIBE", "__key*__:*");
            subscriber.read();
            subscriber.send("SUBSCRIBE", MARKER_CHANNEL);
            subscriber.read();
        }

        String text(String... command) {
            RespClient.Reply reply = commands.call(command);
            return reply.value == null ? null : reply.value.toString();
        }

        void pollUntil(java.util.function.BooleanSupplier condition) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(name + ": state not reached within 10 s");
                }
                Thread.onSpinWait();
            }
        }

        /** The notification frames received before the marker, each as its RESP text. */
        List<String> eventsUntil(String marker) {
            commands.call("PUBLISH", MARKER_CHANNEL, marker);
            List<String> events = new ArrayList<>();
            while (true) {
                RespClient.Reply frame = subscriber.read();
                if (frame.value instanceof List && ((List<?>) frame.value).size() == 3
                        && MARKER_CHANNEL.equals(String.valueOf(((List<?>) frame.value).get(1)))) {
                    String got = String.valueOf(((List<?>) frame.value).get(2));
                    if (!got.equals(marker)) {
                        throw new AssertionError(name + ": marker " + got + " while waiting for " + marker);
                    }
                    return events;
                }
                events.add(frame.toString());
            }
        }

        @Override
        public void close() {
            commands.close();
            subscriber.close();
        }
    }
}
