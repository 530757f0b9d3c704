package io.cinnabar.types;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Redis's zskiplist: members ordered by (score, member bytes), with a span on every forward link
 * so ranks are found in O(log n). Levels are drawn with p = 1/4 up to 32, as in Redis.
 *
 * <p>Per-member cost and cache misses: a node's links live in the node itself for the levels
 * nearly every node has (levels 1..3: 63 of 64 nodes), in subclasses sized to the node's level,
 * so a walk reads a link from the node whose score it just compared, as Redis's inline level
 * array does, and a level-1 node (three in four) carries no upper-level fields at all. Only
 * nodes above level 3 keep their higher links in two small arrays.
 */
public final class ZSkipList {
    public static final int MAX_LEVEL = 32;
    /** Levels held in fields; links of levels from here up are in {@link TallNode}'s arrays. */
    private static final int INLINE_LEVELS = 3;

    /**
     * One member, of level 1 (level 0 in link indexes, always span 1). Its level never changes,
     * so a node can be relinked at a new score.
     */
    public static class Node {
        public final byte[] member;
        double score;
        Node backward;
        Node next;

        Node(byte[] member, double score) {
            this.member = member;
            this.score = score;
        }

        public double score() {
            return score;
        }

        /** The node after this one in order, or null. */
        public Node next() {
            return next;
        }

        /** The node before this one in order, or null. */
        public Node prev() {
            return backward;
        }
    }

    /** A node of level 2: its level-1 link inline. */
    private static class Node2 extends Node {
        Node next1;
        int span1;

        Node2(byte[] member, double score) {
            super(member, score);
        }
    }

    /** A node of level 3. */
    private static class Node3 extends Node2 {
        Node next2;
        int span2;

        Node3(byte[] member, double score) {
            super(member, score);
        }
    }

    /** A node above level 3: links of levels 3.. in arrays (index 0 is level 3). */
    private static final class TallNode extends Node3 {
        final Node[] up;
        final int[] upSpan;

        TallNode(byte[] member, double score, int level) {
            super(member, score);
            up = new Node[level - INLINE_LEVELS];
            upSpan = new int[level - INLINE_LEVELS];
        }
    }

    private static Node newNode(byte[] member, double score, int level) {
        switch (level) {
            case 1:
                return new Node(member, score);
            case 2:
                return new Node2(member, score);
            case 3:
                return new Node3(member, score);
            default:
                return new TallNode(member, score, level);
        }
    }

    private static int levelOf(Node x) {
        if (x instanceof TallNode) {
            return ((TallNode) x).up.length + INLINE_LEVELS;
        }
        return x instanceof Node3 ? 3 : x instanceof Node2 ? 2 : 1;
    }

    private static Node forward(Node x, int level) {
        switch (level) {
            case 0:
                return x.next;
            case 1:
                return ((Node2) x).next1;
            case 2:
                return ((Node3) x).next2;
            default:
                return ((TallNode) x).up[level - INLINE_LEVELS];
        }
    }

    private static void setForward(Node x, int level, Node n) {
        switch (level) {
            case 0:
                x.next = n;
                break;
            case 1:
                ((Node2) x).next1 = n;
                break;
            case 2:
                ((Node3) x).next2 = n;
                break;
            default:
                ((TallNode) x).up[level - INLINE_LEVELS] = n;
        }
    }

    private static int span(Node x, int level) {
        switch (level) {
            case 0:
                return 1;
            case 1:
                return ((Node2) x).span1;
            case 2:
                return ((Node3) x).span2;
            default:
                return ((TallNode) x).upSpan[level - INLINE_LEVELS];
        }
    }

    private static void setSpan(Node x, int level, int span) {
        switch (level) {
            case 0:
                break;
            case 1:
                ((Node2) x).span1 = span;
                break;
            case 2:
                ((Node3) x).span2 = span;
                break;
            default:
                ((TallNode) x).upSpan[level - INLINE_LEVELS] = span;
        }
    }

    /**
     * Bytes a node holds beyond its member array, with compressed references: 32 for level 1,
     * 8 more per inline level, and a tall node's two arrays.
     */
    private static long memoryOf(Node x) {
        int level = levelOf(x);
        if (level <= INLINE_LEVELS) {
            return 32 + 8L * (level - 1);
        }
        return 56 + 2 * ((16L + 4L * (level - INLINE_LEVELS) + 7) & ~7L);
    }

    private final Node header = newNode(null, 0, MAX_LEVEL);
    private Node tail;
    private int length;
    private int level = 1;
    private long nodeMemory;
    /** Scratch for the walk down: the last node before the target on each level, and its rank. */
    private final Node[] update = new Node[MAX_LEVEL];
    private final long[] rank = new long[MAX_LEVEL];
    /**
     * The last member a dry run looked up in the member dict and what it found there (null when
     * absent), so the write that follows it (ZADD checks every pair before it announces a write)
     * skips a second hash lookup. Any link or unlink forgets it, so it never names a removed node
     * or misses an inserted one; it is matched by array identity, as the same argument is passed.
     */
    byte[] probedMember;
    Node probedNode;

    public int length() {
        return length;
    }

    public Node first() {
        return header.next;
    }

    public Node last() {
        return tail;
    }

    /** Bytes of nodes (member arrays excluded), kept as nodes come and go. */
    public long nodeMemory() {
        return nodeMemory;
    }

    static int randomLevel() {
        long bits = ThreadLocalRandom.current().nextLong();
        int level = 1;
        while ((bits & 3) == 0 && level < MAX_LEVEL) {
            level++;
            bits >>>= 2;
        }
        return level;
    }

    private static boolean before(Node n, double score, byte[] member) {
        return n.score < score || (n.score == score && Arrays.compareUnsigned(n.member, member) < 0);
    }

    /** Fills {@link #update} and {@link #rank} for the position of (score, member). */
    private void walkTo(double score, byte[] member) {
        Node x = header;
        long crossed = 0; // in a local: the walk's inner loop then stores nothing
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = forward(x, i)) != null && before(f, score, member)) {
                crossed += span(x, i);
                x = f;
            }
            rank[i] = crossed;
            update[i] = x;
        }
    }

    /** Inserts a member that is not in the list yet. */
    public Node insert(double score, byte[] member) {
        Node n = newNode(member, score, randomLevel());
        nodeMemory += memoryOf(n);
        link(n);
        return n;
    }

    private void link(Node x) {
        probedMember = null;
        walkTo(x.score, x.member);
        int lvl = levelOf(x);
        if (lvl > level) {
            for (int i = level; i < lvl; i++) {
                rank[i] = 0;
                update[i] = header;
                setSpan(header, i, length);
            }
            level = lvl;
        }
        for (int i = 0; i < lvl; i++) {
            Node u = update[i];
            setForward(x, i, forward(u, i));
            setForward(u, i, x);
            int crossed = (int) (rank[0] - rank[i]);
            setSpan(x, i, span(u, i) - crossed);
            setSpan(u, i, crossed + 1);
        }
        for (int i = lvl; i < level; i++) {
            setSpan(update[i], i, span(update[i], i) + 1);
        }
        x.backward = update[0] == header ? null : update[0];
        if (x.next != null) {
            x.next.backward = x;
        } else {
            tail = x;
        }
        length++;
    }

    /** Unlinks x, given {@link #update} filled by a walk to it. */
    private void unlink(Node x) {
        probedMember = null;
        probedNode = null;
        for (int i = 0; i < level; i++) {
            Node u = update[i];
            if (forward(u, i) == x) {
                setSpan(u, i, span(u, i) + span(x, i) - 1);
                setForward(u, i, forward(x, i));
            } else {
                setSpan(u, i, span(u, i) - 1);
            }
        }
        if (x.next != null) {
            x.next.backward = x.backward;
        } else {
            tail = x.backward;
        }
        while (level > 1 && forward(header, level - 1) == null) {
            level--;
        }
        length--;
        clearLinks(x);
    }

    private static void clearLinks(Node x) {
        x.backward = null;
        for (int i = levelOf(x) - 1; i >= 0; i--) {
            setForward(x, i, null);
        }
    }

    /** Removes the member with this score; returns its node, or null if absent. */
    public Node delete(double score, byte[] member) {
        walkTo(score, member);
        Node x = update[0].next;
        if (x != null && x.score == score && Arrays.equals(x.member, member)) {
            unlink(x);
            nodeMemory -= memoryOf(x);
            return x;
        }
        return null;
    }

    /**
     * Moves a member to a new score. The node stays the same object (so a dict pointing at it
     * needs no update); it is only relinked when its neighbours would no longer be in order.
     */
    public void updateScore(Node x, double newScore) {
        if ((x.backward == null || x.backward.score < newScore) && (x.next == null || x.next.score > newScore)) {
            x.score = newScore;
            return;
        }
        walkBefore(x);
        unlink(x);
        x.score = newScore;
        link(x);
    }

    /**
     * Fills {@link #update} with the nodes before x on each level, for an unlink. No ranks: an
     * unlink needs none. Meeting x itself ends a level on identity, so x's member bytes are not
     * compared at every level as a walk by (score, member) would.
     */
    private void walkBefore(Node x) {
        double score = x.score;
        byte[] member = x.member;
        Node at = header;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = forward(at, i)) != x && f != null && before(f, score, member)) {
                at = f;
            }
            update[i] = at;
        }
    }

    /**
     * 1-based rank of a node in the list. Knowing the node (from the member dict), the walk stops
     * on identity rather than comparing member bytes at each level.
     */
    public long rankOf(Node node) {
        double score = node.score;
        byte[] member = node.member;
        Node x = header;
        long r = 0;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = forward(x, i)) != null && (f == node || before(f, score, member))) {
                r += span(x, i);
                x = f;
            }
            if (x == node) {
                return r;
            }
        }
        throw new IllegalStateException("node not in this list");
    }

    /** The node at a 1-based rank, or null when out of range. */
    public Node byRank(long target) {
        if (target < 1 || target > length) {
            return null;
        }
        Node x = header;
        long traversed = 0;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = forward(x, i)) != null && traversed + span(x, i) <= target) {
                traversed += span(x, i);
                x = f;
            }
            if (traversed == target) {
                return x;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- ranges

    /** A score or lex interval, judged on nodes. */
    public interface Bounds {
        boolean isEmpty();

        boolean aboveMin(Node n);

        boolean belowMax(Node n);
    }

    public boolean intersects(Bounds range) {
        if (range.isEmpty() || tail == null || !range.aboveMin(tail)) {
            return false;
        }
        return range.belowMax(header.next);
    }

    /** The first node inside the range, or null. */
    public Node firstInRange(Bounds range) {
        if (!intersects(range)) {
            return null;
        }
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = forward(x, i)) != null && !range.aboveMin(f)) {
                x = f;
            }
        }
        x = x.next;
        return range.belowMax(x) ? x : null;
    }

    /** The last node inside the range, or null. */
    public Node lastInRange(Bounds range) {
        if (!intersects(range)) {
            return null;
        }
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = forward(x, i)) != null && range.belowMax(f)) {
                x = f;
            }
        }
        return range.aboveMin(x) ? x : null;
    }

    /** Told of each node a range deletion removes (to drop it from the member dict). */
    public interface Removal {
        void removed(Node n);
    }

    /** Deletes every node in the range; returns how many. */
    public long deleteRange(Bounds range, Removal removal) {
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = forward(x, i)) != null && !range.aboveMin(f)) {
                x = f;
            }
            update[i] = x;
        }
        x = x.next;
        long removed = 0;
        while (x != null && range.belowMax(x)) {
            Node next = x.next;
            deleteAfterWalk(x, removal);
            removed++;
            x = next;
        }
        return removed;
    }

    /** Deletes the nodes of 1-based ranks start..end inclusive; returns how many. */
    public long deleteRangeByRank(long start, long end, Removal removal) {
        Node x = header;
        long traversed = 0;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = forward(x, i)) != null && traversed + span(x, i) < start) {
                traversed += span(x, i);
                x = f;
            }
            update[i] = x;
        }
        traversed++;
        x = x.next;
        long removed = 0;
        while (x != null && traversed <= end) {
            Node next = x.next;
            deleteAfterWalk(x, removal);
            removed++;
            traversed++;
            x = next;
        }
        return removed;
    }

    /** With {@link #update} pointing before x on every level, unlinking x keeps it valid for x.next. */
    private void deleteAfterWalk(Node x, Removal removal) {
        unlink(x);
        nodeMemory -= memoryOf(x);
        if (removal != null) {
            removal.removed(x);
        }
    }

    /** Checks every link and span against a plain walk (for tests). */
    void verify() {
        int n = 0;
        Node prev = null;
        for (Node x = header.next; x != null; x = x.next) {
            if (x.backward != prev) {
                throw new IllegalStateException("backward link broken at " + n);
            }
            if (prev != null && !before(prev, x.score, x.member)) {
                throw new IllegalStateException("out of order at " + n);
            }
            prev = x;
            n++;
        }
        if (n != length || tail != prev) {
            throw new IllegalStateException("length or tail wrong");
        }
        for (int i = 1; i < level; i++) {
            long pos = 0;
            Node x = header;
            while (forward(x, i) != null) {
                Node f = forward(x, i);
                long steps = 0;
                Node y = x;
                while (y != f) {
                    y = y == header ? header.next : y.next;
                    steps++;
                }
                if (steps != span(x, i)) {
                    throw new IllegalStateException("span wrong on level " + i + " at " + pos);
                }
                pos += steps;
                x = f;
            }
        }
    }
}
