package io.cinnabar.types;

import io.cinnabar.util.Lzf;
import java.util.Arrays;

/**
 * The list type as Redis 7.0 keeps it: a quicklist, i.e. a doubly linked list of nodes that each
 * hold a {@link Listpack} of elements ("packed") or one large element on its own ("plain").
 *
 * <p>Node sizes follow {@code list-max-listpack-size} (the "fill": a negative value limits each
 * node's listpack to 4, 8, 16, 32 or 64 KB, a positive one limits its entry count, within an
 * 8 KB safety limit), and nodes deeper than {@code list-compress-depth} from either end are LZF
 * compressed. Both settings are taken when the list is created, as Redis does. The rules for
 * where an element goes, when nodes split and merge and which nodes get compressed mirror
 * Redis's quicklist.c step by step, because they decide the node layout that memory use and
 * the RDB encoding expose.
 *
 * <p>Reading goes through an {@link Iter}, which like Redis's iterator decompresses the node it
 * reads and compresses it again when it leaves it.
 */
public final class ListValue implements TypedValue {
    /** Node listpack size limits for fill -1 .. -5. */
    private static final int[] SIZE_LIMITS = {4096, 8192, 16384, 32768, 65536};
    /** Count-limited nodes still never grow past this many bytes. */
    private static final int SIZE_SAFETY_LIMIT = 8192;
    /** Over-estimate of an entry's encoding and backlen bytes when checking room in a node. */
    private static final int SIZE_ESTIMATE_OVERHEAD = 8;
    /** Listpack header and terminator of one of two merged nodes, as Redis 7.0 estimates them. */
    private static final int MERGE_SAVING = 11;
    private static final int MIN_COMPRESS_BYTES = 48;
    private static final int MIN_COMPRESS_IMPROVE = 8;
    private static final int FILL_MAX = (1 << 15) - 1;
    private static final int COMPRESS_MAX = (1 << 16) - 1;
    private static final int NONE = -1;
    private static final long LIST_OVERHEAD = 48;
    private static final long NODE_OVERHEAD = 48;
    private static final long LISTPACK_OVERHEAD = 24;
    private static final int SCRATCH_LIMIT = 1 << 17;
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[SIZE_LIMITS[4]]);

    /** Elements at least this long get a plain node of their own (DEBUG QUICKLIST-PACKED-THRESHOLD). */
    private static volatile long packedThreshold = 1L << 30;

    /**
     * One node. While raw, a packed node's elements are in {@code lp} and a plain node's element
     * in {@code plain}; while compressed only {@code lzf} is set. A raw node may keep {@code lzf}
     * as the still valid compressed form of its unchanged contents, so compressing it again (as
     * Redis does after every read) costs nothing.
     */
    static final class Node {
        Node prev;
        Node next;
        Listpack lp;
        byte[] plain;
        byte[] lzf;
        final boolean isPlain;
        int count;
        /** Uncompressed bytes: the listpack blob or the plain element. */
        int sz;
        /** Decompressed only to be read or changed: compress again afterwards. */
        boolean recompress;
        long charge;

        Node(boolean isPlain) {
            this.isPlain = isPlain;
        }

        boolean isCompressed() {
            return lp == null && plain == null;
        }
    }

    private final int fill;
    private final int compressDepth;
    private Node head;
    private Node tail;
    private int nodeCount;
    private long count;
    private long memory = LIST_OVERHEAD;

    public ListValue(int fill, int compressDepth) {
        this.fill = Math.max(-5, Math.min(FILL_MAX, fill));
        this.compressDepth = Math.max(0, Math.min(COMPRESS_MAX, compressDepth));
    }

    /** Sets the plain-node threshold for every list; 0 restores Redis's default of 1 GB. */
    public static void setPackedThreshold(long bytes) {
        packedThreshold = bytes == 0 ? 1L << 30 : bytes;
    }

    private static boolean isLarge(int length) {
        return length >= packedThreshold;
    }

    @Override
    public String typeName() {
        return "list";
    }

    @Override
    public String encoding() {
        return "quicklist";
    }

    @Override
    public long memoryUsage() {
        return memory;
    }

    public long size() {
        return count;
    }

    public int fill() {
        return fill;
    }

    public int compressDepth() {
        return compressDepth;
    }

    /** Number of quicklist nodes. */
    public int nodeCount() {
        return nodeCount;
    }

    /** Number of nodes currently held LZF compressed. */
    public int compressedNodeCount() {
        int n = 0;
        for (Node x = head; x != null; x = x.next) {
            if (x.isCompressed()) {
                n++;
            }
        }
        return n;
    }

    /** Sum of the nodes' uncompressed sizes (DEBUG OBJECT's ql_uncompressed_size). */
    public long uncompressedSize() {
        long total = 0;
        for (Node x = head; x != null; x = x.next) {
            total += x.sz;
        }
        return total;
    }

    /** Element counts of the nodes, head first, with plain nodes as negative counts (for tests). */
    int[] nodeShape() {
        int[] shape = new int[nodeCount];
        int i = 0;
        for (Node x = head; x != null; x = x.next) {
            shape[i++] = x.isPlain ? -x.count : x.count;
        }
        return shape;
    }

    // ---------------------------------------------------------------- memory and compression

    private void recharge(Node n) {
        long c = NODE_OVERHEAD;
        if (n.lp != null) {
            c += LISTPACK_OVERHEAD + Values.byteArraySize(n.lp.capacity());
        }
        if (n.plain != null) {
            c += Values.byteArraySize(n.plain.length);
        }
        if (n.lzf != null) {
            c += Values.byteArraySize(n.lzf.length);
        }
        memory += c - n.charge;
        n.charge = c;
    }

    /** After any change to a raw node's contents: its compressed copy is stale, its size new. */
    private void edited(Node n) {
        n.lzf = null;
        n.sz = n.isPlain ? n.plain.length : n.lp.bytes();
        recharge(n);
    }

    private byte[] rawBytes(Node n) {
        return n.isPlain ? n.plain : n.lp.array();
    }

    /** Redis's quicklistCompressNode: LZF if the node is big enough and it pays. */
    private void compressNode(Node n) {
        if (n == null || n.isCompressed()) {
            return;
        }
        n.recompress = false;
        if (n.sz < MIN_COMPRESS_BYTES) {
            return;
        }
        if (n.lzf == null) {
            byte[] out = n.sz <= SCRATCH_LIMIT ? scratch(n.sz) : new byte[n.sz];
            int len = Lzf.compress(rawBytes(n), 0, n.sz, out, 0, n.sz);
            if (len == 0 || len + MIN_COMPRESS_IMPROVE >= n.sz) {
                return;
            }
            n.lzf = Arrays.copyOf(out, len);
        }
        n.lp = null;
        n.plain = null;
        recharge(n);
    }

    private static byte[] scratch(int size) {
        byte[] b = SCRATCH.get();
        if (b.length < size) {
            b = new byte[size];
            SCRATCH.set(b);
        }
        return b;
    }

    /** Redis's quicklistDecompressNode; the compressed form is kept until the node changes. */
    private void decompressNode(Node n) {
        if (n == null || !n.isCompressed()) {
            return;
        }
        n.recompress = false;
        byte[] raw = new byte[n.sz];
        if (Lzf.decompress(n.lzf, 0, n.lzf.length, raw, 0, n.sz) != n.sz) {
            throw new IllegalStateException("corrupt compressed quicklist node");
        }
        if (n.isPlain) {
            n.plain = raw;
        } else {
            n.lp = Listpack.fromBytes(raw);
        }
        recharge(n);
    }

    private void decompressForUse(Node n) {
        if (n != null && n.isCompressed()) {
            decompressNode(n);
            n.recompress = true;
        }
    }

    private void recompressOnly(Node n) {
        if (n.recompress) {
            compressNode(n);
        }
    }

    /** Redis's quicklistCompress: a node used in place is compressed back, else the depth rule runs. */
    private void compress(Node n) {
        if (n.recompress) {
            compressNode(n);
        } else {
            compressAround(n);
        }
    }

    /**
     * Redis's __quicklistCompress: the {@code compressDepth} nodes at each end are made raw, the
     * first node past them on each side and {@code node} (when it lies inside) are compressed.
     */
    private void compressAround(Node node) {
        if (nodeCount == 0 || compressDepth == 0 || nodeCount < compressDepth * 2) {
            return;
        }
        Node forward = head;
        Node reverse = tail;
        boolean inDepth = false;
        for (int depth = 0; depth < compressDepth; depth++) {
            decompressNode(forward);
            decompressNode(reverse);
            if (forward == node || reverse == node) {
                inDepth = true;
            }
            if (forward == reverse || forward.next == reverse) {
                return;
            }
            forward = forward.next;
            reverse = reverse.prev;
        }
        if (!inDepth) {
            compressNode(node);
        }
        compressNode(forward);
        compressNode(reverse);
    }

    // ---------------------------------------------------------------- node bookkeeping

    private Node newPackedNode(byte[] value) {
        Node n = new Node(false);
        n.lp = new Listpack();
        n.lp.append(value);
        n.count = 1;
        edited(n);
        return n;
    }

    private Node newPlainNode(byte[] value) {
        Node n = new Node(true);
        n.plain = value;
        n.count = 1;
        edited(n);
        return n;
    }

    /** Redis's __quicklistInsertNode: links {@code node} before or after {@code old} (null when empty). */
    private void insertNode(Node old, Node node, boolean after) {
        if (after) {
            node.prev = old;
            if (old != null) {
                node.next = old.next;
                if (old.next != null) {
                    old.next.prev = node;
                }
                old.next = node;
            }
            if (tail == old) {
                tail = node;
            }
        } else {
            node.next = old;
            if (old != null) {
                node.prev = old.prev;
                if (old.prev != null) {
                    old.prev.next = node;
                }
                old.prev = node;
            }
            if (head == old) {
                head = node;
            }
        }
        if (nodeCount == 0) {
            head = node;
            tail = node;
        }
        nodeCount++;
        if (old != null) {
            compress(old);
        }
        compress(node);
    }

    private void deleteNode(Node n) {
        if (n.next != null) {
            n.next.prev = n.prev;
        }
        if (n.prev != null) {
            n.prev.next = n.next;
        }
        if (n == tail) {
            tail = n.prev;
        }
        if (n == head) {
            head = n.next;
        }
        nodeCount--;
        count -= n.count;
        memory -= n.charge;
        n.charge = 0;
        compressAround(null);
    }

    /** Redis's quicklistDelIndex: removes the entry at {@code pos}; true if the node went with it. */
    private boolean deleteIndex(Node n, int pos) {
        if (n.isPlain) {
            deleteNode(n);
            return true;
        }
        n.lp.delete(pos);
        n.count--;
        boolean gone = n.count == 0;
        if (gone) {
            deleteNode(n);
        } else {
            edited(n);
        }
        count--;
        return gone;
    }

    /**
     * Whether a node of about {@code size} bytes and {@code entries} elements is within the fill:
     * under the size limit of a negative fill, or for a positive fill at most that many entries
     * and under the safety limit.
     */
    private boolean withinFill(long size, long entries) {
        if (fill < 0) {
            return size <= SIZE_LIMITS[-fill - 1];
        }
        return size <= SIZE_SAFETY_LIMIT && entries <= fill;
    }

    /** Redis's _quicklistNodeAllowInsert. */
    private boolean allowInsert(Node n, int length) {
        if (n == null || n.isPlain || isLarge(length)) {
            return false;
        }
        return withinFill((long) n.sz + length + SIZE_ESTIMATE_OVERHEAD, n.count + 1L);
    }

    /** Redis's _quicklistNodeAllowMerge. */
    private boolean allowMerge(Node a, Node b) {
        if (a == null || b == null || a.isPlain || b.isPlain) {
            return false;
        }
        return withinFill((long) a.sz + b.sz - MERGE_SAVING, (long) a.count + b.count);
    }

    // ---------------------------------------------------------------- push and pop

    /** LPUSH / RPUSH of one element. */
    public void push(byte[] value, boolean atHead) {
        Node end = atHead ? head : tail;
        if (isLarge(value.length)) {
            insertNode(end, newPlainNode(value), !atHead);
            count++;
            return;
        }
        if (allowInsert(end, value.length)) {
            if (atHead) {
                end.lp.prepend(value);
            } else {
                end.lp.append(value);
            }
            end.count++;
            edited(end);
        } else {
            insertNode(end, newEndNode(end, value), !atHead);
        }
        count++;
    }

    /**
     * A packed node for a push past the full end node {@code full}: pushes at this end are
     * likely to fill it just as far, so it starts with that node's size instead of growing
     * there by reallocation (the garbage of those copies is most of what a push allocates).
     * The full node stops growing here, so the room it kept from growing is given back.
     */
    private Node newEndNode(Node full, byte[] value) {
        if (full == null || full.isPlain || full.isCompressed()) {
            return newPackedNode(value);
        }
        Listpack lp = full.lp;
        if (lp.capacity() - lp.bytes() > lp.bytes() >> 3) {
            lp.trimToSize();
            recharge(full);
        }
        Node n = new Node(false);
        n.lp = Listpack.withCapacity(full.sz);
        n.lp.append(value);
        n.count = 1;
        edited(n);
        return n;
    }

    /** Removes and returns the first or last element, or null when empty. */
    public byte[] pop(boolean atHead) {
        Node n = atHead ? head : tail;
        if (n == null) {
            return null;
        }
        decompressNode(n); // the ends are kept raw; this only guards the invariant
        if (n.isPlain) {
            byte[] v = n.plain;
            deleteIndex(n, 0);
            return v;
        }
        int pos = atHead ? n.lp.first() : n.lp.last();
        byte[] v = n.lp.get(pos);
        deleteIndex(n, pos);
        return v;
    }

    // ---------------------------------------------------------------- iteration

    /** An iterator from one end: towards the tail if {@code forward}. */
    public Iter iterator(boolean forward) {
        Iter it = new Iter(forward);
        it.current = forward ? head : tail;
        it.offset = forward ? 0 : -1;
        return it;
    }

    /**
     * Redis's quicklistGetIteratorAtIdx: an iterator whose first {@link Iter#next} gives the
     * element at {@code index} (negative from the tail), or null when out of range. The node is
     * found by walking node counts from the nearer end.
     */
    public Iter iteratorAt(long index, boolean forward) {
        boolean fromHead = index >= 0;
        long wanted = fromHead ? index : -index - 1;
        if (wanted >= count || wanted < 0) {
            return null;
        }
        boolean seekForward = fromHead;
        long seekIndex = wanted;
        if (wanted > (count - 1) / 2) {
            seekForward = !fromHead;
            seekIndex = count - 1 - wanted;
        }
        long accum = 0;
        Node n = seekForward ? head : tail;
        while (n != null && accum + n.count <= seekIndex) {
            accum += n.count;
            n = seekForward ? n.next : n.prev;
        }
        if (n == null) {
            return null;
        }
        if (seekForward != fromHead) {
            accum = count - n.count - accum;
        }
        Iter it = new Iter(forward);
        it.current = n;
        it.offset = (int) (fromHead ? wanted - accum : -wanted - 1 + accum);
        return it;
    }

    /**
     * A position in the list, as Redis's quicklistIter plus the current quicklistEntry. Call
     * {@link #next} before reading; {@link #release} when done (it compresses the last node read).
     */
    public final class Iter {
        private final boolean forward;
        private Node current;
        private int zi = NONE;
        private int offset;
        private Node entryNode;
        private int entryPos;
        private int entryOffset;

        Iter(boolean forward) {
            this.forward = forward;
        }

        /** Moves to the next element; false at the end. */
        public boolean next() {
            while (true) {
                if (current == null) {
                    entryNode = null;
                    return false;
                }
                boolean plain = current.isPlain;
                if (zi == NONE) {
                    decompressForUse(current);
                    zi = plain ? 0 : current.lp.seek(offset);
                } else if (plain) {
                    zi = NONE;
                } else {
                    zi = forward ? current.lp.next(zi) : current.lp.prev(zi);
                    offset += forward ? 1 : -1;
                }
                entryNode = current;
                entryPos = zi;
                entryOffset = offset;
                if (zi != NONE) {
                    return true;
                }
                compress(current);
                current = forward ? current.next : current.prev;
                offset = forward ? 0 : -1;
                zi = NONE;
            }
        }

        public boolean isInt() {
            return !entryNode.isPlain && entryNode.lp.isInt(entryPos);
        }

        public long intValue() {
            return entryNode.lp.intValue(entryPos);
        }

        /** The array holding a string element (see {@link #offset()} and {@link #length()}). */
        public byte[] array() {
            return entryNode.isPlain ? entryNode.plain : entryNode.lp.array();
        }

        public int offset() {
            return entryNode.isPlain ? 0 : entryNode.lp.strOffset(entryPos);
        }

        public int length() {
            return entryNode.isPlain ? entryNode.plain.length : entryNode.lp.strLength(entryPos);
        }

        /** The element as bytes (allocates; integers as their decimal text). */
        public byte[] toBytes() {
            return entryNode.isPlain ? entryNode.plain.clone() : entryNode.lp.get(entryPos);
        }

        /** Redis's quicklistCompare: byte equality, an integer entry standing for its text. */
        public boolean elementEquals(byte[] s) {
            if (entryNode.isPlain) {
                return Arrays.equals(entryNode.plain, s);
            }
            return entryNode.lp.entryEquals(entryPos, s);
        }

        /** Redis's quicklistDelEntry: removes the current element; iteration continues after it. */
        public void delete() {
            Node prev = entryNode.prev;
            Node next = entryNode.next;
            boolean gone = deleteIndex(entryNode, entryPos);
            zi = NONE;
            if (gone) {
                current = forward ? next : prev;
                offset = forward ? 0 : -1;
            }
        }

        /** Redis's _quicklistInsert next to the current element; ends the iteration. */
        public void insert(byte[] value, boolean after) {
            insertAt(entryNode, entryPos, entryOffset, value, after);
            current = null;
            zi = NONE;
        }

        /** Redis's quicklistReplaceEntry of the current element; ends the iteration. */
        public void replace(byte[] value) {
            Node node = entryNode;
            if (!node.isPlain && !isLarge(value.length)) {
                node.lp.replace(entryPos, value);
                edited(node);
                compress(node);
            } else if (node.isPlain) {
                if (isLarge(value.length)) {
                    node.plain = value;
                    edited(node);
                    compress(node);
                } else {
                    insertAt(node, entryPos, entryOffset, value, true);
                    deleteNode(node);
                }
            } else {
                insertAt(node, entryPos, entryOffset, value, true);
                if (node.count == 1) {
                    deleteNode(node);
                } else {
                    deleteIndex(node, node.lp.last());
                    compress(node.next);
                }
            }
            current = null;
            zi = NONE;
        }

        /** Redis's quicklistReleaseIterator: compresses the node it stopped on. */
        public void release() {
            if (current != null) {
                compress(current);
            }
        }
    }

    /** LSET: false when the index is out of range. */
    public boolean replaceAt(long index, byte[] value) {
        Iter it = iteratorAt(index, false);
        if (it == null) {
            return false;
        }
        it.next();
        it.replace(value);
        it.release();
        return true;
    }

    // ---------------------------------------------------------------- insertion inside the list

    /**
     * Redis's _quicklistInsert: puts {@code value} before or after the entry at {@code pos}
     * (index {@code entryOffset} in {@code node}, negative when counted from its tail), in the
     * node if it has room, else at the near end of the neighbour, else in a new node, else by
     * splitting the node and merging what can be merged around it.
     */
    private void insertAt(Node node, int pos, int entryOffset, byte[] value, boolean after) {
        int length = value.length;
        boolean full = !allowInsert(node, length);
        boolean atTail = false;
        boolean atHead = false;
        boolean availNext = false;
        boolean availPrev = false;
        if (after && (entryOffset == node.count - 1 || entryOffset == -1)) {
            atTail = true;
            availNext = allowInsert(node.next, length);
        }
        if (!after && (entryOffset == 0 || entryOffset == -node.count)) {
            atHead = true;
            availPrev = allowInsert(node.prev, length);
        }
        if (isLarge(length)) {
            if (node.isPlain || (atTail && after) || (atHead && !after)) {
                insertNode(node, newPlainNode(value), after);
            } else {
                decompressForUse(node);
                Node rest = splitNode(node, entryOffset, after);
                Node plain = newPlainNode(value);
                insertNode(node, plain, after);
                insertNode(plain, rest, after);
            }
            count++;
            return;
        }
        if (!full) {
            decompressForUse(node);
            node.lp.insert(pos, value, after);
            node.count++;
            edited(node);
            recompressOnly(node);
        } else if (atTail && availNext && after) {
            Node next = node.next;
            decompressForUse(next);
            next.lp.prepend(value);
            next.count++;
            edited(next);
            recompressOnly(next);
            recompressOnly(node);
        } else if (atHead && availPrev && !after) {
            Node prev = node.prev;
            decompressForUse(prev);
            prev.lp.append(value);
            prev.count++;
            edited(prev);
            recompressOnly(prev);
            recompressOnly(node);
        } else if ((atTail && !availNext && after) || (atHead && !availPrev && !after)) {
            insertNode(node, newPackedNode(value), after);
        } else {
            decompressForUse(node);
            Node split = splitNode(node, entryOffset, after);
            if (after) {
                split.lp.prepend(value);
            } else {
                split.lp.append(value);
            }
            split.count++;
            edited(split);
            insertNode(node, split, after);
            mergeAround(node);
        }
        count++;
    }

    /**
     * Redis's _quicklistSplitNode: with {@code after}, {@code node} keeps [0, offset] and the new
     * node gets the rest; otherwise the new node gets [0, offset) and {@code node} the rest.
     * The new node is not linked yet.
     */
    private Node splitNode(Node node, int offset, boolean after) {
        Node split = new Node(false);
        split.lp = node.lp.copy();
        deleteRange(node.lp, after ? offset + 1 : 0, after ? -1 : offset);
        node.count = node.lp.size();
        edited(node);
        deleteRange(split.lp, after ? 0 : offset, after ? offset + 1 : -1);
        split.count = split.lp.size();
        edited(split);
        return split;
    }

    /** lpDeleteRange, whose count is unsigned: a negative one deletes to the end. */
    private static void deleteRange(Listpack lp, int index, long n) {
        lp.deleteRange(index, n < 0 || n > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) n);
    }

    /** Redis's _quicklistMergeNodes around {@code center}. */
    private void mergeAround(Node center) {
        Node prev = center.prev;
        Node prevPrev = prev == null ? null : prev.prev;
        Node next = center.next;
        Node nextNext = next == null ? null : next.next;
        if (allowMerge(prev, prevPrev)) {
            merge(prevPrev, prev);
        }
        if (allowMerge(next, nextNext)) {
            merge(next, nextNext);
        }
        Node target;
        if (allowMerge(center, center.prev)) {
            target = merge(center.prev, center);
        } else {
            target = center;
        }
        if (allowMerge(target, target.next)) {
            merge(target, target.next);
        }
    }

    /**
     * Redis's _quicklistListpackMerge of adjacent nodes a (left) and b: the larger listpack takes
     * the other's entries. Returns the node kept.
     */
    private Node merge(Node a, Node b) {
        decompressNode(a);
        decompressNode(b);
        Node keep = a.lp.bytes() >= b.lp.bytes() ? a : b;
        Node drop = keep == a ? b : a;
        keep.lp = concat(a.lp, b.lp);
        keep.count = keep.lp.size();
        edited(keep);
        drop.count = 0;
        deleteNode(drop);
        compress(keep);
        return keep;
    }

    private static Listpack concat(Listpack a, Listpack b) {
        int aEntries = a.bytes() - Listpack.EMPTY_SIZE;
        int bEntries = b.bytes() - Listpack.EMPTY_SIZE;
        int total = Listpack.EMPTY_SIZE + aEntries + bEntries;
        byte[] blob = new byte[total];
        System.arraycopy(a.array(), Listpack.HEADER_SIZE, blob, Listpack.HEADER_SIZE, aEntries);
        System.arraycopy(b.array(), Listpack.HEADER_SIZE, blob, Listpack.HEADER_SIZE + aEntries, bEntries);
        blob[total - 1] = (byte) 0xFF;
        int entries = Math.min(a.size() + b.size(), Listpack.UNKNOWN_COUNT);
        blob[0] = (byte) total;
        blob[1] = (byte) (total >>> 8);
        blob[2] = (byte) (total >>> 16);
        blob[3] = (byte) (total >>> 24);
        blob[4] = (byte) entries;
        blob[5] = (byte) (entries >>> 8);
        return Listpack.fromBytes(blob);
    }

    // ---------------------------------------------------------------- ranges

    /**
     * Redis's quicklistDelRange: deletes {@code n} elements from index {@code start} (negative
     * from the tail), fewer if the list ends first.
     */
    public void deleteRange(long start, long n) {
        if (n <= 0) {
            return;
        }
        long extent = n;
        if (start >= 0 && extent > count - start) {
            extent = count - start;
        } else if (start < 0 && extent > -start) {
            extent = -start;
        }
        Iter it = iteratorAt(start, false);
        if (it == null) {
            return;
        }
        Node node = it.current;
        long offset = it.offset;
        it.release();
        while (extent > 0) {
            Node next = node.next;
            long del;
            boolean wholeNode = false;
            if (offset == 0 && extent >= node.count) {
                wholeNode = true;
                del = node.count;
            } else if (offset >= 0 && extent + offset >= node.count) {
                del = node.count - offset;
            } else if (offset < 0) {
                del = Math.min(-offset, extent);
            } else {
                del = extent;
            }
            if (wholeNode || node.isPlain) {
                deleteNode(node);
            } else {
                decompressForUse(node);
                node.lp.deleteRange((int) offset, (int) del);
                node.count -= (int) del;
                count -= del;
                if (node.count == 0) {
                    deleteNode(node);
                } else {
                    edited(node);
                    recompressOnly(node);
                }
            }
            extent -= del;
            node = next;
            offset = 0;
        }
    }

    // ---------------------------------------------------------------- persistence

    /** What the RDB writer sees of one node, head to tail (see {@link #forEachNode}). */
    public interface NodeVisitor {
        /**
         * {@code data[0, length)} is the node's LZF form when {@code compressed} (and
         * {@code rawSize} its uncompressed size), else its listpack blob or plain element.
         */
        void node(boolean plain, boolean compressed, byte[] data, int length, int rawSize);
    }

    /** Visits the nodes in their current form, as Redis's RDB saves each node. */
    public void forEachNode(NodeVisitor visitor) {
        for (Node n = head; n != null; n = n.next) {
            if (n.isCompressed()) {
                visitor.node(n.isPlain, true, n.lzf, n.lzf.length, n.sz);
            } else {
                visitor.node(n.isPlain, false, rawBytes(n), n.sz, n.sz);
            }
        }
    }

    /**
     * Redis's quicklistAppendListpack: adopts a non-empty, validated listpack as a new tail node
     * as it is, without splitting it by the fill; compression follows the depth.
     */
    public void appendListpackNode(Listpack lp) {
        Node n = new Node(false);
        n.lp = lp;
        n.count = lp.size();
        edited(n);
        count += n.count;
        insertNode(tail, n, true);
    }

    /** Redis's quicklistAppendPlainNode: one element as a plain tail node. */
    public void appendPlainNode(byte[] element) {
        Node n = newPlainNode(element);
        count++;
        insertNode(tail, n, true);
    }

    // ---------------------------------------------------------------- copy

    /** Redis's quicklistDup: the same nodes in the same encodings. */
    @Override
    public ListValue copy() {
        ListValue c = new ListValue(fill, compressDepth);
        for (Node n = head; n != null; n = n.next) {
            Node d = new Node(n.isPlain);
            if (n.isCompressed()) {
                d.lzf = n.lzf.clone();
            } else if (n.isPlain) {
                d.plain = n.plain.clone();
            } else {
                d.lp = n.lp.copy();
            }
            d.count = n.count;
            d.sz = n.sz;
            c.count += d.count;
            c.recharge(d);
            c.insertNode(c.tail, d, true);
        }
        return c;
    }
}
