package io.cinnabar.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.DumpPayload;
import io.cinnabar.testing.RedisOracle;
import io.cinnabar.testing.RespClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class ListpackTest {
    private static final int RDB_TYPE_HASH_LISTPACK = 16;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String text(byte[] s) {
        return new String(s, StandardCharsets.ISO_8859_1);
    }

    @Test
    void reserveAllocatesOnceAndExactlyForTheEntriesToCome() {
        Listpack lp = new Listpack();
        byte[][] entries = {b("f1"), b("12345"), b("a value of some length"), b("-7"), b("x".repeat(70))};
        int need = 0;
        for (byte[] e : entries) {
            need += Listpack.entrySize(e);
        }
        lp.reserve(need);
        int reserved = lp.capacity();
        assertEquals((Listpack.EMPTY_SIZE + need + 7) / 8 * 8, reserved, "exact size rounded up to the array alignment");
        byte[] array = lp.array();
        for (byte[] e : entries) {
            lp.append(e);
        }
        assertTrue(array == lp.array(), "no growth after the reservation");
        assertEquals(Listpack.EMPTY_SIZE + need, lp.bytes());
        Listpack plain = new Listpack();
        for (byte[] e : entries) {
            plain.append(e);
        }
        assertArrayEquals(plain.toBytes(), lp.toBytes(), "the blob does not depend on the reservation");
        lp.reserve(1);
        assertTrue(lp.capacity() >= lp.bytes() + 1 && lp.capacity() % 8 == 0);
        assertArrayEquals(plain.toBytes(), lp.toBytes());
        int before = lp.capacity();
        lp.reserve(0);
        assertEquals(before, lp.capacity(), "enough room already: no copy");
    }

    @Test
    void stringEntrySizeMatchesTheEncodedEntry() {
        for (int len : new int[] {0, 1, 63, 64, 127, 128, 4095, 4096, 20000}) {
            byte[] s = b("s".repeat(len));
            assertEquals(Listpack.entrySize(s), Listpack.stringEntrySize(len), "length " + len);
            Listpack lp = new Listpack();
            lp.append(s);
            assertEquals(lp.bytes() - Listpack.EMPTY_SIZE, Listpack.stringEntrySize(len), "length " + len);
        }
    }

    @Test
    void emptyListpackIsSevenBytes() {
        Listpack lp = new Listpack();
        assertArrayEquals(new byte[] {7, 0, 0, 0, 0, 0, (byte) 0xFF}, lp.toBytes());
        assertEquals(0, lp.size());
        assertEquals(-1, lp.first());
        assertEquals(-1, lp.last());
        assertEquals(-1, lp.seek(0));
        assertEquals(-1, lp.seek(-1));
    }

    /** Recorded from Redis 7.0.15: HSET h a 1 b -1 c 127 d 128 ... then DUMP h. */
    @Test
    void matchesARecordedRedisBlobWithEveryIntegerWidth() {
        String[] fieldsAndValues = {"a", "1", "b", "-1", "c", "127", "d", "128", "e", "-4096", "f", "4095",
            "g", "32767", "h", "-32769", "i", "8388607", "j", "-2147483648", "k", "9223372036854775807",
            "l", "-9223372036854775808", "m", "007", "n", "-0"};
        Listpack lp = new Listpack();
        for (String s : fieldsAndValues) {
            lp.append(b(s));
        }
        String redis = "720000001c008161020101816202dfff028163027f01816402c08002816502d00002816602cfff02816702f1ff7f03"
                + "816802f2ff7fff04816902f2ffff7f04816a02f30000008005816b02f4ffffffffffffff7f09816c02f40000000000"
                + "00008009816d028330303704816e02822d3003ff";
        assertEquals(redis, HexFormat.of().formatHex(lp.toBytes()));
        for (int i = 0; i < fieldsAndValues.length; i++) {
            assertEquals(fieldsAndValues[i], text(lp.get(lp.seek(i))));
        }
        assertEquals(Long.MIN_VALUE, lp.intValue(lp.seek(23)));
        assertFalse(lp.isInt(lp.seek(25)), "007 is not canonical, so it stays a string");
    }

    /**
     * Seeded random HSET/HDEL on a listpack hash in real Redis; after every command our listpack
     * built by the same edits (append field+value, replace value, delete pair) must equal the blob
     * in DUMP byte for byte. Values cover every integer width, non-canonical numbers and string
     * lengths around each encoding and backlen boundary.
     */
    @Test
    void editsMatchRedisDumpByteForByte() {
        long seed = Long.getLong("listpackSeed", 20240611L);
        Random r = new Random(seed);
        try (RedisOracle redis = RedisOracle.start("--hash-max-listpack-entries", "100000",
                "--hash-max-listpack-value", "100000", "--rdbcompression", "no");
                RespClient client = redis.client()) {
            Listpack lp = new Listpack();
            List<String> fields = new ArrayList<>();
            for (int step = 0; step < 1500; step++) {
                String command;
                if (!fields.isEmpty() && r.nextInt(4) == 0) {
                    String field = fields.remove(r.nextInt(fields.size()));
                    int index = indexOfField(lp, field);
                    lp.deleteRange(index, 2);
                    client.call(b("HDEL"), b("h"), b(field));
                    command = "HDEL " + field;
                } else {
                    String field = fields.isEmpty() || r.nextInt(3) > 0 ? randomField(r) : fields.get(r.nextInt(fields.size()));
                    byte[] value = randomElement(r);
                    int index = indexOfField(lp, field);
                    if (index < 0) {
                        lp.append(b(field));
                        lp.append(value);
                        fields.add(field);
                    } else {
                        lp.replace(lp.seek(index + 1), value);
                    }
                    client.call(b("HSET"), b("h"), b(field), value);
                    command = "HSET " + field + " <" + value.length + " bytes>";
                }
                byte[] expected = fields.isEmpty() ? new Listpack().toBytes() : dumpBlob(client);
                byte[] actual = lp.toBytes();
                if (!Arrays.equals(expected, actual)) {
                    throw new AssertionError("seed " + seed + " step " + step + " after " + command
                            + "\n redis: " + HexFormat.of().formatHex(expected, 0, Math.min(200, expected.length))
                            + "\n ours:  " + HexFormat.of().formatHex(actual, 0, Math.min(200, actual.length)));
                }
                assertTrue(Listpack.isValid(actual));
            }
        }
    }

    private static int indexOfField(Listpack lp, String field) {
        int p = lp.find(lp.first(), b(field), 1);
        if (p < 0) {
            return -1;
        }
        int index = 0;
        for (int q = lp.first(); q != p; q = lp.next(q)) {
            index++;
        }
        return index;
    }

    private static byte[] dumpBlob(RespClient client) {
        DumpPayload payload = DumpPayload.parse(DumpPayload.bulkBytes(client.call("DUMP", "h")));
        assertEquals(RDB_TYPE_HASH_LISTPACK, payload.type);
        return payload.value;
    }

    private static String randomField(Random r) {
        return r.nextInt(4) == 0 ? Integer.toString(r.nextInt(11) - 5) : "f" + r.nextInt(12);
    }

    private static final long[] INTERESTING = {0, 1, 127, 128, -1, -4096, -4097, 4095, 4096, 32767, 32768, -32768,
        -32769, 8388607, 8388608, -8388608, -8388609, Integer.MAX_VALUE, Integer.MAX_VALUE + 1L, Integer.MIN_VALUE,
        Integer.MIN_VALUE - 1L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1};
    private static final String[] NOT_CANONICAL = {"", "-", "-0", "+1", "007", "00", " 1", "1 ", "1e3", "0x10",
        "9223372036854775808", "-9223372036854775809", "123456789012345678901", "12a"};
    private static final int[] STRING_LENGTHS = {0, 1, 62, 63, 64, 65, 125, 126, 127, 128, 4093, 4094, 4095, 4096,
        16376, 16377, 16378, 16379, 16380, 16381, 16382, 16383};

    /** Values that exercise every encoding, every backlen width up to 3 bytes and the int/string border. */
    static byte[] randomElement(Random r) {
        switch (r.nextInt(6)) {
            case 0:
                return b(Long.toString(INTERESTING[r.nextInt(INTERESTING.length)] + r.nextInt(3) - 1));
            case 1:
                return b(Long.toString(r.nextLong() >> r.nextInt(64)));
            case 2:
                return b(NOT_CANONICAL[r.nextInt(NOT_CANONICAL.length)]);
            case 3: {
                byte[] s = new byte[STRING_LENGTHS[r.nextInt(STRING_LENGTHS.length)]];
                for (int i = 0; i < s.length; i++) {
                    s[i] = (byte) ('a' + r.nextInt(26));
                }
                return s;
            }
            default: {
                byte[] s = new byte[r.nextInt(20)];
                r.nextBytes(s);
                return s;
            }
        }
    }

    /** Every operation against an ArrayList model, checking the whole structure after each one. */
    @Test
    void randomOperationsAgreeWithAListModel() {
        long seed = Long.getLong("listpackSeed", 77031L);
        Random r = new Random(seed);
        Listpack lp = new Listpack();
        List<byte[]> model = new ArrayList<>();
        for (int step = 0; step < 20000; step++) {
            String op = applyRandomOperation(r, lp, model);
            try {
                checkAgainstModel(r, lp, model);
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + " step " + step + " op " + op + ": " + e.getMessage(), e);
            }
            if (model.size() > 60) {
                lp.deleteRange(0, 40);
                model.subList(0, 40).clear();
            }
        }
    }

    private static String applyRandomOperation(Random r, Listpack lp, List<byte[]> model) {
        byte[] s = r.nextInt(3) == 0 ? b(Integer.toString(r.nextInt(10))) : randomSmallElement(r);
        int n = model.size();
        int index = n == 0 ? 0 : r.nextInt(n);
        switch (r.nextInt(n == 0 ? 3 : 10)) {
            case 0:
                lp.append(s);
                model.add(s);
                return "append";
            case 1:
                lp.prepend(s);
                model.add(0, s);
                return "prepend";
            case 2: {
                long v = INTERESTING[r.nextInt(INTERESTING.length)];
                lp.appendLong(v);
                model.add(b(Long.toString(v)));
                return "appendLong";
            }
            case 3: {
                boolean after = r.nextBoolean();
                int p = lp.insert(lp.seek(index), s, after);
                model.add(after ? index + 1 : index, s);
                assertEquals(lp.seek(after ? index + 1 : index), p);
                return "insert";
            }
            case 4: {
                int p = lp.replace(lp.seek(index - n), s);
                model.set(index, s);
                assertEquals(lp.seek(index), p);
                return "replace";
            }
            case 5: {
                long v = r.nextLong() >> r.nextInt(64);
                lp.replaceLong(lp.seek(index), v);
                model.set(index, b(Long.toString(v)));
                return "replaceLong";
            }
            case 6: {
                int next = lp.delete(lp.seek(index));
                model.remove(index);
                assertEquals(index < model.size() ? lp.seek(index) : -1, next);
                return "delete";
            }
            case 7: {
                int count = r.nextInt(5);
                int start = r.nextBoolean() ? index : index - n;
                lp.deleteRange(start, count);
                int from = start < 0 ? start + n : start;
                model.subList(from, Math.min(n, from + count)).clear();
                return "deleteRange";
            }
            case 8: {
                int before = lp.seek(index);
                int p = lp.insertLong(before, -5000 + r.nextInt(10000), false);
                model.add(index, lp.get(p));
                return "insertLong";
            }
            default: {
                lp.deleteRange(n + 3, 1); // out of range: no effect
                lp.deleteRange(-n - 1, 2);
                return "deleteRange out of range";
            }
        }
    }

    private static byte[] randomSmallElement(Random r) {
        byte[] s = randomElement(r);
        return s.length > 200 ? Arrays.copyOf(s, r.nextInt(200)) : s;
    }

    private static void checkAgainstModel(Random r, Listpack lp, List<byte[]> model) {
        int n = model.size();
        assertEquals(n, lp.size());
        byte[] blob = lp.toBytes();
        assertEquals(lp.bytes(), blob.length);
        assertTrue(Listpack.isValid(blob), "isValid");
        int i = 0;
        for (int p = lp.first(); p >= 0; p = lp.next(p), i++) {
            assertArrayEquals(model.get(i), lp.get(p), "forward walk at " + i);
            assertEquals(p, lp.seek(i));
            assertEquals(p, lp.seek(i - n));
        }
        assertEquals(n, i);
        for (int p = lp.last(); p >= 0; p = lp.prev(p)) {
            i--;
            assertArrayEquals(model.get(i), lp.get(p), "backward walk at " + i);
        }
        assertEquals(0, i);
        assertEquals(-1, lp.seek(n));
        assertEquals(-1, lp.seek(-n - 1));
        if (n == 0) {
            return;
        }
        int index = r.nextInt(n);
        int p = lp.seek(index);
        byte[] probe = r.nextBoolean() ? model.get(r.nextInt(n)) : randomSmallElement(r);
        assertEquals(Arrays.equals(model.get(index), probe), lp.entryEquals(p, probe), "entryEquals");
        assertEquals(Integer.signum(Arrays.compareUnsigned(model.get(index), probe)), Integer.signum(lp.compare(p, probe)),
                () -> "compare " + text(model.get(index)) + " with " + text(probe));
        boolean isInt = lp.isInt(p);
        long parsed = Numbers.parseLongStrict(model.get(index));
        assertEquals(parsed != Numbers.NOT_A_LONG || Numbers.isMinLong(model.get(index)), isInt, "int encoding");
        if (!isInt) {
            assertArrayEquals(model.get(index), Arrays.copyOfRange(lp.array(), lp.strOffset(p), lp.strOffset(p) + lp.strLength(p)));
        }
        int skip = r.nextInt(3);
        int expected = -1;
        for (int k = index; k < n; k += skip + 1) {
            if (Arrays.equals(model.get(k), probe)) {
                expected = k;
                break;
            }
        }
        assertEquals(expected < 0 ? -1 : lp.seek(expected), lp.find(p, probe, skip), "find skip " + skip);
    }

    @Test
    void compareOrdersIntegersAsTheirDecimalText() {
        Listpack lp = new Listpack();
        for (long v : INTERESTING) {
            lp.appendLong(v);
        }
        String[] probes = {"", "-", "-9", "-9223372036854775808", "-9223372036854775809", "9", "92", "1", "10",
            "0", "00", "127", "128", "12", "9223372036854775807", "9223372036854775808", "a"};
        for (int p = lp.first(); p >= 0; p = lp.next(p)) {
            for (String probe : probes) {
                assertEquals(Integer.signum(Arrays.compareUnsigned(lp.get(p), b(probe))),
                        Integer.signum(lp.compare(p, b(probe))), lp.intValue(p) + " vs " + probe);
            }
        }
    }

    @Test
    void entrySizeIsWhatAnAppendAdds() {
        Random r = new Random(5);
        Listpack lp = new Listpack();
        for (int i = 0; i < 300; i++) {
            byte[] s = randomElement(r);
            int before = lp.bytes();
            lp.append(s);
            assertEquals(Listpack.entrySize(s), lp.bytes() - before);
            assertEquals(Listpack.entrySize(s), lp.entryBytes(lp.last()));
        }
        assertEquals(2, Listpack.entrySize(127));
        assertEquals(10, Listpack.entrySize(Long.MIN_VALUE));
        assertEquals(16383 + 3, Listpack.entrySize(new byte[16378]), "16383-byte entry takes a 3-byte backlen, as in Redis");
        assertEquals(16382 + 2, Listpack.entrySize(new byte[16377]));
    }

    /** Entries whose backlen needs 3 and 4 bytes (2097151 is the first 4-byte length in Redis). */
    @Test
    void walksOverEntriesWithWideBacklens() {
        Listpack lp = new Listpack();
        lp.appendLong(1);
        lp.append(new byte[2097150 - 5]);
        lp.append(new byte[2097151 - 5]);
        lp.appendLong(2);
        assertEquals(2097150 + 3, lp.entryBytes(lp.seek(1)));
        assertEquals(2097151 + 4, lp.entryBytes(lp.seek(2)));
        assertEquals(2, lp.intValue(lp.seek(-1)));
        assertEquals(1, lp.intValue(lp.prev(lp.prev(lp.prev(lp.last())))));
        assertEquals(2097151 - 5, lp.strLength(lp.seek(-2)));
        assertTrue(Listpack.isValid(lp.toBytes()));
        lp.delete(lp.seek(1));
        assertEquals(1, lp.intValue(lp.prev(lp.prev(lp.last()))));
        assertEquals(Listpack.EMPTY_SIZE + 2 + 2097151 + 4 + 2, lp.bytes());
    }

    @Test
    void headerCountSaturatesAndFromBytesCountsByScanning() {
        Listpack lp = new Listpack();
        for (int i = 0; i < 70000; i++) {
            lp.appendLong(i % 100);
        }
        byte[] blob = lp.toBytes();
        assertEquals(0xFF, blob[4] & 0xFF);
        assertEquals(0xFF, blob[5] & 0xFF);
        Listpack adopted = Listpack.fromBytes(blob);
        assertEquals(70000, adopted.size());
        assertTrue(Listpack.isValid(blob));
        adopted.deleteRange(0, 10000);
        assertEquals(60000, adopted.size());
        byte[] smaller = adopted.toBytes();
        assertEquals(60000, (smaller[4] & 0xFF) | (smaller[5] & 0xFF) << 8);
        assertEquals(99, adopted.intValue(adopted.last()));
        assertEquals(0, adopted.intValue(adopted.seek(-60000)));
    }

    @Test
    void copyIsIndependent() {
        Listpack lp = new Listpack();
        lp.append(b("x"));
        Listpack copy = lp.copy();
        copy.append(b("y"));
        assertEquals(1, lp.size());
        assertEquals(2, copy.size());
        assertArrayEquals(b("x"), lp.get(lp.last()));
    }

    @Test
    void fromBytesRejectsBadHeaders() {
        assertThrows(IllegalArgumentException.class, () -> Listpack.fromBytes(new byte[] {7, 0, 0, 0, 0, 0}));
        assertThrows(IllegalArgumentException.class, () -> Listpack.fromBytes(new byte[] {8, 0, 0, 0, 0, 0, (byte) 0xFF}));
        assertThrows(IllegalArgumentException.class, () -> Listpack.fromBytes(new byte[] {7, 0, 0, 0, 0, 0, 0}));
        Listpack lp = Listpack.fromBytes(new byte[] {7, 0, 0, 0, 0, 0, (byte) 0xFF});
        lp.append(b("hello"));
        assertEquals("hello", text(lp.get(lp.first())));
    }

    /** isValid on corrupted blobs must answer, never throw, and accept only walkable ones. */
    @Test
    void isValidRejectsCorruptionWithoutThrowing() {
        Random r = new Random(11);
        Listpack lp = new Listpack();
        for (int i = 0; i < 40; i++) {
            lp.append(randomSmallElement(r));
        }
        byte[] good = lp.toBytes();
        assertTrue(Listpack.isValid(good));
        int rejected = 0;
        for (int trial = 0; trial < 20000; trial++) {
            byte[] bad = good.clone();
            int flips = 1 + r.nextInt(3);
            for (int f = 0; f < flips; f++) {
                bad[Listpack.HEADER_SIZE + r.nextInt(bad.length - Listpack.HEADER_SIZE - 1)] = (byte) r.nextInt(256);
            }
            if (Listpack.isValid(bad)) {
                Listpack adopted = Listpack.fromBytes(bad);
                int n = 0;
                for (int p = adopted.last(); p >= 0; p = adopted.prev(p)) {
                    adopted.get(p);
                    n++;
                }
                assertEquals(adopted.size(), n);
            } else {
                rejected++;
            }
        }
        assertTrue(rejected > 1000, "most corruptions are detected");
        byte[] wrongCount = good.clone();
        wrongCount[4]++;
        assertFalse(Listpack.isValid(wrongCount));
        assertFalse(Listpack.isValid(Arrays.copyOf(good, good.length - 1)));
    }
}
