package io.cinnabar.keyspace;

import io.cinnabar.util.LatencyMonitor;
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
        public long evictedKeys;

        public void reset() {
            keyspaceHits = 0;
            keyspaceMisses = 0;
            expiredKeys = 0;
            expiredStalePerc = 0;
            expireCycleCpuMillis = 0;
            evictedKeys = 0;
        }
    }

    /** What used_memory counts besides the data: the server's own structures at startup. */
    public static final long STARTUP_MEMORY = 880_000;
    /** Redis's LFU_INIT_VAL: a new key starts with this counter so it is not evicted at once. */
    static final int LFU_INIT_VAL = 5;
    private static final int LRU_CLOCK_MAX = (1 << 24) - 1;

    public final Stats stats = new Stats();
    /** Keyspace notifications; commands announce through {@link Database#notify}. */
    public final KeyEvents events = new KeyEvents();
    /** Where expire-del, eviction-del and eviction-cycle events go (latency-monitor-threshold). */
    private final LatencyMonitor latency = new LatencyMonitor();
    private Database[] dbs;
    private KeyspaceListener[] listeners = new KeyspaceListener[0];
    private long wallMinusMonotonicNanos = wallNanos() - System.nanoTime();
    private long now = System.currentTimeMillis();
    private boolean frozenClock;
    boolean noTouch;
    private boolean expiresOnAccess = true;
    private long dirty;
    private boolean lfu;
    private long lfuLogFactor = 10;
    private long lfuDecayMinutes = 1;

    public Keyspace(int databases) {
        dbs = new Database[databases];
        for (int i = 0; i < databases; i++) {
            dbs[i] = new Database(i, this);
        }
    }

    public int count() {
        return dbs.length;
    }

    /** The server's latency monitor (LATENCY), which keyspace operations report their events to. */
    public LatencyMonitor latencyMonitor() {
        return latency;
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

    /**
     * Advances the command clock; called before each command. Returns the monotonic time it read
     * ({@link System#nanoTime()}), so the dispatcher times the command from it instead of reading
     * the clock again: a clock read is a sizeable part of a small pipelined command's cost.
     */
    public long tick() {
        return advanceTo(System.nanoTime());
    }

    /**
     * Sets the command clock from a monotonic time ({@link System#nanoTime()}) just read by the
     * caller, instead of reading the clock again; returns it.
     */
    public long advanceTo(long nanos) {
        if (!frozenClock) {
            now = Math.floorDiv(nanos + wallMinusMonotonicNanos, 1_000_000L);
        }
        return nanos;
    }

    /**
     * Re-reads the wall clock (the cron does, hz times a second): {@link #now()} is the monotonic
     * clock shifted onto the wall clock, so a step of the system clock shows within one cron tick.
     */
    public void calibrateClock() {
        wallMinusMonotonicNanos = wallNanos() - System.nanoTime();
    }

    private static long wallNanos() {
        java.time.Instant t = java.time.Clock.systemUTC().instant();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    /** Keeps {@link #now()} fixed until {@link #unfreezeClock()} (MULTI/EXEC and scripts). */
    public void freezeClock() {
        tick();
        frozenClock = true;
    }

    public void unfreezeClock() {
        frozenClock = false;
    }

    /** True while {@link #now()} is held fixed. */
    public boolean clockFrozen() {
        return frozenClock;
    }

    /** Holds {@link #now()} where it is, without a tick first (a busy script's time). */
    public void holdClock() {
        frozenClock = true;
    }

    /** Redis's LRU clock: seconds, in 24 bits. */
    public int lruClock() {
        return (int) ((now / 1000) & 0xFFFFFF);
    }

    /**
     * Under an LFU maxmemory policy a key's access clock holds Redis's LFU word instead of its
     * LRU time: 16 bits of minutes since the last decay and an 8-bit logarithmic counter.
     * Clocks already stored are not converted, as in Redis.
     */
    public void setAccessPolicy(boolean lfu, long logFactor, long decayMinutes) {
        this.lfu = lfu;
        this.lfuLogFactor = logFactor;
        this.lfuDecayMinutes = decayMinutes;
    }

    public boolean lfu() {
        return lfu;
    }

    /** The access clock of a key created now. */
    int newClock() {
        return lfu ? lfuMinutes() << 8 | LFU_INIT_VAL : lruClock();
    }

    /** The access clock of a key accessed now, given its clock before. */
    int touchedClock(int clock) {
        if (!lfu) {
            return lruClock();
        }
        long counter = lfuCounter(clock);
        if (counter < 255) {
            long base = Math.max(0, counter - LFU_INIT_VAL);
            double p = 1.0 / (base * lfuLogFactor + 1);
            if (java.util.concurrent.ThreadLocalRandom.current().nextDouble() < p) {
                counter++;
            }
        }
        return lfuMinutes() << 8 | (int) counter;
    }

    /**
     * Redis's objectSetLRUOrLFU for RESTORE: under LFU the clock for a FREQ, otherwise for an
     * IDLETIME in seconds; -1 when the option given does not apply to the policy (or none was).
     */
    public int restoredClock(long freq, long idleSeconds) {
        if (lfu) {
            return freq >= 0 ? lfuMinutes() << 8 | (int) freq : -1;
        }
        if (idleSeconds < 0) {
            return -1;
        }
        long clock = lruClock();
        // As Redis: the idle time scaled by the clock resolution in 64-bit arithmetic that may
        // wrap, one clock period added back when before the clock's start, and the low 24 bits
        // kept, which is all its object header holds
        long accessed = clock - idleSeconds * 1000 / 1000;
        if (accessed < 0) {
            accessed += LRU_CLOCK_MAX;
        }
        return (int) (accessed & 0xFFFFFF);
    }

    /** An LFU word's counter after the decay due since it was last touched (OBJECT FREQ). */
    public long lfuCounter(int clock) {
        int touched = (clock >>> 8) & 0xFFFF;
        long counter = clock & 0xFF;
        int minutes = lfuMinutes();
        int elapsed = minutes >= touched ? minutes - touched : 65535 - touched + minutes;
        long periods = lfuDecayMinutes > 0 ? elapsed / lfuDecayMinutes : 0;
        return periods > counter ? 0 : counter - periods;
    }

    private int lfuMinutes() {
        return (int) ((now / 1000 / 60) & 0xFFFF);
    }

    /** Seconds since an LRU access clock, across the 24-bit wrap (Redis's estimateObjectIdleTime). */
    public long idleSeconds(int clock) {
        int now = lruClock();
        return now >= clock ? now - clock : (LRU_CLOCK_MAX - clock) + now;
    }

    /** While set (CLIENT NO-TOUCH), reads do not refresh keys' access clocks. */
    public boolean noTouch() {
        return noTouch;
    }

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
        afterWrite(db, key, value, true);
    }

    /**
     * A removal by expiry or eviction is no change a command made: Redis neither counts it
     * towards the writes since the last save nor lets it make the command look like a write
     * (the deletion propagates as its own DEL instead).
     */
    void afterWrite(Database db, byte[] key, Object value, boolean countsAsChange) {
        if (countsAsChange) {
            dirty++;
        }
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

    /** Told of every key the server itself removes, so the removal reaches AOF and replicas. */
    public interface RemovalListener {
        void removed(Database db, byte[] key, boolean evicted);
    }

    private RemovalListener removals;

    public void setRemovalListener(RemovalListener removals) {
        this.removals = removals;
    }

    void keyRemoved(Database db, byte[] key, boolean evicted) {
        if (removals != null) {
            removals.removed(db, key, evicted);
        }
    }

    /** Counts a change no listener is told of (see {@link Database#modifiedQuietly}). */
    void countChange() {
        dirty++;
    }

    /** Corrects the count of changes (see {@link Database#countChanges}). */
    void countChanges(long delta) {
        dirty += delta;
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
        dirty++; // one change, as Redis counts it, however many keys move
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

    /** INFO used_memory, and what maxmemory is compared with. */
    public long usedMemory() {
        return STARTUP_MEMORY + memory();
    }

    public long totalKeys() {
        long total = 0;
        for (Database db : dbs) {
            total += db.size();
        }
        return total;
    }
}
