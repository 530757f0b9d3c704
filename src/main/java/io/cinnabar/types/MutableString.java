package io.cinnabar.types;

import java.util.Arrays;

/** A string grown in place with spare capacity, as Redis's sds does for APPEND and SETRANGE. */
public final class MutableString {
    private byte[] data;
    private int length;

    public MutableString(byte[] initial, int extraCapacity) {
        data = Arrays.copyOf(initial, initial.length + extraCapacity);
        length = initial.length;
    }

    public int length() {
        return length;
    }

    public byte[] array() {
        return data;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(data, length);
    }

    public void append(byte[] bytes) {
        ensureCapacity(length + bytes.length);
        System.arraycopy(bytes, 0, data, length, bytes.length);
        length += bytes.length;
    }

    /** Writes bytes at offset, zero-padding any gap, growing as needed. */
    public void write(int offset, byte[] bytes) {
        int end = offset + bytes.length;
        ensureCapacity(end);
        if (offset > length) {
            Arrays.fill(data, length, offset, (byte) 0);
        }
        System.arraycopy(bytes, 0, data, offset, bytes.length);
        length = Math.max(length, end);
    }

    private void ensureCapacity(int needed) {
        if (needed > data.length) {
            // sds's greedy growth: double below 1 MB, then add 1 MB at a time (short of what an
            // array can hold)
            long grown = needed < 1024 * 1024 ? needed * 2L : needed + 1024L * 1024;
            data = Arrays.copyOf(data, (int) Math.max(needed, Math.min(grown, MAX_ARRAY)));
        }
    }

    private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;

    /** A string that takes over {@code data} as its storage, its first {@code length} bytes the content. */
    public static MutableString wrap(byte[] data, int length) {
        MutableString m = new MutableString(EMPTY, 0);
        m.data = data;
        m.length = length;
        return m;
    }

    private static final byte[] EMPTY = new byte[0];

    /**
     * Sets the length: a longer string is padded with zero bytes (sds's sdsgrowzero), a shorter
     * one truncated.
     */
    public void setLength(int newLength) {
        if (newLength > length) {
            ensureCapacity(newLength);
            Arrays.fill(data, length, newLength, (byte) 0);
        }
        length = newLength;
    }

    /** Makes room for {@code extra} more bytes without changing the length (sdsMakeRoomFor). */
    public void reserve(int extra) {
        ensureCapacity(length + extra);
    }

    /** Replaces the whole content with the first {@code newLength} bytes of {@code newData}, taken over. */
    public void replace(byte[] newData, int newLength) {
        data = newData;
        length = newLength;
    }

    public long memoryUsage() {
        return 16 + Values.byteArraySize(data.length);
    }
}
