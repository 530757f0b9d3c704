package io.cinnabar.types;

import java.util.Arrays;

/**
 * Redis 7.0's listpack, byte for byte: the blob inside {@link #array()} is exactly what Redis
 * keeps in memory and writes to RDB, so a listpack can be saved, loaded, DUMPed and RESTOREd
 * unchanged.
 *
 * <p>Layout: total bytes (uint32 LE), element count (uint16 LE, 65535 meaning "count by
 * scanning"), entries, terminator 0xFF. An entry is its encoding and data followed by its
 * "backlen": the length of encoding+data in 1..5 bytes of 7 bits, written so that it can be read
 * from its last byte backwards, which is what makes walking towards the head possible.
 *
 * <p>Positions handed out by this class are byte offsets of entries inside {@link #array()};
 * -1 means "no entry". A position stays valid until the next write; writes return the position
 * the caller needs next. The real element count is kept in a field because the header saturates
 * at 65535.
 */
public final class Listpack {
    public static final int HEADER_SIZE = 6;
    public static final int EMPTY_SIZE = HEADER_SIZE + 1;
    /** Header count value meaning the real count does not fit in 16 bits. */
    public static final int UNKNOWN_COUNT = 0xFFFF;
    static final int EOF = 0xFF;

    private static final int ENC_16BIT_INT = 0xF1;
    private static final int ENC_24BIT_INT = 0xF2;
    private static final int ENC_32BIT_INT = 0xF3;
    private static final int ENC_64BIT_INT = 0xF4;
    private static final int ENC_32BIT_STR = 0xF0;
    private static final int ENC_6BIT_STR = 0x80;
    private static final int ENC_13BIT_INT = 0xC0;
    private static final int ENC_12BIT_STR = 0xE0;

    /** A shrink below this capacity is not worth the copy. */
    private static final int MIN_SHRINK_CAPACITY = 64;
    private static final long[] POWERS_OF_TEN = new long[19];

    static {
        long p = 1;
        for (int i = 0; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = p;
            p *= 10;
        }
    }

    private byte[] buf;
    private int bytes;
    private int count;

    public Listpack() {
        this(new byte[EMPTY_SIZE], EMPTY_SIZE, 0);
        buf[HEADER_SIZE] = (byte) EOF;
        writeHeader();
    }

    /**
     * An empty listpack with room for {@code capacity} bytes, for one expected to grow to about
     * that size: it then never reallocates on the way there.
     */
    public static Listpack withCapacity(int capacity) {
        Listpack lp = new Listpack(new byte[alignedCapacity(Math.max(capacity, EMPTY_SIZE))], EMPTY_SIZE, 0);
        lp.buf[HEADER_SIZE] = (byte) EOF;
        lp.writeHeader();
        return lp;
    }

    private Listpack(byte[] buf, int bytes, int count) {
        this.buf = buf;
        this.bytes = bytes;
        this.count = count;
    }

    /**
     * Adopts {@code blob} (no copy) after checking its header and terminator; entries are only
     * walked when the header count is unknown. Use {@link #isValid} first for untrusted input.
     */
    public static Listpack fromBytes(byte[] blob) {
        if (blob.length < EMPTY_SIZE || readInt32(blob, 0) != blob.length || (blob[blob.length - 1] & 0xFF) != EOF) {
            throw new IllegalArgumentException("not a listpack: bad header or terminator");
        }
        int headerCount = readUint16(blob, 4);
        Listpack lp = new Listpack(blob, blob.length, headerCount);
        if (headerCount == UNKNOWN_COUNT) {
            int n = 0;
            for (int p = lp.first(); p >= 0; p = lp.next(p)) {
                n++;
            }
            lp.count = n;
            lp.writeHeader();
        }
        return lp;
    }

    /** The exact blob, trimmed to {@link #bytes()}. */
    public byte[] toBytes() {
        return Arrays.copyOf(buf, bytes);
    }

    public int size() {
        return count;
    }

    /** Bytes the blob takes (what Redis accounts for the listpack). */
    public int bytes() {
        return bytes;
    }

    /** Bytes actually held, including spare room for growth. */
    public int capacity() {
        return buf.length;
    }

    /** The backing array; only its first {@link #bytes()} bytes are the listpack. */
    public byte[] array() {
        return buf;
    }

    public void trimToSize() {
        if (buf.length != bytes) {
            buf = Arrays.copyOf(buf, bytes);
        }
    }

    /**
     * Makes room for {@code extraBytes} more bytes in one allocation, so a command that adds
     * several entries grows the array once and leaves no growth slack behind. The size is
     * rounded up to a multiple of 8: the JVM aligns arrays to 8 bytes, so those bytes are free.
     */
    public void reserve(int extraBytes) {
        int need = bytes + extraBytes;
        if (need > buf.length) {
            buf = Arrays.copyOf(buf, alignedCapacity(need));
        }
    }

    /** The capacity to allocate for {@code n} bytes: {@code n} rounded up to the JVM's 8-byte array alignment. */
    private static int alignedCapacity(int n) {
        return n > Integer.MAX_VALUE - 7 ? n : (n + 7) & ~7;
    }

    public Listpack copy() {
        return new Listpack(Arrays.copyOf(buf, bytes), bytes, count);
    }

    // ---------------------------------------------------------------- navigation

    public int first() {
        return count == 0 ? -1 : HEADER_SIZE;
    }

    public int last() {
        return count == 0 ? -1 : prev(bytes - 1);
    }

    public int next(int pos) {
        int n = pos + entryBytes(pos);
        return (buf[n] & 0xFF) == EOF ? -1 : n;
    }

    /** The entry before {@code pos}; {@code pos} may also be the terminator's offset. */
    public int prev(int pos) {
        if (pos <= HEADER_SIZE) {
            return -1;
        }
        int encodedLength = readBacklen(buf, pos - 1);
        return pos - encodedLength - backlenSize(encodedLength);
    }

    /** Entry at {@code index} (negative counts from the tail, -1 = last), or -1 when out of range. */
    public int seek(int index) {
        if (index < 0) {
            index += count;
        }
        if (index < 0 || index >= count) {
            return -1;
        }
        if (index <= count / 2) {
            int p = HEADER_SIZE;
            for (int i = 0; i < index; i++) {
                p += entryBytes(p);
            }
            return p;
        }
        int p = bytes - 1;
        for (int i = count; i > index; i--) {
            p = prev(p);
        }
        return p;
    }

    /** Bytes the entry at {@code pos} occupies, backlen included. */
    public int entryBytes(int pos) {
        int encoded = encodedLength(buf, pos);
        return encoded + backlenSize(encoded);
    }

    // ---------------------------------------------------------------- reading

    public boolean isInt(int pos) {
        int b = buf[pos] & 0xFF;
        return b < 0x80 || (b & 0xE0) == ENC_13BIT_INT || (b >= ENC_16BIT_INT && b <= ENC_64BIT_INT);
    }

    public long intValue(int pos) {
        int b = buf[pos] & 0xFF;
        if (b < 0x80) {
            return b;
        }
        if ((b & 0xE0) == ENC_13BIT_INT) {
            int raw = ((b & 0x1F) << 8) | (buf[pos + 1] & 0xFF);
            return (raw << 19) >> 19;
        }
        switch (b) {
            case ENC_16BIT_INT:
                return (short) ((buf[pos + 1] & 0xFF) | (buf[pos + 2] & 0xFF) << 8);
            case ENC_24BIT_INT:
                return ((buf[pos + 1] & 0xFF) | (buf[pos + 2] & 0xFF) << 8 | buf[pos + 3] << 16);
            case ENC_32BIT_INT:
                return readInt32(buf, pos + 1);
            case ENC_64BIT_INT:
                return (readInt32(buf, pos + 1) & 0xFFFFFFFFL) | ((long) readInt32(buf, pos + 5) << 32);
            default:
                throw new IllegalStateException("listpack entry at " + pos + " is not an integer");
        }
    }

    public int strOffset(int pos) {
        int b = buf[pos] & 0xFF;
        if ((b & 0xC0) == ENC_6BIT_STR) {
            return pos + 1;
        }
        if ((b & 0xF0) == ENC_12BIT_STR) {
            return pos + 2;
        }
        if (b == ENC_32BIT_STR) {
            return pos + 5;
        }
        throw new IllegalStateException("listpack entry at " + pos + " is not a string");
    }

    public int strLength(int pos) {
        int b = buf[pos] & 0xFF;
        if ((b & 0xC0) == ENC_6BIT_STR) {
            return b & 0x3F;
        }
        if ((b & 0xF0) == ENC_12BIT_STR) {
            return ((b & 0x0F) << 8) | (buf[pos + 1] & 0xFF);
        }
        if (b == ENC_32BIT_STR) {
            return readInt32(buf, pos + 1);
        }
        throw new IllegalStateException("listpack entry at " + pos + " is not a string");
    }

    /** The element as bytes: the string, or an integer's decimal text. Allocates. */
    public byte[] get(int pos) {
        if (isInt(pos)) {
            return decimal(intValue(pos));
        }
        int off = strOffset(pos);
        return Arrays.copyOfRange(buf, off, off + strLength(pos));
    }

    /** Redis's lpCompare: equal as strings, where an integer entry stands for its decimal text. */
    public boolean entryEquals(int pos, byte[] s) {
        if (isInt(pos)) {
            long v = parseCanonical(s);
            return v != Numbers.NOT_A_LONG ? intValue(pos) == v : intValue(pos) == Long.MIN_VALUE && Numbers.isMinLong(s);
        }
        int off = strOffset(pos);
        return Arrays.equals(buf, off, off + strLength(pos), s, 0, s.length);
    }

    /** Byte-wise order of the entry against {@code s} (memcmp, then length); integers as decimal text. */
    public int compare(int pos, byte[] s) {
        if (isInt(pos)) {
            return compareDecimal(intValue(pos), s);
        }
        int off = strOffset(pos);
        return Arrays.compareUnsigned(buf, off, off + strLength(pos), s, 0, s.length);
    }

    /**
     * Redis's lpFind: tests the entry at {@code from}, then every ({@code skip}+1)-th entry after
     * it (skip=1 visits the fields of a field/value listpack), returning the first equal one.
     */
    public int find(int from, byte[] s, int skip) {
        boolean parsed = false;
        boolean sIsInt = false;
        long sValue = 0;
        int skipped = 0;
        for (int p = from; p >= 0 && (buf[p] & 0xFF) != EOF; p += entryBytes(p)) {
            if (skipped > 0) {
                skipped--;
                continue;
            }
            if (isInt(p)) {
                if (!parsed) {
                    parsed = true;
                    sValue = parseCanonical(s);
                    sIsInt = sValue != Numbers.NOT_A_LONG || Numbers.isMinLong(s);
                }
                if (sIsInt && intValue(p) == sValue) {
                    return p;
                }
            } else {
                int off = strOffset(p);
                if (Arrays.equals(buf, off, off + strLength(p), s, 0, s.length)) {
                    return p;
                }
            }
            skipped = skip;
        }
        return -1;
    }

    // ---------------------------------------------------------------- writing

    public int append(byte[] s) {
        return insertAt(bytes - 1, s);
    }

    public int appendLong(long v) {
        return put(bytes - 1, 0, null, v, true, 1);
    }

    public int prepend(byte[] s) {
        return insertAt(HEADER_SIZE, s);
    }

    /** Inserts before or after the entry at {@code pos}; returns the new entry's position. */
    public int insert(int pos, byte[] s, boolean after) {
        return insertAt(after ? pos + entryBytes(pos) : pos, s);
    }

    public int insertLong(int pos, long v, boolean after) {
        return put(after ? pos + entryBytes(pos) : pos, 0, null, v, true, 1);
    }

    /** Replaces the entry at {@code pos}; returns its position (the same offset). */
    public int replace(int pos, byte[] s) {
        long v = parseCanonical(s);
        boolean asInt = v != Numbers.NOT_A_LONG || Numbers.isMinLong(s);
        return put(pos, entryBytes(pos), s, v, asInt, 0);
    }

    public int replaceLong(int pos, long v) {
        return put(pos, entryBytes(pos), null, v, true, 0);
    }

    /** Deletes the entry at {@code pos}; returns the position of the entry now after it, or -1. */
    public int delete(int pos) {
        removeBytes(pos, entryBytes(pos), 1);
        return (buf[pos] & 0xFF) == EOF ? -1 : pos;
    }

    /**
     * Redis's lpDeleteRange: deletes up to {@code n} entries starting at {@code index} (negative
     * counts from the tail); an index out of range deletes nothing.
     */
    public void deleteRange(int index, int n) {
        if (n <= 0) {
            return;
        }
        int from = seek(index);
        if (from < 0) {
            return;
        }
        if (index < 0) {
            index += count;
        }
        n = Math.min(n, count - index);
        int to = from;
        for (int i = 0; i < n; i++) {
            to += entryBytes(to);
        }
        removeBytes(from, to - from, n);
    }

    /** Bytes an entry holding {@code s} takes, backlen included (for size limits). */
    public static int entrySize(byte[] s) {
        long v = parseCanonical(s);
        int encoded = v != Numbers.NOT_A_LONG || Numbers.isMinLong(s) ? intEncodedLength(v) : stringEncodedLength(s.length);
        return encoded + backlenSize(encoded);
    }

    /** Bytes an entry holding a string of {@code length} bytes takes, backlen included. */
    public static int stringEntrySize(int length) {
        int encoded = stringEncodedLength(length);
        return encoded + backlenSize(encoded);
    }

    public static int entrySize(long v) {
        int encoded = intEncodedLength(v);
        return encoded + backlenSize(encoded);
    }

    private int insertAt(int at, byte[] s) {
        long v = parseCanonical(s);
        boolean asInt = v != Numbers.NOT_A_LONG || Numbers.isMinLong(s);
        return put(at, 0, s, v, asInt, 1);
    }

    /**
     * Writes one entry at {@code at} in place of {@code removed} bytes, moving the tail once (or
     * copying both halves once into a grown array).
     */
    private int put(int at, int removed, byte[] s, long v, boolean asInt, int countDelta) {
        int encoded = asInt ? intEncodedLength(v) : stringEncodedLength(s.length);
        int total = encoded + backlenSize(encoded);
        int newBytes = bytes - removed + total;
        int tail = at + removed;
        if (newBytes > buf.length) {
            byte[] grown = new byte[alignedCapacity(Math.max(newBytes, buf.length + (buf.length >> 1)))];
            System.arraycopy(buf, 0, grown, 0, at);
            System.arraycopy(buf, tail, grown, at + total, bytes - tail);
            buf = grown;
        } else if (total != removed) {
            System.arraycopy(buf, tail, buf, at + total, bytes - tail);
        }
        bytes = newBytes;
        count += countDelta;
        if (asInt) {
            writeInt(at, v);
        } else {
            writeString(at, s);
        }
        writeBacklen(buf, at + encoded, encoded);
        writeHeader();
        if (total < removed) {
            maybeShrink();
        }
        return at;
    }

    private void removeBytes(int from, int length, int entries) {
        System.arraycopy(buf, from + length, buf, from, bytes - from - length);
        bytes -= length;
        count -= entries;
        writeHeader();
        maybeShrink();
    }

    private void maybeShrink() {
        if (buf.length > MIN_SHRINK_CAPACITY && bytes < buf.length >> 2) {
            buf = Arrays.copyOf(buf, bytes + (bytes >> 1));
        }
    }

    private void writeHeader() {
        writeInt32(buf, 0, bytes);
        int headerCount = Math.min(count, UNKNOWN_COUNT);
        buf[4] = (byte) headerCount;
        buf[5] = (byte) (headerCount >>> 8);
    }

    private void writeInt(int at, long v) {
        byte[] b = buf;
        if (v >= 0 && v <= 127) {
            b[at] = (byte) v;
        } else if (v >= -4096 && v <= 4095) {
            b[at] = (byte) (ENC_13BIT_INT | ((v >> 8) & 0x1F));
            b[at + 1] = (byte) v;
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            b[at] = (byte) ENC_16BIT_INT;
            b[at + 1] = (byte) v;
            b[at + 2] = (byte) (v >> 8);
        } else if (v >= -(1 << 23) && v < (1 << 23)) {
            b[at] = (byte) ENC_24BIT_INT;
            b[at + 1] = (byte) v;
            b[at + 2] = (byte) (v >> 8);
            b[at + 3] = (byte) (v >> 16);
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            b[at] = (byte) ENC_32BIT_INT;
            writeInt32(b, at + 1, (int) v);
        } else {
            b[at] = (byte) ENC_64BIT_INT;
            writeInt32(b, at + 1, (int) v);
            writeInt32(b, at + 5, (int) (v >>> 32));
        }
    }

    private void writeString(int at, byte[] s) {
        int len = s.length;
        int data;
        if (len < 64) {
            buf[at] = (byte) (ENC_6BIT_STR | len);
            data = at + 1;
        } else if (len < 4096) {
            buf[at] = (byte) (ENC_12BIT_STR | (len >> 8));
            buf[at + 1] = (byte) len;
            data = at + 2;
        } else {
            buf[at] = (byte) ENC_32BIT_STR;
            writeInt32(buf, at + 1, len);
            data = at + 5;
        }
        System.arraycopy(s, 0, buf, data, len);
    }

    // ---------------------------------------------------------------- validation

    /**
     * Deep check of an untrusted blob (RDB, RESTORE): header size, terminator, every entry's
     * encoding within bounds and its backlen consistent, and the header count when known.
     */
    public static boolean isValid(byte[] blob) {
        if (blob.length < EMPTY_SIZE || readInt32(blob, 0) != blob.length || (blob[blob.length - 1] & 0xFF) != EOF) {
            return false;
        }
        int end = blob.length - 1;
        int entries = 0;
        int p = HEADER_SIZE;
        while (p < end) {
            long encoded = checkedEncodedLength(blob, p, end);
            if (encoded < 0) {
                return false;
            }
            int backlen = backlenSize((int) Math.min(encoded, Integer.MAX_VALUE));
            long next = p + encoded + backlen;
            if (encoded > Integer.MAX_VALUE || next > end || readBacklenChecked(blob, (int) next - 1, (int) (p + encoded)) != encoded) {
                return false;
            }
            p = (int) next;
            entries++;
        }
        int headerCount = readUint16(blob, 4);
        return headerCount == UNKNOWN_COUNT || headerCount == entries;
    }

    /** Length of encoding+data of the entry at {@code p}, or -1 when malformed or past {@code end}. */
    private static long checkedEncodedLength(byte[] b, int p, int end) {
        int e = b[p] & 0xFF;
        if (e < 0x80) {
            return 1;
        }
        if ((e & 0xC0) == ENC_6BIT_STR) {
            return 1 + (e & 0x3F);
        }
        if ((e & 0xE0) == ENC_13BIT_INT) {
            return 2;
        }
        if ((e & 0xF0) == ENC_12BIT_STR) {
            return p + 1 < end ? 2 + (((e & 0x0F) << 8) | (b[p + 1] & 0xFF)) : -1;
        }
        switch (e) {
            case ENC_32BIT_STR:
                return p + 4 < end ? 5 + (readInt32(b, p + 1) & 0xFFFFFFFFL) : -1;
            case ENC_16BIT_INT:
                return 3;
            case ENC_24BIT_INT:
                return 4;
            case ENC_32BIT_INT:
                return 5;
            case ENC_64BIT_INT:
                return 9;
            default:
                return -1;
        }
    }

    /** Backlen ending at {@code last}, not reading before {@code floor}; -1 when malformed. */
    private static long readBacklenChecked(byte[] b, int last, int floor) {
        long value = 0;
        int shift = 0;
        for (int i = last; i >= floor; i--) {
            value |= (long) (b[i] & 0x7F) << shift;
            if ((b[i] & 0x80) == 0) {
                return value;
            }
            shift += 7;
            if (shift > 28) {
                return -1;
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------- encoding helpers

    private static int encodedLength(byte[] b, int p) {
        long length = checkedEncodedLength(b, p, Integer.MAX_VALUE);
        if (length < 0 || length > Integer.MAX_VALUE) {
            throw new IllegalStateException("corrupt listpack: encoding byte " + (b[p] & 0xFF) + " at " + p);
        }
        return (int) length;
    }

    static int intEncodedLength(long v) {
        if (v >= 0 && v <= 127) {
            return 1;
        }
        if (v >= -4096 && v <= 4095) {
            return 2;
        }
        if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            return 3;
        }
        if (v >= -(1 << 23) && v < (1 << 23)) {
            return 4;
        }
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            return 5;
        }
        return 9;
    }

    static int stringEncodedLength(int len) {
        return len < 64 ? 1 + len : len < 4096 ? 2 + len : 5 + len;
    }

    /** Redis's lpEncodeBacklen widths, including its odd upper bounds (16383 takes 3 bytes). */
    static int backlenSize(int encodedLength) {
        if (encodedLength <= 127) {
            return 1;
        }
        if (encodedLength < 16383) {
            return 2;
        }
        if (encodedLength < 2097151) {
            return 3;
        }
        if (encodedLength < 268435455) {
            return 4;
        }
        return 5;
    }

    /** Most significant 7 bits first; every byte but the first carries the 0x80 "more" flag. */
    private static void writeBacklen(byte[] b, int at, int encodedLength) {
        int n = backlenSize(encodedLength);
        for (int i = 0; i < n; i++) {
            int shift = 7 * (n - 1 - i);
            int bits = (encodedLength >>> shift) & 0x7F;
            b[at + i] = (byte) (i == 0 ? bits : bits | 0x80);
        }
    }

    private static int readBacklen(byte[] b, int last) {
        int value = 0;
        int shift = 0;
        for (int i = last; ; i--) {
            value |= (b[i] & 0x7F) << shift;
            if ((b[i] & 0x80) == 0) {
                return value;
            }
            shift += 7;
        }
    }

    /** lpStringToInt64 / string2ll; {@link Numbers#NOT_A_LONG} also for "-9223372036854775808". */
    private static long parseCanonical(byte[] s) {
        return Numbers.parseLongStrict(s, 0, s.length);
    }

    static byte[] decimal(long v) {
        int n = Numbers.digits(v);
        byte[] out = new byte[n];
        long magnitude = v < 0 ? -v : v; // Long.MIN_VALUE stays negative; read it as unsigned below
        for (int i = n - 1; i >= (v < 0 ? 1 : 0); i--) {
            out[i] = (byte) ('0' + Long.remainderUnsigned(magnitude, 10));
            magnitude = Long.divideUnsigned(magnitude, 10);
        }
        if (v < 0) {
            out[0] = '-';
        }
        return out;
    }

    /** Compares v's decimal text with s byte-wise without materialising the text. */
    static int compareDecimal(long v, byte[] s) {
        int n = Numbers.digits(v);
        int sign = v < 0 ? 1 : 0;
        long magnitude = v < 0 ? -v : v;
        int common = Math.min(n, s.length);
        for (int i = 0; i < common; i++) {
            int c;
            if (i < sign) {
                c = '-';
            } else {
                long higher = Long.divideUnsigned(magnitude, POWERS_OF_TEN[n - 1 - i]);
                c = '0' + (int) Long.remainderUnsigned(higher, 10);
            }
            int d = c - (s[i] & 0xFF);
            if (d != 0) {
                return d;
            }
        }
        return n - s.length;
    }

    static int readInt32(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | b[at + 3] << 24;
    }

    private static int readUint16(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    private static void writeInt32(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Listpack[");
        for (int p = first(); p >= 0; p = next(p)) {
            if (p != HEADER_SIZE) {
                sb.append(", ");
            }
            sb.append(new String(get(p), java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        return sb.append(']').toString();
    }
}
