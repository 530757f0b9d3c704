package io.cinnabar.command;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.RespClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded random command sequences over every family, transactions and scripts, run on real Redis
 * (read as its replica) and Cinnabar; every step's propagated commands must match. Replay a
 * failure with -DpropagationSeed=N (and -DpropagationSteps=N for a longer run).
 */
@Timeout(300)
class PropagationRandomDiffTest {
    private static final long FUTURE_SECONDS = 4_000_000_000L;

    @Test
    void randomSequencesPropagateAsInRedis() throws Exception {
        long seed = Long.getLong("propagationSeed", 20261130L);
        int steps = Integer.getInteger("propagationSteps", 3000);
        Random r = new Random(seed);
        try (PropagationDiff diff = new PropagationDiff()) {
            for (RespClient c : diff.both()) {
                c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
            }
            for (int i = 0; i < steps; i++) {
                int kind = r.nextInt(20);
                if (kind == 0) {
                    int n = 1 + r.nextInt(4);
                    diff.step("step " + i, RespClient.args("MULTI"), true, PropagationDiff.Mode.EXACT);
                    for (int k = 0; k < n; k++) {
                        String[] command = r.nextInt(8) == 0 ? new String[] {"SELECT", Integer.toString(r.nextInt(2))} : command(r);
                        diff.step("step " + i, RespClient.args(command), true, PropagationDiff.Mode.EXACT);
                    }
                    diff.step("step " + i, RespClient.args("EXEC"), !unorderedReply, PropagationDiff.Mode.EXACT);
                    unorderedReply = false;
                } else if (kind == 1) {
                    diff.step("step " + i, RespClient.args(script(r)), true, PropagationDiff.Mode.EXACT);
                } else {
                    String[] command = command(r);
                    diff.step("step " + i, RespClient.args(command), !unorderedReply, PropagationDiff.Mode.EXACT);
                    unorderedReply = false;
                }
                if (diff.mismatches().size() >= 10) {
                    break;
                }
            }
            assertTrue(diff.mismatches().isEmpty(), () -> "seed " + seed + ":\n" + String.join("\n", diff.mismatches()));
        }
    }

    /** Set by a command whose reply lists a hash-ordered collection (Redis's order is its own). */
    private boolean unorderedReply;

    private String[] command(Random r) {
        switch (r.nextInt(6)) {
            case 0: return stringCommand(r);
            case 1: return listCommand(r);
            case 2: return hashCommand(r);
            case 3: return setOrZsetCommand(r);
            case 4: return streamCommand(r);
            default: return keyCommand(r);
        }
    }

    /**
     * A relative time to live no key reaches while the test runs, so no key expires between the
     * two servers' runs of a step (past times, which delete at once, are drawn separately).
     */
    private static int ttlSeconds(Random r) {
        return 1000 + r.nextInt(1000);
    }

    private static String key(Random r, String type) {
        return type + ":" + r.nextInt(6);
    }

    private static String anyKey(Random r) {
        return key(r, new String[] {"s", "l", "h", "t", "z", "x"}[r.nextInt(6)]);
    }

    private static String value(Random r) {
        switch (r.nextInt(4)) {
            case 0: return Integer.toString(r.nextInt(1000) - 500);
            case 1: return "v" + r.nextInt(20);
            case 2: return "x".repeat(r.nextInt(60));
            default: return r.nextInt(100) + "." + r.nextInt(100);
        }
    }

    private static String[] stringCommand(Random r) {
        String k = key(r, "s");
        switch (r.nextInt(16)) {
            case 0: return set(r, k);
            case 1: return new String[] {"SETEX", k, Integer.toString(ttlSeconds(r)), value(r)};
            case 2: return new String[] {"PSETEX", k, Long.toString(ttlSeconds(r) * 1000L + r.nextInt(1000)), value(r)};
            case 3: return new String[] {"GETSET", k, value(r)};
            case 4: return new String[] {"GETDEL", k};
            case 5: return getex(r, k);
            case 6: return new String[] {"INCRBY", k, Integer.toString(r.nextInt(100))};
            case 7: return new String[] {"INCRBYFLOAT", k, value(r)};
            case 8: return new String[] {"APPEND", k, value(r)};
            case 9: return new String[] {"SETRANGE", k, Integer.toString(r.nextInt(10)), value(r)};
            case 10: return new String[] {"MSET", k, value(r), key(r, "s"), value(r)};
            case 11: return new String[] {"MSETNX", k, value(r), key(r, "s"), value(r)};
            case 12: return new String[] {"SETNX", k, value(r)};
            case 13: return new String[] {"GET", k};
            case 14: return new String[] {"INCR", k};
            default: return new String[] {"DECR", k};
        }
    }

    private static String[] set(Random r, String k) {
        List<String> c = new ArrayList<>(List.of("SET", k, value(r)));
        switch (r.nextInt(6)) {
            case 0: c.addAll(List.of("EX", Integer.toString(ttlSeconds(r)))); break;
            case 1: c.addAll(List.of("PX", Long.toString(ttlSeconds(r) * 1000L + r.nextInt(1000)))); break;
            case 2: c.addAll(List.of("EXAT", Long.toString(FUTURE_SECONDS + r.nextInt(1000)))); break;
            case 3: c.addAll(List.of("PXAT", Long.toString(FUTURE_SECONDS * 1000 + r.nextInt(1000)))); break;
            case 4: c.add("KEEPTTL"); break;
            default: break;
        }
        switch (r.nextInt(4)) {
            case 0: c.add("NX"); break;
            case 1: c.add("XX"); break;
            default: break;
        }
        if (r.nextInt(3) == 0) {
            c.add(r.nextInt(2) == 0 ? "GET" : "get");
        }
        return c.toArray(new String[0]);
    }

    private static String[] getex(Random r, String k) {
        switch (r.nextInt(6)) {
            case 0: return new String[] {"GETEX", k, "EX", Integer.toString(ttlSeconds(r))};
            case 1: return new String[] {"GETEX", k, "PX", Long.toString(ttlSeconds(r) * 1000L + r.nextInt(1000))};
            case 2: return new String[] {"GETEX", k, "EXAT", Long.toString(r.nextBoolean() ? 1 : FUTURE_SECONDS)};
            case 3: return new String[] {"GETEX", k, "PXAT", Long.toString(r.nextBoolean() ? 1 : FUTURE_SECONDS * 1000)};
            case 4: return new String[] {"GETEX", k, "PERSIST"};
            default: return new String[] {"GETEX", k};
        }
    }

    private static String[] listCommand(Random r) {
        String k = key(r, "l");
        String side = r.nextBoolean() ? "LEFT" : "right";
        switch (r.nextInt(12)) {
            case 0: case 1: return new String[] {"RPUSH", k, value(r), value(r), value(r)};
            case 2: return new String[] {"LPUSH", k, value(r)};
            case 3: return new String[] {"LPOP", k};
            case 4: return new String[] {"RPOP", k, Integer.toString(r.nextInt(4))};
            case 5: return new String[] {"LMPOP", "2", k, key(r, "l"), side, "COUNT", Integer.toString(1 + r.nextInt(4))};
            case 6: return new String[] {"BLPOP", k, key(r, "l"), "0.01"};
            case 7: return new String[] {"BRPOP", k, "0.01"};
            case 8: return new String[] {"BLMOVE", k, key(r, "l"), side, r.nextBoolean() ? "RIGHT" : "left", "0.01"};
            case 9: return new String[] {"BRPOPLPUSH", k, key(r, "l"), "0.01"};
            case 10: return new String[] {"BLMPOP", "0.01", "1", k, side};
            default: return new String[] {"LTRIM", k, "0", Integer.toString(r.nextInt(5))};
        }
    }

    private static String[] hashCommand(Random r) {
        String k = key(r, "h");
        String field = "f" + r.nextInt(5);
        switch (r.nextInt(5)) {
            case 0: return new String[] {"HSET", k, field, value(r)};
            case 1: return new String[] {"HINCRBY", k, field, Integer.toString(r.nextInt(10))};
            case 2: return new String[] {"HINCRBYFLOAT", k, field, value(r)};
            case 3: return new String[] {"HDEL", k, field};
            default: return new String[] {"HSETNX", k, field, value(r)};
        }
    }

    private String[] setOrZsetCommand(Random r) {
        String t = key(r, "t");
        String z = key(r, "z");
        String member = "m" + r.nextInt(8);
        switch (r.nextInt(12)) {
            case 0: return new String[] {"SADD", t, member, "m" + r.nextInt(8)};
            case 1: return new String[] {"SREM", t, member};
            case 2:
                unorderedReply = true; // the whole set, in Redis's hash order
                return new String[] {"SPOP", t, "100"};
            case 3: return new String[] {"SMOVE", t, key(r, "t"), member};
            case 4: return new String[] {"ZADD", z, Integer.toString(r.nextInt(20)), member};
            case 5: return new String[] {"ZINCRBY", z, value(r), member};
            case 6: return new String[] {"ZPOPMIN", z, Integer.toString(r.nextInt(3))};
            case 7: return new String[] {"ZMPOP", "2", z, key(r, "z"), r.nextBoolean() ? "MIN" : "max", "COUNT", Integer.toString(1 + r.nextInt(4))};
            case 8: return new String[] {"BZPOPMAX", z, "0.01"};
            case 9: return new String[] {"BZMPOP", "0.01", "1", z, "MIN"};
            case 10: return new String[] {"ZREM", z, member};
            default: return new String[] {"ZUNIONSTORE", z, "2", z, key(r, "z")};
        }
    }

    /** Stream IDs given explicitly and increasing, so both servers hold the same entries. */
    private long nextStreamMs = 1;

    private String[] streamCommand(Random r) {
        String k = key(r, "x");
        String id = (nextStreamMs++) + "-1";
        switch (r.nextInt(10)) {
            case 0: case 1: return new String[] {"XADD", k, id, "f", value(r)};
            case 2: return new String[] {"XADD", k, "MAXLEN", "~", Integer.toString(r.nextInt(5)), id, "f", value(r)};
            case 3: return new String[] {"XADD", k, "MINID", "=", (nextStreamMs - 3) + "-0", (nextStreamMs - 1) + "-*", "f", value(r)};
            case 4: return new String[] {"XTRIM", k, "MAXLEN", r.nextBoolean() ? "~" : "=", Integer.toString(r.nextInt(5))};
            case 5: return new String[] {"XGROUP", "CREATE", k, "g", "0", "MKSTREAM"};
            case 6: return new String[] {"XREADGROUP", "GROUP", "g", "c" + r.nextInt(3), "COUNT", Integer.toString(1 + r.nextInt(3)), "STREAMS", k, ">"};
            case 7: return new String[] {"XREADGROUP", "GROUP", "g", "c" + r.nextInt(3), "NOACK", "COUNT", "1", "STREAMS", k, ">"};
            case 8: return new String[] {"XAUTOCLAIM", k, "g", "c" + r.nextInt(3), "0", "0-0", "COUNT", Integer.toString(1 + r.nextInt(3))};
            default: return new String[] {"XCLAIM", k, "g", "c" + r.nextInt(3), "0", (1 + r.nextInt((int) nextStreamMs)) + "-1"};
        }
    }

    private static String[] keyCommand(Random r) {
        String k = anyKey(r);
        switch (r.nextInt(11)) {
            case 0: return new String[] {"DEL", k, anyKey(r)};
            case 1: return new String[] {"UNLINK", k};
            case 2: return new String[] {"EXPIRE", k, Integer.toString(r.nextInt(4) == 0 ? -r.nextInt(100) : ttlSeconds(r)), new String[] {"NX", "XX", "GT", "LT", "nx"}[r.nextInt(5)]};
            case 3: return new String[] {"PEXPIRE", k, Long.toString(r.nextInt(4) == 0 ? -r.nextInt(1000) : ttlSeconds(r) * 1000L + r.nextInt(1000))};
            case 4: return new String[] {"EXPIREAT", k, Long.toString(r.nextBoolean() ? 1 : FUTURE_SECONDS)};
            case 5: return new String[] {"PEXPIREAT", k, Long.toString(r.nextBoolean() ? 1 : FUTURE_SECONDS * 1000)};
            case 6: return new String[] {"PERSIST", k};
            case 7: return new String[] {"RENAME", k, k.substring(0, 2) + r.nextInt(6)};
            case 8: return new String[] {"COPY", k, k.substring(0, 2) + r.nextInt(6), "REPLACE"};
            case 9: return new String[] {"MOVE", k, "1"};
            default: return new String[] {"EXISTS", k};
        }
    }

    /** An EVAL of up to three writes, sometimes under redis.set_repl. */
    private String[] script(Random r) {
        StringBuilder body = new StringBuilder();
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
            if (r.nextInt(4) == 0) {
                body.append("redis.set_repl(").append(new String[] {"redis.REPL_NONE", "redis.REPL_AOF", "redis.REPL_REPLICA", "redis.REPL_ALL"}[r.nextInt(4)]).append(");");
            }
            String[] c = command(r);
            unorderedReply = false;
            body.append("pcall(redis.call");
            for (String a : c) {
                body.append(", '").append(a).append('\'');
            }
            body.append(");");
        }
        return new String[] {"EVAL", body.toString(), "0"};
    }
}
