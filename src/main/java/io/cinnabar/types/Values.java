package io.cinnabar.types;

/** Type names, encodings and memory sizes of stored values, whatever their class. */
public final class Values {
    private Values() {}

    /** Object header plus array length, rounded as the JVM lays out a byte[]. */
    public static long byteArraySize(int length) {
        return (16L + length + 7) & ~7L;
    }

    public static String typeName(Object value) {
        if (value instanceof TypedValue) {
            return ((TypedValue) value).typeName();
        }
        return "string";
    }

    public static String encoding(Object value) {
        if (value instanceof TypedValue) {
            return ((TypedValue) value).encoding();
        }
        return StringValue.encoding(value);
    }

    /** Approximate bytes of memory the value holds, in O(1). */
    public static long memoryUsage(Object value) {
        if (value instanceof TypedValue) {
            return ((TypedValue) value).memoryUsage();
        }
        return StringValue.memoryUsage(value);
    }

    public static boolean isString(Object value) {
        return value != null && !(value instanceof TypedValue);
    }

    /** An independent copy of a stored value with the same encoding (what COPY stores). */
    public static Object copy(Object value) {
        if (value instanceof TypedValue) {
            return ((TypedValue) value).copy();
        }
        if (value instanceof byte[]) {
            return ((byte[]) value).clone();
        }
        if (value instanceof MutableString) {
            MutableString m = (MutableString) value;
            return new MutableString(m.toByteArray(), 0);
        }
        return value; // Long: immutable
    }
}
