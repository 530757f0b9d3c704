package io.cinnabar.commands;

import io.cinnabar.testing.RandomDiff;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded random element streams fed to several HLLs in real Redis and in Cinnabar: PFADD,
 * PFCOUNT of one key (the cached cardinality) and of several (the union), PFMERGE, and GET of the
 * keys so the sparse and dense bytes, the cache and its stale flag are compared byte for byte.
 * Keys are deleted now and then so they pass through the sparse encoding again; a second run
 * uses a small hll-sparse-max-bytes so promotion to dense happens early and often. Replay with
 * {@code -DhllSeed=<seed>} or {@code -DhllSmallSeed=<seed>}.
 */
@Timeout(300)
class HyperLogLogRandomDiffTest {
    private static final int KEYS = 5;

    @Test
    void elementStreamsMatchRedis() {
        RandomDiff.run("hllSeed", 20261130L, 20000, HyperLogLogRandomDiffTest::command);
    }

    @Test
    void earlyPromotionMatchesRedis() {
        RandomDiff.run("hllSmallSeed", 20261201L, 8000,
                new RandomDiff.Options().config("hll-sparse-max-bytes 200"), HyperLogLogRandomDiffTest::command);
    }

    private static String key(Random r) {
        return r.nextInt(20) == 0 ? "h:missing" : "h:" + r.nextInt(KEYS);
    }

    static String[] command(Random r) {
        int pick = r.nextInt(100);
        if (pick < 55) {
            List<String> c = new ArrayList<>(List.of("PFADD", key(r)));
            int n = r.nextInt(8) == 0 ? r.nextInt(300) : r.nextInt(12);
            for (int i = 0; i < n; i++) {
                c.add(element(r));
            }
            return c.toArray(new String[0]);
        } else if (pick < 72) {
            return new String[] {"PFCOUNT", key(r)};
        } else if (pick < 78) {
            List<String> c = new ArrayList<>(List.of("PFCOUNT"));
            for (int i = 1 + r.nextInt(4); i > 0; i--) {
                c.add(key(r));
            }
            return c.toArray(new String[0]);
        } else if (pick < 84) {
            List<String> c = new ArrayList<>(List.of("PFMERGE", key(r)));
            for (int i = r.nextInt(4); i > 0; i--) {
                c.add(key(r));
            }
            return c.toArray(new String[0]);
        } else if (pick < 93) {
            return new String[] {"GET", key(r)};
        } else if (pick < 96) {
            return r.nextBoolean() ? new String[] {"PFDEBUG", "ENCODING", key(r)} : new String[] {"OBJECT", "ENCODING", key(r)};
        } else if (pick < 98) {
            return new String[] {"PFDEBUG", r.nextBoolean() ? "DECODE" : "TODENSE", key(r)};
        } else {
            return new String[] {"DEL", key(r)};
        }
    }

    /** Elements from a large space (mostly new), a small one (repeats), and odd lengths. */
    private static String element(Random r) {
        switch (r.nextInt(6)) {
            case 0:
                return Integer.toString(r.nextInt(50));
            case 1: {
                StringBuilder b = new StringBuilder();
                for (int i = r.nextInt(40); i > 0; i--) {
                    b.append((char) (33 + r.nextInt(94)));
                }
                return b.toString();
            }
            default:
                return "e" + r.nextInt(5_000_000);
        }
    }
}
