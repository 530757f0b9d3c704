package io.cinnabar.commands;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandError;
import io.cinnabar.command.Rewrites;
import io.cinnabar.command.Propagation;
import io.cinnabar.command.CommandTable;
import io.cinnabar.keyspace.Database;
import io.cinnabar.keyspace.KeyEvents;
import io.cinnabar.keyspace.KeyTable;
import io.cinnabar.keyspace.Keyspace;
import io.cinnabar.server.Server;
import io.cinnabar.types.StringValue;
import io.cinnabar.types.Values;
import io.cinnabar.util.Glob;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The generic (keyspace) group, as Redis's db.c and expire.c: DEL, EXISTS, TYPE, KEYS, SCAN,
 * RENAME, COPY, MOVE, OBJECT, the EXPIRE and TTL families, and the whole-database commands
 * DBSIZE, SWAPDB, FLUSHDB and FLUSHALL. Shared helpers at the top, each command a few lines.
 */
public final class KeyCommands {
    private KeyCommands() {}

    static final String SAME_OBJECT = "ERR source and destination objects are the same";

    static void install(Server server) {
        CommandTable t = server.commandTable();
        t.bind("del", KeyCommands::del);
        t.bind("unlink", KeyCommands::del);
        t.bind("exists", KeyCommands::exists);
        t.bind("type", KeyCommands::type);
        t.bind("keys", KeyCommands::keys);
        t.bind("scan", KeyCommands::scan);
        t.bind("randomkey", KeyCommands::randomkey);
        t.bind("rename", ctx -> rename(ctx, false));
        t.bind("renamenx", ctx -> rename(ctx, true));
        t.bind("copy", KeyCommands::copy);
        t.bind("move", KeyCommands::move);
        t.bind("touch", KeyCommands::touch);
        t.bind("object|encoding", KeyCommands::objectEncoding);
        t.bind("object|refcount", KeyCommands::objectRefcount);
        t.bind("object|idletime", KeyCommands::objectIdletime);
        t.bind("object|freq", KeyCommands::objectFreq);
        t.bind("object|help", KeyCommands::objectHelp);
        t.bind("expire", ctx -> expire(ctx, ctx.server.keyspace().now(), true));
        t.bind("pexpire", ctx -> expire(ctx, ctx.server.keyspace().now(), false));
        t.bind("expireat", ctx -> expire(ctx, 0, true));
        t.bind("pexpireat", ctx -> expire(ctx, 0, false));
        t.bind("ttl", ctx -> ttl(ctx, false, false));
        t.bind("pttl", ctx -> ttl(ctx, true, false));
        t.bind("expiretime", ctx -> ttl(ctx, false, true));
        t.bind("pexpiretime", ctx -> ttl(ctx, true, true));
        t.bind("persist", KeyCommands::persist);
        t.bind("dbsize", ctx -> ctx.reply.integer(ctx.db().size()));
        t.bind("swapdb", KeyCommands::swapdb);
        t.bind("flushdb", ctx -> flush(ctx, false));
        t.bind("flushall", ctx -> flush(ctx, true));
    }

    // ---------------------------------------------------------------- shared helpers

    /**
     * Redis's lookupKeyReadWithFlags(LOOKUP_NOTOUCH): expires the key if due and counts a hit or
     * miss, without refreshing the access clock. Null when absent.
     */
    static Object readNoTouch(Database db, byte[] key) {
        Object v = readNoTouchQuietly(db, key);
        if (v == null) {
            db.notify(KeyEvents.KEY_MISS, "keymiss", key);
        }
        return v;
    }

    /** As {@link #readNoTouch} but a miss is not announced (OBJECT's lookup, LOOKUP_NONOTIFY in Redis). */
    static Object readNoTouchQuietly(Database db, byte[] key) {
        Object v = db.peek(key);
        Keyspace.Stats stats = db.keyspace().stats;
        if (v == null) {
            stats.keyspaceMisses++;
        } else {
            stats.keyspaceHits++;
        }
        return v;
    }

    static final String NOT_INT32 = "ERR value is out of range, value must between -2147483648 and 2147483647";

    /** A database index argument as Redis's getIntFromObjectOrReply reads it, then range-checked. */
    static int dbIndex(CommandContext ctx, int arg) {
        long id = ctx.argLong(arg);
        if (id < Integer.MIN_VALUE || id > Integer.MAX_VALUE) {
            throw new CommandError(NOT_INT32);
        }
        if (id < 0 || id >= ctx.server.keyspace().count()) {
            throw new CommandError(CommandError.DB_INDEX_OUT_OF_RANGE);
        }
        return (int) id;
    }

    // ---------------------------------------------------------------- existence and type

    static void del(CommandContext ctx) {
        Database db = ctx.db();
        long deleted = 0;
        for (int i = 1; i < ctx.argc(); i++) {
            if (db.delete(ctx.arg(i))) {
                db.notify(KeyEvents.GENERIC, "del", ctx.arg(i));
                deleted++;
            }
        }
        ctx.reply.integer(deleted);
    }

    static void exists(CommandContext ctx) {
        Database db = ctx.db();
        long count = 0;
        for (int i = 1; i < ctx.argc(); i++) {
            if (readNoTouch(db, ctx.arg(i)) != null) {
                count++;
            }
        }
        ctx.reply.integer(count);
    }

    static void touch(CommandContext ctx) {
        Database db = ctx.db();
        long count = 0;
        for (int i = 1; i < ctx.argc(); i++) {
            if (db.get(ctx.arg(i)) != null) {
                count++;
            }
        }
        ctx.reply.integer(count);
    }

    static void type(CommandContext ctx) {
        Object v = readNoTouch(ctx.db(), ctx.arg(1));
        ctx.reply.simple(v == null ? "none" : Values.typeName(v));
    }

    static void randomkey(CommandContext ctx) {
        byte[] key = ctx.db().randomKey();
        if (key == null) {
            ctx.reply.nullBulk();
        } else {
            ctx.reply.bulk(key);
        }
    }

    // ---------------------------------------------------------------- KEYS and SCAN

    static void keys(CommandContext ctx) {
        Database db = ctx.db();
        byte[] pattern = ctx.arg(1);
        boolean all = Glob.matchesAll(pattern);
        List<byte[]> out = new ArrayList<>();
        // The table must not change while we walk it: expired keys are skipped, not deleted.
        db.forEach((key, value, expire) -> {
            if ((all || Glob.match(pattern, key)) && !db.isExpired(expire)) {
                out.add(key);
            }
        });
        replyKeys(ctx, out);
    }

    private static void replyKeys(CommandContext ctx, List<byte[]> keys) {
        ctx.reply.array(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            ctx.reply.bulk(keys.get(i));
        }
    }

    /** What one SCAN call gathers from the table; filters apply as keys are visited. */
    private static final class ScanState implements KeyTable.EntryVisitor {
        final Database db;
        final ScanOptions options;
        final List<byte[]> keys = new ArrayList<>();
        List<byte[]> expired;    // deleted once the walk is over
        long visited;

        ScanState(Database db, ScanOptions options) {
            this.db = db;
            this.options = options;
        }

        @Override
        public void visit(byte[] key, Object value, long expire) {
            visited++;
            if (!options.matches(key)) {
                return;
            }
            if (db.isExpired(expire)) {
                if (expired == null) {
                    expired = new ArrayList<>();
                }
                expired.add(key);
                return;
            }
            if (options.typeName != null && !CommandContext.equalsIgnoreCase(options.typeName, Values.typeName(value))) {
                return;
            }
            keys.add(key);
        }
    }

    static void scan(CommandContext ctx) {
        long cursor = parseScanCursor(ctx.arg(1));
        Database db = ctx.db();
        ScanOptions options = ScanOptions.parse(ctx, 2, true);
        ScanState state = new ScanState(db, options);
        long maxIterations = options.maxIterations();
        do {
            cursor = db.scan(cursor, state);
        } while (cursor != 0 && maxIterations-- > 0 && state.visited < options.count);
        if (state.expired != null) {
            // Redis 7.0 replicates the keys SCAN expires one DEL at a time, never wrapped
            ctx.server.propagation().sendRemovalsAtOnce(true);
            try {
                for (byte[] key : state.expired) {
                    db.exists(key); // a lookup expires the key, as Redis's expireIfNeeded does
                }
            } finally {
                ctx.server.propagation().sendRemovalsAtOnce(false);
            }
        }
        ScanOptions.reply(ctx, cursor, state.keys);
    }

    /**
     * The cursor as C's strtoul reads it, which is what Redis uses: an optional sign (a negative
     * value wraps around), decimal digits, nothing else; no leading space; the empty string is 0.
     */
    static long parseScanCursor(byte[] b) {
        int i = 0;
        int n = b.length;
        if (n == 0) {
            return 0;
        }
        boolean negative = false;
        if (b[0] == '+' || b[0] == '-') {
            negative = b[0] == '-';
            i++;
        }
        if (i == n) {
            throw new CommandError("ERR invalid cursor");
        }
        long v = 0;
        for (; i < n; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                throw new CommandError("ERR invalid cursor");
            }
            // unsigned overflow check: v * 10 + d must fit in 64 bits
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L - d, 10)) > 0) {
                throw new CommandError("ERR invalid cursor");
            }
            v = v * 10 + d;
        }
        return negative ? -v : v;
    }

    // ---------------------------------------------------------------- RENAME, MOVE, COPY

    static void rename(CommandContext ctx, boolean nx) {
        Database db = ctx.db();
        byte[] src = ctx.arg(1);
        byte[] dst = ctx.arg(2);
        Object value = db.lookup(src);
        if (value == null) {
            throw new CommandError(CommandError.NO_SUCH_KEY);
        }
        if (Arrays.equals(src, dst)) {
            replyRenamed(ctx, nx, false);
            return;
        }
        long expire = db.getExpire(src);
        if (nx && db.exists(dst)) {
            replyRenamed(ctx, true, false);
            return;
        }
        boolean replaced = db.delete(dst); // first, as Redis does: the key is then added anew and announced as new
        db.set(dst, value, expire);
        db.delete(src);
        db.countChanges(replaced ? -2 : -1); // Redis counts a rename as one change
        db.notify(KeyEvents.GENERIC, "rename_from", src);
        db.notify(KeyEvents.GENERIC, "rename_to", dst);
        replyRenamed(ctx, nx, true);
    }

    private static void replyRenamed(CommandContext ctx, boolean nx, boolean done) {
        if (nx) {
            ctx.reply.integer(done ? 1 : 0);
        } else {
            ctx.reply.ok();
        }
    }

    static void move(CommandContext ctx) {
        Database src = ctx.db();
        Database dst = ctx.server.keyspace().db(dbIndex(ctx, 2));
        if (src == dst) {
            throw new CommandError(SAME_OBJECT);
        }
        byte[] key = ctx.arg(1);
        Object value = src.lookup(key);
        if (value == null || dst.exists(key)) {
            ctx.reply.integer(0);
            return;
        }
        long expire = src.getExpire(key);
        dst.set(key, value, expire);
        src.delete(key);
        src.countChanges(-1); // Redis counts a move as one change
        src.notify(KeyEvents.GENERIC, "move_from", key);
        dst.notify(KeyEvents.GENERIC, "move_to", key);
        ctx.reply.integer(1);
    }

    static void copy(CommandContext ctx) {
        Database src = ctx.db();
        Database dst = src;
        boolean replace = false;
        for (int i = 3; i < ctx.argc(); i++) {
            if (ctx.argIs(i, "replace")) {
                replace = true;
            } else if (ctx.argIs(i, "db") && i + 1 < ctx.argc()) {
                dst = ctx.server.keyspace().db(dbIndex(ctx, ++i));
            } else {
                throw CommandError.syntax();
            }
        }
        byte[] key = ctx.arg(1);
        byte[] newKey = ctx.arg(2);
        if (src == dst && Arrays.equals(key, newKey)) {
            throw new CommandError(SAME_OBJECT);
        }
        Object value = src.get(key);
        if (value == null || (dst.exists(newKey) && !replace)) {
            ctx.reply.integer(0);
            return;
        }
        long expire = src.getExpire(key);
        if (dst.delete(newKey)) { // REPLACE: as in Redis the copy is added anew and announced as new
            dst.countChanges(-1); // Redis counts a copy as one change
        }
        dst.set(newKey, Values.copy(value), expire);
        dst.notify(KeyEvents.GENERIC, "copy_to", newKey);
        ctx.reply.integer(1);
    }

    // ---------------------------------------------------------------- OBJECT

    static void objectEncoding(CommandContext ctx) {
        Object v = readNoTouchQuietly(ctx.db(), ctx.arg(2));
        if (v == null) {
            ctx.reply.nullBulk();
        } else {
            ctx.reply.bulk(Values.encoding(v));
        }
    }

    static void objectRefcount(CommandContext ctx) {
        Object v = readNoTouchQuietly(ctx.db(), ctx.arg(2));
        if (v == null) {
            ctx.reply.nullBulk();
        } else {
            ctx.reply.integer(isSharedInteger(ctx, v) ? Integer.MAX_VALUE : 1);
        }
    }

    /**
     * Redis stores the integers 0..9999 as shared objects (refcount INT_MAX) unless an LRU/LFU
     * maxmemory policy needs a per-object access clock.
     */
    static boolean isSharedInteger(CommandContext ctx, Object v) {
        if (!(v instanceof Long)) {
            return false;
        }
        long n = (Long) v;
        return n >= 0 && n < StringValue.SHARED_INTEGERS && ctx.server.eviction().sharesIntegers();
    }

    static void objectIdletime(CommandContext ctx) {
        Database db = ctx.db();
        byte[] key = ctx.arg(2);
        if (readNoTouchQuietly(db, key) == null) {
            ctx.reply.nullBulk();
            return;
        }
        if (ctx.server.keyspace().lfu()) {
            throw new CommandError("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that "
                    + "when switching between policies at runtime LRU and LFU data will take some time to adjust.");
        }
        ctx.reply.integer(db.keyspace().idleSeconds(db.clock(key)));
    }

    static void objectFreq(CommandContext ctx) {
        Database db = ctx.db();
        byte[] key = ctx.arg(2);
        if (readNoTouchQuietly(db, key) == null) {
            ctx.reply.nullBulk();
            return;
        }
        if (!ctx.server.keyspace().lfu()) {
            throw new CommandError("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please "
                    + "note that when switching between policies at runtime LRU and LFU data will take some time to adjust.");
        }
        ctx.reply.integer(db.keyspace().lfuCounter(db.clock(key)));
    }

    static void objectHelp(CommandContext ctx) {
        replyHelp(ctx, "OBJECT",
                "ENCODING <key>",
                "    Return the kind of internal representation used in order to store the value",
                "    associated with a <key>.",
                "FREQ <key>",
                "    Return the access frequency index of the <key>. The returned integer is",
                "    proportional to the logarithm of the recent access frequency of the key.",
                "IDLETIME <key>",
                "    Return the idle time of the <key>, that is the approximated number of",
                "    seconds elapsed since the last access to the key.",
                "REFCOUNT <key>",
                "    Return the number of references of the value associated with the specified",
                "    <key>.");
    }

    /** Redis's addReplyHelp: a header, the lines, and the HELP entry, as simple strings. */
    static void replyHelp(CommandContext ctx, String command, String... lines) {
        ctx.reply.array(lines.length + 3);
        ctx.reply.simple(command + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        for (String line : lines) {
            ctx.reply.simple(line);
        }
        ctx.reply.simple("HELP");
        ctx.reply.simple("    Prints this help.");
    }

    // ---------------------------------------------------------------- expiry

    /**
     * EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT: {@code basetime} is added to the argument (now for
     * the relative forms, 0 for the absolute ones). A time already past deletes the key.
     */
    static void expire(CommandContext ctx, long basetime, boolean seconds) {
        int flags = parseExpireFlags(ctx);
        long when = ctx.argLong(2);
        if (seconds) {
            if (when > Long.MAX_VALUE / 1000 || when < Long.MIN_VALUE / 1000) {
                throw invalidExpireTime(ctx);
            }
            when *= 1000;
        }
        if (when > Long.MAX_VALUE - basetime) {
            throw invalidExpireTime(ctx);
        }
        when += basetime;
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        if (db.lookup(key) == null || !expireAllowed(flags, db.getExpire(key), when)) {
            ctx.reply.integer(0);
            return;
        }
        if (when <= db.keyspace().now()) {
            db.delete(key);
            db.notify(KeyEvents.GENERIC, "del", key);
            Rewrites.asExpiredDeletion(ctx, key);
        } else {
            db.setExpire(key, when);
            db.notify(KeyEvents.GENERIC, "expire", key);
            if (ctx.propagating() && (basetime != 0 || seconds)) {
                // absolute milliseconds, the NX/XX/GT/LT options kept as given
                byte[][] argv = ctx.argv().clone();
                argv[0] = Rewrites.PEXPIREAT;
                argv[2] = Rewrites.decimal(when);
                ctx.propagateAs(argv);
            }
        }
        ctx.reply.integer(1);
    }

    private static final int EXPIRE_NX = 1;
    private static final int EXPIRE_XX = 2;
    private static final int EXPIRE_GT = 4;
    private static final int EXPIRE_LT = 8;

    private static int parseExpireFlags(CommandContext ctx) {
        int flags = 0;
        for (int i = 3; i < ctx.argc(); i++) {
            if (ctx.argIs(i, "nx")) {
                flags |= EXPIRE_NX;
            } else if (ctx.argIs(i, "xx")) {
                flags |= EXPIRE_XX;
            } else if (ctx.argIs(i, "gt")) {
                flags |= EXPIRE_GT;
            } else if (ctx.argIs(i, "lt")) {
                flags |= EXPIRE_LT;
            } else {
                throw new CommandError("ERR Unsupported option " + ctx.argString(i));
            }
        }
        if ((flags & EXPIRE_NX) != 0 && (flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) != 0) {
            throw new CommandError("ERR NX and XX, GT or LT options at the same time are not compatible");
        }
        if ((flags & EXPIRE_GT) != 0 && (flags & EXPIRE_LT) != 0) {
            throw new CommandError("ERR GT and LT options at the same time are not compatible");
        }
        return flags;
    }

    /** The NX/XX/GT/LT conditions; no expiry counts as an infinite TTL. */
    private static boolean expireAllowed(int flags, long current, long when) {
        boolean persistent = current == KeyTable.NO_EXPIRE;
        if ((flags & EXPIRE_NX) != 0 && !persistent) {
            return false;
        }
        if ((flags & EXPIRE_XX) != 0 && persistent) {
            return false;
        }
        if ((flags & EXPIRE_GT) != 0 && (persistent || when <= current)) {
            return false;
        }
        return (flags & EXPIRE_LT) == 0 || persistent || when < current;
    }

    private static CommandError invalidExpireTime(CommandContext ctx) {
        return new CommandError("ERR invalid expire time in '" + ctx.spec().name + "' command");
    }

    /** TTL, PTTL, EXPIRETIME, PEXPIRETIME: -2 when absent, -1 when persistent. */
    static void ttl(CommandContext ctx, boolean millis, boolean absolute) {
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        if (readNoTouch(db, key) == null) {
            ctx.reply.integer(-2);
            return;
        }
        long expire = db.getExpire(key);
        if (expire == KeyTable.NO_EXPIRE) {
            ctx.reply.integer(-1);
            return;
        }
        long ttl = Math.max(0, absolute ? expire : expire - db.keyspace().now());
        ctx.reply.integer(millis ? ttl : (ttl + 500) / 1000);
    }

    static void persist(CommandContext ctx) {
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        boolean had = db.lookup(key) != null && db.getExpire(key) != KeyTable.NO_EXPIRE;
        if (had) {
            db.setExpire(key, KeyTable.NO_EXPIRE);
            db.notify(KeyEvents.GENERIC, "persist", key);
        }
        ctx.reply.integer(had ? 1 : 0);
    }

    // ---------------------------------------------------------------- whole databases

    static void swapdb(CommandContext ctx) {
        long a = ctx.argLong(1, "ERR invalid first DB index");
        long b = ctx.argLong(2, "ERR invalid second DB index");
        if (a != (int) a) {
            throw new CommandError("ERR invalid first DB index");
        }
        if (b != (int) b) {
            throw new CommandError("ERR invalid second DB index");
        }
        Keyspace ks = ctx.server.keyspace();
        if (a < 0 || a >= ks.count() || b < 0 || b >= ks.count()) {
            throw new CommandError(CommandError.DB_INDEX_OUT_OF_RANGE);
        }
        ks.swap((int) a, (int) b);
        ctx.forcePropagation(Propagation.ALL);
        ctx.reply.ok();
    }

    /** FLUSHDB and FLUSHALL [ASYNC|SYNC]: dropping the tables is O(1) here, so both are immediate. */
    static void flush(CommandContext ctx, boolean all) {
        if (ctx.argc() > 2 || (ctx.argc() == 2 && !ctx.argIs(1, "sync") && !ctx.argIs(1, "async"))) {
            throw CommandError.syntax();
        }
        if (all) {
            ctx.server.keyspace().flushAll();
        } else {
            ctx.db().clear();
        }
        // even when there was nothing to remove, a replica or the AOF may hold keys it should not
        ctx.forcePropagation(Propagation.ALL);
        ctx.reply.ok();
    }
}
