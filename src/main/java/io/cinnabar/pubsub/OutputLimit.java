package io.cinnabar.pubsub;

import io.cinnabar.config.Param;
import io.cinnabar.server.Client;
import io.netty.channel.ChannelOutboundBuffer;

/**
 * The pubsub class of {@code client-output-buffer-limit}: a subscriber whose unsent output reaches
 * the hard limit, or stays at or above the soft limit for longer than the soft seconds, is cut off
 * (Redis's checkClientOutputBufferLimits). Unsent output is what the client's reply buffer holds
 * for this batch plus what Netty still queues for its socket, so a reader that stops reading is
 * caught however the bytes are split between the two.
 */
final class OutputLimit {
    private long hardBytes;
    private long softBytes;
    private long softSeconds;

    /** Reads the pubsub class out of the parameter's canonical "class hard soft seconds ..." text. */
    void configure(Param limits) {
        String[] w = limits.get().split(" ");
        for (int i = 0; i + 3 < w.length; i += 4) {
            if (w[i].equals("pubsub")) {
                hardBytes = Long.parseLong(w[i + 1]);
                softBytes = Long.parseLong(w[i + 2]);
                softSeconds = Long.parseLong(w[i + 3]);
            }
        }
    }

    boolean disabled() {
        return hardBytes == 0 && softBytes == 0;
    }

    /** Bytes accepted for this client that its socket has not taken yet. */
    static long pendingBytes(Client c) {
        long pending = c.reply().mark();
        ChannelOutboundBuffer outbound = c.channel().unsafe().outboundBuffer();
        if (outbound != null) {
            pending += outbound.totalPendingWriteBytes();
        }
        return pending;
    }

    /** True when the client must be disconnected now; keeps the soft-limit clock on the client. */
    boolean exceeded(Client c, long nowMillis) {
        long used = pendingBytes(c);
        if (hardBytes > 0 && used >= hardBytes) {
            return true;
        }
        if (softBytes > 0 && used >= softBytes) {
            long since = c.outputSoftLimitSince();
            if (since == 0) {
                c.setOutputSoftLimitSince(nowMillis);
                return false;
            }
            return (nowMillis - since) / 1000 > softSeconds;
        }
        c.setOutputSoftLimitSince(0);
        return false;
    }
}
