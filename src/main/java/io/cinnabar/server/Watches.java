package io.cinnabar.server;

import io.cinnabar.keyspace.Database;
import io.cinnabar.keyspace.KeyspaceListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * WATCH: which clients watch which keys. A write to a watched key (from any client, by expiry,
 * or by FLUSHDB/FLUSHALL/SWAPDB of a database that holds it) marks every watching client's
 * transaction as failed; such a client needs no more watching until it EXECs, so its watches go.
 */
public final class Watches implements KeyspaceListener, Server.ClientListener {
    private final Server server;
    private final Map<DbKey, List<Client>> watchers = new HashMap<>();

    Watches(Server server) {
        this.server = server;
        server.keyspace().addListener(this);
        server.addClientListener(this);
    }

    /** Number of keys watched by at least one client. */
    public int watchedKeyCount() {
        return watchers.size();
    }

    public void watch(Client c, Database db, byte[] key) {
        // A key whose time to live has already passed is removed now, so that its removal is not
        // mistaken later for a change (Redis flags such a watch as "expired" to the same end).
        db.exists(key);
        DbKey k = new DbKey(db.id(), key);
        List<DbKey> mine = c.watchedKeys(true);
        if (mine.contains(k)) {
            return;
        }
        mine.add(k);
        watchers.computeIfAbsent(k, x -> new ArrayList<>(2)).add(c);
    }

    public void unwatchAll(Client c) {
        List<DbKey> mine = c.watchedKeys(false);
        if (mine == null) {
            return;
        }
        for (DbKey k : mine) {
            List<Client> list = watchers.get(k);
            if (list != null) {
                list.remove(c);
                if (list.isEmpty()) {
                    watchers.remove(k);
                }
            }
        }
        c.clearWatchedKeys();
    }

    /**
     * Before EXEC: a watched key whose time to live ran out since WATCH is expired now, which
     * counts as a change, as in Redis.
     */
    public void expireWatched(Client c) {
        List<DbKey> mine = c.watchedKeys(false);
        if (mine == null) {
            return;
        }
        for (DbKey k : new ArrayList<>(mine)) {
            if (c.dirtyCas()) {
                return;
            }
            server.keyspace().db(k.db).exists(k.key);
        }
    }

    private void touch(List<Client> clients) {
        for (Client c : new ArrayList<>(clients)) {
            c.setDirtyCas(true);
            unwatchAll(c);
        }
    }

    @Override
    public void beforeWrite(Database db, byte[] key) {
        if (watchers.isEmpty()) {
            return;
        }
        List<Client> clients = watchers.get(new DbKey(db.id(), key));
        if (clients != null) {
            touch(clients);
        }
    }

    @Override
    public void beforeFlush(Database db) {
        touchStored(db, db, null);
    }

    @Override
    public void beforeSwap(Database a, Database b) {
        touchStored(a, a, b);
        touchStored(b, b, a);
    }

    /** Touches the watched keys of {@code watchedIn} that {@code emptied} or {@code replacement} holds. */
    private void touchStored(Database watchedIn, Database emptied, Database replacement) {
        if (watchers.isEmpty()) {
            return;
        }
        List<List<Client>> touched = new ArrayList<>();
        for (Map.Entry<DbKey, List<Client>> e : watchers.entrySet()) {
            DbKey k = e.getKey();
            if (k.db == watchedIn.id() && (emptied.holds(k.key) || (replacement != null && replacement.holds(k.key)))) {
                touched.add(e.getValue());
            }
        }
        for (List<Client> clients : touched) {
            touch(clients);
        }
    }

    @Override
    public void clientClosed(Client c) {
        unwatchAll(c);
    }

    @Override
    public void clientReset(Client c) {
        c.setTransaction(null);
        unwatchAll(c);
        c.setDirtyCas(false);
    }
}
