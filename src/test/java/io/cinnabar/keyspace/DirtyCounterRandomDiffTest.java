package io.cinnabar.keyspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RedisOracle;
import io.cinnabar.testing.RespClient;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The number of changes since the last save (INFO rdb_changes_since_last_save, Redis's
 * server.dirty) counted as Redis 7.0 counts it: random write commands of every family on a small
 * key space, run on redis-server and Cinnabar, comparing after every command (after every EXEC
 * for a transaction) the change of the counter as well as every reply byte for byte. Both servers
 * run with {@code save ""}, so no save resets the counter. Replay a failure with
 * {@code -DdirtySeed=<seed>}.
 */
@Timeout(300)
class DirtyCounterRandomDiffTest {
    private static final int BATCH = 100;
    private static final int MAX_REPORTED = 40;
    private static final String[] INFO = {"INFO", "persistence"};
    private static final String[] INFO_CLIENTS = {"INFO", "clients"};

    @Test
    void everyFamily() {
        run(20261130L, 5000);
    }

    /** Small collections converted between encodings often, which must not change what is counted. */
    @Test
    void everyFamilyWithSmallEncodings() {
        run(20261201L, 3000, "hash-max-listpack-entries 2", "set-max-intset-entries 2",
                "zset-max-listpack-entries 2", "list-max-listpack-size 2", "stream-node-max-entries 2");
    }

    private static void run(long defaultSeed, int count, String... config) {
        long seed = Long.getLong("dirtySeed", defaultSeed);
        Generator generator = new Generator(new Random(seed));
        List<String[]> commands = new ArrayList<>();
        while (commands.size() < count) {
            generator.next(commands);
        }
        List<String> mismatches = compare(commands, config);
        assertTrue(mismatches.isEmpty(), () -> "seed " + seed + " (-DdirtySeed=" + seed + "), differences:\n"
                + String.join("\n", mismatches));
    }

    /**
     * FLUSHALL counts the keys it removes from every database, and FLUSHALL or FLUSHDB of nothing
     * counts nothing. With save points configured Redis also saves on FLUSHALL, which resets the
     * counter to 0; Cinnabar has no persistence yet, saves nothing, and keeps counting the keys.
     */
    @Test
    void flushAllWithAndWithoutSavePoints() {
        String[][] setup = {{"MSET", "a", "1", "b", "2", "c", "3"}, {"SELECT", "1"}, {"SET", "d", "4"}, {"SELECT", "0"}};
        for (String savePoints : new String[] {"", "3600 1"}) {
            try (RedisOracle redis = RedisOracle.start("--save", savePoints);
                    RespClient theirs = redis.client();
                    CinnabarFixture cinnabar = CinnabarFixture.start("save \"" + savePoints + "\"");
                    RespClient ours = cinnabar.client()) {
                for (String[] command : setup) {
                    theirs.call(command);
                    ours.call(command);
                }
                long theirChange = change(theirs, "FLUSHALL");
                long ourChange = change(ours, "FLUSHALL");
                assertEquals(4, ourChange, "four keys removed");
                if (savePoints.isEmpty()) {
                    assertEquals(theirChange, ourChange);
                } else {
                    assertEquals(0, dirty(theirs.call(INFO)), "Redis saved on FLUSHALL");
                }
                assertEquals(0, change(theirs, "FLUSHALL"));
                assertEquals(0, change(ours, "FLUSHALL"));
                assertEquals(0, change(ours, "FLUSHDB"));
            }
        }
    }

    /**
     * A blocked command served when another client writes its key counts as Redis 7.0 counts it
     * then, which is not always as when served at once (BLPOP and BLMOVE add nothing to the push,
     * BLMPOP and BZMPOP the elements popped). The change is measured around the write that serves it.
     */
    @Test
    void blockedCommandsServedByAnotherClientsWrite() {
        String[][][] cases = {
            {{"BLPOP", "k", "0"}, {"RPUSH", "k", "a", "b", "c"}},
            {{"BRPOP", "other", "k", "0"}, {"LPUSH", "k", "a"}},
            {{"BLMPOP", "0", "1", "k", "LEFT", "COUNT", "2"}, {"RPUSH", "k", "a", "b", "c"}},
            {{"BLMOVE", "k", "d", "LEFT", "LEFT", "0"}, {"RPUSH", "k", "a", "b"}},
            {{"BRPOPLPUSH", "k", "d", "0"}, {"RPUSH", "k", "a", "b"}},
            {{"BZPOPMIN", "z", "0"}, {"ZADD", "z", "1", "a", "2", "b"}},
            {{"BZMPOP", "0", "1", "z", "MAX", "COUNT", "3"}, {"ZADD", "z", "1", "a", "2", "b"}},
            {{"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "x", ">"}, {"XADD", "x", "1-1", "f", "v"}},
            {{"XREADGROUP", "GROUP", "g", "new", "BLOCK", "0", "STREAMS", "x", ">"}, {"XADD", "x", "1-1", "f", "v"}},
            {{"XREAD", "BLOCK", "0", "STREAMS", "x", "$"}, {"XADD", "x", "1-1", "f", "v"}},
        };
        try (RedisOracle redis = RedisOracle.start();
                CinnabarFixture cinnabar = CinnabarFixture.start("save \"\"")) {
            for (String[][] c : cases) {
                String theirs = servedLater(redis::client, c[0], c[1]);
                String ours = servedLater(cinnabar::client, c[0], c[1]);
                assertEquals(theirs, ours, String.join(" ", c[0]) + " served by " + String.join(" ", c[1]));
            }
        }
    }

    private static String servedLater(java.util.function.Supplier<RespClient> connect, String[] blocking, String[] write) {
        try (RespClient waiter = connect.get(); RespClient writer = connect.get()) {
            writer.call("FLUSHALL");
            writer.call("XGROUP", "CREATE", "x", "g", "$", "MKSTREAM");
            writer.call("XGROUP", "CREATECONSUMER", "x", "g", "c");
            waiter.send(blocking);
            io.cinnabar.testing.Poll.until(() -> writer.call(INFO_CLIENTS).value.toString().contains("blocked_clients:1"));
            long before = dirty(writer.call(INFO));
            String reply = writer.call(write).toString();
            String served = waiter.read().toString();
            return reply + " / " + served + " / changes " + (dirty(writer.call(INFO)) - before);
        }
    }

    private static long change(RespClient client, String... command) {
        long before = dirty(client.call(INFO));
        client.call(command);
        return dirty(client.call(INFO)) - before;
    }

    /** Runs the commands on both servers; describes each difference of reply or counter change. */
    /** Runs the commands on both servers, configured alike and with {@code save ""}. */
    private static List<String> compare(List<String[]> commands, String... config) {
        List<String> mismatches = new ArrayList<>();
        Map<String, Integer> byCommand = new TreeMap<>();
        Map<String, Integer> changed = new TreeMap<>();
        List<String> redisArgs = new ArrayList<>();
        for (String line : config) {
            int space = line.indexOf(' ');
            redisArgs.add("--" + line.substring(0, space));
            redisArgs.add(line.substring(space + 1));
        }
        List<String> cinnabarConfig = new ArrayList<>(List.of(config));
        cinnabarConfig.add("save \"\"");
        try (RedisOracle redis = RedisOracle.start(redisArgs.toArray(new String[0]));
                CinnabarFixture cinnabar = CinnabarFixture.start(cinnabarConfig.toArray(new String[0]));
                RespClient theirs = redis.client();
                RespClient ours = cinnabar.client()) {
            long theirDirty = dirty(theirs.call(INFO));
            long ourDirty = dirty(ours.call(INFO));
            boolean inMulti = false;
            int index = 0;
            for (int from = 0; from < commands.size(); from += BATCH) {
                List<String[]> batch = commands.subList(from, Math.min(commands.size(), from + BATCH));
                List<Boolean> measured = new ArrayList<>();
                for (String[] c : batch) {
                    theirs.send(c);
                    ours.send(c);
                    inMulti = c[0].equals("MULTI") || (inMulti && !c[0].equals("EXEC") && !c[0].equals("DISCARD"));
                    measured.add(!inMulti);
                    if (!inMulti) {
                        theirs.send(INFO);
                        ours.send(INFO);
                    }
                }
                for (int i = 0; i < batch.size(); i++) {
                    String[] c = batch.get(i);
                    RespClient.Reply expected = theirs.read();
                    RespClient.Reply actual = ours.read();
                    String difference = null;
                    if (!sameReply(c, expected, actual)) {
                        difference = "\n    redis:    " + expected + "\n    cinnabar: " + actual;
                    }
                    if (measured.get(i)) {
                        long theirNow = dirty(theirs.read());
                        long ourNow = dirty(ours.read());
                        if (theirNow != theirDirty) {
                            changed.merge(c[0], 1, Integer::sum);
                        }
                        if (theirNow - theirDirty != ourNow - ourDirty) {
                            difference = (difference == null ? "" : difference) + "\n    changes: redis "
                                    + (theirNow - theirDirty) + ", cinnabar " + (ourNow - ourDirty);
                        }
                        theirDirty = theirNow;
                        ourDirty = ourNow;
                    }
                    if (difference != null) {
                        byCommand.merge(c[0], 1, Integer::sum);
                        if (mismatches.size() < MAX_REPORTED) {
                            mismatches.add("#" + index + " " + String.join(" ", c).replace("\n", "\\n") + difference);
                        }
                    }
                    index++;
                }
            }
        }
        if (!byCommand.isEmpty()) {
            mismatches.add(0, "differences by command: " + byCommand);
        }
        System.out.println("commands that changed Redis's count: " + changed);
        if (changed.size() < 90) {
            // the generator itself went wrong: most writes would have failed or found nothing to do
            mismatches.add("only " + changed.size() + " commands ever changed Redis's count: " + changed);
        }
        return mismatches;
    }

    private static long dirty(RespClient.Reply info) {
        String text = info.value.toString();
        String field = "rdb_changes_since_last_save:";
        int at = text.indexOf(field);
        if (at < 0) {
            throw new AssertionError("no " + field + " in " + text);
        }
        int end = text.indexOf('\r', at);
        return Long.parseLong(text.substring(at + field.length(), end));
    }

    /** SPOP chooses at random: its reply is compared by shape and size only. */
    private static boolean sameReply(String[] command, RespClient.Reply expected, RespClient.Reply actual) {
        if (java.util.Arrays.equals(expected.raw, actual.raw)) {
            return true;
        }
        if (!command[0].equals("SPOP")) {
            return false;
        }
        Object a = expected.value;
        Object b = actual.value;
        if (a instanceof List && b instanceof List) {
            return ((List<?>) a).size() == ((List<?>) b).size();
        }
        return a != null && b != null && a.getClass() == b.getClass();
    }

    /**
     * Writes of every family over a few keys per type. Commands that choose at random (SPOP) are
     * followed by a DEL of their key, so the two servers' data stay the same; stream IDs are
     * explicit; expiry is either far away or in the past, so no key expires while the test runs.
     */
    private static final class Generator {
        private static final String[] STRINGS = {"s:a", "s:b", "s:n"};
        private static final String[] BITMAPS = {"b:a", "b:b"};
        private static final String[] LOGS = {"p:a", "p:b"};
        private static final String[] GEOS = {"g:a", "g:b"};
        private static final String[] LISTS = {"l:a", "l:b"};
        private static final String[] HASHES = {"h:a", "h:b"};
        private static final String[] SETS = {"t:a", "t:b", "t:c"};
        private static final String[] ZSETS = {"z:a", "z:b", "z:c"};
        private static final String LEX = "z:lex";
        private static final String[] STREAMS = {"x:a", "x:b"};
        private static final String[][] TYPES = {STRINGS, BITMAPS, LOGS, GEOS, LISTS, HASHES, SETS, ZSETS, STREAMS};
        private static final String LIBRARY = "#!lua name=dirtylib\n"
                + "redis.register_function('dirtyset', function(keys, args) return redis.call('SET', keys[1], args[1]) end)";

        private final Random r;
        private final ArrayDeque<String[]> pending = new ArrayDeque<>();
        private long streamSequence = 1;

        Generator(Random r) {
            this.r = r;
        }

        /** Appends one command, or a few that belong together (a transaction, a push and a blocking pop). */
        void next(List<String[]> out) {
            int family = r.nextInt(100);
            if (family < 8) {
                out.add(string());
            } else if (family < 13) {
                out.add(bitmap());
            } else if (family < 17) {
                out.add(hyperLogLog());
            } else if (family < 21) {
                out.add(geo());
            } else if (family < 32) {
                list(out);
            } else if (family < 40) {
                out.add(hash());
            } else if (family < 50) {
                set(out);
            } else if (family < 62) {
                sortedSet(out);
            } else if (family < 74) {
                stream(out);
            } else if (family < 88) {
                key(out);
            } else if (family < 93) {
                transaction(out);
            } else {
                script(out);
            }
        }

        private String pick(String[] keys) {
            return keys[r.nextInt(keys.length)];
        }

        private String member() {
            return "m" + r.nextInt(12);
        }

        private String[] members(int atLeast, int atMost, String... head) {
            List<String> c = new ArrayList<>(List.of(head));
            for (int i = atLeast + r.nextInt(atMost - atLeast + 1); i > 0; i--) {
                c.add(member());
            }
            return c.toArray(new String[0]);
        }

        private String number() {
            return Integer.toString(r.nextInt(21) - 10);
        }

        private String count() {
            return Integer.toString(r.nextInt(6));
        }

        private String[] string() {
            String k = pick(STRINGS);
            switch (r.nextInt(21)) {
                case 16: return new String[] {"DECRBY", "s:n", number()};
                case 17: return new String[] {"PSETEX", k, "2000000", member()};
                case 18: return new String[] {"SET", k, member(), "KEEPTTL"};
                case 19: return new String[] {"GETEX", k, "PXAT", "4000000000000"};
                case 20: return new String[] {"SETRANGE", k, "0", member()};
                case 0: return new String[] {"SET", k, member()};
                case 1: return new String[] {"SET", k, member(), r.nextBoolean() ? "NX" : "XX"};
                case 2: return new String[] {"SET", k, member(), "GET", "EX", "1000"};
                case 3: return new String[] {"SETNX", k, member()};
                case 4: return new String[] {"SETEX", k, "1000", member()};
                case 5: return new String[] {"GETSET", k, member()};
                case 6: return new String[] {"GETDEL", k};
                case 7: return new String[] {"GETEX", k, r.nextBoolean() ? "PERSIST" : "EX", "1000"};
                case 8: return new String[] {"APPEND", k, r.nextBoolean() ? "" : member()};
                case 9: return new String[] {"SETRANGE", k, count(), r.nextBoolean() ? "" : member()};
                case 10: return new String[] {"INCR", "s:n"};
                case 11: return new String[] {"INCRBY", "s:n", number()};
                case 12: return new String[] {"INCRBYFLOAT", "s:n", "1.5"};
                case 13: return new String[] {"MSET", pick(STRINGS), member(), pick(STRINGS), member()};
                case 14: return new String[] {"MSETNX", pick(STRINGS), member(), pick(STRINGS), member()};
                default: return new String[] {"GETEX", k};
            }
        }

        private String[] bitmap() {
            String k = pick(BITMAPS);
            switch (r.nextInt(5)) {
                case 0:
                case 1: return new String[] {"SETBIT", k, Integer.toString(r.nextInt(40)), Integer.toString(r.nextInt(2))};
                case 2: return new String[] {"BITOP", pick(new String[] {"AND", "OR", "XOR"}), k, pick(BITMAPS), pick(BITMAPS)};
                case 3: return new String[] {"BITOP", "NOT", k, r.nextBoolean() ? pick(BITMAPS) : "b:none"};
                default:
                    List<String> c = new ArrayList<>(List.of("BITFIELD", k));
                    for (int i = 1 + r.nextInt(3); i > 0; i--) {
                        int op = r.nextInt(4);
                        String offset = Integer.toString(8 * r.nextInt(5));
                        if (op == 0) {
                            c.addAll(List.of("SET", "u8", offset, Integer.toString(r.nextInt(3))));
                        } else if (op == 1) {
                            c.addAll(List.of("INCRBY", "u8", offset, Integer.toString(r.nextInt(3) - 1)));
                        } else if (op == 2) {
                            c.addAll(List.of("OVERFLOW", r.nextBoolean() ? "FAIL" : "SAT", "INCRBY", "u2", offset, "3"));
                        } else {
                            c.addAll(List.of("GET", "u8", offset));
                        }
                    }
                    return c.toArray(new String[0]);
            }
        }

        private String[] hyperLogLog() {
            String k = pick(LOGS);
            switch (r.nextInt(5)) {
                case 4: return new String[] {"PFDEBUG", "TODENSE", k};
                case 0: return new String[] {"PFADD", k};
                case 1: return new String[] {"PFMERGE", k, pick(LOGS)};
                case 2: return new String[] {"PFCOUNT", k};
                default: return members(1, 4, "PFADD", k);
            }
        }

        private String[] geo() {
            String k = pick(GEOS);
            switch (r.nextInt(4)) {
                case 0: return new String[] {"GEOSEARCHSTORE", pick(GEOS), k, "FROMLONLAT", "13", "38", "BYRADIUS", "300", "km", "ASC"};
                case 1: return new String[] {"GEORADIUS", k, "13", "38", "300", "km", "STORE", pick(GEOS)};
                default:
                    List<String> c = new ArrayList<>(List.of("GEOADD", k));
                    if (r.nextInt(3) == 0) {
                        c.add(pick(new String[] {"NX", "XX", "CH"}));
                    }
                    for (int i = 1 + r.nextInt(3); i > 0; i--) {
                        c.addAll(List.of(Integer.toString(10 + r.nextInt(8)), Integer.toString(35 + r.nextInt(6)), member()));
                    }
                    return c.toArray(new String[0]);
            }
        }

        private void list(List<String[]> out) {
            String k = pick(LISTS);
            String other = pick(LISTS);
            switch (r.nextInt(18)) {
                case 0:
                case 1: out.add(members(1, 4, "LPUSH", k)); return;
                case 2: out.add(members(1, 4, "RPUSH", k)); return;
                case 3: out.add(members(1, 2, r.nextBoolean() ? "LPUSHX" : "RPUSHX", k)); return;
                case 4: out.add(r.nextBoolean() ? new String[] {"LPOP", k} : new String[] {"RPOP", k, count()}); return;
                case 5: out.add(new String[] {"LINSERT", k, r.nextBoolean() ? "BEFORE" : "AFTER", member(), member()}); return;
                case 6: out.add(new String[] {"LSET", k, Integer.toString(r.nextInt(4) - 2), member()}); return;
                case 7: out.add(new String[] {"LREM", k, Integer.toString(r.nextInt(5) - 2), member()}); return;
                case 8: out.add(new String[] {"LTRIM", k, Integer.toString(r.nextInt(4)), Integer.toString(r.nextInt(8) - 2)}); return;
                case 9: out.add(new String[] {"RPOPLPUSH", k, other}); return;
                case 10: out.add(new String[] {"LMOVE", k, other, pick(new String[] {"LEFT", "RIGHT"}), pick(new String[] {"LEFT", "RIGHT"})}); return;
                case 11: out.add(new String[] {"LMPOP", "2", k, other, pick(new String[] {"LEFT", "RIGHT"}), "COUNT", Integer.toString(1 + r.nextInt(4))}); return;
                default:
                    // a blocking pop that finds its key filled by the push just before it
                    out.add(members(1, 2, "RPUSH", k));
                    switch (r.nextInt(5)) {
                        case 0: out.add(new String[] {"BLPOP", k, other, "0"}); return;
                        case 1: out.add(new String[] {"BRPOP", k, "0"}); return;
                        case 2: out.add(new String[] {"BRPOPLPUSH", k, other, "0"}); return;
                        case 3: out.add(new String[] {"BLMOVE", k, other, "RIGHT", "LEFT", "0"}); return;
                        default: out.add(new String[] {"BLMPOP", "0", "1", k, "LEFT", "COUNT", count()}); return;
                    }
            }
        }

        private String[] hash() {
            String k = pick(HASHES);
            switch (r.nextInt(7)) {
                case 0:
                case 1: return pairs(1, 3, "HSET", k);
                case 2: return pairs(1, 2, "HMSET", k);
                case 3: return new String[] {"HSETNX", k, member(), member()};
                case 4: return members(1, 3, "HDEL", k);
                case 5: return new String[] {"HINCRBY", k, "n" + r.nextInt(2), number()};
                default: return new String[] {"HINCRBYFLOAT", k, "f" + r.nextInt(2), "0.5"};
            }
        }

        private String[] pairs(int atLeast, int atMost, String... head) {
            List<String> c = new ArrayList<>(List.of(head));
            for (int i = atLeast + r.nextInt(atMost - atLeast + 1); i > 0; i--) {
                c.add(member());
                c.add(member());
            }
            return c.toArray(new String[0]);
        }

        private void set(List<String[]> out) {
            String k = pick(SETS);
            switch (r.nextInt(9)) {
                case 0:
                case 1:
                case 2: out.add(members(1, 4, "SADD", k)); return;
                case 3: out.add(members(1, 3, "SREM", k)); return;
                case 4: out.add(new String[] {"SMOVE", r.nextBoolean() ? k : "t:none", pick(SETS), member()}); return;
                case 5:
                    // the members popped differ between the servers: drop what is left of the key
                    out.add(r.nextBoolean() ? new String[] {"SPOP", k} : new String[] {"SPOP", k, count()});
                    out.add(new String[] {"DEL", k});
                    return;
                case 6: out.add(new String[] {"SINTERSTORE", k, pick(SETS), pick(SETS)}); return;
                case 7: out.add(new String[] {"SUNIONSTORE", k, pick(SETS), pick(SETS)}); return;
                default: out.add(new String[] {"SDIFFSTORE", k, pick(SETS), pick(SETS)}); return;
            }
        }

        private void sortedSet(List<String[]> out) {
            String k = pick(ZSETS);
            String other = pick(ZSETS);
            switch (r.nextInt(17)) {
                case 0:
                case 1: out.add(zadd(k)); return;
                case 2: out.add(new String[] {"ZINCRBY", k, number(), member()}); return;
                case 3: out.add(members(1, 3, "ZREM", k)); return;
                case 4: out.add(new String[] {"ZREMRANGEBYSCORE", k, number(), number()}); return;
                case 5: out.add(new String[] {"ZREMRANGEBYRANK", k, Integer.toString(r.nextInt(3)), Integer.toString(r.nextInt(5) - 1)}); return;
                case 6:
                    // lexicographic ranges are defined only over equal scores: a key of its own
                    out.add(r.nextBoolean() ? new String[] {"ZADD", LEX, "0", member(), "0", member()} : new String[] {"ZREMRANGEBYLEX", LEX, "[" + member(), "(" + member()});
                    return;
                case 7: out.add(r.nextBoolean() ? new String[] {"ZPOPMIN", k, count()} : new String[] {"ZPOPMAX", k}); return;
                case 8: out.add(new String[] {"ZMPOP", "2", k, other, r.nextBoolean() ? "MIN" : "MAX", "COUNT", count().equals("0") ? "1" : count()}); return;
                case 9: out.add(new String[] {"ZUNIONSTORE", k, "2", k, other}); return;
                case 10: out.add(new String[] {"ZINTERSTORE", k, "2", other, pick(ZSETS), "AGGREGATE", "MAX"}); return;
                case 11: out.add(new String[] {"ZDIFFSTORE", k, "2", other, pick(ZSETS)}); return;
                case 12: out.add(new String[] {"ZRANGESTORE", k, other, "0", Integer.toString(r.nextInt(4) - 1)}); return;
                default:
                    // a blocking pop that finds its key filled by the add just before it
                    out.add(new String[] {"ZADD", k, number(), member()});
                    switch (r.nextInt(3)) {
                        case 0: out.add(new String[] {"BZPOPMIN", k, other, "0"}); return;
                        case 1: out.add(new String[] {"BZPOPMAX", k, "0"}); return;
                        default: out.add(new String[] {"BZMPOP", "0", "1", k, "MIN", "COUNT", count()}); return;
                    }
            }
        }

        private String[] zadd(String k) {
            List<String> c = new ArrayList<>(List.of("ZADD", k));
            int flags = r.nextInt(6);
            if (flags == 1) {
                c.add(r.nextBoolean() ? "NX" : "XX");
            } else if (flags == 2) {
                c.add(r.nextBoolean() ? "GT" : "LT");
            } else if (flags == 3) {
                c.add("CH");
            }
            if (flags == 4) {
                c.addAll(List.of("INCR", number(), member()));
                return c.toArray(new String[0]);
            }
            for (int i = 1 + r.nextInt(4); i > 0; i--) {
                c.add(number());
                c.add(member());
            }
            return c.toArray(new String[0]);
        }

        private void stream(List<String[]> out) {
            String k = pick(STREAMS);
            String group = "g" + r.nextInt(2);
            String consumer = "c" + r.nextInt(3);
            if (r.nextInt(4) == 0) {
                // entries delivered to a group, then acknowledged or claimed: random IDs seldom hit a PEL
                String first = streamSequence++ + "-1";
                String second = streamSequence++ + "-1";
                out.add(new String[] {"XADD", k, first, "f", member()});
                out.add(new String[] {"XADD", k, second, "f", member()});
                out.add(new String[] {"XGROUP", "CREATE", k, group, "0"});
                out.add(new String[] {"XREADGROUP", "GROUP", group, consumer, "STREAMS", k, ">"});
                switch (r.nextInt(4)) {
                    case 0: out.add(new String[] {"XACK", k, group, first, second, "1-1"}); return;
                    case 1: out.add(new String[] {"XCLAIM", k, group, "c" + r.nextInt(3), "0", first, second, "JUSTID"}); return;
                    case 2: out.add(new String[] {"XDEL", k, first}); return;
                    default: out.add(new String[] {"XAUTOCLAIM", k, group, "c" + r.nextInt(3), "0", "0", "COUNT", "2"}); return;
                }
            }
            out.add(streamCommand(k, group, consumer));
        }

        private String[] streamCommand(String k, String group, String consumer) {
            switch (r.nextInt(26)) {
                case 0:
                case 1:
                case 2: return new String[] {"XADD", k, streamSequence++ + "-1", "f", member()};
                case 3: return new String[] {"XADD", k, "MAXLEN", Integer.toString(2 + r.nextInt(6)), streamSequence++ + "-1", "f", member()};
                case 4: return new String[] {"XADD", k, "NOMKSTREAM", "MINID", entry(), streamSequence++ + "-1", "f", member()};
                case 5: return new String[] {"XDEL", k, entry(), entry()};
                case 6: return new String[] {"XTRIM", k, "MAXLEN", Integer.toString(r.nextInt(8))};
                case 7: return new String[] {"XTRIM", k, "MINID", entry()};
                case 8:
                case 9:
                case 10:
                    // groups are lost with their key often (DEL, RENAME, FLUSHDB): make them often too
                    return new String[] {"XGROUP", "CREATE", k, group, r.nextBoolean() ? "0" : entry(), "MKSTREAM"};
                case 11: return new String[] {"XGROUP", "SETID", k, group, r.nextBoolean() ? "0" : entry()};
                case 12: return new String[] {"XGROUP", r.nextBoolean() ? "CREATECONSUMER" : "DELCONSUMER", k, group, consumer};
                case 13: return new String[] {"XGROUP", "DESTROY", k, group};
                case 14:
                case 15: return new String[] {"XACK", k, group, entry(), entry(), entry()};
                case 16: return new String[] {"XCLAIM", k, group, consumer, "0", entry(), entry()};
                case 17: return new String[] {"XCLAIM", k, group, consumer, "0", entry(), "LASTID", entry()};
                case 18:
                case 19: return new String[] {"XAUTOCLAIM", k, group, consumer, "0", "0", "COUNT", Integer.toString(1 + r.nextInt(3))};
                case 20: return new String[] {"XSETID", k, (streamSequence + 5) + "-1"};
                default: return new String[] {"XREADGROUP", "GROUP", group, consumer, "COUNT", Integer.toString(1 + r.nextInt(6)),
                        "STREAMS", k, r.nextInt(3) == 0 ? "0" : ">"};
            }
        }

        /** One of the last IDs added, to any stream. */
        private String entry() {
            return Math.max(1, streamSequence - r.nextInt(12)) + "-1";
        }

        private void key(List<String[]> out) {
            String[] type = TYPES[r.nextInt(TYPES.length)];
            String k = pick(type);
            String other = pick(type);
            switch (r.nextInt(17)) {
                case 0: out.add(new String[] {"DEL", k, other, "none"}); return;
                case 1: out.add(new String[] {"UNLINK", k, other}); return;
                case 2: out.add(new String[] {"RENAME", k, other}); return;
                case 3: out.add(new String[] {"RENAMENX", k, other}); return;
                case 4: out.add(r.nextBoolean() ? new String[] {"COPY", k, other} : new String[] {"COPY", k, other, "REPLACE"}); return;
                case 5: out.add(new String[] {"MOVE", k, "1"}); return;
                case 6: out.add(new String[] {"SWAPDB", "0", "1"}); return;
                case 7: out.add(new String[] {"EXPIRE", k, "1000", pick(new String[] {"NX", "XX", "GT", "LT"})}); return;
                case 8: out.add(new String[] {"PEXPIRE", k, "2000000"}); return;
                case 9: out.add(new String[] {"EXPIREAT", k, "1"}); return;
                case 10: out.add(new String[] {"PERSIST", k}); return;
                case 11:
                    out.add(new String[] {"EVAL", "return redis.call('RESTORE', KEYS[2], 0, redis.call('DUMP', KEYS[1]), 'REPLACE')", "2", k, other});
                    return;
                case 12: out.add(new String[] {"SORT", pick(r.nextBoolean() ? LISTS : SETS), "ALPHA", "STORE", pick(LISTS)}); return;
                case 13: out.add(new String[] {"SORT", pick(ZSETS), "BY", "nosort", "LIMIT", "0", count(), "STORE", pick(LISTS)}); return;
                case 14: if (r.nextInt(4) == 0) {
                        out.add(new String[] {r.nextBoolean() ? "FLUSHDB" : "FLUSHALL"});
                        return;
                    }
                    if (r.nextInt(3) == 0) {
                        out.add(new String[] {"COPY", k, other, "DB", "1", "REPLACE"});
                        return;
                    }
                    if (r.nextInt(2) == 0) {
                        out.add(new String[] {"EXPIRE", k, "-1"});
                        return;
                    }
                    out.add(new String[] {"RESTORE", k, "0", "x"});
                    return;
                default: out.add(new String[] {"PEXPIREAT", k, Long.toString(4_000_000_000_000L + r.nextInt(1000))}); return;
            }
        }

        private void transaction(List<String[]> out) {
            out.add(new String[] {"MULTI"});
            for (int i = 1 + r.nextInt(3); i > 0; i--) {
                switch (r.nextInt(7)) {
                    case 0: out.add(string()); break;
                    case 1: out.add(hash()); break;
                    case 2: stream(out); break;
                    case 3: list(out); break;
                    case 4: sortedSet(out); break;
                    case 5: out.add(bitmap()); break;
                    default: out.add(members(1, 3, "SADD", pick(SETS))); break;
                }
            }
            out.add(new String[] {r.nextInt(8) == 0 ? "DISCARD" : "EXEC"});
        }

        private void script(List<String[]> out) {
            switch (r.nextInt(7)) {
                case 6: out.add(r.nextBoolean() ? new String[] {"SCRIPT", "LOAD", "return 1"} : new String[] {"SCRIPT", "FLUSH"}); return;
                case 0:
                    out.add(new String[] {"EVAL", "redis.call('SADD', KEYS[1], ARGV[1], ARGV[2]) return redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])",
                            "2", pick(SETS), pick(HASHES), member(), member()});
                    return;
                case 1:
                    out.add(new String[] {"EVAL", "return redis.call('LPOP', KEYS[1], 2)", "1", pick(LISTS)});
                    return;
                case 2: out.add(r.nextBoolean() ? new String[] {"FUNCTION", "LOAD", LIBRARY} : new String[] {"FUNCTION", "LOAD", "REPLACE", LIBRARY}); return;
                case 3: out.add(new String[] {"FUNCTION", "DELETE", "dirtylib"}); return;
                case 4: out.add(new String[] {"FUNCTION", "FLUSH"}); return;
                default: out.add(new String[] {"FCALL", "dirtyset", "1", pick(STRINGS), member()}); return;
            }
        }
    }
}
