package io.cinnabar.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Runs one seeded, generated command sequence against a real redis-server and Cinnabar and
 * compares every reply. A family's random test is then only its generator:
 *
 * <pre>
 * RandomDiff.run("hashSeed", 20261130L, 20000, r -> new String[] {"HSET", "h:" + r.nextInt(8), ...});
 * </pre>
 *
 * The seed comes from the named system property when set, so a failure is replayed with
 * {@code -DhashSeed=<seed>}. Replies are compared byte for byte unless {@link Options#normalizer}
 * says how to make a reply order-independent (for commands whose order Redis leaves unspecified).
 */
public final class RandomDiff {
    private static final int BATCH = 200;
    private static final int MAX_REPORTED = 20;

    /** How to start the two servers and compare replies. */
    public static final class Options {
        /** Extra redis.conf lines for both servers ("name value"), e.g. a small listpack limit. */
        public final List<String> config = new ArrayList<>();
        /** Given a command and a reply, a canonical form to compare; null = compare raw bytes. */
        public Normalizer normalizer;
        /** RESP protocol for both connections (2 or 3). */
        public int protocol = 2;

        public Options config(String line) {
            config.add(line);
            return this;
        }

        public Options normalizer(Normalizer n) {
            this.normalizer = n;
            return this;
        }

        public Options resp3() {
            this.protocol = 3;
            return this;
        }
    }

    /** Canonical form of a reply for comparison (e.g. a sorted copy of an unordered array). */
    public interface Normalizer {
        Object normalize(String[] command, RespClient.Reply reply);
    }

    private RandomDiff() {}

    /**
     * Compares the replies of the named commands (case-insensitive) as multisets: a flat array
     * sorted, or with {@code pairs} true as a set of adjacent pairs (HGETALL, ZRANGE WITHSCORES on
     * an unordered encoding); RESP3 maps and sets are compared as entry multisets either way.
     */
    public static Normalizer unordered(boolean pairs, String... commandNames) {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (String n : commandNames) {
            names.add(n.toUpperCase(java.util.Locale.ROOT));
        }
        return (command, reply) -> {
            if (!names.contains(command[0].toUpperCase(java.util.Locale.ROOT))) {
                return null;
            }
            return canonical(reply.value, pairs);
        };
    }

    private static Object canonical(Object value, boolean pairs) {
        if (value instanceof java.util.Map) {
            List<String> entries = new ArrayList<>();
            for (java.util.Map.Entry<?, ?> e : ((java.util.Map<?, ?>) value).entrySet()) {
                entries.add(e.getKey() + "\u0000" + e.getValue());
            }
            entries.sort(null);
            return entries;
        }
        if (!(value instanceof List)) {
            return value;
        }
        List<?> list = (List<?>) value;
        List<String> items = new ArrayList<>();
        int step = pairs ? 2 : 1;
        for (int i = 0; i + step - 1 < list.size(); i += step) {
            items.add(pairs ? list.get(i) + "\u0000" + list.get(i + 1) : String.valueOf(list.get(i)));
        }
        items.sort(null);
        return items;
    }

    /** Generates {@code count} commands from the seed and compares Redis's and Cinnabar's replies. */
    public static void run(String seedProperty, long defaultSeed, int count, Function<Random, String[]> generator) {
        run(seedProperty, defaultSeed, count, new Options(), generator);
    }

    public static void run(String seedProperty, long defaultSeed, int count, Options options, Function<Random, String[]> generator) {
        long seed = Long.getLong(seedProperty, defaultSeed);
        Random random = new Random(seed);
        List<String[]> commands = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            commands.add(generator.apply(random));
        }
        dump(commands);
        List<String> mismatches = compare(commands, options);
        assertTrue(mismatches.isEmpty(), () -> "seed " + seed + " (-D" + seedProperty + "=" + seed
                + "), replies differ:\n" + String.join("\n", mismatches));
    }

    /**
     * With {@code -DrandomDiffDump=<file>}, writes the generated commands there as redis-cli input
     * (one command per line, arguments quoted), to replay a failing seed by hand against both servers.
     */
    private static void dump(List<String[]> commands) {
        String file = System.getProperty("randomDiffDump");
        if (file == null) {
            return;
        }
        StringBuilder out = new StringBuilder();
        for (String[] c : commands) {
            for (int i = 0; i < c.length; i++) {
                out.append(i == 0 ? "" : " ").append('"');
                for (char ch : c[i].toCharArray()) {
                    if (ch == '"' || ch == '\\') {
                        out.append('\\');
                    }
                    out.append(ch);
                }
                out.append('"');
            }
            out.append('\n');
        }
        try {
            java.nio.file.Files.writeString(java.nio.file.Path.of(file), out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Runs a fixed command list on both servers; returns a description of each differing reply. */
    public static List<String> compare(List<String[]> commands, Options options) {
        List<String> mismatches = new ArrayList<>();
        String[] redisArgs = new String[options.config.size() * 2];
        for (int i = 0; i < options.config.size(); i++) {
            String line = options.config.get(i);
            int space = line.indexOf(' ');
            redisArgs[2 * i] = "--" + line.substring(0, space);
            redisArgs[2 * i + 1] = line.substring(space + 1);
        }
        try (RedisOracle redis = RedisOracle.start(redisArgs);
                CinnabarFixture cinnabar = CinnabarFixture.start(options.config.toArray(new String[0]));
                RespClient theirs = redis.client();
                RespClient ours = cinnabar.client()) {
            if (options.protocol == 3) {
                theirs.call("HELLO", "3");
                ours.call("HELLO", "3");
            }
            int index = 0;
            for (int from = 0; from < commands.size(); from += BATCH) {
                List<String[]> batch = commands.subList(from, Math.min(commands.size(), from + BATCH));
                for (String[] c : batch) {
                    theirs.send(c);
                    ours.send(c);
                }
                for (String[] c : batch) {
                    RespClient.Reply expected = theirs.read();
                    RespClient.Reply actual = ours.read();
                    if (!same(c, expected, actual, options) && mismatches.size() < MAX_REPORTED) {
                        mismatches.add("#" + index + " " + String.join(" ", c)
                                + "\n    redis:    " + expected + "\n    cinnabar: " + actual);
                    }
                    index++;
                }
            }
        }
        return mismatches;
    }

    private static boolean same(String[] command, RespClient.Reply expected, RespClient.Reply actual, Options options) {
        if (Arrays.equals(expected.raw, actual.raw)) {
            return true;
        }
        if (options.normalizer == null) {
            return false;
        }
        Object a = options.normalizer.normalize(command, expected);
        Object b = options.normalizer.normalize(command, actual);
        return a != null && a.equals(b);
    }
}
