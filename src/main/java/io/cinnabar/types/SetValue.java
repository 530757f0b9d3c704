package io.cinnabar.types;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * A set value in Redis 7.0's two encodings: "intset" ({@link IntSet}) while every member is a
 * canonical 64-bit integer and there are at most {@code set-max-intset-entries} of them, then
 * "hashtable" ({@link ByteDict} of members to null). A set never converts back, as in Redis.
 *
 * <p>Members are visited by position without allocation: {@link #firstPosition()} and
 * {@link #nextPosition(int)} walk the set (an intset in ascending order, a hashtable in slot
 * order); {@link #isIntset()} says whether {@link #intAt} or {@link #memberAt} reads a position.
 */
public final class SetValue implements TypedValue {
    private static final long OBJECT_BYTES = 24;

    private IntSet ints;      // non-null while intset-encoded
    private ByteDict members; // non-null once hashtable-encoded

    private SetValue(IntSet ints, ByteDict members) {
        this.ints = ints;
        this.members = members;
    }

    /** An empty intset-encoded set (what Redis's SINTERSTORE and SUNIONSTORE start from). */
    public static SetValue emptyIntset() {
        return new SetValue(new IntSet(), null);
    }

    /** An empty set encoded for its first member, as Redis's setTypeCreate. */
    public static SetValue forMember(byte[] first) {
        return isInteger(first) ? emptyIntset() : new SetValue(null, new ByteDict());
    }

    /** An empty hashtable-encoded set sized for {@code expected} members (RDB load). */
    public static SetValue emptyHashtable(int expected) {
        return new SetValue(null, new ByteDict(expected));
    }

    /** Adopts a validated intset (RDB load). */
    public static SetValue ofIntset(IntSet ints) {
        return new SetValue(ints, null);
    }

    /** True if the bytes are a canonical 64-bit integer, the members an intset holds. */
    public static boolean isInteger(byte[] member) {
        return Numbers.parseLongStrict(member) != Numbers.NOT_A_LONG || Numbers.isMinLong(member);
    }

    private static byte[] decimal(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public String typeName() {
        return "set";
    }

    @Override
    public String encoding() {
        return ints != null ? "intset" : "hashtable";
    }

    @Override
    public long memoryUsage() {
        return OBJECT_BYTES + (ints != null ? ints.memoryUsage() : members.memoryUsage());
    }

    @Override
    public SetValue copy() {
        return new SetValue(ints == null ? null : ints.copy(), members == null ? null : members.copy());
    }

    public boolean isIntset() {
        return ints != null;
    }

    /** The intset while so encoded (for RDB), else null. */
    public IntSet intset() {
        return ints;
    }

    public int size() {
        return ints != null ? ints.size() : members.size();
    }

    // ---------------------------------------------------------------- membership

    public boolean contains(byte[] member) {
        return ints == null ? members.containsKey(member) : intsetIndexOf(member) >= 0;
    }

    /** The member's index in the intset; negative if absent or not an integer. */
    private int intsetIndexOf(byte[] member) {
        long v = Numbers.parseLongStrict(member);
        if (v == Numbers.NOT_A_LONG && !Numbers.isMinLong(member)) {
            return -1;
        }
        return ints.indexOf(v);
    }

    /** Membership of an integer member (found in an intset, say) without formatting it when possible. */
    public boolean containsInt(long v) {
        return ints != null ? ints.contains(v) : members.containsKey(decimal(v));
    }

    /**
     * Adds a member; true if it was new. An intset converts to a hashtable when the member is not
     * an integer or the intset grows past {@code maxIntsetEntries}. The set keeps the array.
     */
    public boolean add(byte[] member, long maxIntsetEntries) {
        if (ints == null) {
            return members.add(member);
        }
        long v = Numbers.parseLongStrict(member);
        if (v == Numbers.NOT_A_LONG && !Numbers.isMinLong(member)) {
            convertToHashtable(ints.size() + 1);
            return members.add(member);
        }
        return addToIntset(v, maxIntsetEntries);
    }

    /** Adds an integer member (from another intset, say) without formatting it when possible. */
    public boolean addInt(long v, long maxIntsetEntries) {
        if (ints == null) {
            return members.add(decimal(v));
        }
        return addToIntset(v, maxIntsetEntries);
    }

    private boolean addToIntset(long v, long maxIntsetEntries) {
        if (!ints.add(v)) {
            return false;
        }
        if (ints.size() > maxIntsetEntries) {
            convertToHashtable(ints.size());
        }
        return true;
    }

    /** Adds the member at a position of another set. */
    public boolean addFrom(SetValue from, int position, long maxIntsetEntries) {
        return from.ints != null ? addInt(from.ints.get(position), maxIntsetEntries)
                : add(from.members.keyAt(position), maxIntsetEntries);
    }

    private void convertToHashtable(int expected) {
        ByteDict dict = new ByteDict(expected);
        for (int i = 0; i < ints.size(); i++) {
            dict.add(decimal(ints.get(i)));
        }
        members = dict;
        ints = null;
    }

    /** Removes a member; true if it was present. A hashtable shrinks when sparse. */
    public boolean remove(byte[] member) {
        if (ints == null) {
            return members.removeKey(member);
        }
        int at = intsetIndexOf(member);
        if (at < 0) {
            return false;
        }
        ints.removeAt(at);
        return true;
    }

    /** Removes the member found at a position of another set; true if it was here. */
    public boolean removeMemberOf(SetValue from, int position) {
        if (from.ints == null) {
            return remove(from.members.keyAt(position));
        }
        long v = from.ints.get(position);
        return ints != null ? ints.remove(v) : members.removeKey(decimal(v));
    }

    /** Removes the member at a position of this set; see {@link #nextAfterRemoval}. */
    public void removeAt(int position) {
        if (ints != null) {
            ints.removeAt(position);
        } else {
            members.removeAt(position);
        }
    }

    /**
     * The position to visit after removing the member at {@code position} in a walk: the same
     * place, where a later member now sits (or the next one), -1 at the end.
     */
    public int nextAfterRemoval(int position) {
        return nextPosition(position - 1);
    }

    /** Shrinks a hashtable left sparse by {@link #removeAt}. */
    public void compact() {
        if (members != null) {
            members.shrinkIfSparse();
        }
    }

    /** Takes over another set's contents and encoding (the other set must not be used after). */
    public void replaceWith(SetValue other) {
        ints = other.ints;
        members = other.members;
    }

    // ---------------------------------------------------------------- positions

    /** The first member's position, -1 when empty. */
    public int firstPosition() {
        return nextPosition(-1);
    }

    /** The position after {@code position}, -1 at the end. */
    public int nextPosition(int position) {
        if (ints != null) {
            return position + 1 < ints.size() ? position + 1 : -1;
        }
        return members.nextSlot(position);
    }

    /** The member at a position of an intset. */
    public long intAt(int position) {
        return ints.get(position);
    }

    /** The member at a position as bytes: the stored array for a hashtable, a new one for an intset. */
    public byte[] memberAt(int position) {
        return ints != null ? decimal(ints.get(position)) : members.keyAt(position);
    }

    /** True if the member at a position of this set is in {@code other}. */
    public boolean memberAtIsIn(int position, SetValue other) {
        return ints != null ? other.containsInt(ints.get(position)) : other.contains(members.keyAt(position));
    }

    /** The position of a uniformly chosen member; the set must not be empty. */
    public int randomPosition(Random random) {
        return ints != null ? ints.randomIndex(random) : members.randomSlot(random);
    }

    /**
     * One SCAN step of a hashtable (see {@link ByteDict#scan}); an intset has no cursor, its
     * members are all returned at once by walking the positions.
     */
    public long scan(long cursor, ByteDict.EntryVisitor visitor) {
        return members.scan(cursor, visitor);
    }
}
