package io.cinnabar.types;

import io.cinnabar.util.ByteHash;
import io.cinnabar.util.ScanCursor;
import java.util.Arrays;
import java.util.Random;

/**
 * A hash table of byte[] keys to values (null for sets) for one large hash, set or sorted set
 * value: open addressing with linear probing over parallel arrays, so an entry costs three array
 * cells and no object of its own.
 *
 * <p>The table has {@code capacity} home buckets (a power of two) plus a few overflow slots after
 * them; probe runs go forward only and never wrap around. So an entry always sits at or after its
 * home bucket, and deleting (backward shift, no tombstones) only moves entries to lower slots.
 * That keeps slot iteration with removal simple: after {@link #removeAt} the caller looks at the
 * same slot again, nothing is skipped or seen twice. If an insert would run past the last slot,
 * the table grows.
 *
 * <p>It grows by doubling above 3/4 load and shrinks when a removal leaves it under 10% full, as
 * Redis's dict does for set and hash values; resizes are not incremental since one value's size is
 * bounded by what clients wrote into it. {@link #scan} keeps Redis's SCAN guarantee across resizes
 * with the reverse-binary cursor over home buckets: cursor {@code c} emits the entries whose home
 * is {@code c}, found by walking the probe run from {@code c}.
 *
 * <p>Memory: {@link #memoryUsage} counts the table's own arrays plus the byte[] keys, plus values
 * that are byte[] (as hashes store them). Other value objects (a zset's scores, say) are the
 * caller's to count. It assumes compressed references (4 bytes per reference, heaps under 32 GB).
 *
 * <p>The table keeps the key arrays it is given: callers must not modify them afterwards.
 */
public final class ByteDict {
    /** Receives entries from {@link #scan} and {@link #forEach}. */
    public interface EntryVisitor {
        void visit(byte[] key, Object value);
    }

    private static final int MIN_CAPACITY = 4;
    private static final int MAX_CAPACITY = 1 << 29;
    /** Overflow slots after the home buckets: as many as buckets for small tables, 64 beyond. */
    private static final int MAX_OVERFLOW = 64;
    private static final long REFERENCE_BYTES = 4;
    private static final long ARRAY_HEADER = 16;
    private static final long OBJECT_BYTES = 40;

    private byte[][] keys;
    private int[] hashes;
    /** Null while every value is null (a set), so sets pay for no value array. */
    private Object[] values;
    private int mask;
    private int size;
    /** Bytes of the byte[] keys and byte[] values held, as {@link Values#byteArraySize} counts them. */
    private long contentBytes;

    public ByteDict() {
        this(0);
    }

    /** A table sized to hold {@code expected} entries without growing. */
    public ByteDict(int expected) {
        allocate(capacityFor(expected));
    }

    private ByteDict(ByteDict from) {
        keys = from.keys.clone();
        hashes = from.hashes.clone();
        mask = from.mask;
        size = from.size;
        contentBytes = from.contentBytes;
        if (from.values != null) {
            values = from.values.clone();
            for (int i = 0; i < values.length; i++) {
                if (values[i] instanceof byte[]) {
                    values[i] = ((byte[]) values[i]).clone();
                }
            }
        }
    }

    private void allocate(int capacity) {
        int slots = capacity + Math.min(capacity, MAX_OVERFLOW);
        keys = new byte[slots][];
        hashes = new int[slots];
        values = null;
        mask = capacity - 1;
    }

    /** The smallest power-of-two bucket count that holds {@code n} entries at no more than 3/4 load. */
    private static int capacityFor(int n) {
        int capacity = MIN_CAPACITY;
        while ((long) n * 4 > (long) capacity * 3 && capacity < MAX_CAPACITY) {
            capacity <<= 1;
        }
        return capacity;
    }

    public int size() {
        return size;
    }

    /** Number of home buckets (the SCAN cursor's table size). */
    public int capacity() {
        return mask + 1;
    }

    /** Slots are numbered below this bound (home buckets plus overflow slots). */
    public int slotCount() {
        return keys.length;
    }

    // ---------------------------------------------------------------- lookups

    /** The slot holding the key, or -1. */
    public int slotOf(byte[] key) {
        return find(key, ByteHash.hash(key));
    }

    private int find(byte[] key, int hash) {
        byte[][] ks = keys;
        for (int i = hash & mask; i < ks.length; i++) {
            byte[] k = ks[i];
            if (k == null) {
                return -1;
            }
            if (hashes[i] == hash && Arrays.equals(k, key)) {
                return i;
            }
        }
        return -1;
    }

    public boolean containsKey(byte[] key) {
        return slotOf(key) >= 0;
    }

    /** The key's value, null if absent (or if its value is null). */
    public Object get(byte[] key) {
        int slot = slotOf(key);
        return slot < 0 ? null : valueAt(slot);
    }

    // ---------------------------------------------------------------- writes

    /** Adds a key with a null value if absent; true if it was added. */
    public boolean add(byte[] key) {
        int hash = ByteHash.hash(key);
        if (find(key, hash) >= 0) {
            return false;
        }
        insertNew(key, hash, null);
        return true;
    }

    /** Maps the key to the value; returns the previous value, null if there was none (or it was null). */
    public Object put(byte[] key, Object value) {
        int hash = ByteHash.hash(key);
        int slot = find(key, hash);
        if (slot >= 0) {
            return setValueAt(slot, value);
        }
        insertNew(key, hash, value);
        return null;
    }

    private void insertNew(byte[] key, int hash, Object value) {
        if ((long) (size + 1) * 4 > (long) capacity() * 3) {
            resize(capacity() * 2);
        }
        int slot = emptySlotFor(hash);
        while (slot < 0) {
            resize(capacity() * 2);
            slot = emptySlotFor(hash);
        }
        keys[slot] = key;
        hashes[slot] = hash;
        size++;
        contentBytes += Values.byteArraySize(key.length);
        if (value != null) {
            setValueAt(slot, value);
        }
    }

    /** The first free slot at or after the hash's home bucket, -1 if the run reaches the end. */
    private int emptySlotFor(int hash) {
        byte[][] ks = keys;
        for (int i = hash & mask; i < ks.length; i++) {
            if (ks[i] == null) {
                return i;
            }
        }
        return -1;
    }

    /** Removes the key; returns its value (null if absent or null-valued). May shrink the table. */
    public Object remove(byte[] key) {
        int slot = slotOf(key);
        if (slot < 0) {
            return null;
        }
        Object old = valueAt(slot);
        removeAt(slot);
        shrinkIfSparse();
        return old;
    }

    /** Removes the key; true if it was present. May shrink the table. */
    public boolean removeKey(byte[] key) {
        int slot = slotOf(key);
        if (slot < 0) {
            return false;
        }
        removeAt(slot);
        shrinkIfSparse();
        return true;
    }

    /**
     * Removes the entry at an occupied slot without resizing, so a slot iteration can go on: the
     * next entry to look at is {@code nextSlot(slot - 1)} (a later entry may have moved into this
     * slot). Call {@link #shrinkIfSparse} when the iteration is over.
     */
    public void removeAt(int slot) {
        contentBytes -= Values.byteArraySize(keys[slot].length);
        if (values != null && values[slot] instanceof byte[]) {
            contentBytes -= Values.byteArraySize(((byte[]) values[slot]).length);
        }
        size--;
        // Backward shift: pull each later entry of the run whose home is at or before the hole
        // into it, so lookups never meet a gap inside a run.
        byte[][] ks = keys;
        int hole = slot;
        for (int i = slot + 1; i < ks.length && ks[i] != null; i++) {
            if ((hashes[i] & mask) <= hole) {
                ks[hole] = ks[i];
                hashes[hole] = hashes[i];
                if (values != null) {
                    values[hole] = values[i];
                }
                hole = i;
            }
        }
        ks[hole] = null;
        hashes[hole] = 0;
        if (values != null) {
            values[hole] = null;
        }
    }

    /** Shrinks the table when under 10% of its buckets are used (as Redis's htNeedsResize). */
    public void shrinkIfSparse() {
        if (capacity() > MIN_CAPACITY && (long) size * 10 < capacity()) {
            resize(capacityFor(size));
        }
    }

    private void resize(int capacity) {
        byte[][] oldKeys = keys;
        int[] oldHashes = hashes;
        Object[] oldValues = values;
        while (true) {
            allocate(capacity);
            if (oldValues != null) {
                values = new Object[keys.length];
            }
            if (rehashInto(oldKeys, oldHashes, oldValues)) {
                return;
            }
            capacity <<= 1; // a run overflowed the slots past the end: rare, try a larger table
        }
    }

    private boolean rehashInto(byte[][] oldKeys, int[] oldHashes, Object[] oldValues) {
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != null) {
                int slot = emptySlotFor(oldHashes[i]);
                if (slot < 0) {
                    return false;
                }
                keys[slot] = oldKeys[i];
                hashes[slot] = oldHashes[i];
                if (oldValues != null) {
                    values[slot] = oldValues[i];
                }
            }
        }
        return true;
    }

    /** Removes every entry and returns to the smallest table. */
    public void clear() {
        allocate(MIN_CAPACITY);
        size = 0;
        contentBytes = 0;
    }

    // ---------------------------------------------------------------- slots

    /** The first occupied slot, -1 when empty. */
    public int firstSlot() {
        return nextSlot(-1);
    }

    /** The first occupied slot after {@code slot}, -1 if none. */
    public int nextSlot(int slot) {
        byte[][] ks = keys;
        for (int i = slot + 1; i < ks.length; i++) {
            if (ks[i] != null) {
                return i;
            }
        }
        return -1;
    }

    public byte[] keyAt(int slot) {
        return keys[slot];
    }

    public Object valueAt(int slot) {
        return values == null ? null : values[slot];
    }

    /** Replaces the value at an occupied slot; returns the previous one. */
    public Object setValueAt(int slot, Object value) {
        if (values == null) {
            if (value == null) {
                return null;
            }
            values = new Object[keys.length];
        }
        Object old = values[slot];
        if (old instanceof byte[]) {
            contentBytes -= Values.byteArraySize(((byte[]) old).length);
        }
        if (value instanceof byte[]) {
            contentBytes += Values.byteArraySize(((byte[]) value).length);
        }
        values[slot] = value;
        return old;
    }

    /**
     * A uniformly random occupied slot, -1 when empty. Every entry holds exactly one slot, so
     * drawing slots until one is occupied is fair; the table is at least ~7% full (it shrinks
     * below 10%), so this takes a handful of draws.
     */
    public int randomSlot(Random random) {
        if (size == 0) {
            return -1;
        }
        byte[][] ks = keys;
        while (true) {
            int i = random.nextInt(ks.length);
            if (ks[i] != null) {
                return i;
            }
        }
    }

    /** A uniformly random key, null when empty. */
    public byte[] randomKey(Random random) {
        int slot = randomSlot(random);
        return slot < 0 ? null : keys[slot];
    }

    // ---------------------------------------------------------------- iteration

    /** Visits every entry; the visitor must not change the table. */
    public void forEach(EntryVisitor visitor) {
        for (int i = firstSlot(); i >= 0; i = nextSlot(i)) {
            visitor.visit(keys[i], valueAt(i));
        }
    }

    /**
     * One SCAN step: visits the entries whose home bucket is {@code cursor & (capacity - 1)} and
     * returns the next cursor, 0 when the iteration is complete. The visitor must not change the
     * table.
     */
    public long scan(long cursor, EntryVisitor visitor) {
        if (size == 0) {
            return 0;
        }
        int home = (int) (cursor & mask);
        byte[][] ks = keys;
        for (int i = home; i < ks.length && ks[i] != null; i++) {
            if ((hashes[i] & mask) == home) {
                visitor.visit(ks[i], valueAt(i));
            }
        }
        return ScanCursor.next(cursor, mask);
    }

    // ---------------------------------------------------------------- copy and size

    /** An independent copy: keys are shared (never modified), byte[] values are cloned. */
    public ByteDict copy() {
        return new ByteDict(this);
    }

    /** Approximate bytes held: the arrays, the byte[] keys and the byte[] values (see the class comment). */
    public long memoryUsage() {
        long slots = keys.length;
        long arrays = 2 * (ARRAY_HEADER + slots * REFERENCE_BYTES);
        if (values != null) {
            arrays += ARRAY_HEADER + slots * REFERENCE_BYTES;
        }
        return OBJECT_BYTES + arrays + contentBytes;
    }
}
