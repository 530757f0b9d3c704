package io.cinnabar.server;

import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.SingleThreadIoEventLoop;
import java.util.concurrent.Executor;

/**
 * The io-threads 1 loop, which reads sockets and runs commands on one thread (Redis's classic
 * model). A busy script re-enters it: {@link #runIo} processes the sockets that are ready, which
 * is safe because a script never runs inside the loop's own I/O processing (the dispatcher hands
 * scripts to a task of this loop first), so the handler's ready-event array is not in use.
 */
final class InlineIoEventLoop extends SingleThreadIoEventLoop implements EventsWhileBlocked {
    /** While set, the I/O handler polls without waiting (it waits only when no task is pending). */
    private boolean pollingWhileBlocked;

    InlineIoEventLoop(IoEventLoopGroup parent, Executor executor, IoHandlerFactory factory) {
        super(parent, executor, factory);
    }

    @Override
    protected boolean hasTasks() {
        return pollingWhileBlocked || super.hasTasks();
    }

    @Override
    public void processEventsWhileBlocked() {
        pollingWhileBlocked = true;
        try {
            runIo();
        } finally {
            pollingWhileBlocked = false;
        }
        EventsWhileBlocked.runQueuedTasks(this::pollTask);
    }
}
