package io.cinnabar.keyspace;

import io.cinnabar.types.Values;
import io.cinnabar.util.LatencyMonitor;
import java.util.ArrayList;
import java.util.List;

/**
 * One numbered database: its keys, their expiry, and the running memory total. Every write goes
 * through {@link #set}, {@link #delete}, {@link #modified} or {@link #setExpire}, which announce
 * the key to the keyspace's listeners before and after the change; the few changes Redis makes
 * without signalling the key go through {@link #modifiedQuietly} or {@link #replaceQuietly},
 * which keep the memory total and announce nothing.
 *
 * <p>Changes since the last save (INFO rdb_changes_since_last_save, Redis's server.dirty, which
 * the save points and propagation read) are counted at the same choke point: each announced
 * write of a key ({@link #set}, {@link #delete}, {@link #modified}, {@link #setExpire},
 * {@link #modifiedQuietly}) counts one change, as most of Redis's single-key writes count one.
 * A command that Redis counts otherwise corrects the count with {@link #countChanges} once it
 * knows it: SADD that added three members counts two more, LMOVE that wrote two keys counts one
 * less. Expiry and eviction count nothing.
 */
public final class Database {
    /** Passed as the expiry to keep a key's current time to live. */
    public static final long KEEP_TTL = -1;
    /** What used_memory charges per key for its place in the table, besides the key and value. */
    public static final long ENTRY_OVERHEAD = 40;

    private final int id;
    private final Keyspace keyspace;
    private KeyTable table = new KeyTable();
    private long memory;
    private final List<byte[]> expiredScratch = new ArrayList<>();

    Database(int id, Keyspace keyspace) {
        this.id = id;
        this.keyspace = keyspace;
    }

    public int id() {
        return id;
    }

    public Keyspace keyspace() {
        return keyspace;
    }

    public int size() {
        return table.size();
    }

    public int volatileCount() {
        return table.volatileCount();
    }

    public long memory() {
        return memory;
    }

    KeyTable table() {
        return table;
    }

    // ---------------------------------------------------------------- reads

    /**
     * Looks a key up for reading: expires it if due, counts a hit or miss, refreshes its access
     * clock. Null when absent.
     */
    public Object get(byte[] key) {
        Object v = lookup(key);
        if (v == null) {
            keyspace.stats.keyspaceMisses++;
            keyspace.events.notify(KeyEvents.KEY_MISS, "keymiss", this, key);
        } else {
            keyspace.stats.keyspaceHits++;
        }
        return v;
    }

    /** Looks a key up without counting hits or misses (for writes and internal use). */
    public Object lookup(byte[] key) {
        if (!findLive(key)) {
            return null;
        }
        if (!keyspace.noTouch) {
            table.setClock(keyspace.touchedClock(table.clock()));
        }
        return table.value();
    }

    /** True if the key exists, without touching its access time. */
    public boolean exists(byte[] key) {
        return findLive(key);
    }

    /** True if the key is stored, even when its time to live has passed and it awaits removal. */
    public boolean holds(byte[] key) {
        return table.find(key);
    }

    /** Looks a key up without touching its access time; null when absent. */
    public Object peek(byte[] key) {
        return findLive(key) ? table.value() : null;
    }

    /**
     * The stored value even when its time to live has passed, without expiring it or touching
     * its access time (MEMORY USAGE, which looks a key up as Redis's dictFind does); null when
     * absent.
     */
    public Object peekStored(byte[] key) {
        return table.find(key) ? table.value() : null;
    }

    /** What used_memory is charged for a stored key (entry, key and value), or -1 when absent. */
    public long chargedSize(byte[] key) {
        return table.find(key) ? table.chargedSize() : -1;
    }

    /** The key's absolute expiry in unix ms, {@link KeyTable#NO_EXPIRE} if none, -2 if absent. */
    public long getExpire(byte[] key) {
        if (!findLive(key)) {
            return -2;
        }
        return table.expire();
    }

    /** Access clock of a live key (for OBJECT IDLETIME/FREQ), or -1 if absent. */
    public int clock(byte[] key) {
        return findLive(key) ? table.clock() : -1;
    }

    private boolean findLive(byte[] key) {
        if (!table.find(key)) {
            return false;
        }
        long when = table.expire();
        if (when != KeyTable.NO_EXPIRE && when <= keyspace.now() && keyspace.expiresOnAccess()) {
            expireFound(table.foundKey());
            return false;
        }
        return true;
    }

    private void expireFound(byte[] key) {
        LatencyMonitor latency = keyspace.latencyMonitor();
        if (latency.enabled()) {
            long start = System.nanoTime();
            removeAnnounced(key, false);
            latency.addElapsedIfNeeded("expire-del", start);
        } else {
            removeAnnounced(key, false);
        }
        keyspace.stats.expiredKeys++;
        keyspace.keyRemoved(this, key, false);
        keyspace.events.notify(KeyEvents.EXPIRED, "expired", this, key);
    }

    // ---------------------------------------------------------------- writes

    /** Stores a value, replacing any old one. {@code expire}: absolute ms, NO_EXPIRE, or KEEP_TTL. */
    public void set(byte[] key, Object value, long expire) {
        keyspace.beforeWrite(this, key);
        int size = charge(key, value);
        if (findLive(key)) {
            Object previous = table.value();
            if (previous instanceof byte[] && value instanceof byte[] && previous != value
                    && ((byte[]) previous).length == ((byte[]) value).length) {
                // Overwrite a same-size string in place: the new bytes then die young instead
                // of being copied by the next young collection (which is bound by memory
                // latency, one object at a time). Stored strings are never shared, and the
                // listeners above have seen the old value already.
                System.arraycopy((byte[]) value, 0, (byte[]) previous, 0, ((byte[]) value).length);
                value = previous;
            }
            memory += size - table.chargedSize();
            table.setValue(value);
            table.setChargedSize(size);
            table.setClock(keyspace.touchedClock(table.clock()));
            if (expire != KEEP_TTL) {
                table.setExpire(expire);
            }
        } else {
            memory += size;
            table.insert(key, value, expire == KEEP_TTL ? KeyTable.NO_EXPIRE : expire, keyspace.newClock(), size);
            keyspace.events.notify(KeyEvents.NEW, "new", this, key);
        }
        keyspace.afterWrite(this, key, value);
    }

    /**
     * Announces a keyspace event on a key of this database, with Redis's class flag and event
     * name (see docs/notifications.md). Call it after the change, in the order Redis does.
     */
    public void notify(int type, String event, byte[] key) {
        keyspace.events.notify(type, event, this, key);
    }

    /**
     * Looks a key up to change its value in place: announces the write before returning the
     * value. Pair with {@link #modified} once the change is made. Null when absent.
     */
    public Object lookupWrite(byte[] key) {
        if (!findLive(key)) {
            return null;
        }
        keyspace.beforeWrite(this, key);
        table.find(key);
        table.setClock(keyspace.touchedClock(table.clock()));
        return table.value();
    }

    /**
     * Announces an in-place change of a key that {@link #lookup} has just found live in this
     * command, for a command that first checks whether it will change anything (so a no-op does
     * not break WATCH): {@link #lookupWrite} would find the key and touch its clock once more.
     * Pair with {@link #modified} as {@link #lookupWrite} is.
     */
    public void beginWrite(byte[] key) {
        keyspace.beforeWrite(this, key);
    }

    /** Completes an in-place change begun with {@link #lookupWrite} or {@link #beginWrite}. */
    public void modified(byte[] key) {
        if (!table.find(key)) {
            return;
        }
        Object value = table.value();
        recharge(key, value);
        keyspace.afterWrite(this, key, value);
    }

    /**
     * Corrects the count of changes since the last save by {@code delta} changes beyond the one
     * counted per key written (see the class comment): the elements or fields a command changed
     * past the first, or, negative, the keys written past the one change Redis counts.
     */
    public void countChanges(long delta) {
        keyspace.countChanges(delta);
    }

    /**
     * Completes an in-place change that Redis makes without signalling the key: no WATCH breaks,
     * no tracking invalidation, no listener hears of it (consumer-group state changed by
     * XREADGROUP, XCLAIM, XACK, XGROUP, XSETID). The memory total follows the value and the
     * change counts towards the writes since the last save, as Redis counts it. Begin with
     * {@link #lookup} instead of {@link #lookupWrite}. A fork-less snapshot must hook this too.
     */
    public void modifiedQuietly(byte[] key) {
        if (!table.find(key)) {
            return;
        }
        recharge(key, table.value());
        keyspace.countChange();
    }

    /**
     * Stores another form of the same content under a live key without signalling it, as Redis's
     * dbOverwrite does for a re-encoding (an embstr HLL or bitmap made raw, a listpack sorted set
     * converted by SORT): expiry and access clock stay, memory follows, nothing is announced or
     * counted as a change. False if the key is absent.
     */
    public boolean replaceQuietly(byte[] key, Object value) {
        if (!findLive(key)) {
            return false;
        }
        table.setValue(value);
        recharge(key, value);
        return true;
    }

    /** Re-charges the entry last found to the size of {@code value}. */
    private void recharge(byte[] key, Object value) {
        int size = charge(key, value);
        memory += size - table.chargedSize();
        table.setChargedSize(size);
    }

    /** Sets a live key's access clock as RESTORE's IDLETIME or FREQ gives it; not a write. */
    public void setClock(byte[] key, int clock) {
        if (table.find(key)) {
            table.setClock(clock);
        }
    }

    /** Removes a key; false if it did not exist. */
    public boolean delete(byte[] key) {
        if (!findLive(key)) {
            return false;
        }
        removeAnnounced(key, true);
        return true;
    }

    /**
     * Removes a stored key, announcing the write before and after; {@code byCommand} false for
     * the server's own removals (expiry, eviction), which are no change of the command's.
     */
    private void removeAnnounced(byte[] key, boolean byCommand) {
        keyspace.beforeWrite(this, key);
        table.find(key);
        memory -= table.chargedSize();
        table.removeFound();
        keyspace.afterWrite(this, key, null, byCommand);
    }

    /**
     * Removes a key to bring memory under maxmemory (expired or not, as Redis's eviction finds
     * it): announced as a write, counted, with the "evicted" keyspace event. False if absent,
     * or with {@code volatileOnly} if it no longer has a time to live.
     */
    boolean evict(byte[] key, boolean volatileOnly) {
        if (!table.find(key) || (volatileOnly && table.expire() == KeyTable.NO_EXPIRE)) {
            return false;
        }
        removeAnnounced(key, false);
        keyspace.stats.evictedKeys++;
        keyspace.events.notify(KeyEvents.EVICTED, "evicted", this, key);
        keyspace.keyRemoved(this, key, true);
        return true;
    }

    /** Sets (or with NO_EXPIRE clears) the expiry of a live key; false if absent. */
    public boolean setExpire(byte[] key, long when) {
        if (!findLive(key)) {
            return false;
        }
        keyspace.beforeWrite(this, key);
        table.find(key);
        table.setExpire(when);
        keyspace.afterWrite(this, key, table.value());
        return true;
    }

    /** Removes every key. */
    public void clear() {
        keyspace.beforeFlush(this);
        table = new KeyTable();
        memory = 0;
    }

    /** Exchanges contents with another database (SWAPDB). */
    void swapWith(Database other) {
        KeyTable t = table;
        table = other.table;
        other.table = t;
        long m = memory;
        memory = other.memory;
        other.memory = m;
    }

    private static int charge(byte[] key, Object value) {
        long size = ENTRY_OVERHEAD + Values.byteArraySize(key.length) + Values.memoryUsage(value);
        return (int) Math.min(size, Integer.MAX_VALUE);
    }

    // ---------------------------------------------------------------- iteration and upkeep

    public void forEach(KeyTable.EntryVisitor visitor) {
        table.forEach(visitor);
    }

    void sample(int count, boolean volatileOnly, KeyTable.SampleVisitor visitor) {
        table.sample(count, volatileOnly, visitor);
    }

    public long scan(long cursor, KeyTable.EntryVisitor visitor) {
        return table.scan(cursor, visitor);
    }

    /**
     * A random live key, or null when empty. Expired keys drawn on the way are deleted, so on a
     * master this ends with a live key or an empty table. A replica keeps expired keys; when every
     * key is volatile it gives up after 100 draws and returns an expired one, as Redis does.
     */
    public byte[] randomKey() {
        int tries = 100;
        while (true) {
            byte[] key = table.randomKey();
            if (key == null) {
                return null;
            }
            table.find(key);
            if (!isExpired(table.expire())) {
                return key;
            }
            if (keyspace.expiresOnAccess()) {
                expireFound(key);
            } else if (table.volatileCount() == table.size() && --tries == 0) {
                return key;
            }
        }
    }

    /** True if the key's expiry has passed (it is still stored until expiry runs). */
    public boolean isExpired(long expire) {
        return expire != KeyTable.NO_EXPIRE && expire <= keyspace.now();
    }

    /**
     * Redis's slow expire cycle for this database: keeps deleting expired keys while the
     * sample is more than 10% stale and time is left, stopping after one full pass.
     */
    public void activeExpireCycle(long deadlineNanos) {
        if (table.volatileCount() == 0) {
            return;
        }
        final int step = 1024;
        int budget = table.size() + step;
        do {
            expiredScratch.clear();
            int seen = table.collectExpired(keyspace.now(), step, expiredScratch);
            int deleted = 0;
            for (byte[] key : expiredScratch) {
                if (table.find(key) && table.expire() != KeyTable.NO_EXPIRE && table.expire() <= keyspace.now()) {
                    expireFound(key);
                    deleted++;
                }
            }
            expiredScratch.clear();
            budget -= step;
            if (seen >= 20 && deleted * 10 < seen) {
                break;
            }
        } while (budget > 0 && table.volatileCount() > 0 && System.nanoTime() < deadlineNanos);
    }

    /**
     * Incremental upkeep from the cron: moves up to {@code rehashBuckets} buckets of a pending
     * resize, or starts a shrink when the table is mostly empty. True while a resize is pending.
     */
    public boolean cron(int rehashBuckets) {
        if (!table.rehash(rehashBuckets)) {
            table.maybeShrink();
        }
        return table.isRehashing();
    }
}
