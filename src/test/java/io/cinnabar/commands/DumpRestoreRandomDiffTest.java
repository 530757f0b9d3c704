package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.DumpPayload;
import io.cinnabar.testing.RedisOracle;
import io.cinnabar.testing.RespClient;
import io.cinnabar.util.Crc64;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * DUMP and RESTORE against real Redis on seeded random values of every type and encoding
 * (replay with -DdumpSeed=N). The same commands build each value on both servers; then
 * (1) DUMP bytes must be equal wherever Redis's layout is deterministic, (2) Redis's payload
 * RESTOREd on both sides must give the same contents, OBJECT ENCODING and DUMP bytes, (3) our
 * payload RESTOREd into Redis must give what we hold, and (4) payloads with flipped bytes or cut
 * short (checksum recomputed, so the value parser sees them) must be refused here whenever Redis
 * with sanitize-dump-payload yes refuses them, with the same error, and never break the server.
 */
@Timeout(300)
class DumpRestoreRandomDiffTest {
    private static final byte[] EMPTY = new byte[0];

    @Test
    void defaultThresholds() {
        run(Long.getLong("dumpSeed", 20261130L), 260);
    }

    @Test
    void smallNodesCompressedListsAndLowThresholds() {
        run(Long.getLong("dumpSeed", 20261131L), 260,
                "list-max-listpack-size", "4", "list-compress-depth", "1",
                "hash-max-listpack-entries", "16", "hash-max-listpack-value", "16",
                "zset-max-listpack-entries", "16", "zset-max-listpack-value", "16",
                "set-max-intset-entries", "16", "stream-node-max-entries", "5");
    }

    @Test
    void sizeLimitedNodesWithoutCompression() {
        run(Long.getLong("dumpSeed", 20261132L), 120, "list-max-listpack-size", "-1", "rdbcompression", "no");
    }

    private void run(long seed, int keys, String... config) {
        List<String> problems = new ArrayList<>();
        try (RedisOracle redis = RedisOracle.start(); CinnabarFixture cinnabar = CinnabarFixture.start();
                RespClient theirs = redis.client(); RespClient ours = cinnabar.client()) {
            for (int i = 0; i < config.length; i += 2) {
                for (RespClient c : List.of(theirs, ours)) {
                    String reply = c.call("CONFIG", "SET", config[i], config[i + 1]).text();
                    assertTrue(reply.startsWith("+OK"), config[i] + ": " + reply);
                }
            }
            Random r = new Random(seed);
            for (int i = 0; i < keys && problems.size() < 20; i++) {
                byte[] key = ("k:" + i).getBytes(StandardCharsets.US_ASCII);
                List<byte[][]> build = new ValueBuilder(r, key).build();
                for (byte[][] command : build) {
                    theirs.send(command);
                    ours.send(command);
                }
                for (byte[][] command : build) {
                    theirs.read();
                    ours.read();
                }
                compareKey(i, key, theirs, ours, r, problems);
            }
        }
        assertTrue(problems.isEmpty(), () -> "seed " + seed + ":\n" + String.join("\n", problems));
    }

    private static void compareKey(int i, byte[] key, RespClient theirs, RespClient ours, Random r, List<String> problems) {
        String type = theirs.call(bytes("TYPE"), key).text();
        String encoding = theirs.call(bytes("OBJECT"), bytes("ENCODING"), key).text();
        String what = "key " + i + " " + type.trim() + " " + encoding.trim();
        boolean hasGroups = type.contains("stream") && !theirs.call(bytes("XINFO"), bytes("GROUPS"), key).text().startsWith("*0");
        byte[] redisDump = DumpPayload.bulkBytes(theirs.call(bytes("DUMP"), key));
        byte[] ourDump = DumpPayload.bulkBytes(ours.call(bytes("DUMP"), key));
        boolean ordered = !encoding.contains("hashtable");
        if (ordered && !hasGroups && !Arrays.equals(redisDump, ourDump)) {
            problems.add(what + ": DUMP differs\n    redis:    " + hex(redisDump) + "\n    cinnabar: " + hex(ourDump));
            return;
        }
        // (2) Redis's payload restored on both sides
        byte[] restored = ("r:" + i).getBytes(StandardCharsets.US_ASCII);
        for (RespClient c : List.of(theirs, ours)) {
            String reply = c.call(bytes("RESTORE"), restored, bytes("0"), redisDump).text();
            if (!reply.startsWith("+OK")) {
                problems.add(what + ": RESTORE of Redis's payload: " + reply.trim() + (c == ours ? " (cinnabar)" : " (redis)"));
                return;
            }
        }
        String differs = compareContents(type, restored, theirs, restored, ours);
        if (differs != null) {
            problems.add(what + ": restored from Redis's payload: " + differs);
            return;
        }
        String ourEncoding = ours.call(bytes("OBJECT"), bytes("ENCODING"), restored).text();
        String theirEncoding = theirs.call(bytes("OBJECT"), bytes("ENCODING"), restored).text();
        if (!ourEncoding.equals(theirEncoding)) {
            problems.add(what + ": encoding after RESTORE: redis " + theirEncoding.trim() + ", cinnabar " + ourEncoding.trim());
            return;
        }
        if (ordered) {
            byte[] again = DumpPayload.bulkBytes(theirs.call(bytes("DUMP"), restored));
            byte[] ourAgain = DumpPayload.bulkBytes(ours.call(bytes("DUMP"), restored));
            if (!Arrays.equals(again, ourAgain)) {
                problems.add(what + ": DUMP of the restored value differs\n    redis:    " + hex(again) + "\n    cinnabar: " + hex(ourAgain));
                return;
            }
        }
        // (3) our payload restored into Redis holds what we hold
        String reply = theirs.call(bytes("RESTORE"), restored, bytes("0"), ourDump, bytes("REPLACE")).text();
        if (!reply.startsWith("+OK")) {
            problems.add(what + ": Redis refuses our payload: " + reply.trim() + "\n    " + hex(ourDump));
            return;
        }
        differs = compareContents(type, restored, theirs, key, ours);
        if (differs != null) {
            problems.add(what + ": our payload restored in Redis: " + differs);
            return;
        }
        // (4) corrupt payloads
        for (int n = 0; n < 6; n++) {
            String problem = fuzz(corrupt(r, n % 2 == 0 ? redisDump : ourDump), theirs, ours, type);
            if (problem != null) {
                problems.add(what + ": " + problem);
                return;
            }
        }
    }

    /** Flips one to three bytes of the value or cuts it short, then fixes the footer so only the value is wrong. */
    private static byte[] corrupt(Random r, byte[] payload) {
        int valueLength = payload.length - 10;
        byte[] value;
        if (r.nextInt(4) == 0) {
            value = Arrays.copyOf(payload, r.nextInt(valueLength));
        } else {
            value = Arrays.copyOf(payload, valueLength);
            for (int flips = 1 + r.nextInt(3); flips > 0; flips--) {
                int at = r.nextInt(valueLength);
                value[at] = r.nextBoolean() ? (byte) r.nextInt(256) : (byte) (value[at] ^ (1 << r.nextInt(8)));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(value, 0, value.length);
        out.write(payload, valueLength, 2);
        long crc = Crc64.update(0, out.toByteArray(), 0, out.size());
        for (int b = 0; b < 8; b++) {
            out.write((int) (crc >>> (8 * b)) & 0xFF);
        }
        return out.toByteArray();
    }

    private static String fuzz(byte[] payload, RespClient theirs, RespClient ours, String type) {
        byte[] key = bytes("fuzz");
        theirs.call("CONFIG", "SET", "sanitize-dump-payload", "yes");
        String redisReply = theirs.call(bytes("RESTORE"), key, bytes("0"), payload, bytes("REPLACE")).text();
        String ourReply = ours.call(bytes("RESTORE"), key, bytes("0"), payload, bytes("REPLACE")).text();
        if (!ourReply.startsWith("+OK") && !ourReply.equals("-ERR Bad data format\r\n")) {
            return "corrupt payload gave " + ourReply.trim() + "\n    " + hex(payload);
        }
        if (redisReply.startsWith("-") && !redisReply.equals(ourReply)) {
            return "corrupt payload: redis " + redisReply.trim() + ", cinnabar " + ourReply.trim() + "\n    " + hex(payload);
        }
        String result = null;
        if (ourReply.startsWith("+OK")) {
            // what we accepted must be usable: every reader of its type answers without an error
            String ourType = ours.call(bytes("TYPE"), key).text();
            for (byte[][] read : reads(ourType, key)) {
                String answer = ours.call(read).text();
                if (answer.startsWith("-")) {
                    result = "accepted a corrupt payload that then fails: " + answer.trim() + "\n    " + hex(payload);
                }
            }
            if (result == null && redisReply.startsWith("+OK")) {
                String differs = compareContents(ourType, key, theirs, key, ours);
                if (differs != null) {
                    result = "corrupt payload accepted on both sides, contents differ: " + differs + "\n    " + hex(payload);
                }
            }
        }
        theirs.call("DEL", "fuzz");
        ours.call("DEL", "fuzz");
        String ping = ours.call("PING").text();
        return result != null ? result : ping.startsWith("+PONG") ? null : "server stopped answering: " + ping;
    }

    /** The commands that read a whole value of a type, in a deterministic form (sorted where Redis is not). */
    private static List<byte[][]> reads(String type, byte[] key) {
        List<byte[][]> out = new ArrayList<>();
        String t = type.trim().substring(1);
        switch (t) {
            case "string":
                out.add(new byte[][] {bytes("GET"), key});
                out.add(new byte[][] {bytes("STRLEN"), key});
                break;
            case "list": out.add(new byte[][] {bytes("LRANGE"), key, bytes("0"), bytes("-1")}); break;
            case "set": out.add(new byte[][] {bytes("SMEMBERS"), key}); break;
            case "zset":
                out.add(new byte[][] {bytes("ZRANGE"), key, bytes("0"), bytes("-1"), bytes("WITHSCORES")});
                out.add(new byte[][] {bytes("ZCARD"), key});
                break;
            case "hash":
                out.add(new byte[][] {bytes("HGETALL"), key});
                out.add(new byte[][] {bytes("HLEN"), key});
                break;
            case "stream":
                out.add(new byte[][] {bytes("XRANGE"), key, bytes("-"), bytes("+")});
                out.add(new byte[][] {bytes("XREVRANGE"), key, bytes("+"), bytes("-")});
                out.add(new byte[][] {bytes("XINFO"), bytes("STREAM"), key, bytes("FULL")});
                out.add(new byte[][] {bytes("XLEN"), key});
                break;
            default: break;
        }
        return out;
    }

    private static String compareContents(String type, byte[] theirKey, RespClient theirs, byte[] ourKey, RespClient ours) {
        List<byte[][]> theirReads = reads(type, theirKey);
        List<byte[][]> ourReads = reads(type, ourKey);
        boolean unordered = type.contains("set") && !type.contains("zset") || type.contains("hash");
        for (int i = 0; i < theirReads.size(); i++) {
            byte[] expected = theirs.call(theirReads.get(i)).raw;
            byte[] actual = ours.call(ourReads.get(i)).raw;
            if (unordered && expected[0] == '*') {
                boolean pairs = type.contains("hash");
                expected = sortedElements(expected, pairs);
                actual = sortedElements(actual, pairs);
            }
            if (!Arrays.equals(expected, actual)) {
                return new String(theirReads.get(i)[0], StandardCharsets.US_ASCII) + "\n    redis:    "
                        + printable(expected) + "\n    cinnabar: " + printable(actual);
            }
        }
        return null;
    }

    /** The elements of a flat array of bulk strings (or pairs of them), sorted, concatenated. */
    private static byte[] sortedElements(byte[] raw, boolean pairs) {
        List<byte[]> elements = new ArrayList<>();
        int at = 0;
        while (raw[at] != '\n') {
            at++;
        }
        at++;
        while (at < raw.length) {
            int lineEnd = at;
            while (raw[lineEnd] != '\r') {
                lineEnd++;
            }
            int len = Integer.parseInt(new String(raw, at + 1, lineEnd - at - 1, StandardCharsets.US_ASCII));
            elements.add(Arrays.copyOfRange(raw, at, lineEnd + 2 + len + 2));
            at = lineEnd + 2 + len + 2;
        }
        List<byte[]> units = new ArrayList<>();
        for (int i = 0; i < elements.size(); i += pairs ? 2 : 1) {
            byte[] unit = elements.get(i);
            if (pairs) {
                byte[] joined = Arrays.copyOf(unit, unit.length + elements.get(i + 1).length);
                System.arraycopy(elements.get(i + 1), 0, joined, unit.length, elements.get(i + 1).length);
                unit = joined;
            }
            units.add(unit);
        }
        units.sort(Arrays::compareUnsigned);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] u : units) {
            out.write(u, 0, u.length);
        }
        return out.toByteArray();
    }

    /** Commands that build one random value of a random type and encoding under a key. */
    private static final class ValueBuilder {
        private final Random r;
        private final byte[] key;
        private final List<byte[][]> commands = new ArrayList<>();

        ValueBuilder(Random r, byte[] key) {
            this.r = r;
            this.key = key;
        }

        List<byte[][]> build() {
            switch (r.nextInt(6)) {
                case 0: string(); break;
                case 1: list(); break;
                case 2: set(); break;
                case 3: zset(); break;
                case 4: hash(); break;
                default: stream(); break;
            }
            return commands;
        }

        private void add(Object... parts) {
            byte[][] c = new byte[parts.length][];
            for (int i = 0; i < parts.length; i++) {
                c[i] = parts[i] instanceof byte[] ? (byte[]) parts[i] : bytes(parts[i].toString());
            }
            commands.add(c);
        }

        private int size() {
            switch (r.nextInt(4)) {
                case 0: return 1 + r.nextInt(5);
                case 1: return 5 + r.nextInt(60);
                case 2: return 100 + r.nextInt(500);
                default: return 500 + r.nextInt(1500);
            }
        }

        private void string() {
            switch (r.nextInt(9)) {
                case 0: add("SET", key, Long.toString(r.nextLong() >> r.nextInt(64))); break;
                case 1: add("SET", key, element()); break;
                case 2: add("SET", key, repetitive(21 + r.nextInt(5000))); break;
                case 3: add("SET", key, randomBytes(1 + r.nextInt(3000))); break;
                case 4: add("SET", key, EMPTY); break;
                case 5:
                    add("SET", key, element());
                    add("APPEND", key, element());
                    break;
                case 6:
                    for (int i = 0; i < 1 + r.nextInt(200); i++) {
                        add("PFADD", key, "e" + r.nextInt(100000));
                    }
                    break;
                case 7: add("SETBIT", key, r.nextInt(100000), 1); break;
                default: add("SET", key, "0" + r.nextInt(1000)); break;
            }
        }

        private void list() {
            int n = size();
            boolean large = r.nextInt(8) == 0;
            for (int i = 0; i < n; i++) {
                Object value = large && r.nextInt(50) == 0 ? repetitive(5000 + r.nextInt(20000)) : element();
                add(r.nextBoolean() ? "RPUSH" : "LPUSH", key, value);
            }
            if (n > 3 && r.nextBoolean()) {
                add("LPOP", key);
                add("LSET", key, r.nextInt(n - 2), element());
            }
        }

        private void set() {
            int n = size();
            int kind = r.nextInt(4);
            for (int i = 0; i < n; i++) {
                switch (kind) {
                    case 0: add("SADD", key, r.nextInt(65536) - 32768); break;
                    case 1: add("SADD", key, (long) r.nextInt()); break;
                    case 2: add("SADD", key, r.nextLong()); break;
                    default: add("SADD", key, element()); break;
                }
            }
        }

        private void zset() {
            int n = size();
            boolean longMembers = r.nextInt(5) == 0;
            for (int i = 0; i < n; i++) {
                Object member = longMembers && r.nextInt(10) == 0 ? repetitive(70 + r.nextInt(100)) : element();
                add("ZADD", key, score(), member);
            }
        }

        private String score() {
            switch (r.nextInt(7)) {
                case 0: return "inf";
                case 1: return "-inf";
                case 2: return Integer.toString(r.nextInt(2000) - 1000);
                case 3: return Double.toString(r.nextGaussian() * 1e6);
                case 4: return Long.toString(r.nextLong() >> 3);
                default: return Double.toString(r.nextDouble());
            }
        }

        private void hash() {
            int n = size();
            boolean longValues = r.nextInt(5) == 0;
            for (int i = 0; i < n; i++) {
                Object value = longValues && r.nextInt(10) == 0 ? repetitive(70 + r.nextInt(300)) : element();
                add("HSET", key, "f" + r.nextInt(n * 2), value);
            }
        }

        private void stream() {
            if (r.nextInt(10) == 0) {
                add("XGROUP", "CREATE", key, "empty", "$", "MKSTREAM");
                return;
            }
            int n = size();
            long ms = 1 + r.nextInt(1000);
            boolean sameFields = r.nextBoolean();
            for (int i = 0; i < n; i++) {
                ms += r.nextInt(3);
                String id = ms + "-" + i;
                if (sameFields || r.nextInt(3) > 0) {
                    add("XADD", key, id, "a", element(), "b", element());
                } else {
                    add("XADD", key, id, "f" + r.nextInt(4), element());
                }
            }
            if (r.nextInt(3) == 0) {
                for (int i = 0; i < 1 + n / 5; i++) {
                    add("XDEL", key, (1 + r.nextInt((int) ms)) + "-" + r.nextInt(n));
                }
            }
            if (r.nextInt(4) == 0) {
                add("XTRIM", key, "MAXLEN", r.nextInt(8) == 0 ? 0 : n / 2);
            }
            if (r.nextInt(6) == 0) {
                add("XSETID", key, (ms + 5) + "-0", "ENTRIESADDED", n + 10, "MAXDELETEDID", ms + "-0");
            }
            if (r.nextBoolean()) {
                for (int g = 0; g < 1 + r.nextInt(3); g++) {
                    add("XGROUP", "CREATE", key, "g" + g, "0");
                    for (int c = 0; c < 1 + r.nextInt(3); c++) {
                        add("XREADGROUP", "GROUP", "g" + g, "c" + c, "COUNT", 1 + r.nextInt(20), "STREAMS", key, ">");
                    }
                    add("XACK", key, "g" + g, (1 + r.nextInt((int) ms)) + "-" + r.nextInt(n));
                    add("XGROUP", "CREATECONSUMER", key, "g" + g, "idle");
                }
                if (r.nextBoolean()) {
                    // pending entries that no longer exist in the stream
                    add("XDEL", key, (1 + r.nextInt((int) ms)) + "-" + r.nextInt(n));
                    add("XTRIM", key, "MAXLEN", n / 3);
                }
            }
        }

        private Object element() {
            switch (r.nextInt(6)) {
                case 0: return Integer.toString(r.nextInt(200) - 100);
                case 1: return Long.toString(r.nextLong() >> r.nextInt(64));
                case 2: return randomBytes(r.nextInt(20));
                case 3: return repetitive(r.nextInt(80));
                case 4: return "v" + r.nextInt(1000);
                default: return randomBytes(20 + r.nextInt(60));
            }
        }

        private byte[] repetitive(int length) {
            byte[] b = new byte[length];
            for (int i = 0; i < length; i++) {
                b[i] = (byte) ('a' + (i / 7) % 5);
            }
            return b;
        }

        private byte[] randomBytes(int length) {
            byte[] b = new byte[length];
            r.nextBytes(b);
            return b;
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, 400); i++) {
            s.append(String.format("%02x", b[i] & 0xFF));
        }
        return b.length > 400 ? s + "... (" + b.length + " bytes)" : s.toString();
    }

    private static String printable(byte[] b) {
        String s = new String(b, 0, Math.min(b.length, 600), StandardCharsets.ISO_8859_1).replace("\r\n", "\\r\\n");
        return b.length > 600 ? s + "... (" + b.length + " bytes)" : s;
    }
}
