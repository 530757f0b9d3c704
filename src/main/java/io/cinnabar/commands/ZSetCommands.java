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
import io.cinnabar.protocol.DoubleFormat;
import io.cinnabar.protocol.ReplyWriter;
import io.cinnabar.server.Server;
import io.cinnabar.types.ByteDict;
import io.cinnabar.types.LexRange;
import io.cinnabar.types.ScoreRange;
import io.cinnabar.types.SetValue;
import io.cinnabar.types.Strtod;
import io.cinnabar.types.ZSetValue;
import io.cinnabar.types.ZSkipList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The sorted set group, laid out like Redis's t_zset.c: ZADD/ZINCRBY over one zsetAdd, the ZRANGE
 * family over one range walker that either replies or stores, the pops over one genericZpop, and
 * the set operations over one union/inter/diff routine. Values are {@link ZSetValue}s.
 *
 * <p>Every write is announced only when it will really change the key (a ZADD of unchanged
 * scores or a ZREM of absent members touches nothing), as Redis signals modified keys.
 */
public final class ZSetCommands {
    private ZSetCommands() {}

    /**
     * The listpack limits of one server, read on every write so CONFIG SET applies at once; also
     * the scratch ZADD and GEOADD reuse so a write allocates nothing of its own (only the data
     * thread runs commands, one at a time, so one scratch per server is enough).
     */
    static final class Limits {
        /** Scratch arrays up to this many scores are kept for the next command. */
        private static final int KEPT_SCORES = 1024;

        final Param.Num entries;
        final Param.Num value;
        final ZSetValue.AddResult addResult = new ZSetValue.AddResult();
        private double[] scores = new double[16];

        Limits(Config config) {
            entries = config.effectiveNum("zset-max-listpack-entries");
            value = config.effectiveNum("zset-max-listpack-value");
        }

        /** An array of at least n scores, reused across commands unless unusually large. */
        double[] scores(int n) {
            if (n <= scores.length) {
                return scores;
            }
            double[] larger = new double[n];
            if (n <= KEPT_SCORES) {
                scores = larger;
            }
            return larger;
        }
    }

    private static final int MIN = 0;
    private static final int MAX = 1;
    private static final int RANGE_AUTO = 0;
    private static final int RANGE_RANK = 1;
    private static final int RANGE_SCORE = 2;
    private static final int RANGE_LEX = 3;
    private static final int DIRECTION_AUTO = 0;
    private static final int DIRECTION_FORWARD = 1;
    private static final int DIRECTION_REVERSE = 2;
    private static final int OP_UNION = 0;
    private static final int OP_INTER = 1;
    private static final int OP_DIFF = 2;

    static void install(Server server) {
        Limits limits = new Limits(server.config());
        CommandTable t = server.commandTable();
        t.bind("zadd", ctx -> zadd(ctx, limits, 0));
        t.bind("zincrby", ctx -> zadd(ctx, limits, ZSetValue.IN_INCR));
        t.bind("zrem", ZSetCommands::zrem);
        t.bind("zcard", ZSetCommands::zcard);
        t.bind("zscore", ZSetCommands::zscore);
        t.bind("zmscore", ZSetCommands::zmscore);
        t.bind("zrank", ctx -> zrank(ctx, false));
        t.bind("zrevrank", ctx -> zrank(ctx, true));
        t.bind("zcount", ctx -> zcount(ctx, false));
        t.bind("zlexcount", ctx -> zcount(ctx, true));
        t.bind("zrange", ctx -> zrange(ctx, limits, 1, false, RANGE_AUTO, DIRECTION_AUTO));
        t.bind("zrangestore", ctx -> zrange(ctx, limits, 2, true, RANGE_AUTO, DIRECTION_AUTO));
        t.bind("zrevrange", ctx -> zrange(ctx, limits, 1, false, RANGE_RANK, DIRECTION_REVERSE));
        t.bind("zrangebyscore", ctx -> zrange(ctx, limits, 1, false, RANGE_SCORE, DIRECTION_FORWARD));
        t.bind("zrevrangebyscore", ctx -> zrange(ctx, limits, 1, false, RANGE_SCORE, DIRECTION_REVERSE));
        t.bind("zrangebylex", ctx -> zrange(ctx, limits, 1, false, RANGE_LEX, DIRECTION_FORWARD));
        t.bind("zrevrangebylex", ctx -> zrange(ctx, limits, 1, false, RANGE_LEX, DIRECTION_REVERSE));
        t.bind("zremrangebyrank", ctx -> zremrange(ctx, RANGE_RANK));
        t.bind("zremrangebyscore", ctx -> zremrange(ctx, RANGE_SCORE));
        t.bind("zremrangebylex", ctx -> zremrange(ctx, RANGE_LEX));
        t.bind("zpopmin", ctx -> zpop(ctx, MIN));
        t.bind("zpopmax", ctx -> zpop(ctx, MAX));
        t.bind("bzpopmin", ctx -> bzpop(ctx, MIN));
        t.bind("bzpopmax", ctx -> bzpop(ctx, MAX));
        t.bind("zmpop", ctx -> zmpop(ctx, 1, false));
        t.bind("bzmpop", ctx -> zmpop(ctx, 2, true));
        t.bind("zunion", ctx -> setOperation(ctx, limits, false, 1, OP_UNION, false));
        t.bind("zinter", ctx -> setOperation(ctx, limits, false, 1, OP_INTER, false));
        t.bind("zdiff", ctx -> setOperation(ctx, limits, false, 1, OP_DIFF, false));
        t.bind("zunionstore", ctx -> setOperation(ctx, limits, true, 2, OP_UNION, false));
        t.bind("zinterstore", ctx -> setOperation(ctx, limits, true, 2, OP_INTER, false));
        t.bind("zdiffstore", ctx -> setOperation(ctx, limits, true, 2, OP_DIFF, false));
        t.bind("zintercard", ctx -> setOperation(ctx, limits, false, 1, OP_INTER, true));
        t.bind("zrandmember", ZSetCommands::zrandmember);
        t.bind("zscan", ZSetCommands::zscan);
    }

    // ---------------------------------------------------------------- shared helpers

    /** The sorted set at key for reading (counts a hit or miss), null if absent. */
    static ZSetValue getZSet(Database db, byte[] key) {
        return checkType(db.get(key));
    }

    /** The sorted set at key for a write (no hit/miss accounting), null if absent. */
    static ZSetValue getZSetForWrite(Database db, byte[] key) {
        return checkType(db.lookup(key));
    }

    private static ZSetValue checkType(Object v) {
        if (v != null && !(v instanceof ZSetValue)) {
            throw CommandError.wrongType();
        }
        return (ZSetValue) v;
    }

    /**
     * Ends an in-place change and announces it as {@code event}: the key goes (and "del" follows)
     * when the set became empty, as Redis deletes it.
     */
    private static void finishWrite(Database db, byte[] key, ZSetValue z, String event) {
        if (z.size() == 0) {
            db.delete(key);
            db.notify(KeyEvents.ZSET, event, key);
            db.notify(KeyEvents.GENERIC, "del", key);
        } else {
            db.modified(key);
            db.notify(KeyEvents.ZSET, event, key);
        }
    }

    static double parseScore(byte[] b, String error) {
        double d = Strtod.strict(b);
        if (Double.isNaN(d)) {
            throw new CommandError(error);
        }
        return d;
    }

    /** Redis's zslParseRange: "(" opens an end; the rest is read by a bare strtod. */
    static ScoreRange parseScoreRange(byte[] min, byte[] max) {
        boolean minOpen = min.length > 0 && min[0] == '(';
        boolean maxOpen = max.length > 0 && max[0] == '(';
        double lo = Strtod.lenient(min, minOpen ? 1 : 0, min.length - (minOpen ? 1 : 0));
        double hi = Strtod.lenient(max, maxOpen ? 1 : 0, max.length - (maxOpen ? 1 : 0));
        if (Double.isNaN(lo) || Double.isNaN(hi)) {
            throw new CommandError("ERR min or max is not a float");
        }
        return new ScoreRange(lo, minOpen, hi, maxOpen);
    }

    private static final byte[] BAD_LEX_ITEM = new byte[0];

    private static byte[] lexItem(byte[] b) {
        if (b.length == 0) {
            return BAD_LEX_ITEM;
        }
        switch (b[0]) {
            case '+':
                return b.length == 1 || b[1] == 0 ? LexRange.MAX : BAD_LEX_ITEM;
            case '-':
                return b.length == 1 || b[1] == 0 ? LexRange.MIN : BAD_LEX_ITEM;
            case '(':
            case '[':
                return Arrays.copyOfRange(b, 1, b.length);
            default:
                return BAD_LEX_ITEM;
        }
    }

    /** Redis's zslParseLexRange: "(" or "[" before a string, or "-" / "+" alone. */
    static LexRange parseLexRange(byte[] min, byte[] max) {
        byte[] lo = lexItem(min);
        byte[] hi = lexItem(max);
        if (lo == BAD_LEX_ITEM || hi == BAD_LEX_ITEM) {
            throw new CommandError("ERR min or max not valid string range item");
        }
        return new LexRange(lo, min[0] != '[', hi, max[0] != '[');
    }

    /** A member (and score) into a reply; RESP3 pairs go in a 2-array when {@code pair}. */
    private static void replyEntry(ReplyWriter reply, ZSetValue.Cursor c, boolean withScore, boolean pair) {
        if (pair) {
            reply.array(2);
        }
        if (c.isLong()) {
            reply.bulkLong(c.longValue());
        } else {
            reply.bulk(c.array(), c.offset(), c.length());
        }
        if (withScore) {
            reply.doubleValue(c.score());
        }
    }

    private static void replyMember(ReplyWriter reply, byte[] member, double score, boolean withScore, boolean pair) {
        if (pair) {
            reply.array(2);
        }
        reply.bulk(member);
        if (withScore) {
            reply.doubleValue(score);
        }
    }

    // ---------------------------------------------------------------- ZADD, ZINCRBY, ZREM

    static void zadd(CommandContext ctx, Limits limits, int flags) {
        int argc = ctx.argc();
        int scoreIdx = 2;
        boolean ch = false;
        for (; scoreIdx < argc; scoreIdx++) {
            if (ctx.argIs(scoreIdx, "nx")) {
                flags |= ZSetValue.IN_NX;
            } else if (ctx.argIs(scoreIdx, "xx")) {
                flags |= ZSetValue.IN_XX;
            } else if (ctx.argIs(scoreIdx, "ch")) {
                ch = true;
            } else if (ctx.argIs(scoreIdx, "incr")) {
                flags |= ZSetValue.IN_INCR;
            } else if (ctx.argIs(scoreIdx, "gt")) {
                flags |= ZSetValue.IN_GT;
            } else if (ctx.argIs(scoreIdx, "lt")) {
                flags |= ZSetValue.IN_LT;
            } else {
                break;
            }
        }
        boolean incr = (flags & ZSetValue.IN_INCR) != 0;
        boolean nx = (flags & ZSetValue.IN_NX) != 0;
        boolean xx = (flags & ZSetValue.IN_XX) != 0;
        boolean gt = (flags & ZSetValue.IN_GT) != 0;
        boolean lt = (flags & ZSetValue.IN_LT) != 0;
        int elements = argc - scoreIdx;
        if (elements % 2 != 0 || elements == 0) {
            throw CommandError.syntax();
        }
        elements /= 2;
        if (nx && xx) {
            throw new CommandError("ERR XX and NX options at the same time are not compatible");
        }
        if ((gt && nx) || (lt && nx) || (gt && lt)) {
            throw new CommandError("ERR GT, LT, and/or NX options at the same time are not compatible");
        }
        if (incr && elements > 1) {
            throw new CommandError("ERR INCR option supports a single increment-element pair");
        }
        double[] scores = limits.scores(elements);
        for (int j = 0; j < elements; j++) {
            scores[j] = parseScore(ctx.arg(scoreIdx + 2 * j), CommandError.NOT_FLOAT);
        }
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        ZSetValue z = getZSetForWrite(db, key);
        long maxEntries = limits.entries.value();
        long maxValue = limits.value.value();
        boolean created = false;
        if (z == null) {
            if (xx) {
                replyZadd(ctx, incr, ch, 0, 0, 0, 0);
                return;
            }
            z = maxEntries == 0 || maxValue < ctx.arg(scoreIdx + 1).length ? ZSetValue.newSkiplist(elements) : ZSetValue.newListpack();
            created = true;
            if (elements <= maxEntries) {
                z.reserveForNewMembers(scores, elements, ctx.argv(), scoreIdx + 1);
            }
        } else if (!anyChange(z, ctx, scoreIdx, scores, elements, flags)) {
            // Nothing will change: answer as the loop below would, without announcing a write.
            int processed = 0;
            double score = 0;
            for (int j = 0; j < elements; j++) {
                double current = z.score(ctx.arg(scoreIdx + 1 + 2 * j));
                if (Double.isNaN(current) || nx) {
                    continue; // absent under XX, or present under NX
                }
                double s = incr ? scores[j] + current : scores[j];
                if (Double.isNaN(s)) {
                    throw new CommandError("ERR resulting score is not a number (NaN)");
                }
                if ((lt && s >= current) || (gt && s <= current)) {
                    continue;
                }
                processed++;
                score = s;
            }
            replyZadd(ctx, incr, ch, 0, 0, processed, score);
            return;
        } else {
            db.beginWrite(key);
        }
        ZSetValue.AddResult result = limits.addResult;
        int added = 0;
        int updated = 0;
        int processed = 0;
        double score = 0;
        try {
            for (int j = 0; j < elements; j++) {
                int out = z.add(scores[j], ctx.arg(scoreIdx + 1 + 2 * j), flags, result, maxEntries, maxValue);
                if ((out & ZSetValue.OUT_NAN) != 0) {
                    throw new CommandError("ERR resulting score is not a number (NaN)");
                }
                if ((out & ZSetValue.OUT_ADDED) != 0) {
                    added++;
                }
                if ((out & ZSetValue.OUT_UPDATED) != 0) {
                    updated++;
                }
                if ((out & ZSetValue.OUT_NOP) == 0) {
                    processed++;
                    score = result.score;
                }
            }
        } finally {
            if (created) {
                db.set(key, z, KeyTable.NO_EXPIRE);
            } else {
                db.modified(key);
            }
            db.countChanges(added + updated - 1); // Redis counts every member added or updated
        }
        if (added + updated > 0) {
            db.notify(KeyEvents.ZSET, incr ? "zincr" : "zadd", key);
        }
        replyZadd(ctx, incr, ch, added, updated, processed, score);
    }

    /** True if some score-member pair would add or update (checked against the current set). */
    private static boolean anyChange(ZSetValue z, CommandContext ctx, int scoreIdx, double[] scores, int elements, int flags) {
        for (int j = 0; j < elements; j++) {
            if (z.wouldChange(scores[j], ctx.arg(scoreIdx + 1 + 2 * j), flags)) {
                return true;
            }
        }
        return false;
    }

    private static void replyZadd(CommandContext ctx, boolean incr, boolean ch, int added, int updated, int processed, double score) {
        if (incr) {
            if (processed > 0) {
                ctx.reply.doubleValue(score);
            } else {
                ctx.reply.nullBulk();
            }
        } else {
            ctx.reply.integer(ch ? added + updated : added);
        }
    }

    static void zrem(CommandContext ctx) {
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        ZSetValue z = getZSetForWrite(db, key);
        int argc = ctx.argc();
        boolean any = false;
        for (int j = 2; z != null && j < argc && !any; j++) {
            any = !Double.isNaN(z.score(ctx.arg(j)));
        }
        if (!any) {
            ctx.reply.integer(0);
            return;
        }
        db.lookupWrite(key);
        int deleted = 0;
        for (int j = 2; j < argc; j++) {
            if (z.remove(ctx.arg(j))) {
                deleted++;
            }
            if (z.size() == 0) {
                break;
            }
        }
        finishWrite(db, key, z, "zrem");
        db.countChanges(deleted - 1);
        ctx.reply.integer(deleted);
    }

    // ---------------------------------------------------------------- point reads

    static void zcard(CommandContext ctx) {
        ZSetValue z = getZSet(ctx.db(), ctx.arg(1));
        ctx.reply.integer(z == null ? 0 : z.size());
    }

    static void zscore(CommandContext ctx) {
        ZSetValue z = getZSet(ctx.db(), ctx.arg(1));
        double score = z == null ? Double.NaN : z.score(ctx.arg(2));
        if (Double.isNaN(score)) {
            ctx.reply.nullBulk();
        } else {
            ctx.reply.doubleValue(score);
        }
    }

    static void zmscore(CommandContext ctx) {
        ZSetValue z = getZSet(ctx.db(), ctx.arg(1));
        ctx.reply.array(ctx.argc() - 2);
        for (int j = 2; j < ctx.argc(); j++) {
            double score = z == null ? Double.NaN : z.score(ctx.arg(j));
            if (Double.isNaN(score)) {
                ctx.reply.nullBulk();
            } else {
                ctx.reply.doubleValue(score);
            }
        }
    }

    static void zrank(CommandContext ctx, boolean reverse) {
        ZSetValue z = getZSet(ctx.db(), ctx.arg(1));
        long rank = z == null ? -1 : z.rank(ctx.arg(2), reverse);
        if (rank < 0) {
            ctx.reply.nullBulk();
        } else {
            ctx.reply.integer(rank);
        }
    }

    static void zcount(CommandContext ctx, boolean lex) {
        ZSkipList.Bounds range = lex ? parseLexRange(ctx.arg(2), ctx.arg(3)) : parseScoreRange(ctx.arg(2), ctx.arg(3));
        ZSetValue z = getZSet(ctx.db(), ctx.arg(1));
        ctx.reply.integer(z == null ? 0 : z.count(range));
    }

    // ---------------------------------------------------------------- the ZRANGE family

    /**
     * ZRANGE, ZRANGESTORE and the older Z[REV]RANGE[BYSCORE|BYLEX], as Redis's zrangeGenericCommand:
     * {@code <src> <min> <max> [BYSCORE|BYLEX] [REV] [WITHSCORES] [LIMIT offset count]} from
     * argument {@code srcIdx}; the older commands fix the range type and direction.
     */
    static void zrange(CommandContext ctx, Limits limits, int srcIdx, boolean store, int rangeType, int direction) {
        int argc = ctx.argc();
        int minIdx = srcIdx + 1;
        int maxIdx = srcIdx + 2;
        boolean withScores = false;
        long offset = 0;
        long limit = -1;
        for (int j = srcIdx + 3; j < argc; j++) {
            int left = argc - j - 1;
            if (!store && ctx.argIs(j, "withscores")) {
                withScores = true;
            } else if (ctx.argIs(j, "limit") && left >= 2) {
                offset = ctx.argLong(j + 1);
                limit = ctx.argLong(j + 2);
                j += 2;
            } else if (direction == DIRECTION_AUTO && ctx.argIs(j, "rev")) {
                direction = DIRECTION_REVERSE;
            } else if (rangeType == RANGE_AUTO && ctx.argIs(j, "bylex")) {
                rangeType = RANGE_LEX;
            } else if (rangeType == RANGE_AUTO && ctx.argIs(j, "byscore")) {
                rangeType = RANGE_SCORE;
            } else {
                throw CommandError.syntax();
            }
        }
        if (rangeType == RANGE_AUTO) {
            rangeType = RANGE_RANK;
        }
        boolean reverse = direction == DIRECTION_REVERSE;
        if (limit != -1 && rangeType == RANGE_RANK) {
            throw new CommandError("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
        }
        if (withScores && rangeType == RANGE_LEX) {
            throw new CommandError("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
        }
        if (reverse && rangeType != RANGE_RANK) {
            int t = minIdx;
            minIdx = maxIdx;
            maxIdx = t;
        }
        long start = 0;
        long end = 0;
        ZSkipList.Bounds range = null;
        if (rangeType == RANGE_RANK) {
            start = ctx.argLong(minIdx);
            end = ctx.argLong(maxIdx);
        } else if (rangeType == RANGE_SCORE) {
            range = parseScoreRange(ctx.arg(minIdx), ctx.arg(maxIdx));
        } else {
            range = parseLexRange(ctx.arg(minIdx), ctx.arg(maxIdx));
        }
        Database db = ctx.db();
        ZSetValue z = getZSet(db, ctx.arg(srcIdx));
        RangeSink sink = store ? new StoreSink(ctx, limits) : new ReplySink(ctx, withScores);
        if (z == null) {
            sink.finish(0);
            return;
        }
        ZSetValue.Cursor c = new ZSetValue.Cursor();
        if (rangeType == RANGE_RANK) {
            long size = z.size();
            long first = Ranks.start(start, end, size);
            if (first < 0) {
                sink.finish(0);
                return;
            }
            start = first;
            end = Ranks.end(end, size);
            long n = end - start + 1;
            sink.begin(n, true);
            z.seekRank(c, start, reverse);
            for (long i = 0; i < n; i++) {
                sink.emit(c);
                c.move(reverse);
            }
            sink.finish(n);
            return;
        }
        if (offset > 0 && offset >= z.size()) {
            sink.finish(0);
            return;
        }
        // The reply's length comes first, so walk the range once to count it, then to emit it.
        long n = walkRange(z, c, range, reverse, offset, limit, null);
        sink.begin(n, false);
        walkRange(z, c, range, reverse, offset, limit, sink);
        sink.finish(n);
    }

    /** Skips {@code offset} members from the range's start, then visits up to {@code limit} (negative: all). */
    private static long walkRange(ZSetValue z, ZSetValue.Cursor c, ZSkipList.Bounds range, boolean reverse, long offset, long limit, RangeSink sink) {
        if (!z.seekFirst(c, range, reverse)) {
            return 0;
        }
        if (offset < 0) {
            return 0; // Redis's "while (ln && offset--)" runs off the end for a negative offset
        }
        for (long i = 0; i < offset && c.valid(); i++) {
            c.move(reverse);
        }
        long n = 0;
        while (c.valid() && limit-- != 0) {
            if (!z.inRange(c, range, reverse)) {
                break;
            }
            if (sink != null) {
                sink.emit(c);
            }
            n++;
            c.move(reverse);
        }
        return n;
    }

    /** Where a range goes: the client, or a new sorted set (ZRANGESTORE). */
    private interface RangeSink {
        /** {@code sized}: the length was known before the walk (a rank range), which Redis 7.0.15 uses as a size hint. */
        void begin(long n, boolean sized);

        void emit(ZSetValue.Cursor c);

        void finish(long n);
    }

    private static final class ReplySink implements RangeSink {
        private final CommandContext ctx;
        private final boolean withScores;
        private final boolean pairs;
        private boolean begun;

        ReplySink(CommandContext ctx, boolean withScores) {
            this.ctx = ctx;
            this.withScores = withScores;
            this.pairs = withScores && ctx.reply.resp3();
        }

        @Override
        public void begin(long n, boolean sized) {
            begun = true;
            ctx.reply.array((int) (withScores && !pairs ? n * 2 : n));
        }

        @Override
        public void emit(ZSetValue.Cursor c) {
            replyEntry(ctx.reply, c, withScores, pairs);
        }

        @Override
        public void finish(long n) {
            if (!begun) {
                ctx.reply.array(0);
            }
        }
    }

    private static final class StoreSink implements RangeSink {
        private final CommandContext ctx;
        private final Limits limits;
        private ZSetValue dst = ZSetValue.newListpack();
        private final ZSetValue.AddResult result = new ZSetValue.AddResult();

        StoreSink(CommandContext ctx, Limits limits) {
            this.ctx = ctx;
            this.limits = limits;
        }

        @Override
        public void begin(long n, boolean sized) {
            // zsetTypeCreate(length, 0): a rank range that will not fit starts as a skip list.
            if (sized && n > limits.entries.value()) {
                dst = ZSetValue.newSkiplist((int) n);
            }
        }

        @Override
        public void emit(ZSetValue.Cursor c) {
            dst.add(c.score(), c.member(), 0, result, limits.entries.value(), limits.value.value());
        }

        @Override
        public void finish(long n) {
            storeResult(ctx, ctx.arg(1), dst);
        }
    }

    /** Stores a computed set at dst (or deletes dst when it is empty) and replies its size. */
    private static void storeResult(CommandContext ctx, byte[] dst, ZSetValue z) {
        Database db = ctx.db();
        if (z.size() > 0) {
            db.set(dst, z, KeyTable.NO_EXPIRE);
            ctx.reply.integer(z.size());
            db.notify(KeyEvents.ZSET, ctx.spec().name, dst); // zrangestore, zunionstore, zinterstore, zdiffstore
        } else {
            ctx.reply.integer(0);
            if (db.delete(dst)) {
                db.notify(KeyEvents.GENERIC, "del", dst);
            }
        }
    }

    // ---------------------------------------------------------------- ZREMRANGEBY*

    static void zremrange(CommandContext ctx, int rangeType) {
        long start = 0;
        long end = 0;
        ZSkipList.Bounds range = null;
        if (rangeType == RANGE_RANK) {
            start = ctx.argLong(2);
            end = ctx.argLong(3);
        } else if (rangeType == RANGE_SCORE) {
            range = parseScoreRange(ctx.arg(2), ctx.arg(3));
        } else {
            range = parseLexRange(ctx.arg(2), ctx.arg(3));
        }
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        ZSetValue z = getZSetForWrite(db, key);
        if (z == null) {
            ctx.reply.integer(0);
            return;
        }
        long deleted;
        if (rangeType == RANGE_RANK) {
            long size = z.size();
            long first = Ranks.start(start, end, size);
            if (first < 0) {
                ctx.reply.integer(0);
                return;
            }
            start = first;
            end = Ranks.end(end, size);
            db.lookupWrite(key);
            deleted = z.removeRangeByRank(start, end);
        } else {
            if (z.count(range) == 0) {
                ctx.reply.integer(0);
                return;
            }
            db.lookupWrite(key);
            deleted = z.removeRange(range);
        }
        finishWrite(db, key, z, ctx.spec().name); // zremrangebyrank, zremrangebyscore, zremrangebylex
        db.countChanges(deleted - 1);
        ctx.reply.integer(deleted);
    }

    // ---------------------------------------------------------------- pops

    static void zpop(CommandContext ctx, int where) {
        if (ctx.argc() > 3) {
            throw CommandError.syntax();
        }
        long count = -1;
        if (ctx.argc() == 3) {
            count = positiveLong(ctx, 2);
        }
        boolean nested = ctx.reply.resp3() && count != -1;
        genericZpop(ctx, 1, 1, where, false, count, nested, false);
    }

    /** Redis's getPositiveLongFromObjectOrReply: one error for a non-number and a negative one. */
    private static long positiveLong(CommandContext ctx, int i) {
        String error = "ERR value is out of range, must be positive";
        long v = CommandContext.parseLong(ctx.arg(i), error);
        if (v < 0) {
            throw new CommandError(error);
        }
        return v;
    }

    /**
     * Redis's genericZpopCommand over the keys argv[firstKey, firstKey+numKeys): pops from the
     * first that exists. {@code emitKey} adds the key's name (blocking pops, ZMPOP); {@code nested}
     * pairs each member with its score in a 2-array.
     */
    private static void genericZpop(CommandContext ctx, int firstKey, int numKeys, int where, boolean emitKey, long count,
            boolean nested, boolean nilWhenEmpty) {
        Database db = ctx.db();
        byte[] key = null;
        ZSetValue z = null;
        for (int i = 0; i < numKeys && z == null; i++) {
            key = ctx.arg(firstKey + i);
            z = getZSetForWrite(db, key);
        }
        if (z == null) {
            if (nilWhenEmpty) {
                ctx.reply.nullArray();
            } else {
                ctx.reply.array(0);
            }
            return;
        }
        popFrom(ctx, key, z, where, emitKey, count, nested);
    }

    private static void popFrom(CommandContext ctx, byte[] key, ZSetValue z, int where, boolean emitKey, long count, boolean nested) {
        if (count == 0) {
            ctx.reply.array(0);
            return;
        }
        boolean countGiven = count != -1;
        if (count == -1) {
            count = 1;
        }
        int n = (int) Math.min(count, z.size());
        if (emitKey && ctx.propagating()) {
            // BZPOPMIN/BZPOPMAX, ZMPOP, BZMPOP: one key, never blocking, the count popped
            byte[] name = where == MAX ? Rewrites.ZPOPMAX : Rewrites.ZPOPMIN;
            ctx.propagateAs(countGiven ? new byte[][] {name, key, Rewrites.decimal(n)} : new byte[][] {name, key});
        }
        ReplyWriter reply = ctx.reply;
        if (!nested && !emitKey) {
            reply.array(n * 2);
        } else if (nested && !emitKey) {
            reply.array(n);
        } else if (!nested) {
            reply.array(n * 2 + 1);
            reply.bulk(key);
        } else {
            reply.array(2);
            reply.bulk(key);
            reply.array(n);
        }
        Database db = ctx.db();
        db.lookupWrite(key);
        ZSetValue.Cursor c = new ZSetValue.Cursor();
        for (int i = 0; i < n; i++) {
            z.seekRank(c, 0, where == MAX);
            byte[] member = c.member();
            double score = c.score();
            z.remove(member);
            replyMember(reply, member, score, true, nested);
        }
        finishWrite(db, key, z, where == MAX ? "zpopmax" : "zpopmin");
        db.countChanges(n - 1); // Redis counts every member popped
    }

    /** A blocking command's timeout in seconds (Redis's getTimeoutFromObjectOrReply): absolute ms, 0 = forever. */
    private static long parseTimeout(byte[] arg) {
        double seconds = Strtod.strict(arg);
        if (Double.isNaN(seconds)) {
            throw new CommandError("ERR timeout is not a float or out of range");
        }
        long ms = (long) (seconds * 1000.0);
        if (ms < 0) {
            throw new CommandError("ERR timeout is negative");
        }
        return ms == 0 ? 0 : ms + System.currentTimeMillis();
    }

    static void bzpop(CommandContext ctx, int where) {
        int argc = ctx.argc();
        blockingZpop(ctx, 1, argc - 2, where, argc - 1, -1, false);
    }

    /** BZPOPMIN, BZPOPMAX and BZMPOP: pop from the first non-empty key, else wait for one. */
    private static void blockingZpop(CommandContext ctx, int firstKey, int numKeys, int where, int timeoutIdx, long count,
            boolean nested) {
        long deadline = parseTimeout(ctx.arg(timeoutIdx));
        Database db = ctx.db();
        for (int i = 0; i < numKeys; i++) {
            byte[] key = ctx.arg(firstKey + i);
            ZSetValue z = getZSetForWrite(db, key);
            if (z != null && z.size() > 0) {
                popFrom(ctx, key, z, where, true, count, nested);
                return;
            }
        }
        byte[][] keys = Arrays.copyOfRange(ctx.argv(), firstKey, firstKey + numKeys);
        ctx.server.blocking().block(ctx.client, db, keys, deadline, client -> client.reply().nullArray());
    }

    /** ZMPOP numkeys key... MIN|MAX [COUNT n] and BZMPOP timeout numkeys ... */
    static void zmpop(CommandContext ctx, int numKeysIdx, boolean block) {
        int argc = ctx.argc();
        long numKeys = rangedLong(ctx, numKeysIdx, "ERR numkeys should be greater than 0");
        long whereIdx = numKeysIdx + numKeys + 1;
        if (numKeys > argc || whereIdx >= argc) {
            throw CommandError.syntax();
        }
        int where;
        if (ctx.argIs((int) whereIdx, "min")) {
            where = MIN;
        } else if (ctx.argIs((int) whereIdx, "max")) {
            where = MAX;
        } else {
            throw CommandError.syntax();
        }
        long count = -1;
        for (int j = (int) whereIdx + 1; j < argc; j++) {
            boolean more = argc - 1 - j > 0;
            if (count == -1 && ctx.argIs(j, "count") && more) {
                count = rangedLong(ctx, ++j, "ERR count should be greater than 0");
            } else {
                throw CommandError.syntax();
            }
        }
        if (count == -1) {
            count = 1;
        }
        if (block) {
            blockingZpop(ctx, numKeysIdx + 1, (int) numKeys, where, 1, count, true);
        } else {
            genericZpop(ctx, numKeysIdx + 1, (int) numKeys, where, true, count, true, true);
        }
    }

    /** An argument in 1..LONG_MAX, else the given error (also for a non-number). */
    private static long rangedLong(CommandContext ctx, int i, String error) {
        long v = CommandContext.parseLong(ctx.arg(i), error);
        if (v < 1) {
            throw new CommandError(error);
        }
        return v;
    }

    // ---------------------------------------------------------------- ZUNION, ZINTER, ZDIFF

    /** One input of a set operation: a sorted set, a plain set (every score 1), or nothing. */
    private static final class Source {
        final Object value;
        double weight = 1;

        Source(Object value) {
            this.value = value;
        }

        int size() {
            if (value == null) {
                return 0;
            }
            return value instanceof ZSetValue ? ((ZSetValue) value).size() : ((SetValue) value).size();
        }

        /** The member's score here, NaN when absent. */
        double score(byte[] member) {
            if (value instanceof ZSetValue) {
                return ((ZSetValue) value).score(member);
            }
            return value != null && ((SetValue) value).contains(member) ? 1 : Double.NaN;
        }

        /** Visits every member (a sorted set from its highest down, as Redis's iterator) until told to stop. */
        void forEach(MemberVisitor visitor) {
            if (value instanceof ZSetValue) {
                ZSetValue z = (ZSetValue) value;
                ZSetValue.Cursor c = new ZSetValue.Cursor();
                for (z.seekRank(c, 0, true); c.valid(); c.prev()) {
                    if (!visitor.visit(c.member(), c.score())) {
                        return;
                    }
                }
            } else if (value != null) {
                SetValue set = (SetValue) value;
                for (int p = set.firstPosition(); p >= 0; p = set.nextPosition(p)) {
                    if (!visitor.visit(set.memberAt(p), 1)) {
                        return;
                    }
                }
            }
        }
    }

    private interface MemberVisitor {
        /** Returns false to stop the walk. */
        boolean visit(byte[] member, double score);
    }

    /**
     * Redis's zunionInterDiffGenericCommand: ZUNION, ZINTER, ZDIFF (numkeys at 1), their STORE
     * forms (destination at 1, numkeys at 2) and ZINTERCARD.
     */
    static void setOperation(CommandContext ctx, Limits limits, boolean store, int numKeysIdx, int op, boolean cardinalityOnly) {
        int argc = ctx.argc();
        long setnum = ctx.argLong(numKeysIdx);
        if (setnum < 1) {
            throw new CommandError("ERR at least 1 input key is needed for '" + ctx.spec().name + "' command");
        }
        if (setnum > argc - (numKeysIdx + 1)) {
            throw CommandError.syntax();
        }
        Database db = ctx.db();
        Source[] src = new Source[(int) setnum];
        int j = numKeysIdx + 1;
        for (int i = 0; i < setnum; i++, j++) {
            Object v = db.get(ctx.arg(j));
            if (v != null && !(v instanceof ZSetValue) && !(v instanceof SetValue)) {
                throw CommandError.wrongType();
            }
            src[i] = new Source(v);
        }
        int aggregate = AGGREGATE_SUM;
        boolean withScores = false;
        long limit = 0;
        while (j < argc) {
            int remaining = argc - j;
            if (op != OP_DIFF && !cardinalityOnly && remaining >= setnum + 1 && ctx.argIs(j, "weights")) {
                j++;
                for (int i = 0; i < setnum; i++, j++) {
                    src[i].weight = parseScore(ctx.arg(j), "ERR weight value is not a float");
                }
            } else if (op != OP_DIFF && !cardinalityOnly && remaining >= 2 && ctx.argIs(j, "aggregate")) {
                j++;
                if (ctx.argIs(j, "sum")) {
                    aggregate = AGGREGATE_SUM;
                } else if (ctx.argIs(j, "min")) {
                    aggregate = AGGREGATE_MIN;
                } else if (ctx.argIs(j, "max")) {
                    aggregate = AGGREGATE_MAX;
                } else {
                    throw CommandError.syntax();
                }
                j++;
            } else if (!store && !cardinalityOnly && ctx.argIs(j, "withscores")) {
                j++;
                withScores = true;
            } else if (cardinalityOnly && remaining >= 2 && ctx.argIs(j, "limit")) {
                limit = CommandContext.parseLong(ctx.arg(j + 1), "ERR LIMIT can't be negative");
                if (limit < 0) {
                    throw new CommandError("ERR LIMIT can't be negative");
                }
                j += 2;
            } else {
                throw CommandError.syntax();
            }
        }
        if (op != OP_DIFF) {
            // Smallest first, stable among equals (glibc's qsort is a merge sort here).
            Arrays.sort(src, (a, b) -> Integer.compare(a.size(), b.size()));
        }
        ZSetValue result = ZSetValue.newSkiplist(0);
        if (op == OP_INTER) {
            long cardinality = intersect(src, aggregate, cardinalityOnly ? null : result, limit);
            if (cardinalityOnly) {
                ctx.reply.integer(cardinality);
                return;
            }
        } else if (op == OP_UNION) {
            union(src, aggregate, result);
        } else {
            difference(src, result);
        }
        if (store) {
            if (result.size() > 0) {
                result.convertToListpackIfFits(limits.entries.value(), limits.value.value());
            }
            storeResult(ctx, ctx.arg(1), result);
            return;
        }
        boolean pairs = withScores && ctx.reply.resp3();
        int n = result.size();
        ctx.reply.array(withScores && !pairs ? n * 2 : n);
        ZSetValue.Cursor c = new ZSetValue.Cursor();
        for (result.seekRank(c, 0, false); n-- > 0; c.next()) {
            replyEntry(ctx.reply, c, withScores, pairs);
        }
    }

    private static final int AGGREGATE_SUM = 0;
    private static final int AGGREGATE_MIN = 1;
    private static final int AGGREGATE_MAX = 2;

    private static double aggregate(double target, double value, int aggregate) {
        if (aggregate == AGGREGATE_SUM) {
            double sum = target + value;
            return Double.isNaN(sum) ? 0 : sum; // inf + -inf is 0 by Redis's convention
        }
        if (aggregate == AGGREGATE_MIN) {
            return value < target ? value : target;
        }
        return value > target ? value : target;
    }

    private static double weighted(double score, double weight) {
        double s = weight * score;
        return Double.isNaN(s) ? 0 : s;
    }

    /** Members of src[0] found in every source; returns their number (up to a non-zero limit). */
    private static long intersect(Source[] src, int aggregate, ZSetValue result, long limit) {
        if (src[0].size() == 0) {
            return 0;
        }
        long[] cardinality = {0};
        src[0].forEach((member, memberScore) -> {
            double score = weighted(memberScore, src[0].weight);
            for (int j = 1; j < src.length; j++) {
                double value = src[j].value == src[0].value ? memberScore : src[j].score(member);
                if (Double.isNaN(value)) {
                    return true;
                }
                score = aggregate(score, value * src[j].weight, aggregate);
            }
            cardinality[0]++;
            if (result == null) {
                return limit == 0 || cardinality[0] < limit;
            }
            result.insertNew(member, score);
            return true;
        });
        return cardinality[0];
    }

    private static void union(Source[] src, int aggregate, ZSetValue result) {
        ByteDict accumulator = new ByteDict(src[src.length - 1].size());
        for (Source s : src) {
            s.forEach((member, memberScore) -> {
                double score = weighted(memberScore, s.weight);
                Object existing = accumulator.get(member);
                if (existing == null) {
                    accumulator.put(member, new double[] {score});
                } else {
                    double[] total = (double[]) existing;
                    total[0] = aggregate(total[0], score, aggregate);
                }
                return true;
            });
        }
        accumulator.forEach((member, total) -> result.insertNew(member, ((double[]) total)[0]));
    }

    private static void difference(Source[] src, ZSetValue result) {
        for (int j = 1; j < src.length; j++) {
            if (src[j].value == src[0].value) {
                return; // the first set minus itself
            }
        }
        src[0].forEach((member, score) -> {
            for (int j = 1; j < src.length; j++) {
                if (!Double.isNaN(src[j].score(member))) {
                    return true;
                }
            }
            result.insertNew(member, score);
            return true;
        });
    }

    // ---------------------------------------------------------------- ZRANDMEMBER

    static void zrandmember(CommandContext ctx) {
        int argc = ctx.argc();
        if (argc >= 3) {
            long l = ctx.argLong(2);
            if (l == Long.MIN_VALUE) {
                throw new CommandError("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
            }
            if (argc > 4 || (argc == 4 && !ctx.argIs(3, "withscores"))) {
                throw CommandError.syntax();
            }
            boolean withScores = argc == 4;
            if (withScores && (l < -Long.MAX_VALUE / 2 || l > Long.MAX_VALUE / 2)) {
                throw new CommandError("ERR value is out of range");
            }
            randomMembers(ctx, l, withScores);
            return;
        }
        ZSetValue z = getZSet(ctx.db(), ctx.arg(1));
        if (z == null) {
            ctx.reply.nullBulk();
            return;
        }
        ZSetValue.Cursor c = new ZSetValue.Cursor();
        z.seekRandom(c, ThreadLocalRandom.current());
        replyEntry(ctx.reply, c, false, false);
    }

    private static void randomMembers(CommandContext ctx, long l, boolean withScores) {
        ZSetValue z = getZSet(ctx.db(), ctx.arg(1));
        if (z == null || l == 0) {
            ctx.reply.array(0);
            return;
        }
        boolean pairs = withScores && ctx.reply.resp3();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        ZSetValue.Cursor c = new ZSetValue.Cursor();
        long size = z.size();
        if (l < 0 || l == 1) {
            long count = l < 0 ? -l : l;
            ctx.reply.array((int) (withScores && !pairs ? count * 2 : count));
            for (long i = 0; i < count; i++) {
                z.seekRandom(c, random);
                replyEntry(ctx.reply, c, withScores, pairs);
            }
            return;
        }
        long count = l;
        int n = (int) Math.min(count, size);
        ctx.reply.array(withScores && !pairs ? n * 2 : n);
        if (count >= size) {
            // The whole set, in the order Redis's iterator walks it: highest first.
            for (z.seekRank(c, 0, true); c.valid(); c.prev()) {
                replyEntry(ctx.reply, c, withScores, pairs);
            }
            return;
        }
        // Draw distinct ranks: by elimination when most of the set is wanted, else by rejection.
        ByteDict chosen = new ByteDict(n);
        if (count * 3 > size) {
            List<Integer> ranks = new ArrayList<>((int) size);
            for (int i = 0; i < size; i++) {
                ranks.add(i);
            }
            while (ranks.size() > count) {
                int k = random.nextInt(ranks.size());
                ranks.set(k, ranks.get(ranks.size() - 1));
                ranks.remove(ranks.size() - 1);
            }
            for (int rank : ranks) {
                z.seekRank(c, rank, false);
                replyEntry(ctx.reply, c, withScores, pairs);
            }
            return;
        }
        while (chosen.size() < count) {
            z.seekRandom(c, random);
            byte[] member = c.member();
            if (chosen.containsKey(member)) {
                continue;
            }
            chosen.add(member);
            replyEntry(ctx.reply, c, withScores, pairs);
        }
    }

    // ---------------------------------------------------------------- ZSCAN

    static void zscan(CommandContext ctx) {
        long cursor = KeyCommands.parseScanCursor(ctx.arg(2));
        ZSetValue z = getZSet(ctx.db(), ctx.arg(1));
        if (z == null) {
            ScanOptions.reply(ctx, 0, List.of());
            return;
        }
        ScanOptions options = ScanOptions.parse(ctx, 3, false);
        List<byte[]> out = new ArrayList<>();
        if (z.isListpack()) {
            // A listpack is returned whole, scores in their stored form (Redis's lpGet).
            ZSetValue.Cursor c = new ZSetValue.Cursor();
            for (z.seekRank(c, 0, false); c.valid(); c.next()) {
                byte[] member = c.member();
                if (options.matches(member)) {
                    out.add(member);
                    out.add(z.storedScore(c));
                }
            }
            cursor = 0;
        } else {
            long maxIterations = options.maxIterations();
            // Redis counts members and scores alike against COUNT, and filters afterwards.
            ZSetValue.PairVisitor visitor = (member, score) -> {
                out.add(member);
                out.add(scoreBytes(score));
            };
            do {
                cursor = z.scan(cursor, visitor);
            } while (cursor != 0 && maxIterations-- > 0 && out.size() < options.count);
            if (options.pattern != null) {
                List<byte[]> kept = new ArrayList<>(out.size());
                for (int i = 0; i < out.size(); i += 2) {
                    if (options.matches(out.get(i))) {
                        kept.add(out.get(i));
                        kept.add(out.get(i + 1));
                    }
                }
                out.clear();
                out.addAll(kept);
            }
        }
        ScanOptions.reply(ctx, cursor, out);
    }

    private static byte[] scoreBytes(double score) {
        byte[] buf = new byte[DoubleFormat.MAX_LENGTH];
        return Arrays.copyOf(buf, DoubleFormat.format(score, buf, 0));
    }
}
