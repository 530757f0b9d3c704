package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RandomDiff;
import io.cinnabar.testing.RedisOracle;
import io.cinnabar.testing.RespClient;
import io.cinnabar.types.ListValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every non-blocking list command, generated at random over a few keys with values mixing small
 * integers, short strings and long compressible strings, compared byte for byte with Redis
 * under the default node size, under tiny nodes (4 entries: constant splits and merges) and
 * with compression. A second run also compares the node layout (DEBUG OBJECT's node count and
 * total uncompressed node bytes) as it goes. Replay a failure with -DlistSeed=&lt;seed&gt;.
 */
@Timeout(300)
class ListCommandsRandomDiffTest {
    private static final int KEYS = 4;
    private static final String[] POOL = pool();

    private static String[] pool() {
        List<String> values = new ArrayList<>();
        for (int i = -3; i <= 12; i++) {
            values.add(Integer.toString(i));
        }
        values.add("1000000");
        values.add("-9223372036854775808");
        values.add("012");
        values.add("");
        for (char c = 'a'; c <= 'h'; c++) {
            values.add(String.valueOf(c));
        }
        for (int i = 0; i < 6; i++) {
            values.add(("long" + i + "-").repeat(20 + i * 150)); // 120 bytes to ~5 KB, compressible
        }
        return values.toArray(new String[0]);
    }

    private static String value(Random r) {
        return POOL[r.nextInt(POOL.length)];
    }

    private static String key(Random r) {
        return r.nextInt(40) == 0 ? "s" : "l:" + r.nextInt(KEYS);
    }

    private static String index(Random r) {
        return Integer.toString(r.nextInt(61) - 30);
    }

    private static String side(Random r) {
        return r.nextBoolean() ? "LEFT" : "RIGHT";
    }

    static String[] command(Random r) {
        String key = key(r);
        int pick = r.nextInt(100);
        if (pick < 30) {
            List<String> c = new ArrayList<>(List.of(r.nextInt(8) == 0 ? (r.nextBoolean() ? "LPUSHX" : "RPUSHX")
                    : (r.nextBoolean() ? "LPUSH" : "RPUSH"), key));
            int n = 1 + r.nextInt(r.nextInt(5) == 0 ? 20 : 3);
            for (int i = 0; i < n; i++) {
                c.add(value(r));
            }
            return c.toArray(new String[0]);
        }
        if (pick < 38) {
            String pop = r.nextBoolean() ? "LPOP" : "RPOP";
            return r.nextBoolean() ? new String[] {pop, key} : new String[] {pop, key, Integer.toString(r.nextInt(6))};
        }
        if (pick < 42) {
            return new String[] {"LLEN", key};
        }
        if (pick < 50) {
            return new String[] {"LRANGE", key, index(r), index(r)};
        }
        if (pick < 55) {
            return new String[] {"LINDEX", key, index(r)};
        }
        if (pick < 61) {
            return new String[] {"LSET", key, index(r), value(r)};
        }
        if (pick < 68) {
            return new String[] {"LINSERT", key, r.nextBoolean() ? "BEFORE" : "AFTER", value(r), value(r)};
        }
        if (pick < 73) {
            return new String[] {"LREM", key, Integer.toString(r.nextInt(7) - 3), value(r)};
        }
        if (pick < 76) {
            return new String[] {"LTRIM", key, Integer.toString(r.nextInt(9) - 2), Integer.toString(r.nextInt(60) - 5)};
        }
        if (pick < 82) {
            List<String> c = new ArrayList<>(List.of("LPOS", key, value(r)));
            if (r.nextBoolean()) {
                c.addAll(List.of("RANK", Integer.toString(r.nextBoolean() ? 1 + r.nextInt(3) : -1 - r.nextInt(3))));
            }
            if (r.nextBoolean()) {
                c.addAll(List.of("COUNT", Integer.toString(r.nextInt(4))));
            }
            if (r.nextInt(3) == 0) {
                c.addAll(List.of("MAXLEN", Integer.toString(r.nextInt(20))));
            }
            return c.toArray(new String[0]);
        }
        if (pick < 88) {
            return r.nextInt(4) == 0 ? new String[] {"RPOPLPUSH", key, key(r)}
                    : new String[] {"LMOVE", key, key(r), side(r), side(r)};
        }
        if (pick < 92) {
            List<String> c = new ArrayList<>(List.of("LMPOP", "2", key, key(r), side(r)));
            if (r.nextBoolean()) {
                c.addAll(List.of("COUNT", Integer.toString(1 + r.nextInt(5))));
            }
            return c.toArray(new String[0]);
        }
        if (pick < 95) {
            return new String[] {"OBJECT", "ENCODING", key};
        }
        if (pick < 97) {
            return new String[] {"TYPE", key};
        }
        if (pick < 98) {
            return new String[] {"SET", "s", value(r)};
        }
        return new String[] {"DEL", key};
    }

    @Test
    void defaultNodesMatchRedis() {
        RandomDiff.run("listSeed", 20261130L, 20000, ListCommandsRandomDiffTest::command);
    }

    @Test
    void tinyNodesMatchRedis() {
        RandomDiff.run("listSeed", 20261131L, 20000, new RandomDiff.Options().config("list-max-listpack-size 4"),
                ListCommandsRandomDiffTest::command);
    }

    @Test
    void compressedNodesMatchRedis() {
        RandomDiff.run("listSeed", 20261132L, 20000, new RandomDiff.Options().config("list-compress-depth 1")
                .config("list-max-listpack-size -1"), ListCommandsRandomDiffTest::command);
    }

    @Test
    void resp3RepliesMatchRedis() {
        RandomDiff.run("listSeed", 20261133L, 5000, new RandomDiff.Options().resp3().config("list-max-listpack-size 3"),
                ListCommandsRandomDiffTest::command);
    }

    /** Pushes and inserts of strings of every small length, so nodes fill up to their byte limits. */
    private static String[] growth(Random r) {
        String key = "l:" + r.nextInt(KEYS);
        String value = "x".repeat(r.nextInt(70)) + r.nextInt(100);
        switch (r.nextInt(4)) {
            case 0:
                return new String[] {"LINSERT", key, r.nextBoolean() ? "BEFORE" : "AFTER", value(r), value};
            case 1:
                return new String[] {"LPUSH", key, value};
            default:
                return new String[] {"RPUSH", key, value, value(r)};
        }
    }

    private static final Pattern NODES = Pattern.compile("ql_nodes:(\\d+) .* ql_uncompressed_size:(\\d+)");

    /** Node count and uncompressed bytes of every key after every batch, as Redis's DEBUG OBJECT shows them. */
    @Test
    void nodeLayoutMatchesRedis() {
        for (String[] config : List.of(new String[] {"list-max-listpack-size", "5"},
                new String[] {"list-max-listpack-size", "-1", "list-compress-depth", "2"},
                new String[] {"list-max-listpack-size", "-2"})) {
            compareLayouts(config);
        }
    }

    private static void compareLayouts(String[] config) {
        long seed = Long.getLong("listSeed", 20261134L);
        Random r = new Random(seed);
        String[] redisArgs = new String[config.length];
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < config.length; i += 2) {
            redisArgs[i] = "--" + config[i];
            redisArgs[i + 1] = config[i + 1];
            lines.add(config[i] + " " + config[i + 1]);
        }
        List<String> mismatches = new ArrayList<>();
        try (RedisOracle redis = RedisOracle.start(redisArgs);
                CinnabarFixture cinnabar = CinnabarFixture.start(lines.toArray(new String[0]));
                RespClient theirs = redis.client(); RespClient ours = cinnabar.client()) {
            for (int batch = 0; batch < 60 && mismatches.size() < 10; batch++) {
                for (int i = 0; i < 200; i++) {
                    String[] c = r.nextBoolean() ? command(r) : growth(r);
                    RespClient.Reply expected = theirs.call(c);
                    RespClient.Reply actual = ours.call(c);
                    if (!java.util.Arrays.equals(expected.raw, actual.raw)) {
                        mismatches.add(String.join(" ", c) + "\n    redis: " + expected + "\n    ours:  " + actual);
                    }
                }
                for (int k = 0; k < KEYS; k++) {
                    String key = "l:" + k;
                    RespClient.Reply info = theirs.call("DEBUG", "OBJECT", key);
                    long[] expected = {0, 0};
                    if (info.value instanceof String) {
                        Matcher m = NODES.matcher((String) info.value);
                        assertTrue(m.find(), () -> "unexpected DEBUG OBJECT reply " + info);
                        expected = new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
                    }
                    long[] actual = cinnabar.onDataThread(() -> {
                        Object v = cinnabar.server().keyspace().db(0).peek(key.getBytes(StandardCharsets.UTF_8));
                        return v instanceof ListValue
                                ? new long[] {((ListValue) v).nodeCount(), ((ListValue) v).uncompressedSize()}
                                : new long[] {0, 0};
                    });
                    if (!java.util.Arrays.equals(expected, actual)) {
                        mismatches.add("batch " + batch + " " + key + " nodes/bytes redis " + java.util.Arrays.toString(expected)
                                + " ours " + java.util.Arrays.toString(actual));
                    }
                }
            }
        }
        assertArrayEquals(new String[0], mismatches.toArray(new String[0]),
                () -> "seed " + seed + " config " + String.join(" ", config) + ":\n" + String.join("\n", mismatches));
    }
}
