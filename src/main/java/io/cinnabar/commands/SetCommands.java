package io.cinnabar.commands;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandError;
import io.cinnabar.command.Rewrites;
import io.cinnabar.command.CommandHandler;
import io.cinnabar.command.CommandTable;
import io.cinnabar.config.Param;
import io.cinnabar.keyspace.Database;
import io.cinnabar.keyspace.KeyEvents;
import io.cinnabar.keyspace.KeyTable;
import io.cinnabar.server.Server;
import io.cinnabar.types.SetValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The set group, laid out like Redis 7.0's t_set.c. Values are {@link SetValue}s ("intset" or
 * "hashtable"); replies walk a set by position so intset members go out as numbers without
 * being formatted into new arrays. Reply order follows Redis's: a set is walked in its own
 * order (an intset ascending), SINTER walks the smallest set, SUNION and SDIFF build the result
 * set first and walk that, SSCAN returns a whole intset at once with cursor 0.
 *
 * <p>Every change goes through {@link Database}: a key is announced with {@code lookupWrite}
 * only once a change is certain, then {@code modified}, or {@code delete} when the set empties.
 */
public final class SetCommands {
    static final String SPOP_COUNT_RANGE = "ERR value is out of range, must be positive";
    static final String SRANDMEMBER_COUNT_RANGE =
            "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
    static final String NUMKEYS_RANGE = "ERR numkeys should be greater than 0";
    static final String NUMKEYS_TOO_MANY = "ERR Number of keys can't be greater than number of args";
    static final String LIMIT_RANGE = "ERR LIMIT can't be negative";
    /** Redis's SPOP_MOVE_STRATEGY_MUL: keep-the-rest beats pop-one-by-one past this ratio. */
    private static final long SPOP_MOVE_STRATEGY_MUL = 5;
    /** Redis's SRANDMEMBER_SUB_STRATEGY_MUL: draw by elimination when the count is this close to the size. */
    private static final long SRANDMEMBER_SUB_STRATEGY_MUL = 3;
    private static final Comparator<SetValue> BY_SIZE = Comparator.comparingInt(SetValue::size);
    private static final Comparator<SetValue> BY_SIZE_DESCENDING = (a, b) -> Integer.compare(size(b), size(a));

    private final Param.Num maxIntsetEntries;
    /** Positions of SINTER's matches, kept between calls (one executor thread runs commands). */
    private int[] matches = new int[64];

    private SetCommands(Server server) {
        maxIntsetEntries = server.config().effectiveNum("set-max-intset-entries");
    }

    static void install(Server server) {
        SetCommands c = new SetCommands(server);
        CommandTable t = server.commandTable();
        t.bind("sadd", c::sadd);
        t.bind("srem", c::srem);
        t.bind("scard", c::scard);
        t.bind("sismember", c::sismember);
        t.bind("smismember", c::smismember);
        t.bind("smembers", SetCommands::smembers);
        t.bind("spop", withOptionalCount(c::spop, c::spopCount));
        t.bind("srandmember", withOptionalCount(c::srandmember, c::srandmemberCount));
        t.bind("smove", c::smove);
        t.bind("sinter", ctx -> c.inter(ctx, 1, ctx.argc() - 1, null, false, 0));
        t.bind("sinterstore", ctx -> c.inter(ctx, 2, ctx.argc() - 2, ctx.arg(1), false, 0));
        t.bind("sintercard", c::sintercard);
        t.bind("sunion", ctx -> c.unionDiff(ctx, 1, null, false));
        t.bind("sunionstore", ctx -> c.unionDiff(ctx, 2, ctx.arg(1), false));
        t.bind("sdiff", ctx -> c.unionDiff(ctx, 1, null, true));
        t.bind("sdiffstore", ctx -> c.unionDiff(ctx, 2, ctx.arg(1), true));
        t.bind("sscan", c::sscan);
    }

    // ---------------------------------------------------------------- shared helpers

    /** The value as a set, null if absent; WRONGTYPE if it is another type. */
    static SetValue asSet(Object value) {
        if (value == null || value instanceof SetValue) {
            return (SetValue) value;
        }
        throw CommandError.wrongType();
    }

    private static int size(SetValue set) {
        return set == null ? 0 : set.size();
    }

    private long maxIntset() {
        return maxIntsetEntries.value();
    }

    static void replyMember(CommandContext ctx, SetValue set, int position) {
        if (set.isIntset()) {
            ctx.reply.bulkLong(set.intAt(position));
        } else {
            ctx.reply.bulk(set.memberAt(position));
        }
    }

    /** The whole set as a RESP3 set (an array in RESP2), in the set's own order. */
    static void replyAll(CommandContext ctx, SetValue set) {
        ctx.reply.set(set.size());
        for (int p = set.firstPosition(); p >= 0; p = set.nextPosition(p)) {
            replyMember(ctx, set, p);
        }
    }

    /**
     * Ends a change begun with lookupWrite and announces it as {@code event}: the key goes (and
     * "del" follows) when the set is empty, as in Redis.
     */
    private static void finishWrite(Database db, byte[] key, SetValue set, String event) {
        if (set.size() == 0) {
            db.delete(key);
            db.notify(KeyEvents.SET, event, key);
            db.notify(KeyEvents.GENERIC, "del", key);
        } else {
            db.modified(key);
            db.notify(KeyEvents.SET, event, key);
        }
    }

    /** The *STORE commands' ending: the result replaces the destination (TTL cleared), or deletes it when empty. */
    private static void store(CommandContext ctx, byte[] dst, SetValue result) {
        Database db = ctx.db();
        if (result.size() > 0) {
            db.set(dst, result, KeyTable.NO_EXPIRE);
            db.notify(KeyEvents.SET, ctx.spec().name, dst); // sinterstore, sunionstore, sdiffstore
        } else if (db.delete(dst)) {
            db.notify(KeyEvents.GENERIC, "del", dst);
        }
        ctx.reply.integer(result.size());
    }

    // ---------------------------------------------------------------- SADD SREM SMOVE

    void sadd(CommandContext ctx) {
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        SetValue set = asSet(db.lookup(key));
        int argc = ctx.argc();
        if (set == null) {
            set = SetValue.forMember(ctx.arg(2));
            for (int j = 2; j < argc; j++) {
                set.add(ctx.arg(j), maxIntset());
            }
            db.set(key, set, KeyTable.NO_EXPIRE);
            db.countChanges(set.size() - 1); // Redis counts every member added
            db.notify(KeyEvents.SET, "sadd", key);
            ctx.reply.integer(set.size());
            return;
        }
        int first = 2;
        while (first < argc && set.contains(ctx.arg(first))) {
            first++;
        }
        if (first == argc) {
            ctx.reply.integer(0);
            return;
        }
        db.lookupWrite(key);
        int added = 0;
        for (int j = first; j < argc; j++) {
            if (set.add(ctx.arg(j), maxIntset())) {
                added++;
            }
        }
        db.modified(key);
        db.countChanges(added - 1);
        db.notify(KeyEvents.SET, "sadd", key);
        ctx.reply.integer(added);
    }

    void srem(CommandContext ctx) {
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        SetValue set = asSet(db.lookup(key));
        int argc = ctx.argc();
        int first = 2;
        while (set != null && first < argc && !set.contains(ctx.arg(first))) {
            first++;
        }
        if (set == null || first == argc) {
            ctx.reply.integer(0);
            return;
        }
        db.lookupWrite(key);
        int removed = 0;
        for (int j = first; j < argc && set.size() > 0; j++) {
            if (set.remove(ctx.arg(j))) {
                removed++;
            }
        }
        finishWrite(db, key, set, "srem");
        db.countChanges(removed - 1);
        ctx.reply.integer(removed);
    }

    void smove(CommandContext ctx) {
        Database db = ctx.db();
        byte[] srcKey = ctx.arg(1);
        byte[] dstKey = ctx.arg(2);
        byte[] member = ctx.arg(3);
        Object srcValue = db.lookup(srcKey);
        Object dstValue = db.lookup(dstKey);
        if (srcValue == null) {
            ctx.reply.integer(0);
            return;
        }
        SetValue src = asSet(srcValue);
        SetValue dst = asSet(dstValue);
        if (src == dst) {
            ctx.reply.integer(src.contains(member) ? 1 : 0);
            return;
        }
        if (!src.contains(member)) {
            ctx.reply.integer(0);
            return;
        }
        db.lookupWrite(srcKey);
        src.remove(member);
        finishWrite(db, srcKey, src, "srem");
        boolean added = true;
        if (dst == null) {
            dst = SetValue.forMember(member);
            dst.add(member, maxIntset());
            db.set(dstKey, dst, KeyTable.NO_EXPIRE);
        } else {
            // Redis signals the destination as modified even when it held the member already.
            db.lookupWrite(dstKey);
            added = dst.add(member, maxIntset());
            db.modified(dstKey);
        }
        if (added) {
            db.notify(KeyEvents.SET, "sadd", dstKey);
        } else {
            db.countChanges(-1); // Redis counts the removal, and the addition only when it added
        }
        ctx.reply.integer(1);
    }

    // ---------------------------------------------------------------- reads of one set

    void scard(CommandContext ctx) {
        SetValue set = asSet(ctx.db().get(ctx.arg(1)));
        ctx.reply.integer(size(set));
    }

    void sismember(CommandContext ctx) {
        SetValue set = asSet(ctx.db().get(ctx.arg(1)));
        ctx.reply.integer(set != null && set.contains(ctx.arg(2)) ? 1 : 0);
    }

    /** Redis 7.0 runs SMEMBERS as a one-key SINTER; with one set that is the whole set in its order. */
    static void smembers(CommandContext ctx) {
        SetValue set = asSet(ctx.db().get(ctx.arg(1)));
        if (set == null) {
            ctx.reply.set(0);
        } else {
            replyAll(ctx, set);
        }
    }

    void smismember(CommandContext ctx) {
        SetValue set = asSet(ctx.db().get(ctx.arg(1)));
        int argc = ctx.argc();
        ctx.reply.array(argc - 2);
        for (int j = 2; j < argc; j++) {
            ctx.reply.integer(set != null && set.contains(ctx.arg(j)) ? 1 : 0);
        }
    }

    // ---------------------------------------------------------------- SPOP SRANDMEMBER

    /** SPOP and SRANDMEMBER: one member without a count, a list with one, a syntax error past that. */
    private static CommandHandler withOptionalCount(CommandHandler single, CommandHandler counted) {
        return ctx -> {
            if (ctx.argc() > 3) {
                throw CommandError.syntax();
            }
            (ctx.argc() == 3 ? counted : single).execute(ctx);
        };
    }

    void spop(CommandContext ctx) {
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        SetValue set = asSet(db.lookup(key));
        if (set == null) {
            ctx.reply.nullBulk();
            return;
        }
        db.lookupWrite(key);
        int p = set.randomPosition(ThreadLocalRandom.current());
        replyMember(ctx, set, p);
        if (ctx.propagating()) {
            // the member drawn, which a replica could not draw the same
            ctx.propagateAs(Rewrites.SREM, key, memberBytes(set, p));
        }
        set.removeAt(p);
        set.compact();
        finishWrite(db, key, set, "spop");
    }

    private static byte[] memberBytes(SetValue set, int position) {
        return set.isIntset() ? Rewrites.decimal(set.intAt(position)) : set.memberAt(position);
    }

    /** SPOP with a count propagates one SREM per member popped instead (Redis 7.0 does not batch them). */
    private static void propagateSrem(CommandContext ctx, byte[] key, SetValue set, int position) {
        if (ctx.propagating()) {
            ctx.alsoPropagate(Rewrites.SREM, key, memberBytes(set, position));
        }
    }

    void spopCount(CommandContext ctx) {
        long count = CommandContext.parseLong(ctx.arg(2), SPOP_COUNT_RANGE);
        if (count < 0) {
            throw new CommandError(SPOP_COUNT_RANGE);
        }
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        SetValue set = asSet(db.lookup(key));
        if (set == null || count == 0) {
            ctx.reply.set(0);
            return;
        }
        int size = set.size();
        if (count >= size) {
            replyAll(ctx, set);
            db.delete(key);
            db.countChanges(size - 1); // Redis counts every member popped
            db.notify(KeyEvents.SET, "spop", key);
            db.notify(KeyEvents.GENERIC, "del", key);
            if (ctx.propagating()) {
                ctx.propagateAs(Rewrites.DEL, key); // DEL even under lazyfree-lazy-server-del, as Redis 7.0
            }
            return;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long remaining = size - count;
        db.lookupWrite(key);
        ctx.reply.set((int) count);
        if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
            // Few to pop: draw and remove them one at a time.
            for (long i = 0; i < count; i++) {
                int p = set.randomPosition(random);
                replyMember(ctx, set, p);
                propagateSrem(ctx, key, set, p);
                set.removeAt(p);
            }
            set.compact();
        } else {
            // Most of the set goes: draw the few that stay into a new set, answer with the rest.
            SetValue kept = null;
            for (long i = 0; i < remaining; i++) {
                int p = set.randomPosition(random);
                if (kept == null) {
                    kept = SetValue.forMember(set.memberAt(p));
                }
                kept.addFrom(set, p, maxIntset());
                set.removeAt(p);
            }
            for (int p = set.firstPosition(); p >= 0; p = set.nextPosition(p)) {
                replyMember(ctx, set, p);
                propagateSrem(ctx, key, set, p);
            }
            set.replaceWith(kept);
        }
        db.modified(key);
        db.countChanges(count - 1);
        db.notify(KeyEvents.SET, "spop", key);
        ctx.preventPropagation();
    }

    void srandmember(CommandContext ctx) {
        SetValue set = asSet(ctx.db().get(ctx.arg(1)));
        if (set == null) {
            ctx.reply.nullBulk();
            return;
        }
        replyMember(ctx, set, set.randomPosition(ThreadLocalRandom.current()));
    }

    void srandmemberCount(CommandContext ctx) {
        long requested = ctx.argLong(2);
        if (requested == Long.MIN_VALUE) {
            throw new CommandError(SRANDMEMBER_COUNT_RANGE);
        }
        boolean distinct = requested >= 0;
        long count = Math.abs(requested);
        SetValue set = asSet(ctx.db().get(ctx.arg(1)));
        if (set == null || count == 0) {
            ctx.reply.array(0);
            return;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int size = set.size();
        if (!distinct) {
            if (count > Integer.MAX_VALUE) {
                // Redis would try to build the reply and run out of memory; we refuse instead.
                throw new CommandError("ERR value is out of range");
            }
            ctx.reply.array((int) count);
            for (long i = 0; i < count; i++) {
                replyMember(ctx, set, set.randomPosition(random));
            }
        } else if (count >= size) {
            ctx.reply.array(size);
            for (int p = set.firstPosition(); p >= 0; p = set.nextPosition(p)) {
                replyMember(ctx, set, p);
            }
        } else if (count * SRANDMEMBER_SUB_STRATEGY_MUL > size) {
            // Near the whole set: shuffle the positions partially and take the first count.
            int[] positions = new int[size];
            int n = 0;
            for (int p = set.firstPosition(); p >= 0; p = set.nextPosition(p)) {
                positions[n++] = p;
            }
            ctx.reply.array((int) count);
            for (int i = 0; i < count; i++) {
                int j = i + random.nextInt(size - i);
                int chosen = positions[j];
                positions[j] = positions[i];
                replyMember(ctx, set, chosen);
            }
        } else {
            // A small sample of a big set: draw until count distinct positions came up.
            Set<Integer> chosen = new HashSet<>();
            while (chosen.size() < count) {
                chosen.add(set.randomPosition(random));
            }
            ctx.reply.array((int) count);
            for (int p : chosen) {
                replyMember(ctx, set, p);
            }
        }
    }

    // ---------------------------------------------------------------- SINTER and friends

    void sintercard(CommandContext ctx) {
        long numKeys = CommandContext.parseLong(ctx.arg(1), NUMKEYS_RANGE);
        if (numKeys < 1) {
            throw new CommandError(NUMKEYS_RANGE);
        }
        if (numKeys > ctx.argc() - 2) {
            throw new CommandError(NUMKEYS_TOO_MANY);
        }
        long limit = 0;
        for (int j = 2 + (int) numKeys; j < ctx.argc(); j++) {
            if (ctx.argIs(j, "limit") && j + 1 < ctx.argc()) {
                limit = CommandContext.parseLong(ctx.arg(++j), LIMIT_RANGE);
                if (limit < 0) {
                    throw new CommandError(LIMIT_RANGE);
                }
            } else {
                throw CommandError.syntax();
            }
        }
        inter(ctx, 2, (int) numKeys, null, true, limit);
    }

    /**
     * SINTER, SINTERSTORE, SINTERCARD and SMEMBERS: walks the smallest set and keeps the members
     * every other set holds. A missing key is an empty set, so the result is empty, but every
     * key is type-checked first, as in Redis 7.0.
     */
    void inter(CommandContext ctx, int firstKey, int numKeys, byte[] dst, boolean cardinalityOnly, long limit) {
        Database db = ctx.db();
        SetValue[] sets = new SetValue[numKeys];
        boolean anyMissing = false;
        for (int j = 0; j < numKeys; j++) {
            byte[] key = ctx.arg(firstKey + j);
            sets[j] = asSet(db.get(key)); // a read lookup also for *STORE, as in Redis 7.0 (keymiss, misses)
            anyMissing |= sets[j] == null;
        }
        if (anyMissing) {
            if (dst != null) {
                store(ctx, dst, SetValue.emptyIntset());
            } else if (cardinalityOnly) {
                ctx.reply.integer(0);
            } else {
                ctx.reply.set(0);
            }
            return;
        }
        Arrays.sort(sets, BY_SIZE); // stable, so equal sizes keep the argument order as Redis's qsort
        SetValue smallest = sets[0];
        if (dst != null) {
            SetValue result = SetValue.emptyIntset();
            for (int p = smallest.firstPosition(); p >= 0; p = smallest.nextPosition(p)) {
                if (inAllOthers(sets, p)) {
                    result.addFrom(smallest, p, maxIntset());
                }
            }
            store(ctx, dst, result);
            return;
        }
        int found = 0;
        for (int p = smallest.firstPosition(); p >= 0; p = smallest.nextPosition(p)) {
            if (inAllOthers(sets, p)) {
                if (cardinalityOnly) {
                    found++;
                    if (limit != 0 && found >= limit) {
                        break;
                    }
                    continue;
                }
                if (found == matches.length) {
                    matches = Arrays.copyOf(matches, found * 2);
                }
                matches[found++] = p;
            }
        }
        if (cardinalityOnly) {
            ctx.reply.integer(found);
            return;
        }
        ctx.reply.set(found);
        for (int i = 0; i < found; i++) {
            replyMember(ctx, smallest, matches[i]);
        }
        if (matches.length > 4096) {
            matches = new int[64]; // do not keep a huge scratch array after one big reply
        }
    }

    private static boolean inAllOthers(SetValue[] sets, int position) {
        SetValue first = sets[0];
        for (int j = 1; j < sets.length; j++) {
            if (sets[j] != first && !first.memberAtIsIn(position, sets[j])) {
                return false;
            }
        }
        return true;
    }

    /**
     * SUNION, SDIFF and their STORE forms: builds the result set (an intset while it can be) and
     * answers by walking it. SDIFF picks Redis's cheaper algorithm: test each member of the first
     * set against the others (largest first), or copy the first set and remove the others' members.
     */
    void unionDiff(CommandContext ctx, int firstKey, byte[] dst, boolean diff) {
        Database db = ctx.db();
        int numKeys = ctx.argc() - firstKey;
        SetValue[] sets = new SetValue[numKeys];
        for (int j = 0; j < numKeys; j++) {
            byte[] key = ctx.arg(firstKey + j);
            sets[j] = asSet(db.get(key)); // a read lookup also for *STORE, as in Redis 7.0 (keymiss, misses)
        }
        SetValue result = SetValue.emptyIntset();
        if (!diff) {
            for (SetValue set : sets) {
                addAll(result, set);
            }
        } else if (sets[0] != null) {
            long testEachWork = 0;
            long removeWork = 0;
            for (SetValue set : sets) {
                if (set != null) {
                    testEachWork += sets[0].size();
                    removeWork += set.size();
                }
            }
            if (testEachWork / 2 <= removeWork) {
                Arrays.sort(sets, 1, numKeys, BY_SIZE_DESCENDING);
                diffByTesting(result, sets);
            } else {
                diffByRemoving(result, sets);
            }
        }
        if (dst != null) {
            store(ctx, dst, result);
        } else {
            replyAll(ctx, result);
        }
    }

    private void addAll(SetValue result, SetValue set) {
        if (set != null) {
            for (int p = set.firstPosition(); p >= 0; p = set.nextPosition(p)) {
                result.addFrom(set, p, maxIntset());
            }
        }
    }

    private void diffByTesting(SetValue result, SetValue[] sets) {
        SetValue first = sets[0];
        for (int p = first.firstPosition(); p >= 0; p = first.nextPosition(p)) {
            boolean elsewhere = false;
            for (int j = 1; j < sets.length && !elsewhere; j++) {
                elsewhere = sets[j] == first || (sets[j] != null && first.memberAtIsIn(p, sets[j]));
            }
            if (!elsewhere) {
                result.addFrom(first, p, maxIntset());
            }
        }
    }

    private void diffByRemoving(SetValue result, SetValue[] sets) {
        addAll(result, sets[0]);
        for (int j = 1; j < sets.length && result.size() > 0; j++) {
            SetValue set = sets[j];
            if (set != null) {
                for (int p = set.firstPosition(); p >= 0; p = set.nextPosition(p)) {
                    result.removeMemberOf(set, p);
                }
            }
        }
    }

    // ---------------------------------------------------------------- SSCAN

    void sscan(CommandContext ctx) {
        long cursor = KeyCommands.parseScanCursor(ctx.arg(2));
        SetValue set = asSet(ctx.db().get(ctx.arg(1)));
        if (set == null) {
            ScanOptions.reply(ctx, 0, List.of());
            return;
        }
        ScanOptions options = ScanOptions.parse(ctx, 3, false);
        List<byte[]> found = new ArrayList<>();
        if (set.isIntset()) {
            for (int p = set.firstPosition(); p >= 0; p = set.nextPosition(p)) {
                found.add(set.memberAt(p));
            }
            cursor = 0;
        } else {
            long maxIterations = options.maxIterations();
            do {
                cursor = set.scan(cursor, (member, unused) -> found.add(member));
            } while (cursor != 0 && maxIterations-- > 0 && found.size() < options.count);
        }
        if (options.pattern != null) {
            found.removeIf(member -> !options.matches(member));
        }
        ScanOptions.reply(ctx, cursor, found);
    }
}
