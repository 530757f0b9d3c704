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
 * Payloads in the encodings only older Redis versions write (plain list/set/zset/hash, ZSET_2,
 * zipmap, ziplist list/hash/zset, quicklist of ziplists, streams without the 7.0 fields), built
 * here from seeded random contents (replay with -DlegacySeed=N) and RESTOREd into Cinnabar and
 * real Redis 7.0: the reply, OBJECT ENCODING (conversions on load), the contents and the DUMP
 * Redis 7.0 makes of the result must be equal. Corrupted copies must be refused here whenever
 * Redis with sanitize-dump-payload yes refuses them.
 */
@Timeout(300)
class DumpRestoreLegacyDiffTest {
    private static final int CASES = 2000;

    @Test
    void olderEncodingsLoadAsRedisLoadsThem() {
        long seed = Long.getLong("legacySeed", 20261201L);
        Random r = new Random(seed);
        List<String> problems = new ArrayList<>();
        try (RedisOracle redis = RedisOracle.start(); CinnabarFixture cinnabar = CinnabarFixture.start();
                RespClient theirs = redis.client(); RespClient ours = cinnabar.client()) {
            theirs.call("CONFIG", "SET", "sanitize-dump-payload", "yes");
            for (int i = 0; i < CASES && problems.size() < 10; i++) {
                if (i % 50 == 0) {
                    String fill = r.nextBoolean() ? "-2" : Integer.toString(1 + r.nextInt(8));
                    String depth = Integer.toString(r.nextInt(3));
                    String entries = r.nextBoolean() ? "128" : "8";
                    for (RespClient c : List.of(theirs, ours)) {
                        c.call("CONFIG", "SET", "list-max-listpack-size", fill, "list-compress-depth", depth);
                        c.call("CONFIG", "SET", "hash-max-listpack-entries", entries, "zset-max-listpack-entries", entries);
                        c.call("CONFIG", "SET", "set-max-intset-entries", entries, "hash-max-listpack-value", "16");
                        c.call("CONFIG", "SET", "zset-max-listpack-value", "16");
                    }
                }
                Legacy value = new Legacy(r);
                byte[] payload = value.payload();
                String what = "case " + i + " type " + value.type;
                String problem = compare(what, payload, theirs, ours, value.type);
                if (problem != null) {
                    problems.add(problem + "\n    payload " + hex(payload));
                    continue;
                }
                for (int n = 0; n < 3 && problem == null; n++) {
                    byte[] bad = corrupt(r, payload);
                    String redisReply = theirs.call(bytes("RESTORE"), bytes("bad"), bytes("0"), bad, bytes("REPLACE")).text();
                    String ourReply = ours.call(bytes("RESTORE"), bytes("bad"), bytes("0"), bad, bytes("REPLACE")).text();
                    if (redisReply.startsWith("-") && !redisReply.equals(ourReply)
                            || !ourReply.startsWith("+OK") && !ourReply.equals("-ERR Bad data format\r\n")) {
                        problem = what + " corrupted: redis " + redisReply.trim() + ", cinnabar " + ourReply.trim() + "\n    " + hex(bad);
                    }
                    if (!ours.call("PING").text().startsWith("+PONG")) {
                        problem = what + ": server stopped answering after " + hex(bad);
                    }
                }
                if (problem != null) {
                    problems.add(problem);
                }
            }
        }
        assertTrue(problems.isEmpty(), () -> "seed " + seed + ":\n" + String.join("\n", problems));
    }

    private static String compare(String what, byte[] payload, RespClient theirs, RespClient ours, int type) {
        for (RespClient c : List.of(theirs, ours)) {
            c.call("DEL", "k");
        }
        List<byte[][]> steps = new ArrayList<>();
        steps.add(new byte[][] {bytes("RESTORE"), bytes("k"), bytes("0"), payload});
        steps.add(new byte[][] {bytes("OBJECT"), bytes("ENCODING"), bytes("k")});
        steps.add(new byte[][] {bytes("TYPE"), bytes("k")});
        switch (type) {
            case 1, 10, 14 -> steps.add(new byte[][] {bytes("LRANGE"), bytes("k"), bytes("0"), bytes("-1")});
            case 2 -> steps.add(new byte[][] {bytes("SCARD"), bytes("k")});
            case 3, 5, 12 -> steps.add(new byte[][] {bytes("ZRANGE"), bytes("k"), bytes("0"), bytes("-1"), bytes("WITHSCORES")});
            case 4, 9, 13 -> steps.add(new byte[][] {bytes("HLEN"), bytes("k")});
            default -> {
                steps.add(new byte[][] {bytes("XRANGE"), bytes("k"), bytes("-"), bytes("+")});
                steps.add(new byte[][] {bytes("XINFO"), bytes("STREAM"), bytes("k"), bytes("FULL")});
            }
        }
        for (byte[][] step : steps) {
            RespClient.Reply expected = theirs.call(step);
            RespClient.Reply actual = ours.call(step);
            if (step == steps.get(0) && !expected.text().startsWith("+OK")) {
                return what + ": the generated payload is not one Redis loads: " + expected;
            }
            if (!Arrays.equals(expected.raw, actual.raw)) {
                return what + ": " + new String(step[0], StandardCharsets.US_ASCII) + "\n    redis:    " + expected + "\n    cinnabar: " + actual;
            }
        }
        String encoding = theirs.call("OBJECT", "ENCODING", "k").text();
        if (encoding.startsWith("$") && !encoding.contains("hashtable")) {
            byte[] expected = DumpPayload.bulkBytes(theirs.call("DUMP", "k"));
            byte[] actual = DumpPayload.bulkBytes(ours.call("DUMP", "k"));
            if (!Arrays.equals(expected, actual)) {
                return what + ": DUMP after load\n    redis:    " + hex(expected) + "\n    cinnabar: " + hex(actual);
            }
        }
        return null;
    }

    /** One random value in an old encoding, written as an older Redis wrote it. */
    private static final class Legacy {
        private static final int[] TYPES = {1, 2, 3, 4, 5, 9, 10, 12, 13, 14, 15};
        final Random r;
        final int type;
        final Out out = new Out();

        Legacy(Random r) {
            this.r = r;
            this.type = TYPES[r.nextInt(TYPES.length)];
        }

        byte[] payload() {
            out.write(type);
            int n = 1 + (r.nextInt(4) == 0 ? r.nextInt(300) : r.nextInt(12));
            switch (type) {
                case 1 -> {
                    out.length(n);
                    for (int i = 0; i < n; i++) {
                        out.string(element());
                    }
                }
                case 2 -> {
                    List<byte[]> members = distinct(n);
                    out.length(members.size());
                    members.forEach(out::string);
                }
                case 3, 5 -> {
                    List<byte[]> members = distinct(n);
                    out.length(members.size());
                    for (byte[] m : members) {
                        out.string(m);
                        double score = score();
                        if (type == 5) {
                            out.littleEndian(Double.doubleToLongBits(score), 8);
                        } else if (Double.isInfinite(score)) {
                            out.write(score > 0 ? 254 : 255);
                        } else {
                            byte[] text = String.format("%.17g", score).getBytes(StandardCharsets.US_ASCII);
                            out.write(text.length);
                            out.raw(text);
                        }
                    }
                }
                case 4 -> {
                    List<byte[]> fields = distinct(n);
                    out.length(fields.size());
                    for (byte[] f : fields) {
                        out.string(f);
                        out.string(element());
                    }
                }
                case 9 -> out.string(zipmap(distinct(Math.min(n, 40))));
                case 10 -> {
                    List<byte[]> entries = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        entries.add(element());
                    }
                    out.string(ziplist(entries));
                }
                case 12 -> out.string(ziplist(sortedZsetPairs(distinct(n))));
                case 13 -> {
                    List<byte[]> pairs = new ArrayList<>();
                    for (byte[] f : distinct(n)) {
                        pairs.add(f);
                        pairs.add(element());
                    }
                    out.string(ziplist(pairs));
                }
                case 14 -> {
                    int nodes = 1 + r.nextInt(4);
                    out.length(nodes);
                    for (int i = 0; i < nodes; i++) {
                        List<byte[]> entries = new ArrayList<>();
                        for (int j = 0; j < 1 + r.nextInt(n); j++) {
                            entries.add(element());
                        }
                        out.string(ziplist(entries));
                    }
                }
                default -> stream(n);
            }
            out.littleEndian(9, 2);
            byte[] body = out.bytes();
            out.littleEndian(Crc64.update(0, body, 0, body.length), 8);
            return out.bytes();
        }

        /** A stream as RDB_TYPE_STREAM_LISTPACKS: blocks, length, last ID, groups without entries-read. */
        private void stream(int n) {
            // one block per run of entries, each block a listpack made by the rules of t_stream.c
            List<long[]> ids = new ArrayList<>();
            long ms = 1 + r.nextInt(100);
            for (int i = 0; i < n; i++) {
                ms += r.nextInt(3);
                ids.add(new long[] {ms, i});
            }
            int perBlock = 1 + r.nextInt(10);
            int blocks = (n + perBlock - 1) / perBlock;
            out.length(blocks);
            for (int b = 0; b < blocks; b++) {
                List<long[]> entries = ids.subList(b * perBlock, Math.min(n, (b + 1) * perBlock));
                long[] master = entries.get(0);
                byte[] key = new byte[16];
                for (int i = 0; i < 8; i++) {
                    key[i] = (byte) (master[0] >>> (56 - 8 * i));
                    key[8 + i] = (byte) (master[1] >>> (56 - 8 * i));
                }
                out.string(key);
                io.cinnabar.types.Listpack lp = new io.cinnabar.types.Listpack();
                lp.appendLong(entries.size());
                lp.appendLong(0);
                lp.appendLong(1);
                lp.append(bytes("f"));
                lp.appendLong(0);
                for (long[] id : entries) {
                    lp.appendLong(2);
                    lp.appendLong(id[0] - master[0]);
                    lp.appendLong(id[1] - master[1]);
                    lp.append(element());
                    lp.appendLong(4);
                }
                out.string(lp.toBytes());
            }
            out.length(n);
            long[] last = ids.get(n - 1);
            out.length(last[0]);
            out.length(last[1]);
            int groups = r.nextInt(3);
            out.length(groups);
            for (int g = 0; g < groups; g++) {
                out.string(bytes("g" + g));
                long[] delivered = ids.get(r.nextInt(n));
                out.length(delivered[0]);
                out.length(delivered[1]);
                List<long[]> pending = new ArrayList<>();
                for (long[] id : ids) {
                    if (id[0] <= delivered[0] && r.nextInt(3) == 0) {
                        pending.add(id);
                    }
                }
                out.length(pending.size());
                for (long[] id : pending) {
                    out.raw(streamKey(id));
                    out.littleEndian(1_700_000_000_000L + r.nextInt(1_000_000), 8);
                    out.length(1 + r.nextInt(5));
                }
                int consumers = pending.isEmpty() ? r.nextInt(2) : 1 + r.nextInt(2);
                out.length(consumers);
                int from = 0;
                for (int c = 0; c < consumers; c++) {
                    out.string(bytes("c" + c));
                    out.littleEndian(1_700_000_000_000L + r.nextInt(1_000_000), 8);
                    int to = c == consumers - 1 ? pending.size() : from + r.nextInt(pending.size() - from + 1);
                    out.length(to - from);
                    for (int i = from; i < to; i++) {
                        out.raw(streamKey(pending.get(i)));
                    }
                    from = to;
                }
            }
        }

        private static byte[] streamKey(long[] id) {
            byte[] key = new byte[16];
            for (int i = 0; i < 8; i++) {
                key[i] = (byte) (id[0] >>> (56 - 8 * i));
                key[8 + i] = (byte) (id[1] >>> (56 - 8 * i));
            }
            return key;
        }

        private List<byte[]> sortedZsetPairs(List<byte[]> members) {
            List<Object[]> scored = new ArrayList<>();
            for (byte[] m : members) {
                scored.add(new Object[] {r.nextInt(50) - 25 + (r.nextBoolean() ? 0.5 : 0), m});
            }
            scored.sort((a, b) -> {
                int c = Double.compare((Double) a[0], (Double) b[0]);
                return c != 0 ? c : Arrays.compareUnsigned((byte[]) a[1], (byte[]) b[1]);
            });
            List<byte[]> pairs = new ArrayList<>();
            for (Object[] s : scored) {
                pairs.add((byte[]) s[1]);
                double score = (Double) s[0];
                pairs.add(bytes(score == Math.rint(score) ? Long.toString((long) score) : Double.toString(score)));
            }
            return pairs;
        }

        private List<byte[]> distinct(int n) {
            List<byte[]> out = new ArrayList<>();
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (int i = 0; i < n; i++) {
                byte[] e = element();
                if (seen.add(new String(e, StandardCharsets.ISO_8859_1))) {
                    out.add(e);
                }
            }
            return out;
        }

        private double score() {
            switch (r.nextInt(5)) {
                case 0: return Double.POSITIVE_INFINITY;
                case 1: return Double.NEGATIVE_INFINITY;
                case 2: return r.nextInt(100);
                default: return r.nextGaussian() * 1000;
            }
        }

        private byte[] element() {
            switch (r.nextInt(6)) {
                case 0: return bytes(Integer.toString(r.nextInt(30) - 5));
                case 1: return bytes(Long.toString(r.nextLong() >> r.nextInt(64)));
                case 2: {
                    byte[] b = new byte[r.nextInt(70)];
                    r.nextBytes(b);
                    return b;
                }
                case 3: return bytes("x".repeat(r.nextInt(400)));
                default: return bytes("e" + r.nextInt(10000));
            }
        }

        /** A ziplist as Redis before 7.0 wrote it: integers in the smallest integer encoding. */
        private static byte[] ziplist(List<byte[]> entries) {
            Out body = new Out();
            int prev = 0;
            int lastStart = 10;
            for (byte[] e : entries) {
                int start = body.size() + 10;
                lastStart = start;
                if (prev < 254) {
                    body.write(prev);
                } else {
                    body.write(254);
                    body.littleEndian(prev, 4);
                }
                long v = e.length > 0 && e.length < 32 ? parse(e) : Long.MIN_VALUE;
                if (v != Long.MIN_VALUE) {
                    if (v >= 0 && v <= 12) {
                        body.write(0xF1 + (int) v);
                    } else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
                        body.write(0xFE);
                        body.littleEndian(v, 1);
                    } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
                        body.write(0xC0);
                        body.littleEndian(v, 2);
                    } else if (v >= -(1 << 23) && v < (1 << 23)) {
                        body.write(0xF0);
                        body.littleEndian(v, 3);
                    } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                        body.write(0xD0);
                        body.littleEndian(v, 4);
                    } else {
                        body.write(0xE0);
                        body.littleEndian(v, 8);
                    }
                } else if (e.length < 64) {
                    body.write(e.length);
                    body.raw(e);
                } else if (e.length < 16384) {
                    body.write(0x40 | e.length >> 8);
                    body.write(e.length & 0xFF);
                    body.raw(e);
                } else {
                    body.write(0x80);
                    body.bigEndian(e.length, 4);
                    body.raw(e);
                }
                prev = body.size() + 10 - start;
            }
            byte[] b = body.bytes();
            Out zl = new Out();
            zl.littleEndian(10 + b.length + 1, 4);
            zl.littleEndian(entries.isEmpty() ? 10 : lastStart, 4);
            zl.littleEndian(Math.min(entries.size(), 0xFFFF), 2);
            zl.raw(b);
            zl.write(0xFF);
            return zl.bytes();
        }

        private static long parse(byte[] e) {
            String s = new String(e, StandardCharsets.ISO_8859_1);
            try {
                long v = Long.parseLong(s);
                return Long.toString(v).equals(s) && v != Long.MIN_VALUE ? v : Long.MIN_VALUE;
            } catch (NumberFormatException x) {
                return Long.MIN_VALUE;
            }
        }

        /** A zipmap: count, then length-prefixed field, value (with free space after it), 255. */
        private byte[] zipmap(List<byte[]> fields) {
            Out zm = new Out();
            zm.write(Math.min(fields.size(), 254));
            for (byte[] f : fields) {
                zipmapLength(zm, f.length);
                zm.raw(f);
                byte[] v = element();
                zipmapLength(zm, v.length);
                int free = r.nextInt(3);
                zm.write(free);
                zm.raw(v);
                for (int i = 0; i < free; i++) {
                    zm.write('?');
                }
            }
            zm.write(255);
            return zm.bytes();
        }

        private static void zipmapLength(Out out, int length) {
            if (length < 254) {
                out.write(length);
            } else {
                out.write(254);
                out.littleEndian(length, 4);
            }
        }
    }

    /** RDB primitives for building payloads (strings stored plainly, as rdbcompression no writes them). */
    private static final class Out {
        private final ByteArrayOutputStream b = new ByteArrayOutputStream();

        void write(int v) {
            b.write(v);
        }

        void raw(byte[] bytes) {
            b.write(bytes, 0, bytes.length);
        }

        int size() {
            return b.size();
        }

        byte[] bytes() {
            return b.toByteArray();
        }

        void littleEndian(long v, int n) {
            for (int i = 0; i < n; i++) {
                b.write((int) (v >>> (8 * i)) & 0xFF);
            }
        }

        void bigEndian(long v, int n) {
            for (int i = n - 1; i >= 0; i--) {
                b.write((int) (v >>> (8 * i)) & 0xFF);
            }
        }

        void length(long n) {
            if (n < 64) {
                write((int) n);
            } else if (n < 16384) {
                write(0x40 | (int) (n >> 8));
                write((int) n & 0xFF);
            } else {
                write(0x80);
                bigEndian(n, 4);
            }
        }

        void string(byte[] s) {
            length(s.length);
            raw(s);
        }
    }

    private static byte[] corrupt(Random r, byte[] payload) {
        int valueLength = payload.length - 10;
        byte[] value = r.nextInt(4) == 0 ? Arrays.copyOf(payload, r.nextInt(valueLength)) : Arrays.copyOf(payload, valueLength);
        if (value.length == valueLength) {
            int at = r.nextInt(valueLength);
            value[at] = (byte) (value[at] ^ (1 << r.nextInt(8)));
        }
        byte[] p = Arrays.copyOf(value, value.length + 10);
        p[value.length] = 9;
        long crc = Crc64.update(0, p, 0, value.length + 2);
        for (int i = 0; i < 8; i++) {
            p[value.length + 2 + i] = (byte) (crc >>> (8 * i));
        }
        return p;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, 300); i++) {
            s.append(String.format("%02x", b[i] & 0xFF));
        }
        return b.length > 300 ? s + "... (" + b.length + " bytes)" : s.toString();
    }
}
