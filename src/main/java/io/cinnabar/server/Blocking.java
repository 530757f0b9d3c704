package io.cinnabar.server;

import io.cinnabar.command.CommandSpec;
import io.cinnabar.keyspace.Database;
import io.cinnabar.keyspace.KeyspaceListener;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Clients that wait on keys and/or a timeout (BLPOP, BLMOVE, XREAD BLOCK, WAIT, ...).
 *
 * <p>A command that finds nothing to serve calls {@link #block}; its client stops executing
 * requests (later ones queue) until it is served, times out, is unblocked by CLIENT UNBLOCK,
 * or disconnects. Any write to a key that clients wait on (seen at the keyspace's write choke
 * point) marks the key ready; after the current command, the clients waiting on each ready key
 * re-run their command in the order they blocked, so the first to block is the first served.
 * A client whose command still finds nothing stays blocked in its place.
 */
public final class Blocking implements KeyspaceListener {
    /** What a command does when its wait ends without being served. */
    public interface TimeoutReply {
        void reply(Client client);
    }

    /** One client's wait. */
    static final class Wait {
        final Client client;
        final Database db;
        final List<DbKey> keys;
        final CommandSpec spec;
        final byte[][] argv;
        final TimeoutReply onTimeout;
        /** What the command resolved when it blocked and needs again when re-run (XREAD's $). */
        final Object state;
        ScheduledFuture<?> timer;

        Wait(Client client, Database db, List<DbKey> keys, CommandSpec spec, byte[][] argv, TimeoutReply onTimeout, Object state) {
            this.client = client;
            this.db = db;
            this.keys = keys;
            this.spec = spec;
            this.argv = argv;
            this.onTimeout = onTimeout;
            this.state = state;
        }
    }

    private final Server server;
    private final Map<DbKey, ArrayDeque<Wait>> waitersByKey = new HashMap<>();
    private final LinkedHashSet<DbKey> readyKeys = new LinkedHashSet<>();
    private int blockedCount;
    private Wait rerunning;
    private byte[] servingKey;
    private boolean rerunBlockedAgain;

    Blocking(Server server) {
        this.server = server;
        server.keyspace().addListener(this);
        server.addClientListener(c -> {
            if (c.blockedOn instanceof Wait) {
                remove((Wait) c.blockedOn);
            }
        });
    }

    /** Clients currently waiting here (INFO blocked_clients). */
    public int blockedCount() {
        return blockedCount;
    }

    /**
     * While a waiting client's command is re-run: the ready key it is being served for (Redis
     * serves a waiter from that key only), else null.
     */
    public byte[] servingKey(Client c) {
        return rerunning != null && rerunning.client == c ? servingKey : null;
    }

    /**
     * While a waiting client's command is re-run: the state it gave {@link #block} (null if
     * none), so it need not write what it resolved into the arguments the client sent.
     */
    public Object waitState(Client c) {
        return rerunning != null && rerunning.client == c ? rerunning.state : null;
    }

    /**
     * True while a waiting client's command is re-run and has been served (it did not block
     * again): Redis's updateStatsOnUnblock moment, which LATENCY's statistics follow.
     */
    public boolean isBeingServed(Client c) {
        return rerunning != null && rerunning.client == c && !rerunBlockedAgain;
    }

    /** True if the client waits here (not merely paused). */
    public boolean isBlocked(Client c) {
        return c.blockedOn instanceof Wait;
    }

    /**
     * Blocks the client of the running command on {@code keys} (may be empty) until served or
     * until {@code timeoutMillis} (absolute unix ms; 0 = forever) passes, when {@code onTimeout}
     * writes the reply. The command writes nothing itself when it blocks.
     */
    public void block(Client client, Database db, byte[][] keys, long timeoutMillis, TimeoutReply onTimeout) {
        block(client, db, keys, timeoutMillis, onTimeout, null);
    }

    /** {@link #block} keeping {@code state} for the re-runs ({@link #waitState}). */
    public void block(Client client, Database db, byte[][] keys, long timeoutMillis, TimeoutReply onTimeout, Object state) {
        if (client.inExec()) {
            onTimeout.reply(client); // inside EXEC (and scripts) a blocking command answers at once, as Redis
            return;
        }
        if (rerunning != null && rerunning.client == client) {
            rerunBlockedAgain = true; // still nothing to serve: keep the original place in line
            return;
        }
        List<DbKey> list = new ArrayList<>(keys.length);
        for (byte[] k : keys) {
            DbKey key = new DbKey(db.id(), k);
            if (!list.contains(key)) {
                list.add(key);
            }
        }
        byte[][] argv = client.context().argv().clone();
        Wait w = new Wait(client, db, list, client.context().spec(), argv, onTimeout, state);
        for (DbKey k : list) {
            waitersByKey.computeIfAbsent(k, x -> new ArrayDeque<>()).add(w);
        }
        if (timeoutMillis > 0) {
            long delay = Math.max(0, timeoutMillis - System.currentTimeMillis());
            w.timer = server.dataThread().schedule(() -> server.whenNotBusy(() -> timeout(w)), delay, TimeUnit.MILLISECONDS);
        }
        blockedCount++;
        server.block(client, w);
    }

    private void timeout(Wait w) {
        if (w.client.blockedOn != w) {
            return;
        }
        remove(w);
        w.onTimeout.reply(w.client);
        server.dispatcher().countUnblocked(w.spec, false);
        server.resume(w.client);
        server.flushPending();
    }

    /**
     * CLIENT UNBLOCK: ends a wait early with the timeout reply or with an UNBLOCKED error.
     * Returns false if the client was not blocked here.
     */
    public boolean unblock(Client c, boolean withError) {
        if (!(c.blockedOn instanceof Wait)) {
            return false;
        }
        Wait w = (Wait) c.blockedOn;
        remove(w);
        if (withError) {
            c.reply().error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
        } else {
            w.onTimeout.reply(c);
        }
        server.dispatcher().countUnblocked(w.spec, withError);
        if (withError) {
            // Redis 7.0 counts this failure twice: when the UNBLOCKED error is written outside a
            // command, and again when the unblock updates the command's stats.
            w.spec.failedCalls++;
        }
        server.resume(c);
        return true;
    }

    private void remove(Wait w) {
        if (w.timer != null) {
            w.timer.cancel(false);
        }
        for (DbKey k : w.keys) {
            ArrayDeque<Wait> q = waitersByKey.get(k);
            if (q != null) {
                q.remove(w);
                if (q.isEmpty()) {
                    waitersByKey.remove(k);
                }
            }
        }
        blockedCount--;
        w.client.blockedOn = null;
    }

    // ---------------------------------------------------------------- readiness

    @Override
    public void afterWrite(Database db, byte[] key, Object value) {
        if (value != null) {
            signalReady(db, key);
        }
    }

    /**
     * Re-runs the clients blocked on a key after a change made without signalling it (Redis's
     * signalKeyAsReady alone: XGROUP DESTROY wakes its readers to answer NOGROUP).
     */
    public void signalReady(Database db, byte[] key) {
        if (blockedCount == 0) {
            return;
        }
        DbKey k = new DbKey(db.id(), key);
        if (waitersByKey.containsKey(k)) {
            readyKeys.add(k);
        }
    }

    public boolean hasReadyKeys() {
        return !readyKeys.isEmpty();
    }

    /**
     * Serves clients waiting on keys that became ready, first-blocked first. Serving one may
     * make other keys ready (BLMOVE pushes), which are served in the same call.
     */
    public void serveReadyKeys() {
        while (!readyKeys.isEmpty()) {
            Iterator<DbKey> it = readyKeys.iterator();
            DbKey key = it.next();
            it.remove();
            ArrayDeque<Wait> queue = waitersByKey.get(key);
            if (queue == null) {
                continue;
            }
            servingKey = key.key;
            for (Wait w : new ArrayList<>(queue)) {
                if (w.client.blockedOn != w) {
                    continue;
                }
                rerun(w);
            }
        }
    }

    /** Re-runs a waiting client's command; true if it was served (and is now unblocked). */
    private boolean rerun(Wait w) {
        Client c = w.client;
        rerunning = w;
        rerunBlockedAgain = false;
        int mark = c.reply().mark();
        long errorsBefore = c.errorCount();
        try {
            server.dispatcher().serveBlocked(c, w.spec, w.argv);
        } finally {
            rerunning = null;
        }
        if (rerunBlockedAgain) {
            c.reply().truncate(mark);
            return false;
        }
        server.dispatcher().countUnblocked(w.spec, c.errorCount() != errorsBefore);
        remove(w);
        server.resume(c);
        return true;
    }
}
