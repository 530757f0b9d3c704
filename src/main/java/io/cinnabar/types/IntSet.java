package io.cinnabar.types;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;

/**
 * Redis's intset, byte for byte: a little-endian header (u32 element width in bytes: 2, 4 or 8;
 * u32 element count) followed by the elements in ascending order, all of that width. The width
 * only grows (on an insert that needs it), never shrinks, as in Redis, so an RDB writer can store
 * {@link #array()}'s first {@link #byteLength()} bytes as the intset payload unchanged.
 *
 * <p>The array may have spare room at its end so that a run of inserts does not copy the whole
 * set each time.
 */
public final class IntSet {
    public static final int HEADER_BYTES = 8;
    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long OBJECT_BYTES = 24;

    private byte[] blob;
    private int width;
    private int size;

    public IntSet() {
        this(new byte[HEADER_BYTES + 4 * Short.BYTES], Short.BYTES, 0);
    }

    private IntSet(byte[] blob, int width, int size) {
        this.blob = blob;
        this.width = width;
        this.size = size;
        writeHeader();
    }

    /**
     * An intset read from its serialized form (an RDB payload); null if the bytes are not a valid
     * intset (bad width, length that does not match, or elements not strictly ascending).
     */
    public static IntSet fromBlob(byte[] bytes) {
        if (bytes.length < HEADER_BYTES) {
            return null;
        }
        int width = (int) I32.get(bytes, 0);
        long count = Integer.toUnsignedLong((int) I32.get(bytes, 4));
        if ((width != Short.BYTES && width != Integer.BYTES && width != Long.BYTES)
                || HEADER_BYTES + count * width != bytes.length) {
            return null;
        }
        IntSet set = new IntSet(bytes.clone(), width, (int) count);
        for (int i = 1; i < set.size; i++) {
            if (set.get(i - 1) >= set.get(i)) {
                return null;
            }
        }
        return set;
    }

    public int size() {
        return size;
    }

    /** Bytes per element: 2, 4 or 8 (Redis's INTSET_ENC_INT16/32/64). */
    public int width() {
        return width;
    }

    /** The backing array: the intset's exact layout in its first {@link #byteLength()} bytes. */
    public byte[] array() {
        return blob;
    }

    public int byteLength() {
        return HEADER_BYTES + size * width;
    }

    /** A copy of exactly the serialized bytes. */
    public byte[] toBlob() {
        return Arrays.copyOf(blob, byteLength());
    }

    /** The element at {@code index} (0 = smallest). */
    public long get(int index) {
        return read(blob, width, index);
    }

    private static long read(byte[] b, int width, int index) {
        int at = HEADER_BYTES + index * width;
        switch (width) {
            case Short.BYTES: return (short) I16.get(b, at);
            case Integer.BYTES: return (int) I32.get(b, at);
            default: return (long) I64.get(b, at);
        }
    }

    private static void write(byte[] b, int width, int index, long value) {
        int at = HEADER_BYTES + index * width;
        switch (width) {
            case Short.BYTES: I16.set(b, at, (short) value); break;
            case Integer.BYTES: I32.set(b, at, (int) value); break;
            default: I64.set(b, at, value); break;
        }
    }

    private void writeHeader() {
        I32.set(blob, 0, width);
        I32.set(blob, 4, size);
    }

    /** The smallest width that holds the value. */
    static int widthFor(long value) {
        if (value >= Short.MIN_VALUE && value <= Short.MAX_VALUE) {
            return Short.BYTES;
        }
        if (value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE) {
            return Integer.BYTES;
        }
        return Long.BYTES;
    }

    /** The value's index, or {@code -(insertion point) - 1} when absent, as Arrays.binarySearch. */
    public int indexOf(long value) {
        if (widthFor(value) > width) {
            return value < 0 ? -1 : -size - 1;
        }
        int lo = 0;
        int hi = size - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long v = get(mid);
            if (v < value) {
                lo = mid + 1;
            } else if (v > value) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -lo - 1;
    }

    public boolean contains(long value) {
        return indexOf(value) >= 0;
    }

    /** Inserts the value in order; false if it was present. */
    public boolean add(long value) {
        int needed = widthFor(value);
        if (needed > width) {
            upgradeAndAdd(needed, value);
            return true;
        }
        int at = indexOf(value);
        if (at >= 0) {
            return false;
        }
        at = -at - 1;
        ensureCapacity(size + 1);
        int from = HEADER_BYTES + at * width;
        System.arraycopy(blob, from, blob, from + width, (size - at) * width);
        write(blob, width, at, value);
        size++;
        writeHeader();
        return true;
    }

    /**
     * Widens every element, then places the value, which is beyond the old width and so smaller
     * or larger than every element: first if negative, last if positive.
     */
    private void upgradeAndAdd(int newWidth, long value) {
        int oldWidth = width;
        byte[] old = blob;
        int offset = value < 0 ? 1 : 0;
        byte[] grown = new byte[HEADER_BYTES + capacityFor(size + 1) * newWidth];
        for (int i = size - 1; i >= 0; i--) {
            write(grown, newWidth, i + offset, read(old, oldWidth, i));
        }
        write(grown, newWidth, value < 0 ? 0 : size, value);
        blob = grown;
        width = newWidth;
        size++;
        writeHeader();
    }

    private static int capacityFor(int elements) {
        return elements < 8 ? elements + 1 : elements + (elements >> 1);
    }

    private void ensureCapacity(int elements) {
        int needed = HEADER_BYTES + elements * width;
        if (needed > blob.length) {
            blob = Arrays.copyOf(blob, HEADER_BYTES + capacityFor(elements) * width);
        }
    }

    /** Removes the value; false if it was absent. */
    public boolean remove(long value) {
        int at = indexOf(value);
        if (at < 0) {
            return false;
        }
        removeAt(at);
        return true;
    }

    /** Removes the element at {@code index}; later elements move down one place. */
    public void removeAt(int index) {
        int from = HEADER_BYTES + (index + 1) * width;
        System.arraycopy(blob, from, blob, from - width, (size - index - 1) * width);
        size--;
        writeHeader();
    }

    /** The index of a uniformly chosen element; the set must not be empty. */
    public int randomIndex(Random random) {
        return random.nextInt(size);
    }

    public IntSet copy() {
        return new IntSet(blob.clone(), width, size);
    }

    public long memoryUsage() {
        return OBJECT_BYTES + Values.byteArraySize(blob.length);
    }
}
