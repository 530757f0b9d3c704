package io.cinnabar.commands;

import io.cinnabar.testing.RandomDiff;
import io.cinnabar.testing.RespTree;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Random stream commands with explicit, mostly increasing IDs over a few keys, against real Redis,
 * every reply compared byte for byte: XADD (ms-seq, ms, ms-*, stale IDs, MAXLEN/MINID with = and
 * ~ and LIMIT, NOMKSTREAM), XTRIM, XDEL, XSETID, XLEN, XRANGE/XREVRANGE with inclusive, exclusive
 * and incomplete bounds and COUNT, and the consumer group commands (XGROUP, XREADGROUP, XACK,
 * XPENDING, XCLAIM, XAUTOCLAIM, XINFO GROUPS with entries-read and lag; idle times only through filters far above any elapsed time),
 * and XINFO STREAM plain and FULL [COUNT n] (radix tree counts included; delivery and seen times
 * compared as integers only).
 * Small block limits make approximate trimming drop whole blocks often. Replay a failure with
 * {@code -DstreamSeed=<seed>}.
 */
@Timeout(300)
class StreamCommandsRandomDiffTest {
    private static final String[] KEYS = {"x:0", "x:1", "x:2"};
    private static final String[] FIELDS = {"a", "b", "c", "12", "-7"};

    @Test
    void smallBlocks() {
        RandomDiff.run("streamSeed", 20261130L, 15000,
                new RandomDiff.Options().config("stream-node-max-entries 4").normalizer(TIMES_MASKED), new Generator()::next);
    }

    @Test
    void smallBlockBytes() {
        RandomDiff.run("streamSeed", 20261131L, 10000,
                new RandomDiff.Options().config("stream-node-max-bytes 80").config("stream-node-max-entries 0").normalizer(TIMES_MASKED),
                new Generator()::next);
    }

    @Test
    void resp3() {
        RandomDiff.run("streamSeed", 20261132L, 5000,
                new RandomDiff.Options().resp3().config("stream-node-max-entries 6").normalizer(TIMES_MASKED), new Generator()::next);
    }

    /**
     * Radix tree counts of XINFO STREAM over IDs spread across all 16 key bytes (jumps of up to
     * 2^62 in ms, sequence numbers up to 2^40), one entry per block, with blocks deleted anywhere.
     */
    @Test
    void radixTreeOfWidelySpreadIds() {
        long[] top = new long[1];
        List<String> added = new ArrayList<>();
        RandomDiff.run("streamSeed", 20261133L, 4000, new RandomDiff.Options().config("stream-node-max-entries 1"), r -> {
            int op = r.nextInt(10);
            if (op < 5 || added.isEmpty()) {
                top[0] += 1 + (r.nextBoolean() ? r.nextInt(300) : r.nextLong() >>> (2 + r.nextInt(62)));
                if (top[0] < 0 || top[0] > Long.MAX_VALUE / 2) {
                    top[0] = 1;
                    added.clear();
                    return new String[] {"DEL", "x:w"};
                }
                String id = top[0] + "-" + (r.nextBoolean() ? 0 : r.nextLong() >>> (24 + r.nextInt(40)));
                added.add(id);
                return new String[] {"XADD", "x:w", id, "f", "v"};
            }
            if (op < 8) {
                return new String[] {"XDEL", "x:w", added.remove(r.nextInt(added.size()))};
            }
            return new String[] {"XINFO", "STREAM", "x:w"};
        });
    }

    /** XINFO STREAM FULL shows delivery and seen times, which differ between the servers. */
    private static final RandomDiff.Normalizer TIMES_MASKED = (command, reply) ->
            command[0].equals("XINFO") ? RespTree.parse(reply.raw).withTimesMasked().render() : null;

    private static final class Generator {
        /** Per key, the ms near which new IDs are drawn so that most XADDs succeed. */
        private final Map<String, Long> top = new HashMap<>();

        String[] next(Random r) {
            String key = KEYS[r.nextInt(KEYS.length)];
            long ms = top.getOrDefault(key, 0L);
            int op = r.nextInt(100);
            if (op < 40) {
                return xadd(r, key, ms);
            }
            if (op < 55) {
                return range(r, key, ms);
            }
            if (op < 63) {
                List<String> c = new ArrayList<>(List.of("XDEL", key));
                for (int i = r.nextInt(3); i >= 0; i--) {
                    c.add(randomId(r, ms));
                }
                return c.toArray(new String[0]);
            }
            if (op < 71) {
                List<String> c = new ArrayList<>(List.of("XTRIM", key));
                trimOptions(r, c, ms);
                return c.toArray(new String[0]);
            }
            if (op < 80) {
                return new String[] {"XLEN", key};
            }
            if (op < 83) {
                long at = ms + r.nextInt(3) - 1;
                top.put(key, Math.max(ms, at));
                return r.nextBoolean() ? new String[] {"XSETID", key, at + "-" + r.nextInt(3)}
                        : new String[] {"XSETID", key, at + "-5", "ENTRIESADDED", Integer.toString(r.nextInt(40)),
                                "MAXDELETEDID", Math.max(0, at - r.nextInt(4)) + "-0"};
            }
            if (op < 84) {
                top.remove(key);
                return new String[] {"DEL", key};
            }
            if (op < 87) {
                return new String[] {"OBJECT", "ENCODING", key};
            }
            if (op < 90) {
                switch (r.nextInt(3)) {
                    case 0: return new String[] {"XINFO", "STREAM", key};
                    case 1: return new String[] {"XINFO", "STREAM", key, "FULL"};
                    default: return new String[] {"XINFO", "STREAM", key, "FULL", "COUNT", Integer.toString(r.nextInt(4) - 1)};
                }
            }
            return group(r, key, ms);
        }

        /** Consumer group commands over groups g0, g1 and consumers c0..c2. */
        private String[] group(Random r, String key, long ms) {
            String g = "g" + r.nextInt(2);
            String c = "c" + r.nextInt(3);
            switch (r.nextInt(11)) {
                case 0:
                    return r.nextBoolean() ? new String[] {"XGROUP", "CREATE", key, g, r.nextBoolean() ? "$" : randomId(r, ms), "MKSTREAM"}
                            : new String[] {"XGROUP", "SETID", key, g, randomId(r, ms)};
                case 1:
                    return r.nextInt(4) == 0 ? new String[] {"XGROUP", "DESTROY", key, g}
                            : new String[] {"XGROUP", r.nextBoolean() ? "CREATECONSUMER" : "DELCONSUMER", key, g, c};
                case 2:
                case 3:
                case 4: {
                    List<String> cmd = new ArrayList<>(List.of("XREADGROUP", "GROUP", g, c));
                    if (r.nextBoolean()) {
                        cmd.add("COUNT");
                        cmd.add(Integer.toString(r.nextInt(4)));
                    }
                    if (r.nextInt(5) == 0) {
                        cmd.add("NOACK");
                    }
                    cmd.add("STREAMS");
                    cmd.add(key);
                    cmd.add(r.nextInt(3) == 0 ? randomId(r, ms) : ">");
                    return cmd.toArray(new String[0]);
                }
                case 5:
                case 6: {
                    List<String> cmd = new ArrayList<>(List.of("XACK", key, g));
                    for (int i = r.nextInt(3); i >= 0; i--) {
                        cmd.add(randomId(r, ms));
                    }
                    return cmd.toArray(new String[0]);
                }
                case 7:
                    return r.nextBoolean() ? new String[] {"XPENDING", key, g} : new String[] {"XINFO", "GROUPS", key};
                case 8: {
                    List<String> cmd = new ArrayList<>(List.of("XCLAIM", key, g, c, "0"));
                    for (int i = r.nextInt(3); i >= 0; i--) {
                        cmd.add(randomId(r, ms));
                    }
                    if (r.nextInt(3) == 0) {
                        cmd.add("JUSTID");
                    }
                    if (r.nextInt(4) == 0) {
                        cmd.add("FORCE");
                    }
                    return cmd.toArray(new String[0]);
                }
                case 9:
                    return r.nextBoolean() ? new String[] {"XAUTOCLAIM", key, g, c, "0", bound(r, ms, true), "COUNT", Integer.toString(1 + r.nextInt(4))}
                            : new String[] {"XAUTOCLAIM", key, g, c, "0", "0", "JUSTID"};
                default:
                    // idle times differ between servers; IDLE far above any elapsed time keeps the reply deterministic
                    return r.nextBoolean() ? new String[] {"XPENDING", key, g, "IDLE", "100000000", "-", "+", "10"}
                            : new String[] {"XPENDING", key, g, "IDLE", "100000000", bound(r, ms, true), bound(r, ms, false), "5", c};
            }
        }

        private String[] xadd(Random r, String key, long ms) {
            List<String> c = new ArrayList<>(List.of("XADD", key));
            if (r.nextInt(20) == 0) {
                c.add("NOMKSTREAM");
            }
            if (r.nextInt(4) == 0) {
                trimOptions(r, c, ms);
            }
            int kind = r.nextInt(10);
            long next = ms + (r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(3));
            if (kind < 5) {
                c.add(next + "-" + r.nextInt(4));
            } else if (kind < 7) {
                c.add(Long.toString(next));
            } else if (kind < 9) {
                c.add(next + "-*");
            } else {
                c.add(randomId(r, ms)); // mostly stale: an error
            }
            top.put(key, Math.max(ms, next));
            boolean sameFields = r.nextInt(3) > 0;
            int n = sameFields ? 2 : 1 + r.nextInt(3);
            for (int i = 0; i < n; i++) {
                c.add(sameFields ? FIELDS[i] : FIELDS[r.nextInt(FIELDS.length)]);
                c.add(r.nextInt(5) == 0 ? "value-" + "x".repeat(r.nextInt(40)) : Integer.toString(r.nextInt(1000) - 100));
            }
            return c.toArray(new String[0]);
        }

        private void trimOptions(Random r, List<String> c, long ms) {
            boolean byLength = r.nextBoolean();
            c.add(byLength ? "MAXLEN" : "MINID");
            int mode = r.nextInt(3);
            if (mode > 0) {
                c.add(mode == 1 ? "~" : "=");
            }
            c.add(byLength ? Integer.toString(r.nextInt(12)) : Long.toString(Math.max(0, ms - r.nextInt(15))));
            if (mode == 1 && r.nextInt(3) == 0) {
                c.add("LIMIT");
                c.add(Integer.toString(r.nextInt(10)));
            }
        }

        private static String randomId(Random r, long ms) {
            long at = Math.max(0, ms - r.nextInt(12));
            return r.nextInt(4) == 0 ? Long.toString(at) : at + "-" + r.nextInt(4);
        }

        private static String bound(Random r, long ms, boolean low) {
            int k = r.nextInt(8);
            if (k == 0) {
                return low ? "-" : "+";
            }
            String id = randomId(r, ms + 1);
            return k == 1 ? "(" + id : id;
        }

        private String[] range(Random r, String key, long ms) {
            boolean reverse = r.nextInt(3) == 0;
            String low = bound(r, ms, true);
            String high = bound(r, ms, false);
            List<String> c = new ArrayList<>(reverse ? List.of("XREVRANGE", key, high, low) : List.of("XRANGE", key, low, high));
            if (r.nextInt(3) == 0) {
                c.add("COUNT");
                c.add(Integer.toString(r.nextInt(6) - 1));
            }
            return c.toArray(new String[0]);
        }
    }
}
