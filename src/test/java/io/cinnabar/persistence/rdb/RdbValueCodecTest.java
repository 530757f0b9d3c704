package io.cinnabar.persistence.rdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.types.HashValue;
import io.cinnabar.types.ListValue;
import io.cinnabar.types.SetValue;
import io.cinnabar.types.StreamGroup;
import io.cinnabar.types.StreamId;
import io.cinnabar.types.StreamValue;
import io.cinnabar.types.StringValue;
import io.cinnabar.types.Values;
import io.cinnabar.types.ZSetValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The codec on its own: values of every type and encoding survive a round trip with their
 * encoding and bytes, the string encodings follow rdbSaveRawString's rules, and seeded random
 * corruption of payloads (replay with -DcodecSeed=N) either loads a usable value or fails with
 * {@link RdbFormatException}, never anything else.
 */
@Timeout(120)
class RdbValueCodecTest {
    private static final RdbValueReader.Limits DEFAULTS = new RdbValueReader.Limits(128, 64, 128, 64, 512, -2, 0);

    @Test
    void stringEncodingsFollowRdbSaveRawString() {
        assertArrayEquals(new byte[] {0, (byte) 0xC0, 5}, body(StringValue.of(bytes("5"))));
        assertArrayEquals(new byte[] {0, (byte) 0xC0, (byte) 0x80}, body(StringValue.of(bytes("-128"))));
        assertArrayEquals(new byte[] {0, (byte) 0xC1, 0x39, 0x30}, body(StringValue.of(bytes("12345"))));
        assertArrayEquals(new byte[] {0, (byte) 0xC2, 0x40, (byte) 0xE2, 0x01, 0}, body(StringValue.of(bytes("123456"))));
        // past 32 bits: the decimal text
        assertArrayEquals(concat(new byte[] {0, 10}, bytes("4294967296")), body(StringValue.of(bytes("4294967296"))));
        // not canonical: stored as text
        assertArrayEquals(concat(new byte[] {0, 3}, bytes("007")), body(bytes("007")));
        byte[] repetitive = bytes("a".repeat(100));
        byte[] compressed = body(repetitive);
        assertEquals(0xC3, compressed[1] & 0xFF);
        assertTrue(compressed.length < 30);
        RdbValueWriter plain = new RdbValueWriter(false);
        plain.writeValue(repetitive);
        assertEquals(1 + 2 + 100, plain.size());
        assertArrayEquals(repetitive, (byte[]) load(compressed));
    }

    /** The most compressible string there is stays within the expansion bound the reader enforces. */
    @Test
    void highlyCompressedStringsLoad() {
        byte[] zeros = new byte[1 << 20];
        byte[] body = body(zeros);
        assertTrue(body.length < zeros.length / 80);
        assertArrayEquals(zeros, (byte[]) load(body));
    }

    @Test
    void lengthsUseTheSmallestForm() {
        long[] lengths = {0, 63, 64, 16383, 16384, 0xFFFFFFFFL, 0x100000000L};
        int[] sizes = {1, 1, 2, 2, 5, 5, 9};
        for (int i = 0; i < lengths.length; i++) {
            RdbValueWriter w = new RdbValueWriter(true);
            w.writeLength(lengths[i]);
            assertEquals(sizes[i], w.size(), "length " + lengths[i]);
        }
    }

    @Test
    void everyTypeRoundTripsWithItsEncoding() {
        Random r = new Random(Long.getLong("codecSeed", 7L));
        for (int i = 0; i < 300; i++) {
            Object value = randomValue(r);
            byte[] payload = DumpPayload.of(value, r.nextBoolean());
            assertTrue(DumpPayload.verify(payload));
            Object loaded = DumpPayload.load(payload, DEFAULTS);
            assertEquals(Values.typeName(value), Values.typeName(loaded));
            // a hash table or skip list within the thresholds loads compact again, as in Redis
            boolean convertible = Values.encoding(value).equals("hashtable") || Values.encoding(value).equals("skiplist");
            if (!convertible) {
                assertEquals(Values.encoding(value), Values.encoding(loaded), "encoding of " + Values.typeName(value));
            }
            if (!Values.encoding(value).equals("hashtable") && Values.encoding(value).equals(Values.encoding(loaded))) {
                assertArrayEquals(DumpPayload.of(value, true), DumpPayload.of(loaded, true));
            } else {
                assertEquals(contents(value), contents(loaded));
            }
        }
    }

    @Test
    void streamsKeepGroupsPendingEntriesAndConsumers() {
        StreamValue s = new StreamValue();
        for (int i = 1; i <= 20; i++) {
            s.append(new StreamId(i, 0), new byte[][] {bytes("f"), bytes("v" + i)}, 0, 2, 0, 8);
        }
        s.delete(new StreamId(3, 0));
        StreamGroup g = s.createGroup(bytes("g"), new StreamId(10, 0), 10);
        StreamGroup.Consumer alice = g.createConsumer(bytes("alice"), 1234);
        g.createConsumer(bytes("bob"), 5678);
        g.deliver(new StreamId(5, 0), alice, 999);
        g.deliver(new StreamId(6, 0), alice, 1000);
        StreamValue loaded = (StreamValue) DumpPayload.load(DumpPayload.of(s, true), DEFAULTS);
        assertEquals(19, loaded.length());
        assertEquals(s.maxDeletedId(), loaded.maxDeletedId());
        assertEquals(s.entriesAdded(), loaded.entriesAdded());
        StreamGroup lg = loaded.group(bytes("g"));
        assertEquals(new StreamId(10, 0), lg.lastId);
        assertEquals(2, lg.pending.size());
        assertEquals(1000, lg.pending.get(new StreamId(6, 0)).deliveryTime);
        assertArrayEquals(bytes("alice"), lg.pending.get(new StreamId(5, 0)).consumer.name);
        assertEquals(5678, lg.consumer(bytes("bob")).seenTime);
        assertArrayEquals(DumpPayload.of(s, true), DumpPayload.of(loaded, true));
    }

    @Test
    void verifyChecksVersionAndChecksum() {
        byte[] p = DumpPayload.of(bytes("hello"), true);
        assertTrue(DumpPayload.verify(p));
        byte[] newer = p.clone();
        newer[newer.length - 10] = 11;
        assertFalse(DumpPayload.verify(newer));
        byte[] flipped = p.clone();
        flipped[1] ^= 1;
        assertFalse(DumpPayload.verify(flipped));
        assertFalse(DumpPayload.verify(new byte[9]));
    }

    @Test
    void emptyCollectionsAndUnknownTypesAreRefused() {
        assertThrows(RdbFormatException.class, () -> load(new byte[] {Rdb.TYPE_LIST_QUICKLIST_2, 0}));
        assertThrows(RdbFormatException.class, () -> load(new byte[] {Rdb.TYPE_SET, 0}));
        assertThrows(RdbFormatException.class, () -> load(new byte[] {Rdb.TYPE_HASH, 0}));
        assertThrows(RdbFormatException.class, () -> load(new byte[] {Rdb.TYPE_ZSET_2, 0}));
        assertThrows(RdbFormatException.class, () -> load(new byte[] {Rdb.TYPE_MODULE_2, 0}));
        assertThrows(RdbFormatException.class, () -> load(new byte[] {(byte) 200}));
        assertThrows(RdbFormatException.class, () -> load(new byte[] {Rdb.TYPE_SET, 2, 1, 'a', 1, 'a'}));
        // an empty stream is a valid value
        assertEquals(0, ((StreamValue) load(body(new StreamValue()))).length());
    }

    @Test
    void corruptPayloadsLoadUsableValuesOrFailCleanly() {
        long seed = Long.getLong("codecSeed", 11L);
        Random r = new Random(seed);
        int refused = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] body = body(randomValue(r));
            byte[] bad = mutate(r, body);
            Object loaded;
            try {
                loaded = load(bad);
            } catch (RdbFormatException e) {
                refused++;
                continue;
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + seed + " case " + i + ": " + e + " on " + Arrays.toString(bad), e);
            }
            try {
                contents(loaded);
                DumpPayload.of(loaded, true);
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + seed + " case " + i + ": loaded value fails: " + e + " on " + Arrays.toString(bad), e);
            }
        }
        assertTrue(refused > 5000, "only " + refused + " corrupt payloads refused");
    }

    // ---------------------------------------------------------------- helpers

    private static byte[] mutate(Random r, byte[] body) {
        switch (r.nextInt(4)) {
            case 0:
                return Arrays.copyOf(body, r.nextInt(body.length));
            case 1: {
                byte[] b = body.clone();
                b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                return b;
            }
            case 2: {
                byte[] b = body.clone();
                for (int n = 1 + r.nextInt(4); n > 0; n--) {
                    int at = r.nextInt(b.length);
                    b[at] ^= (byte) (1 << r.nextInt(8));
                }
                return b;
            }
            default: {
                int at = r.nextInt(body.length);
                byte[] b = new byte[body.length + 1];
                System.arraycopy(body, 0, b, 0, at);
                b[at] = (byte) r.nextInt(256);
                System.arraycopy(body, at, b, at + 1, body.length - at);
                return b;
            }
        }
    }

    /** Everything a value holds, in a comparable form, read through the types' own walkers. */
    private static List<String> contents(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof ListValue) {
            ListValue.Iter it = ((ListValue) value).iterator(true);
            while (it.next()) {
                out.add(text(it.toBytes()));
            }
            it.release();
        } else if (value instanceof SetValue) {
            SetValue s = (SetValue) value;
            for (int p = s.firstPosition(); p >= 0; p = s.nextPosition(p)) {
                out.add(text(s.memberAt(p)));
            }
            out.sort(null);
        } else if (value instanceof ZSetValue) {
            ZSetValue z = (ZSetValue) value;
            ZSetValue.Cursor c = new ZSetValue.Cursor(z);
            for (z.seekRank(c, 0, false); c.valid(); c.next()) {
                out.add(text(c.member()) + "=" + c.score());
                z.score(c.member());
            }
        } else if (value instanceof HashValue) {
            HashValue h = (HashValue) value;
            if (h.isListpack()) {
                for (int p = h.listpack().first(); p >= 0; p = h.listpack().next(h.listpack().next(p))) {
                    byte[] field = h.listpack().get(p);
                    out.add(text(field) + "=" + text(h.get(field)));
                }
            } else {
                for (int slot = h.dict().firstSlot(); slot >= 0; slot = h.dict().nextSlot(slot)) {
                    out.add(text(h.dict().keyAt(slot)) + "=" + text((byte[]) h.dict().valueAt(slot)));
                }
            }
            out.sort(null);
        } else if (value instanceof StreamValue) {
            StreamValue s = (StreamValue) value;
            for (boolean reverse : new boolean[] {false, true}) {
                StreamValue.Cursor c = s.cursor(StreamId.MIN, StreamId.MAX, reverse);
                while (c.next()) {
                    StringBuilder e = new StringBuilder(c.id().toString());
                    for (int i = 0; i < c.fieldCount(); i++) {
                        e.append(' ').append(text(c.listpack().get(c.fieldPosition(i))))
                                .append('=').append(text(c.listpack().get(c.valuePosition(i))));
                    }
                    out.add(e.toString());
                }
            }
            for (Map.Entry<byte[], StreamGroup> g : s.groups().entrySet()) {
                out.add(text(g.getKey()) + " " + g.getValue().lastId + " " + g.getValue().pending.keySet() + " " + s.lag(g.getValue()));
            }
        } else {
            out.add(text(StringValue.bytes(value)));
        }
        return out;
    }

    private static Object randomValue(Random r) {
        int n = 1 + (r.nextInt(5) == 0 ? r.nextInt(400) : r.nextInt(10));
        switch (r.nextInt(6)) {
            case 0:
                return StringValue.of(element(r));
            case 1: {
                ListValue l = new ListValue(r.nextBoolean() ? -2 : 1 + r.nextInt(8), r.nextInt(3));
                for (int i = 0; i < n; i++) {
                    l.push(element(r), r.nextBoolean());
                }
                return l;
            }
            case 2: {
                SetValue s = null;
                boolean ints = r.nextBoolean();
                for (int i = 0; i < n; i++) {
                    byte[] m = ints ? bytes(Long.toString(r.nextLong() >> r.nextInt(64))) : element(r);
                    if (s == null) {
                        s = SetValue.forMember(m);
                    }
                    s.add(m, 512);
                }
                return s;
            }
            case 3: {
                ZSetValue z = ZSetValue.newListpack();
                for (int i = 0; i < n; i++) {
                    double score = r.nextInt(8) == 0 ? Double.POSITIVE_INFINITY : r.nextInt(100) - 50 + (r.nextBoolean() ? 0.25 : 0);
                    z.add(score, element(r), 0, new ZSetValue.AddResult(), 128, 64);
                }
                return z;
            }
            case 4: {
                HashValue h = new HashValue();
                for (int i = 0; i < n; i++) {
                    h.set(bytes("f" + r.nextInt(n * 2)), element(r), 128, 64);
                }
                return h;
            }
            default: {
                StreamValue s = new StreamValue();
                for (int i = 1; i <= n; i++) {
                    byte[][] argv = r.nextBoolean() ? new byte[][] {bytes("a"), element(r)} : new byte[][] {bytes("b" + r.nextInt(3)), element(r), bytes("c"), element(r)};
                    s.append(new StreamId(i, r.nextInt(3)), argv, 0, argv.length, 0, 1 + r.nextInt(10));
                }
                if (r.nextBoolean()) {
                    s.delete(new StreamId(1 + r.nextInt(n), 0));
                }
                if (r.nextBoolean()) {
                    StreamGroup g = s.createGroup(bytes("g"), new StreamId(n, 0), StreamGroup.UNKNOWN_ENTRIES_READ);
                    StreamGroup.Consumer c = g.createConsumer(bytes("c"), 42);
                    for (int i = 1; i <= n; i += 3) {
                        g.deliver(new StreamId(i, 0), c, 100 + i);
                    }
                }
                return s;
            }
        }
    }

    private static byte[] element(Random r) {
        switch (r.nextInt(5)) {
            case 0: return bytes(Integer.toString(r.nextInt(1000) - 500));
            case 1: return bytes(Long.toString(r.nextLong()));
            case 2: return bytes("x".repeat(r.nextInt(120)));
            case 3: {
                byte[] b = new byte[r.nextInt(40)];
                r.nextBytes(b);
                return b;
            }
            default: return bytes("e" + r.nextInt(500));
        }
    }

    private static byte[] body(Object value) {
        RdbValueWriter w = new RdbValueWriter(true);
        w.writeValue(value);
        return w.toByteArray();
    }

    private static Object load(byte[] body) {
        return new RdbValueReader(body, 0, body.length, DEFAULTS).readValue();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static String text(byte[] b) {
        return b == null ? "null" : new String(b, StandardCharsets.ISO_8859_1);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Redis reads an old zset's text score with sscanf("%lg"): a leading number counts, nothing at all does not. */
    @Test
    void textScoresReadAsSscanfReadsThem() {
        byte[] trailing = concat(new byte[] {Rdb.TYPE_ZSET, 1, 1, 'm', 5}, bytes("12abc"));
        assertEquals("m=12.0", contents(load(trailing)).get(0));
        byte[] blank = concat(new byte[] {Rdb.TYPE_ZSET, 1, 1, 'm', 4}, bytes(" 1.5"));
        assertEquals("m=1.5", contents(load(blank)).get(0));
        assertThrows(RdbFormatException.class, () -> load(new byte[] {Rdb.TYPE_ZSET, 1, 1, 'm', 0}));
        assertThrows(RdbFormatException.class, () -> load(concat(new byte[] {Rdb.TYPE_ZSET, 1, 1, 'm', 3}, bytes("nan"))));
        assertThrows(RdbFormatException.class, () -> load(concat(new byte[] {Rdb.TYPE_ZSET, 1, 1, 'm', 2}, bytes("x1"))));
    }

    /** A ziplist whose entries reach the end marker before the end its header gives is corrupt. */
    @Test
    void ziplistEndingEarlyIsRefused() {
        byte[] zl = {13, 0, 0, 0, 10, 0, 0, 0, 1, 0, 0, (byte) 0xF2, (byte) 0xFF};
        assertEquals(List.of("1"), Ziplist.entries(zl).stream().map(RdbValueCodecTest::text).toList());
        byte[] early = {14, 0, 0, 0, 10, 0, 0, 0, 1, 0, 0, (byte) 0xF2, (byte) 0xFF, (byte) 0xFF};
        assertNull(Ziplist.entries(early));
    }

    @Test
    void nothingLeftOverIsNotAnError() {
        byte[] body = concat(body(bytes("v")), new byte[] {1, 2, 3});
        assertArrayEquals(bytes("v"), (byte[]) load(body));
    }
}
