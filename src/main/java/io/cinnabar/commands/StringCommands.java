package io.cinnabar.commands;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandError;
import io.cinnabar.command.CommandTable;
import io.cinnabar.command.Rewrites;
import io.cinnabar.keyspace.Database;
import io.cinnabar.keyspace.KeyEvents;
import io.cinnabar.keyspace.KeyTable;
import io.cinnabar.server.Server;
import io.cinnabar.types.LongDouble;
import io.cinnabar.types.MutableString;
import io.cinnabar.types.Numbers;
import io.cinnabar.types.StringValue;
import io.cinnabar.types.Values;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The string group, laid out like Redis's t_string.c: each command is a few lines over a handful
 * of shared helpers (one generic SET with option flags, one integer increment, one range reader).
 *
 * <p>Values are stored as {@code Long} ("int"), {@code byte[]} ("embstr" up to 44 bytes, else
 * "raw") or {@link MutableString} ("raw", grown in place by APPEND and SETRANGE); see
 * {@link StringValue}. Every change goes through {@link Database}'s write methods.
 */
public final class StringCommands {
    private StringCommands() {}

    static void install(Server server) {
        CommandTable t = server.commandTable();
        t.bind("get", StringCommands::get);
        t.bind("set", StringCommands::set);
        t.bind("setnx", StringCommands::setnx);
        t.bind("setex", StringCommands::setex);
        t.bind("psetex", StringCommands::psetex);
        t.bind("getset", StringCommands::getset);
        t.bind("getdel", StringCommands::getdel);
        t.bind("getex", StringCommands::getex);
        t.bind("mget", StringCommands::mget);
        t.bind("mset", StringCommands::mset);
        t.bind("msetnx", StringCommands::msetnx);
        t.bind("append", StringCommands::append);
        t.bind("strlen", StringCommands::strlen);
        t.bind("getrange", StringCommands::getrange);
        t.bind("substr", StringCommands::getrange);
        t.bind("setrange", StringCommands::setrange);
        t.bind("incr", ctx -> incrDecr(ctx, 1));
        t.bind("decr", ctx -> incrDecr(ctx, -1));
        t.bind("incrby", ctx -> incrDecr(ctx, ctx.argLong(2)));
        t.bind("decrby", StringCommands::decrby);
        t.bind("incrbyfloat", StringCommands::incrbyfloat);
        t.bind("lcs", StringCommands::lcs);
    }

    // ---------------------------------------------------------------- shared helpers

    /** The string at key (read lookup), null if absent; WRONGTYPE if the key holds another type. */
    static Object getString(Database db, byte[] key) {
        Object v = db.get(key);
        if (v != null && !Values.isString(v)) {
            throw CommandError.wrongType();
        }
        return v;
    }

    /** As {@link #getString} but a write lookup: no hit/miss accounting. */
    static Object getStringForWrite(Database db, byte[] key) {
        Object v = db.lookup(key);
        if (v != null && !Values.isString(v)) {
            throw CommandError.wrongType();
        }
        return v;
    }

    static void replyString(CommandContext ctx, Object v) {
        if (v == null) {
            ctx.reply.nullBulk();
        } else if (v instanceof byte[]) {
            ctx.reply.bulk((byte[]) v);
        } else if (v instanceof Long) {
            ctx.reply.bulkLong((Long) v);
        } else {
            MutableString m = (MutableString) v;
            ctx.reply.bulk(m.array(), 0, m.length());
        }
    }

    /** Checks a string's would-be length against proto-max-bulk-len (and what a Java array can hold). */
    static void checkStringLength(CommandContext ctx, long size) {
        if (size < 0 || size > ctx.server.config().protoMaxBulkLen.value() || size > Integer.MAX_VALUE - 16) {
            throw new CommandError("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
        }
    }

    // ---------------------------------------------------------------- GET, SET and friends

    static final int SET_NX = 1;
    static final int SET_XX = 1 << 1;
    static final int SET_GET = 1 << 2;
    static final int KEEPTTL = 1 << 3;
    static final int PERSIST = 1 << 4;
    static final int EX = 1 << 5;
    static final int PX = 1 << 6;
    static final int EXAT = 1 << 7;
    static final int PXAT = 1 << 8;
    static final int ANY_EXPIRE = EX | PX | EXAT | PXAT;

    /** How {@link #setGeneric} answers: SET's +OK / null, or SETNX's 1 / 0. */
    static final int REPLY_OK = 0;
    static final int REPLY_ONE = 1;

    static void get(CommandContext ctx) {
        replyString(ctx, getString(ctx.db(), ctx.arg(1)));
    }

    static void set(CommandContext ctx) {
        long parsed = parseOptions(ctx, 3, true);
        setGeneric(ctx, (int) parsed, ctx.arg(1), ctx.arg(2), (int) (parsed >>> 32), REPLY_OK);
    }

    static void setnx(CommandContext ctx) {
        setGeneric(ctx, SET_NX, ctx.arg(1), ctx.arg(2), 0, REPLY_ONE);
    }

    static void setex(CommandContext ctx) {
        setGeneric(ctx, EX, ctx.arg(1), ctx.arg(3), 2, REPLY_OK);
    }

    static void psetex(CommandContext ctx) {
        setGeneric(ctx, PX, ctx.arg(1), ctx.arg(3), 2, REPLY_OK);
    }

    static void getset(CommandContext ctx) {
        Database db = ctx.db();
        replyString(ctx, getString(db, ctx.arg(1)));
        db.set(ctx.arg(1), StringValue.of(ctx.arg(2)), KeyTable.NO_EXPIRE);
        db.notify(KeyEvents.STRING, "set", ctx.arg(1));
        if (ctx.propagating()) {
            ctx.propagateAs(Rewrites.SET, ctx.arg(1), ctx.arg(2));
        }
    }

    static void getdel(CommandContext ctx) {
        Database db = ctx.db();
        Object v = getString(db, ctx.arg(1));
        replyString(ctx, v);
        if (v != null) {
            db.delete(ctx.arg(1));
            db.notify(KeyEvents.GENERIC, "del", ctx.arg(1));
            if (ctx.propagating()) {
                ctx.propagateAs(Rewrites.DEL, ctx.arg(1));
            }
        }
    }

    static void getex(CommandContext ctx) {
        long parsed = parseOptions(ctx, 2, false);
        int flags = (int) parsed;
        int expireArg = (int) (parsed >>> 32);
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        Object v = getString(db, key);
        if (v == null) {
            ctx.reply.nullBulk();
            return;
        }
        long when = expireArg == 0 ? 0 : expireTime(ctx, expireArg, flags);
        replyString(ctx, v);
        if ((flags & (EXAT | PXAT)) != 0 && when <= ctx.server.keyspace().now()) {
            db.delete(key);
            db.notify(KeyEvents.GENERIC, "del", key);
            Rewrites.asExpiredDeletion(ctx, key);
        } else if (expireArg != 0) {
            db.setExpire(key, when);
            db.notify(KeyEvents.GENERIC, "expire", key);
            Rewrites.asPexpireat(ctx, key, when);
        } else if ((flags & PERSIST) != 0 && db.getExpire(key) != KeyTable.NO_EXPIRE) {
            db.setExpire(key, KeyTable.NO_EXPIRE);
            db.notify(KeyEvents.GENERIC, "persist", key);
            if (ctx.propagating()) {
                ctx.propagateAs(Rewrites.PERSIST, key);
            }
        }
    }

    /**
     * Reads SET's (or, with {@code forSet} false, GETEX's) options from argument {@code from} on.
     * Returns the option flags in the low 32 bits and the index of the expire argument (0 for
     * none) in the high 32 bits. Conflicting or unknown options are a syntax error; a repeated
     * option is accepted, the last value winning.
     */
    static long parseOptions(CommandContext ctx, int from, boolean forSet) {
        int flags = 0;
        int expireArg = 0;
        int argc = ctx.argc();
        for (int j = from; j < argc; j++) {
            boolean hasNext = j + 1 < argc;
            int unit = 0;
            if (forSet && ctx.argIs(j, "nx") && (flags & SET_XX) == 0) {
                flags |= SET_NX;
            } else if (forSet && ctx.argIs(j, "xx") && (flags & SET_NX) == 0) {
                flags |= SET_XX;
            } else if (forSet && ctx.argIs(j, "get")) {
                flags |= SET_GET;
            } else if (forSet && ctx.argIs(j, "keepttl") && (flags & (PERSIST | ANY_EXPIRE)) == 0) {
                flags |= KEEPTTL;
            } else if (!forSet && ctx.argIs(j, "persist") && (flags & (KEEPTTL | ANY_EXPIRE)) == 0) {
                flags |= PERSIST;
            } else if (ctx.argIs(j, "ex")) {
                unit = EX;
            } else if (ctx.argIs(j, "px")) {
                unit = PX;
            } else if (ctx.argIs(j, "exat")) {
                unit = EXAT;
            } else if (ctx.argIs(j, "pxat")) {
                unit = PXAT;
            } else {
                throw CommandError.syntax();
            }
            if (unit != 0) {
                // An expire option may repeat itself but not follow another kind of TTL option.
                if (!hasNext || (flags & (KEEPTTL | PERSIST | (ANY_EXPIRE & ~unit))) != 0) {
                    throw CommandError.syntax();
                }
                flags |= unit;
                expireArg = ++j;
            }
        }
        return ((long) expireArg << 32) | flags;
    }

    /**
     * The absolute unix-ms expiry given by argument {@code arg} under the unit in {@code flags}
     * (EX and PX relative to now), or Redis's "invalid expire time" error when it is not positive
     * or overflows.
     */
    static long expireTime(CommandContext ctx, int arg, int flags) {
        long ms = ctx.argLong(arg);
        boolean seconds = (flags & (EX | EXAT)) != 0;
        if (ms <= 0 || (seconds && ms > Long.MAX_VALUE / 1000)) {
            throw invalidExpire(ctx);
        }
        if (seconds) {
            ms *= 1000;
        }
        if ((flags & (EX | PX)) != 0) {
            ms += ctx.server.keyspace().now(); // wraps negative on overflow, as in C
        }
        if (ms <= 0) {
            throw invalidExpire(ctx);
        }
        return ms;
    }

    private static CommandError invalidExpire(CommandContext ctx) {
        return new CommandError("ERR invalid expire time in '" + ctx.spec().name + "' command");
    }

    /**
     * The one SET: validates the expiry, answers the old value for GET, honours NX / XX, stores
     * the value (int-encoded when it looks like one) and the TTL (kept for KEEPTTL, else replaced).
     */
    static void setGeneric(CommandContext ctx, int flags, byte[] key, byte[] value, int expireArg, int replyStyle) {
        Database db = ctx.db();
        long expire = KeyTable.NO_EXPIRE;
        if (expireArg != 0) {
            expire = expireTime(ctx, expireArg, flags);
        }
        boolean found = false;
        if ((flags & SET_GET) != 0) {
            Object old = getString(db, key);
            replyString(ctx, old);
            found = old != null;
        } else if ((flags & (SET_NX | SET_XX)) != 0) {
            found = db.lookup(key) != null;
        }
        if (((flags & SET_NX) != 0 && found) || ((flags & SET_XX) != 0 && !found)) {
            if ((flags & SET_GET) == 0) {
                if (replyStyle == REPLY_ONE) {
                    ctx.reply.integer(0);
                } else {
                    ctx.reply.nullBulk();
                }
            }
            return;
        }
        db.set(key, StringValue.of(value), (flags & KEEPTTL) != 0 ? Database.KEEP_TTL : expire);
        db.notify(KeyEvents.STRING, "set", key);
        if (expireArg != 0) {
            db.notify(KeyEvents.GENERIC, "expire", key);
        }
        if (ctx.propagating()) {
            propagateSet(ctx, flags, key, value, expire, expireArg);
        }
        if ((flags & SET_GET) == 0) {
            if (replyStyle == REPLY_ONE) {
                ctx.reply.integer(1);
            } else {
                ctx.reply.ok();
            }
        }
    }

    /**
     * As Redis 7.0: any expiry propagates as an absolute {@code SET key value PXAT <unix-ms>}, so
     * a replica or a reloaded AOF expires the key when the master would; without one, GET (which
     * a replica must not answer) is dropped from the arguments.
     */
    private static void propagateSet(CommandContext ctx, int flags, byte[] key, byte[] value, long expire, int expireArg) {
        if (expireArg != 0) {
            ctx.propagateAs(Rewrites.SET, key, value, Rewrites.PXAT, Rewrites.decimal(expire));
        } else if ((flags & SET_GET) != 0) {
            List<byte[]> kept = new ArrayList<>(ctx.argc());
            for (int j = 0; j < ctx.argc(); j++) {
                if (j < 3 || !ctx.argIs(j, "get")) {
                    kept.add(ctx.arg(j));
                }
            }
            ctx.propagateAs(kept.toArray(new byte[0][]));
        }
    }

    // ---------------------------------------------------------------- multi-key

    static void mget(CommandContext ctx) {
        Database db = ctx.db();
        int argc = ctx.argc();
        ctx.reply.array(argc - 1);
        for (int j = 1; j < argc; j++) {
            Object v = db.get(ctx.arg(j));
            replyString(ctx, Values.isString(v) ? v : null);
        }
    }

    static void mset(CommandContext ctx) {
        msetGeneric(ctx, false);
    }

    static void msetnx(CommandContext ctx) {
        msetGeneric(ctx, true);
    }

    /** Up to this many pairs MSET looks for a repeated key; past it, it stores copies anyway. */
    private static final int PAIRS_CHECKED_FOR_REPEATS = 16;

    private static boolean repeatsAKey(CommandContext ctx) {
        for (int i = 1; i < ctx.argc(); i += 2) {
            for (int j = i + 2; j < ctx.argc(); j += 2) {
                if (Arrays.equals(ctx.arg(i), ctx.arg(j))) {
                    return true;
                }
            }
        }
        return false;
    }

    static void msetGeneric(CommandContext ctx, boolean nx) {
        int argc = ctx.argc();
        if (argc % 2 == 0) {
            throw new CommandError("ERR wrong number of arguments for '" + ctx.spec().name + "' command");
        }
        Database db = ctx.db();
        if (nx) {
            for (int j = 1; j < argc; j += 2) {
                if (db.lookup(ctx.arg(j)) != null) {
                    ctx.reply.integer(0);
                    return;
                }
            }
        }
        // Database.set overwrites a same-size string in place. When a key is named twice, its
        // first value (this command's own argument) would be overwritten by the second, changing
        // the arguments SLOWLOG and the propagation stream see: such a command stores copies.
        boolean storeCopies = argc > 3 && (argc > 1 + 2 * PAIRS_CHECKED_FOR_REPEATS || repeatsAKey(ctx));
        for (int j = 1; j < argc; j += 2) {
            byte[] value = ctx.arg(j + 1);
            db.set(ctx.arg(j), StringValue.of(storeCopies ? value.clone() : value), KeyTable.NO_EXPIRE);
            db.notify(KeyEvents.STRING, "set", ctx.arg(j));
        }
        if (nx) {
            ctx.reply.integer(1);
        } else {
            ctx.reply.ok();
        }
    }

    // ---------------------------------------------------------------- APPEND, STRLEN, ranges

    static void append(CommandContext ctx) {
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        byte[] tail = ctx.arg(2);
        Object v = getStringForWrite(db, key);
        if (v == null) {
            db.set(key, StringValue.of(tail), KeyTable.NO_EXPIRE);
            db.notify(KeyEvents.STRING, "append", key);
            ctx.reply.integer(tail.length);
            return;
        }
        checkStringLength(ctx, (long) StringValue.length(v) + tail.length);
        ctx.reply.integer(writeString(db, key, v, -1, tail));
        db.notify(KeyEvents.STRING, "append", key);
    }

    /**
     * Appends (offset -1) or writes bytes at an offset of a string, growing it in place as sds
     * does. An absent value starts empty; an int or fixed string first becomes a growable raw one
     * (Redis's dbUnshareStringValue). The TTL is kept. Returns the new length.
     */
    private static int writeString(Database db, byte[] key, Object v, long offset, byte[] bytes) {
        try {
            if (v instanceof MutableString) {
                MutableString m = (MutableString) db.lookupWrite(key);
                try {
                    put(m, offset, bytes);
                } finally {
                    db.modified(key);
                }
                return m.length();
            }
            byte[] old = v == null ? EMPTY : StringValue.bytes(v);
            long end = offset < 0 ? (long) old.length + bytes.length : Math.max(old.length, offset + bytes.length);
            MutableString m = new MutableString(old, (int) (end - old.length));
            put(m, offset, bytes);
            db.set(key, m, v == null ? KeyTable.NO_EXPIRE : Database.KEEP_TTL);
            return m.length();
        } catch (OutOfMemoryError e) {
            // A string within proto-max-bulk-len that the heap cannot hold: refuse it, as Redis
            // refuses writes beyond maxmemory, rather than lose the data thread.
            throw new CommandError("OOM command not allowed when used memory > 'maxmemory'.");
        }
    }

    private static void put(MutableString m, long offset, byte[] bytes) {
        if (offset < 0) {
            m.append(bytes);
        } else {
            m.write((int) offset, bytes);
        }
    }

    static void strlen(CommandContext ctx) {
        Object v = getString(ctx.db(), ctx.arg(1));
        ctx.reply.integer(v == null ? 0 : StringValue.length(v));
    }

    static void getrange(CommandContext ctx) {
        long start = ctx.argLong(2);
        long end = ctx.argLong(3);
        Object v = getString(ctx.db(), ctx.arg(1));
        byte[] bytes;
        int length;
        if (v == null) {
            ctx.reply.bulk(EMPTY);
            return;
        } else if (v instanceof MutableString) {
            bytes = ((MutableString) v).array();
            length = ((MutableString) v).length();
        } else {
            bytes = StringValue.bytes(v);
            length = bytes.length;
        }
        if (start < 0 && end < 0 && start > end) {
            ctx.reply.bulk(EMPTY);
            return;
        }
        if (start < 0) {
            start = Math.max(0, length + start);
        }
        if (end < 0) {
            end = Math.max(0, length + end);
        }
        if (end >= length) {
            end = length - 1;
        }
        if (start > end || length == 0) {
            ctx.reply.bulk(EMPTY);
        } else {
            ctx.reply.bulk(bytes, (int) start, (int) (end - start + 1));
        }
    }

    private static final byte[] EMPTY = new byte[0];

    static void setrange(CommandContext ctx) {
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        long offset = ctx.argLong(2);
        byte[] value = ctx.arg(3);
        if (offset < 0) {
            throw new CommandError("ERR offset is out of range");
        }
        Object v = getStringForWrite(db, key);
        if (value.length == 0) {
            ctx.reply.integer(v == null ? 0 : StringValue.length(v));
            return;
        }
        checkStringLength(ctx, offset + value.length);
        ctx.reply.integer(writeString(db, key, v, offset, value));
        db.notify(KeyEvents.STRING, "setrange", key);
    }

    // ---------------------------------------------------------------- counters

    static void decrby(CommandContext ctx) {
        long by = ctx.argLong(2);
        if (by == Long.MIN_VALUE) {
            throw new CommandError("ERR decrement would overflow");
        }
        incrDecr(ctx, -by);
    }

    /** INCR, DECR, INCRBY and DECRBY: the value must be a 64-bit integer; the TTL is kept. */
    static void incrDecr(CommandContext ctx, long by) {
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        Object v = getStringForWrite(db, key);
        long old = v == null ? 0 : longValue(v);
        if ((by < 0 && old < 0 && by < Long.MIN_VALUE - old) || (by > 0 && old > 0 && by > Long.MAX_VALUE - old)) {
            throw new CommandError("ERR increment or decrement would overflow");
        }
        long now = old + by;
        db.set(key, StringValue.ofLong(now), Database.KEEP_TTL);
        db.notify(KeyEvents.STRING, "incrby", key);
        ctx.reply.integer(now);
    }

    /** A stored string as a 64-bit integer, strictly as Redis's string2ll reads it. */
    static long longValue(Object v) {
        if (v instanceof Long) {
            return (Long) v;
        }
        byte[] b;
        int len;
        if (v instanceof MutableString) {
            b = ((MutableString) v).array();
            len = ((MutableString) v).length();
        } else {
            b = (byte[]) v;
            len = b.length;
        }
        long n = Numbers.parseLongStrict(b, 0, len);
        if (n == Numbers.NOT_A_LONG && !isMinLong(b, len)) {
            throw new CommandError(CommandError.NOT_INTEGER);
        }
        return n;
    }

    private static boolean isMinLong(byte[] b, int len) {
        return len == 20 && Arrays.equals(b, 0, 20, MIN_LONG, 0, 20);
    }

    private static final byte[] MIN_LONG = "-9223372036854775808".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** INCRBYFLOAT in x87 long double arithmetic, formatted as Redis's "%.17Lf"; the TTL is kept. */
    static void incrbyfloat(CommandContext ctx) {
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        Object v = getStringForWrite(db, key);
        LongDouble old = v == null ? LongDouble.ZERO : longDoubleValue(v);
        LongDouble by = LongDouble.parse(ctx.arg(2));
        if (old == null || by == null) {
            throw new CommandError(CommandError.NOT_FLOAT);
        }
        byte[] text = addAsText(old, by);
        db.set(key, text, Database.KEEP_TTL); // Redis stores the text as is: embstr or raw, never int
        db.notify(KeyEvents.STRING, "incrbyfloat", key);
        ctx.reply.bulk(text);
        if (ctx.propagating()) {
            // the sum as text, so a replica's float arithmetic cannot differ from ours
            ctx.propagateAs(Rewrites.SET, key, text, Rewrites.KEEPTTL);
        }
    }

    /**
     * {@code old + by} in long double, as the text INCRBYFLOAT and HINCRBYFLOAT store and reply
     * (Redis's ld2string LD_STR_HUMAN); an error when the sum is not finite.
     */
    static byte[] addAsText(LongDouble old, LongDouble by) {
        LongDouble sum = old.add(by);
        if (!sum.isFinite()) {
            throw new CommandError("ERR increment would produce NaN or Infinity");
        }
        return sum.toHumanBytes();
    }

    static LongDouble longDoubleValue(Object v) {
        if (v instanceof Long) {
            return LongDouble.of((Long) v);
        }
        if (v instanceof MutableString) {
            MutableString m = (MutableString) v;
            return LongDouble.parse(m.array(), 0, m.length());
        }
        return LongDouble.parse((byte[]) v);
    }

    // ---------------------------------------------------------------- LCS

    /**
     * LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]. Where Redis keeps the whole table
     * of prefix LCS lengths (4 bytes a cell) to walk back through, we keep two rows of lengths
     * and one bit a cell recording which way the walk goes at a mismatch, and walk back the same
     * way, so the string and the match ranges come out identical.
     */
    static void lcs(CommandContext ctx) {
        Database db = ctx.db();
        Object va = db.get(ctx.arg(1));
        Object vb = db.get(ctx.arg(2));
        if ((va != null && !Values.isString(va)) || (vb != null && !Values.isString(vb))) {
            throw new CommandError("ERR The specified keys must contain string values");
        }
        boolean wantLen = false;
        boolean wantIdx = false;
        boolean withMatchLen = false;
        long minMatchLen = 0;
        for (int j = 3; j < ctx.argc(); j++) {
            if (ctx.argIs(j, "idx")) {
                wantIdx = true;
            } else if (ctx.argIs(j, "len")) {
                wantLen = true;
            } else if (ctx.argIs(j, "withmatchlen")) {
                withMatchLen = true;
            } else if (ctx.argIs(j, "minmatchlen") && j + 1 < ctx.argc()) {
                minMatchLen = Math.max(0, ctx.argLong(++j));
            } else {
                throw CommandError.syntax();
            }
        }
        if (wantIdx && wantLen) {
            throw new CommandError("ERR If you want both the length and indexes, please just use IDX.");
        }
        byte[] a = va == null ? EMPTY : StringValue.bytes(va);
        byte[] b = vb == null ? EMPTY : StringValue.bytes(vb);
        long cells = (long) (a.length + 1) * (b.length + 1);
        if (cells * 4 > ctx.server.config().protoMaxBulkLen.value()) {
            throw new CommandError("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
        }
        Lcs lcs;
        try {
            if (cells / 64 >= Integer.MAX_VALUE - 8) {
                throw new OutOfMemoryError();
            }
            lcs = new Lcs(a, b);
        } catch (OutOfMemoryError e) {
            throw new CommandError("ERR Insufficient memory, failed allocating transient memory for LCS");
        }
        if (wantLen) {
            ctx.reply.integer(lcs.length);
            return;
        }
        if (!wantIdx) {
            ctx.reply.bulk(lcs.walk(null, 0));
            return;
        }
        IntList ranges = new IntList();
        lcs.walk(ranges, minMatchLen);
        int per = withMatchLen ? 3 : 2;
        int n = ranges.size / 4;
        ctx.reply.map(2);
        ctx.reply.bulk(MATCHES);
        ctx.reply.array(n);
        for (int r = 0; r < n; r++) {
            int aStart = ranges.data[r * 4];
            int aEnd = ranges.data[r * 4 + 1];
            ctx.reply.array(per);
            ctx.reply.array(2);
            ctx.reply.integer(aStart);
            ctx.reply.integer(aEnd);
            ctx.reply.array(2);
            ctx.reply.integer(ranges.data[r * 4 + 2]);
            ctx.reply.integer(ranges.data[r * 4 + 3]);
            if (withMatchLen) {
                ctx.reply.integer(aEnd - aStart + 1);
            }
        }
        ctx.reply.bulk(LEN);
        ctx.reply.integer(lcs.length);
    }

    private static final byte[] MATCHES = {'m', 'a', 't', 'c', 'h', 'e', 's'};
    private static final byte[] LEN = {'l', 'e', 'n'};

    /** The LCS table of two strings, reduced to the length and one direction bit per cell. */
    static final class Lcs {
        final byte[] a;
        final byte[] b;
        final int length;
        /** Bit (i-1)*blen + (j-1) set when LCS(i-1, j) > LCS(i, j-1), i.e. the walk moves up. */
        private final long[] up;

        Lcs(byte[] a, byte[] b) {
            this.a = a;
            this.b = b;
            int alen = a.length;
            int blen = b.length;
            up = new long[(int) (((long) alen * blen + 63) >>> 6)];
            int[] prev = new int[blen + 1];
            int[] cur = new int[blen + 1];
            for (int i = 1; i <= alen; i++) {
                byte ai = a[i - 1];
                long base = (long) (i - 1) * blen - 1;
                for (int j = 1; j <= blen; j++) {
                    if (ai == b[j - 1]) {
                        cur[j] = prev[j - 1] + 1;
                    } else {
                        int upLen = prev[j];
                        int leftLen = cur[j - 1];
                        if (upLen > leftLen) {
                            long bit = base + j;
                            up[(int) (bit >>> 6)] |= 1L << bit;
                            cur[j] = upLen;
                        } else {
                            cur[j] = leftLen;
                        }
                    }
                }
                int[] t = prev;
                prev = cur;
                cur = t;
            }
            length = prev[blen];
        }

        private boolean movesUp(int i, int j) {
            long bit = (long) (i - 1) * b.length + (j - 1);
            return (up[(int) (bit >>> 6)] & (1L << bit)) != 0;
        }

        /**
         * Walks back from the end, collecting the common subsequence and, into {@code ranges}
         * when not null, each maximal run of matches as (aStart, aEnd, bStart, bEnd), last run
         * first, skipping runs shorter than {@code minMatchLen}.
         */
        byte[] walk(IntList ranges, long minMatchLen) {
            byte[] out = new byte[length];
            int k = length;
            int i = a.length;
            int j = b.length;
            int runAEnd = -1; // -1: no run in progress
            int runBEnd = 0;
            int runA = 0;
            int runB = 0;
            while (i > 0 && j > 0) {
                if (a[i - 1] == b[j - 1]) {
                    out[--k] = a[i - 1];
                    i--;
                    j--;
                    if (runAEnd < 0) {
                        runAEnd = i;
                        runBEnd = j;
                    }
                    runA = i;
                    runB = j;
                    if (i == 0 || j == 0) {
                        emit(ranges, minMatchLen, runA, runAEnd, runB, runBEnd);
                        runAEnd = -1;
                    }
                } else {
                    if (movesUp(i, j)) {
                        i--;
                    } else {
                        j--;
                    }
                    if (runAEnd >= 0) {
                        emit(ranges, minMatchLen, runA, runAEnd, runB, runBEnd);
                        runAEnd = -1;
                    }
                }
            }
            return out;
        }

        private static void emit(IntList ranges, long minMatchLen, int aStart, int aEnd, int bStart, int bEnd) {
            if (ranges != null && (minMatchLen == 0 || aEnd - aStart + 1 >= minMatchLen)) {
                ranges.add(aStart);
                ranges.add(aEnd);
                ranges.add(bStart);
                ranges.add(bEnd);
            }
        }
    }

    /** A growable int array. */
    static final class IntList {
        int[] data = new int[16];
        int size;

        void add(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }
    }
}
