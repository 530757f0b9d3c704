package io.cinnabar.commands;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandError;
import io.cinnabar.command.CommandTable;
import io.cinnabar.config.Param;
import io.cinnabar.keyspace.Database;
import io.cinnabar.keyspace.KeyEvents;
import io.cinnabar.keyspace.KeyTable;
import io.cinnabar.server.Server;
import io.cinnabar.types.HyperLogLog;
import io.cinnabar.types.MutableString;
import io.cinnabar.types.StringValue;
import io.cinnabar.types.Values;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * The HyperLogLog group, laid out like the command half of Redis's hyperloglog.c: PFADD, PFCOUNT,
 * PFMERGE, PFDEBUG and PFSELFTEST over string values in Redis's HLL format ({@link HyperLogLog}).
 *
 * <p>A value is changed in place once it is a growable raw string; a short fixed string (what SET
 * stores as embstr) is first made raw as Redis's dbUnshareStringValue does, so OBJECT ENCODING
 * agrees. A write is announced only when a register or the cached cardinality really changes.
 */
public final class HyperLogLogCommands {
    private HyperLogLogCommands() {}

    static final String INVALID = "INVALIDOBJ Corrupted HLL object detected";
    static final String NOT_HLL = "WRONGTYPE Key is not a valid HyperLogLog string value.";

    static void install(Server server) {
        CommandTable t = server.commandTable();
        Param.Num sparseMaxBytes = server.config().effectiveNum("hll-sparse-max-bytes");
        t.bind("pfadd", ctx -> pfadd(ctx, sparseMaxBytes.value()));
        t.bind("pfcount", HyperLogLogCommands::pfcount);
        t.bind("pfmerge", ctx -> pfmerge(ctx, sparseMaxBytes.value()));
        t.bind("pfdebug", HyperLogLogCommands::pfdebug);
        t.bind("pfselftest", ctx -> pfselftest(ctx, sparseMaxBytes.value()));
    }

    // ---------------------------------------------------------------- shared helpers

    /** Checks that a stored value is a string holding an HLL (isHLLObjectOrReply). */
    private static void checkHll(Object v) {
        if (!Values.isString(v)) {
            throw CommandError.wrongType();
        }
        if (v instanceof Long || !HyperLogLog.isValid(BitmapCommands.contents(v), StringValue.length(v))) {
            throw new CommandError(NOT_HLL);
        }
    }

    /**
     * dbUnshareStringValue: a short fixed string (embstr) is replaced by a raw copy, which is what
     * Redis stores before touching an HLL. Only the form changes, so nobody is told (a PFADD
     * that changes no register or a PFCOUNT from the cache keeps WATCH and tracking as they are).
     * Returns the value now stored.
     */
    private static Object unshare(Database db, byte[] key, Object v) {
        if (v instanceof byte[] && ((byte[]) v).length <= StringValue.EMBSTR_LIMIT) {
            MutableString m = new MutableString((byte[]) v, 0);
            db.replaceQuietly(key, m);
            return m;
        }
        return v;
    }

    private static byte[] bytes(Object v) {
        return BitmapCommands.contents(v);
    }

    // ---------------------------------------------------------------- PFADD

    /** PFADD key [element ...]: 1 if the key was created or a register changed, else 0. */
    static void pfadd(CommandContext ctx, long sparseMaxBytes) {
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        Object v = db.lookup(key);
        int updated = 0;
        // The stored growable value is changed in place, announced on its first change. A fixed
        // string (from SET or RESTORE) is copied into a growable one on its first change, which
        // is then stored at the end, as is a new HLL.
        MutableString m = null;
        boolean fresh = false;
        if (v == null) {
            m = HyperLogLog.create();
            fresh = true;
            updated++;
        } else {
            checkHll(v);
            v = unshare(db, key, v);
            if (v instanceof MutableString) {
                m = (MutableString) v;
            }
        }
        boolean announced = false;
        boolean corrupt = false;
        for (int j = 2, argc = ctx.argc(); j < argc; j++) {
            long hash = HyperLogLog.hash(ctx.arg(j));
            int result = m != null
                    ? HyperLogLog.wouldChange(m.array(), m.length(), hash)
                    : HyperLogLog.wouldChange((byte[]) v, ((byte[]) v).length, hash);
            if (result == 1) {
                if (m == null) {
                    m = new MutableString((byte[]) v, 0);
                    fresh = true;
                } else if (!fresh && !announced) {
                    db.lookupWrite(key);
                    announced = true;
                }
                result = HyperLogLog.add(m, hash, sparseMaxBytes);
            }
            if (result == 1) {
                updated++;
            } else if (result < 0) {
                corrupt = true;
                break;
            }
        }
        if (updated > 0 && !corrupt) {
            HyperLogLog.invalidateCache(m.array());
        }
        if (fresh && updated > 0) {
            db.set(key, m, v == null ? KeyTable.NO_EXPIRE : Database.KEEP_TTL);
        } else if (announced) {
            db.modified(key);
        }
        if (fresh && updated > 0 || announced) {
            // Redis counts the creation and every register changed, and nothing when it fails
            db.countChanges(corrupt ? -1 : updated - 1);
        }
        if (corrupt) {
            throw new CommandError(INVALID);
        }
        if (updated > 0) {
            db.notify(KeyEvents.STRING, "pfadd", key);
        }
        ctx.reply.integer(updated > 0 ? 1 : 0);
    }

    // ---------------------------------------------------------------- PFCOUNT

    private static final ThreadLocal<byte[]> REGISTERS = ThreadLocal.withInitial(() -> new byte[HyperLogLog.REGISTERS]);

    /**
     * PFCOUNT key [key ...]. One key: the cached cardinality, or a fresh estimate written back into
     * the header (a write, though the command is flagged read-only). Several keys: the estimate
     * of their union, merged into scratch registers and changing nothing.
     */
    static void pfcount(CommandContext ctx) {
        Database db = ctx.db();
        int argc = ctx.argc();
        if (argc > 2) {
            byte[] max = REGISTERS.get();
            java.util.Arrays.fill(max, (byte) 0);
            for (int j = 1; j < argc; j++) {
                Object v = db.get(ctx.arg(j));
                if (v == null) {
                    continue;
                }
                checkHll(v);
                if (!HyperLogLog.merge(max, bytes(v), StringValue.length(v))) {
                    throw new CommandError(INVALID);
                }
            }
            ctx.reply.integer(HyperLogLog.countRegisters(max));
            return;
        }
        byte[] key = ctx.arg(1);
        Object v = db.get(key);
        if (v == null) {
            ctx.reply.integer(0);
            return;
        }
        checkHll(v);
        v = unshare(db, key, v);
        byte[] a = bytes(v);
        if (HyperLogLog.cacheValid(a)) {
            ctx.reply.integer(HyperLogLog.cachedCardinality(a));
            return;
        }
        long card = HyperLogLog.count(a, StringValue.length(v));
        if (card < 0) {
            throw new CommandError(INVALID);
        }
        db.lookupWrite(key);
        HyperLogLog.setCachedCardinality(a, card);
        db.modified(key);
        ctx.reply.integer(card);
    }

    // ---------------------------------------------------------------- PFMERGE

    /**
     * PFMERGE destkey [sourcekey ...]: the register-wise maximum of every key named (the
     * destination included) written into the destination, dense if any input was dense, else
     * sparse, register by register as Redis does so the bytes match.
     */
    static void pfmerge(CommandContext ctx, long sparseMaxBytes) {
        Database db = ctx.db();
        byte[] max = REGISTERS.get();
        java.util.Arrays.fill(max, (byte) 0);
        boolean useDense = false;
        for (int j = 1, argc = ctx.argc(); j < argc; j++) {
            Object v = db.get(ctx.arg(j));
            if (v == null) {
                continue;
            }
            checkHll(v);
            byte[] a = bytes(v);
            if (HyperLogLog.encoding(a) == HyperLogLog.DENSE) {
                useDense = true;
            }
            if (!HyperLogLog.merge(max, a, StringValue.length(v))) {
                throw new CommandError(INVALID);
            }
        }
        byte[] key = ctx.arg(1);
        Object v = db.lookup(key);
        MutableString m;
        boolean fresh;
        if (v == null) {
            m = HyperLogLog.create();
            fresh = true;
        } else {
            v = unshare(db, key, v);
            fresh = !(v instanceof MutableString);
            if (fresh) {
                m = new MutableString((byte[]) v, 0);
            } else {
                m = (MutableString) db.lookupWrite(key);
            }
        }
        if (useDense && !HyperLogLog.toDense(m)) {
            if (!fresh) {
                db.modified(key);
            }
            throw new CommandError(INVALID);
        }
        for (int reg = 0; reg < HyperLogLog.REGISTERS; reg++) {
            int value = max[reg];
            if (value == 0) {
                continue;
            }
            byte[] a = m.array();
            if (HyperLogLog.encoding(a) == HyperLogLog.DENSE) {
                if (value > HyperLogLog.denseGet(a, reg)) {
                    HyperLogLog.denseSet(a, reg, value);
                }
            } else {
                HyperLogLog.sparseSet(m, reg, value, sparseMaxBytes);
            }
        }
        HyperLogLog.invalidateCache(m.array());
        if (fresh) {
            db.set(key, m, v == null ? KeyTable.NO_EXPIRE : Database.KEEP_TTL);
        } else {
            db.modified(key);
        }
        db.notify(KeyEvents.STRING, "pfadd", key); // Redis announces a merge as "pfadd"
        ctx.reply.ok();
    }

    // ---------------------------------------------------------------- PFDEBUG, PFSELFTEST

    /**
     * PFDEBUG GETREG|DECODE|ENCODING|TODENSE key (arity exactly 3, checked by the dispatcher). The
     * key is looked up and made raw before the subcommand is even recognised, as in Redis.
     */
    static void pfdebug(CommandContext ctx) {
        Database db = ctx.db();
        byte[] key = ctx.arg(2);
        Object v = db.lookup(key);
        if (v == null) {
            throw new CommandError("ERR The specified key does not exist");
        }
        checkHll(v);
        v = unshare(db, key, v);
        byte[] a = bytes(v);
        int length = StringValue.length(v);
        boolean getreg = ctx.argIs(1, "getreg");
        if (getreg || ctx.argIs(1, "todense")) {
            boolean converted = false;
            if (HyperLogLog.encoding(a) == HyperLogLog.SPARSE) {
                a = toDense(db, key, v);
                converted = true;
            }
            if (!getreg) {
                ctx.reply.integer(converted ? 1 : 0);
                return;
            }
            ctx.reply.array(HyperLogLog.REGISTERS);
            for (int reg = 0; reg < HyperLogLog.REGISTERS; reg++) {
                ctx.reply.integer(HyperLogLog.denseGet(a, reg));
            }
        } else if (ctx.argIs(1, "decode")) {
            if (HyperLogLog.encoding(a) != HyperLogLog.SPARSE) {
                throw new CommandError("ERR HLL encoding is not sparse");
            }
            ctx.reply.bulk(HyperLogLog.decode(a, length));
        } else if (ctx.argIs(1, "encoding")) {
            ctx.reply.simple(HyperLogLog.encoding(a) == HyperLogLog.DENSE ? "dense" : "sparse");
        } else {
            String name = new String(ctx.arg(1), StandardCharsets.ISO_8859_1);
            int nul = name.indexOf('\0');
            throw new CommandError("ERR Unknown PFDEBUG subcommand '" + (nul >= 0 ? name.substring(0, nul) : name) + "'");
        }
    }

    /** Converts the stored sparse HLL to dense (a write); returns the dense bytes. */
    private static byte[] toDense(Database db, byte[] key, Object v) {
        if (v instanceof MutableString) {
            MutableString m = (MutableString) v;
            MutableString probe = MutableString.wrap(m.array(), m.length());
            if (!HyperLogLog.toDense(probe)) {
                throw new CommandError(INVALID);
            }
            db.lookupWrite(key);
            m.replace(probe.array(), probe.length());
            db.modified(key);
            return m.array();
        }
        MutableString m = new MutableString((byte[]) v, 0);
        if (!HyperLogLog.toDense(m)) {
            throw new CommandError(INVALID);
        }
        db.set(key, m, Database.KEEP_TTL);
        return m.array();
    }

    /**
     * PFSELFTEST: Redis's self-test. Random register values must read back unchanged through the
     * 6-bit packing, and ten million distinct elements added to a dense and a sparse HLL side by
     * side must keep the two in agreement, sparse while small, and within six standard errors of
     * the truth at every power of ten.
     */
    static void pfselftest(CommandContext ctx, long sparseMaxBytes) {
        Random random = new Random();
        byte[] dense = new byte[HyperLogLog.DENSE_SIZE];
        dense[4] = HyperLogLog.DENSE;
        int[] expected = new int[HyperLogLog.REGISTERS];
        for (int cycle = 0; cycle < 1000; cycle++) {
            for (int reg = 0; reg < HyperLogLog.REGISTERS; reg++) {
                expected[reg] = random.nextInt(64);
                HyperLogLog.denseSet(dense, reg, expected[reg]);
            }
            for (int reg = 0; reg < HyperLogLog.REGISTERS; reg++) {
                int actual = HyperLogLog.denseGet(dense, reg);
                if (actual != expected[reg]) {
                    throw new CommandError("ERR TESTFAILED Register " + reg + " should be " + expected[reg] + " but is " + actual);
                }
            }
        }
        java.util.Arrays.fill(dense, HyperLogLog.HEADER, dense.length, (byte) 0);
        MutableString denseHll = MutableString.wrap(dense, dense.length);
        MutableString sparseHll = HyperLogLog.create();
        double relativeError = 1.04 / Math.sqrt(HyperLogLog.REGISTERS);
        long checkpoint = 1;
        long seed = random.nextLong();
        byte[] element = new byte[8];
        for (long j = 1; j <= 10_000_000; j++) {
            long e = j ^ seed;
            for (int b = 0; b < 8; b++) {
                element[b] = (byte) (e >>> (8 * b));
            }
            long hash = HyperLogLog.hash(element);
            HyperLogLog.add(denseHll, hash, sparseMaxBytes);
            HyperLogLog.add(sparseHll, hash, sparseMaxBytes);
            if (j != checkpoint) {
                continue;
            }
            if (j < sparseMaxBytes / 2 && HyperLogLog.encoding(sparseHll.array()) != HyperLogLog.SPARSE) {
                throw new CommandError("ERR TESTFAILED sparse encoding not used");
            }
            long denseCount = HyperLogLog.count(denseHll.array(), denseHll.length());
            if (denseCount != HyperLogLog.count(sparseHll.array(), sparseHll.length())) {
                throw new CommandError("ERR TESTFAILED dense/sparse disagree");
            }
            long absoluteError = Math.abs(checkpoint - denseCount);
            long maxError = j == 10 ? 1 : (long) Math.ceil(relativeError * 6 * checkpoint);
            if (absoluteError > maxError) {
                throw new CommandError("ERR TESTFAILED Too big error. card:" + checkpoint + " abserr:" + absoluteError);
            }
            checkpoint *= 10;
        }
        ctx.reply.ok();
    }
}
