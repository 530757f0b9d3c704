package io.cinnabar.server;

import io.cinnabar.command.Dispatcher;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a connection's requests to the data thread: directly when this event loop is the data
 * thread (io-threads 1), else as one task per read batch. Replies go out once per pass of the data
 * thread over the batches handed to it, not once per batch.
 */
final class ClientHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ClientHandler.class);

    private final Server server;
    private Client client;
    private boolean sameThread;
    private List<Object> batch;

    ClientHandler(Server server) {
        this.server = server;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        client = server.newClient(ctx.channel());
        RespDecoder decoder = ctx.pipeline().get(RespDecoder.class);
        if (decoder != null) {
            io.netty.channel.Channel ch = ctx.channel();
            client.setAuthListener(authenticated -> ch.eventLoop().execute(() -> decoder.setAuthRequired(!authenticated)));
        }
        EventExecutor data = server.dataThread();
        sameThread = data.inEventLoop();
        if (sameThread) {
            server.register(client);
        } else {
            Client c = client;
            data.execute(() -> server.register(c));
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof List)) {
            return; // the decoder passes on only batches of requests; nothing else is ours to run
        }
        List<?> requests = (List<?>) msg; // one read's requests; the decoder reuses the list
        if (sameThread) {
            runBatch(requests);
            return;
        }
        if (batch == null) {
            batch = new ArrayList<>(requests);
        } else {
            batch.addAll(requests);
        }
    }

    private void runBatch(List<?> requests) {
        Dispatcher dispatcher = server.dispatcher();
        dispatcher.beginBatch();
        try {
            for (int i = 0, n = requests.size(); i < n; i++) {
                handle(requests.get(i));
            }
        } finally {
            dispatcher.endBatch();
        }
    }

    private void handle(Object msg) {
        if (msg instanceof byte[][]) {
            server.execute(client, (byte[][]) msg);
        } else if (msg == RespDecoder.QUERY_BUFFER_OVERFLOW) {
            if (!client.isClosed()) {
                server.closeClient(client);
            }
        } else if (msg instanceof RespDecoder.ProtocolError) {
            if (!client.isClosed() && !client.closeAfterReply()) {
                client.reply().error("ERR " + ((RespDecoder.ProtocolError) msg).message);
                server.closeClient(client);
            }
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (sameThread) {
            server.flushSoon();
            return;
        }
        List<Object> requests = batch;
        batch = null;
        if (requests != null) {
            server.dataThread().execute(() -> {
                runBatch(requests);
                // after the batches already handed over, so one flush serves them all
                server.flushSoon();
            });
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Client c = client;
        if (c != null) {
            if (sameThread) {
                server.unregister(c);
            } else {
                server.dataThread().execute(() -> server.unregister(c));
            }
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("Connection error: {}", cause.getMessage());
        } else {
            log.warn("Unexpected error on connection {}", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }
}
