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
import io.cinnabar.types.Listpack;
import io.cinnabar.types.StreamGroup;
import io.cinnabar.types.StreamId;
import io.cinnabar.types.StreamValue;
import java.util.Arrays;

/**
 * The stream group, laid out like Redis's t_stream.c: ID parsing, XADD and trimming, the range
 * readers, XDEL and XSETID. Values are {@link StreamValue}s; every change goes through
 * {@link Database}'s write methods.
 */
public final class StreamCommands {
    static final String INVALID_ID = "ERR Invalid stream ID specified as stream command argument";
    /** Redis copies an ID argument into a 128-byte buffer and rejects longer ones. */
    private static final int MAX_ID_LENGTH = 127;

    private final Param.Num nodeMaxBytes;
    private final Param.Num nodeMaxEntries;

    private StreamCommands(Config config) {
        nodeMaxBytes = config.effectiveNum("stream-node-max-bytes");
        nodeMaxEntries = config.effectiveNum("stream-node-max-entries");
    }

    static void install(Server server) {
        StreamCommands s = new StreamCommands(server.config());
        CommandTable t = server.commandTable();
        t.bind("xadd", s::xadd);
        t.bind("xtrim", s::xtrim);
        t.bind("xlen", StreamCommands::xlen);
        t.bind("xrange", ctx -> range(ctx, false));
        t.bind("xrevrange", ctx -> range(ctx, true));
        t.bind("xdel", StreamCommands::xdel);
        t.bind("xsetid", StreamCommands::xsetid);
        t.bind("xread", ctx -> read(ctx, false));
        t.bind("xreadgroup", ctx -> read(ctx, true));
        t.bind("xgroup|create", ctx -> xgroup(ctx, "create"));
        t.bind("xgroup|setid", ctx -> xgroup(ctx, "setid"));
        t.bind("xgroup|destroy", ctx -> xgroup(ctx, "destroy"));
        t.bind("xgroup|createconsumer", ctx -> xgroup(ctx, "createconsumer"));
        t.bind("xgroup|delconsumer", ctx -> xgroup(ctx, "delconsumer"));
        t.bind("xack", StreamCommands::xack);
        t.bind("xpending", StreamCommands::xpending);
        t.bind("xclaim", StreamCommands::xclaim);
        t.bind("xautoclaim", StreamCommands::xautoclaim);
        t.bind("xinfo|groups", StreamCommands::xinfoGroups);
        t.bind("xinfo|consumers", StreamCommands::xinfoConsumers);
        t.bind("xinfo|stream", StreamCommands::xinfoStream);
        t.bind("xinfo|help", ctx -> KeyCommands.replyHelp(ctx, "XINFO",
                "CONSUMERS <key> <groupname>",
                "    Show consumers of <groupname>.",
                "GROUPS <key>",
                "    Show the stream consumer groups.",
                "STREAM <key> [FULL [COUNT <count>]",
                "    Show information about the stream."));
        t.bind("xgroup|help", ctx -> KeyCommands.replyHelp(ctx, "XGROUP",
                "CREATE <key> <groupname> <id|$> [option]",
                "    Create a new consumer group. Options are:",
                "    * MKSTREAM",
                "      Create the empty stream if it does not exist.",
                "    * ENTRIESREAD entries_read",
                "      Set the group's entries_read counter (internal use).",
                "CREATECONSUMER <key> <groupname> <consumer>",
                "    Create a new consumer in the specified group.",
                "DELCONSUMER <key> <groupname> <consumer>",
                "    Remove the specified consumer.",
                "DESTROY <key> <groupname>",
                "    Remove the specified group.",
                "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
                "    Set the current group ID and entries_read counter."));
    }

    // ---------------------------------------------------------------- shared helpers

    static StreamValue asStream(Object v) {
        if (v == null || v instanceof StreamValue) {
            return (StreamValue) v;
        }
        throw CommandError.wrongType();
    }

    /** One stream ID argument as Redis's streamGenericParseIDOrReply reads it. */
    static final class ParsedId {
        long ms;
        long seq;
        /** False for the "ms-*" form (XADD only). */
        boolean seqGiven;

        StreamId id() {
            return new StreamId(ms, seq);
        }
    }

    /**
     * Parses {@code arg[from..]} into {@code out}: "ms-seq", or "ms" with {@code missingSeq};
     * unless {@code strict}, "-" and "+" are the smallest and largest IDs; with
     * {@code allowAutoSeq}, "ms-*" leaves {@code seqGiven} false.
     */
    static void parseId(byte[] arg, int from, long missingSeq, boolean strict, boolean allowAutoSeq, ParsedId out) {
        int len = arg.length - from;
        if (len > MAX_ID_LENGTH) {
            throw new CommandError(INVALID_ID);
        }
        out.seqGiven = true;
        if (len == 1 && (arg[from] == '-' || arg[from] == '+')) {
            if (strict) {
                throw new CommandError(INVALID_ID);
            }
            out.ms = arg[from] == '-' ? 0 : -1L;
            out.seq = out.ms;
            return;
        }
        int dash = -1;
        for (int i = from; i < arg.length; i++) {
            if (arg[i] == '-') {
                dash = i;
                break;
            }
        }
        out.ms = parseUnsigned(arg, from, dash < 0 ? arg.length : dash);
        if (dash < 0) {
            out.seq = missingSeq;
        } else if (allowAutoSeq && arg.length - dash == 2 && arg[dash + 1] == '*') {
            out.seq = 0;
            out.seqGiven = false;
        } else {
            out.seq = parseUnsigned(arg, dash + 1, arg.length);
        }
    }

    /**
     * Redis's string2ull: a canonical non-negative long, or else what strtoull accepts in full
     * (leading spaces, a sign, digits up to 2^64-1; a minus negates modulo 2^64).
     */
    private static long parseUnsigned(byte[] s, int from, int to) {
        int i = from;
        while (i < to && isSpace(s[i])) {
            i++;
        }
        boolean negative = false;
        if (i < to && (s[i] == '+' || s[i] == '-')) {
            negative = s[i] == '-';
            i++;
        }
        if (i == to) {
            throw new CommandError(INVALID_ID);
        }
        long v = 0;
        for (; i < to; i++) {
            int d = s[i] - '0';
            if (d < 0 || d > 9) {
                throw new CommandError(INVALID_ID);
            }
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L, 10)) > 0) {
                throw new CommandError(INVALID_ID);
            }
            long next = v * 10 + d;
            if (Long.compareUnsigned(next, v * 10) < 0) {
                throw new CommandError(INVALID_ID);
            }
            v = next;
        }
        if (negative && isCanonicalLong(s, from, to)) {
            throw new CommandError(INVALID_ID); // string2ll read it first: a negative number
        }
        return negative ? -v : v;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || (b >= '\t' && b <= '\r');
    }

    /** Whether string2ll accepts the text: no spaces or plus, no leading zeros, in long range. */
    private static boolean isCanonicalLong(byte[] s, int from, int to) {
        byte[] text = java.util.Arrays.copyOfRange(s, from, to);
        long v = io.cinnabar.types.Numbers.parseLongStrict(text);
        return v != io.cinnabar.types.Numbers.NOT_A_LONG || io.cinnabar.types.Numbers.isMinLong(text);
    }

    static StreamId parseStrictId(byte[] arg, long missingSeq) {
        ParsedId p = new ParsedId();
        parseId(arg, 0, missingSeq, true, false, p);
        return p.id();
    }

    static void replyId(ReplyWriter reply, long ms, long seq) {
        reply.bulk(new StreamId(ms, seq).toBytes());
    }

    /** One entry as [id, [field, value, ...]]. */
    static void replyEntry(ReplyWriter reply, StreamValue.Cursor c) {
        reply.array(2);
        replyId(reply, c.ms(), c.seq());
        int n = c.fieldCount();
        reply.array(2 * n);
        Listpack lp = c.listpack();
        for (int i = 0; i < n; i++) {
            HashCommands.replyEntry(reply, lp, c.fieldPosition(i));
            HashCommands.replyEntry(reply, lp, c.valuePosition(i));
        }
    }

    /** Replies up to {@code count} entries (0 = all) of [start, end] in the given direction. */
    static void replyRange(ReplyWriter reply, StreamValue s, StreamId start, StreamId end, long count, boolean reverse) {
        StreamValue.Cursor counter = s.cursor(start, end, reverse);
        int n = 0;
        while ((count == 0 || n < count) && counter.next()) {
            n++;
        }
        reply.array(n);
        StreamValue.Cursor c = s.cursor(start, end, reverse);
        for (int i = 0; i < n && c.next(); i++) {
            replyEntry(reply, c);
        }
    }

    // ---------------------------------------------------------------- XADD, XTRIM

    /** What XADD and XTRIM share: the trimming options (Redis's streamAddTrimArgs). */
    private static final class TrimArgs {
        boolean byLength;
        boolean byId;
        boolean approximate;
        /** The index of the "~" argument when approximate. */
        int approximateIndex;
        long maxLength;
        StreamId minId;
        long limit;
        boolean noMakeStream;
        /** XADD: the ID argument's index, and the ID unless it was "*". */
        int idIndex;
        ParsedId id;

        boolean trims() {
            return byLength || byId;
        }
    }

    /** Redis's streamParseAddOrTrimArgsOrReply. */
    private TrimArgs parseTrimArgs(CommandContext ctx, boolean xadd) {
        TrimArgs a = new TrimArgs();
        boolean limitGiven = false;
        int argc = ctx.argc();
        int i = 2;
        for (; i < argc; i++) {
            int more = argc - 1 - i;
            byte[] opt = ctx.arg(i);
            if (xadd && opt.length == 1 && opt[0] == '*') {
                break;
            } else if ((ctx.argIs(i, "maxlen") || ctx.argIs(i, "minid")) && more > 0) {
                if (a.trims()) {
                    throw new CommandError("ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
                }
                boolean byLength = ctx.argIs(i, "maxlen");
                byte[] next = ctx.arg(i + 1);
                a.approximate = false;
                if (more >= 2 && next.length == 1 && (next[0] == '~' || next[0] == '=')) {
                    a.approximate = next[0] == '~';
                    a.approximateIndex = i + 1;
                    i++;
                }
                if (byLength) {
                    a.maxLength = ctx.argLong(i + 1);
                    if (a.maxLength < 0) {
                        throw new CommandError("ERR The MAXLEN argument must be >= 0.");
                    }
                    a.byLength = true;
                } else {
                    a.minId = parseStrictId(ctx.arg(i + 1), 0);
                    a.byId = true;
                }
                i++;
            } else if (ctx.argIs(i, "limit") && more > 0) {
                a.limit = ctx.argLong(i + 1);
                if (a.limit < 0) {
                    throw new CommandError("ERR The LIMIT argument must be >= 0.");
                }
                limitGiven = true;
                i++;
            } else if (xadd && ctx.argIs(i, "nomkstream")) {
                a.noMakeStream = true;
            } else if (xadd) {
                a.id = new ParsedId();
                parseId(opt, 0, 0, true, true, a.id);
                break;
            } else {
                throw CommandError.syntax();
            }
        }
        if (a.limit != 0 && !a.trims()) {
            throw new CommandError("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
        }
        if (!xadd && !a.trims()) {
            throw new CommandError("ERR syntax error, XTRIM must be called with a trimming strategy");
        }
        if (limitGiven) {
            if (!a.approximate) {
                throw new CommandError("ERR syntax error, LIMIT cannot be used without the special ~ option");
            }
        } else {
            a.limit = a.approximate ? 100 * nodeMaxEntries.value() : 0;
        }
        a.idIndex = i;
        return a;
    }

    private static long trim(StreamValue s, TrimArgs a) {
        return s.trim(a.maxLength, a.byId ? a.minId : null, a.approximate, a.limit);
    }

    void xadd(CommandContext ctx) {
        TrimArgs a = parseTrimArgs(ctx, true);
        int fieldsFrom = a.idIndex + 1;
        int pairs = ctx.argc() - fieldsFrom;
        if (pairs < 2 || pairs % 2 == 1) {
            throw new CommandError("ERR wrong number of arguments for 'xadd' command");
        }
        if (a.id != null && a.id.seqGiven && a.id.ms == 0 && a.id.seq == 0) {
            throw new CommandError("ERR The ID specified in XADD must be greater than 0-0");
        }
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        StreamValue existing = asStream(db.lookup(key));
        if (existing == null && a.noMakeStream) {
            ctx.reply.nullBulk();
            return;
        }
        StreamValue s = existing != null ? existing : new StreamValue();
        StreamId last = s.lastId();
        if (last.ms() == -1L && last.seq() == -1L) {
            throw new CommandError("ERR The stream has exhausted the last possible ID, unable to add more items");
        }
        StreamId id = nextId(s, a.id);
        if (id == null) {
            throw new CommandError("ERR Elements are too large to be stored"); // what 7.0 answers when "ms-*" overflows
        }
        if (id.compareTo(last) <= 0) {
            throw new CommandError("ERR The ID specified in XADD is equal or smaller than the target stream top item");
        }
        if (existing != null) {
            db.lookupWrite(key);
        }
        s.append(id, ctx.argv(), fieldsFrom, ctx.argc(), nodeMaxBytes.value(), nodeMaxEntries.value());
        long trimmed = a.trims() ? trim(s, a) : 0;
        if (existing != null) {
            db.modified(key);
        } else {
            db.set(key, s, KeyTable.NO_EXPIRE);
        }
        db.notify(KeyEvents.STREAM, "xadd", key);
        if (trimmed > 0) {
            db.notify(KeyEvents.STREAM, "xtrim", key);
        }
        replyId(ctx.reply, id.ms(), id.seq());
        if (ctx.propagating() && (a.id == null || !a.id.seqGiven || a.approximate)) {
            byte[][] argv = ctx.argv().clone();
            argv[a.idIndex] = id.toBytes(); // the ID this server chose, "*" or "ms-*" made explicit
            ctx.propagateAs(exactTrim(argv, s, a));
        }
    }

    /**
     * How far "~" trimmed depends on the stream's node layout, which a replica or a reloaded AOF
     * need not share: Redis propagates the result as an exact trim ("=" and the length or first
     * ID left). Returns argv, rewritten in place when the trim was approximate.
     */
    private static byte[][] exactTrim(byte[][] argv, StreamValue s, TrimArgs a) {
        if (a.approximate) {
            argv[a.approximateIndex] = EXACT;
            argv[a.approximateIndex + 1] = a.byLength ? Rewrites.decimal(s.length()) : s.firstId().toBytes();
        }
        return argv;
    }

    private static final byte[] EXACT = {'='};

    /** The ID XADD gives the new entry (Redis's streamAppendItem), null when "ms-*" overflows. */
    private static StreamId nextId(StreamValue s, ParsedId given) {
        StreamId last = s.lastId();
        if (given == null) {
            long now = System.currentTimeMillis();
            return Long.compareUnsigned(now, last.ms()) > 0 ? new StreamId(now, 0) : last.increment();
        }
        if (given.seqGiven) {
            return given.id();
        }
        if (given.ms == last.ms()) {
            return last.seq() == -1L ? null : new StreamId(last.ms(), last.seq() + 1);
        }
        return new StreamId(given.ms, 0);
    }

    void xtrim(CommandContext ctx) {
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        TrimArgs a = parseTrimArgs(ctx, false);
        StreamValue s = asStream(db.lookup(key));
        if (s == null) {
            ctx.reply.integer(0);
            return;
        }
        if (!s.trimRemovesAny(a.maxLength, a.byId ? a.minId : null, a.approximate, a.limit)) {
            ctx.reply.integer(0);
            return;
        }
        db.lookupWrite(key);
        long deleted = trim(s, a);
        db.modified(key);
        db.countChanges(deleted - 1); // Redis counts every entry trimmed
        if (deleted > 0) {
            db.notify(KeyEvents.STREAM, "xtrim", key);
        }
        ctx.reply.integer(deleted);
        if (ctx.propagating() && a.approximate) {
            ctx.propagateAs(exactTrim(ctx.argv().clone(), s, a));
        }
    }

    // ---------------------------------------------------------------- readers

    static void xlen(CommandContext ctx) {
        StreamValue s = asStream(ctx.db().get(ctx.arg(1)));
        ctx.reply.integer(s == null ? 0 : s.length());
    }

    /** An XRANGE bound: "(" makes it exclusive, which moves it one ID inwards. */
    private static StreamId intervalBound(byte[] arg, boolean isStart) {
        ParsedId p = new ParsedId();
        long missingSeq = isStart ? 0 : -1L;
        if (arg.length > 1 && arg[0] == '(') {
            parseId(arg, 1, missingSeq, true, false, p);
            StreamId moved = isStart ? p.id().increment() : p.id().decrement();
            if (moved == null) {
                throw new CommandError(isStart ? "ERR invalid start ID for the interval" : "ERR invalid end ID for the interval");
            }
            return moved;
        }
        parseId(arg, 0, missingSeq, false, false, p);
        return p.id();
    }

    /** XRANGE key start end [COUNT n] and XREVRANGE key end start [COUNT n]. */
    static void range(CommandContext ctx, boolean reverse) {
        StreamId start = intervalBound(ctx.arg(reverse ? 3 : 2), true);
        StreamId end = intervalBound(ctx.arg(reverse ? 2 : 3), false);
        long count = -1;
        for (int j = 4; j < ctx.argc(); j++) {
            if (ctx.argIs(j, "count") && j + 1 < ctx.argc()) {
                count = Math.max(0, ctx.argLong(j + 1));
                j++;
            } else {
                throw CommandError.syntax();
            }
        }
        StreamValue s = asStream(ctx.db().get(ctx.arg(1)));
        if (s == null) {
            ctx.reply.array(0);
        } else if (count == 0) {
            ctx.reply.nullArray();
        } else {
            replyRange(ctx.reply, s, start, end, Math.max(count, 0), reverse);
        }
    }

    // ---------------------------------------------------------------- XDEL, XSETID

    static void xdel(CommandContext ctx) {
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        StreamValue s = asStream(db.lookup(key));
        if (s == null) {
            ctx.reply.integer(0);
            return;
        }
        StreamId[] ids = new StreamId[ctx.argc() - 2];
        for (int j = 2; j < ctx.argc(); j++) {
            ids[j - 2] = parseStrictId(ctx.arg(j), 0);
        }
        int deleted = 0;
        boolean firstGone = false;
        for (StreamId id : ids) {
            StreamId first = s.firstId();
            if (deleted == 0) {
                if (!s.contains(id)) {
                    continue;
                }
                db.lookupWrite(key);
            }
            if (s.delete(id)) {
                firstGone |= id.equals(first);
                deleted++;
            }
        }
        if (deleted > 0) {
            s.refreshFirstId(firstGone);
            db.modified(key);
            db.countChanges(deleted - 1); // Redis counts every entry deleted
            db.notify(KeyEvents.STREAM, "xdel", key);
        }
        ctx.reply.integer(deleted);
    }

    static void xsetid(CommandContext ctx) {
        StreamId id = parseStrictId(ctx.arg(2), 0);
        long entriesAdded = -1;
        StreamId maxDeleted = null;
        for (int i = 3; i < ctx.argc(); i++) {
            boolean more = i + 1 < ctx.argc();
            if (ctx.argIs(i, "entriesadded") && more) {
                entriesAdded = ctx.argLong(i + 1);
                if (entriesAdded < 0) {
                    throw new CommandError("ERR entries_added must be positive");
                }
            } else if (ctx.argIs(i, "maxdeletedid") && more) {
                maxDeleted = parseStrictId(ctx.arg(i + 1), 0);
                if (id.compareTo(maxDeleted) < 0) {
                    throw new CommandError("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
                }
            } else {
                throw CommandError.syntax();
            }
            i++;
        }
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        StreamValue s = asStream(db.lookup(key));
        if (s == null) {
            throw new CommandError(CommandError.NO_SUCH_KEY);
        }
        if (s.length() > 0) {
            StreamValue.Cursor last = s.cursor(StreamId.MIN, StreamId.MAX, true);
            last.next();
            if (id.compareTo(last.id()) < 0) {
                throw new CommandError("ERR The ID specified in XSETID is smaller than the target stream top item");
            }
        }
        if (entriesAdded != -1 && s.length() > entriesAdded) {
            throw new CommandError("ERR The entries_added specified in XSETID is smaller than the target stream length");
        }
        // Redis takes a MAXDELETEDID of 0-0 as not given and keeps the stream's own
        s.setLastId(id, entriesAdded, maxDeleted == null || maxDeleted.isZero() ? null : maxDeleted);
        db.modifiedQuietly(key); // Redis 7.0 signals no WATCH or tracking here
        db.notify(KeyEvents.STREAM, "xsetid", key);
        ctx.reply.ok();
    }

    // ---------------------------------------------------------------- XREAD, XREADGROUP

    private static final StreamId NEW_ENTRIES = StreamId.MAX;

    /**
     * XREAD [COUNT n] [BLOCK ms] STREAMS key... id... and XREADGROUP GROUP g c [COUNT n] [BLOCK ms]
     * [NOACK] STREAMS key... id...: entries after each ID (for a group, ">" means entries never
     * delivered to the group, another ID the consumer's pending history), or a wait for them.
     * A blocked XREAD is re-run when a key it waits on is written; its "$" IDs were replaced in
     * the arguments by the last IDs at the time it blocked, so the re-run asks for the same
     * entries, and it then answers from the ready key alone, as Redis serves a woken reader.
     */
    static void read(CommandContext ctx, boolean forGroup) {
        int argc = ctx.argc();
        long timeout = -1;
        long count = 0;
        int streamsFrom = 0;
        byte[] groupName = null;
        byte[] consumerName = null;
        boolean noAck = false;
        for (int i = 1; i < argc; i++) {
            int more = argc - i - 1;
            if (ctx.argIs(i, "block") && more > 0) {
                i++;
                timeout = ctx.argLong(i, "ERR timeout is not an integer or out of range");
                if (timeout < 0) {
                    throw new CommandError("ERR timeout is negative");
                }
            } else if (ctx.argIs(i, "count") && more > 0) {
                i++;
                count = Math.max(0, ctx.argLong(i));
            } else if (ctx.argIs(i, "streams") && more > 0) {
                streamsFrom = i + 1;
                if ((argc - streamsFrom) % 2 != 0) {
                    throw new CommandError(forGroup
                            ? "ERR Unbalanced XREADGROUP list of streams: for each stream key an ID or '>' must be specified."
                            : "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
                }
                break;
            } else if (ctx.argIs(i, "group") && more >= 2) {
                if (!forGroup) {
                    throw new CommandError("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
                }
                groupName = ctx.arg(i + 1);
                consumerName = ctx.arg(i + 2);
                i += 2;
            } else if (ctx.argIs(i, "noack")) {
                if (!forGroup) {
                    throw new CommandError("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
                }
                noAck = true;
            } else {
                throw CommandError.syntax();
            }
        }
        if (streamsFrom == 0) {
            throw CommandError.syntax();
        }
        if (forGroup && groupName == null) {
            throw new CommandError("ERR Missing GROUP option for XREADGROUP");
        }
        int streams = (argc - streamsFrom) / 2;
        Database db = ctx.db();
        byte[] ready = ctx.server.blocking().servingKey(ctx.client);
        // a woken XREAD reads after the IDs its $ arguments stood for when it blocked
        StreamId[] resolvedWhenBlocked = ready == null ? null : (StreamId[]) ctx.server.blocking().waitState(ctx.client);
        StreamId[] after = new StreamId[streams];
        StreamGroup[] groups = forGroup ? new StreamGroup[streams] : null;
        for (int i = 0; i < streams; i++) {
            byte[] key = ctx.arg(streamsFrom + i);
            byte[] idArg = ctx.arg(streamsFrom + streams + i);
            Object v = ready == null ? db.get(key) : db.peek(key);
            // a woken reader whose key now holds another type keeps waiting, as in Redis
            StreamValue s = ready == null ? asStream(v) : v instanceof StreamValue ? (StreamValue) v : null;
            if (forGroup) {
                groups[i] = s == null ? null : s.group(groupName);
                if (groups[i] == null && (ready == null || (s != null && Arrays.equals(key, ready)))) {
                    throw new CommandError(ready == null
                            ? "NOGROUP No such key '" + ctx.argString(streamsFrom + i) + "' or consumer group '"
                                    + new String(groupName, java.nio.charset.StandardCharsets.UTF_8) + "' in XREADGROUP with GROUP option"
                            : "NOGROUP the consumer group this client was blocked on no longer exists");
                }
            }
            if (idArg.length == 1 && idArg[0] == '$') {
                if (forGroup) {
                    throw new CommandError("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of"
                            + " this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just"
                            + " return an empty result set.");
                }
                after[i] = resolvedWhenBlocked != null ? resolvedWhenBlocked[i] : s == null ? StreamId.MIN : s.lastId();
            } else if (idArg.length == 1 && idArg[0] == '>') {
                if (!forGroup) {
                    throw new CommandError("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.");
                }
                after[i] = NEW_ENTRIES;
            } else {
                after[i] = parseStrictId(idArg, 0);
            }
        }
        boolean[] serve = new boolean[streams];
        boolean[] history = new boolean[streams];
        int served = 0;
        // where each group's last delivered ID will be once earlier streams of the reply are served:
        // the same key named twice is served twice only if entries remain after the first
        java.util.IdentityHashMap<StreamGroup, StreamId> delivered = forGroup ? new java.util.IdentityHashMap<>() : null;
        for (int i = 0; i < streams; i++) {
            byte[] key = ctx.arg(streamsFrom + i);
            Object v = db.peek(key);
            if (!(v instanceof StreamValue) || (forGroup && groups[i] == null)) {
                continue;
            }
            StreamValue s = (StreamValue) v;
            if (ready != null && (!Arrays.equals(key, ready) || served > 0)) {
                continue; // a woken reader is served from the ready key alone
            }
            if (forGroup && after[i] != NEW_ENTRIES) {
                serve[i] = ready == null;
                history[i] = true;
            } else {
                StreamId from = forGroup ? delivered.getOrDefault(groups[i], groups[i].lastId) : after[i];
                if (ready != null) {
                    serve[i] = s.lastId().compareTo(from) > 0;
                } else if (s.length() > 0) {
                    StreamValue.Cursor last = s.cursor(StreamId.MIN, StreamId.MAX, true);
                    serve[i] = last.next() && last.id().compareTo(from) > 0;
                }
                after[i] = from;
                if (forGroup && serve[i]) {
                    delivered.put(groups[i], lastDelivered(s, from, count));
                }
            }
            if (serve[i]) {
                served++;
            }
        }
        if (served > 0) {
            if (ctx.reply.resp3()) {
                ctx.reply.map(served);
            } else {
                ctx.reply.array(served);
            }
            long now = System.currentTimeMillis();
            for (int i = 0; i < streams; i++) {
                if (!serve[i]) {
                    continue;
                }
                byte[] key = ctx.arg(streamsFrom + i);
                if (!ctx.reply.resp3()) {
                    ctx.reply.array(2);
                }
                ctx.reply.bulk(key);
                StreamId start = after[i].increment();
                StreamValue s = (StreamValue) db.peek(key);
                if (!forGroup) {
                    replyRange(ctx.reply, s, start == null ? StreamId.MAX : start, StreamId.MAX, count, false);
                    continue;
                }
                StreamGroup g = groups[i];
                StreamGroup.Consumer consumer = g.consumer(consumerName);
                if (consumer == null) {
                    consumer = g.createConsumer(consumerName, now);
                    db.countChanges(1); // a change of its own to Redis, besides the read below
                    db.notify(KeyEvents.STREAM, "xgroup-createconsumer", key);
                    if (noAck && ctx.propagating()) {
                        // without NOACK the XCLAIMs below create the consumer on a replica
                        ctx.alsoPropagate(XGROUP, CREATECONSUMER, key, groupName, consumerName);
                    }
                }
                consumer.seenTime = now;
                if (history[i]) {
                    replyHistory(ctx.reply, s, consumer, start, count, now);
                } else if (replyNew(ctx, key, groupName, s, g, consumer, start, count, noAck, now) > 0 && noAck && ctx.propagating()) {
                    propagateGroupId(ctx, key, groupName, g);
                }
                // group state is not the key's content to Redis: no WATCH or tracking is signalled
                db.modifiedQuietly(key);
                if (ctx.servingBlocked()) {
                    db.countChanges(-1); // Redis 7.0 counts a read served later as no change, a consumer made as one
                }
            }
            if (forGroup) {
                ctx.preventPropagation(); // what it changed propagates as XCLAIM and XGROUP commands
            }
            return;
        }
        if (timeout < 0) {
            ctx.reply.nullArray();
            return;
        }
        long deadline = timeout == 0 ? 0 : System.currentTimeMillis() + timeout;
        ctx.server.blocking().block(ctx.client, db, Arrays.copyOfRange(ctx.argv(), streamsFrom, streamsFrom + streams), deadline,
                c -> c.reply().nullArray(), forGroup ? null : after);
    }

    /** The ID of the last of up to {@code count} (0 = all) entries after {@code from}. */
    private static StreamId lastDelivered(StreamValue s, StreamId from, long count) {
        StreamId start = from.increment();
        StreamId last = from;
        StreamValue.Cursor c = s.cursor(start == null ? StreamId.MAX : start, StreamId.MAX, false);
        for (long n = 0; (count == 0 || n < count) && c.next(); n++) {
            last = c.id();
        }
        return last;
    }

    /**
     * Entries never delivered to the group, from {@code start}: delivered now, pending unless NOACK
     * (each new pending entry propagates as an XCLAIM). Returns how many.
     */
    private static int replyNew(CommandContext ctx, byte[] key, byte[] groupName, StreamValue s, StreamGroup g,
            StreamGroup.Consumer consumer, StreamId start, long count, boolean noAck, long now) {
        ReplyWriter reply = ctx.reply;
        StreamValue.Cursor counter = s.cursor(start, StreamId.MAX, false);
        int n = 0;
        while ((count == 0 || n < count) && counter.next()) {
            n++;
        }
        reply.array(n);
        StreamValue.Cursor c = s.cursor(start, StreamId.MAX, false);
        for (int i = 0; i < n && c.next(); i++) {
            StreamId id = c.id();
            if (id.compareTo(g.lastId) > 0) {
                if (g.entriesRead != StreamGroup.UNKNOWN_ENTRIES_READ && !s.mayHaveTombstonesFrom(id)) {
                    g.entriesRead++;
                } else if (s.entriesAdded() != 0) {
                    g.entriesRead = s.entriesAddedUpTo(id);
                }
                g.lastId = id;
            }
            if (!noAck) {
                g.deliver(id, consumer, now);
                if (ctx.propagating()) {
                    propagateClaim(ctx, key, groupName, g, id, g.pending.get(id));
                }
            }
            replyEntry(reply, c);
        }
        return n;
    }

    private static final byte[] XCLAIM = Rewrites.ascii("XCLAIM");
    private static final byte[] XGROUP = Rewrites.ascii("XGROUP");
    private static final byte[] CREATECONSUMER = Rewrites.ascii("CREATECONSUMER");
    private static final byte[] SETID = Rewrites.ascii("SETID");
    private static final byte[] ENTRIESREAD = Rewrites.ascii("ENTRIESREAD");
    private static final byte[] ZERO = Rewrites.ascii("0");
    private static final byte[] TIME = Rewrites.ascii("TIME");
    private static final byte[] RETRYCOUNT = Rewrites.ascii("RETRYCOUNT");
    private static final byte[] FORCE = Rewrites.ascii("FORCE");
    private static final byte[] JUSTID = Rewrites.ascii("JUSTID");
    private static final byte[] LASTID = Rewrites.ascii("LASTID");

    /**
     * Redis's streamPropagateXCLAIM: a pending entry's state after a read or claim, as an XCLAIM
     * that sets it exactly on a replica (owner, delivery time and count, the group's last ID).
     */
    private static void propagateClaim(CommandContext ctx, byte[] key, byte[] groupName, StreamGroup g, StreamId id,
            StreamGroup.Pending p) {
        if (ctx.propagating()) {
            ctx.alsoPropagate(XCLAIM, key, groupName, p.consumer.name, ZERO, id.toBytes(), TIME, Rewrites.decimal(p.deliveryTime),
                    RETRYCOUNT, Rewrites.decimal(p.deliveryCount), FORCE, JUSTID, LASTID, g.lastId.toBytes());
        }
    }

    /** Redis's streamPropagateGroupID: the group's last delivered ID and read counter. */
    private static void propagateGroupId(CommandContext ctx, byte[] key, byte[] groupName, StreamGroup g) {
        ctx.alsoPropagate(XGROUP, SETID, key, groupName, g.lastId.toBytes(), ENTRIESREAD, Rewrites.decimal(g.entriesRead));
    }

    /** The consumer's pending entries from {@code start}, each delivered once more; gone ones as [id, nil]. */
    private static void replyHistory(ReplyWriter reply, StreamValue s, StreamGroup.Consumer consumer, StreamId start, long count, long now) {
        java.util.NavigableMap<StreamId, StreamGroup.Pending> from = start == null ? java.util.Collections.emptyNavigableMap()
                : consumer.pending.tailMap(start, true);
        int n = (int) (count == 0 ? from.size() : Math.min(count, from.size()));
        reply.array(n);
        int i = 0;
        for (java.util.Map.Entry<StreamId, StreamGroup.Pending> e : from.entrySet()) {
            if (i++ == n) {
                break;
            }
            StreamValue.Cursor c = s.entry(e.getKey());
            if (c == null) {
                reply.array(2);
                replyId(reply, e.getKey().ms(), e.getKey().seq());
                reply.nullArray();
            } else {
                replyEntry(reply, c);
            }
            e.getValue().deliveryTime = now;
            e.getValue().deliveryCount++;
        }
    }

    // ---------------------------------------------------------------- XGROUP, XACK, XPENDING

    private static final String KEY_REQUIRED = "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may"
            + " want to use the MKSTREAM option to create an empty stream automatically.";

    /** The XGROUP subcommands, checked in Redis's order: options, key, group, then the ID. */
    static void xgroup(CommandContext ctx, String sub) {
        int argc = ctx.argc();
        boolean create = sub.equals("create");
        boolean setId = sub.equals("setid");
        boolean mkstream = false;
        long entriesRead = StreamGroup.UNKNOWN_ENTRIES_READ;
        if (create || setId) {
            for (int i = 5; i < argc; i++) {
                if (create && ctx.argIs(i, "mkstream")) {
                    mkstream = true;
                } else if (ctx.argIs(i, "entriesread") && i + 1 < argc) {
                    entriesRead = ctx.argLong(++i);
                    if (entriesRead < 0 && entriesRead != StreamGroup.UNKNOWN_ENTRIES_READ) {
                        throw new CommandError("ERR value for ENTRIESREAD must be positive or -1");
                    }
                } else {
                    throw subcommandSyntax(ctx);
                }
            }
            if (setId && argc != 5 && argc != 7) {
                throw subcommandSyntax(ctx);
            }
        }
        Database db = ctx.db();
        byte[] key = ctx.arg(2);
        byte[] name = ctx.arg(3);
        StreamValue s = asStream(db.lookup(key));
        if (s == null && !(create && mkstream)) {
            throw new CommandError(KEY_REQUIRED);
        }
        StreamGroup g = s == null ? null : s.group(name);
        if (g == null && !create && !sub.equals("destroy")) {
            throw new CommandError("NOGROUP No such consumer group '" + ctx.argString(3) + "' for key name '" + ctx.argString(2) + "'");
        }
        switch (sub) {
            case "create" -> {
                StreamId id;
                if (ctx.arg(4).length == 1 && ctx.arg(4)[0] == '$') {
                    id = s == null ? StreamId.MIN : s.lastId();
                } else {
                    id = parseStrictId(ctx.arg(4), 0);
                }
                if (g != null) {
                    throw new CommandError("BUSYGROUP Consumer Group name already exists");
                }
                boolean created = s == null;
                if (created) {
                    s = new StreamValue();
                }
                s.createGroup(name, id, entriesRead);
                if (created) {
                    db.set(key, s, KeyTable.NO_EXPIRE); // MKSTREAM: a new key is signalled
                } else {
                    db.modifiedQuietly(key);
                }
                db.notify(KeyEvents.STREAM, "xgroup-create", key);
                ctx.reply.ok();
            }
            case "setid" -> {
                StreamId id;
                if (ctx.arg(4).length == 1 && ctx.arg(4)[0] == '$') {
                    id = s.lastId();
                } else {
                    ParsedId p = new ParsedId();
                    parseId(ctx.arg(4), 0, 0, false, false, p);
                    id = p.id();
                }
                g.lastId = id;
                g.entriesRead = entriesRead;
                db.modifiedQuietly(key);
                db.notify(KeyEvents.STREAM, "xgroup-setid", key);
                ctx.reply.ok();
            }
            case "destroy" -> {
                if (g == null) {
                    ctx.reply.integer(0);
                    return;
                }
                s.destroyGroup(name);
                db.modifiedQuietly(key);
                ctx.server.blocking().signalReady(db, key); // its blocked readers answer NOGROUP
                db.notify(KeyEvents.STREAM, "xgroup-destroy", key);
                ctx.reply.integer(1);
            }
            case "createconsumer" -> {
                if (g.consumer(ctx.arg(4)) != null) {
                    ctx.reply.integer(0);
                    return;
                }
                g.createConsumer(ctx.arg(4), System.currentTimeMillis());
                db.modifiedQuietly(key);
                db.notify(KeyEvents.STREAM, "xgroup-createconsumer", key);
                ctx.reply.integer(1);
            }
            default -> {
                StreamGroup.Consumer c = g.consumer(ctx.arg(4));
                if (c == null) {
                    ctx.reply.integer(0);
                    return;
                }
                int pending = g.deleteConsumer(c);
                db.modifiedQuietly(key);
                db.notify(KeyEvents.STREAM, "xgroup-delconsumer", key);
                ctx.reply.integer(pending);
            }
        }
    }

    private static CommandError subcommandSyntax(CommandContext ctx) {
        return new CommandError("ERR unknown subcommand or wrong number of arguments for '" + ctx.argString(1) + "'. Try XGROUP HELP.");
    }

    static void xack(CommandContext ctx) {
        StreamId[] ids = new StreamId[ctx.argc() - 3];
        for (int j = 3; j < ctx.argc(); j++) {
            ids[j - 3] = parseStrictId(ctx.arg(j), 0);
        }
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        StreamValue s = asStream(db.lookup(key));
        StreamGroup g = s == null ? null : s.group(ctx.arg(2));
        if (g == null) {
            ctx.reply.integer(0);
            return;
        }
        int acknowledged = 0;
        for (StreamId id : ids) {
            if (!g.pending.containsKey(id)) {
                continue;
            }
            g.acknowledge(id);
            acknowledged++;
        }
        if (acknowledged > 0) {
            db.modifiedQuietly(key);
            db.countChanges(acknowledged - 1); // Redis counts every entry acknowledged
        }
        ctx.reply.integer(acknowledged);
    }

    /** XPENDING key group: the summary; with [IDLE ms] start end count [consumer]: the entries. */
    static void xpending(CommandContext ctx) {
        int argc = ctx.argc();
        boolean summary = argc == 3;
        if (!summary && (argc < 6 || argc > 9)) {
            throw CommandError.syntax();
        }
        long minIdle = 0;
        long count = 0;
        StreamId start = null;
        StreamId end = null;
        byte[] consumerName = null;
        if (!summary) {
            int from = 3;
            if (ctx.argIs(3, "idle")) {
                minIdle = ctx.argLong(4);
                if (argc < 8) {
                    throw CommandError.syntax();
                }
                from += 2;
            }
            count = Math.max(0, ctx.argLong(from + 2));
            start = intervalBound(ctx.arg(from), true);
            end = intervalBound(ctx.arg(from + 1), false);
            if (from + 3 < argc) {
                consumerName = ctx.arg(from + 3);
            }
        }
        StreamValue s = asStream(ctx.db().get(ctx.arg(1)));
        StreamGroup g = s == null ? null : s.group(ctx.arg(2));
        if (g == null) {
            throw new CommandError("NOGROUP No such key '" + ctx.argString(1) + "' or consumer group '" + ctx.argString(2) + "'");
        }
        ReplyWriter reply = ctx.reply;
        if (summary) {
            reply.array(4);
            reply.integer(g.pending.size());
            if (g.pending.isEmpty()) {
                reply.nullBulk();
                reply.nullBulk();
                reply.nullArray();
                return;
            }
            reply.bulk(g.pending.firstKey().toBytes());
            reply.bulk(g.pending.lastKey().toBytes());
            int withPending = 0;
            for (StreamGroup.Consumer c : g.consumers.values()) {
                withPending += c.pending.isEmpty() ? 0 : 1;
            }
            reply.array(withPending);
            for (StreamGroup.Consumer c : g.consumers.values()) {
                if (!c.pending.isEmpty()) {
                    reply.array(2);
                    reply.bulk(c.name);
                    reply.bulkLong(c.pending.size());
                }
            }
            return;
        }
        java.util.TreeMap<StreamId, StreamGroup.Pending> pel = g.pending;
        if (consumerName != null) {
            StreamGroup.Consumer c = g.consumer(consumerName);
            if (c == null) {
                reply.array(0);
                return;
            }
            pel = c.pending;
        }
        long now = System.currentTimeMillis();
        java.util.NavigableMap<StreamId, StreamGroup.Pending> range = start.compareTo(end) > 0
                ? java.util.Collections.emptyNavigableMap() : pel.subMap(start, true, end, true);
        int n = 0;
        for (StreamGroup.Pending p : range.values()) {
            if (n == count) {
                break;
            }
            if (minIdle == 0 || now - p.deliveryTime >= minIdle) {
                n++;
            }
        }
        reply.array(n);
        int written = 0;
        for (java.util.Map.Entry<StreamId, StreamGroup.Pending> e : range.entrySet()) {
            if (written == n) {
                break;
            }
            StreamGroup.Pending p = e.getValue();
            if (minIdle != 0 && now - p.deliveryTime < minIdle) {
                continue;
            }
            written++;
            reply.array(4);
            reply.bulk(e.getKey().toBytes());
            reply.bulk(p.consumer.name);
            reply.integer(Math.max(0, now - p.deliveryTime));
            reply.integer(p.deliveryCount);
        }
    }

    // ---------------------------------------------------------------- XCLAIM, XAUTOCLAIM

    /**
     * The stream at argument 1 holding the group named by argument 2 (else NOGROUP), after which
     * XCLAIM and XAUTOCLAIM read their min-idle-time argument (negative means 0).
     */
    private static StreamValue claimSource(CommandContext ctx) {
        StreamValue s = asStream(ctx.db().get(ctx.arg(1)));
        if (s == null || s.group(ctx.arg(2)) == null) {
            throw new CommandError("NOGROUP No such key '" + ctx.argString(1) + "' or consumer group '" + ctx.argString(2) + "'");
        }
        return s;
    }

    private static long minIdle(CommandContext ctx) {
        return Math.max(0, ctx.argLong(4, "ERR Invalid min-idle-time argument for " + ctx.spec().name.toUpperCase(java.util.Locale.ROOT)));
    }

    /** The claiming consumer (argument 3), made on first use as Redis does. */
    private static StreamGroup.Consumer claimer(CommandContext ctx, StreamGroup g, long now) {
        StreamGroup.Consumer c = g.consumer(ctx.arg(3));
        if (c == null) {
            c = g.createConsumer(ctx.arg(3), now);
            ctx.db().countChanges(1); // a change of its own to Redis, besides the claims
            ctx.db().notify(KeyEvents.STREAM, "xgroup-createconsumer", ctx.arg(1));
        }
        c.seenTime = now;
        return c;
    }

    /** One claimed entry: its ID alone (JUSTID) or the entry itself. */
    private static void replyClaimed(ReplyWriter reply, StreamValue s, StreamId id, boolean justId) {
        if (justId) {
            reply.bulk(id.toBytes());
        } else {
            replyEntry(reply, s.entry(id));
        }
    }

    /**
     * XCLAIM key group consumer min-idle id... [IDLE ms] [TIME ms] [RETRYCOUNT n] [FORCE] [JUSTID]
     * [LASTID id]: takes over pending entries idle for at least min-idle; pending entries whose
     * stream entry was deleted are dropped from the PEL.
     */
    static void xclaim(CommandContext ctx) {
        StreamValue s = claimSource(ctx);
        StreamGroup g = s.group(ctx.arg(2));
        long minIdle = minIdle(ctx);
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        int argc = ctx.argc();
        int j = 5;
        java.util.List<StreamId> ids = new java.util.ArrayList<>();
        ParsedId parsed = new ParsedId();
        for (; j < argc; j++) {
            try {
                parseId(ctx.arg(j), 0, 0, true, false, parsed);
            } catch (CommandError notAnId) {
                break;
            }
            ids.add(parsed.id());
        }
        long now = System.currentTimeMillis();
        long retryCount = -1;
        long deliveryTime = -1;
        boolean force = false;
        boolean justId = false;
        StreamId lastId = null;
        for (; j < argc; j++) {
            boolean more = j + 1 < argc;
            if (ctx.argIs(j, "force")) {
                force = true;
            } else if (ctx.argIs(j, "justid")) {
                justId = true;
            } else if (ctx.argIs(j, "idle") && more) {
                deliveryTime = now - ctx.argLong(++j, "ERR Invalid IDLE option argument for XCLAIM");
            } else if (ctx.argIs(j, "time") && more) {
                deliveryTime = ctx.argLong(++j, "ERR Invalid TIME option argument for XCLAIM");
            } else if (ctx.argIs(j, "retrycount") && more) {
                retryCount = ctx.argLong(++j, "ERR Invalid RETRYCOUNT option argument for XCLAIM");
            } else if (ctx.argIs(j, "lastid") && more) {
                lastId = parseStrictId(ctx.arg(++j), 0);
            } else {
                throw new CommandError("ERR Unrecognized XCLAIM option '" + ctx.argString(j) + "'");
            }
        }
        if (deliveryTime < 0 || deliveryTime > now) {
            deliveryTime = now;
        }
        boolean propagateLastId = false;
        if (lastId != null && lastId.compareTo(g.lastId) > 0) {
            g.lastId = lastId;
            propagateLastId = true;
        }
        StreamGroup.Consumer consumer = null;
        java.util.List<StreamId> claimed = new java.util.ArrayList<>();
        int dropped = 0;
        for (StreamId id : ids) {
            StreamGroup.Pending p = g.pending.get(id);
            if (!s.contains(id)) {
                if (p != null) {
                    // a replica drops it too: Redis propagates the entry's last state before forgetting it
                    propagateClaim(ctx, key, ctx.arg(2), g, id, p);
                    propagateLastId = false;
                    g.acknowledge(id);
                    dropped++;
                }
                continue;
            }
            if (force && p == null) {
                p = g.createUnowned(id, now);
            }
            if (p == null || (p.consumer != null && minIdle != 0 && now - p.deliveryTime < minIdle)) {
                continue;
            }
            if (consumer == null) {
                consumer = claimer(ctx, g, now);
            }
            p.deliveryTime = deliveryTime;
            if (retryCount >= 0) {
                p.deliveryCount = retryCount;
            } else if (!justId) {
                p.deliveryCount++;
            }
            g.transfer(id, p, consumer);
            claimed.add(id);
            propagateClaim(ctx, key, ctx.arg(2), g, id, p);
            propagateLastId = false; // the XCLAIM carries it
        }
        if (propagateLastId && ctx.propagating()) {
            propagateGroupId(ctx, key, ctx.arg(2), g);
        }
        ctx.preventPropagation();
        db.modifiedQuietly(key);
        // Redis counts what it propagates: each entry claimed or dropped, else a new last ID
        db.countChanges(claimed.size() + dropped + (propagateLastId ? 1 : 0) - 1);
        ctx.reply.array(claimed.size());
        for (StreamId id : claimed) {
            replyClaimed(ctx.reply, s, id, justId);
        }
    }

    /** Redis scans at most this many pending entries per entry XAUTOCLAIM may return. */
    private static final long AUTOCLAIM_ATTEMPTS_FACTOR = 10;

    /**
     * XAUTOCLAIM key group consumer min-idle start [COUNT n] [JUSTID]: XCLAIM over the PEL from
     * start; replies the cursor to continue from (0-0 at the end), the claimed entries, and the
     * IDs it dropped from the PEL because their entries were deleted.
     */
    static void xautoclaim(CommandContext ctx) {
        StreamValue s = claimSource(ctx);
        StreamGroup g = s.group(ctx.arg(2));
        long minIdle = minIdle(ctx);
        StreamId start = intervalBound(ctx.arg(5), true);
        long count = 100;
        boolean justId = false;
        for (int j = 6; j < ctx.argc(); j++) {
            if (ctx.argIs(j, "count") && j + 1 < ctx.argc()) {
                count = ctx.argLong(++j, "ERR COUNT must be > 0");
                if (count < 1 || count > Long.MAX_VALUE / 16) {
                    throw new CommandError("ERR COUNT must be > 0");
                }
            } else if (ctx.argIs(j, "justid")) {
                justId = true;
            } else {
                throw CommandError.syntax();
            }
        }
        long now = System.currentTimeMillis();
        long attempts = count * AUTOCLAIM_ATTEMPTS_FACTOR;
        StreamGroup.Consumer consumer = null;
        java.util.List<StreamId> claimed = new java.util.ArrayList<>();
        java.util.List<StreamId> deleted = new java.util.ArrayList<>();
        StreamId next = g.pending.ceilingKey(start);
        while (attempts-- > 0 && count > 0 && next != null) {
            StreamId id = next;
            next = g.pending.higherKey(id);
            StreamGroup.Pending p = g.pending.get(id);
            if (!s.contains(id)) {
                propagateClaim(ctx, ctx.arg(1), ctx.arg(2), g, id, p);
                g.acknowledge(id);
                deleted.add(id);
                count--;
                continue;
            }
            if (minIdle != 0 && now - p.deliveryTime < minIdle) {
                continue;
            }
            if (consumer == null) {
                consumer = claimer(ctx, g, now);
            }
            p.deliveryTime = now;
            if (!justId) {
                p.deliveryCount++;
            }
            g.transfer(id, p, consumer);
            claimed.add(id);
            propagateClaim(ctx, ctx.arg(1), ctx.arg(2), g, id, p);
            count--;
        }
        ctx.preventPropagation();
        ctx.db().modifiedQuietly(ctx.arg(1));
        ctx.db().countChanges(claimed.size() + deleted.size() - 1); // Redis counts each entry claimed or dropped
        ReplyWriter reply = ctx.reply;
        reply.array(3);
        reply.bulk((next == null ? StreamId.MIN : next).toBytes());
        reply.array(claimed.size());
        for (StreamId id : claimed) {
            replyClaimed(reply, s, id, justId);
        }
        reply.array(deleted.size());
        for (StreamId id : deleted) {
            reply.bulk(id.toBytes());
        }
    }

    // ---------------------------------------------------------------- XINFO

    /** The stream at argument 2 for XINFO, or "no such key". */
    private static StreamValue infoSource(CommandContext ctx) {
        StreamValue s = asStream(ctx.db().get(ctx.arg(2)));
        if (s == null) {
            throw new CommandError(CommandError.NO_SUCH_KEY);
        }
        return s;
    }

    /** A field/value record: a map in RESP3, a flat array in RESP2. */
    private static void record(ReplyWriter reply, int fields) {
        if (reply.resp3()) {
            reply.map(fields);
        } else {
            reply.array(2 * fields);
        }
    }

    /** XINFO GROUPS key: each group's name, consumers, pending, last-delivered-id, entries-read and lag. */
    static void xinfoGroups(CommandContext ctx) {
        StreamValue s = infoSource(ctx);
        ReplyWriter reply = ctx.reply;
        reply.array(s.groups().size());
        for (java.util.Map.Entry<byte[], StreamGroup> e : s.groups().entrySet()) {
            StreamGroup g = e.getValue();
            record(reply, 6);
            reply.bulk("name");
            reply.bulk(e.getKey());
            reply.bulk("consumers");
            reply.integer(g.consumers.size());
            reply.bulk("pending");
            reply.integer(g.pending.size());
            replyReadPosition(reply, s, g);
        }
    }

    /** XINFO CONSUMERS key group: each consumer's name, pending count and idle time. */
    static void xinfoConsumers(CommandContext ctx) {
        StreamValue s = infoSource(ctx);
        StreamGroup g = s.group(ctx.arg(3));
        if (g == null) {
            throw new CommandError("NOGROUP No such consumer group '" + ctx.argString(3) + "' for key name '" + ctx.argString(2) + "'");
        }
        ReplyWriter reply = ctx.reply;
        long now = System.currentTimeMillis();
        reply.array(g.consumers.size());
        for (StreamGroup.Consumer c : g.consumers.values()) {
            record(reply, 3);
            reply.bulk("name");
            reply.bulk(c.name);
            reply.bulk("pending");
            reply.integer(c.pending.size());
            reply.bulk("idle");
            reply.integer(Math.max(0, now - c.seenTime));
        }
    }

    /** XINFO STREAM's default COUNT under FULL, which keeps one call from walking a huge stream. */
    private static final long FULL_DEFAULT_COUNT = 10;

    /**
     * XINFO STREAM key [FULL [COUNT n]]: the stream's counters and first and last entries, or
     * under FULL up to n entries (0 = all) and every group with up to n pending entries of the
     * group and of each consumer.
     */
    static void xinfoStream(CommandContext ctx) {
        StreamValue s = infoSource(ctx);
        int options = ctx.argc() - 3;
        long count = FULL_DEFAULT_COUNT;
        boolean full = options > 0;
        if (full) {
            if ((options != 1 && options != 3) || !ctx.argIs(3, "full") || (options == 3 && !ctx.argIs(4, "count"))) {
                throw new CommandError("ERR unknown subcommand or wrong number of arguments for '" + ctx.argString(1) + "'. Try XINFO HELP.");
            }
            if (options == 3) {
                count = ctx.argLong(5);
                if (count < 0) {
                    count = FULL_DEFAULT_COUNT;
                }
            }
        }
        ReplyWriter reply = ctx.reply;
        record(reply, full ? 9 : 10);
        reply.bulk("length");
        reply.integer(s.length());
        reply.bulk("radix-tree-keys");
        reply.integer(s.blockCount());
        reply.bulk("radix-tree-nodes");
        reply.integer(s.radixTreeNodes());
        reply.bulk("last-generated-id");
        reply.bulk(s.lastId().toBytes());
        reply.bulk("max-deleted-entry-id");
        reply.bulk(s.maxDeletedId().toBytes());
        reply.bulk("entries-added");
        reply.integer(s.entriesAdded());
        reply.bulk("recorded-first-entry-id");
        reply.bulk(s.firstId().toBytes());
        if (!full) {
            reply.bulk("groups");
            reply.integer(s.groups().size());
            reply.bulk("first-entry");
            replyEdgeEntry(reply, s, false);
            reply.bulk("last-entry");
            replyEdgeEntry(reply, s, true);
            return;
        }
        reply.bulk("entries");
        replyRange(reply, s, StreamId.MIN, StreamId.MAX, count, false);
        reply.bulk("groups");
        reply.array(s.groups().size());
        for (java.util.Map.Entry<byte[], StreamGroup> e : s.groups().entrySet()) {
            replyFullGroup(reply, s, e.getKey(), e.getValue(), count);
        }
    }

    /** The first or last entry, or a null when the stream is empty. */
    private static void replyEdgeEntry(ReplyWriter reply, StreamValue s, boolean last) {
        StreamValue.Cursor c = s.cursor(StreamId.MIN, StreamId.MAX, last);
        if (c.next()) {
            replyEntry(reply, c);
        } else {
            reply.nullBulk();
        }
    }

    private static void replyFullGroup(ReplyWriter reply, StreamValue s, byte[] name, StreamGroup g, long count) {
        record(reply, 7);
        reply.bulk("name");
        reply.bulk(name);
        replyReadPosition(reply, s, g);
        reply.bulk("pel-count");
        reply.integer(g.pending.size());
        reply.bulk("pending");
        reply.array(limited(g.pending.size(), count));
        long shown = 0;
        for (java.util.Map.Entry<StreamId, StreamGroup.Pending> p : g.pending.entrySet()) {
            if (count != 0 && shown++ == count) {
                break;
            }
            reply.array(4);
            reply.bulk(p.getKey().toBytes());
            reply.bulk(p.getValue().consumer.name);
            reply.integer(p.getValue().deliveryTime);
            reply.integer(p.getValue().deliveryCount);
        }
        reply.bulk("consumers");
        reply.array(g.consumers.size());
        for (StreamGroup.Consumer c : g.consumers.values()) {
            record(reply, 4);
            reply.bulk("name");
            reply.bulk(c.name);
            reply.bulk("seen-time");
            reply.integer(c.seenTime);
            reply.bulk("pel-count");
            reply.integer(c.pending.size());
            reply.bulk("pending");
            reply.array(limited(c.pending.size(), count));
            shown = 0;
            for (java.util.Map.Entry<StreamId, StreamGroup.Pending> p : c.pending.entrySet()) {
                if (count != 0 && shown++ == count) {
                    break;
                }
                reply.array(3);
                reply.bulk(p.getKey().toBytes());
                reply.integer(p.getValue().deliveryTime);
                reply.integer(p.getValue().deliveryCount);
            }
        }
    }

    private static int limited(int size, long count) {
        return count == 0 ? size : (int) Math.min(size, count);
    }

    /** A group's last-delivered-id, entries-read and lag fields, as XINFO GROUPS and STREAM FULL show them. */
    private static void replyReadPosition(ReplyWriter reply, StreamValue s, StreamGroup g) {
        reply.bulk("last-delivered-id");
        reply.bulk(g.lastId.toBytes());
        reply.bulk("entries-read");
        if (g.entriesRead == StreamGroup.UNKNOWN_ENTRIES_READ) {
            reply.nullBulk();
        } else {
            reply.integer(g.entriesRead);
        }
        reply.bulk("lag");
        long lag = s.lag(g);
        if (lag == StreamValue.UNKNOWN_LAG) {
            reply.nullBulk();
        } else {
            reply.integer(lag);
        }
    }
}
