package io.cinnabar.server;

import io.cinnabar.protocol.ProtocolException;
import io.cinnabar.protocol.RespParser;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the bytes of a connection into requests (byte[][]) and, on malformed input, into one
 * {@link ProtocolError} after which the rest of the input is ignored.
 */
final class RespDecoder extends ByteToMessageDecoder {
    private static final Logger log = LoggerFactory.getLogger(RespDecoder.class);

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
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf) {
            server.stats().netInputBytes.add(((ByteBuf) msg).readableBytes());
        }
        super.channelRead(ctx, msg);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            parser.setMaxBulkLen(server.config().protoMaxBulkLen.value()); // CONFIG SET applies at once
            parser.parse(in, out);
        } catch (ProtocolException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            out.add(new ProtocolError(e.getMessage()));
            return;
        }
        if (in.readableBytes() > server.config().clientQueryBufferLimit.value()) {
            log.warn("Closing client that reached max query buffer length: {}", ctx.channel().remoteAddress());
            failed = true;
            in.skipBytes(in.readableBytes());
            ctx.close();
        }
    }
}
