package io.cinnabar.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.Arrays;

/**
 * Output for connections served by another event loop than the data thread (io-threads > 1),
 * gathered during one flush and handed to each loop as a single task. Handing each client's
 * buffer over by itself costs a task, a queue insertion and often a wake-up of the loop per
 * client per pass, which is what a PUBLISH to many subscribers mostly spent. A loop runs its
 * tasks in order, so a connection's output keeps its order across flushes.
 */
final class LoopHandoffs {
    /** One loop's share of a flush: channels with the buffer to write (null: only close). */
    private static final class Batch implements Runnable {
        final EventLoop loop;
        Channel[] channels = new Channel[16];
        ByteBuf[] buffers = new ByteBuf[16];
        boolean[] closeAfter = new boolean[16];
        int size;

        Batch(EventLoop loop) {
            this.loop = loop;
        }

        void add(Channel ch, ByteBuf out, boolean close) {
            if (size == channels.length) {
                channels = Arrays.copyOf(channels, size * 2);
                buffers = Arrays.copyOf(buffers, size * 2);
                closeAfter = Arrays.copyOf(closeAfter, size * 2);
            }
            channels[size] = ch;
            buffers[size] = out;
            closeAfter[size] = close;
            size++;
        }

        @Override
        public void run() {
            for (int i = 0; i < size; i++) {
                send(channels[i], buffers[i], closeAfter[i]);
            }
        }
    }

    private final ArrayList<Batch> pending = new ArrayList<>(4);

    /**
     * Writes {@code out} (null: nothing) to the channel and closes it after if asked: at once when
     * this thread is its loop, else in the loop's batch for this flush.
     */
    void write(Channel ch, ByteBuf out, boolean close) {
        EventLoop loop = ch.eventLoop();
        if (loop.inEventLoop()) {
            send(ch, out, close);
            return;
        }
        batchFor(loop).add(ch, out, close);
    }

    private Batch batchFor(EventLoop loop) {
        for (int i = 0; i < pending.size(); i++) { // as many as io-threads at most
            Batch b = pending.get(i);
            if (b.loop == loop) {
                return b;
            }
        }
        Batch b = new Batch(loop);
        pending.add(b);
        return b;
    }

    /** Hands this flush's batches to their loops. */
    void handOver() {
        for (int i = 0; i < pending.size(); i++) {
            Batch b = pending.get(i);
            b.loop.execute(b);
        }
        pending.clear();
    }

    private static void send(Channel ch, ByteBuf out, boolean close) {
        if (out == null) {
            ch.close();
        } else if (close) {
            ch.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
        } else {
            ch.writeAndFlush(out, ch.voidPromise());
        }
    }
}
