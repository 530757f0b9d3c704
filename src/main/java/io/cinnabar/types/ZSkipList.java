package io.cinnabar.types;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Redis's zskiplist: members ordered by (score, member bytes), with a span on every forward link
 * so ranks are found in O(log n). Levels are drawn with p = 1/4 up to 32, as in Redis.
 *
 * <p>To keep the per-member cost low, level 0 (which every node has, always with span 1) is a
 * plain field; only the quarter of nodes that reach higher get the two small arrays for their
 * upper levels.
 */
public final class ZSkipList {
    public static final int MAX_LEVEL = 32;

    /** One member. Its level never changes, so a node can be relinked at a new score. */
    public static final class Node {
        public final byte[] member;
        double score;
        Node backward;
        Node next;
        /** Forward links of levels 1.. (index 0 is level 1); null for a level-1 node. */
        Node[] up;
        /** Spans of those links. */
        int[] upSpan;

        Node(byte[] member, double score, int level) {
            this.member = member;
            this.score = score;
            if (level > 1) {
                up = new Node[level - 1];
                upSpan = new int[level - 1];
            }
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

        int level() {
            return up == null ? 1 : up.length + 1;
        }

        Node forward(int level) {
            return level == 0 ? next : up[level - 1];
        }

        void setForward(int level, Node n) {
            if (level == 0) {
                next = n;
            } else {
                up[level - 1] = n;
            }
        }

        int span(int level) {
            return level == 0 ? 1 : upSpan[level - 1];
        }

        void setSpan(int level, int span) {
            if (level > 0) {
                upSpan[level - 1] = span;
            }
        }

        /** Bytes this node holds beyond its member array. */
        long memoryUsage() {
            long size = 40;
            if (up != null) {
                size += 2 * ((16L + 4L * up.length + 7) & ~7L);
            }
            return size;
        }
    }

    private final Node header = new Node(null, 0, MAX_LEVEL);
    private Node tail;
    private int length;
    private int level = 1;
    private long nodeMemory;
    /** Scratch for the walk down: the last node before the target on each level, and its rank. */
    private final Node[] update = new Node[MAX_LEVEL];
    private final long[] rank = new long[MAX_LEVEL];

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
        for (int i = level - 1; i >= 0; i--) {
            rank[i] = i == level - 1 ? 0 : rank[i + 1];
            Node f;
            while ((f = x.forward(i)) != null && before(f, score, member)) {
                rank[i] += x.span(i);
                x = f;
            }
            update[i] = x;
        }
    }

    /** Inserts a member that is not in the list yet. */
    public Node insert(double score, byte[] member) {
        Node n = new Node(member, score, randomLevel());
        nodeMemory += n.memoryUsage();
        link(n);
        return n;
    }

    private void link(Node x) {
        walkTo(x.score, x.member);
        int lvl = x.level();
        if (lvl > level) {
            for (int i = level; i < lvl; i++) {
                rank[i] = 0;
                update[i] = header;
                header.setSpan(i, length);
            }
            level = lvl;
        }
        for (int i = 0; i < lvl; i++) {
            Node u = update[i];
            x.setForward(i, u.forward(i));
            u.setForward(i, x);
            int crossed = (int) (rank[0] - rank[i]);
            x.setSpan(i, u.span(i) - crossed);
            u.setSpan(i, crossed + 1);
        }
        for (int i = lvl; i < level; i++) {
            update[i].setSpan(i, update[i].span(i) + 1);
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
        for (int i = 0; i < level; i++) {
            Node u = update[i];
            if (u.forward(i) == x) {
                u.setSpan(i, u.span(i) + x.span(i) - 1);
                u.setForward(i, x.forward(i));
            } else {
                u.setSpan(i, u.span(i) - 1);
            }
        }
        if (x.next != null) {
            x.next.backward = x.backward;
        } else {
            tail = x.backward;
        }
        while (level > 1 && header.forward(level - 1) == null) {
            level--;
        }
        length--;
        clearLinks(x);
    }

    private static void clearLinks(Node x) {
        x.next = null;
        x.backward = null;
        if (x.up != null) {
            Arrays.fill(x.up, null);
        }
    }

    /** Removes the member with this score; returns its node, or null if absent. */
    public Node delete(double score, byte[] member) {
        walkTo(score, member);
        Node x = update[0].next;
        if (x != null && x.score == score && Arrays.equals(x.member, member)) {
            unlink(x);
            nodeMemory -= x.memoryUsage();
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
        walkTo(x.score, x.member);
        unlink(x);
        x.score = newScore;
        link(x);
    }

    /** 1-based rank of the member with this score, 0 if absent. */
    public long rank(double score, byte[] member) {
        Node x = header;
        long r = 0;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = x.forward(i)) != null
                    && (f.score < score || (f.score == score && Arrays.compareUnsigned(f.member, member) <= 0))) {
                r += x.span(i);
                x = f;
            }
            if (x.member != null && x.score == score && Arrays.equals(x.member, member)) {
                return r;
            }
        }
        return 0;
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
            while ((f = x.forward(i)) != null && traversed + x.span(i) <= target) {
                traversed += x.span(i);
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
            while ((f = x.forward(i)) != null && !range.aboveMin(f)) {
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
            while ((f = x.forward(i)) != null && range.belowMax(f)) {
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
            while ((f = x.forward(i)) != null && !range.aboveMin(f)) {
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
            while ((f = x.forward(i)) != null && traversed + x.span(i) < start) {
                traversed += x.span(i);
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
        nodeMemory -= x.memoryUsage();
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
            while (x.forward(i) != null) {
                Node f = x.forward(i);
                long steps = 0;
                Node y = x;
                while (y != f) {
                    y = y == header ? header.next : y.next;
                    steps++;
                }
                if (steps != x.span(i)) {
                    throw new IllegalStateException("span wrong on level " + i + " at " + pos);
                }
                pos += steps;
                x = f;
            }
        }
    }
}
