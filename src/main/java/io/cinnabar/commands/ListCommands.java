package io.cinnabar.commands;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandError;
import io.cinnabar.command.Propagation;
import io.cinnabar.command.Rewrites;
import io.cinnabar.command.CommandTable;
import io.cinnabar.config.Param;
import io.cinnabar.keyspace.Database;
import io.cinnabar.keyspace.KeyEvents;
import io.cinnabar.keyspace.KeyTable;
import io.cinnabar.protocol.ReplyWriter;
import io.cinnabar.server.Server;
import io.cinnabar.types.ListValue;
import io.cinnabar.types.LongDouble;
import io.cinnabar.types.Numbers;
import java.math.BigDecimal;
import java.util.Arrays;

/**
 * The list group, laid out like Redis 7.0's t_list.c: one push with a side, one pop with a side,
 * one move with two sides, the index and range commands over {@link ListValue}'s iterator, and
 * the blocking variants over {@link io.cinnabar.server.Blocking}.
 *
 * <p>A list left empty is deleted. A blocked client's command is re-run when a key it waits on
 * is written; like Redis 7.0, which serves the waiter from the key that became ready and only if
 * that key now holds a list, a re-run looks at that key alone and keeps waiting otherwise.
 */
public final class ListCommands {
    private ListCommands() {}

    static final boolean HEAD = true;
    static final boolean TAIL = false;

    private static final String POSITIVE = "ERR value is out of range, must be positive";
    private static final String TIMEOUT_NOT_FLOAT = "ERR timeout is not a float or out of range";
    private static final String TIMEOUT_NEGATIVE = "ERR timeout is negative";
    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);
    private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);

    static void install(Server server) {
        server.config().markEffective("list-max-listpack-size");
        server.config().markEffective("list-compress-depth");
        CommandTable t = server.commandTable();
        t.bind("lpush", ctx -> push(ctx, HEAD, false));
        t.bind("rpush", ctx -> push(ctx, TAIL, false));
        t.bind("lpushx", ctx -> push(ctx, HEAD, true));
        t.bind("rpushx", ctx -> push(ctx, TAIL, true));
        t.bind("lpop", ctx -> pop(ctx, HEAD));
        t.bind("rpop", ctx -> pop(ctx, TAIL));
        t.bind("llen", ListCommands::llen);
        t.bind("lrange", ListCommands::lrange);
        t.bind("lindex", ListCommands::lindex);
        t.bind("lset", ListCommands::lset);
        t.bind("linsert", ListCommands::linsert);
        t.bind("lrem", ListCommands::lrem);
        t.bind("ltrim", ListCommands::ltrim);
        t.bind("lpos", ListCommands::lpos);
        t.bind("lmove", ctx -> move(ctx, side(ctx, 3), side(ctx, 4)));
        t.bind("rpoplpush", ctx -> move(ctx, TAIL, HEAD));
        t.bind("lmpop", ctx -> mpop(ctx, 1, false));
        t.bind("blpop", ctx -> blockingPop(ctx, HEAD));
        t.bind("brpop", ctx -> blockingPop(ctx, TAIL));
        t.bind("blmove", ctx -> blockingMove(ctx, side(ctx, 3), side(ctx, 4), 5));
        t.bind("brpoplpush", ctx -> blockingMove(ctx, TAIL, HEAD, 3));
        t.bind("blmpop", ctx -> mpop(ctx, 2, true));
    }

    // ---------------------------------------------------------------- shared helpers

    /** The list at key (read lookup), null if absent; WRONGTYPE if the key holds another type. */
    static ListValue getList(Database db, byte[] key) {
        return asList(db.get(key));
    }

    /** As {@link #getList} but without hit/miss accounting, before a write. */
    static ListValue lookupList(Database db, byte[] key) {
        return asList(db.lookup(key));
    }

    private static ListValue asList(Object v) {
        if (v != null && !(v instanceof ListValue)) {
            throw CommandError.wrongType();
        }
        return (ListValue) v;
    }

    /** A new empty list with the node size and compression settings in force now. */
    static ListValue newList(CommandContext ctx) {
        Param.Num fill = ctx.server.config().num("list-max-listpack-size");
        Param.Num depth = ctx.server.config().num("list-compress-depth");
        return new ListValue(fill.intValue(), depth.intValue());
    }

    /** LEFT or RIGHT, else a syntax error. */
    static boolean side(CommandContext ctx, int i) {
        if (ctx.argIs(i, "left")) {
            return HEAD;
        }
        if (ctx.argIs(i, "right")) {
            return TAIL;
        }
        throw CommandError.syntax();
    }

    /**
     * Completes a write begun with {@code db.lookupWrite}: announces {@code event}, then deletes
     * the key (announcing "del") if the list is empty, in Redis's order.
     */
    static void written(Database db, byte[] key, ListValue list, String event) {
        if (list.size() == 0) {
            db.delete(key);
            db.notify(KeyEvents.LIST, event, key);
            db.notify(KeyEvents.GENERIC, "del", key);
        } else {
            db.modified(key);
            db.notify(KeyEvents.LIST, event, key);
        }
    }

    static String popEvent(boolean atHead) {
        return atHead ? "lpop" : "rpop";
    }

    static String pushEvent(boolean atHead) {
        return atHead ? "lpush" : "rpush";
    }

    static void replyElement(ReplyWriter reply, ListValue.Iter it) {
        if (it.isInt()) {
            reply.bulkLong(it.intValue());
        } else {
            reply.bulk(it.array(), it.offset(), it.length());
        }
    }

    /** Redis's addListRangeReply: [start, end] clamped, walked towards the head if {@code reverse}. */
    static void rangeReply(ReplyWriter reply, ListValue list, long start, long end, boolean reverse) {
        long length = list.size();
        start = Ranks.start(start, end, length);
        if (start < 0) {
            reply.array(0);
            return;
        }
        end = Ranks.end(end, length);
        long n = end - start + 1;
        reply.array((int) n);
        ListValue.Iter it = list.iteratorAt(reverse ? end : start, !reverse);
        while (n-- > 0) {
            it.next();
            replyElement(reply, it);
        }
        it.release();
    }

    /** Redis's listPopRangeAndReplyWithKey: [key, [up to count elements from one end]]. */
    static void popRangeWithKey(CommandContext ctx, byte[] key, long count, boolean atHead) {
        Database db = ctx.db();
        ListValue list = (ListValue) db.lookupWrite(key);
        ctx.reply.array(2);
        ctx.reply.bulk(key);
        long popped = popRange(ctx.reply, list, count, atHead);
        written(db, key, list, popEvent(atHead));
        db.countChanges(popped - 1); // Redis counts every element popped
        if (ctx.propagating()) {
            ctx.propagateAs(atHead ? Rewrites.LPOP : Rewrites.RPOP, key, Rewrites.decimal(popped));
        }
    }

    /** Pops and replies up to count elements; returns how many. */
    private static long popRange(ReplyWriter reply, ListValue list, long count, boolean atHead) {
        long n = Math.min(count, list.size());
        long start = atHead ? 0 : -n;
        rangeReply(reply, list, start, atHead ? n - 1 : -1, !atHead);
        list.deleteRange(start, n);
        return n;
    }

    // ---------------------------------------------------------------- push

    /** LPUSH / RPUSH, and with {@code onlyIfExists} LPUSHX / RPUSHX. */
    static void push(CommandContext ctx, boolean atHead, boolean onlyIfExists) {
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        ListValue list = lookupList(db, key);
        int argc = ctx.argc();
        if (list == null) {
            if (onlyIfExists) {
                ctx.reply.integer(0);
                return;
            }
            list = newList(ctx);
            for (int i = 2; i < argc; i++) {
                list.push(ctx.arg(i), atHead);
            }
            db.set(key, list, KeyTable.NO_EXPIRE);
        } else {
            db.beginWrite(key);
            for (int i = 2; i < argc; i++) {
                list.push(ctx.arg(i), atHead);
            }
            db.modified(key);
        }
        db.countChanges(argc - 3); // Redis counts every element pushed
        db.notify(KeyEvents.LIST, pushEvent(atHead), key);
        ctx.reply.integer(list.size());
    }

    // ---------------------------------------------------------------- pop

    /** LPOP / RPOP key [count]: a bulk without count, an array with one. */
    static void pop(CommandContext ctx, boolean atHead) {
        if (ctx.argc() > 3) {
            throw new CommandError("ERR wrong number of arguments for '" + ctx.spec().name + "' command");
        }
        boolean hasCount = ctx.argc() == 3;
        long count = hasCount ? ctx.argLong(2, POSITIVE) : 0;
        if (count < 0) {
            throw new CommandError(POSITIVE);
        }
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        ListValue list = lookupList(db, key);
        if (list == null) {
            if (hasCount) {
                ctx.reply.nullArray();
            } else {
                ctx.reply.nullBulk();
            }
            return;
        }
        if (hasCount && count == 0) {
            ctx.reply.array(0);
            return;
        }
        db.lookupWrite(key);
        if (hasCount) {
            db.countChanges(popRange(ctx.reply, list, count, atHead) - 1);
        } else {
            ctx.reply.bulk(list.pop(atHead));
        }
        written(db, key, list, popEvent(atHead));
    }

    // ---------------------------------------------------------------- reads by index

    static void llen(CommandContext ctx) {
        ListValue list = getList(ctx.db(), ctx.arg(1));
        ctx.reply.integer(list == null ? 0 : list.size());
    }

    static void lrange(CommandContext ctx) {
        long start = ctx.argLong(2);
        long end = ctx.argLong(3);
        ListValue list = getList(ctx.db(), ctx.arg(1));
        if (list == null) {
            ctx.reply.array(0);
            return;
        }
        rangeReply(ctx.reply, list, start, end, false);
    }

    static void lindex(CommandContext ctx) {
        ListValue list = getList(ctx.db(), ctx.arg(1));
        if (list == null) {
            ctx.reply.nullBulk();
            return;
        }
        long index = ctx.argLong(2);
        ListValue.Iter it = list.iteratorAt(index, false);
        if (it == null) {
            ctx.reply.nullBulk();
            return;
        }
        it.next();
        replyElement(ctx.reply, it);
        it.release();
    }

    static void lset(CommandContext ctx) {
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        ListValue list = lookupList(db, key);
        if (list == null) {
            throw new CommandError(CommandError.NO_SUCH_KEY);
        }
        long index = ctx.argLong(2);
        long size = list.size();
        if (index >= size || index < -size) {
            throw new CommandError("ERR index out of range");
        }
        db.lookupWrite(key);
        list.replaceAt(index, ctx.arg(3));
        db.modified(key);
        db.notify(KeyEvents.LIST, "lset", key);
        ctx.reply.ok();
    }

    // ---------------------------------------------------------------- reads and writes by value

    static void linsert(CommandContext ctx) {
        boolean after;
        if (ctx.argIs(2, "after")) {
            after = true;
        } else if (ctx.argIs(2, "before")) {
            after = false;
        } else {
            throw CommandError.syntax();
        }
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        ListValue list = lookupList(db, key);
        if (list == null) {
            ctx.reply.integer(0);
            return;
        }
        byte[] pivot = ctx.arg(3);
        ListValue.Iter it = list.iterator(true);
        boolean inserted = false;
        while (it.next()) {
            if (it.elementEquals(pivot)) {
                db.lookupWrite(key);
                it.insert(ctx.arg(4), after);
                inserted = true;
                break;
            }
        }
        it.release();
        if (!inserted) {
            ctx.reply.integer(-1);
            return;
        }
        db.modified(key);
        db.notify(KeyEvents.LIST, "linsert", key);
        ctx.reply.integer(list.size());
    }

    static void lrem(CommandContext ctx) {
        long toRemove = ctx.argLong(2);
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        ListValue list = lookupList(db, key);
        if (list == null) {
            ctx.reply.integer(0);
            return;
        }
        byte[] element = ctx.arg(3);
        ListValue.Iter it;
        if (toRemove < 0) {
            toRemove = -toRemove; // stays negative for Long.MIN_VALUE: then, as in Redis, no limit
            it = list.iterator(false);
        } else {
            it = list.iterator(true);
        }
        long removed = 0;
        while (it.next()) {
            if (it.elementEquals(element)) {
                if (removed == 0) {
                    db.lookupWrite(key);
                }
                it.delete();
                removed++;
                if (toRemove != 0 && removed == toRemove) {
                    break;
                }
            }
        }
        it.release();
        if (removed > 0) {
            written(db, key, list, "lrem");
            db.countChanges(removed - 1);
        }
        ctx.reply.integer(removed);
    }

    static void ltrim(CommandContext ctx) {
        long start = ctx.argLong(2);
        long end = ctx.argLong(3);
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        ListValue list = lookupList(db, key);
        if (list == null) {
            ctx.reply.ok();
            return;
        }
        long length = list.size();
        long first = Ranks.start(start, end, length);
        long fromHead = first < 0 ? length : first;
        long fromTail = first < 0 ? 0 : length - Ranks.end(end, length) - 1;
        db.lookupWrite(key);
        list.deleteRange(0, fromHead);
        list.deleteRange(-fromTail, fromTail);
        written(db, key, list, "ltrim");
        // Redis counts the elements trimmed as the changes: trimming none propagates nothing
        db.countChanges(fromHead + fromTail - 1);
        ctx.reply.ok();
    }

    /** LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]. */
    static void lpos(CommandContext ctx) {
        long rank = 1;
        long count = -1;
        long maxLength = 0;
        int argc = ctx.argc();
        for (int j = 3; j < argc; j++) {
            boolean moreArgs = j + 1 < argc;
            if (ctx.argIs(j, "rank") && moreArgs) {
                rank = ctx.argLong(++j);
                if (rank == 0) {
                    throw new CommandError("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second"
                            + " ... or use negative to start from the end of the list");
                }
            } else if (ctx.argIs(j, "count") && moreArgs) {
                count = ctx.argLong(++j, "ERR COUNT can't be negative");
                if (count < 0) {
                    throw new CommandError("ERR COUNT can't be negative");
                }
            } else if (ctx.argIs(j, "maxlen") && moreArgs) {
                maxLength = ctx.argLong(++j, "ERR MAXLEN can't be negative");
                if (maxLength < 0) {
                    throw new CommandError("ERR MAXLEN can't be negative");
                }
            } else {
                throw CommandError.syntax();
            }
        }
        boolean forward = rank > 0;
        rank = Math.abs(rank); // Long.MIN_VALUE stays negative and so matches at once, as in Redis
        ListValue list = getList(ctx.db(), ctx.arg(1));
        if (list == null) {
            if (count != -1) {
                ctx.reply.array(0);
            } else {
                ctx.reply.nullBulk();
            }
            return;
        }
        byte[] element = ctx.arg(2);
        long length = list.size();
        long[] found = count != -1 ? new long[(int) Math.min(count == 0 ? 16 : count, 16)] : null;
        int foundCount = 0;
        long matchIndex = -1;
        long index = 0;
        long matches = 0;
        ListValue.Iter it = list.iterator(forward);
        while (it.next() && (maxLength == 0 || index < maxLength)) {
            if (it.elementEquals(element)) {
                matches++;
                matchIndex = forward ? index : length - index - 1;
                if (matches >= rank) {
                    if (found == null) {
                        break;
                    }
                    if (foundCount == found.length) {
                        found = Arrays.copyOf(found, found.length * 2);
                    }
                    found[foundCount++] = matchIndex;
                    if (count != 0 && matches - rank + 1 >= count) {
                        break;
                    }
                }
            }
            index++;
            matchIndex = -1;
        }
        it.release();
        if (found != null) {
            ctx.reply.array(foundCount);
            for (int i = 0; i < foundCount; i++) {
                ctx.reply.integer(found[i]);
            }
        } else if (matchIndex != -1) {
            ctx.reply.integer(matchIndex);
        } else {
            ctx.reply.nullBulk();
        }
    }

    // ---------------------------------------------------------------- move

    /** LMOVE / RPOPLPUSH: pops from one end of source, pushes to one end of destination. */
    static void move(CommandContext ctx, boolean from, boolean to) {
        Database db = ctx.db();
        ListValue source = lookupList(db, ctx.arg(1));
        if (source == null) {
            ctx.reply.nullBulk();
            return;
        }
        moveFrom(ctx, source, from, to);
    }

    /** The move once the source is known to be a non-empty list. */
    private static void moveFrom(CommandContext ctx, ListValue source, boolean from, boolean to) {
        Database db = ctx.db();
        byte[] sourceKey = ctx.arg(1);
        byte[] destinationKey = ctx.arg(2);
        ListValue destination = lookupList(db, destinationKey);
        db.lookupWrite(sourceKey);
        byte[] value = source.pop(from);
        if (destination == null) {
            destination = newList(ctx);
            destination.push(value, to);
            db.set(destinationKey, destination, KeyTable.NO_EXPIRE);
        } else {
            db.lookupWrite(destinationKey);
            destination.push(value, to);
            db.modified(destinationKey);
        }
        db.notify(KeyEvents.LIST, pushEvent(to), destinationKey);
        ctx.reply.bulk(value);
        if (source != destination) {
            written(db, sourceKey, source, popEvent(from));
            db.countChanges(-1); // Redis counts a move as one change
        } else {
            db.notify(KeyEvents.LIST, popEvent(from), sourceKey);
        }
    }

    // ---------------------------------------------------------------- multi-key pops

    /**
     * LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count], and BLMPOP with the timeout before
     * numkeys: pops from the first non-empty list.
     */
    static void mpop(CommandContext ctx, int numKeysIndex, boolean blocking) {
        long numKeys = ctx.argLong(numKeysIndex, "ERR numkeys should be greater than 0");
        if (numKeys <= 0) {
            throw new CommandError("ERR numkeys should be greater than 0");
        }
        int argc = ctx.argc();
        long whereIndex = numKeysIndex + numKeys + 1;
        if (whereIndex >= argc) {
            throw CommandError.syntax();
        }
        boolean atHead = side(ctx, (int) whereIndex);
        long count = -1;
        for (int j = (int) whereIndex + 1; j < argc; j++) {
            if (count == -1 && ctx.argIs(j, "count") && j + 1 < argc) {
                count = ctx.argLong(++j, "ERR count should be greater than 0");
                if (count <= 0) {
                    throw new CommandError("ERR count should be greater than 0");
                }
            } else {
                throw CommandError.syntax();
            }
        }
        if (count == -1) {
            count = 1;
        }
        int firstKey = numKeysIndex + 1;
        int lastKey = (int) whereIndex - 1;
        if (blocking) {
            blockingPopFrom(ctx, firstKey, lastKey, atHead, count, 1);
            return;
        }
        Database db = ctx.db();
        for (int i = firstKey; i <= lastKey; i++) {
            if (lookupList(db, ctx.arg(i)) != null) {
                popRangeWithKey(ctx, ctx.arg(i), count, atHead);
                return;
            }
        }
        ctx.reply.nullArray();
    }

    // ---------------------------------------------------------------- blocking

    /** BLPOP / BRPOP key [key ...] timeout. */
    static void blockingPop(CommandContext ctx, boolean atHead) {
        blockingPopFrom(ctx, 1, ctx.argc() - 2, atHead, -1, ctx.argc() - 1);
    }

    /**
     * Redis's blockingPopGenericCommand over the keys in arguments [firstKey, lastKey]: pops one
     * element (count -1, replying [key, element]) or up to count (replying [key, [elements]])
     * from the first non-empty list, or blocks until one of them is pushed to.
     */
    private static void blockingPopFrom(CommandContext ctx, int firstKey, int lastKey, boolean atHead, long count, int timeoutIndex) {
        long deadline = timeoutDeadline(ctx, timeoutIndex);
        Database db = ctx.db();
        byte[] ready = ctx.server.blocking().servingKey(ctx.client);
        for (int i = firstKey; i <= lastKey; i++) {
            byte[] key = ctx.arg(i);
            if (ready != null && !Arrays.equals(key, ready)) {
                continue;
            }
            Object v = db.lookup(key);
            if (v == null || (ready != null && !(v instanceof ListValue))) {
                continue;
            }
            ListValue list = asList(v);
            if (count != -1) {
                popRangeWithKey(ctx, key, count, atHead);
                return;
            }
            db.lookupWrite(key);
            ctx.reply.array(2);
            ctx.reply.bulk(key);
            ctx.reply.bulk(list.pop(atHead));
            written(db, key, list, popEvent(atHead));
            uncountedWhenServedLater(ctx);
            if (ctx.propagating()) {
                ctx.propagateAs(atHead ? Rewrites.LPOP : Rewrites.RPOP, key);
            }
            return;
        }
        block(ctx, db, Arrays.copyOfRange(ctx.argv(), firstKey, lastKey + 1), deadline);
    }

    /** BLMOVE / BRPOPLPUSH: LMOVE, or wait for the source to be pushed to. */
    static void blockingMove(CommandContext ctx, boolean from, boolean to, int timeoutIndex) {
        long deadline = timeoutDeadline(ctx, timeoutIndex);
        Database db = ctx.db();
        byte[] sourceKey = ctx.arg(1);
        Object v = db.lookup(sourceKey);
        if (v != null && !(v instanceof ListValue) && ctx.server.blocking().servingKey(ctx.client) != null) {
            v = null; // the key changed type while we waited: keep waiting, as Redis does
        }
        ListValue source = asList(v);
        if (source == null) {
            if (ctx.client.inExec()) {
                ctx.reply.nullBulk(); // Redis answers BLMOVE on an empty source in a transaction so, not with the timeout reply
                return;
            }
            block(ctx, db, new byte[][] {sourceKey}, deadline);
            return;
        }
        moveFrom(ctx, source, from, to);
        uncountedWhenServedLater(ctx);
        if (ctx.propagating()) {
            // a replica must never block: the non-blocking form, directions as the client wrote them
            if (timeoutIndex == 5 && ctx.servingBlocked()) {
                // served later, Redis names the directions itself, in lowercase
                ctx.propagateAs(Rewrites.LMOVE, sourceKey, ctx.arg(2), from == HEAD ? Rewrites.LEFT : Rewrites.RIGHT,
                        to == HEAD ? Rewrites.LEFT : Rewrites.RIGHT);
            } else if (timeoutIndex == 5) {
                ctx.propagateAs(Rewrites.LMOVE, sourceKey, ctx.arg(2), ctx.arg(3), ctx.arg(4));
            } else {
                ctx.propagateAs(Rewrites.RPOPLPUSH, sourceKey, ctx.arg(2));
            }
        }
    }

    /**
     * Redis 7.0 serves a blocked BLPOP, BRPOP, BLMOVE or BRPOPLPUSH outside the command, counting
     * no change for the element it moves (the push that served it counted its own) but
     * propagating the pop all the same; BLMPOP served so counts the elements it popped, as it does
     * at once.
     */
    private static void uncountedWhenServedLater(CommandContext ctx) {
        if (ctx.servingBlocked()) {
            ctx.db().countChanges(-1);
            ctx.forcePropagation(Propagation.ALL);
        }
    }

    private static void block(CommandContext ctx, Database db, byte[][] keys, long deadline) {
        ctx.server.blocking().block(ctx.client, db, keys, deadline, c -> c.reply().nullArray());
    }

    /**
     * Redis's getTimeoutFromObjectOrReply in seconds: the absolute deadline in unix ms, or 0 to
     * wait forever (also for a timeout under a millisecond, and one too far away to add to now).
     */
    static long timeoutDeadline(CommandContext ctx, int i) {
        byte[] text = ctx.arg(i);
        long whole = Numbers.parseLongStrict(text);
        long ms;
        if (whole >= 0 && whole <= Long.MAX_VALUE / 1000) {
            ms = whole * 1000;
        } else {
            LongDouble seconds = LongDouble.parse(text);
            if (seconds == null || seconds.isNaN()) {
                throw new CommandError(TIMEOUT_NOT_FLOAT);
            }
            ms = Long.MIN_VALUE; // what C's cast of an infinite or out-of-range value gives
            if (seconds.isFinite()) {
                BigDecimal exact = seconds.exact().multiply(THOUSAND);
                if (exact.compareTo(LONG_MAX) <= 0 && exact.compareTo(LONG_MIN) >= 0) {
                    ms = exact.longValue();
                }
            }
        }
        if (ms < 0) {
            throw new CommandError(TIMEOUT_NEGATIVE);
        }
        if (ms == 0) {
            return 0;
        }
        long deadline = System.currentTimeMillis() + ms;
        return deadline < 0 ? 0 : deadline;
    }
}
