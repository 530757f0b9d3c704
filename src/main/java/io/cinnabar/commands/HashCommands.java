package io.cinnabar.commands;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandError;
import io.cinnabar.command.Rewrites;
import io.cinnabar.command.CommandTable;
import io.cinnabar.config.Config;
import io.cinnabar.config.Param;
import io.cinnabar.keyspace.Database;
import io.cinnabar.keyspace.KeyEvents;
import io.cinnabar.keyspace.KeyTable;
import io.cinnabar.protocol.ReplyWriter;
import io.cinnabar.server.Server;
import io.cinnabar.types.ByteDict;
import io.cinnabar.types.HashValue;
import io.cinnabar.types.Listpack;
import io.cinnabar.types.LongDouble;
import io.cinnabar.types.Numbers;
import io.cinnabar.util.Glob;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The hash group, laid out like Redis's t_hash.c: lookup helpers, then HSET and friends, the
 * counters, the readers, HRANDFIELD and HSCAN. Values are {@link HashValue}s; readers reply from
 * the listpack or table in place, and every change goes through {@link Database}'s write methods.
 *
 * <p>The listpack thresholds are read on every write, so CONFIG SET applies to later writes.
 */
public final class HashCommands {
    static final String NOT_INTEGER = "ERR hash value is not an integer";
    static final String NOT_FLOAT = "ERR hash value is not a float";
    static final String OVERFLOW = "ERR increment or decrement would overflow";
    static final String NAN_OR_INFINITY = "ERR value is NaN or Infinity";
    /** Redis's HRANDFIELD_SUB_STRATEGY_MUL: below this ratio of size to count, pick by removal. */
    private static final int SUB_STRATEGY_MUL = 3;
    /** A random reply longer than this cannot be buffered; Redis would grow until it is killed. */
    private static final long MAX_RANDOM_REPLY = 1L << 26;
    private static final byte[] ZERO_CURSOR = {'0'};

    private final Param.Num maxEntries;
    private final Param.Num maxValue;

    private HashCommands(Config config) {
        maxEntries = config.effectiveNum("hash-max-listpack-entries");
        maxValue = config.effectiveNum("hash-max-listpack-value");
    }

    static void install(Server server) {
        HashCommands h = new HashCommands(server.config());
        CommandTable t = server.commandTable();
        t.bind("hset", ctx -> h.hset(ctx, true));
        t.bind("hmset", ctx -> h.hset(ctx, false));
        t.bind("hsetnx", h::hsetnx);
        t.bind("hget", HashCommands::hget);
        t.bind("hmget", HashCommands::hmget);
        t.bind("hdel", HashCommands::hdel);
        t.bind("hlen", HashCommands::hlen);
        t.bind("hstrlen", HashCommands::hstrlen);
        t.bind("hexists", HashCommands::hexists);
        t.bind("hkeys", ctx -> getAll(ctx, true, false));
        t.bind("hvals", ctx -> getAll(ctx, false, true));
        t.bind("hgetall", ctx -> getAll(ctx, true, true));
        t.bind("hincrby", h::hincrby);
        t.bind("hincrbyfloat", h::hincrbyfloat);
        t.bind("hrandfield", HashCommands::hrandfield);
        t.bind("hscan", HashCommands::hscan);
    }

    // ---------------------------------------------------------------- shared helpers

    /** The hash at key for reading (counts a hit or miss), null if absent; WRONGTYPE for another type. */
    static HashValue readHash(Database db, byte[] key) {
        return asHash(db.get(key));
    }

    /** The hash at key without announcing a write, to check it before changing it. */
    static HashValue peekHash(Database db, byte[] key) {
        return asHash(db.lookup(key));
    }

    private static HashValue asHash(Object v) {
        if (v == null || v instanceof HashValue) {
            return (HashValue) v;
        }
        throw CommandError.wrongType();
    }

    /**
     * Announces a change to the existing hash {@code h} at key (Redis's lookupKeyWrite), or makes
     * a new empty one when {@code h} is null; {@link #store} completes the write.
     */
    private static HashValue openForWrite(Database db, byte[] key, HashValue h) {
        if (h == null) {
            return new HashValue();
        }
        db.lookupWrite(key);
        return h;
    }

    /** Completes a write begun with {@link #openForWrite} and announces it as {@code event}. */
    private static void store(Database db, byte[] key, HashValue h, boolean existed, String event) {
        if (existed) {
            db.modified(key);
        } else {
            db.set(key, h, KeyTable.NO_EXPIRE);
        }
        db.notify(KeyEvents.HASH, event, key);
    }

    /** A listpack entry as a bulk string, straight from the listpack's bytes. */
    static void replyEntry(ReplyWriter reply, Listpack lp, int pos) {
        if (lp.isInt(pos)) {
            reply.bulkLong(lp.intValue(pos));
        } else {
            reply.bulk(lp.array(), lp.strOffset(pos), lp.strLength(pos));
        }
    }

    private static void replyValue(CommandContext ctx, HashValue h, byte[] field) {
        if (h == null) {
            ctx.reply.nullBulk();
        } else if (h.isListpack()) {
            int pos = h.valuePosition(field);
            if (pos < 0) {
                ctx.reply.nullBulk();
            } else {
                replyEntry(ctx.reply, h.listpack(), pos);
            }
        } else {
            ctx.reply.bulk(h.dictValue(field));
        }
    }

    // ---------------------------------------------------------------- HSET, HSETNX, HDEL

    /** HSET (replies the number of new fields) and HMSET (replies OK). */
    void hset(CommandContext ctx, boolean countNew) {
        int argc = ctx.argc();
        if (argc % 2 == 1) {
            throw new CommandError("ERR wrong number of arguments for '" + ctx.spec().name + "' command");
        }
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        HashValue existing = peekHash(db, key);
        HashValue h = openForWrite(db, key, existing);
        long entries = maxEntries.value();
        long valueLimit = maxValue.value();
        h.convertForWrite(ctx.argv(), 2, argc - 1, valueLimit);
        if (existing == null && argc - 2 <= 2 * entries) {
            h.reserveForNewPairs(ctx.argv(), 2, argc - 1);
        }
        int created = 0;
        for (int i = 2; i < argc; i += 2) {
            if (h.set(ctx.arg(i), ctx.arg(i + 1), entries, valueLimit)) {
                created++;
            }
        }
        store(db, key, h, existing != null, "hset");
        db.countChanges((argc - 2) / 2 - 1); // Redis counts every pair set, new or not
        if (countNew) {
            ctx.reply.integer(created);
        } else {
            ctx.reply.ok();
        }
    }

    void hsetnx(CommandContext ctx) {
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        byte[] field = ctx.arg(2);
        HashValue existing = peekHash(db, key);
        if (existing != null && existing.containsField(field)) {
            ctx.reply.integer(0);
            return;
        }
        HashValue h = openForWrite(db, key, existing);
        long valueLimit = maxValue.value();
        h.convertForWrite(ctx.argv(), 2, 3, valueLimit);
        h.set(field, ctx.arg(3), maxEntries.value(), valueLimit);
        store(db, key, h, existing != null, "hset");
        ctx.reply.integer(1);
    }

    /** HDEL: a hash left empty is deleted; nothing is announced unless a field goes. */
    static void hdel(CommandContext ctx) {
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        HashValue h = peekHash(db, key);
        if (h == null) {
            ctx.reply.integer(0);
            return;
        }
        int deleted = 0;
        for (int i = 2; i < ctx.argc(); i++) {
            byte[] field = ctx.arg(i);
            if (deleted == 0) {
                if (!h.containsField(field)) {
                    continue;
                }
                db.lookupWrite(key);
            }
            if (h.delete(field)) {
                deleted++;
                if (h.size() == 0) {
                    break;
                }
            }
        }
        if (deleted > 0) {
            if (h.size() == 0) {
                db.delete(key);
                db.notify(KeyEvents.HASH, "hdel", key);
                db.notify(KeyEvents.GENERIC, "del", key);
            } else {
                db.modified(key);
                db.notify(KeyEvents.HASH, "hdel", key);
            }
            db.countChanges(deleted - 1);
        }
        ctx.reply.integer(deleted);
    }

    // ---------------------------------------------------------------- counters

    void hincrby(CommandContext ctx) {
        long by = ctx.argLong(3);
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        byte[] field = ctx.arg(2);
        HashValue existing = peekHash(db, key);
        long old = existing == null ? 0 : longValue(existing, field);
        if ((by < 0 && old < 0 && by < Long.MIN_VALUE - old) || (by > 0 && old > 0 && by > Long.MAX_VALUE - old)) {
            throw new CommandError(OVERFLOW);
        }
        long now = old + by;
        HashValue h = openForWrite(db, key, existing);
        h.setLong(field, now, maxEntries.value(), maxValue.value());
        store(db, key, h, existing != null, "hincrby");
        ctx.reply.integer(now);
    }

    /** The field's value as a 64-bit integer (string2ll), 0 if absent. */
    private static long longValue(HashValue h, byte[] field) {
        byte[] bytes;
        int from;
        int length;
        if (h.isListpack()) {
            int pos = h.valuePosition(field);
            if (pos < 0) {
                return 0;
            }
            Listpack lp = h.listpack();
            if (lp.isInt(pos)) {
                return lp.intValue(pos);
            }
            // a listpack never holds a canonical integer as a string, so no Long.MIN_VALUE text here
            bytes = lp.array();
            from = lp.strOffset(pos);
            length = lp.strLength(pos);
        } else {
            bytes = h.dictValue(field);
            if (bytes == null) {
                return 0;
            }
            if (Numbers.isMinLong(bytes)) {
                return Long.MIN_VALUE;
            }
            from = 0;
            length = bytes.length;
        }
        long v = Numbers.parseLongStrict(bytes, from, from + length);
        if (v == Numbers.NOT_A_LONG) {
            throw new CommandError(NOT_INTEGER);
        }
        return v;
    }

    /** HINCRBYFLOAT: long double arithmetic and text exactly as INCRBYFLOAT. */
    void hincrbyfloat(CommandContext ctx) {
        LongDouble by = LongDouble.parse(ctx.arg(3));
        if (by == null) {
            throw new CommandError(CommandError.NOT_FLOAT);
        }
        if (!by.isFinite()) {
            throw new CommandError(NAN_OR_INFINITY);
        }
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        byte[] field = ctx.arg(2);
        HashValue existing = peekHash(db, key);
        LongDouble old = existing == null ? LongDouble.ZERO : longDoubleValue(existing, field);
        byte[] text = StringCommands.addAsText(old, by);
        HashValue h = openForWrite(db, key, existing);
        h.set(field, text, maxEntries.value(), maxValue.value());
        store(db, key, h, existing != null, "hincrbyfloat");
        ctx.reply.bulk(text);
        if (ctx.propagating()) {
            ctx.propagateAs(Rewrites.HSET, key, field, text);
        }
    }

    /** The field's value as a long double (string2ld), 0 if absent. */
    private static LongDouble longDoubleValue(HashValue h, byte[] field) {
        LongDouble v;
        if (h.isListpack()) {
            int pos = h.valuePosition(field);
            if (pos < 0) {
                return LongDouble.ZERO;
            }
            Listpack lp = h.listpack();
            if (lp.isInt(pos)) {
                return LongDouble.of(lp.intValue(pos));
            }
            int from = lp.strOffset(pos);
            v = LongDouble.parse(lp.array(), from, from + lp.strLength(pos));
        } else {
            byte[] bytes = h.dictValue(field);
            if (bytes == null) {
                return LongDouble.ZERO;
            }
            v = LongDouble.parse(bytes);
        }
        if (v == null) {
            throw new CommandError(NOT_FLOAT);
        }
        return v;
    }

    // ---------------------------------------------------------------- readers

    static void hget(CommandContext ctx) {
        HashValue h = readHash(ctx.db(), ctx.arg(1));
        replyValue(ctx, h, ctx.arg(2));
    }

    /** HMGET: an absent key is an empty hash, so every field answers null. */
    static void hmget(CommandContext ctx) {
        HashValue h = readHash(ctx.db(), ctx.arg(1));
        int argc = ctx.argc();
        ctx.reply.array(argc - 2);
        for (int i = 2; i < argc; i++) {
            replyValue(ctx, h, ctx.arg(i));
        }
    }

    static void hlen(CommandContext ctx) {
        HashValue h = readHash(ctx.db(), ctx.arg(1));
        ctx.reply.integer(h == null ? 0 : h.size());
    }

    static void hstrlen(CommandContext ctx) {
        HashValue h = readHash(ctx.db(), ctx.arg(1));
        ctx.reply.integer(h == null ? 0 : h.valueLength(ctx.arg(2)));
    }

    static void hexists(CommandContext ctx) {
        HashValue h = readHash(ctx.db(), ctx.arg(1));
        ctx.reply.integer(h != null && h.containsField(ctx.arg(2)) ? 1 : 0);
    }

    /** HKEYS, HVALS and HGETALL (a map in RESP3): listpack order, or the table's slot order. */
    static void getAll(CommandContext ctx, boolean fields, boolean values) {
        HashValue h = readHash(ctx.db(), ctx.arg(1));
        boolean pairs = fields && values;
        int size = h == null ? 0 : h.size();
        if (pairs) {
            ctx.reply.map(size);
        } else {
            ctx.reply.array(size);
        }
        if (h == null) {
            return;
        }
        replyAll(ctx.reply, h, fields, values, false);
    }

    // ---------------------------------------------------------------- HRANDFIELD

    static void hrandfield(CommandContext ctx) {
        if (ctx.argc() < 3) {
            HashValue h = readHash(ctx.db(), ctx.arg(1));
            if (h == null) {
                ctx.reply.nullBulk();
                return;
            }
            Random random = ThreadLocalRandom.current();
            if (h.isListpack()) {
                replyEntry(ctx.reply, h.listpack(), h.listpack().seek(2 * random.nextInt(h.size())));
            } else {
                ctx.reply.bulk(h.dict().randomKey(random));
            }
            return;
        }
        long count = ctx.argLong(2);
        if (count == Long.MIN_VALUE) {
            throw new CommandError("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
        }
        if (ctx.argc() > 4 || (ctx.argc() == 4 && !ctx.argIs(3, "withvalues"))) {
            throw CommandError.syntax();
        }
        boolean withValues = ctx.argc() == 4;
        if (withValues && (count < -Long.MAX_VALUE / 2 || count > Long.MAX_VALUE / 2)) {
            throw new CommandError("ERR value is out of range");
        }
        randomFields(ctx, count, withValues);
    }

    /**
     * HRANDFIELD with a count, by Redis's cases: a negative count draws with repetition; a count
     * at least the size returns the whole hash; otherwise {@code count} distinct fields. RESP3
     * with WITHVALUES nests each pair in a 2-element array; RESP2 flattens them.
     */
    private static void randomFields(CommandContext ctx, long count, boolean withValues) {
        HashValue h = readHash(ctx.db(), ctx.arg(1));
        if (h == null || count == 0) {
            ctx.reply.array(0);
            return;
        }
        ReplyWriter reply = ctx.reply;
        boolean nested = withValues && reply.resp3();
        int size = h.size();
        Random random = ThreadLocalRandom.current();
        boolean repeat = count < 0;
        long n = Math.abs(count);
        if (repeat || n == 1) {
            if (n > MAX_RANDOM_REPLY) {
                throw new CommandError("OOM command not allowed when used memory > 'maxmemory'.");
            }
            reply.array((int) (withValues && !nested ? n * 2 : n));
            if (h.isListpack()) {
                int[] fieldPositions = fieldPositions(h.listpack());
                for (long i = 0; i < n; i++) {
                    replyListpackPair(reply, h.listpack(), fieldPositions[random.nextInt(size)], true, withValues, nested);
                }
            } else {
                for (long i = 0; i < n; i++) {
                    replyDictPair(reply, h.dict(), h.dict().randomSlot(random), true, withValues, nested);
                }
            }
            return;
        }
        int picks = (int) Math.min(n, size);
        reply.array(withValues && !nested ? picks * 2 : picks);
        if (picks == size) {
            replyAll(reply, h, true, withValues, nested);
            return;
        }
        if (h.isListpack()) {
            Listpack lp = h.listpack();
            // Selection sampling: each field is taken with probability (still needed / still left).
            int needed = picks;
            int left = size;
            for (int pos = lp.first(); needed > 0; pos = lp.next(lp.next(pos)), left--) {
                if (random.nextInt(left) < needed) {
                    replyListpackPair(reply, lp, pos, true, withValues, nested);
                    needed--;
                }
            }
            return;
        }
        ByteDict d = h.dict();
        if ((long) picks * SUB_STRATEGY_MUL > size) {
            // Most of the table is wanted: shuffle the first picks of all slots into place.
            int[] slots = new int[size];
            int k = 0;
            for (int slot = d.firstSlot(); slot >= 0; slot = d.nextSlot(slot)) {
                slots[k++] = slot;
            }
            for (int i = 0; i < picks; i++) {
                int j = i + random.nextInt(size - i);
                int s = slots[j];
                slots[j] = slots[i];
                slots[i] = s;
                replyDictPair(reply, d, s, true, withValues, nested);
            }
            return;
        }
        Set<Integer> seen = new HashSet<>(picks * 2);
        while (seen.size() < picks) {
            int slot = d.randomSlot(random);
            if (seen.add(slot)) {
                replyDictPair(reply, d, slot, true, withValues, nested);
            }
        }
    }

    /** Every field (and value) in the encoding's own order: what HRANDFIELD gives for a count >= size. */
    private static void replyAll(ReplyWriter reply, HashValue h, boolean withFields, boolean withValues, boolean nested) {
        if (h.isListpack()) {
            Listpack lp = h.listpack();
            for (int pos = lp.first(); pos >= 0; pos = lp.next(lp.next(pos))) {
                replyListpackPair(reply, lp, pos, withFields, withValues, nested);
            }
        } else {
            ByteDict d = h.dict();
            for (int slot = d.firstSlot(); slot >= 0; slot = d.nextSlot(slot)) {
                replyDictPair(reply, d, slot, withFields, withValues, nested);
            }
        }
    }

    private static int[] fieldPositions(Listpack lp) {
        int[] positions = new int[lp.size() >> 1];
        int k = 0;
        for (int pos = lp.first(); pos >= 0; pos = lp.next(lp.next(pos))) {
            positions[k++] = pos;
        }
        return positions;
    }

    private static void replyListpackPair(ReplyWriter reply, Listpack lp, int fieldPos, boolean withField, boolean withValue, boolean nested) {
        if (nested) {
            reply.array(2);
        }
        if (withField) {
            replyEntry(reply, lp, fieldPos);
        }
        if (withValue) {
            replyEntry(reply, lp, lp.next(fieldPos));
        }
    }

    private static void replyDictPair(ReplyWriter reply, ByteDict d, int slot, boolean withField, boolean withValue, boolean nested) {
        if (nested) {
            reply.array(2);
        }
        if (withField) {
            reply.bulk(d.keyAt(slot));
        }
        if (withValue) {
            reply.bulk((byte[]) d.valueAt(slot));
        }
    }

    // ---------------------------------------------------------------- HSCAN

    /**
     * HSCAN key cursor [MATCH pattern] [COUNT count]. A listpack hash is returned whole with
     * cursor 0, whatever the cursor, as Redis does; a table is walked with Redis's reverse-binary
     * cursor, COUNT counting fields and values, MATCH filtering after the walk.
     */
    static void hscan(CommandContext ctx) {
        long cursor = KeyCommands.parseScanCursor(ctx.arg(2));
        HashValue h = readHash(ctx.db(), ctx.arg(1));
        if (h == null) {
            ScanOptions.reply(ctx, 0, List.of());
            return;
        }
        ScanOptions options = ScanOptions.parse(ctx, 3, false);
        if (h.isListpack()) {
            scanListpack(ctx, h.listpack(), options.pattern);
        } else {
            scanDict(ctx, h.dict(), cursor, options);
        }
    }

    private static void scanListpack(CommandContext ctx, Listpack lp, byte[] pattern) {
        int[] matches = new int[lp.size() >> 1];
        int n = 0;
        for (int pos = lp.first(); pos >= 0; pos = lp.next(lp.next(pos))) {
            if (pattern == null || entryMatches(lp, pos, pattern)) {
                matches[n++] = pos;
            }
        }
        ReplyWriter reply = ctx.reply;
        reply.array(2);
        reply.bulk(ZERO_CURSOR);
        reply.array(n * 2);
        for (int i = 0; i < n; i++) {
            replyListpackPair(reply, lp, matches[i], true, true, false);
        }
    }

    private static boolean entryMatches(Listpack lp, int pos, byte[] pattern) {
        if (lp.isInt(pos)) {
            return Glob.match(pattern, lp.get(pos));
        }
        int from = lp.strOffset(pos);
        return Glob.match(pattern, 0, pattern.length, lp.array(), from, from + lp.strLength(pos), false);
    }

    private static void scanDict(CommandContext ctx, ByteDict d, long cursor, ScanOptions options) {
        List<byte[]> found = new ArrayList<>();
        ByteDict.EntryVisitor collect = (field, value) -> {
            found.add(field);
            found.add((byte[]) value);
        };
        long maxIterations = options.maxIterations();
        do {
            cursor = d.scan(cursor, collect);
        } while (cursor != 0 && maxIterations-- > 0 && found.size() < options.count);
        if (options.pattern != null) {
            int kept = 0;
            for (int i = 0; i < found.size(); i += 2) {
                if (options.matches(found.get(i))) {
                    found.set(kept++, found.get(i));
                    found.set(kept++, found.get(i + 1));
                }
            }
            found.subList(kept, found.size()).clear();
        }
        ScanOptions.reply(ctx, cursor, found);
    }
}
