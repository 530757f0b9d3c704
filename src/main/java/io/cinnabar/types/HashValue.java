package io.cinnabar.types;

/**
 * A hash value in one of Redis 7.0's two encodings.
 *
 * <p>"listpack": fields and values alternate in one {@link Listpack} (field, value, field,
 * value...), in insertion order; a field's value is the entry after it. Small hashes stay here,
 * so a hash of a few short fields costs one object pair and one byte array.
 *
 * <p>"hashtable": a {@link ByteDict} of field to value byte[]. A listpack hash converts when it
 * would hold more than {@code maxEntries} fields or a field or value longer than {@code maxValue}
 * bytes (hash-max-listpack-entries / -value, passed in by the caller on each write so a CONFIG SET
 * applies to later writes); it never converts back, as in Redis.
 *
 * <p>The writers take the thresholds and the byte[] they are given; the hash keeps those arrays
 * (callers hand over request arguments, which nobody else holds).
 */
public final class HashValue implements TypedValue {
    /** Object header plus two references (compressed oops), as {@link ByteDict} counts them. */
    private static final long OBJECT_BYTES = 24;
    /** A Listpack object: header, array reference, two ints. */
    private static final long LISTPACK_OBJECT_BYTES = 24;
    /** Redis's LISTPACK_MAX_SAFETY_SIZE: a listpack never grows beyond 1 GB. */
    private static final long LISTPACK_SAFETY_SIZE = 1L << 30;

    /** Non-null exactly while listpack-encoded. */
    private Listpack listpack;
    /** Non-null exactly once hashtable-encoded. */
    private ByteDict dict;

    public HashValue() {
        listpack = new Listpack();
    }

    private HashValue(Listpack listpack, ByteDict dict) {
        this.listpack = listpack;
        this.dict = dict;
    }

    /** Adopts a validated listpack of field/value pairs (RDB load). */
    public static HashValue ofListpack(Listpack lp) {
        return new HashValue(lp, null);
    }

    @Override
    public String typeName() {
        return "hash";
    }

    @Override
    public String encoding() {
        return listpack != null ? "listpack" : "hashtable";
    }

    @Override
    public long memoryUsage() {
        if (listpack != null) {
            return OBJECT_BYTES + LISTPACK_OBJECT_BYTES + Values.byteArraySize(listpack.capacity());
        }
        return OBJECT_BYTES + dict.memoryUsage();
    }

    @Override
    public HashValue copy() {
        return listpack != null ? new HashValue(listpack.copy(), null) : new HashValue(null, dict.copy());
    }

    /** Number of fields. */
    public int size() {
        return listpack != null ? listpack.size() >> 1 : dict.size();
    }

    public boolean isListpack() {
        return listpack != null;
    }

    /** The listpack of a listpack-encoded hash (null once hashtable): for readers that walk it in place. */
    public Listpack listpack() {
        return listpack;
    }

    /** The table of a hashtable-encoded hash (null while listpack): for readers that walk it in place. */
    public ByteDict dict() {
        return dict;
    }

    // ---------------------------------------------------------------- reads

    /** Listpack encoding only: the position of the field's value entry, -1 if the field is absent. */
    public int valuePosition(byte[] field) {
        int fieldPos = listpack.find(listpack.first(), field, 1);
        return fieldPos < 0 ? -1 : listpack.next(fieldPos);
    }

    /** Hashtable encoding only: the field's value, null if absent. */
    public byte[] dictValue(byte[] field) {
        return (byte[]) dict.get(field);
    }

    public boolean containsField(byte[] field) {
        return listpack != null ? listpack.find(listpack.first(), field, 1) >= 0 : dict.containsKey(field);
    }

    /** The field's value as bytes, null if absent (allocates for a listpack entry; not for hot paths). */
    public byte[] get(byte[] field) {
        if (listpack == null) {
            return dictValue(field);
        }
        int pos = valuePosition(field);
        return pos < 0 ? null : listpack.get(pos);
    }

    /** Length of the field's value as a string (integer entries count their decimal digits), 0 if absent. */
    public int valueLength(byte[] field) {
        if (listpack == null) {
            byte[] v = dictValue(field);
            return v == null ? 0 : v.length;
        }
        int pos = valuePosition(field);
        if (pos < 0) {
            return 0;
        }
        return listpack.isInt(pos) ? Numbers.digits(listpack.intValue(pos)) : listpack.strLength(pos);
    }

    // ---------------------------------------------------------------- writes

    /**
     * Redis's hashTypeTryConversion: converts before a write of {@code args[from..to]} when any of
     * them is longer than {@code maxValue}, or when they would take the listpack past its safe size.
     */
    public void convertForWrite(byte[][] args, int from, int to, long maxValue) {
        if (listpack == null) {
            return;
        }
        long sum = 0;
        for (int i = from; i <= to; i++) {
            int len = args[i].length;
            if (len > maxValue) {
                convertToDict();
                return;
            }
            sum += len;
        }
        if (listpack.bytes() + sum > LISTPACK_SAFETY_SIZE) {
            convertToDict();
        }
    }

    /**
     * Listpack encoding: makes room at once for the field/value pairs {@code args[from..to]} of a
     * write that adds them all (a new hash), so the listpack is allocated once at its final size
     * instead of growing pair by pair and keeping the last growth's slack.
     */
    public void reserveForNewPairs(byte[][] args, int from, int to) {
        if (listpack == null) {
            return;
        }
        long sum = 0;
        for (int i = from; i <= to; i++) {
            sum += Listpack.entrySize(args[i]);
        }
        if (sum <= LISTPACK_SAFETY_SIZE) {
            listpack.reserve((int) sum);
        }
    }

    /**
     * Sets a field (Redis's hashTypeSet): replaces the value of an existing field in place, or
     * appends the pair; converts first when the field or value is longer than {@code maxValue},
     * and afterwards when the hash holds more than {@code maxEntries} fields (even after an
     * update, so a limit lowered by CONFIG SET applies). True if the field is new.
     */
    public boolean set(byte[] field, byte[] value, long maxEntries, long maxValue) {
        if (listpack != null && (field.length > maxValue || value.length > maxValue)) {
            convertToDict();
        }
        if (listpack == null) {
            return dict.put(field, value) == null; // values are never null, so null means new
        }
        int pos = valuePosition(field);
        boolean added = pos < 0;
        if (added) {
            listpack.append(field);
            listpack.append(value);
        } else {
            listpack.replace(pos, value);
        }
        // checked after an update too: a hash already over a lowered limit converts on its next write
        if (size() > maxEntries) {
            convertToDict();
        }
        return added;
    }

    /**
     * Sets a field to an integer (HINCRBY's result): the listpack stores it as an integer entry,
     * the table as its decimal text. True if the field is new.
     */
    public boolean setLong(byte[] field, long value, long maxEntries, long maxValue) {
        return set(field, Listpack.decimal(value), maxEntries, maxValue);
    }

    /** Removes a field; true if it was there. */
    public boolean delete(byte[] field) {
        if (listpack == null) {
            return dict.removeKey(field);
        }
        int pos = listpack.find(listpack.first(), field, 1);
        if (pos < 0) {
            return false;
        }
        listpack.delete(pos);
        listpack.delete(pos); // the value slid into the field's place
        return true;
    }

    /** Converts a listpack hash to a hashtable (in listpack order, as Redis inserts them). */
    public void convertToDict() {
        if (listpack == null) {
            return;
        }
        ByteDict d = new ByteDict(size());
        for (int pos = listpack.first(); pos >= 0; pos = listpack.next(pos)) {
            int valuePos = listpack.next(pos);
            d.put(listpack.get(pos), listpack.get(valuePos));
            pos = valuePos;
        }
        dict = d;
        listpack = null;
    }

    @Override
    public String toString() {
        return "HashValue{" + encoding() + ", " + size() + " fields}";
    }
}
