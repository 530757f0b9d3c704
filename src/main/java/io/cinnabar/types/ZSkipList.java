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
 * array does, and a level-1 node (three in four) carries no upper-level fields at all. The
 * nodes above level 3 hold levels 4..8 in fields too: in a list of a million members most
 * levels of a walk are above 3, and a link kept in an array costs a second dependent miss (a
 * third for its span). Only nodes above level 8 keep their higher links in two small arrays.
 */
public final class ZSkipList {
    public static final int MAX_LEVEL = 32;
    /** Levels held in fields; links of levels above are in {@link TowerNode}'s arrays. */
    private static final int FIELD_LEVELS = 8;
    private static final long TALL_NODE_BYTES = 96;

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

    /**
     * A node above level 3 (1 in 64): links of levels 4..8 inline, as in a shorter node, so a
     * step on those levels costs the one miss on the node that comparing its score costs anyway.
     * A node of level 4 wastes the fields of levels 5..8 (32 bytes, half a byte per member on
     * average), still less than the two arrays it would otherwise need.
     */
    private static class TallNode extends Node3 {
        final byte level;
        Node next3;
        Node next4;
        Node next5;
        Node next6;
        Node next7;
        int span3;
        int span4;
        int span5;
        int span6;
        int span7;

        TallNode(byte[] member, double score, int level) {
            super(member, score);
            this.level = (byte) level;
        }
    }

    /** A node above level 8 (1 in 65536, and the header): links of levels 9.. in arrays. */
    private static final class TowerNode extends TallNode {
        final Node[] up;
        final int[] upSpan;

        TowerNode(byte[] member, double score, int level) {
            super(member, score, level);
            up = new Node[level - FIELD_LEVELS];
            upSpan = new int[level - FIELD_LEVELS];
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
                return level <= FIELD_LEVELS ? new TallNode(member, score, level) : new TowerNode(member, score, level);
        }
    }

    static int levelOf(Node x) {
        if (x instanceof TallNode) {
            return ((TallNode) x).level;
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
            case 3:
                return ((TallNode) x).next3;
            case 4:
                return ((TallNode) x).next4;
            case 5:
                return ((TallNode) x).next5;
            case 6:
                return ((TallNode) x).next6;
            case 7:
                return ((TallNode) x).next7;
            default:
                return ((TowerNode) x).up[level - FIELD_LEVELS];
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
            case 3:
                ((TallNode) x).next3 = n;
                break;
            case 4:
                ((TallNode) x).next4 = n;
                break;
            case 5:
                ((TallNode) x).next5 = n;
                break;
            case 6:
                ((TallNode) x).next6 = n;
                break;
            case 7:
                ((TallNode) x).next7 = n;
                break;
            default:
                ((TowerNode) x).up[level - FIELD_LEVELS] = n;
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
            case 3:
                return ((TallNode) x).span3;
            case 4:
                return ((TallNode) x).span4;
            case 5:
                return ((TallNode) x).span5;
            case 6:
                return ((TallNode) x).span6;
            case 7:
                return ((TallNode) x).span7;
            default:
                return ((TowerNode) x).upSpan[level - FIELD_LEVELS];
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
            case 3:
                ((TallNode) x).span3 = span;
                break;
            case 4:
                ((TallNode) x).span4 = span;
                break;
            case 5:
                ((TallNode) x).span5 = span;
                break;
            case 6:
                ((TallNode) x).span6 = span;
                break;
            case 7:
                ((TallNode) x).span7 = span;
                break;
            default:
                ((TowerNode) x).upSpan[level - FIELD_LEVELS] = span;
        }
    }

    /**
     * Bytes a node holds beyond its member array, with compressed references: 32 for level 1,
     * 8 more per level up to 3, 96 for a tall node (levels 4..8 and the level byte, padded), and
     * a tower node's two references and two arrays.
     */
    private static long memoryOf(Node x) {
        int level = levelOf(x);
        if (level <= 3) {
            return 32 + 8L * (level - 1);
        }
        if (level <= FIELD_LEVELS) {
            return TALL_NODE_BYTES;
        }
        return TALL_NODE_BYTES + 8 + 2 * ((16L + 4L * (level - FIELD_LEVELS) + 7) & ~7L);
    }

    /**
     * Bytes of an empty list: this object (56), its header (a tower of {@link #MAX_LEVEL} levels)
     * and the scratch arrays of its walks.
     */
    public static final long FIXED_BYTES = 56 + TALL_NODE_BYTES + 8 + 2 * (16 + 4 * (MAX_LEVEL - FIELD_LEVELS))
            + 2 * (16 + 4 * MAX_LEVEL) + 16 + 8 * MAX_LEVEL;

    private final Node header = newNode(null, 0, MAX_LEVEL);
    private Node tail;
    private int length;
    private int level = 1;
    private long nodeMemory;
    /** Scratch for the walk down: the last node before the target on each level, and its rank. */
    private final Node[] update = new Node[MAX_LEVEL];
    private final long[] rank = new long[MAX_LEVEL];
    /** Scratch of a score update: the nodes before the moving node's old place, for its unlink. */
    private final Node[] unlinkAfter = new Node[MAX_LEVEL];
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
        return insert(score, member, randomLevel());
    }

    /** Inserts at a chosen level (tests use it to have nodes of every layout). */
    Node insert(double score, byte[] member, int nodeLevel) {
        Node n = newNode(member, score, nodeLevel);
        nodeMemory += memoryOf(n);
        link(n);
        return n;
    }

    private void link(Node x) {
        walkTo(x.score, x.member);
        linkAfterWalk(x);
    }

    /** Links x where {@link #update} and {@link #rank} say, as a walk to its place filled them. */
    private void linkAfterWalk(Node x) {
        probedMember = null;
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

    /** Unlinks x, given the nodes before it on each level (as a walk to it fills {@link #update}). */
    private void unlink(Node x, Node[] before) {
        probedMember = null;
        probedNode = null;
        for (int i = 0; i < level; i++) {
            Node u = before[i];
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
            unlink(x, update);
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
        walkBoth(x, newScore);
        unlink(x, unlinkAfter);
        x.score = newScore;
        linkAfterWalk(x);
    }

    /**
     * The two walks of a relink in one loop: to x's place (filling {@link #unlinkAfter}; meeting
     * x ends a level on identity, so x's member bytes are not compared at every level) and to
     * its place at the new score (filling {@link #update} and {@link #rank} as {@link #walkTo}
     * would once x is unlinked: x is stepped over, its span merged into its predecessor's).
     * Each step of a walk waits on a cache miss for the node it reaches; one step of each walk
     * per turn puts the two misses in flight together, where one walk after the other would
     * wait on each in turn. The walks go down levels independently, as a level ends for each.
     */
    private void walkBoth(Node x, double newScore) {
        double oldScore = x.score;
        byte[] member = x.member;
        Node toOld = header;
        Node toNew = header;
        int oldLevel = level - 1;
        int newLevel = level - 1;
        long crossed = 0;
        while (oldLevel >= 0 || newLevel >= 0) {
            if (oldLevel >= 0) {
                Node f = forward(toOld, oldLevel);
                if (f != x && f != null && before(f, oldScore, member)) {
                    toOld = f;
                } else {
                    unlinkAfter[oldLevel--] = toOld;
                }
            }
            if (newLevel >= 0) {
                Node f = forward(toNew, newLevel);
                int width = span(toNew, newLevel);
                if (f == x) {
                    f = forward(x, newLevel);
                    width += span(x, newLevel) - 1;
                }
                if (f != null && before(f, newScore, member)) {
                    crossed += width;
                    toNew = f;
                } else {
                    update[newLevel] = toNew;
                    rank[newLevel--] = crossed;
                }
            }
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
        unlink(x, update);
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
