package io.cinnabar.server;

import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * An event loop that can serve clients from inside a long command running on it, as Redis's
 * processEventsWhileBlocked does for a busy script: it reads what clients sent and runs the
 * tasks handed to it, without waiting. Only the data thread calls it, and only from code that
 * is not itself inside the loop's I/O processing.
 */
public interface EventsWhileBlocked {
    /** Bounds one pass, so tasks that keep coming cannot keep the script from going on. */
    int MAX_TASKS_PER_PASS = 1024;

    /** Reads pending client input and runs pending tasks once, without blocking. */
    void processEventsWhileBlocked();

    /**
     * Runs the tasks already queued (read batches, new connections, closes), not the scheduled
     * ones: the cron and timeouts wait for the script, like Redis's time events.
     */
    static void runQueuedTasks(Supplier<Runnable> poll) {
        for (int i = 0; i < MAX_TASKS_PER_PASS; i++) {
            Runnable task = poll.get();
            if (task == null) {
                return;
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                LoggerFactory.getLogger(EventsWhileBlocked.class).warn("A task failed while a script was busy", e);
            }
        }
    }
}
