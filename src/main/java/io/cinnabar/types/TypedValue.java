package io.cinnabar.types;

/** A non-string value (list, hash, set, zset, stream): knows its type, encoding and size. */
public interface TypedValue {
    String typeName();

    String encoding();

    /** Approximate bytes held, kept up to date incrementally so this is O(1). */
    long memoryUsage();

    /** A deep copy with the same encoding (COPY). Every type must override this. */
    default TypedValue copy() {
        throw new UnsupportedOperationException("COPY is not supported for type " + typeName());
    }
}
