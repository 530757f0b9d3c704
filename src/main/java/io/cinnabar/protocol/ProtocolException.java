package io.cinnabar.protocol;

/** Malformed client input; the message is Redis's text without the "ERR " prefix. */
public final class ProtocolException extends Exception {
    public ProtocolException(String message) {
        super(message, null, false, false);
    }
}
