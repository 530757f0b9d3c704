package io.cinnabar.types;

import io.cinnabar.protocol.DoubleFormat;
import java.util.Arrays;
import java.util.Random;

/**
 * A sorted set, encoded as Redis 7.0 encodes it: "listpack" (member, score pairs in order,
 * scores stored as Redis's zzlInsertAt stores them) while small, then "skiplist" (a
 * {@link ZSkipList} for order and rank plus a {@link ByteDict} member -> node for O(1) lookups).
 *
 * <p>Callers pass the listpack limits in, so a CONFIG SET applies to the next write. Reading a
 * range goes through a {@link Cursor}, which works the same over both encodings without
 * allocating.
 */
public final class ZSetValue implements TypedValue {
    /** {@link #add} flags, as Redis's ZADD_IN_*. */
    public static final int IN_INCR = 1;
    public static final int IN_NX = 1 << 1;
    public static final int IN_XX = 1 << 2;
    public static final int IN_GT = 1 << 3;
    public static final int IN_LT = 1 << 4;
    /** {@link #add} results, as Redis's ZADD_OUT_*. */
    public static final int OUT_NOP = 1;
    public static final int OUT_NAN = 1 << 1;
    public static final int OUT_ADDED = 1 << 2;
    public static final int OUT_UPDATED = 1 << 3;

    /** Redis refuses to grow a listpack past 1 GB (lpSafeToAdd). */
    private static final long LISTPACK_SAFETY_SIZE = 1L << 30;
    /** Object header plus three references (compressed oops). */
    private static final long OBJECT_OVERHEAD = 24;

    private Listpack lp;
    private ZSkipList zsl;
    private ByteDict dict;

    private ZSetValue(Listpack lp, ZSkipList zsl, ByteDict dict) {
        this.lp = lp;
        this.zsl = zsl;
        this.dict = dict;
    }

    public static ZSetValue newListpack() {
        return new ZSetValue(new Listpack(), null, null);
    }

    public static ZSetValue newSkiplist(int expected) {
        return new ZSetValue(null, new ZSkipList(), new ByteDict(expected));
    }

    /** Adopts a listpack blob (RDB load); the caller has checked it. */
    public static ZSetValue fromListpack(Listpack lp) {
        return new ZSetValue(lp, null, null);
    }

    public boolean isListpack() {
        return lp != null;
    }

    /** The listpack of a listpack-encoded set (for RDB), else null. */
    public Listpack listpack() {
        return lp;
    }

    public int size() {
        return lp != null ? lp.size() / 2 : zsl.length();
    }

    @Override
    public String typeName() {
        return "zset";
    }

    @Override
    public String encoding() {
        return lp != null ? "listpack" : "skiplist";
    }

    @Override
    public long memoryUsage() {
        if (lp != null) {
            return OBJECT_OVERHEAD + 24 + Values.byteArraySize(lp.capacity());
        }
        return OBJECT_OVERHEAD + ZSkipList.FIXED_BYTES + dict.memoryUsage() + zsl.nodeMemory();
    }

    @Override
    public ZSetValue copy() {
        if (lp != null) {
            return new ZSetValue(lp.copy(), null, null);
        }
        ZSetValue z = newSkiplist(dict.size());
        // Last to first: each insert then stops at the head, as Redis's zsetDup does.
        for (ZSkipList.Node n = zsl.last(); n != null; n = n.prev()) {
            byte[] member = n.member.clone();
            z.dict.put(member, z.zsl.insert(n.score, member));
        }
        return z;
    }

    // ---------------------------------------------------------------- listpack helpers

    /** A listpack score entry as a double (Redis's zzlGetScore). */
    private double lpScore(int pos) {
        if (lp.isInt(pos)) {
            return lp.intValue(pos);
        }
        return Strtod.strict(lp.array(), lp.strOffset(pos), lp.strLength(pos));
    }

    /** Position of the member's entry, -1 if absent. */
    private int lpFind(byte[] member) {
        int first = lp.first();
        return first < 0 ? -1 : lp.find(first, member, 1);
    }

    /** Redis's double2ll: scores within +-2^62 with no fraction are stored as integers. */
    private static boolean storesAsLong(double score) {
        return score >= -4.611686018427387904E18 && score <= 4.611686018427387904E18 && score == (long) score;
    }

    private static byte[] scoreText(double score) {
        byte[] buf = new byte[DoubleFormat.MAX_LENGTH];
        return Arrays.copyOf(buf, DoubleFormat.format(score, buf, 0));
    }

    /** Inserts (member, score) before the member entry at {@code before}, or at the end when -1. */
    private void lpInsertAt(int before, byte[] member, double score) {
        boolean asLong = storesAsLong(score);
        if (before < 0) {
            lp.append(member);
            if (asLong) {
                lp.appendLong((long) score);
            } else {
                lp.append(scoreText(score));
            }
            return;
        }
        int m = lp.insert(before, member, false);
        if (asLong) {
            lp.insertLong(m, (long) score, true);
        } else {
            lp.insert(m, scoreText(score), true);
        }
    }

    /**
     * Listpack encoding: makes room at once for the members {@code args[firstMember + 2j]} with
     * {@code scores[j]}, j < count, of a write that adds them all (a new sorted set), so the listpack is
     * allocated once at its final size instead of growing pair by pair and keeping the slack.
     */
    public void reserveForNewMembers(double[] scores, int count, byte[][] args, int firstMember) {
        if (lp == null) {
            return;
        }
        long sum = 0;
        byte[] text = null;
        for (int j = 0; j < count; j++) {
            sum += Listpack.entrySize(args[firstMember + 2 * j]);
            double score = scores[j];
            if (storesAsLong(score)) {
                sum += Listpack.entrySize((long) score);
            } else {
                if (text == null) {
                    text = new byte[DoubleFormat.MAX_LENGTH];
                }
                sum += Listpack.stringEntrySize(DoubleFormat.format(score, text, 0));
            }
        }
        if (sum <= LISTPACK_SAFETY_SIZE) {
            lp.reserve((int) sum);
        }
    }

    /** Inserts in order a member known to be absent (zzlInsert). */
    private void lpInsert(byte[] member, double score) {
        for (int e = lp.first(); e >= 0; ) {
            int s = lp.next(e);
            double es = lpScore(s);
            if (es > score || (es == score && lp.compare(e, member) > 0)) {
                lpInsertAt(e, member, score);
                return;
            }
            e = lp.next(s);
        }
        lpInsertAt(-1, member, score);
    }

    private void lpDelete(int memberPos) {
        lp.delete(lp.delete(memberPos));
    }

    // ---------------------------------------------------------------- conversion

    public void convertToSkiplist() {
        if (lp == null) {
            return;
        }
        ZSkipList list = new ZSkipList();
        ByteDict d = new ByteDict(lp.size() / 2);
        for (int e = lp.first(); e >= 0; ) {
            int s = lp.next(e);
            byte[] member = lp.get(e);
            d.put(member, list.insert(lpScore(s), member));
            e = lp.next(s);
        }
        lp = null;
        zsl = list;
        dict = d;
    }

    public void convertToListpack() {
        if (lp != null) {
            return;
        }
        Listpack l = new Listpack();
        lp = l;
        for (ZSkipList.Node n = zsl.first(); n != null; n = n.next()) {
            lpInsertAt(-1, n.member, n.score);
        }
        zsl = null;
        dict = null;
    }

    /** zsetConvertToListpackIfNeeded: for results built as skip lists (ZUNIONSTORE and friends). */
    public void convertToListpackIfFits(long maxEntries, long maxValue) {
        if (lp != null || size() > maxEntries) {
            return;
        }
        long total = 0;
        for (ZSkipList.Node n = zsl.first(); n != null; n = n.next()) {
            if (n.member.length > maxValue) {
                return;
            }
            total += n.member.length;
        }
        if (total < LISTPACK_SAFETY_SIZE) {
            convertToListpack();
        }
    }

    // ---------------------------------------------------------------- lookups

    /** The member's score, NaN when absent (a stored score is never NaN). */
    public double score(byte[] member) {
        if (lp != null) {
            int e = lpFind(member);
            return e < 0 ? Double.NaN : lpScore(lp.next(e));
        }
        Object n = dict.get(member);
        return n == null ? Double.NaN : ((ZSkipList.Node) n).score;
    }

    /** 0-based rank from the low end (or from the high end when reverse), -1 when absent. */
    public long rank(byte[] member, boolean reverse) {
        long size = size();
        long rank;
        if (lp != null) {
            rank = 0;
            int e = lp.first();
            while (e >= 0 && !lp.entryEquals(e, member)) {
                e = lp.next(lp.next(e));
                rank++;
            }
            if (e < 0) {
                return -1;
            }
        } else {
            Object n = dict.get(member);
            if (n == null) {
                return -1;
            }
            rank = zsl.rankOf((ZSkipList.Node) n) - 1;
        }
        return reverse ? size - 1 - rank : rank;
    }

    // ---------------------------------------------------------------- writes

    /** Receives the score an {@link #add} left the member with. */
    public static final class AddResult {
        public double score;
    }

    /**
     * Redis's zsetAdd: adds or updates one member under the IN_* flags; returns OUT_* flags and,
     * unless NOP or NAN, sets {@code result.score}. Converts to a skip list first when the new
     * member would break a listpack limit.
     */
    public int add(double score, byte[] member, int flags, AddResult result, long maxEntries, long maxValue) {
        boolean incr = (flags & IN_INCR) != 0;
        boolean nx = (flags & IN_NX) != 0;
        boolean xx = (flags & IN_XX) != 0;
        boolean gt = (flags & IN_GT) != 0;
        boolean lt = (flags & IN_LT) != 0;
        if (Double.isNaN(score)) {
            return OUT_NAN;
        }
        if (lp != null) {
            int e = lpFind(member);
            if (e >= 0) {
                if (nx) {
                    return OUT_NOP;
                }
                double current = lpScore(lp.next(e));
                if (incr) {
                    score += current;
                    if (Double.isNaN(score)) {
                        return OUT_NAN;
                    }
                }
                if ((lt && score >= current) || (gt && score <= current)) {
                    return OUT_NOP;
                }
                result.score = score;
                if (score != current) {
                    lpDelete(e);
                    lpInsert(member, score);
                    return OUT_UPDATED;
                }
                return 0;
            }
            if (xx) {
                return OUT_NOP;
            }
            if (size() + 1 > maxEntries || member.length > maxValue
                    || (long) lp.bytes() + member.length >= LISTPACK_SAFETY_SIZE) {
                convertToSkiplist();
            } else {
                lpInsert(member, score);
                result.score = score;
                return OUT_ADDED;
            }
        }
        Object found;
        if (member == zsl.probedMember) {
            found = zsl.probedNode;
            zsl.probedMember = null;
            zsl.probedNode = null;
        } else {
            found = dict.get(member);
        }
        if (found != null) {
            if (nx) {
                return OUT_NOP;
            }
            ZSkipList.Node node = (ZSkipList.Node) found;
            double current = node.score;
            if (incr) {
                score += current;
                if (Double.isNaN(score)) {
                    return OUT_NAN;
                }
            }
            if ((lt && score >= current) || (gt && score <= current)) {
                return OUT_NOP;
            }
            result.score = score;
            if (score != current) {
                zsl.updateScore(node, score);
                return OUT_UPDATED;
            }
            return 0;
        }
        if (xx) {
            return OUT_NOP;
        }
        dict.put(member, zsl.insert(score, member));
        result.score = score;
        return OUT_ADDED;
    }

    /** Whether {@link #add} with these arguments would add or update anything (a dry run). */
    public boolean wouldChange(double score, byte[] member, int flags) {
        double current;
        if (lp != null) {
            current = score(member);
        } else {
            ZSkipList.Node n = (ZSkipList.Node) dict.get(member);
            zsl.probedMember = member;
            zsl.probedNode = n;
            current = n == null ? Double.NaN : n.score;
        }
        if (Double.isNaN(current)) {
            return (flags & IN_XX) == 0;
        }
        if ((flags & IN_NX) != 0) {
            return false;
        }
        if ((flags & IN_INCR) != 0) {
            score += current;
            if (Double.isNaN(score)) {
                return false;
            }
        }
        if (((flags & IN_LT) != 0 && score >= current) || ((flags & IN_GT) != 0 && score <= current)) {
            return false;
        }
        return score != current;
    }

    /** Adds a member known to be absent to a skip-list-encoded set (building results). */
    public void insertNew(byte[] member, double score) {
        dict.put(member, zsl.insert(score, member));
    }

    /** Removes a member; false if it was absent. */
    public boolean remove(byte[] member) {
        if (lp != null) {
            int e = lpFind(member);
            if (e < 0) {
                return false;
            }
            lpDelete(e);
            return true;
        }
        Object n = dict.remove(member);
        if (n == null) {
            return false;
        }
        ZSkipList.Node node = (ZSkipList.Node) n;
        zsl.delete(node.score, node.member);
        dict.shrinkIfSparse();
        return true;
    }

    // A method reference made per range removal, not a lambda field: a field would cost every
    // sorted set, listpack ones included, an object and a reference.
    private void removeFromDict(ZSkipList.Node n) {
        dict.removeKey(n.member);
    }

    /** Removes the members in a score or lex range; returns how many. */
    public long removeRange(ZSkipList.Bounds range) {
        long removed;
        if (lp != null) {
            Cursor c = new Cursor(this);
            removed = 0;
            if (seekFirst(c, range, false)) {
                int e = c.pos;
                while (e >= 0 && inUpperBound(range, e)) {
                    int next = lp.next(lp.next(e));
                    lpDelete(e);
                    removed++;
                    // Deleting shifts the following entries down to e's offset.
                    e = next < 0 ? -1 : e;
                }
            }
            return removed;
        }
        removed = zsl.deleteRange(range, this::removeFromDict);
        dict.shrinkIfSparse();
        return removed;
    }

    private boolean inUpperBound(ZSkipList.Bounds range, int e) {
        if (range instanceof ScoreRange) {
            return ((ScoreRange) range).belowMax(lpScore(lp.next(e)));
        }
        LexRange lex = (LexRange) range;
        return lexBelowMax(lex, e);
    }

    private boolean lexBelowMax(LexRange lex, int e) {
        int c = lex.max == LexRange.MAX ? -1 : lex.max == LexRange.MIN ? 1 : lp.compare(e, lex.max);
        return lex.maxExclusive ? c < 0 : c <= 0;
    }

    private boolean lexAboveMin(LexRange lex, int e) {
        int c = lex.min == LexRange.MIN ? 1 : lex.min == LexRange.MAX ? -1 : lp.compare(e, lex.min);
        return lex.minExclusive ? c > 0 : c >= 0;
    }

    /** Removes members of 0-based ranks start..end inclusive (already clamped); returns how many. */
    public long removeRangeByRank(long start, long end) {
        if (lp != null) {
            lp.deleteRange((int) (2 * start), (int) (2 * (end - start + 1)));
            return end - start + 1;
        }
        long removed = zsl.deleteRangeByRank(start + 1, end + 1, this::removeFromDict);
        dict.shrinkIfSparse();
        return removed;
    }

    // ---------------------------------------------------------------- reading in order

    /**
     * A position in a sorted set, over either encoding. Valid until the set is next written.
     * Member bytes are {@code array()[offset() .. offset()+length())}; an integer listpack member
     * is spelled into the cursor's own buffer.
     */
    public static final class Cursor {
        private ZSetValue z;
        int pos = -1;
        private ZSkipList.Node node;
        private final byte[] digits = new byte[20];
        private int digitsLength;

        public Cursor(ZSetValue z) {
            this.z = z;
        }

        public Cursor() {}

        public void reset(ZSetValue value) {
            z = value;
            pos = -1;
            node = null;
        }

        public boolean valid() {
            return z.lp != null ? pos >= 0 : node != null;
        }

        public void next() {
            if (z.lp != null) {
                pos = z.lp.next(z.lp.next(pos));
            } else {
                node = node.next();
            }
        }

        public void prev() {
            if (z.lp != null) {
                pos = pos == z.lp.first() ? -1 : z.lp.prev(z.lp.prev(pos));
            } else {
                node = node.prev();
            }
        }

        public void move(boolean reverse) {
            if (reverse) {
                prev();
            } else {
                next();
            }
        }

        public double score() {
            return z.lp != null ? z.lpScore(z.lp.next(pos)) : node.score;
        }

        public byte[] array() {
            if (z.lp == null) {
                return node.member;
            }
            if (z.lp.isInt(pos)) {
                spell(z.lp.intValue(pos));
                return digits;
            }
            return z.lp.array();
        }

        public int offset() {
            if (z.lp == null) {
                return 0;
            }
            if (z.lp.isInt(pos)) {
                spell(z.lp.intValue(pos));
                return digits.length - digitsLength;
            }
            return z.lp.strOffset(pos);
        }

        public int length() {
            if (z.lp == null) {
                return node.member.length;
            }
            if (z.lp.isInt(pos)) {
                spell(z.lp.intValue(pos));
                return digitsLength;
            }
            return z.lp.strLength(pos);
        }

        /** The member as its own array (allocates for listpack members). */
        public byte[] member() {
            if (z.lp == null) {
                return node.member;
            }
            return z.lp.get(pos);
        }

        /** True when the member is a listpack integer entry (read it with {@link #longValue}). */
        public boolean isLong() {
            return z.lp != null && z.lp.isInt(pos);
        }

        public long longValue() {
            return z.lp.intValue(pos);
        }

        private void spell(long v) {
            int p = digits.length;
            boolean negative = v < 0;
            do {
                long q = v / 10;
                digits[--p] = (byte) ('0' + Math.abs(v - q * 10));
                v = q;
            } while (v != 0);
            if (negative) {
                digits[--p] = '-';
            }
            digitsLength = digits.length - p;
        }
    }

    /** Puts the cursor at a 0-based rank from the low end (or the high end when reverse). */
    public void seekRank(Cursor c, long rank, boolean reverse) {
        c.reset(this);
        if (lp != null) {
            c.pos = lp.seek(reverse ? (int) (-2 - 2 * rank) : (int) (2 * rank));
        } else if (reverse) {
            c.node = rank == 0 ? zsl.last() : zsl.byRank(size() - rank);
        } else {
            c.node = rank == 0 ? zsl.first() : zsl.byRank(rank + 1);
        }
    }

    /**
     * Puts the cursor at the first member in the range (the last one when reverse); false, and
     * an invalid cursor, when none is inside.
     */
    public boolean seekFirst(Cursor c, ZSkipList.Bounds range, boolean reverse) {
        c.reset(this);
        if (lp == null) {
            c.node = reverse ? zsl.lastInRange(range) : zsl.firstInRange(range);
            return c.node != null;
        }
        if (range.isEmpty() || lp.size() == 0) {
            return false;
        }
        // Redis's zzlIsInLexRange/zzlIsInRange first: the last member must reach the minimum and the
        // first the maximum. Scores are sorted, so that only tells for lex ranges over mixed scores.
        if (!aboveMin(range, lp.prev(lp.last())) || !inUpperBound(range, lp.first())) {
            return false;
        }
        if (!reverse) {
            for (int e = lp.first(); e >= 0; e = lp.next(lp.next(e))) {
                if (aboveMin(range, e)) {
                    if (inUpperBound(range, e)) {
                        c.pos = e;
                        return true;
                    }
                    return false;
                }
            }
            return false;
        }
        for (int s = lp.last(); s >= 0; ) {
            int e = lp.prev(s);
            if (inUpperBound(range, e)) {
                if (aboveMin(range, e)) {
                    c.pos = e;
                    return true;
                }
                return false;
            }
            s = e == lp.first() ? -1 : lp.prev(e);
        }
        return false;
    }

    private boolean aboveMin(ZSkipList.Bounds range, int e) {
        if (range instanceof ScoreRange) {
            return ((ScoreRange) range).aboveMin(lpScore(lp.next(e)));
        }
        return lexAboveMin((LexRange) range, e);
    }

    /** True while the cursor's member is still inside the range's far end for the direction. */
    public boolean inRange(Cursor c, ZSkipList.Bounds range, boolean reverse) {
        if (lp == null) {
            return reverse ? range.aboveMin(c.node) : range.belowMax(c.node);
        }
        return reverse ? aboveMin(range, c.pos) : inUpperBound(range, c.pos);
    }

    /** How many members fall in the range (ZCOUNT, ZLEXCOUNT). */
    public long count(ZSkipList.Bounds range) {
        if (lp == null) {
            ZSkipList.Node first = zsl.firstInRange(range);
            if (first == null) {
                return 0;
            }
            long count = zsl.length() - (zsl.rankOf(first) - 1);
            ZSkipList.Node last = zsl.lastInRange(range);
            if (last != null) {
                count -= zsl.length() - zsl.rankOf(last);
            }
            return count;
        }
        Cursor c = new Cursor();
        long count = 0;
        if (seekFirst(c, range, false)) {
            while (c.valid() && inRange(c, range, false)) {
                count++;
                c.next();
            }
        }
        return count;
    }

    // ---------------------------------------------------------------- random members and scan

    /** Puts the cursor on a uniformly drawn member (set must not be empty). */
    public void seekRandom(Cursor c, Random random) {
        c.reset(this);
        if (lp != null) {
            c.pos = lp.seek(2 * random.nextInt(size()));
        } else {
            c.node = (ZSkipList.Node) dict.valueAt(dict.randomSlot(random));
        }
    }

    /** The cursor's score as a listpack stores it: integer text or Redis's d2string form. */
    public byte[] storedScore(Cursor c) {
        return lp.get(lp.next(c.pos));
    }

    /** Receives (member, score) pairs from {@link #scan}. */
    public interface PairVisitor {
        void visit(byte[] member, double score);
    }

    /** One SCAN step over the member dict (skip list encoding only); returns the next cursor. */
    public long scan(long cursor, PairVisitor visitor) {
        return dict.scan(cursor, (key, value) -> visitor.visit(key, ((ZSkipList.Node) value).score));
    }
}
