package io.cinnabar.server;

import io.cinnabar.command.CommandFlag;
import io.cinnabar.command.CommandSpec;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * CLIENT PAUSE: while a pause is in effect, a command it covers is postponed (the client is
 * blocked with the command at the head of its queue) and runs when the pause ends, by CLIENT
 * UNPAUSE or by its timeout on the data thread's scheduler. As in Redis 7.0 a pause can only grow:
 * a new pause keeps the stricter mode and the later end. Data thread only.
 */
public final class ClientPause {
    /** What a pause holds back: nothing, commands that may write or replicate, or everything. */
    public enum Mode { OFF, WRITE, ALL }

    /** The {@link Client#blockedOn()} marker of a postponed client. */
    public static final Object POSTPONED = new Object() {
        @Override
        public String toString() {
            return "client-pause";
        }
    };

    private final Server server;
    private final ArrayDeque<Client> postponed = new ArrayDeque<>();
    private Mode mode = Mode.OFF;
    private long endMillis;
    private ScheduledFuture<?> timer;
    private Predicate<Client> execMayWrite = c -> false;

    ClientPause(Server server) {
        this.server = server;
        server.addClientListener(postponed::remove);
    }

    /** Lets the MULTI module say whether a client's EXEC would run writes (paused in WRITE mode). */
    public void setExecMayWrite(Predicate<Client> check) {
        this.execMayWrite = check;
    }

    public Mode mode() {
        return mode;
    }

    public long endMillis() {
        return endMillis;
    }

    /** Starts or extends a pause until {@code endMillis} (wall clock). */
    public void pause(long endMillis, Mode newMode) {
        if (newMode.ordinal() > mode.ordinal()) {
            mode = newMode;
        }
        if (endMillis > this.endMillis) {
            this.endMillis = endMillis;
        }
        armTimer();
    }

    /** Ends the pause now; postponed clients run once the current batch is done. */
    public void unpause() {
        mode = Mode.OFF;
        endMillis = 0;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        if (!postponed.isEmpty()) {
            server.dataThread().execute(() -> server.whenNotBusy(this::resumeAll));
        }
    }

    private void armTimer() {
        if (timer != null && !timer.isDone()) {
            return; // it fires no later than the old end and re-arms for the rest
        }
        long delay = Math.max(0, endMillis - System.currentTimeMillis());
        timer = server.dataThread().schedule(() -> server.whenNotBusy(this::onTimer), delay, TimeUnit.MILLISECONDS);
    }

    private void onTimer() {
        timer = null;
        if (mode == Mode.OFF) {
            return;
        }
        if (System.currentTimeMillis() >= endMillis) {
            unpause();
        } else {
            armTimer();
        }
    }

    /** True if this command must wait for the pause to end (replicas are never paused). */
    public boolean shouldPostpone(Client c, CommandSpec spec) {
        Mode m = mode;
        if (m == Mode.OFF || System.currentTimeMillis() >= endMillis) {
            return false;
        }
        if (m == Mode.ALL) {
            return true;
        }
        return spec.has(CommandFlag.WRITE) || spec.has(CommandFlag.MAY_REPLICATE)
                || (spec.name.equals("exec") && execMayWrite.test(c));
    }

    /** Holds a request back: it goes first in the client's queue, and the client blocks. */
    public void postpone(Client c, byte[][] argv) {
        c.queued.addFirst(argv);
        if (c.skippingCurrent()) {
            c.armSkip(); // CLIENT REPLY SKIP still applies to the command when it really runs
        }
        server.block(c, POSTPONED);
        postponed.add(c);
    }

    /** Number of clients waiting for the pause to end. */
    public int postponedCount() {
        return postponed.size();
    }

    private void resumeAll() {
        if (mode != Mode.OFF && System.currentTimeMillis() < endMillis) {
            return; // a new pause began before we got here; its timer resumes them
        }
        List<Client> waiting = new ArrayList<>(postponed);
        postponed.clear();
        for (Client c : waiting) {
            if (!c.isClosed() && c.blockedOn() == POSTPONED) {
                server.resume(c);
            }
        }
        server.flushPending();
    }
}
