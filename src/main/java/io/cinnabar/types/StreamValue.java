package io.cinnabar.types;

import java.util.Map;
import java.util.TreeMap;

/**
 * A stream, laid out as Redis 7.0's t_stream.c lays it out so that its blocks can go to RDB
 * unchanged: entries live in listpack blocks indexed by the ID of each block's first entry (the
 * block's master ID).
 *
 * <p>A block starts with a master entry: live count, deleted count, the field names of the first
 * entry, and a 0 terminator. Each entry is then: flags, ms and seq as deltas from the master ID,
 * either (SAMEFIELDS) the values alone or a field count and field/value pairs, and lp-count, the
 * number of elements before it in the entry, which lets an iterator walk backwards. Deleting only
 * flags an entry; a block goes when its last live entry does.
 */
public final class StreamValue implements TypedValue {
    static final int FLAG_DELETED = 1;
    static final int FLAG_SAMEFIELDS = 2;
    /** Redis's STREAM_LISTPACK_MAX_SIZE: the block byte limit when the configured one is 0 or larger. */
    static final long LISTPACK_MAX_SIZE = 1L << 30;
    private static final long OBJECT_BYTES = 96;
    /** A TreeMap entry, its StreamId key and the Listpack object around each block's bytes. */
    private static final long BLOCK_OVERHEAD = 40 + 32 + 24;

    private final TreeMap<StreamId, Listpack> blocks = new TreeMap<>();
    private long length;
    private StreamId lastId = StreamId.MIN;
    private StreamId firstId = StreamId.MIN;
    private StreamId maxDeletedId = StreamId.MIN;
    private long entriesAdded;
    private long memory = OBJECT_BYTES;
    /** Consumer groups by name in byte order; null until the first is created. */
    private TreeMap<byte[], StreamGroup> groups;
    /** {@link #radixTreeNodes()} as last computed, or -1 once the block index has changed. */
    private long radixNodes = -1;

    @Override
    public String typeName() {
        return "stream";
    }

    @Override
    public String encoding() {
        return "stream";
    }

    @Override
    public long memoryUsage() {
        return memory;
    }

    @Override
    public StreamValue copy() {
        StreamValue c = new StreamValue();
        for (Map.Entry<StreamId, Listpack> e : blocks.entrySet()) {
            c.blocks.put(e.getKey(), e.getValue().copy());
        }
        c.length = length;
        c.lastId = lastId;
        c.firstId = firstId;
        c.maxDeletedId = maxDeletedId;
        c.entriesAdded = entriesAdded;
        c.radixNodes = radixNodes;
        c.memory = memory;
        if (groups != null) {
            c.groups = new TreeMap<>(java.util.Arrays::compareUnsigned);
            for (StreamGroup g : groups.values()) {
                c.memory -= StreamGroup.memoryOf(g); // copyFor charges the copy again
            }
            for (Map.Entry<byte[], StreamGroup> e : groups.entrySet()) {
                c.groups.put(e.getKey(), e.getValue().copyFor(c));
            }
        }
        return c;
    }

    public long length() {
        return length;
    }

    public StreamId lastId() {
        return lastId;
    }

    /** The first entry's ID as Redis records it (XINFO recorded-first-entry-id); 0-0 when empty. */
    public StreamId firstId() {
        return firstId;
    }

    public StreamId maxDeletedId() {
        return maxDeletedId;
    }

    public long entriesAdded() {
        return entriesAdded;
    }

    /** Number of listpack blocks (XINFO radix-tree-keys). */
    public int blockCount() {
        return blocks.size();
    }

    /**
     * The node count Redis's radix tree of these block IDs reports (XINFO radix-tree-nodes).
     * Redis keys each block by its master ID as 16 big-endian bytes; its rax keeps every chain
     * of single-child positions in one node, and re-compresses on removal, so the count depends
     * only on the set of keys: one node per key, one per branching position, and one per
     * non-empty chain above each of those. An empty tree is its root alone. Computed on demand
     * in O(blocks) and kept until the block index changes.
     */
    public long radixTreeNodes() {
        if (radixNodes < 0) {
            if (blocks.isEmpty()) {
                radixNodes = 1;
            } else {
                byte[][] keys = new byte[blocks.size()][];
                int i = 0;
                for (StreamId id : blocks.keySet()) {
                    keys[i++] = radixKey(id);
                }
                radixNodes = radixSubtreeNodes(keys, 0, keys.length, -1);
            }
        }
        return radixNodes;
    }

    private static final int RADIX_KEY_BYTES = 16;

    private static byte[] radixKey(StreamId id) {
        byte[] k = new byte[RADIX_KEY_BYTES];
        for (int b = 0; b < 8; b++) {
            k[b] = (byte) (id.ms() >>> (56 - 8 * b));
            k[8 + b] = (byte) (id.seq() >>> (56 - 8 * b));
        }
        return k;
    }

    /**
     * Nodes below a parent position at depth {@code parentDepth} (-1 above the root) for the
     * sorted keys {@code [from, to)}, which share their first {@code parentDepth + 1} bytes.
     */
    private static long radixSubtreeNodes(byte[][] keys, int from, int to, int parentDepth) {
        int depth = RADIX_KEY_BYTES;
        if (to - from > 1) {
            depth = java.util.Arrays.mismatch(keys[from], keys[to - 1]);
        }
        // the node at this depth (a key or a branch), plus a chain node if bytes lie between
        long nodes = depth - parentDepth > 1 ? 2 : 1;
        if (depth == RADIX_KEY_BYTES) {
            return nodes;
        }
        int start = from;
        for (int i = from + 1; i <= to; i++) {
            if (i == to || keys[i][depth] != keys[start][depth]) {
                nodes += radixSubtreeNodes(keys, start, i, depth);
                start = i;
            }
        }
        return nodes;
    }

    /** XSETID: the caller has checked the values against the stream as Redis does. */
    public void setLastId(StreamId id, long newEntriesAdded, StreamId newMaxDeletedId) {
        lastId = id;
        if (newEntriesAdded >= 0) {
            entriesAdded = newEntriesAdded;
        }
        if (newMaxDeletedId != null) {
            maxDeletedId = newMaxDeletedId;
        }
    }

    /** The block listpacks in ID order with their master IDs, for persistence and tests. */
    public Map<StreamId, Listpack> blocks() {
        return java.util.Collections.unmodifiableMap(blocks);
    }

    /**
     * RDB load: adopts a validated block under its master ID; false if a block already has that
     * ID (a corrupt payload).
     */
    public boolean adoptBlock(StreamId master, Listpack lp) {
        if (blocks.containsKey(master)) {
            return false;
        }
        blocks.put(master, lp);
        radixNodes = -1;
        memory += lp.capacity() + BLOCK_OVERHEAD;
        return true;
    }

    /**
     * RDB load: the counters as saved. A {@code null} first ID (an RDB from before 7.0) is read
     * from the blocks, as Redis's streamGetEdgeID does.
     */
    public void restoreState(long length, StreamId lastId, StreamId firstId, StreamId maxDeletedId, long entriesAdded) {
        this.length = length;
        this.lastId = lastId;
        this.maxDeletedId = maxDeletedId;
        this.entriesAdded = entriesAdded;
        if (firstId != null) {
            this.firstId = firstId;
        } else {
            refreshFirstId(true);
        }
    }

    void charge(long bytes) {
        memory += bytes;
    }

    // ---------------------------------------------------------------- consumer groups

    public StreamGroup group(byte[] name) {
        return groups == null ? null : groups.get(name);
    }

    /** All groups in name order (empty when none). */
    public Map<byte[], StreamGroup> groups() {
        return groups == null ? java.util.Collections.emptyMap() : java.util.Collections.unmodifiableMap(groups);
    }

    /** A new group, or null if one with this name exists. */
    public StreamGroup createGroup(byte[] name, StreamId lastDelivered, long entriesRead) {
        if (groups == null) {
            groups = new TreeMap<>(java.util.Arrays::compareUnsigned);
        }
        if (groups.containsKey(name)) {
            return null;
        }
        StreamGroup g = new StreamGroup(this, lastDelivered, entriesRead);
        groups.put(name.clone(), g);
        memory += Values.byteArraySize(name.length);
        return g;
    }

    public boolean destroyGroup(byte[] name) {
        StreamGroup g = groups == null ? null : groups.remove(name);
        if (g == null) {
            return false;
        }
        memory -= StreamGroup.memoryOf(g) + Values.byteArraySize(name.length);
        return true;
    }

    /** Redis's streamRangeHasTombstones from {@code start} to the end: could a deleted entry lie there? */
    public boolean mayHaveTombstonesFrom(StreamId start) {
        if (length == 0 || maxDeletedId.isZero() || firstId.compareTo(maxDeletedId) > 0) {
            return false;
        }
        return start.compareTo(maxDeletedId) <= 0;
    }

    /**
     * Redis's streamEstimateDistanceFromFirstEverEntry: how many entries were ever added up to
     * {@code id}, when that can be known; else {@link StreamGroup#UNKNOWN_ENTRIES_READ}.
     */
    public long entriesAddedUpTo(StreamId id) {
        if (entriesAdded == 0) {
            return 0;
        }
        int toLast = id.compareTo(lastId);
        if (length == 0 && toLast < 1) {
            return entriesAdded;
        }
        if (toLast == 0) {
            return entriesAdded;
        } else if (toLast > 0) {
            return StreamGroup.UNKNOWN_ENTRIES_READ;
        }
        if (maxDeletedId.isZero() || maxDeletedId.compareTo(firstId) < 0) {
            int toFirst = id.compareTo(firstId);
            if (toFirst < 0) {
                return entriesAdded - length;
            } else if (toFirst == 0) {
                return entriesAdded - length + 1;
            }
        }
        return StreamGroup.UNKNOWN_ENTRIES_READ;
    }

    /** Lag meaning the group's lag cannot be known. */
    public static final long UNKNOWN_LAG = Long.MIN_VALUE;

    /**
     * Entries added but not yet read by the group (XINFO GROUPS lag; negative after XSETID lowers
     * entries-added), or {@link #UNKNOWN_LAG}.
     */
    public long lag(StreamGroup g) {
        if (entriesAdded == 0) {
            return 0;
        }
        if (g.entriesRead != StreamGroup.UNKNOWN_ENTRIES_READ && !mayHaveTombstonesFrom(g.lastId)) {
            return entriesAdded - g.entriesRead;
        }
        long read = entriesAddedUpTo(g.lastId);
        return read == StreamGroup.UNKNOWN_ENTRIES_READ ? UNKNOWN_LAG : entriesAdded - read;
    }

    /** The live entry with this ID as a one-entry cursor, or null if there is none. */
    public Cursor entry(StreamId id) {
        Cursor c = cursor(id, id, false);
        return c.next() ? c : null;
    }

    // ---------------------------------------------------------------- appending

    /**
     * Appends an entry with ID {@code id} (greater than {@link #lastId()}, checked by the caller)
     * and the field/value pairs {@code argv[from..to)}. A new block starts when the last one would
     * reach {@code maxBytes} or holds {@code maxEntries} entries, live or deleted (0 = no limit).
     */
    public void append(StreamId id, byte[][] argv, int from, int to, long maxBytes, long maxEntries) {
        int fieldCount = (to - from) / 2;
        Map.Entry<StreamId, Listpack> tail = blocks.lastEntry();
        Listpack sealed = null;
        if (tail != null && !fits(tail.getValue(), argv, from, to, maxBytes, maxEntries)) {
            sealed = tail.getValue();
            tail = null;
        }
        Listpack lp;
        StreamId master;
        int flags = 0;
        long before;
        if (tail == null) {
            master = id;
            lp = sealed == null ? new Listpack() : Listpack.withCapacity(nextBlockCapacity(sealed, maxBytes));
            if (sealed != null) {
                seal(sealed);
            }
            before = 0;
            memory += BLOCK_OVERHEAD;
            lp.appendLong(1);
            lp.appendLong(0);
            lp.appendLong(fieldCount);
            for (int i = from; i < to; i += 2) {
                lp.append(argv[i]);
            }
            lp.appendLong(0);
            blocks.put(master, lp);
            radixNodes = -1;
            flags = FLAG_SAMEFIELDS;
        } else {
            master = tail.getKey();
            lp = tail.getValue();
            before = lp.capacity();
            int p = lp.first();
            lp.replaceLong(p, lp.intValue(p) + 1);
            p = lp.next(lp.next(p));
            if (lp.intValue(p) == fieldCount) {
                boolean same = true;
                for (int i = from; i < to && same; i += 2) {
                    p = lp.next(p);
                    same = lp.entryEquals(p, argv[i]);
                }
                if (same) {
                    flags = FLAG_SAMEFIELDS;
                }
            }
        }
        lp.appendLong(flags);
        lp.appendLong(id.ms() - master.ms());
        lp.appendLong(id.seq() - master.seq());
        if (flags != FLAG_SAMEFIELDS) {
            lp.appendLong(fieldCount);
        }
        for (int i = from; i < to; i += 2) {
            if (flags != FLAG_SAMEFIELDS) {
                lp.append(argv[i]);
            }
            lp.append(argv[i + 1]);
        }
        lp.appendLong(flags == FLAG_SAMEFIELDS ? fieldCount + 3 : 2L * fieldCount + 4);
        memory += lp.capacity() - before;
        length++;
        entriesAdded++;
        lastId = id;
        if (length == 1) {
            firstId = id;
        }
    }

    /**
     * The room a block started after {@code full} gets: the full block's size and a little more, so
     * a stream of like entries fills each block without regrowing it (growing from empty by 1.5x
     * steps allocates and copies about twice the block's bytes, and the last step leaves up to a
     * third of the array unused). A block that held one entry says nothing about the next ones; it
     * grows from empty.
     */
    private static int nextBlockCapacity(Listpack full, long maxBytes) {
        int p = full.first();
        if (full.intValue(p) + full.intValue(full.next(p)) < 2) {
            return 0;
        }
        long limit = maxBytes == 0 || maxBytes > LISTPACK_MAX_SIZE ? LISTPACK_MAX_SIZE : maxBytes;
        return (int) Math.min(full.bytes() + (full.bytes() >> 5), limit);
    }

    /**
     * A block that takes no more appends gives back growth room beyond a sixteenth of its size:
     * a first block grown by 1.5x steps, or one whose entries came out smaller than the last.
     */
    private void seal(Listpack full) {
        if (full.capacity() - full.bytes() > full.bytes() >> 4) {
            memory -= full.capacity();
            full.trimToSize();
            memory += full.capacity();
        }
    }

    private static boolean fits(Listpack lp, byte[][] argv, int from, int to, long maxBytes, long maxEntries) {
        long newBytes = 0;
        for (int i = from; i < to; i++) {
            newBytes += argv[i].length;
        }
        long limit = maxBytes == 0 || maxBytes > LISTPACK_MAX_SIZE ? LISTPACK_MAX_SIZE : maxBytes;
        if (lp.bytes() + newBytes >= limit) {
            return false;
        }
        if (maxEntries != 0) {
            int p = lp.first();
            return lp.intValue(p) + lp.intValue(lp.next(p)) < maxEntries;
        }
        return true;
    }

    // ---------------------------------------------------------------- deleting

    /** XDEL of one ID: true if a live entry with it was there. */
    public boolean delete(StreamId id) {
        Cursor c = cursor(id, id, false);
        if (!c.next()) {
            return false;
        }
        c.markDeleted();
        if (StreamId.compare(id.ms(), id.seq(), maxDeletedId.ms(), maxDeletedId.seq()) > 0) {
            maxDeletedId = id;
        }
        return true;
    }

    /** After deletions: re-reads the first ID if the recorded one may have gone. */
    public void refreshFirstId(boolean firstMayHaveGone) {
        if (length == 0) {
            firstId = StreamId.MIN;
        } else if (firstMayHaveGone) {
            firstId = firstLiveId();
        }
    }

    /**
     * Redis's streamTrim: removes entries from the head while the stream is longer than
     * {@code maxLength} (when {@code minId} is null) or older than {@code minId}. With
     * {@code approximate} only whole blocks go; {@code limit} (0 = none) caps the entries removed
     * by whole blocks. Returns the number of entries removed.
     */
    public long trim(long maxLength, StreamId minId, boolean approximate, long limit) {
        boolean byLength = minId == null;
        long deleted = 0;
        while (!blocks.isEmpty()) {
            if (byLength && length <= maxLength) {
                break;
            }
            Map.Entry<StreamId, Listpack> head = blocks.firstEntry();
            Listpack lp = head.getValue();
            long entries = lp.intValue(lp.first());
            if (limit != 0 && deleted + entries > limit) {
                break;
            }
            boolean wholeBlock = byLength ? length - entries >= maxLength : lastIdOf(head.getKey(), lp).compareTo(minId) < 0;
            if (wholeBlock) {
                removeBlock(head.getKey(), lp);
                length -= entries;
                deleted += entries;
                continue;
            }
            if (!approximate) {
                deleted += trimInside(head.getKey(), lp, byLength, maxLength, minId);
            }
            break;
        }
        refreshFirstId(true);
        return deleted;
    }

    /** Whether {@link #trim} with these arguments would remove anything (to announce the write first). */
    public boolean trimRemovesAny(long maxLength, StreamId minId, boolean approximate, long limit) {
        if (blocks.isEmpty()) {
            return false;
        }
        Map.Entry<StreamId, Listpack> head = blocks.firstEntry();
        Listpack lp = head.getValue();
        long entries = lp.intValue(lp.first());
        if (limit != 0 && entries > limit) {
            return false;
        }
        if (minId == null) {
            return length > maxLength && (!approximate || length - entries >= maxLength);
        }
        if (approximate) {
            return lastIdOf(head.getKey(), lp).compareTo(minId) < 0;
        }
        return firstLiveId().compareTo(minId) < 0;
    }

    /** Whether a live entry has this ID. */
    public boolean contains(StreamId id) {
        return entry(id) != null;
    }

    private StreamId firstLiveId() {
        Cursor c = cursor(StreamId.MIN, StreamId.MAX, false);
        c.next();
        return c.id();
    }

    /** The exact part of a trim: flags entries of the head block deleted until the goal is met. */
    private long trimInside(StreamId master, Listpack lp, boolean byLength, long maxLength, StreamId minId) {
        long before = lp.capacity();
        int masterFields = (int) lp.intValue(lp.next(lp.next(lp.first())));
        int p = lp.first();
        for (int i = 0; i < masterFields + 4; i++) {
            p = lp.next(p);
        }
        long marked = 0;
        while (p >= 0) {
            int flagsPos = p;
            int flags = (int) lp.intValue(p);
            p = lp.next(p);
            long ms = master.ms() + lp.intValue(p);
            p = lp.next(p);
            long seq = master.seq() + lp.intValue(p);
            p = lp.next(p);
            boolean stop = byLength ? length <= maxLength : StreamId.compare(ms, seq, minId.ms(), minId.seq()) >= 0;
            if (stop) {
                break;
            }
            int skip;
            if ((flags & FLAG_SAMEFIELDS) != 0) {
                skip = masterFields;
            } else {
                skip = 2 * (int) lp.intValue(p) + 1;
            }
            for (int i = 0; i <= skip; i++) {
                p = lp.next(p);
            }
            if ((flags & FLAG_DELETED) == 0) {
                lp.replaceLong(flagsPos, flags | FLAG_DELETED); // same size: flags stay below 64
                marked++;
                length--;
            }
        }
        adjustCounts(lp, -marked);
        memory += lp.capacity() - before;
        return marked;
    }

    /** Moves {@code n} entries of a block between its live and deleted counts. */
    private static void adjustCounts(Listpack lp, long liveDelta) {
        int p = lp.first();
        p = lp.replaceLong(p, lp.intValue(p) + liveDelta);
        p = lp.next(p);
        lp.replaceLong(p, lp.intValue(p) - liveDelta);
    }

    private void removeBlock(StreamId master, Listpack lp) {
        blocks.remove(master);
        radixNodes = -1;
        memory -= lp.capacity() + BLOCK_OVERHEAD;
    }

    /** The ID of a block's last entry, deleted or not (Redis's lpGetEdgeStreamID). */
    private static StreamId lastIdOf(StreamId master, Listpack lp) {
        int p = lp.last();
        int count = (int) lp.intValue(p);
        for (int i = 0; i < count; i++) {
            p = lp.prev(p);
        }
        p = lp.next(p);
        long ms = master.ms() + lp.intValue(p);
        return new StreamId(ms, master.seq() + lp.intValue(lp.next(p)));
    }

    // ---------------------------------------------------------------- reading

    /** A cursor over the live entries with IDs in [start, end], forwards or backwards. */
    public Cursor cursor(StreamId start, StreamId end, boolean reverse) {
        return new Cursor(start, end, reverse);
    }

    /**
     * Walks live entries in range. After {@link #next()} returns true, the entry's ID, field count
     * and the listpack positions of its fields and values are readable until the next call or the
     * next write to the stream.
     */
    public final class Cursor {
        private final StreamId start;
        private final StreamId end;
        private final boolean reverse;
        private StreamId master;
        private Listpack lp;
        private int masterFieldsPos;
        private int masterFieldCount;
        /** Forwards: the element after which the next entry starts; backwards: the next entry's lp-count. */
        private int pos = -1;
        private int flagsPos;
        private long ms;
        private long seq;
        private int fieldCount;
        private int[] fieldPositions = new int[8];
        private int[] valuePositions = new int[8];
        private boolean started;

        Cursor(StreamId start, StreamId end, boolean reverse) {
            this.start = start;
            this.end = end;
            this.reverse = reverse;
        }

        public boolean next() {
            while (true) {
                if (lp == null || pos < 0) {
                    if (!nextBlock()) {
                        return false;
                    }
                }
                while (pos >= 0) {
                    int entry;
                    if (!reverse) {
                        entry = lp.next(pos);
                        if (entry < 0) {
                            pos = -1;
                            break;
                        }
                    } else {
                        int count = (int) lp.intValue(pos);
                        if (count == 0) {
                            pos = -1;
                            break;
                        }
                        entry = pos;
                        for (int i = 0; i < count; i++) {
                            entry = lp.prev(entry);
                        }
                    }
                    int lpCountPos = decode(entry);
                    pos = reverse ? lp.prev(entry) : lpCountPos;
                    if ((lp.intValue(entry) & FLAG_DELETED) != 0) {
                        continue;
                    }
                    if (!reverse) {
                        if (StreamId.compare(ms, seq, start.ms(), start.seq()) < 0) {
                            continue;
                        }
                        if (StreamId.compare(ms, seq, end.ms(), end.seq()) > 0) {
                            return finish();
                        }
                    } else {
                        if (StreamId.compare(ms, seq, end.ms(), end.seq()) > 0) {
                            continue;
                        }
                        if (StreamId.compare(ms, seq, start.ms(), start.seq()) < 0) {
                            return finish();
                        }
                    }
                    return true;
                }
            }
        }

        private boolean finish() {
            lp = null;
            master = null;
            started = true;
            pos = -1;
            blocksDone = true;
            return false;
        }

        private boolean blocksDone;

        private boolean nextBlock() {
            if (blocksDone) {
                return false;
            }
            Map.Entry<StreamId, Listpack> e;
            if (!started) {
                started = true;
                if (!reverse) {
                    e = start.isZero() ? null : blocks.floorEntry(start);
                    if (e == null) {
                        e = blocks.firstEntry();
                    }
                } else {
                    e = blocks.floorEntry(end);
                }
            } else {
                e = reverse ? blocks.lowerEntry(master) : blocks.higherEntry(master);
            }
            if (e == null) {
                blocksDone = true;
                return false;
            }
            master = e.getKey();
            lp = e.getValue();
            int p = lp.next(lp.next(lp.first()));
            masterFieldCount = (int) lp.intValue(p);
            masterFieldsPos = lp.next(p);
            if (reverse) {
                pos = lp.last();
            } else {
                pos = p;
                for (int i = 0; i < masterFieldCount + 1; i++) {
                    pos = lp.next(pos);
                }
                // pos is now the master terminator: the next entry follows it
            }
            return true;
        }

        /** Reads the entry at {@code entry} into the cursor; returns the position of its lp-count. */
        private int decode(int entry) {
            flagsPos = entry;
            int flags = (int) lp.intValue(entry);
            int p = lp.next(entry);
            ms = master.ms() + lp.intValue(p);
            p = lp.next(p);
            seq = master.seq() + lp.intValue(p);
            p = lp.next(p);
            if ((flags & FLAG_SAMEFIELDS) != 0) {
                fieldCount = masterFieldCount;
                ensureCapacity(fieldCount);
                int f = masterFieldsPos;
                for (int i = 0; i < fieldCount; i++) {
                    fieldPositions[i] = f;
                    f = lp.next(f);
                    valuePositions[i] = p;
                    p = lp.next(p);
                }
            } else {
                fieldCount = (int) lp.intValue(p);
                ensureCapacity(fieldCount);
                p = lp.next(p);
                for (int i = 0; i < fieldCount; i++) {
                    fieldPositions[i] = p;
                    p = lp.next(p);
                    valuePositions[i] = p;
                    p = lp.next(p);
                }
            }
            return p;
        }

        private void ensureCapacity(int n) {
            if (fieldPositions.length < n) {
                fieldPositions = new int[n];
                valuePositions = new int[n];
            }
        }

        public long ms() {
            return ms;
        }

        public long seq() {
            return seq;
        }

        public StreamId id() {
            return new StreamId(ms, seq);
        }

        public int fieldCount() {
            return fieldCount;
        }

        public Listpack listpack() {
            return lp;
        }

        public int fieldPosition(int i) {
            return fieldPositions[i];
        }

        public int valuePosition(int i) {
            return valuePositions[i];
        }

        /**
         * Flags the current entry deleted (the whole block goes if it was its last live entry).
         * The cursor cannot continue afterwards: seek again.
         */
        void markDeleted() {
            long before = lp.capacity();
            long live = lp.intValue(lp.first());
            if (live == 1) {
                removeBlock(master, lp);
            } else {
                lp.replaceLong(flagsPos, lp.intValue(flagsPos) | FLAG_DELETED);
                adjustCounts(lp, -1);
                memory += lp.capacity() - before;
            }
            length--;
            finish();
        }
    }
}
