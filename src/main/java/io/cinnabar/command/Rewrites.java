package io.cinnabar.command;

import java.nio.charset.StandardCharsets;

/**
 * The words of the commands Redis propagates in place of the ones it ran (its shared.* objects),
 * and the common rewrites, so a handler's rewrite stays one line. Each rewrite does nothing when
 * no sink listens.
 */
public final class Rewrites {
    public static final byte[] SET = ascii("SET");
    public static final byte[] PXAT = ascii("PXAT");
    public static final byte[] KEEPTTL = ascii("KEEPTTL");
    public static final byte[] DEL = ascii("DEL");
    public static final byte[] UNLINK = ascii("UNLINK");
    public static final byte[] ABSTTL = ascii("ABSTTL");
    public static final byte[] PEXPIREAT = ascii("PEXPIREAT");
    public static final byte[] PERSIST = ascii("PERSIST");
    public static final byte[] LPOP = ascii("LPOP");
    public static final byte[] RPOP = ascii("RPOP");
    public static final byte[] LMOVE = ascii("LMOVE");
    public static final byte[] RPOPLPUSH = ascii("RPOPLPUSH");
    public static final byte[] LEFT = ascii("left");
    public static final byte[] RIGHT = ascii("right");
    public static final byte[] ZPOPMIN = ascii("ZPOPMIN");
    public static final byte[] ZPOPMAX = ascii("ZPOPMAX");
    public static final byte[] SREM = ascii("SREM");
    public static final byte[] HSET = ascii("HSET");

    private Rewrites() {}

    /** A key deleted by an expiry already past: DEL or UNLINK as lazyfree-lazy-expire says. */
    public static void asExpiredDeletion(CommandContext ctx, byte[] key) {
        if (ctx.propagating()) {
            ctx.propagateAs(ctx.server.propagation().expireDeletion(), key);
        }
    }

    /** An expiry set on a key: {@code PEXPIREAT key <unix-ms>}. */
    public static void asPexpireat(CommandContext ctx, byte[] key, long when) {
        if (ctx.propagating()) {
            ctx.propagateAs(PEXPIREAT, key, decimal(when));
        }
    }

    /** The decimal text of a number, as Redis prints an integer argument. */
    public static byte[] decimal(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    /** A command word or option as the bytes it is propagated as. */
    public static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
