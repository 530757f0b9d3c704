package io.cinnabar.server;

import io.cinnabar.config.Param;
import io.netty.channel.ChannelOutboundBuffer;

/**
 * {@code client-output-buffer-limit} for the normal and pubsub classes (there are no replicas):
 * a client whose unsent output reaches the hard limit, or stays at or above the soft limit for
 * longer than the soft seconds, is cut off (Redis's checkClientOutputBufferLimits). As in Redis,
 * a client is pubsub class while it holds a subscription and normal otherwise, MONITOR included.
 * Unsent output is what the client's reply buffer holds for this batch plus what Netty still
 * queues for its socket, so a reader that stops reading is caught however the bytes are split
 * between the two. Checked when output is added, never on a timer, as Redis does.
 */
public final class OutputLimits {
    /** One class's three numbers; 0 turns a limit off. */
    private static final class Limit {
        long hardBytes;
        long softBytes;
        long softSeconds;

        boolean disabled() {
            return hardBytes == 0 && softBytes == 0;
        }
    }

    private final Limit normal = new Limit();
    private final Limit pubsub = new Limit();

    /** Reads the classes out of the parameter's canonical "class hard soft seconds ..." text. */
    public void configure(Param limits) {
        String[] w = limits.get().split(" ");
        for (int i = 0; i + 3 < w.length; i += 4) {
            Limit target = w[i].equals("normal") ? normal : w[i].equals("pubsub") ? pubsub : null;
            if (target != null) {
                target.hardBytes = Long.parseLong(w[i + 1]);
                target.softBytes = Long.parseLong(w[i + 2]);
                target.softSeconds = Long.parseLong(w[i + 3]);
            }
        }
    }

    /** Bytes accepted for this client that its socket has not taken yet (CLIENT LIST omem). */
    public static long pendingBytes(Client c) {
        long pending = c.reply().mark();
        ChannelOutboundBuffer outbound = c.channel().unsafe().outboundBuffer();
        if (outbound != null) {
            pending += outbound.totalPendingWriteBytes();
        }
        return pending;
    }

    /** True when the client must be disconnected now; keeps the soft-limit clock on the client. */
    boolean exceeded(Client c) {
        Limit limit = c.inPubSubMode() ? pubsub : normal;
        if (limit.disabled() || c.isInternal()) { // as in Redis, a client without a socket is never cut off
            return false;
        }
        long used = pendingBytes(c);
        if (limit.hardBytes > 0 && used >= limit.hardBytes) {
            return true;
        }
        if (limit.softBytes > 0 && used >= limit.softBytes) {
            long now = System.currentTimeMillis();
            long since = c.outputSoftLimitSince();
            if (since == 0) {
                c.setOutputSoftLimitSince(now);
                return false;
            }
            return (now - since) / 1000 > limit.softSeconds;
        }
        c.setOutputSoftLimitSince(0);
        return false;
    }
}
