package io.cinnabar.commands;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandError;
import io.cinnabar.command.CommandTable;
import io.cinnabar.keyspace.Database;
import io.cinnabar.keyspace.KeyEvents;
import io.cinnabar.keyspace.KeyTable;
import io.cinnabar.server.Server;
import io.cinnabar.types.HashValue;
import io.cinnabar.types.ListValue;
import io.cinnabar.types.SetValue;
import io.cinnabar.types.StringValue;
import io.cinnabar.types.Strtod;
import io.cinnabar.types.ZSetValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * SORT and SORT_RO, as Redis 7.0's sort.c: the elements of a list, set or sorted set are loaded
 * into a vector, weighed (by themselves or by the keys a BY pattern names), sorted, cut to the
 * LIMIT range, and answered or stored as a list, each element possibly replaced by the values
 * its GET patterns name.
 *
 * <p>Ties (ALPHA BY values that are equal or missing) come out in Redis's order: a full sort is
 * stable, as glibc's merge-sorting qsort that Redis calls, and a BY sort cut by LIMIT follows
 * Redis's partial quicksort step by step. ALPHA without STORE compares as strcoll does in the C
 * locale: byte-wise, up to the first NUL byte.
 *
 * <p>SORT (and SORT_RO) converts a listpack sorted set to a skiplist for good, as Redis does,
 * quietly: no WATCH breaks and no tracking invalidation follows, as in Redis.
 *
 * <p>One thing of Redis 7.0 is not copied: Redis reads errno after strtod without clearing it,
 * so after an out-of-range score its later numeric SORTs may fail until something else clears
 * errno; here only the SORT that meets such a score fails.
 */
public final class SortCommand {
    private SortCommand() {}

    static final String NOT_DOUBLE = "ERR One or more scores can't be converted into double";

    static void install(Server server) {
        CommandTable t = server.commandTable();
        t.bind("sort", ctx -> sort(ctx, false));
        t.bind("sort_ro", ctx -> sort(ctx, true));
    }

    /** One element of the vector being sorted: Redis's redisSortObject. */
    private static final class Element {
        final byte[] value;
        /** The weight of a numeric sort. */
        double score;
        /** The BY value of an ALPHA sort by pattern; null when the key or field is missing. */
        byte[] alphaWeight;

        Element(byte[] value) {
            this.value = value;
        }
    }

    /** The parsed options of one SORT call. */
    private static final class Options {
        boolean desc;
        boolean alpha;
        boolean dontSort;
        long limitStart;
        long limitCount = -1;
        byte[] by;
        byte[] store;
        final List<byte[]> gets = new ArrayList<>(2);
    }

    static void sort(CommandContext ctx, boolean readOnly) {
        Options o = parse(ctx, readOnly);
        Database db = ctx.db();
        Object source = db.get(ctx.arg(1));
        if (source != null && !(source instanceof ListValue || source instanceof SetValue || source instanceof ZSetValue)) {
            throw CommandError.wrongType();
        }
        // A set has no order of its own: one that is not sorted would answer in its hash table
        // order, which a script or a replica must not depend on.
        if (o.dontSort && source instanceof SetValue && (o.store != null || ctx.client.calledFromScript())) {
            o.dontSort = false;
            o.alpha = true;
            o.by = null;
        }
        if (source instanceof ZSetValue && ((ZSetValue) source).isListpack()) {
            ((ZSetValue) source).convertToSkiplist();
            db.replaceQuietly(ctx.arg(1), source);
        }
        long length = source == null ? 0 : source instanceof ListValue ? ((ListValue) source).size()
                : source instanceof SetValue ? ((SetValue) source).size() : ((ZSetValue) source).size();
        long start = o.limitStart < 0 ? 0 : o.limitStart;
        // Redis's start + count - 1 overflows in C; its compiled code clamps as if it did not.
        long end = o.limitCount < 0 ? length - 1
                : o.limitCount - 1 > Long.MAX_VALUE - start ? Long.MAX_VALUE : start + o.limitCount - 1;
        if (start >= length) {
            start = length - 1;
            end = length - 2;
        }
        if (end >= length) {
            end = length - 1;
        }

        Element[] vector;
        if (o.dontSort && (source instanceof ListValue || source instanceof ZSetValue)) {
            // The native order needs no sorting: load only the LIMIT range.
            vector = end >= start ? loadRange(source, start, end - start + 1, o.desc) : new Element[0];
            end -= start;
            start = 0;
        } else {
            vector = loadAll(source, (int) length);
        }

        if (!o.dontSort) {
            boolean notDouble = false;
            for (Element e : vector) {
                notDouble |= weigh(db, o, e);
            }
            // Redis weighs every element (each BY lookup counts a hit or miss) before it fails.
            if (notDouble) {
                throw new CommandError(NOT_DOUBLE);
            }
            Comparator<Element> order = comparator(o);
            if (o.by != null && (start != 0 || end != vector.length - 1)) {
                // Redis sorts only as much as the LIMIT range needs here, with its own unstable
                // quicksort; copying its steps keeps the order of ties the same.
                partialSort(vector, 0, vector.length, order, start, end);
            } else {
                Arrays.sort(vector, order);
            }
        }
        long count = Math.max(0, end - start + 1);
        if (o.store == null) {
            reply(ctx, o, vector, (int) start, (int) count);
        } else {
            store(ctx, o, vector, (int) start, (int) count);
        }
    }

    private static Options parse(CommandContext ctx, boolean readOnly) {
        Options o = new Options();
        int argc = ctx.argc();
        for (int j = 2; j < argc; j++) {
            int left = argc - j - 1;
            if (ctx.argIs(j, "asc")) {
                o.desc = false;
            } else if (ctx.argIs(j, "desc")) {
                o.desc = true;
            } else if (ctx.argIs(j, "alpha")) {
                o.alpha = true;
            } else if (ctx.argIs(j, "limit") && left >= 2) {
                o.limitStart = ctx.argLong(j + 1);
                o.limitCount = ctx.argLong(j + 2);
                j += 2;
            } else if (!readOnly && ctx.argIs(j, "store") && left >= 1) {
                o.store = ctx.arg(++j);
            } else if (ctx.argIs(j, "by") && left >= 1) {
                o.by = ctx.arg(++j);
                // A BY pattern naming no element means "do not sort" (conventionally BY nosort),
                // and as in Redis a later BY with a '*' does not undo it.
                if (indexOf(o.by, 0, cLength(o.by), (byte) '*') < 0) {
                    o.dontSort = true;
                }
            } else if (ctx.argIs(j, "get") && left >= 1) {
                o.gets.add(ctx.arg(++j));
            } else {
                throw CommandError.syntax();
            }
        }
        return o;
    }

    // ---------------------------------------------------------------- loading the vector

    private static Element[] loadAll(Object source, int length) {
        Element[] vector = new Element[length];
        int j = 0;
        if (source instanceof ListValue) {
            ListValue.Iter it = ((ListValue) source).iterator(true);
            while (it.next()) {
                vector[j++] = new Element(it.toBytes());
            }
            it.release();
        } else if (source instanceof SetValue) {
            SetValue set = (SetValue) source;
            for (int p = set.firstPosition(); p >= 0; p = set.nextPosition(p)) {
                vector[j++] = new Element(set.memberAt(p));
            }
        } else if (source instanceof ZSetValue) {
            ZSetValue z = (ZSetValue) source;
            ZSetValue.Cursor c = new ZSetValue.Cursor();
            z.seekRank(c, 0, false);
            for (; c.valid(); c.next()) {
                vector[j++] = new Element(c.member());
            }
        }
        return vector;
    }

    /** {@code count} elements of a list or sorted set from rank {@code start}, from the tail if desc. */
    private static Element[] loadRange(Object source, long start, long count, boolean desc) {
        Element[] vector = new Element[(int) count];
        if (source instanceof ListValue) {
            ListValue list = (ListValue) source;
            ListValue.Iter it = list.iteratorAt(desc ? list.size() - start - 1 : start, !desc);
            for (int j = 0; j < count && it.next(); j++) {
                vector[j] = new Element(it.toBytes());
            }
            it.release();
        } else {
            ZSetValue.Cursor c = new ZSetValue.Cursor();
            ((ZSetValue) source).seekRank(c, start, desc);
            for (int j = 0; j < count; j++, c.move(desc)) {
                vector[j] = new Element(c.member());
            }
        }
        return vector;
    }

    // ---------------------------------------------------------------- weights and order

    /** Sets the element's weight from itself or its BY key; true if a numeric weight is not a double. */
    private static boolean weigh(Database db, Options o, Element e) {
        Object weight = o.by == null ? e.value : lookupByPattern(db, o.by, e.value);
        if (weight == null) {
            return false; // a missing BY key weighs 0, or sorts first with ALPHA
        }
        if (o.alpha) {
            if (o.by != null) {
                e.alphaWeight = StringValue.bytes(weight);
            }
            return false;
        }
        if (weight instanceof Long) {
            e.score = (Long) weight;
            return false;
        }
        byte[] b = StringValue.bytes(weight);
        e.score = Strtod.lenient(b, 0, b.length);
        return Double.isNaN(e.score) || outOfRange(b, e.score);
    }

    /**
     * strtod's ERANGE, which Redis refuses: a decimal that overflows to infinity or underflows to
     * a subnormal or zero. The literal "inf" is in range.
     */
    private static boolean outOfRange(byte[] b, double score) {
        if (Double.isInfinite(score)) {
            return indexOf(b, 0, b.length, (byte) 'i') < 0 && indexOf(b, 0, b.length, (byte) 'I') < 0;
        }
        double magnitude = Math.abs(score);
        if (magnitude >= Double.MIN_NORMAL) {
            return false;
        }
        int digitsEnd = cLength(b);
        boolean hex = false;
        boolean nonZeroDigit = false;
        for (int i = 0; i < digitsEnd; i++) {
            byte c = b[i];
            if (c == 'x' || c == 'X') {
                hex = true;
            } else if (c == 'e' || c == 'E' || c == 'p' || c == 'P') {
                break;
            } else if (c >= '1' && c <= '9' || hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
                nonZeroDigit = true;
            }
        }
        // A hex float is exact down to the smallest subnormal; only a decimal rounds into one.
        return hex ? magnitude == 0 && nonZeroDigit : magnitude != 0 || nonZeroDigit;
    }

    private static Comparator<Element> comparator(Options o) {
        Comparator<Element> c;
        if (!o.alpha) {
            c = (a, b) -> a.score > b.score ? 1 : a.score < b.score ? -1 : Arrays.compareUnsigned(a.value, b.value);
        } else if (o.by != null) {
            boolean binary = o.store != null;
            c = (a, b) -> {
                if (a.alphaWeight == null || b.alphaWeight == null) {
                    return a.alphaWeight == b.alphaWeight ? 0 : a.alphaWeight == null ? -1 : 1;
                }
                return binary ? Arrays.compareUnsigned(a.alphaWeight, b.alphaWeight) : strcmp(a.alphaWeight, b.alphaWeight);
            };
        } else if (o.store != null) {
            c = (a, b) -> Arrays.compareUnsigned(a.value, b.value);
        } else {
            c = (a, b) -> strcmp(a.value, b.value);
        }
        return o.desc ? c.reversed() : c;
    }

    /**
     * Redis's pqsort: Bentley and McIlroy's quicksort (NetBSD's qsort) that skips the partitions
     * lying wholly outside the element range [lo, hi]. Elements outside it end up unordered.
     * Redis 7.0's build has no switch to insertion sort after a partition pass that swapped
     * nothing: with one BY value among missing ones, `SORT l BY h_*->f ALPHA LIMIT 0 6` on
     * [007, x-1, 0, "", a, b, 7] (only h_ exists) gives 7 x-1 0 007 a b there, which only the
     * partition's closing swap produces; the insertion sort would give x-1 0 007 a b 7.
     */
    static <T> void partialSort(T[] v, int base, int n, Comparator<? super T> order, long lo, long hi) {
        while (true) {
            if (n < 7) {
                insertionSort(v, base, n, order);
                return;
            }
            int pivot = base + n / 2;
            if (n > 7) {
                int first = base;
                int last = base + n - 1;
                if (n > 40) {
                    int d = n / 8;
                    first = medianOf3(v, first, first + d, first + 2 * d, order);
                    pivot = medianOf3(v, pivot - d, pivot, pivot + d, order);
                    last = medianOf3(v, last - 2 * d, last - d, last, order);
                }
                pivot = medianOf3(v, first, pivot, last, order);
            }
            swap(v, base, pivot);
            // [base+1, equalLow) and (equalHigh, end] collect elements equal to the pivot.
            int equalLow = base + 1;
            int low = equalLow;
            int high = base + n - 1;
            int equalHigh = high;
            while (true) {
                int c;
                while (low <= high && (c = order.compare(v[low], v[base])) <= 0) {
                    if (c == 0) {
                        swap(v, equalLow++, low);
                    }
                    low++;
                }
                while (low <= high && (c = order.compare(v[high], v[base])) >= 0) {
                    if (c == 0) {
                        swap(v, high, equalHigh--);
                    }
                    high--;
                }
                if (low > high) {
                    break;
                }
                swap(v, low++, high--);
            }
            int end = base + n;
            int r = Math.min(equalLow - base, low - equalLow);
            swapRuns(v, base, low - r, r);
            r = Math.min(equalHigh - high, end - equalHigh - 1);
            swapRuns(v, low, end - r, r);
            r = low - equalLow;
            if (r > 1 && overlaps(base, base + r - 1, lo, hi)) {
                partialSort(v, base, r, order, lo, hi);
            }
            r = equalHigh - high;
            if (r <= 1 || !overlaps(end - r, end - 1, lo, hi)) {
                return;
            }
            base = end - r;
            n = r;
        }
    }

    /** False when [lo, hi] lies wholly before or wholly after [from, to]. */
    private static boolean overlaps(int from, int to, long lo, long hi) {
        return !(lo < from && hi < from || lo > to && hi > to);
    }

    private static <T> void insertionSort(T[] v, int base, int n, Comparator<? super T> order) {
        for (int i = base + 1; i < base + n; i++) {
            for (int j = i; j > base && order.compare(v[j - 1], v[j]) > 0; j--) {
                swap(v, j, j - 1);
            }
        }
    }

    private static <T> int medianOf3(T[] v, int a, int b, int c, Comparator<? super T> order) {
        if (order.compare(v[a], v[b]) < 0) {
            return order.compare(v[b], v[c]) < 0 ? b : order.compare(v[a], v[c]) < 0 ? c : a;
        }
        return order.compare(v[b], v[c]) > 0 ? b : order.compare(v[a], v[c]) < 0 ? a : c;
    }

    private static <T> void swap(T[] v, int i, int j) {
        T t = v[i];
        v[i] = v[j];
        v[j] = t;
    }

    private static <T> void swapRuns(T[] v, int a, int b, int n) {
        for (int i = 0; i < n; i++) {
            swap(v, a + i, b + i);
        }
    }

    /** C's strcmp: unsigned bytes up to the first NUL, the end of an array standing for one. */
    static int strcmp(byte[] a, byte[] b) {
        int n = Math.max(a.length, b.length);
        for (int i = 0; i < n; i++) {
            int x = i < a.length ? a[i] & 0xff : 0;
            int y = i < b.length ? b[i] & 0xff : 0;
            if (x != y) {
                return x - y;
            }
            if (x == 0) {
                return 0;
            }
        }
        return 0;
    }

    // ---------------------------------------------------------------- patterns

    /**
     * Redis's lookupKeyByPattern: "#" is the element itself; otherwise the first '*' is replaced
     * by the element and the string stored there is read, or with "->field" after the '*' that
     * field of the hash stored there. Null when the pattern has no '*', the key is missing or of
     * another type, or the field is missing. Redis reads the pattern as a C string for '#', '*'
     * and "->", so those are looked for only before a NUL byte.
     */
    static Object lookupByPattern(Database db, byte[] pattern, byte[] element) {
        int cLen = cLength(pattern);
        if (cLen == 1 && pattern[0] == '#') {
            return element;
        }
        int star = indexOf(pattern, 0, cLen, (byte) '*');
        if (star < 0) {
            return null;
        }
        int arrow = -1;
        for (int i = star + 1; i + 2 < cLen; i++) {
            if (pattern[i] == '-' && pattern[i + 1] == '>') {
                arrow = i;
                break;
            }
        }
        int postfixEnd = arrow < 0 ? pattern.length : arrow;
        byte[] key = new byte[star + element.length + postfixEnd - star - 1];
        System.arraycopy(pattern, 0, key, 0, star);
        System.arraycopy(element, 0, key, star, element.length);
        System.arraycopy(pattern, star + 1, key, star + element.length, postfixEnd - star - 1);
        Object value = db.get(key);
        if (value == null) {
            return null;
        }
        if (arrow < 0) {
            return value instanceof io.cinnabar.types.TypedValue ? null : value;
        }
        if (!(value instanceof HashValue)) {
            return null;
        }
        return ((HashValue) value).get(Arrays.copyOfRange(pattern, arrow + 2, pattern.length));
    }

    /** The length of b as a C string: up to its first NUL byte. */
    private static int cLength(byte[] b) {
        int nul = indexOf(b, 0, b.length, (byte) 0);
        return nul < 0 ? b.length : nul;
    }

    private static int indexOf(byte[] b, int from, int to, byte c) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------- output

    private static void reply(CommandContext ctx, Options o, Element[] vector, int start, int count) {
        Database db = ctx.db();
        int gets = o.gets.size();
        ctx.reply.array(gets == 0 ? count : gets * count);
        for (int j = start; j < start + count; j++) {
            byte[] element = vector[j].value;
            if (gets == 0) {
                ctx.reply.bulk(element);
            }
            for (int g = 0; g < gets; g++) {
                Object v = lookupByPattern(db, o.gets.get(g), element);
                if (v == null) {
                    ctx.reply.nullBulk();
                } else if (v instanceof Long) {
                    ctx.reply.bulkLong((Long) v);
                } else {
                    ctx.reply.bulk(StringValue.bytes(v));
                }
            }
        }
    }

    private static void store(CommandContext ctx, Options o, Element[] vector, int start, int count) {
        Database db = ctx.db();
        int gets = o.gets.size();
        ListValue list = ListCommands.newList(ctx);
        for (int j = start; j < start + count; j++) {
            byte[] element = vector[j].value;
            if (gets == 0) {
                list.push(element, ListCommands.TAIL);
            }
            for (int g = 0; g < gets; g++) {
                Object v = lookupByPattern(db, o.gets.get(g), element);
                list.push(v == null ? new byte[0] : StringValue.bytes(v), ListCommands.TAIL);
            }
        }
        if (list.size() > 0) {
            db.set(o.store, list, KeyTable.NO_EXPIRE);
            db.countChanges(list.size() - 1); // Redis counts every element stored
            db.notify(KeyEvents.LIST, "sortstore", o.store);
        } else if (db.delete(o.store)) {
            db.notify(KeyEvents.GENERIC, "del", o.store);
        }
        ctx.reply.integer(list.size());
    }
}
