package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.RespClient;
import io.cinnabar.testing.Servers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HLL values cross between real Redis and Cinnabar unchanged: one built by PFADD on either side,
 * taken with GET and SET on the other, counts the same there and grows into the same bytes. And
 * copies of valid HLLs with bytes flipped (header, opcodes, registers) get from Cinnabar exactly
 * the replies Redis gives: the same errors, the same counts, the same bytes after PFADD and
 * PFMERGE. Replay with {@code -DhllInteropSeed=<seed>}.
 */
@Timeout(300)
class HyperLogLogInteropTest {
    @RegisterExtension
    static final Servers servers = Servers.withOracle();
    private static final long SEED = Long.getLong("hllInteropSeed", 20261202L);
    private static RespClient theirs;
    private static RespClient ours;

    @BeforeAll
    static void start() {
        theirs = servers.redis().client();
        ours = servers.cinnabar().client();
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {ours, theirs}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // closing is best effort
            }
        }
    }

    private static final int[] SIZES = {0, 1, 7, 60, 400, 1200, 3000, 20000, 150000};

    @Test
    void valuesCrossBothWays() {
        Random r = new Random(SEED);
        for (int n : SIZES) {
            for (boolean builtByRedis : new boolean[] {true, false}) {
                RespClient builder = builtByRedis ? theirs : ours;
                RespClient other = builtByRedis ? ours : theirs;
                call(builder, "DEL", "x");
                addRandom(builder, "x", n, r);
                if (r.nextBoolean()) {
                    call(builder, "PFCOUNT", "x"); // sometimes with a fresh cache, sometimes stale
                }
                byte[] value = bulk(call(builder, "GET", "x"));
                assertEquals("+OK\r\n", call(other, "SET".getBytes(), "x".getBytes(), value).text());
                String context = (builtByRedis ? "Redis" : "Cinnabar") + "-built HLL of " + n + " elements";
                assertEquals(call(builder, "PFCOUNT", "x").text(), call(other, "PFCOUNT", "x").text(), context);
                assertEquals(call(builder, "PFDEBUG", "ENCODING", "x").text(), call(other, "PFDEBUG", "ENCODING", "x").text(), context);
                long seed = r.nextLong();
                addRandom(builder, "x", 1 + n / 3, new Random(seed));
                addRandom(other, "x", 1 + n / 3, new Random(seed));
                assertArrayEquals(call(builder, "GET", "x").raw, call(other, "GET", "x").raw, context + ", grown on both sides");
                assertEquals(call(builder, "PFCOUNT", "x").text(), call(other, "PFCOUNT", "x").text(), context);
                assertArrayEquals(call(builder, "GET", "x").raw, call(other, "GET", "x").raw, context + ", cache written back");
            }
        }
    }

    @Test
    void corruptedValuesAnswerAsInRedis() {
        Random r = new Random(SEED + 1);
        List<byte[]> bases = new ArrayList<>();
        for (int n : new int[] {3, 40, 700, 6000}) {
            call(theirs, "DEL", "base");
            addRandom(theirs, "base", n, r);
            bases.add(bulk(call(theirs, "GET", "base")));
        }
        call(theirs, "PFADD", "other", "a", "b", "c");
        call(ours, "PFADD", "other", "a", "b", "c");
        List<byte[][]> commands = new ArrayList<>();
        for (int variant = 0; variant < 3000; variant++) {
            byte[] value = corrupt(bases.get(r.nextInt(bases.size())), r);
            commands.add(args("SET", "c", value));
            commands.add(args("PFCOUNT", "c"));
            commands.add(args("PFCOUNT", "c", "other"));
            commands.add(args("PFADD", "c", "e" + r.nextInt(1000), "e" + r.nextInt(1000), "e" + r.nextInt(100000)));
            commands.add(args("PFCOUNT", "c"));
            commands.add(args("GET", "c"));
            commands.add(args("PFMERGE", "d", "c", "other"));
            commands.add(args("GET", "d"));
            commands.add(args("DEL", "d"));
            commands.add(args(r.nextBoolean() ? "DECODE" : "TODENSE", "c", null));
        }
        List<String> mismatches = compare(commands);
        assertTrue(mismatches.isEmpty(), () -> "seed " + SEED + ", replies differ:\n" + String.join("\n", mismatches));
    }

    /** A copy with one to three bytes changed: mostly in the opcodes or registers, sometimes in the header. */
    private static byte[] corrupt(byte[] base, Random r) {
        byte[] v = base.clone();
        for (int flips = 1 + r.nextInt(3); flips > 0; flips--) {
            int at = r.nextInt(8) == 0 ? r.nextInt(16) : 16 + r.nextInt(v.length - 16);
            if (r.nextBoolean()) {
                v[at] ^= (byte) (1 << r.nextInt(8));
            } else {
                v[at] = (byte) r.nextInt(256);
            }
        }
        if (r.nextInt(10) == 0) {
            v = Arrays.copyOf(v, Math.max(0, v.length + r.nextInt(9) - 6)); // cut short or padded
        }
        return v;
    }

    private static byte[][] args(String a, String b, byte[] value) {
        if (a.equals("DECODE") || a.equals("TODENSE")) {
            return new byte[][] {bytes("PFDEBUG"), bytes(a), bytes(b)};
        }
        return new byte[][] {bytes(a), bytes(b), value};
    }

    private static byte[][] args(String... words) {
        byte[][] out = new byte[words.length][];
        for (int i = 0; i < words.length; i++) {
            out[i] = bytes(words[i]);
        }
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Sends the commands to both servers in pipelined batches; describes each reply that differs. */
    private static List<String> compare(List<byte[][]> commands) {
        List<String> mismatches = new ArrayList<>();
        String lastSet = "";
        for (int from = 0; from < commands.size(); from += 200) {
            List<byte[][]> batch = commands.subList(from, Math.min(commands.size(), from + 200));
            for (byte[][] c : batch) {
                theirs.send(c);
                ours.send(c);
            }
            for (int i = 0; i < batch.size(); i++) {
                RespClient.Reply expected = theirs.read();
                RespClient.Reply actual = ours.read();
                byte[][] command = batch.get(i);
                if (new String(command[0], StandardCharsets.UTF_8).equals("SET")) {
                    lastSet = printable(command[2]);
                }
                if (!Arrays.equals(expected.raw, actual.raw) && mismatches.size() < 20) {
                    StringBuilder line = new StringBuilder("#" + (from + i) + " (value " + lastSet + ")");
                    for (byte[] a : command) {
                        line.append(' ').append(printable(a));
                    }
                    mismatches.add(line + "\n    redis:    " + expected + "\n    cinnabar: " + actual);
                }
            }
        }
        return mismatches;
    }

    private static String printable(byte[] a) {
        StringBuilder b = new StringBuilder("\"");
        for (byte x : a) {
            b.append(x >= 32 && x < 127 && x != '"' && x != '\\' ? String.valueOf((char) x) : String.format("\\x%02x", x & 0xFF));
        }
        return b.append('"').toString();
    }

    private static void addRandom(RespClient c, String key, int n, Random r) {
        for (int done = 0; done < n; ) {
            int batch = Math.min(1000, n - done);
            String[] cmd = new String[batch + 2];
            cmd[0] = "PFADD";
            cmd[1] = key;
            for (int i = 0; i < batch; i++) {
                cmd[i + 2] = "el:" + r.nextLong();
            }
            c.call(cmd);
            done += batch;
        }
        if (n == 0) {
            c.call("PFADD", key);
        }
    }

    private static RespClient.Reply call(RespClient c, String... args) {
        return c.call(args);
    }

    private static RespClient.Reply call(RespClient c, byte[]... args) {
        return c.call(args);
    }

    /** The payload of a bulk reply. */
    private static byte[] bulk(RespClient.Reply reply) {
        byte[] raw = reply.raw;
        int start = 0;
        while (raw[start] != '\n') {
            start++;
        }
        start++;
        return Arrays.copyOfRange(raw, start, raw.length - 2);
    }
}
