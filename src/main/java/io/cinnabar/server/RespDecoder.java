package io.cinnabar.server;

import io.cinnabar.protocol.ProtocolException;
import io.cinnabar.protocol.RespParser;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the bytes of a connection into requests (byte[][]) and, on malformed input, into one
 * {@link ProtocolError} after which the rest of the input is ignored. Every request of one read
 * goes down the pipeline as one List, not as one event each: the handler runs or hands over the
 * whole batch at once. The list is reused for the next read, so the handler must not keep it.
 */
final class RespDecoder extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(RespDecoder.class);

    /** Ends a batch whose read took the query buffer over client-query-buffer-limit. */
    static final Object QUERY_BUFFER_OVERFLOW = new Object();

    /** Emitted once when the input cannot be parsed; the connection closes after replying. */
    static final class ProtocolError {
        final String message;

        ProtocolError(String message) {
            this.message = message;
        }
    }

    private final Server server;
    private final RespParser parser = new RespParser();
    private boolean failed;
    private List<Object> requests = new ArrayList<>();

    RespDecoder(Server server) {
        this.server = server;
        parser.setMaxBulkLen(server.config().protoMaxBulkLen.value());
        parser.setAuthRequired(!server.config().requirepass.value().isEmpty());
    }

    /** Lifts the stricter limits for unauthenticated clients once a client has authenticated. */
    void authenticated() {
        parser.setAuthRequired(false);
    }

    /** Applies the unauthenticated limits again (RESET with requirepass set) or lifts them. */
    void setAuthRequired(boolean required) {
        parser.setAuthRequired(required);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf in = (ByteBuf) msg;
        // taken out while handlers run, so a re-entered read could never add to the batch being run
        List<Object> batch = requests != null ? requests : new ArrayList<>();
        requests = null;
        try {
            server.stats().netInputBytes.add(in.readableBytes());
            server.stats().readsProcessed.increment();
            if (!failed) {
                decode(ctx, in, batch);
            }
        } finally {
            in.release();
        }
        try {
            if (!batch.isEmpty()) {
                ctx.fireChannelRead(batch);
            }
        } finally {
            batch.clear();
            requests = batch;
        }
    }

    private void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        try {
            parser.setMaxBulkLen(server.config().protoMaxBulkLen.value()); // CONFIG SET applies at once
            parser.parse(in, out);
        } catch (ProtocolException e) {
            failed = true;
            out.add(new ProtocolError(e.getMessage()));
            return;
        }
        if (parser.bufferedBytes() > server.config().clientQueryBufferLimit.value()) {
            log.warn("Closing client that reached max query buffer length: {}", ctx.channel().remoteAddress());
            failed = true;
            // As Redis: nothing of the read that went over the limit runs, but replies to earlier
            // reads still go out before the close (Redis wrote them between its smaller reads).
            out.clear();
            out.add(QUERY_BUFFER_OVERFLOW);
        }
    }
}
