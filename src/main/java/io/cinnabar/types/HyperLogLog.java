package io.cinnabar.types;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Redis's HyperLogLog in Redis's own string format, so a value crosses between Redis and
 * Cinnabar (GET/SET, DUMP/RESTORE, RDB) unchanged and counts the same on both sides.
 *
 * <p>A 16-byte header: "HYLL", the encoding (0 dense, 1 sparse), three unused bytes, and the
 * cached cardinality as 8 bytes little-endian whose top bit, when set, marks it stale. Then either
 * 16384 6-bit registers packed least significant bit first (dense, 12288 bytes), or run-length
 * opcodes (sparse): ZERO {@code 00xxxxxx} (1..64 zero registers), XZERO
 * {@code 01xxxxxx yyyyyyyy} (1..16384 zero registers) and VAL {@code 1vvvvvxx} (1..4 registers of
 * value 1..32). An element is hashed with MurmurHash64A (seed 0xadc83b19): the low 14 bits pick
 * the register, and the position of the first set bit above them (1..51) is its value.
 * Cardinality is Ertl's improved estimator over the register histogram, in the same double
 * arithmetic as Redis 7.0 so the numbers agree exactly.
 *
 * <p>Nothing here trusts the bytes: a corrupt sparse value is reported (-1 or false), never an
 * exception, and reads past the end see zero bytes as C sees sds's terminator.
 */
public final class HyperLogLog {
    private HyperLogLog() {}

    public static final int HEADER = 16;
    public static final int P = 14;
    public static final int Q = 64 - P;
    public static final int REGISTERS = 1 << P;
    public static final int DENSE_SIZE = HEADER + (REGISTERS * 6 + 7) / 8;
    public static final int DENSE = 0;
    public static final int SPARSE = 1;

    private static final int MASK = REGISTERS - 1;
    private static final int SPARSE_VAL_MAX_VALUE = 32;
    private static final int SPARSE_VAL_MAX_LEN = 4;
    private static final int SPARSE_ZERO_MAX_LEN = 64;
    private static final int SPARSE_XZERO_MAX_LEN = 16384;
    private static final double ALPHA_INF = 0.721347520444481703680;
    private static final long SEED = 0xadc83b19L;
    private static final int CARD = 8;

    private static final VarHandle LITTLE_ENDIAN_LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    // ---------------------------------------------------------------- header

    /** A new, empty HLL: sparse, one XZERO opcode covering every register, raw as Redis creates it. */
    public static MutableString create() {
        byte[] a = new byte[HEADER + 2];
        a[0] = 'H';
        a[1] = 'Y';
        a[2] = 'L';
        a[3] = 'L';
        a[4] = SPARSE;
        putXzero(a, HEADER, REGISTERS);
        return MutableString.wrap(a, a.length);
    }

    /** Redis's isHLLObjectOrReply: long enough for the header, the magic, a known encoding, a dense value of exact size. */
    public static boolean isValid(byte[] a, int length) {
        if (length < HEADER || a[0] != 'H' || a[1] != 'Y' || a[2] != 'L' || a[3] != 'L') {
            return false;
        }
        int encoding = a[4] & 0xFF;
        return encoding == SPARSE || (encoding == DENSE && length == DENSE_SIZE);
    }

    public static int encoding(byte[] a) {
        return a[4];
    }

    public static boolean cacheValid(byte[] a) {
        return (a[CARD + 7] & 0x80) == 0;
    }

    public static long cachedCardinality(byte[] a) {
        return (long) LITTLE_ENDIAN_LONGS.get(a, CARD);
    }

    public static void setCachedCardinality(byte[] a, long card) {
        LITTLE_ENDIAN_LONGS.set(a, CARD, card);
    }

    public static void invalidateCache(byte[] a) {
        a[CARD + 7] |= (byte) 0x80;
    }

    // ---------------------------------------------------------------- hashing

    /** MurmurHash2, 64-bit version, read little-endian as Redis does on every platform. */
    public static long murmurHash64A(byte[] key, int from, int len, long seed) {
        final long m = 0xc6a4a7935bd1e995L;
        final int r = 47;
        long h = seed ^ (len * m);
        int i = from;
        int end = from + (len - (len & 7));
        for (; i < end; i += 8) {
            long k = (long) LITTLE_ENDIAN_LONGS.get(key, i);
            k *= m;
            k ^= k >>> r;
            k *= m;
            h ^= k;
            h *= m;
        }
        int rest = len & 7;
        if (rest > 0) {
            for (int b = rest - 1; b >= 0; b--) {
                h ^= (key[i + b] & 0xFFL) << (8 * b);
            }
            h *= m;
        }
        h ^= h >>> r;
        h *= m;
        h ^= h >>> r;
        return h;
    }

    public static long hash(byte[] element) {
        return murmurHash64A(element, 0, element.length, SEED);
    }

    /** The register an element hash falls in. */
    public static int index(long hash) {
        return (int) (hash & MASK);
    }

    /** The register value an element hash asks for: 1 + the run of zero bits above the index, at most Q + 1. */
    public static int patternLength(long hash) {
        return Long.numberOfTrailingZeros((hash >>> P) | (1L << Q)) + 1;
    }

    // ---------------------------------------------------------------- dense registers

    /** Register {@code reg} of a dense value (the registers start after the header). */
    public static int denseGet(byte[] a, int reg) {
        int at = HEADER + reg * 6 / 8;
        int shift = reg * 6 & 7;
        int v = (a[at] & 0xFF) >>> shift;
        if (shift > 2) {
            v |= (a[at + 1] & 0xFF) << (8 - shift);
        }
        return v & 63;
    }

    public static void denseSet(byte[] a, int reg, int value) {
        int at = HEADER + reg * 6 / 8;
        int shift = reg * 6 & 7;
        a[at] = (byte) ((a[at] & ~(63 << shift)) | value << shift);
        if (shift > 2) {
            a[at + 1] = (byte) ((a[at + 1] & ~(63 >>> (8 - shift))) | value >>> (8 - shift));
        }
    }

    /** Raises register {@code reg} to {@code count} if lower; 1 if it changed (hllDenseSet). */
    private static int denseRaise(byte[] a, int reg, int count) {
        if (count > denseGet(a, reg)) {
            denseSet(a, reg, count);
            return 1;
        }
        return 0;
    }

    // ---------------------------------------------------------------- sparse opcodes

    private static boolean isZero(int op) {
        return (op & 0xC0) == 0;
    }

    private static boolean isXzero(int op) {
        return (op & 0xC0) == 0x40;
    }

    private static int zeroLength(int op) {
        return (op & 0x3F) + 1;
    }

    private static int xzeroLength(int op, int next) {
        return ((op & 0x3F) << 8 | next) + 1;
    }

    private static int valValue(int op) {
        return ((op >> 2) & 0x1F) + 1;
    }

    private static int valLength(int op) {
        return (op & 3) + 1;
    }

    private static int val(int value, int length) {
        return (value - 1) << 2 | (length - 1) | 0x80;
    }

    private static void putXzero(byte[] a, int at, int length) {
        int l = length - 1;
        a[at] = (byte) (l >> 8 | 0x40);
        a[at + 1] = (byte) l;
    }

    /**
     * The byte at {@code i}, which may be one past the end: C reads the sds terminator there, a
     * zero, except where Redis's opcode split has just overwritten it (see {@link #sparseSet}),
     * so the terminator is kept in the array whenever there is room for it.
     */
    private static int byteAt(byte[] a, int i, int length) {
        return i < a.length ? a[i] & 0xFF : 0;
    }

    /** The number of registers the opcode at {@code p} covers. */
    private static int span(byte[] a, int p, int length) {
        int op = a[p] & 0xFF;
        if (isZero(op)) {
            return zeroLength(op);
        }
        if (isXzero(op)) {
            return xzeroLength(op, byteAt(a, p + 1, length));
        }
        return valLength(op);
    }

    private static int opLength(byte[] a, int p) {
        return isXzero(a[p] & 0xFF) ? 2 : 1;
    }

    // ---------------------------------------------------------------- adding

    /**
     * Whether adding an element with this hash would change the HLL: 1 yes, 0 no, -1 the sparse
     * value is corrupt where the element falls. Lets a command announce a write only when one
     * happens.
     */
    public static int wouldChange(byte[] a, int length, long hash) {
        int reg = index(hash);
        int count = patternLength(hash);
        if (a[4] == DENSE) {
            return count > denseGet(a, reg) ? 1 : 0;
        }
        if (count > SPARSE_VAL_MAX_VALUE) {
            return 1;
        }
        int p = HEADER;
        int first = 0;
        while (p < length) {
            int span = span(a, p, length);
            if (reg <= first + span - 1) {
                int op = a[p] & 0xFF;
                boolean isVal = (op & 0x80) != 0;
                return isVal && valValue(op) >= count ? 0 : 1;
            }
            p += opLength(a, p);
            first += span;
        }
        return -1;
    }

    /** Adds an element by its hash (hllAdd): 1 if a register changed, 0 if not, -1 if the value is corrupt. */
    public static int add(MutableString m, long hash, long sparseMaxBytes) {
        byte[] a = m.array();
        int reg = index(hash);
        int count = patternLength(hash);
        switch (a[4]) {
            case DENSE:
                return denseRaise(a, reg, count);
            case SPARSE:
                return sparseSet(m, reg, count, sparseMaxBytes);
            default:
                return -1;
        }
    }

    /**
     * Raises register {@code reg} to {@code count} in a sparse value, exactly as Redis's
     * hllSparseSet rewrites the opcodes (so the bytes come out identical), promoting the value to
     * dense when the count does not fit a VAL opcode or the value would outgrow
     * {@code sparseMaxBytes}. 1 if changed, 0 if not, -1 if corrupt.
     */
    public static int sparseSet(MutableString m, int reg, int count, long sparseMaxBytes) {
        if (count > SPARSE_VAL_MAX_VALUE) {
            return promote(m, reg, count);
        }
        // An XZERO split into XZERO-VAL-XZERO needs up to 3 more bytes, and a terminator byte.
        m.reserve(4);
        byte[] a = m.array();
        int end = m.length();
        int p = HEADER;
        int first = 0;
        int prev = -1;
        int span = 0;
        while (p < end) {
            span = span(a, p, end);
            if (reg <= first + span - 1) {
                break;
            }
            prev = p;
            p += opLength(a, p);
            first += span;
        }
        if (span == 0 || p >= end) {
            return -1;
        }
        int op = a[p] & 0xFF;
        int next = p + opLength(a, p);
        if (next >= end) {
            next = -1;
        }
        boolean zero = isZero(op);
        boolean xzero = isXzero(op);
        boolean isVal = !zero && !xzero;
        int runLength = span;
        merge:
        {
            if (isVal) {
                if (valValue(op) >= count) {
                    return 0;
                }
                if (runLength == 1) {
                    a[p] = (byte) val(count, 1);
                    break merge;
                }
            }
            if (zero && runLength == 1) {
                a[p] = (byte) val(count, 1);
                break merge;
            }
            // The general case: split the opcode into up to three (at most 5 bytes), kept in a
            // long, first byte lowest.
            int last = first + span - 1;
            long seq = 0;
            int seqLength = 0;
            if (zero || xzero) {
                if (reg != first) {
                    int len = reg - first;
                    long bytes = zeroRun(len);
                    seq |= bytes << (8 * seqLength);
                    seqLength += len > SPARSE_ZERO_MAX_LEN ? 2 : 1;
                }
                seq |= (long) val(count, 1) << (8 * seqLength);
                seqLength++;
                if (reg != last) {
                    int len = last - reg;
                    seq |= zeroRun(len) << (8 * seqLength);
                    seqLength += len > SPARSE_ZERO_MAX_LEN ? 2 : 1;
                }
            } else {
                int current = valValue(op);
                if (reg != first) {
                    seq |= (long) val(current, reg - first) << (8 * seqLength);
                    seqLength++;
                }
                seq |= (long) val(count, 1) << (8 * seqLength);
                seqLength++;
                if (reg != last) {
                    seq |= (long) val(current, last - reg) << (8 * seqLength);
                    seqLength++;
                }
            }
            int delta = seqLength - (xzero ? 2 : 1);
            if (delta > 0 && (long) end + delta > sparseMaxBytes) {
                return promote(m, reg, count);
            }
            if (delta > 0) {
                m.setLength(end + delta);
            }
            if (delta != 0 && next >= 0) {
                System.arraycopy(a, next, a, next + delta, end - next);
            }
            if (delta < 0) {
                m.setLength(end + delta);
            }
            a[end + delta] = 0; // sdsIncrLen's terminator, which the copy below overwrites when a
                                // corrupt last XZERO lacked its second byte, as in C
            for (int i = 0; i < seqLength; i++) {
                a[p + i] = (byte) (seq >>> (8 * i));
            }
            end += delta;
        }
        // Merge adjacent VAL opcodes of equal value, scanning up to 5 opcodes from the previous one.
        p = prev >= 0 ? prev : HEADER;
        int scan = 5;
        while (p < end && scan-- > 0) {
            int here = a[p] & 0xFF;
            if (isXzero(here)) {
                p += 2;
                continue;
            } else if (isZero(here)) {
                p++;
                continue;
            }
            if (p + 1 < end && (a[p + 1] & 0x80) != 0) {
                int there = a[p + 1] & 0xFF;
                int v1 = valValue(here);
                if (v1 == valValue(there)) {
                    int len = valLength(here) + valLength(there);
                    if (len <= SPARSE_VAL_MAX_LEN) {
                        a[p + 1] = (byte) val(v1, len);
                        System.arraycopy(a, p + 1, a, p, end - p - 1);
                        end--;
                        m.setLength(end);
                        a[end] = 0;
                        continue;
                    }
                }
            }
            p++;
        }
        invalidateCache(a);
        return 1;
    }

    /** A ZERO (up to 64) or XZERO opcode for {@code len} zero registers, first byte lowest. */
    private static long zeroRun(int len) {
        if (len > SPARSE_ZERO_MAX_LEN) {
            int l = len - 1;
            return (l >> 8 | 0x40) | (long) (l & 0xFF) << 8;
        }
        return len - 1;
    }

    private static int promote(MutableString m, int reg, int count) {
        if (!toDense(m)) {
            return -1;
        }
        return denseRaise(m.array(), reg, count);
    }

    /**
     * Converts a sparse value to dense in place (hllSparseToDense), keeping the header bytes, the
     * cached cardinality included. True if already dense or converted; false if the sparse
     * opcodes do not cover exactly the 16384 registers (then nothing changes).
     */
    public static boolean toDense(MutableString m) {
        byte[] a = m.array();
        if (a[4] == DENSE) {
            return true;
        }
        byte[] registers = new byte[REGISTERS];
        if (!merge(registers, a, m.length())) {
            return false;
        }
        byte[] dense = new byte[DENSE_SIZE];
        System.arraycopy(a, 0, dense, 0, HEADER);
        dense[4] = DENSE;
        for (int reg = 0; reg < REGISTERS; reg++) {
            denseSet(dense, reg, registers[reg]);
        }
        m.replace(dense, DENSE_SIZE);
        return true;
    }

    // ---------------------------------------------------------------- merging and counting

    /**
     * Raises each of the 16384 one-byte registers in {@code max} to this HLL's register (hllMerge).
     * False if a sparse value is corrupt: its runs overshoot or fall short of 16384 registers.
     * Redis's fix for CVE-2025-32023 (in the 7.0.15 builds distributions ship) rejects any
     * overshoot, where the original stopped at the first VAL run past the end and accepted the
     * value if exactly 16384 registers came before it.
     */
    public static boolean merge(byte[] max, byte[] a, int length) {
        if (a[4] == DENSE) {
            for (int i = HEADER, reg = 0; reg < REGISTERS; reg += 4, i += 3) {
                int b0 = a[i] & 0xFF;
                int b1 = a[i + 1] & 0xFF;
                int b2 = a[i + 2] & 0xFF;
                raise(max, reg, b0 & 63);
                raise(max, reg + 1, (b0 >>> 6 | b1 << 2) & 63);
                raise(max, reg + 2, (b1 >>> 4 | b2 << 4) & 63);
                raise(max, reg + 3, b2 >>> 2);
            }
            return true;
        }
        int i = 0;
        int p = HEADER;
        while (p < length) {
            int op = a[p] & 0xFF;
            int run;
            if (isZero(op)) {
                run = zeroLength(op);
            } else if (isXzero(op)) {
                run = xzeroLength(op, byteAt(a, p + 1, length));
            } else {
                run = valLength(op);
            }
            if (run + i > REGISTERS) {
                return false;
            }
            if ((op & 0x80) != 0) {
                int value = valValue(op);
                for (int end = i + run; i < end; i++) {
                    raise(max, i, value);
                }
            } else {
                i += run;
            }
            p += opLength(a, p);
        }
        return i == REGISTERS;
    }

    private static void raise(byte[] max, int reg, int value) {
        if (value > (max[reg] & 0xFF)) {
            max[reg] = (byte) value;
        }
    }

    /** The estimated cardinality of a dense or sparse value, or -1 if a sparse one is corrupt. */
    public static long count(byte[] a, int length) {
        int[] histogram = new int[64];
        if (a[4] == DENSE) {
            for (int i = HEADER, end = HEADER + REGISTERS * 6 / 8; i < end; i += 3) {
                int b0 = a[i] & 0xFF;
                int b1 = a[i + 1] & 0xFF;
                int b2 = a[i + 2] & 0xFF;
                histogram[b0 & 63]++;
                histogram[(b0 >>> 6 | b1 << 2) & 63]++;
                histogram[(b1 >>> 4 | b2 << 4) & 63]++;
                histogram[b2 >>> 2]++;
            }
        } else if (!sparseHistogram(a, length, histogram)) {
            return -1;
        }
        return estimate(histogram);
    }

    /** The estimated cardinality of 16384 one-byte registers (what {@link #merge} fills). */
    public static long countRegisters(byte[] registers) {
        int[] histogram = new int[64];
        for (int i = 0; i < REGISTERS; i++) {
            histogram[registers[i] & 63]++;
        }
        return estimate(histogram);
    }

    private static boolean sparseHistogram(byte[] a, int length, int[] histogram) {
        int idx = 0;
        int p = HEADER;
        while (p < length) {
            int op = a[p] & 0xFF;
            if (isZero(op)) {
                int run = zeroLength(op);
                idx += run;
                histogram[0] += run;
                p++;
            } else if (isXzero(op)) {
                int run = xzeroLength(op, byteAt(a, p + 1, length));
                idx += run;
                histogram[0] += run;
                p += 2;
            } else {
                int run = valLength(op);
                idx += run;
                histogram[valValue(op)] += run;
                p++;
            }
        }
        return idx == REGISTERS;
    }

    /** Ertl's improved estimator ("New cardinality estimation algorithms for HyperLogLog sketches"). */
    static long estimate(int[] histogram) {
        double m = REGISTERS;
        double z = m * tau((m - histogram[Q + 1]) / m);
        for (int j = Q; j >= 1; --j) {
            z += histogram[j];
            z *= 0.5;
        }
        z += m * sigma(histogram[0] / m);
        return Math.round(ALPHA_INF * m * m / z);
    }

    static double sigma(double x) {
        if (x == 1.) {
            return Double.POSITIVE_INFINITY;
        }
        double zPrime;
        double y = 1;
        double z = x;
        do {
            x *= x;
            zPrime = z;
            z += x * y;
            y += y;
        } while (zPrime != z);
        return z;
    }

    static double tau(double x) {
        if (x == 0. || x == 1.) {
            return 0.;
        }
        double zPrime;
        double y = 1.0;
        double z = 1 - x;
        do {
            x = Math.sqrt(x);
            zPrime = z;
            y *= 0.5;
            double d = 1 - x;
            z -= d * d * y; // pow(1 - x, 2) as the C compiler folds it
        } while (zPrime != z);
        return z / 3;
    }

    // ---------------------------------------------------------------- debugging

    /** PFDEBUG DECODE's text for a sparse value: "z:len", "Z:len" and "v:value,len" joined by spaces. */
    public static String decode(byte[] a, int length) {
        StringBuilder out = new StringBuilder();
        int p = HEADER;
        while (p < length) {
            int op = a[p] & 0xFF;
            if (out.length() > 0) {
                out.append(' ');
            }
            if (isZero(op)) {
                out.append("z:").append(zeroLength(op));
                p++;
            } else if (isXzero(op)) {
                out.append("Z:").append(xzeroLength(op, byteAt(a, p + 1, length)));
                p += 2;
            } else {
                out.append("v:").append(valValue(op)).append(',').append(valLength(op));
                p++;
            }
        }
        return out.toString();
    }
}
