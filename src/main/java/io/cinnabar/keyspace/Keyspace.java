package io.cinnabar.keyspace;

import java.util.Arrays;

/** All databases, the command-time clock, and the listeners on the write choke point. */
public final class Keyspace {
    /** Counters that INFO stats reports. */
    public static final class Stats {
        public long keyspaceHits;
        public long keyspaceMisses;
        public long expiredKeys;
        public long expiredStalePerc;
        public long expireCycleCpuMillis;
    }

    public final Stats stats = new Stats();
    /** Keyspace notifications; commands announce through {@link Database#notify}. */
    public final KeyEvents events = new KeyEvents();
    private Database[] dbs;
    private KeyspaceListener[] listeners = new KeyspaceListener[0];
    private long now = System.currentTimeMillis();
    private boolean frozenClock;
    boolean noTouch;
    private boolean expiresOnAccess = true;
    private long dirty;

    public Keyspace(int databases) {
        dbs = new Database[databases];
        for (int i = 0; i < databases; i++) {
            dbs[i] = new Database(i, this);
        }
    }

    public int count() {
        return dbs.length;
    }

    public Database db(int index) {
        return dbs[index];
    }

    public void addListener(KeyspaceListener listener) {
        listeners = Arrays.copyOf(listeners, listeners.length + 1);
        listeners[listeners.length - 1] = listener;
    }

    // ---------------------------------------------------------------- time

    /** The time commands see: fixed for the duration of one command, as in Redis. */
    public long now() {
        return now;
    }

    /** Advances the command clock; called before each command. */
    public void tick() {
        if (!frozenClock) {
            now = System.currentTimeMillis();
        }
    }

    /** Keeps {@link #now()} fixed until {@link #unfreezeClock()} (MULTI/EXEC and scripts). */
    public void freezeClock() {
        tick();
        frozenClock = true;
    }

    public void unfreezeClock() {
        frozenClock = false;
    }

    /** Redis's LRU clock: seconds, in 24 bits. */
    public int lruClock() {
        return (int) ((now / 1000) & 0xFFFFFF);
    }

    /** While set (CLIENT NO-TOUCH), reads do not refresh keys' access clocks. */
    public void setNoTouch(boolean noTouch) {
        this.noTouch = noTouch;
    }

    /** Replicas keep expired keys until the master deletes them; masters expire on access. */
    public void setExpiresOnAccess(boolean expiresOnAccess) {
        this.expiresOnAccess = expiresOnAccess;
    }

    boolean expiresOnAccess() {
        return expiresOnAccess;
    }

    // ---------------------------------------------------------------- the write choke point

    void beforeWrite(Database db, byte[] key) {
        for (KeyspaceListener l : listeners) {
            l.beforeWrite(db, key);
        }
    }

    void afterWrite(Database db, byte[] key, Object value) {
        dirty++;
        for (KeyspaceListener l : listeners) {
            l.afterWrite(db, key, value);
        }
    }

    void beforeFlush(Database db) {
        for (KeyspaceListener l : listeners) {
            l.beforeFlush(db);
        }
        dirty += db.size();
    }

    void keyExpired(Database db, byte[] key) {
        // propagation of the implied DEL attaches here with replication and AOF
    }

    /** Counts a change no listener is told of (see {@link Database#modifiedQuietly}). */
    void countChange() {
        dirty++;
    }

    /** Writes since the last save (INFO rdb_changes_since_last_save). */
    public long dirty() {
        return dirty;
    }

    public void resetDirty() {
        dirty = 0;
    }

    // ---------------------------------------------------------------- whole-keyspace operations

    public void swap(int a, int b) {
        for (KeyspaceListener l : listeners) {
            l.beforeSwap(dbs[a], dbs[b]);
        }
        dirty += dbs[a].size() + dbs[b].size();
        dbs[a].swapWith(dbs[b]);
    }

    public void flushAll() {
        for (Database db : dbs) {
            db.clear();
        }
    }

    public long memory() {
        long total = 0;
        for (Database db : dbs) {
            total += db.memory();
        }
        return total;
    }

    public long totalKeys() {
        long total = 0;
        for (Database db : dbs) {
            total += db.size();
        }
        return total;
    }
}
