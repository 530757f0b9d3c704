package io.cinnabar.command;

/**
 * Thrown by a handler (usually while parsing arguments, before any reply) to answer with an
 * error. The message carries the error code, e.g. "ERR syntax error".
 */
public final class CommandError extends RuntimeException {
    public static final String SYNTAX = "ERR syntax error";
    public static final String NOT_INTEGER = "ERR value is not an integer or out of range";
    public static final String NOT_FLOAT = "ERR value is not a valid float";
    public static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
    public static final String NO_SUCH_KEY = "ERR no such key";
    public static final String DB_INDEX_OUT_OF_RANGE = "ERR DB index is out of range";

    public CommandError(String message) {
        super(message, null, false, false);
    }

    public static CommandError syntax() {
        return new CommandError(SYNTAX);
    }

    public static CommandError wrongType() {
        return new CommandError(WRONGTYPE);
    }
}
