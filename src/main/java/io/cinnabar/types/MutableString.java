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
            // sds's greedy growth: double below 1 MB, then add 1 MB at a time
            int grown = needed < 1024 * 1024 ? needed * 2 : needed + 1024 * 1024;
            data = Arrays.copyOf(data, grown);
        }
    }

    public long memoryUsage() {
        return 16 + Values.byteArraySize(data.length);
    }
}
