package io.cinnabar.server;

import io.netty.channel.DefaultEventLoop;
import java.util.concurrent.ThreadFactory;

/**
 * The data thread when io-threads > 1: the I/O threads hand it one task per read batch. A busy
 * script runs the batches already handed over, so other clients get their -BUSY replies.
 */
final class DataEventLoop extends DefaultEventLoop implements EventsWhileBlocked {
    DataEventLoop(ThreadFactory threadFactory) {
        super(threadFactory);
    }

    @Override
    public void processEventsWhileBlocked() {
        EventsWhileBlocked.runQueuedTasks(this::pollTask);
    }
}
