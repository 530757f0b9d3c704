package io.cinnabar.types;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Strings are stored compactly without a wrapper: a {@code Long} for the "int" encoding, a
 * {@code byte[]} for "embstr" (up to 44 bytes) or "raw", and a {@link MutableString} for strings
 * that were grown in place (APPEND, SETRANGE), which Redis reports as "raw" at any length.
 */
public final class StringValue {
    /** Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
    public static final int EMBSTR_LIMIT = 44;
    /** Redis's OBJ_SHARED_INTEGERS: values below it are shared objects (OBJECT REFCOUNT says so). */
    public static final int SHARED_INTEGERS = 10000;
    private static final Long[] SHARED = new Long[SHARED_INTEGERS];

    static {
        for (int i = 0; i < SHARED_INTEGERS; i++) {
            SHARED[i] = (long) i;
        }
    }

    private StringValue() {}

    /** The stored form of a value set from client bytes: int-encoded when Redis would do so. */
    public static Object of(byte[] bytes) {
        if (bytes.length <= 20 && bytes.length > 0) {
            long v = Numbers.parseLongStrict(bytes, 0, bytes.length);
            if (v != Numbers.NOT_A_LONG || isMinLong(bytes)) {
                return ofLong(v);
            }
        }
        return bytes;
    }

    /**
     * The stored form of an integer. Like Redis's shared integers, values 0..9999 are one object
     * each, so counters that stay small (the common case) store nothing new on INCR and leave the
     * young generation nothing to copy.
     */
    public static Long ofLong(long v) {
        return v >= 0 && v < SHARED_INTEGERS ? SHARED[(int) v] : Long.valueOf(v);
    }

    private static boolean isMinLong(byte[] b) {
        return Arrays.equals(b, Numbers.MIN_LONG_BYTES);
    }

    /** The value's bytes (a copy only for int and mutable forms). */
    public static byte[] bytes(Object value) {
        if (value instanceof byte[]) {
            return (byte[]) value;
        }
        if (value instanceof Long) {
            return Long.toString((Long) value).getBytes(StandardCharsets.US_ASCII);
        }
        return ((MutableString) value).toByteArray();
    }

    public static int length(Object value) {
        if (value instanceof byte[]) {
            return ((byte[]) value).length;
        }
        if (value instanceof Long) {
            return Numbers.digits((Long) value);
        }
        return ((MutableString) value).length();
    }

    public static String encoding(Object value) {
        if (value instanceof Long) {
            return "int";
        }
        if (value instanceof byte[]) {
            return ((byte[]) value).length <= EMBSTR_LIMIT ? "embstr" : "raw";
        }
        return "raw";
    }

    public static long memoryUsage(Object value) {
        if (value instanceof byte[]) {
            return Values.byteArraySize(((byte[]) value).length);
        }
        if (value instanceof Long) {
            return 16;
        }
        return ((MutableString) value).memoryUsage();
    }
}
