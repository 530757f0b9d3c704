package io.cinnabar.commands;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandError;
import io.cinnabar.command.CommandTable;
import io.cinnabar.command.Rewrites;
import io.cinnabar.config.Config;
import io.cinnabar.config.Param;
import io.cinnabar.keyspace.Database;
import io.cinnabar.keyspace.KeyEvents;
import io.cinnabar.keyspace.KeyTable;
import io.cinnabar.persistence.rdb.DumpPayload;
import io.cinnabar.persistence.rdb.RdbFormatException;
import io.cinnabar.persistence.rdb.RdbValueReader;
import io.cinnabar.server.Server;

/**
 * DUMP and RESTORE, as Redis 7.0's cluster.c: values travel in Redis's own RDB serialization
 * ({@link DumpPayload}), so payloads move both ways between Redis and Cinnabar. MIGRATE, which
 * sends such payloads to another server, is {@link MigrateCommand}.
 */
public final class DumpCommands {
    private static final String BUSY_KEY = "BUSYKEY Target key name already exists.";
    private static final String BAD_PAYLOAD = "ERR DUMP payload version or checksum are wrong";
    private static final String BAD_DATA = "ERR Bad data format";

    private final Param.Bool compression;
    private final Param.Num hashMaxEntries;
    private final Param.Num hashMaxValue;
    private final Param.Num zsetMaxEntries;
    private final Param.Num zsetMaxValue;
    private final Param.Num setMaxIntsetEntries;
    private final Param.Num listFill;
    private final Param.Num listCompressDepth;

    private DumpCommands(Config config) {
        config.markEffective("rdbcompression");
        compression = (Param.Bool) config.find("rdbcompression");
        hashMaxEntries = config.effectiveNum("hash-max-listpack-entries");
        hashMaxValue = config.effectiveNum("hash-max-listpack-value");
        zsetMaxEntries = config.effectiveNum("zset-max-listpack-entries");
        zsetMaxValue = config.effectiveNum("zset-max-listpack-value");
        setMaxIntsetEntries = config.effectiveNum("set-max-intset-entries");
        listFill = config.effectiveNum("list-max-listpack-size");
        listCompressDepth = config.effectiveNum("list-compress-depth");
    }

    static void install(Server server) {
        DumpCommands d = new DumpCommands(server.config());
        CommandTable t = server.commandTable();
        t.bind("dump", d::dump);
        t.bind("restore", d::restore);
        // what a migrating cluster node sends; outside a cluster it is RESTORE itself, as in Redis
        t.bind("restore-asking", d::restore);
    }

    private void dump(CommandContext ctx) {
        Object value = ctx.db().get(ctx.arg(1));
        if (value == null) {
            ctx.reply.nullBulk();
            return;
        }
        ctx.reply.bulk(DumpPayload.of(value, compression.value()));
    }

    /** RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency], checks in Redis's order. */
    private void restore(CommandContext ctx) {
        boolean replace = false;
        boolean absoluteTtl = false;
        long idleSeconds = -1;
        long freq = -1;
        for (int i = 4; i < ctx.argc(); i++) {
            boolean hasValue = i + 1 < ctx.argc();
            if (ctx.argIs(i, "replace")) {
                replace = true;
            } else if (ctx.argIs(i, "absttl")) {
                absoluteTtl = true;
            } else if (ctx.argIs(i, "idletime") && hasValue && freq == -1) {
                idleSeconds = ctx.argLong(++i);
                if (idleSeconds < 0) {
                    throw new CommandError("ERR Invalid IDLETIME value, must be >= 0");
                }
            } else if (ctx.argIs(i, "freq") && hasValue && idleSeconds == -1) {
                freq = ctx.argLong(++i);
                if (freq < 0 || freq > 255) {
                    throw new CommandError("ERR Invalid FREQ value, must be >= 0 and <= 255");
                }
            } else {
                throw CommandError.syntax();
            }
        }
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        if (!replace && db.lookup(key) != null) {
            throw new CommandError(BUSY_KEY);
        }
        long ttl = ctx.argLong(2);
        if (ttl < 0) {
            throw new CommandError("ERR Invalid TTL value, must be >= 0");
        }
        byte[] payload = ctx.arg(3);
        if (!DumpPayload.verify(payload)) {
            throw new CommandError(BAD_PAYLOAD);
        }
        Object value;
        try {
            value = DumpPayload.load(payload, limits());
        } catch (RdbFormatException e) {
            throw new CommandError(BAD_DATA);
        }
        boolean deleted = replace && db.delete(key);
        long now = db.keyspace().now();
        if (ttl != 0 && !absoluteTtl) {
            ttl += now; // wraps as Redis's does: a TTL that overflows reads as already past
        }
        if (ttl != 0 && ttl <= now) {
            if (deleted) {
                db.notify(KeyEvents.GENERIC, "del", key);
                if (ctx.propagating()) {
                    ctx.propagateAs(Rewrites.DEL, key); // DEL even under lazyfree-lazy-server-del, as Redis 7.0
                }
            }
            ctx.reply.ok();
            return;
        }
        db.set(key, value, ttl == 0 ? KeyTable.NO_EXPIRE : ttl);
        if (deleted) {
            db.countChanges(-1); // Redis counts a replacing RESTORE as one change
        }
        int clock = db.keyspace().restoredClock(freq, idleSeconds);
        if (clock >= 0) {
            db.setClock(key, clock);
        }
        db.notify(KeyEvents.GENERIC, "restore", key);
        if (ttl != 0 && !absoluteTtl && ctx.propagating()) {
            propagateWithAbsoluteTtl(ctx, ttl);
        }
        ctx.reply.ok();
    }

    /** As Redis: a relative TTL reaches AOF and replicas as the unix time it ended up as, plus ABSTTL. */
    private static void propagateWithAbsoluteTtl(CommandContext ctx, long unixMs) {
        byte[][] argv = java.util.Arrays.copyOf(ctx.argv(), ctx.argc() + 1);
        argv[2] = Rewrites.decimal(unixMs);
        argv[argv.length - 1] = Rewrites.ABSTTL;
        ctx.propagateAs(argv);
    }

    private RdbValueReader.Limits limits() {
        return new RdbValueReader.Limits(hashMaxEntries.value(), hashMaxValue.value(), zsetMaxEntries.value(),
                zsetMaxValue.value(), setMaxIntsetEntries.value(), listFill.intValue(), listCompressDepth.intValue());
    }
}
