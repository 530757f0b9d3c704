package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.RandomDiff;
import io.cinnabar.testing.RespClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every hash command, generated at random over a few keys, against real Redis, each reply compared
 * byte for byte. Fields and values mix small integers, short strings and strings longer than 64
 * bytes; one key grows past 512 fields. The generator keeps a model of each key (its fields and
 * whether Redis has converted it to a hashtable) so that only replies whose order Redis leaves
 * unspecified, those of hashtable-encoded hashes, are compared as multisets; OBJECT ENCODING is
 * generated too, so the model itself is checked against Redis. HRANDFIELD is compared by reply
 * size only (HashCommandsRandomFieldTest checks its properties). Replay a failure with
 * {@code -DhashSeed=<seed>}.
 */
@Timeout(300)
class HashCommandsRandomDiffTest {
    private static final String[] KEYS = {"h:0", "h:1", "h:2", "h:3"};
    private static final String BIG = "h:big";
    private static final String STRING_KEY = "h:str";
    private static final int LONG = 70;

    @Test
    void defaultThresholds() {
        run(20261130L, 20000, 512, 64, new RandomDiff.Options());
    }

    @Test
    void smallListpacks() {
        run(20261201L, 20000, 8, 64, new RandomDiff.Options().config("hash-max-listpack-entries 8"));
    }

    @Test
    void resp3() {
        run(20261202L, 6000, 8, 64, new RandomDiff.Options().resp3().config("hash-max-listpack-entries 8"));
    }

    private static void run(long seed, int count, int maxEntries, int maxValue, RandomDiff.Options options) {
        Generator g = new Generator(maxEntries, maxValue);
        options.normalizer(g::normalize);
        RandomDiff.run("hashSeed", seed, count, options, g::next);
        if (System.getProperty("hashSeed") != null) {
            return; // another seed replays replies; the coverage below is guaranteed for the defaults only
        }
        assertTrue(g.conversionsByCount > 0 && g.conversionsByLength > 0 && g.unordered.size() > 100,
                () -> "the sequence missed a case: " + g.conversionsByCount + " conversions by count, "
                        + g.conversionsByLength + " by length, " + g.unordered.size() + " hashtable listings");
    }

    /** What the generator knows of one key. */
    private static final class KeyModel {
        final Set<String> fields = new HashSet<>();
        boolean hashtable;
        boolean string;

        void clear() {
            fields.clear();
            hashtable = false;
            string = false;
        }
    }

    private static final class Generator {
        private final int maxEntries;
        private final int maxValue;
        private final Map<String, KeyModel> keys = new HashMap<>();
        /** Commands (by identity) whose reply order is unspecified: a hashtable's listing or scan. */
        /** OBJECT ENCODING checks queued at the edges: a key at the entry limit, or just converted. */
        private final java.util.ArrayDeque<String[]> pending = new java.util.ArrayDeque<>();
        int conversionsByCount;
        int conversionsByLength;
        private final Set<String[]> unordered = Collections.newSetFromMap(new IdentityHashMap<>());
        private final Set<String[]> bySize = Collections.newSetFromMap(new IdentityHashMap<>());
        private final RandomDiff.Normalizer pairs = RandomDiff.unordered(true, "HGETALL");
        private final RandomDiff.Normalizer items = RandomDiff.unordered(false, "HKEYS", "HVALS");

        Generator(int maxEntries, int maxValue) {
            this.maxEntries = maxEntries;
            this.maxValue = maxValue;
            for (String k : KEYS) {
                keys.put(k, new KeyModel());
            }
            keys.put(BIG, new KeyModel());
            keys.put(STRING_KEY, new KeyModel());
        }

        Object normalize(String[] command, RespClient.Reply reply) {
            if (bySize.contains(command)) {
                Object v = reply.value;
                return v instanceof List ? "size " + ((List<?>) v).size() : String.valueOf(v == null ? null : v.getClass());
            }
            if (!unordered.contains(command)) {
                return null;
            }
            if (command[0].equals("HSCAN")) {
                if (!(reply.value instanceof List)) {
                    return reply.toString();
                }
                List<?> parts = (List<?>) reply.value;
                List<String> found = new ArrayList<>();
                List<?> list = (List<?>) parts.get(1);
                for (int i = 0; i + 1 < list.size(); i += 2) {
                    found.add(list.get(i) + "\u0000" + list.get(i + 1));
                }
                Collections.sort(found);
                return parts.get(0) + " " + found;
            }
            Object n = pairs.normalize(command, reply);
            return n != null ? n : items.normalize(command, reply);
        }

        String[] next(Random r) {
            String[] queued = pending.poll();
            if (queued != null) {
                return queued;
            }
            String key = r.nextInt(4) == 0 ? BIG : KEYS[r.nextInt(KEYS.length)];
            if (r.nextInt(150) == 0) {
                key = STRING_KEY;
            }
            KeyModel m = keys.get(key);
            if (key.equals(STRING_KEY) && r.nextInt(3) == 0) {
                m.clear();
                m.string = true;
                return new String[] {"SET", key, "text"};
            }
            boolean big = key.equals(BIG);
            int pick = r.nextInt(100);
            if (big && pick < 40) {
                // one field at a time mostly, so the sequence looks at the hash at 512 and 513 fields
                return hset(r, key, m, r.nextInt(4) == 0 ? 1 + r.nextInt(8) : 1, true);
            }
            if (pick < 16) {
                return hset(r, key, m, 1 + r.nextInt(3), false);
            }
            if (pick < 19) {
                String[] c = hset(r, key, m, 1 + r.nextInt(3), false);
                c[0] = "HMSET";
                return c;
            }
            if (pick < 24) {
                return hsetnx(r, key, m, big);
            }
            if (pick < 32) {
                return new String[] {"HGET", key, field(r, big)};
            }
            if (pick < 36) {
                List<String> c = new ArrayList<>(List.of("HMGET", key));
                for (int i = 1 + r.nextInt(4); i > 0; i--) {
                    c.add(field(r, big));
                }
                return c.toArray(new String[0]);
            }
            if (pick < 44) {
                return hdel(r, key, m, big);
            }
            if (pick < 46) {
                return new String[] {"HLEN", key};
            }
            if (pick < 49) {
                return new String[] {"HSTRLEN", key, field(r, big)};
            }
            if (pick < 52) {
                return new String[] {"HEXISTS", key, field(r, big)};
            }
            if (pick < 60) {
                String name = pick < 54 ? "HKEYS" : pick < 56 ? "HVALS" : "HGETALL";
                return listing(m, new String[] {name, key});
            }
            if (pick < 67) {
                return hincrby(r, key, m, big);
            }
            if (pick < 73) {
                return hincrbyfloat(r, key, m, big);
            }
            if (pick < 78) {
                return hrandfield(r, key);
            }
            if (pick < 84) {
                return hscan(r, key, m);
            }
            if (pick < 90) {
                return new String[] {"OBJECT", "ENCODING", key};
            }
            if (pick < 91 && (!big || r.nextInt(20) == 0)) {
                m.clear();
                return new String[] {"DEL", key};
            }
            return new String[] {"HLEN", key};
        }

        private String[] listing(KeyModel m, String[] command) {
            if (m.hashtable) {
                unordered.add(command);
            }
            return command;
        }

        // ------------------------------------------------------------ writes, tracked in the model

        private String[] hset(Random r, String key, KeyModel m, int pairs, boolean big) {
            List<String> c = new ArrayList<>(List.of("HSET", key));
            List<String> newFields = new ArrayList<>();
            boolean tooLong = false;
            for (int i = 0; i < pairs; i++) {
                String f = field(r, big);
                String v = value(r, big);
                c.add(f);
                c.add(v);
                newFields.add(f);
                tooLong |= f.length() > maxValue || v.length() > maxValue;
            }
            if (!m.string) {
                if (tooLong) {
                    convertByLength(key, m);
                }
                add(key, m, newFields);
            }
            return c.toArray(new String[0]);
        }

        private String[] hsetnx(Random r, String key, KeyModel m, boolean big) {
            String f = field(r, big);
            String v = value(r, big);
            if (!m.string && !m.fields.contains(f)) {
                if (f.length() > maxValue || v.length() > maxValue) {
                    convertByLength(key, m);
                }
                add(key, m, List.of(f));
            }
            return new String[] {"HSETNX", key, f, v};
        }

        private void add(String key, KeyModel m, List<String> fields) {
            for (String f : fields) {
                if (m.fields.add(f) && m.fields.size() > maxEntries && !m.hashtable) {
                    m.hashtable = true;
                    conversionsByCount++;
                    pending.add(new String[] {"OBJECT", "ENCODING", key});
                }
            }
            if (!m.hashtable && m.fields.size() == maxEntries) {
                pending.add(new String[] {"OBJECT", "ENCODING", key});
            }
        }

        private void convertByLength(String key, KeyModel m) {
            if (!m.hashtable) {
                m.hashtable = true;
                conversionsByLength++;
                pending.add(new String[] {"OBJECT", "ENCODING", key});
            }
        }

        private String[] hdel(Random r, String key, KeyModel m, boolean big) {
            List<String> c = new ArrayList<>(List.of("HDEL", key));
            for (int i = 1 + r.nextInt(big ? 6 : 3); i > 0; i--) {
                String f = field(r, big);
                c.add(f);
                if (!m.string) {
                    m.fields.remove(f);
                }
            }
            if (!m.string && m.fields.isEmpty()) {
                m.clear();
            }
            return c.toArray(new String[0]);
        }

        /**
         * Counters never fail on an absent field and never on an absent key, so whether they add
         * a field is known without modelling values; a field too long for a listpack converts the
         * hash (if the field was there already, the hash was converted when it was added).
         */
        private String[] counter(String name, String key, KeyModel m, String field, String increment, boolean valid) {
            if (valid && !m.string && !m.fields.contains(field)) {
                if (field.length() > maxValue) {
                    convertByLength(key, m);
                }
                add(key, m, List.of(field));
            }
            return new String[] {name, key, field, increment};
        }

        private String[] hincrby(Random r, String key, KeyModel m, boolean big) {
            String by;
            boolean valid = true;
            switch (r.nextInt(12)) {
                case 0: by = "9223372036854775807"; break;
                case 1: by = "-9223372036854775808"; break;
                case 2: by = "x"; valid = false; break;
                case 3: by = "1.5"; valid = false; break;
                default: by = Integer.toString(r.nextInt(2001) - 1000);
            }
            return counter("HINCRBY", key, m, field(r, big), by, valid);
        }

        private String[] hincrbyfloat(Random r, String key, KeyModel m, boolean big) {
            String[] valid = {"1.5", "-0.25", "3", "1e2", "0.1", "-7", "2.5e-3", "0x10"};
            boolean ok = r.nextInt(12) != 0;
            String by = ok ? valid[r.nextInt(valid.length)] : (r.nextBoolean() ? "abc" : "inf");
            return counter("HINCRBYFLOAT", key, m, field(r, big), by, ok);
        }

        // ------------------------------------------------------------ reads with unspecified order

        private String[] hrandfield(Random r, String key) {
            String[] c;
            switch (r.nextInt(4)) {
                case 0: c = new String[] {"HRANDFIELD", key}; break;
                case 1: c = new String[] {"HRANDFIELD", key, Integer.toString(r.nextInt(30) - 10)}; break;
                default: c = new String[] {"HRANDFIELD", key, Integer.toString(r.nextInt(30) - 10), "WITHVALUES"};
            }
            bySize.add(c);
            return c;
        }

        private String[] hscan(Random r, String key, KeyModel m) {
            List<String> c = new ArrayList<>(List.of("HSCAN", key));
            if (m.hashtable) {
                // a hashtable's cursors depend on its hash function: ask for everything at once
                c.add("0");
                c.add("COUNT");
                c.add("100000");
            } else {
                c.add(r.nextInt(4) == 0 ? Integer.toString(r.nextInt(100)) : "0");
                if (r.nextBoolean()) {
                    c.add("COUNT");
                    c.add(Integer.toString(1 + r.nextInt(20)));
                }
            }
            if (r.nextBoolean()) {
                String[] patterns = {"f1*", "*", "[0-9]*", "?", "*x*", "-*", "v*"};
                c.add("MATCH");
                c.add(patterns[r.nextInt(patterns.length)]);
            }
            String[] command = c.toArray(new String[0]);
            if (m.hashtable) {
                unordered.add(command);
            }
            return command;
        }

        // ------------------------------------------------------------ fields and values

        /**
         * A field from a small pool, or for the big key from hundreds; long ones are rare on the
         * big key so that it grows past the entry limit as a listpack.
         */
        private String field(Random r, boolean big) {
            int kind = r.nextInt(100);
            if (kind < 2 && (!big || r.nextInt(50) == 0)) {
                return "L".repeat(LONG) + r.nextInt(3);
            }
            if (kind < 20) {
                return Integer.toString(r.nextInt(40) - 8);
            }
            if (big) {
                return "f" + r.nextInt(900);
            }
            return "f" + r.nextInt(kind < 60 ? 10 : 40);
        }

        private String value(Random r, boolean big) {
            int kind = r.nextInt(100);
            if (kind < 3 && (!big || r.nextInt(50) == 0)) {
                return "V".repeat(LONG + r.nextInt(10));
            }
            if (kind < 40) {
                return Integer.toString(r.nextInt(201) - 100);
            }
            if (kind < 43) {
                return r.nextBoolean() ? "9223372036854775807" : "-9223372036854775808";
            }
            if (kind < 48) {
                return r.nextBoolean() ? "1.5" : "007";
            }
            if (kind < 50) {
                return "";
            }
            return "v" + r.nextInt(1000);
        }
    }
}
