package io.cinnabar.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.RespClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the scripts cannot drive: clients blocked and served by another's push, the active
 * expire cycle, eviction. Each runs on real Redis (read as its replica) and on Cinnabar.
 */
@Timeout(120)
class PropagationScenariosTest {
    @Test
    void servedBlockedClientPropagatesItsPopAfterThePush() throws Exception {
        try (PropagationDiff diff = new PropagationDiff(); RespClient theirBlocked = diff.redis.client();
                RespClient ourBlocked = diff.cinnabar.client()) {
            String[][] blockingThenPush = {
                {"BLPOP", "l1", "0"}, {"RPUSH", "l1", "a", "b"},
                {"BLMPOP", "0", "2", "nol", "l2", "RIGHT", "COUNT", "5"}, {"LPUSH", "l2", "x", "y", "z"},
                {"BRPOPLPUSH", "src", "dst", "0"}, {"RPUSH", "src", "1"},
                {"BLMOVE", "src", "dst", "LEFT", "RIGHT", "0"}, {"EVAL", "redis.call('rpush','src','1','2')", "0"},
                {"BZPOPMIN", "z1", "0"}, {"ZADD", "z1", "1", "a", "2", "b"},
                {"BZMPOP", "0", "1", "z2", "MAX", "COUNT", "3"}, {"ZADD", "z2", "3", "c"},
                {"XREADGROUP", "GROUP", "g", "c1", "BLOCK", "0", "STREAMS", "xs", ">"}, {"XADD", "xs", "5-1", "f", "v"},
                {"XREADGROUP", "GROUP", "g", "c2", "NOACK", "BLOCK", "0", "STREAMS", "xs", ">"}, {"XADD", "xs", "6-1", "f", "v"},
                {"XREAD", "BLOCK", "0", "STREAMS", "xs", "$"}, {"XADD", "xs", "7-1", "f", "v"},
                {"BLPOP", "l3", "0"}, {"MULTI"}, {"RPUSH", "l3", "a"}, {"SET", "k", "v"}, {"EXEC"},
            };
            diff.runScript("setup", "xgroup create xs g $ mkstream\n");
            for (int i = 0; i < blockingThenPush.length; i += 2) {
                theirBlocked.send(blockingThenPush[i]);
                ourBlocked.send(blockingThenPush[i]);
                PropagationDiff.await("the client to block",
                        () -> blockedClients(diff.theirs) == 1 && blockedClients(diff.ours) == 1);
                if (blockingThenPush[i + 1][0].equals("MULTI")) {
                    for (int k = 1; k < 4; k++) {
                        diff.step("transaction", RespClient.args(blockingThenPush[i + k]), true, PropagationDiff.Mode.EXACT);
                    }
                    i += 3;
                }
                diff.step("push " + i, RespClient.args(blockingThenPush[i + 1]), true, PropagationDiff.Mode.EXACT);
                assertEquals(theirBlocked.read().toString(), ourBlocked.read().toString(), "reply of " + String.join(" ", blockingThenPush[i]));
            }
            assertTrue(diff.mismatches().isEmpty(), () -> String.join("\n", diff.mismatches()));
        }
    }

    @Test
    void restoreMakesItsTtlAbsoluteAndAPastTtlADeletion() throws Exception {
        try (PropagationDiff diff = new PropagationDiff()) {
            diff.runScript("setup", "rpush src a b c\n");
            byte[] raw = diff.theirs.call("DUMP", "src").raw; // $<length>\r\n<payload>\r\n
            int headerEnd = new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf('\n') + 1;
            byte[] payload = java.util.Arrays.copyOfRange(raw, headerEnd, raw.length - 2);
            String inAMinute = Long.toString(System.currentTimeMillis() + 60_000);
            byte[][][] steps = {
                restore(payload, "r1", "0"),
                restore(payload, "r2", "100000"),
                restore(payload, "r2", "100000", "REPLACE", "IDLETIME", "5"),
                restore(payload, "r3", inAMinute, "ABSTTL"),
                restore(payload, "r1", "1", "REPLACE", "ABSTTL"),
                restore(payload, "r9", "1", "ABSTTL"),
                restore(payload, "r2", "0"),
                RespClient.args("CONFIG", "SET", "lazyfree-lazy-server-del", "yes"),
                restore(payload, "r2", "1", "REPLACE", "ABSTTL"),
                RespClient.args("CONFIG", "SET", "lazyfree-lazy-server-del", "no"),
            };
            for (byte[][] step : steps) {
                diff.step("restore", step, true, PropagationDiff.Mode.EXACT);
            }
            assertTrue(diff.mismatches().isEmpty(), () -> String.join("\n", diff.mismatches()));
        }
    }

    private static byte[][] restore(byte[] payload, String key, String ttl, String... options) {
        byte[][] argv = new byte[4 + options.length][];
        argv[0] = "RESTORE".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        argv[1] = key.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        argv[2] = ttl.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        argv[3] = payload;
        System.arraycopy(RespClient.args(options), 0, argv, 4, options.length);
        return argv;
    }

    private static int blockedClients(RespClient c) {
        return Integer.parseInt(infoField(c.call("INFO", "clients").text(), "blocked_clients"));
    }

    @Test
    void activeExpiryPropagatesOneDelPerKeyUnwrapped() throws Exception {
        try (PropagationDiff diff = new PropagationDiff()) {
            diff.runScript("setup", "debug set-active-expire 0\nset keep 1\n");
            StringBuilder script = new StringBuilder();
            for (int i = 0; i < 30; i++) {
                script.append("set volatile:").append(i).append(" x px 1\n");
            }
            diff.runScript("setup", script.toString());
            diff.letTimePass(3);
            for (RespClient c : diff.both()) {
                c.call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
            }
            PropagationDiff.await("active expiry", () -> dbsize(diff.theirs) == 1 && dbsize(diff.ours) == 1);
            for (RespClient c : diff.both()) {
                c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
            }
            diff.compareStreams("active expire cycle", PropagationDiff.Mode.UNORDERED);
            assertTrue(diff.mismatches().isEmpty(), () -> String.join("\n", diff.mismatches()));
        }
    }

    private static long dbsize(RespClient c) {
        return (Long) c.callValue("DBSIZE");
    }

    @Test
    void evictionPropagatesOneDelPerKeyBeforeTheCommand() throws Exception {
        checkEviction("no", "DEL");
    }

    @Test
    void lazyEvictionPropagatesUnlink() throws Exception {
        checkEviction("yes", "UNLINK");
    }

    /**
     * Which keys go, and how many, depends on each server's memory accounting; what is compared is
     * the form: one DEL (or UNLINK) per evicted key, never wrapped, and the command that needed room.
     */
    private static void checkEviction(String lazy, String deletion) throws Exception {
        try (PropagationDiff diff = new PropagationDiff("maxmemory-policy allkeys-random", "lazyfree-lazy-eviction " + lazy,
                // Redis's backlog grows with what it replicates up to this size, and counts as used memory
                "repl-backlog-size 16384")) {
            StringBuilder script = new StringBuilder();
            for (int i = 0; i < 60; i++) {
                script.append("set key:").append(i).append(' ').append("x".repeat(1000)).append('\n');
            }
            diff.runScript("fill", script.toString());
            for (RespClient c : diff.both()) {
                long used = Long.parseLong(infoField(c.call("INFO", "memory").text(), "used_memory"));
                c.call("CONFIG", "SET", "maxmemory", Long.toString(used - 20_000));
            }
            for (RespClient c : diff.both()) {
                assertEquals("+OK\r\n", c.call("SET", "newkey", "v").text(), c == diff.ours ? "cinnabar" : "redis");
            }
            List<List<List<String>>> streams = diff.cut();
            long evicted = Long.parseLong(infoField(diff.ours.call("INFO", "stats").text(), "evicted_keys"));
            for (int s = 0; s < 2; s++) {
                String server = s == 0 ? "redis" : "cinnabar";
                List<List<String>> stream = new ArrayList<>(streams.get(s));
                // Eviction has a time budget per call: on a loaded machine it continues between
                // commands (as Redis's eviction timer does), so deletions may also follow the SET.
                assertTrue(stream.remove(List.of("SET", "newkey", "v")), server + ": " + stream);
                int deletions = 0;
                for (List<String> command : stream) {
                    if (command.get(0).equals("SELECT")) {
                        continue;
                    }
                    assertEquals(deletion, command.get(0), server + ": " + stream);
                    assertTrue(command.size() == 2 && command.get(1).startsWith("key:"), server + ": " + stream);
                    deletions++;
                }
                assertTrue(deletions > 0, server + " evicted nothing");
                if (s == 1) {
                    assertEquals(evicted, deletions, "one deletion per evicted key");
                }
            }
        }
    }

    private static String infoField(String info, String field) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\n" + field + ":(\\d+)").matcher(info);
        assertTrue(m.find(), field + " in " + info);
        return m.group(1);
    }
}
