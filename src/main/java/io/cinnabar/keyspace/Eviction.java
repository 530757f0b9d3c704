package io.cinnabar.keyspace;

import io.cinnabar.util.LatencyMonitor;
import java.util.Locale;

/**
 * Keeps used memory under {@code maxmemory} as Redis's evict.c does: before a command runs, keys
 * chosen by {@code maxmemory-policy} are removed until memory fits. When nothing more can go,
 * {@link #performEvictions} says so and the dispatcher refuses commands that may grow memory,
 * while reads and deletes still run.
 *
 * <p>LRU, LFU and TTL policies keep Redis's pool of the 16 best candidates seen so far, refilled
 * with {@code maxmemory-samples} keys per database on each round; random policies take a random
 * key from the databases in turn.
 */
public final class Eviction {
    /** Redis's maxmemory policies, by their configuration names. */
    public enum Policy {
        VOLATILE_LRU, VOLATILE_LFU, VOLATILE_RANDOM, VOLATILE_TTL, ALLKEYS_LRU, ALLKEYS_LFU, ALLKEYS_RANDOM, NOEVICTION;

        public static Policy named(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
        }

        boolean volatileOnly() {
            return this == VOLATILE_LRU || this == VOLATILE_LFU || this == VOLATILE_RANDOM || this == VOLATILE_TTL;
        }

        public boolean lfu() {
            return this == VOLATILE_LFU || this == ALLKEYS_LFU;
        }

        boolean lru() {
            return this == VOLATILE_LRU || this == ALLKEYS_LRU;
        }

        boolean random() {
            return this == VOLATILE_RANDOM || this == ALLKEYS_RANDOM;
        }
    }

    private static final int POOL_SIZE = 16;

    private final Keyspace keyspace;
    private long maxmemory;
    private Policy policy = Policy.NOEVICTION;
    private int samples = 5;
    private long timeLimitNanos = 500_000;
    /** Set when eviction stopped at its time limit, or maxmemory was lowered: it goes on later. */
    private boolean pending;
    private Runnable continueLater = () -> { };

    // Candidates in ascending order of idleness: the best to evict is at the end.
    private final long[] poolIdle = new long[POOL_SIZE];
    private final byte[][] poolKey = new byte[POOL_SIZE][];
    private final int[] poolDb = new int[POOL_SIZE];
    private int sampledDb;
    private final KeyTable.SampleVisitor offerToPool = this::offer;
    private byte[] drawn;
    private final KeyTable.SampleVisitor keepDrawn = (key, clock, expire) -> drawn = key;
    /** Random policies visit the databases in turn, as Redis's next_db. */
    private int nextDb;

    /** Receives eviction-cycle (one run that had to evict) and eviction-del (one key) events. */
    private final LatencyMonitor latency;

    public Eviction(Keyspace keyspace) {
        this.keyspace = keyspace;
        this.latency = keyspace.latencyMonitor();
    }

    /**
     * Applies the maxmemory settings. {@code tenacity} is maxmemory-eviction-tenacity: how long
     * one call may evict before it leaves the rest to the cron.
     */
    public void configure(long maxmemory, Policy policy, long samples, long tenacity) {
        boolean lowered = maxmemory > 0 && (this.maxmemory == 0 || maxmemory < this.maxmemory);
        this.maxmemory = maxmemory;
        this.policy = policy;
        this.samples = (int) Math.max(1, Math.min(samples, 64));
        this.timeLimitNanos = timeLimitNanos(tenacity);
        if (lowered) {
            continueLater();
        }
    }

    /** Redis's evictionTimeLimitUs: linear up to tenacity 10, then growing 15% a step, unlimited at 100. */
    private static long timeLimitNanos(long tenacity) {
        if (tenacity <= 10) {
            return 50_000L * tenacity;
        }
        if (tenacity < 100) {
            return (long) (500_000L * Math.pow(1.15, tenacity - 10));
        }
        return Long.MAX_VALUE;
    }

    /**
     * How to run {@link #performEvictions} again soon, off the current command, when one call's
     * time budget did not free enough (Redis's evictionTimeProc).
     */
    public void onPending(Runnable continueLater) {
        this.continueLater = continueLater;
    }

    private void continueLater() {
        pending = true;
        continueLater.run();
    }

    public boolean enabled() {
        return maxmemory > 0;
    }

    public long maxmemory() {
        return maxmemory;
    }

    /**
     * Redis shares the integers 0..9999 between keys unless an LRU or LFU policy with a limit
     * needs an access clock per object (OBJECT REFCOUNT, DEBUG OBJECT show which).
     */
    public boolean sharesIntegers() {
        return !(maxmemory > 0 && (policy.lru() || policy.lfu()));
    }

    /** Redis's OOM state: maxmemory is set and used memory is past it. */
    public boolean overLimit() {
        return maxmemory > 0 && keyspace.usedMemory() > maxmemory;
    }

    /** True while eviction has more to do than one call allowed (the cron continues it). */
    public boolean pending() {
        return pending;
    }

    /**
     * Evicts until used memory fits maxmemory, or until this call's time budget is spent (then
     * {@link #pending} is set and the memory counts as fitting, as Redis's EVICT_RUNNING). False
     * when memory is over the limit and nothing can be evicted.
     */
    public boolean performEvictions() {
        if (keyspace.usedMemory() <= maxmemory) {
            pending = false;
            return true;
        }
        if (policy == Policy.NOEVICTION) {
            pending = false;
            return false;
        }
        long start = System.nanoTime();
        int evicted = 0;
        boolean fits = true;
        while (keyspace.usedMemory() > maxmemory) {
            if (!evictOne()) {
                fits = false;
                break;
            }
            if (++evicted % 16 == 0 && System.nanoTime() - start > timeLimitNanos) {
                continueLater();
                latency.addElapsedIfNeeded("eviction-cycle", start);
                return true;
            }
        }
        pending = false;
        latency.addElapsedIfNeeded("eviction-cycle", start);
        return fits;
    }

    /** Deletes one chosen key, timed as Redis's eviction-del event. */
    private boolean evict(Database db, byte[] key, boolean volatileOnly) {
        if (!latency.enabled()) {
            return db.evict(key, volatileOnly);
        }
        long start = System.nanoTime();
        boolean removed = db.evict(key, volatileOnly);
        if (removed) {
            latency.addElapsedIfNeeded("eviction-del", start);
        }
        return removed;
    }

    private boolean evictOne() {
        boolean volatileOnly = policy.volatileOnly();
        int dbs = keyspace.count();
        if (policy.random()) {
            for (int i = 0; i < dbs; i++) {
                nextDb = (nextDb + 1) % dbs;
                Database db = keyspace.db(nextDb);
                drawn = null;
                db.sample(1, volatileOnly, keepDrawn);
                if (drawn != null) {
                    byte[] key = drawn;
                    drawn = null;
                    return evict(db, key, volatileOnly);
                }
            }
            return false;
        }
        while (true) {
            long candidates = 0;
            for (int i = 0; i < dbs; i++) {
                Database db = keyspace.db(i);
                long keys = volatileOnly ? db.volatileCount() : db.size();
                if (keys > 0) {
                    sampledDb = i;
                    db.sample(samples, volatileOnly, offerToPool);
                    candidates += keys;
                }
            }
            if (candidates == 0) {
                return false;
            }
            // Take the best candidate; ones deleted since they were pooled are dropped on the way.
            for (int k = POOL_SIZE - 1; k >= 0; k--) {
                byte[] key = poolKey[k];
                if (key == null) {
                    continue;
                }
                poolKey[k] = null;
                if (evict(keyspace.db(poolDb[k]), key, volatileOnly)) {
                    return true;
                }
            }
        }
    }

    /** Scores a sampled key (higher = better to evict) and keeps it if it beats the pool's worst. */
    private void offer(byte[] key, int clock, long expire) {
        long idle;
        switch (policy) {
            case VOLATILE_TTL -> idle = Long.MAX_VALUE - expire;
            case VOLATILE_LFU, ALLKEYS_LFU -> idle = 255 - keyspace.lfuCounter(clock);
            default -> idle = keyspace.idleSeconds(clock) * 1000;
        }
        int k = 0;
        while (k < POOL_SIZE && poolKey[k] != null && poolIdle[k] < idle) {
            k++;
        }
        if (k == 0 && poolKey[POOL_SIZE - 1] != null) {
            return; // no better than the worst in a full pool
        }
        if (k < POOL_SIZE && poolKey[k] == null) {
            // an empty spot where it belongs
        } else if (poolKey[POOL_SIZE - 1] == null) {
            shift(k, k + 1, POOL_SIZE - k - 1); // room at the end: move the better ones right
        } else {
            k--; // full: drop the worst (first) and move the ones below k left
            shift(1, 0, k);
        }
        poolIdle[k] = idle;
        poolKey[k] = key;
        poolDb[k] = sampledDb;
    }

    private void shift(int from, int to, int count) {
        System.arraycopy(poolIdle, from, poolIdle, to, count);
        System.arraycopy(poolKey, from, poolKey, to, count);
        System.arraycopy(poolDb, from, poolDb, to, count);
    }

}
