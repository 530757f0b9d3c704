package io.cinnabar.commands;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandError;
import io.cinnabar.command.Rewrites;
import io.cinnabar.command.CommandTable;
import io.cinnabar.keyspace.Database;
import io.cinnabar.keyspace.KeyEvents;
import io.cinnabar.keyspace.KeyTable;
import io.cinnabar.protocol.ReplyWriter;
import io.cinnabar.server.Server;
import io.cinnabar.types.ScoreRange;
import io.cinnabar.types.ZSetValue;
import io.cinnabar.util.GeoHash;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * The geo group, laid out like Redis's geo.c: points are sorted set members whose score is the
 * 52-bit geohash of their position ({@link GeoHash}), GEOADD is a ZADD of those scores, and every
 * search (GEORADIUS*, GEOSEARCH, GEOSEARCHSTORE) runs one routine that scans the score ranges of
 * nine geohash cells around the center, keeps the points inside the circle or box, sorts them by
 * distance and replies or stores.
 */
public final class GeoCommands {
    private GeoCommands() {}

    private static final int RADIUS_COORDS = 1;
    private static final int RADIUS_MEMBER = 1 << 1;
    private static final int RADIUS_NOSTORE = 1 << 2;
    private static final int GEOSEARCH = 1 << 3;
    private static final int GEOSEARCHSTORE = 1 << 4;

    private static final int SORT_NONE = 0;
    private static final int SORT_ASC = 1;
    private static final int SORT_DESC = 2;

    static void install(Server server) {
        ZSetCommands.Limits limits = new ZSetCommands.Limits(server.config());
        Search search = new Search();
        CommandTable t = server.commandTable();
        t.bind("geoadd", ctx -> geoadd(ctx, limits));
        t.bind("geodist", GeoCommands::geodist);
        t.bind("geohash", GeoCommands::geohash);
        t.bind("geopos", GeoCommands::geopos);
        t.bind("georadius", ctx -> search.run(ctx, limits, 1, RADIUS_COORDS));
        t.bind("georadiusbymember", ctx -> search.run(ctx, limits, 1, RADIUS_MEMBER));
        t.bind("georadius_ro", ctx -> search.run(ctx, limits, 1, RADIUS_COORDS | RADIUS_NOSTORE));
        t.bind("georadiusbymember_ro", ctx -> search.run(ctx, limits, 1, RADIUS_MEMBER | RADIUS_NOSTORE));
        t.bind("geosearch", ctx -> search.run(ctx, limits, 1, GEOSEARCH));
        t.bind("geosearchstore", ctx -> search.run(ctx, limits, 2, GEOSEARCH | GEOSEARCHSTORE));
    }

    // ---------------------------------------------------------------- argument helpers

    /** extractLongLatOrReply: two floats, inside Redis's longitude and latitude limits. */
    private static void parseLongLat(CommandContext ctx, int idx, double[] xy) {
        xy[0] = ctx.argDouble(idx);
        xy[1] = ctx.argDouble(idx + 1);
        if (!GeoHash.encodable(xy[0], xy[1])) {
            throw new CommandError("ERR invalid longitude,latitude pair " + printfFixed(xy[0], 6) + "," + printfFixed(xy[1], 6));
        }
    }

    /** extractUnitOrReply: the unit's size in meters. */
    private static double parseUnit(CommandContext ctx, int idx) {
        if (ctx.argIs(idx, "m")) {
            return 1;
        } else if (ctx.argIs(idx, "km")) {
            return 1000;
        } else if (ctx.argIs(idx, "ft")) {
            return 0.3048;
        } else if (ctx.argIs(idx, "mi")) {
            return 1609.34;
        }
        throw new CommandError("ERR unsupported unit provided. please use M, KM, FT, MI");
    }

    /** A point's decoded position when the member exists, else false. */
    private static boolean memberPosition(ZSetValue z, byte[] member, double[] xy) {
        double score = z.score(member);
        if (Double.isNaN(score)) {
            return false;
        }
        GeoHash.decodeScore(score, xy);
        return true;
    }

    /** C's printf "%.Nf" of a double (exact decimal expansion, rounded half to even). */
    static String printfFixed(double d, int decimals) {
        if (!(Math.abs(d) * POWERS_OF_TEN[decimals] < FAST_LIMIT)) {
            return slowFixedText(d, decimals);
        }
        byte[] out = new byte[FIXED_MAX];
        return new String(out, 0, formatFixed(d, decimals, out), StandardCharsets.US_ASCII);
    }

    private static final int FIXED_MAX = 48;
    private static final double TWO_52 = 4503599627370496.0;
    private static final double TWO_63 = 9.223372036854775808E18;
    /** Largest x * 10^decimals the fast path handles: below 2^64, with room for the rounding. */
    private static final double FAST_LIMIT = 1.8E19;

    /**
     * Writes printf("%.{decimals}f", d) into out and returns its length. Values whose scaled form
     * fits 64 bits (every coordinate and distance) are rounded exactly without allocating: the
     * product x * 10^k is split into a double and its exact fma residual; others go through
     * BigDecimal.
     */
    static int formatFixed(double d, int decimals, byte[] out) {
        double scale = POWERS_OF_TEN[decimals];
        double x = Math.abs(d);
        if (!(x * scale < FAST_LIMIT)) {
            return slowFixed(d, decimals, out);
        }
        double p = x * scale;
        double err = Math.fma(x, scale, -p);
        long q;
        if (p < TWO_52) {
            double r = Math.rint(p);
            double h = p - r;
            if ((h == 0.5 && err > 0) || (h == -0.5 && err < 0)) {
                r += 2 * h;
            }
            q = (long) r;
        } else {
            // p is an integer here; the residual decides the rounding.
            q = p < TWO_63 ? (long) p : ((long) (p - TWO_63)) ^ Long.MIN_VALUE;
            double below = Math.floor(err);
            long step = (long) below;
            double fraction = err - below;
            if (fraction > 0.5 || (fraction == 0.5 && ((q + step) & 1) != 0)) {
                step++;
            }
            q += step;
        }
        int pos = 0;
        if (Double.doubleToRawLongBits(d) < 0) {
            out[pos++] = '-';
        }
        long unit = (long) scale;
        long whole = Long.divideUnsigned(q, unit);
        long fraction = Long.remainderUnsigned(q, unit);
        String wholeText = Long.toUnsignedString(whole);
        for (int i = 0; i < wholeText.length(); i++) {
            out[pos++] = (byte) wholeText.charAt(i);
        }
        if (decimals > 0) {
            out[pos++] = '.';
            for (int i = pos + decimals - 1; i >= pos; i--) {
                out[i] = (byte) ('0' + fraction % 10);
                fraction /= 10;
            }
            pos += decimals;
        }
        return pos;
    }

    private static final double[] POWERS_OF_TEN = new double[18];

    static {
        double v = 1;
        for (int i = 0; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = v;
            v *= 10;
        }
    }

    private static int slowFixed(double d, int decimals, byte[] out) {
        String s = slowFixedText(d, decimals);
        if (s.length() > out.length) {
            throw new IllegalArgumentException("no room for " + s);
        }
        for (int i = 0; i < s.length(); i++) {
            out[i] = (byte) s.charAt(i);
        }
        return s.length();
    }

    private static String slowFixedText(double d, int decimals) {
        String s;
        if (Double.isNaN(d)) {
            s = Double.doubleToRawLongBits(d) < 0 ? "-nan" : "nan";
        } else if (Double.isInfinite(d)) {
            s = d > 0 ? "inf" : "-inf";
        } else {
            s = new BigDecimal(d).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
            if (Double.doubleToRawLongBits(d) < 0 && !s.startsWith("-")) {
                s = "-" + s;
            }
        }
        return s;
    }

    /** Redis's "human" long double form: "%.17Lf" with the fraction's trailing zeros cut. */
    private static void replyCoordinate(ReplyWriter reply, double d) {
        byte[] text = new byte[FIXED_MAX + 3];
        int end = formatFixed(d, 17, text);
        while (text[end - 1] == '0') {
            end--;
        }
        if (text[end - 1] == '.') {
            end--;
        }
        int start = 0;
        if (end == 2 && text[0] == '-' && text[1] == '0') {
            start = 1;
        }
        if (reply.resp3()) {
            reply.raw(doubleFrame(text, start, end));
        } else {
            reply.bulk(text, start, end - start);
        }
    }

    private static byte[] doubleFrame(byte[] text, int start, int end) {
        byte[] frame = new byte[end - start + 3];
        frame[0] = ',';
        System.arraycopy(text, start, frame, 1, end - start);
        frame[frame.length - 2] = '\r';
        frame[frame.length - 1] = '\n';
        return frame;
    }

    /** addReplyDoubleDistance: four decimals, as a bulk string in both protocols. */
    private static void replyDistance(ReplyWriter reply, double d) {
        byte[] text = new byte[FIXED_MAX];
        reply.bulk(text, 0, formatFixed(d, 4, text));
    }

    // ---------------------------------------------------------------- GEOADD

    static void geoadd(CommandContext ctx, ZSetCommands.Limits limits) {
        int argc = ctx.argc();
        int longIdx = 2;
        int flags = 0;
        boolean ch = false;
        for (; longIdx < argc; longIdx++) {
            if (ctx.argIs(longIdx, "nx")) {
                flags |= ZSetValue.IN_NX;
            } else if (ctx.argIs(longIdx, "xx")) {
                flags |= ZSetValue.IN_XX;
            } else if (ctx.argIs(longIdx, "ch")) {
                ch = true;
            } else {
                break;
            }
        }
        boolean xx = (flags & ZSetValue.IN_XX) != 0;
        if ((argc - longIdx) % 3 != 0 || (xx && (flags & ZSetValue.IN_NX) != 0)) {
            throw CommandError.syntax();
        }
        int elements = (argc - longIdx) / 3;
        double[] xy = new double[2];
        double[] scores = limits.scores(elements);
        for (int i = 0; i < elements; i++) {
            parseLongLat(ctx, longIdx + 3 * i, xy);
            scores[i] = GeoHash.encodeWGS84(xy[0], xy[1]);
        }
        if (elements == 0) {
            throw CommandError.syntax(); // the rewritten ZADD has no score-member pair
        }
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        ZSetValue z = ZSetCommands.getZSetForWrite(db, key);
        long maxEntries = limits.entries.value();
        long maxValue = limits.value.value();
        boolean created = false;
        if (z == null) {
            if (xx) {
                ctx.reply.integer(0);
                return;
            }
            z = maxEntries == 0 || maxValue < ctx.arg(longIdx + 2).length ? ZSetValue.newSkiplist(elements) : ZSetValue.newListpack();
            created = true;
        } else if (!anyChange(ctx, z, longIdx, scores, elements, flags)) {
            ctx.reply.integer(0);
            return;
        } else {
            db.lookupWrite(key);
        }
        ZSetValue.AddResult result = limits.addResult;
        int added = 0;
        int updated = 0;
        try {
            for (int i = 0; i < elements; i++) {
                int out = z.add(scores[i], ctx.arg(longIdx + 3 * i + 2), flags, result, maxEntries, maxValue);
                if ((out & ZSetValue.OUT_ADDED) != 0) {
                    added++;
                } else if ((out & ZSetValue.OUT_UPDATED) != 0) {
                    updated++;
                }
            }
        } finally {
            if (created) {
                db.set(key, z, KeyTable.NO_EXPIRE);
            } else {
                db.modified(key);
            }
            db.countChanges(added + updated - 1); // as ZADD counts them
        }
        db.notify(KeyEvents.ZSET, "zadd", key); // GEOADD runs as ZADD in Redis, events included
        ctx.reply.integer(ch ? added + updated : added);
        if (ctx.propagating()) {
            // and so propagates: "zadd", the options as given, each member's geohash as its score
            byte[][] argv = new byte[longIdx + elements * 2][];
            argv[0] = ZADD;
            System.arraycopy(ctx.argv(), 1, argv, 1, longIdx - 1);
            for (int i = 0; i < elements; i++) {
                argv[longIdx + 2 * i] = Rewrites.decimal((long) scores[i]);
                argv[longIdx + 2 * i + 1] = ctx.arg(longIdx + 3 * i + 2);
            }
            ctx.propagateAs(argv);
        }
    }

    private static final byte[] ZADD = {'z', 'a', 'd', 'd'};

    private static boolean anyChange(CommandContext ctx, ZSetValue z, int longIdx, double[] scores, int elements, int flags) {
        for (int i = 0; i < elements; i++) {
            if (z.wouldChange(scores[i], ctx.arg(longIdx + 3 * i + 2), flags)) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- GEOHASH, GEOPOS, GEODIST

    static void geohash(CommandContext ctx) {
        ZSetValue z = ZSetCommands.getZSet(ctx.db(), ctx.arg(1));
        int argc = ctx.argc();
        ctx.reply.array(argc - 2);
        double[] xy = new double[2];
        byte[] text = new byte[11];
        for (int j = 2; j < argc; j++) {
            if (z == null || !memberPosition(z, ctx.arg(j), xy)) {
                ctx.reply.nullBulk();
                continue;
            }
            GeoHash.standardHash(xy[0], xy[1], text);
            ctx.reply.bulk(text, 0, 11);
        }
    }

    static void geopos(CommandContext ctx) {
        ZSetValue z = ZSetCommands.getZSet(ctx.db(), ctx.arg(1));
        int argc = ctx.argc();
        ctx.reply.array(argc - 2);
        double[] xy = new double[2];
        for (int j = 2; j < argc; j++) {
            if (z == null || !memberPosition(z, ctx.arg(j), xy)) {
                ctx.reply.nullArray();
                continue;
            }
            ctx.reply.array(2);
            replyCoordinate(ctx.reply, xy[0]);
            replyCoordinate(ctx.reply, xy[1]);
        }
    }

    static void geodist(CommandContext ctx) {
        double toMeter = 1;
        if (ctx.argc() == 5) {
            toMeter = parseUnit(ctx, 4);
        } else if (ctx.argc() > 5) {
            throw CommandError.syntax();
        }
        ZSetValue z = ZSetCommands.getZSet(ctx.db(), ctx.arg(1));
        double[] a = new double[2];
        double[] b = new double[2];
        if (z == null || !memberPosition(z, ctx.arg(2), a) || !memberPosition(z, ctx.arg(3), b)) {
            ctx.reply.nullBulk();
            return;
        }
        replyDistance(ctx.reply, GeoHash.distance(a[0], a[1], b[0], b[1]) / toMeter);
    }

    // ---------------------------------------------------------------- searches

    /**
     * georadiusGeneric. One instance per server, reused by every search (commands run on one
     * thread), so the hit arrays grow once and are not reallocated per query.
     */
    static final class Search {
        private final double[] center = new double[2];
        private final double[] xy = new double[2];
        private final GeoHash.Areas areas = new GeoHash.Areas();
        private final ZSetValue.Cursor cursor = new ZSetValue.Cursor();
        private int used;
        private byte[][] members = new byte[64][];
        private double[] longitudes = new double[64];
        private double[] latitudes = new double[64];
        private double[] distances = new double[64];
        private double[] scores = new double[64];
        private int[] order = new int[64];
        private int[] mergeScratch = new int[64];
        private boolean descending;
        /** Whether hits need their distance: shown (WITHDIST), sorted on, or stored (STOREDIST). */
        private boolean needDistance;
        /** {@link GeoHash#rootLimit} of the radius, so most points are decided without an asin. */
        private double rootLimit;
        /** {@link GeoHash#rootLimit} of half a box's height. */
        /** {@link GeoHash#rootCutoff} of the radius, +Infinity for a box. */
        private double rootCutoff;
        /** The cosine of the center's latitude, the same for every point's distance. */
        private double centerCos;

        // the shape of the current search
        private boolean box;
        private double radius;
        private double width;
        private double height;
        private double conversion;

        void run(CommandContext ctx, ZSetCommands.Limits limits, int srcKeyIndex, int flags) {
            try {
                search(ctx, limits, srcKeyIndex, flags);
            } finally {
                java.util.Arrays.fill(members, 0, used, null);
                used = 0;
            }
        }

        private void parseRadius(CommandContext ctx, int idx) {
            double r = CommandContext.parseDouble(ctx.arg(idx), "ERR need numeric radius");
            if (r < 0) {
                throw new CommandError("ERR radius cannot be negative");
            }
            radius = r;
            conversion = parseUnit(ctx, idx + 1);
            box = false;
        }

        private void parseBox(CommandContext ctx, int idx) {
            double w = CommandContext.parseDouble(ctx.arg(idx), "ERR need numeric width");
            double h = CommandContext.parseDouble(ctx.arg(idx + 1), "ERR need numeric height");
            if (h < 0 || w < 0) {
                throw new CommandError("ERR height or width cannot be negative");
            }
            width = w;
            height = h;
            conversion = parseUnit(ctx, idx + 2);
            box = true;
        }

        private void search(CommandContext ctx, ZSetCommands.Limits limits, int srcKeyIndex, int flags) {
            Database db = ctx.db();
            ZSetValue z = ZSetCommands.getZSet(db, ctx.arg(srcKeyIndex));
            byte[] storeKey = null;
            boolean storeDist = false;
            int baseArgs;
            center[0] = 0;
            center[1] = 0;
            radius = 0;
            width = 0;
            height = 0;
            conversion = 0;
            box = false;
            if ((flags & RADIUS_COORDS) != 0) {
                baseArgs = 6;
                parseLongLat(ctx, 2, center);
                parseRadius(ctx, baseArgs - 2);
            } else if ((flags & RADIUS_MEMBER) != 0 && z == null) {
                // Parsing goes on without a center so the reply fits the STORE option.
                baseArgs = 5;
            } else if ((flags & RADIUS_MEMBER) != 0) {
                baseArgs = 5;
                if (!memberPosition(z, ctx.arg(2), center)) {
                    throw new CommandError("ERR could not decode requested zset member");
                }
                parseRadius(ctx, baseArgs - 2);
            } else {
                baseArgs = 2;
                if ((flags & GEOSEARCHSTORE) != 0) {
                    baseArgs = 3;
                    storeKey = ctx.arg(1);
                }
            }

            boolean withDist = false;
            boolean withHash = false;
            boolean withCoords = false;
            boolean fromMember = false;
            boolean fromLonLat = false;
            boolean byRadius = false;
            boolean byBox = false;
            boolean any = false;
            int sort = SORT_NONE;
            long count = 0;
            boolean geosearch = (flags & GEOSEARCH) != 0;
            boolean storeAllowed = (flags & RADIUS_NOSTORE) == 0 && !geosearch;
            int remaining = ctx.argc() - baseArgs;
            for (int i = 0; i < remaining; i++) {
                int a = baseArgs + i;
                if (ctx.argIs(a, "withdist")) {
                    withDist = true;
                } else if (ctx.argIs(a, "withhash")) {
                    withHash = true;
                } else if (ctx.argIs(a, "withcoord")) {
                    withCoords = true;
                } else if (ctx.argIs(a, "any")) {
                    any = true;
                } else if (ctx.argIs(a, "asc")) {
                    sort = SORT_ASC;
                } else if (ctx.argIs(a, "desc")) {
                    sort = SORT_DESC;
                } else if (ctx.argIs(a, "count") && i + 1 < remaining) {
                    count = ctx.argLong(a + 1);
                    if (count <= 0) {
                        throw new CommandError("ERR COUNT must be > 0");
                    }
                    i++;
                } else if (ctx.argIs(a, "store") && i + 1 < remaining && storeAllowed) {
                    storeKey = ctx.arg(a + 1);
                    storeDist = false;
                    i++;
                } else if (ctx.argIs(a, "storedist") && i + 1 < remaining && storeAllowed) {
                    storeKey = ctx.arg(a + 1);
                    storeDist = true;
                    i++;
                } else if (ctx.argIs(a, "storedist") && geosearch && (flags & GEOSEARCHSTORE) != 0) {
                    storeDist = true;
                } else if (ctx.argIs(a, "frommember") && i + 1 < remaining && geosearch && !fromLonLat) {
                    if (z != null && !memberPosition(z, ctx.arg(a + 1), center)) {
                        throw new CommandError("ERR could not decode requested zset member");
                    }
                    fromMember = true;
                    i++;
                } else if (ctx.argIs(a, "fromlonlat") && i + 2 < remaining && geosearch && !fromMember) {
                    parseLongLat(ctx, a + 1, center);
                    fromLonLat = true;
                    i += 2;
                } else if (ctx.argIs(a, "byradius") && i + 2 < remaining && geosearch && !byBox) {
                    parseRadius(ctx, a + 1);
                    byRadius = true;
                    i += 2;
                } else if (ctx.argIs(a, "bybox") && i + 3 < remaining && geosearch && !byRadius) {
                    parseBox(ctx, a + 1);
                    byBox = true;
                    i += 3;
                } else {
                    throw CommandError.syntax();
                }
            }

            if (storeKey != null && (withDist || withHash || withCoords)) {
                throw new CommandError("ERR " + ((flags & GEOSEARCHSTORE) != 0 ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS")
                        + " is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
            }
            if (geosearch && !(fromMember || fromLonLat)) {
                throw new CommandError("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " + ctx.argString(0));
            }
            if (geosearch && !(byRadius || byBox)) {
                throw new CommandError("ERR exactly one of BYRADIUS and BYBOX can be specified for " + ctx.argString(0));
            }
            if (any && count == 0) {
                throw new CommandError("ERR the ANY argument requires COUNT argument");
            }

            if (z == null) {
                if (storeKey != null) {
                    if (db.delete(storeKey)) {
                        db.notify(KeyEvents.GENERIC, "del", storeKey);
                    }
                    ctx.reply.integer(0);
                } else {
                    ctx.reply.array(0);
                }
                return;
            }

            if (count != 0 && sort == SORT_NONE && !any) {
                sort = SORT_ASC;
            }

            needDistance = withDist || sort != SORT_NONE || (storeKey != null && storeDist);
            collect(z, any ? count : 0);

            if (used == 0 && storeKey == null) {
                ctx.reply.array(0);
                return;
            }
            int returned = count == 0 || used < count ? used : (int) count;
            for (int i = 0; i < used; i++) {
                order[i] = i;
            }
            if (sort != SORT_NONE) {
                descending = sort == SORT_DESC;
                if (returned == used) {
                    mergeSort(0, used);
                } else {
                    partialSort(0, used, 0, returned - 1);
                }
            }

            if (storeKey == null) {
                replyHits(ctx.reply, returned, withDist, withHash, withCoords);
            } else {
                storeHits(ctx, limits, storeKey, returned, storeDist);
            }
        }

        private void replyHits(ReplyWriter reply, int returned, boolean withDist, boolean withHash, boolean withCoords) {
            int options = (withDist ? 1 : 0) + (withHash ? 1 : 0) + (withCoords ? 1 : 0);
            reply.array(returned);
            // A rough size (member, framing, options) so a reply of thousands of hits grows its buffer once.
            int estimate = 0;
            for (int i = 0; i < returned; i++) {
                estimate += members[order[i]].length + 8 + options * 24;
            }
            reply.reserve(estimate);
            for (int i = 0; i < returned; i++) {
                int hit = order[i];
                if (options > 0) {
                    reply.array(options + 1);
                }
                reply.bulk(members[hit]);
                if (withDist) {
                    replyDistance(reply, distances[hit] / conversion);
                }
                if (withHash) {
                    reply.integer((long) scores[hit]);
                }
                if (withCoords) {
                    reply.array(2);
                    replyCoordinate(reply, longitudes[hit]);
                    replyCoordinate(reply, latitudes[hit]);
                }
            }
        }

        /** Builds the result as a skip list, then converts it as zsetConvertToListpackIfNeeded does. */
        private void storeHits(CommandContext ctx, ZSetCommands.Limits limits, byte[] storeKey, int returned, boolean storeDist) {
            Database db = ctx.db();
            if (returned == 0) {
                if (db.delete(storeKey)) {
                    db.notify(KeyEvents.GENERIC, "del", storeKey);
                }
                ctx.reply.integer(0);
                return;
            }
            ZSetValue result = ZSetValue.newSkiplist(returned);
            for (int i = 0; i < returned; i++) {
                int hit = order[i];
                result.insertNew(members[hit], storeDist ? distances[hit] / conversion : scores[hit]);
            }
            result.convertToListpackIfFits(limits.entries.value(), limits.value.value());
            db.set(storeKey, result, KeyTable.NO_EXPIRE);
            db.countChanges(returned - 1); // Redis counts every member stored
            db.notify(KeyEvents.ZSET, ctx.spec().name.equals("geosearchstore") ? "geosearchstore" : "georadiusstore", storeKey);
            ctx.reply.integer(returned);
        }

        /** membersOfAllNeighbors: scans each distinct cell's score range, stopping at limit hits. */
        private void collect(ZSetValue z, long limit) {
            double halfWidth;
            double halfHeight;
            double radiusMeters;
            if (box) {
                halfHeight = conversion * (height / 2);
                halfWidth = conversion * (width / 2);
                radiusMeters = Math.sqrt((width / 2) * (width / 2) + (height / 2) * (height / 2));
            } else {
                halfHeight = conversion * radius;
                halfWidth = conversion * radius;
                radiusMeters = radius;
            }
            radiusMeters *= conversion;
            // For a box, rootLimit is half its width's.
            rootLimit = GeoHash.rootLimit(box ? width * conversion / 2 : radius * conversion);
            // A box keeps points beyond its corners' radius for nothing: every kept one is measured.
            rootCutoff = box ? Double.POSITIVE_INFINITY : GeoHash.rootCutoff(rootLimit);
            centerCos = GeoHash.cosLatitude(center[1]);
            areas.compute(center[0], center[1], halfWidth, halfHeight, radiusMeters);
            int lastProcessed = 0;
            for (int i = 0; i < 9; i++) {
                if (areas.skipped[i]) {
                    continue;
                }
                // Large radii make neighbors coincide; each range is scanned once.
                if (lastProcessed != 0 && areas.bits[i] == areas.bits[lastProcessed]) {
                    continue;
                }
                if (used > 0 && limit != 0 && used >= limit) {
                    break;
                }
                long min = GeoHash.align52(areas.bits[i], areas.step);
                long max = GeoHash.align52(areas.bits[i] + 1, areas.step);
                collectRange(z, min, max, limit);
                lastProcessed = i;
            }
        }

        /** geoGetPointsInRange: the members with min <= score < max that fall inside the shape. */
        private void collectRange(ZSetValue z, double min, double max, long limit) {
            ScoreRange range = new ScoreRange(min, false, max, true);
            if (!z.seekFirst(cursor, range, false)) {
                return;
            }
            for (; cursor.valid() && z.inRange(cursor, range, false); cursor.next()) {
                double score = cursor.score();
                GeoHash.decodeScore(score, xy);
                if (box && GeoHash.outsideRectangle(width * conversion, height * conversion, center[0], center[1], xy[0], xy[1],
                        rootLimit)) {
                    continue;
                }
                double distance;
                if (GeoHash.sameMeridian(center[0], xy[0])) {
                    // Redis measures these along the meridian, without the haversine.
                    distance = GeoHash.latDistance(center[1], xy[1]);
                    if (!box && distance > radius * conversion) {
                        continue;
                    }
                } else {
                    double root = GeoHash.haversineRoot(center[0], center[1], centerCos, xy[0], xy[1], rootCutoff);
                    if (!box && GeoHash.rootFartherThan(root, rootLimit, radius * conversion)) {
                        continue;
                    }
                    // asin is the costliest step: paid only when the distance is shown or sorted.
                    distance = needDistance ? GeoHash.distanceFromRoot(root) : 0;
                }
                append(cursor.member(), score, needDistance ? distance : 0);
                if (limit != 0 && used >= limit) {
                    break;
                }
            }
        }

        private void append(byte[] member, double score, double distance) {
            if (used == members.length) {
                int n = used * 2;
                members = java.util.Arrays.copyOf(members, n);
                longitudes = java.util.Arrays.copyOf(longitudes, n);
                latitudes = java.util.Arrays.copyOf(latitudes, n);
                distances = java.util.Arrays.copyOf(distances, n);
                scores = java.util.Arrays.copyOf(scores, n);
                order = new int[n];
                mergeScratch = new int[n];
            }
            members[used] = member;
            longitudes[used] = xy[0];
            latitudes[used] = xy[1];
            distances[used] = distance;
            scores[used] = score;
            used++;
        }

        /** sort_gp_asc / sort_gp_desc over two positions of the hit order. */
        private int compare(int i, int j) {
            double a = distances[order[i]];
            double b = distances[order[j]];
            int c = a > b ? 1 : a == b ? 0 : -1;
            return descending ? -c : c;
        }

        private void swap(int i, int j) {
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }

        private void swapRuns(int i, int j, int n) {
            for (int k = 0; k < n; k++) {
                swap(i + k, j + k);
            }
        }

        /**
         * A stable sort of the hit order: glibc's qsort, which Redis calls when every hit is
         * returned, merge sorts arrays like these, so equal distances keep their scan order.
         */
        private void mergeSort(int from, int to) {
            if (to - from < 2) {
                return;
            }
            int mid = (from + to) >>> 1;
            mergeSort(from, mid);
            mergeSort(mid, to);
            int left = from;
            int right = mid;
            int out = from;
            while (left < mid && right < to) {
                mergeScratch[out++] = compare(left, right) <= 0 ? order[left++] : order[right++];
            }
            while (left < mid) {
                mergeScratch[out++] = order[left++];
            }
            while (right < to) {
                mergeScratch[out++] = order[right++];
            }
            System.arraycopy(mergeScratch, from, order, from, to - from);
        }

        private void insertionSort(int a, int n) {
            for (int m = a + 1; m < a + n; m++) {
                for (int l = m; l > a && compare(l - 1, l) > 0; l--) {
                    swap(l, l - 1);
                }
            }
        }

        private int median3(int a, int b, int c) {
            return compare(a, b) < 0
                    ? (compare(b, c) < 0 ? b : (compare(a, c) < 0 ? c : a))
                    : (compare(b, c) > 0 ? b : (compare(a, c) < 0 ? a : c));
        }

        /**
         * Redis's pqsort (a BSD quicksort that skips partitions outside [lrange, rrange]), step
         * for step, so that hits at equal distances come out in the order Redis returns them.
         */
        private void partialSort(int a, int n, int lrange, int rrange) {
            while (true) {
                boolean swapped = false;
                if (n < 7) {
                    insertionSort(a, n);
                    return;
                }
                int pm = a + n / 2;
                if (n > 7) {
                    int pl = a;
                    int pn = a + n - 1;
                    if (n > 40) {
                        int d = n / 8;
                        pl = median3(pl, pl + d, pl + 2 * d);
                        pm = median3(pm - d, pm, pm + d);
                        pn = median3(pn - 2 * d, pn - d, pn);
                    }
                    pm = median3(pl, pm, pn);
                }
                swap(a, pm);
                int pa = a + 1;
                int pb = pa;
                int pc = a + n - 1;
                int pd = pc;
                for (;;) {
                    int c;
                    while (pb <= pc && (c = compare(pb, a)) <= 0) {
                        if (c == 0) {
                            swapped = true;
                            swap(pa, pb);
                            pa++;
                        }
                        pb++;
                    }
                    while (pb <= pc && (c = compare(pc, a)) >= 0) {
                        if (c == 0) {
                            swapped = true;
                            swap(pc, pd);
                            pd--;
                        }
                        pc--;
                    }
                    if (pb > pc) {
                        break;
                    }
                    swap(pb, pc);
                    swapped = true;
                    pb++;
                    pc--;
                }
                if (!swapped) {
                    insertionSort(a, n);
                    return;
                }
                int pn = a + n;
                int r = Math.min(pa - a, pb - pa);
                swapRuns(a, pb - r, r);
                r = Math.min(pd - pc, pn - pd - 1);
                swapRuns(pb, pn - r, r);
                if ((r = pb - pa) > 1 && overlaps(a, r, lrange, rrange)) {
                    partialSort(a, r, lrange, rrange);
                }
                if ((r = pd - pc) > 1) {
                    a = pn - r;
                    n = r;
                    if (overlaps(a, n, lrange, rrange)) {
                        continue;
                    }
                }
                return;
            }
        }

        private static boolean overlaps(int start, int n, int lrange, int rrange) {
            return !((lrange < start && rrange < start) || (lrange >= start + n && rrange >= start + n));
        }
    }
}
