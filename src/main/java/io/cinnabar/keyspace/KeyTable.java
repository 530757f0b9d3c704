package io.cinnabar.keyspace;

import io.cinnabar.util.ByteHash;
import io.cinnabar.util.ScanCursor;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The main dictionary of one database: byte[] keys to values, with an expiry time and an access
 * clock per key kept in parallel arrays (no object per entry).
 *
 * <p>Each table is a power-of-two bucket array whose chains link entry slots by index. Growing or
 * shrinking allocates a second table and moves buckets over a few at a time on later operations
 * (and on the server's cron), as Redis's dict does, so no resize stops the world. While two
 * tables exist, new keys go to the second one and lookups consult both.
 *
 * <p>SCAN uses Redis's reverse-binary cursor, which keeps the guarantee that a full iteration
 * returns every key present from its start to its end, across resizes.
 */
public final class KeyTable {
    public static final long NO_EXPIRE = 0;
    private static final int MIN_SIZE = 4;
    private static final int REHASH_STEP_BUCKETS = 1;
    private static final int REHASH_EMPTY_VISITS = 10;

    /** One bucket array with its entry slots. */
    private static final class Table {
        final int mask;
        // Chain head per bucket: (hash << 32) | (entry index + 1), 0 = empty. Keeping the head's
        // hash beside its index lets most lookups touch one bucket word, then the key.
        final long[] buckets;
        // The chain head's key per bucket, loaded in parallel with its bucket word so the key
        // compare does not wait for the slot's kv load first (memory latency dominates lookups).
        final byte[][] headKeys;
        // Entry slots: as many as buckets to start with, grown if a table must hold more entries
        // than buckets (a rehash target that fills up before the old table has drained).
        // Slot i's key and value sit side by side at kv[2i], kv[2i+1] (key null = free slot), and
        // its chain link, hash, access clock and charged size at meta[4i..4i+3], so a lookup
        // touches one cache line of each instead of one per attribute.
        Object[] kv;
        int[] meta;
        // absolute unix ms, NO_EXPIRE = persistent; null until the table holds a key with a TTL,
        // so data sets without expiry pay nothing for it
        long[] expires;
        int used;
        int top;                 // slots [0, top) have been handed out at least once
        int free;                // head of the free list, index + 1, 0 = empty

        Table(int size) {
            mask = size - 1;
            buckets = new long[size];
            headKeys = new byte[size][];
            kv = new Object[2 * size];
            meta = new int[4 * size];
        }

        /** Number of entry slots allocated. */
        int slots() {
            return kv.length >> 1;
        }

        byte[] key(int slot) {
            return (byte[]) kv[2 * slot];
        }

        /** Number of buckets: the load factor is used / buckets. */
        int buckets() {
            return buckets.length;
        }

        int allocate() {
            if (free != 0) {
                int slot = free - 1;
                free = meta[4 * slot];
                return slot;
            }
            if (top == slots()) {
                growSlots();
            }
            return top++;
        }

        private void growSlots() {
            int n = slots() * 2;
            kv = Arrays.copyOf(kv, 2 * n);
            meta = Arrays.copyOf(meta, 4 * n);
            if (expires != null) {
                expires = Arrays.copyOf(expires, n);
            }
        }

        void release(int slot) {
            kv[2 * slot] = null;
            kv[2 * slot + 1] = null;
            if (expires != null) {
                expires[slot] = NO_EXPIRE;
            }
            meta[4 * slot] = free;
            free = slot + 1;
        }

        int find(byte[] key, int hash) {
            int b = hash & mask;
            long head = buckets[b];
            byte[] headKey = headKeys[b];
            int e = (int) head;
            if (e == 0) {
                return -1;
            }
            if ((int) (head >>> 32) == hash && Arrays.equals(headKey, key)) {
                return e - 1;
            }
            e = meta[4 * (e - 1)];
            while (e != 0) {
                int slot = e - 1;
                if (meta[4 * slot + 1] == hash && Arrays.equals(key(slot), key)) {
                    return slot;
                }
                e = meta[4 * slot];
            }
            return -1;
        }

        /** Unlinks the slot from its bucket chain (the slot itself is not released). */
        void unlink(int slot) {
            int b = meta[4 * slot + 1] & mask;
            int e = (int) buckets[b];
            int prev = -1;
            while (e != 0) {
                int s = e - 1;
                if (s == slot) {
                    if (prev < 0) {
                        int n = meta[4 * s];
                        buckets[b] = head(n);
                        headKeys[b] = n == 0 ? null : key(n - 1);
                    } else {
                        meta[4 * prev] = meta[4 * s];
                    }
                    return;
                }
                prev = s;
                e = meta[4 * s];
            }
        }

        long expireAt(int slot) {
            return expires == null ? NO_EXPIRE : expires[slot];
        }

        void setExpireAt(int slot, long when) {
            if (expires == null) {
                if (when == NO_EXPIRE) {
                    return;
                }
                expires = new long[slots()];
            }
            expires[slot] = when;
        }

        /** The bucket word for a chain starting at entry e (index + 1, 0 = empty chain). */
        long head(int e) {
            return e == 0 ? 0 : ((long) meta[4 * (e - 1) + 1] << 32) | e;
        }

        int insert(byte[] key, int hash, Object value, long expire, int clock, int size) {
            int slot = allocate();
            meta[4 * slot + 3] = size;
            kv[2 * slot] = key;
            kv[2 * slot + 1] = value;
            meta[4 * slot + 1] = hash;
            setExpireAt(slot, expire);
            meta[4 * slot + 2] = clock;
            int b = hash & mask;
            meta[4 * slot] = (int) buckets[b];
            buckets[b] = ((long) hash << 32) | (slot + 1);
            headKeys[b] = key;
            used++;
            return slot;
        }
    }

    /** Addresses one entry: which table and which slot, valid until the next write. */
    private Table foundTable;
    private int foundSlot;
    /**
     * The key array whose lookup or insert located the found entry; meaningful while there is one
     * and it stays where it was found (a rehash move clears this). A command looks its key up
     * several times (a read, then the write's lookupWrite, then modified); with the same array,
     * the later lookups are this comparison.
     */
    private byte[] foundFor;

    private Table t0 = new Table(MIN_SIZE);
    private Table t1;            // the table being filled during a rehash, else null
    private int rehashIndex;     // next bucket of t0 to move
    private int volatileCount;
    private int expireCursor;    // entry slot cursor of the active expiry cycle

    public static int hash(byte[] key) {
        return ByteHash.hash(key);
    }

    public int size() {
        return t0.used + (t1 == null ? 0 : t1.used);
    }

    public int volatileCount() {
        return volatileCount;
    }

    public boolean isRehashing() {
        return t1 != null;
    }

    /** Bucket count of the main table (and of the rehash target, if any), for DEBUG HTSTATS-like output. */
    public int bucketCount() {
        return t0.buckets.length + (t1 == null ? 0 : t1.buckets.length);
    }

    // ---------------------------------------------------------------- lookups

    /** Finds the key; on success {@link #value()}, {@link #expire()} etc. read the found entry. */
    public boolean find(byte[] key) {
        if (key == foundFor && foundTable != null) {
            return true;
        }
        return find(key, hash(key));
    }

    private boolean find(byte[] key, int hash) {
        if (t1 != null) {
            rehashStep();
        }
        int slot = t0.find(key, hash);
        if (slot >= 0) {
            foundTable = t0;
            foundSlot = slot;
            foundFor = key;
            return true;
        }
        if (t1 != null) {
            slot = t1.find(key, hash);
            if (slot >= 0) {
                foundTable = t1;
                foundSlot = slot;
                foundFor = key;
                return true;
            }
        }
        foundTable = null;
        return false;
    }

    public Object value() {
        return foundTable.kv[2 * foundSlot + 1];
    }

    public byte[] foundKey() {
        return foundTable.key(foundSlot);
    }

    public long expire() {
        return foundTable.expireAt(foundSlot);
    }

    public int clock() {
        return foundTable.meta[4 * foundSlot + 2];
    }

    public void setClock(int clock) {
        foundTable.meta[4 * foundSlot + 2] = clock;
    }

    public int chargedSize() {
        return foundTable.meta[4 * foundSlot + 3];
    }

    public void setChargedSize(int size) {
        foundTable.meta[4 * foundSlot + 3] = size;
    }

    public void setValue(Object value) {
        foundTable.kv[2 * foundSlot + 1] = value;
    }

    public void setExpire(long when) {
        long old = foundTable.expireAt(foundSlot);
        if (old == NO_EXPIRE && when != NO_EXPIRE) {
            volatileCount++;
        } else if (old != NO_EXPIRE && when == NO_EXPIRE) {
            volatileCount--;
        }
        foundTable.setExpireAt(foundSlot, when);
    }

    /** Removes the entry located by the last successful find. */
    public void removeFound() {
        Table t = foundTable;
        int slot = foundSlot;
        if (t.expireAt(slot) != NO_EXPIRE) {
            volatileCount--;
        }
        t.unlink(slot);
        t.release(slot);
        t.used--;
        foundTable = null;
    }

    // ---------------------------------------------------------------- writes

    /**
     * Inserts a key that {@link #find} just reported absent. The found entry is the new one
     * afterwards.
     */
    public void insert(byte[] key, Object value, long expire, int clock, int size) {
        int hash = hash(key);
        if (t1 == null && t0.used >= t0.buckets()) {
            startRehash(sizeFor(t0.used + 1));
        }
        Table target = t0;
        if (t1 != null) {
            if (t1.used >= t1.buckets()) {
                // The target filled up before the old table drained (many inserts during a
                // shrink or a slow grow): finish now, then grow to fit everything.
                finishRehash();
                if (t0.used >= t0.buckets()) {
                    startRehash(sizeFor(t0.used + 1));
                }
            }
            target = t1 != null ? t1 : t0;
        }
        foundSlot = target.insert(key, hash, value, expire, clock, size);
        foundTable = target;
        foundFor = key;
        if (expire != NO_EXPIRE) {
            volatileCount++;
        }
    }

    public void clear() {
        t0 = new Table(MIN_SIZE);
        t1 = null;
        rehashIndex = 0;
        volatileCount = 0;
        expireCursor = 0;
        foundTable = null;
    }

    // ---------------------------------------------------------------- resizing

    /** The smallest power of two, at least MIN_SIZE, that holds {@code n} entries at load 1. */
    private static int sizeFor(int n) {
        int size = MIN_SIZE;
        while (size < n && size < (1 << 30)) {
            size <<= 1;
        }
        return size;
    }

    private void startRehash(int size) {
        t1 = new Table(size);
        rehashIndex = 0;
    }

    /** Shrinks when the table is mostly empty, like Redis's htNeedsResize in the cron. */
    public void maybeShrink() {
        if (t1 != null) {
            return;
        }
        int size = t0.buckets();
        if (size > MIN_SIZE && (long) t0.used * 10 < size) {
            startRehash(sizeFor(t0.used));
        }
    }

    /** Moves up to {@code buckets} non-empty buckets; false once the rehash is complete. */
    public boolean rehash(int buckets) {
        if (t1 == null) {
            return false;
        }
        int emptyVisits = buckets * REHASH_EMPTY_VISITS;
        while (buckets-- > 0 && t0.used > 0) {
            while (t0.buckets[rehashIndex] == 0) {
                rehashIndex++;
                if (--emptyVisits == 0) {
                    return true;
                }
            }
            moveBucket(rehashIndex++);
        }
        if (t0.used == 0) {
            t0 = t1;
            t1 = null;
            rehashIndex = 0;
            expireCursor = 0;
            return false;
        }
        return true;
    }

    private void rehashStep() {
        rehash(REHASH_STEP_BUCKETS);
    }

    private void finishRehash() {
        while (rehash(1 << 16)) {
            // keep moving
        }
    }

    private void moveBucket(int b) {
        foundFor = null; // the found entry may move to another slot
        Table from = t0;
        Table to = t1;
        int e = (int) from.buckets[b];
        from.buckets[b] = 0;
        from.headKeys[b] = null;
        while (e != 0) {
            int slot = e - 1;
            int nextEntry = from.meta[4 * slot];
            to.insert(from.key(slot), from.meta[4 * slot + 1], from.kv[2 * slot + 1], from.expireAt(slot), from.meta[4 * slot + 2],
                    from.meta[4 * slot + 3]);
            from.release(slot);
            from.used--;
            e = nextEntry;
        }
    }

    // ---------------------------------------------------------------- iteration

    /** Receives keys from {@link #scan} and {@link #forEach}. */
    public interface EntryVisitor {
        void visit(byte[] key, Object value, long expire);
    }

    /** Visits every entry; the visitor must not modify the table. */
    public void forEach(EntryVisitor visitor) {
        visitAll(t0, visitor);
        if (t1 != null) {
            visitAll(t1, visitor);
        }
    }

    private static void visitAll(Table t, EntryVisitor visitor) {
        for (int i = 0; i < t.top; i++) {
            byte[] k = t.key(i);
            if (k != null) {
                visitor.visit(k, t.kv[2 * i + 1], t.expireAt(i));
            }
        }
    }

    /**
     * One SCAN step from {@code cursor}: visits one bucket (and its expansions in the larger table
     * while rehashing) and returns the next cursor, 0 when the iteration is complete.
     */
    public long scan(long cursor, EntryVisitor visitor) {
        if (size() == 0) {
            return 0;
        }
        long v = cursor;
        if (t1 == null) {
            long m0 = t0.mask;
            visitBucket(t0, (int) (v & m0), visitor);
            v = ScanCursor.next(v, m0);
        } else {
            Table small = t0;
            Table large = t1;
            if (small.buckets.length > large.buckets.length) {
                small = t1;
                large = t0;
            }
            long m0 = small.mask;
            long m1 = large.mask;
            visitBucket(small, (int) (v & m0), visitor);
            do {
                visitBucket(large, (int) (v & m1), visitor);
                v = ScanCursor.next(v, m1);
            } while ((v & (m0 ^ m1)) != 0);
        }
        return v;
    }

    private static void visitBucket(Table t, int b, EntryVisitor visitor) {
        int e = (int) t.buckets[b];
        while (e != 0) {
            int slot = e - 1;
            visitor.visit(t.key(slot), t.kv[2 * slot + 1], t.expireAt(slot));
            e = t.meta[4 * slot];
        }
    }

    /** A key chosen uniformly at random, or null when empty. */
    public byte[] randomKey() {
        int total = size();
        if (total == 0) {
            return null;
        }
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        while (true) {
            Table t = t0;
            if (t1 != null && rnd.nextInt(total) >= t0.used) {
                t = t1;
            }
            if (t.top == 0) {
                continue;
            }
            byte[] k = t.key(rnd.nextInt(t.top));
            if (k != null) {
                return k;
            }
        }
    }

    /**
     * Walks up to {@code maxSlots} entry slots from where the last call stopped (over the main
     * table, then the rehash target) and adds keys whose expiry is at or before {@code now} to
     * {@code out}; the caller deletes them afterwards. Returns the number of volatile keys seen.
     */
    public int collectExpired(long now, int maxSlots, java.util.List<byte[]> out) {
        int seen = 0;
        int span0 = t0.top;
        int span = span0 + (t1 == null ? 0 : t1.top);
        if (span == 0) {
            return 0;
        }
        for (int n = 0; n < maxSlots && n < span; n++) {
            if (expireCursor >= span) {
                expireCursor = 0;
            }
            int i = expireCursor++;
            Table t = t0;
            if (i >= span0) {
                t = t1;
                i -= span0;
            }
            long when = t.expireAt(i);
            if (when != NO_EXPIRE && t.kv[2 * i] != null) {
                seen++;
                if (when <= now) {
                    out.add(t.key(i));
                }
            }
        }
        return seen;
    }

    /** Receives the entries {@link #sample} draws. */
    public interface SampleVisitor {
        void visit(byte[] key, int clock, long expire);
    }

    /**
     * Visits up to {@code count} keys drawn at random (a key may come twice), to pick eviction
     * candidates as Redis samples its dict. Slots hold keys in insertion order, so draws are
     * spread over the table, not taken from one run. With {@code volatileOnly}, only keys with a
     * time to live count; when they are too rare to hit by chance, a walk from a random place
     * finds the rest.
     */
    public void sample(int count, boolean volatileOnly, SampleVisitor visitor) {
        int span0 = t0.top;
        int span = span0 + (t1 == null ? 0 : t1.top);
        if (span == 0 || (volatileOnly ? volatileCount() : size()) == 0) {
            return;
        }
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        int found = 0;
        for (int draws = 10 * count; draws > 0 && found < count; draws--) {
            found += sampleSlot(rnd.nextInt(span), span0, volatileOnly, visitor);
        }
        if (volatileOnly) {
            for (int i = rnd.nextInt(span), steps = span; steps > 0 && found < count; steps--, i = i + 1 == span ? 0 : i + 1) {
                found += sampleSlot(i, span0, true, visitor);
            }
        }
    }

    private int sampleSlot(int i, int span0, boolean volatileOnly, SampleVisitor visitor) {
        Table t = i < span0 ? t0 : t1;
        int slot = i < span0 ? i : i - span0;
        if (t.kv[2 * slot] == null) {
            return 0;
        }
        long expire = t.expireAt(slot);
        if (volatileOnly && expire == NO_EXPIRE) {
            return 0;
        }
        visitor.visit(t.key(slot), t.meta[4 * slot + 2], expire);
        return 1;
    }
}
