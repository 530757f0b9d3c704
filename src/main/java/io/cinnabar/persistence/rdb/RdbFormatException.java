package io.cinnabar.persistence.rdb;

/** A serialized value that cannot be loaded: truncated, inconsistent, or of an unknown type. */
public final class RdbFormatException extends RuntimeException {
    public RdbFormatException(String message) {
        super(message, null, false, false);
    }
}
