package io.cinnabar.server;

import io.cinnabar.protocol.ReplyWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.UnixChannel;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a client's pending replies straight to its socket, from one scratch buffer the data
 * thread reuses, when nothing of the connection is queued in Netty. A profile of pipelined GETs
 * spent more time in Netty's write path (a pooled buffer per flush, the outbound queue's entry,
 * the pipeline walk, the release) than in running the commands. Only what the socket does not
 * take at once goes through Netty, which then waits for the socket to drain; a connection with
 * output queued there keeps using Netty until the queue empties, so output stays in order.
 */
final class SocketWriter {
    private static final Logger log = LoggerFactory.getLogger(SocketWriter.class);
    static final int SCRATCH_BYTES = 64 * 1024;

    /** Written by address: Socket.send(ByteBuffer) asks JNI for the address on every call. */
    private final ByteBuf scratch = Unpooled.directBuffer(SCRATCH_BYTES, SCRATCH_BYTES);
    private final boolean usable = scratch.hasMemoryAddress();
    private final ServerStats stats;

    SocketWriter(ServerStats stats) {
        this.stats = stats;
    }

    /**
     * Sends the client's pending output if this thread is its channel's loop and the channel can
     * be written directly; false leaves the output untouched for the Netty path.
     */
    boolean trySend(Client c) {
        ReplyWriter reply = c.reply();
        int n = reply.mark(); // all of it is pending: each flush takes or drains the whole output
        if (n == 0 || n > SCRATCH_BYTES || !usable) {
            return false;
        }
        Channel ch = c.channel();
        if (!(ch instanceof UnixChannel) || !ch.eventLoop().inEventLoop() || !ch.isActive()) {
            return false;
        }
        FileDescriptor fd = ((UnixChannel) ch).fd();
        ChannelOutboundBuffer queued = ch.unsafe().outboundBuffer();
        if (queued == null || !queued.isEmpty() || queued.totalPendingWriteBytes() != 0) {
            return false;
        }
        scratch.clear();
        reply.drainTo(scratch);
        stats.netOutputBytes.add(n);
        stats.writesProcessed.increment();
        int written;
        try {
            written = fd.writeAddress(scratch.memoryAddress(), 0, n);
        } catch (IOException e) {
            log.debug("Connection error: {}", e.getMessage());
            ch.close();
            return true;
        }
        if (written < n) {
            ByteBuf rest = ch.alloc().ioBuffer(n - written);
            rest.writeBytes(scratch, written, n - written);
            ch.writeAndFlush(rest, ch.voidPromise());
        }
        return true;
    }
}
