package io.cinnabar.commands;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandError;
import io.cinnabar.command.CommandTable;
import io.cinnabar.keyspace.Database;
import io.cinnabar.keyspace.Keyspace;
import io.cinnabar.scripting.ScriptEngine;
import io.cinnabar.server.HeapReclaimer;
import io.cinnabar.server.Server;
import io.cinnabar.types.HashValue;
import io.cinnabar.types.ListValue;
import io.cinnabar.types.Listpack;
import io.cinnabar.types.SetValue;
import io.cinnabar.types.StringValue;
import io.cinnabar.types.ZSetValue;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.function.Supplier;

/**
 * MEMORY (USAGE, STATS, DOCTOR, MALLOC-STATS, PURGE, HELP) and ROLE, the commands monitoring
 * tools and client libraries use to look at a server's memory and place in replication.
 *
 * <p>MEMORY USAGE answers Redis 7.0's own estimate (objectComputeSize plus the key's sds and
 * dictEntry, with jemalloc's size classes) for the shapes whose Redis layout Cinnabar keeps
 * byte for byte: int, embstr and raw strings as SET stores them, listpack hashes and sorted
 * sets, intsets and quicklists (whose node listpacks and LZF forms are Redis's). A string of
 * 32 KB or more is sized as Redis sizes one that a client sent on its own; Redis's figure
 * for such a string also depends on how its query buffer was reused, so it may differ by one
 * allocation class. For the others
 * (strings grown by APPEND/SETRANGE, hashtable sets and hashes, skiplist sorted sets, streams)
 * Redis's figure depends on its allocator's history and on which elements its seeded hash order
 * samples, so we answer what used_memory is charged for the key instead: an estimate of the
 * same thing, and the sum over all keys is INFO's used_memory_dataset.
 *
 * <p>MEMORY STATS has Redis 7.0's fields in its order with the figures INFO memory reports
 * (used_memory, its startup part and peak, the JVM heap as the allocator, the process RSS).
 */
public final class MemoryCommands {
    /** Redis's OBJ_COMPUTE_SIZE_DEF_SAMPLES. */
    static final long DEFAULT_SAMPLES = 5;
    /** Redis's PROTO_MBULK_BIG_ARG: arguments this long become strings without a copy. */
    static final int BIG_ARGUMENT = 32 * 1024;
    /** sizeof(robj). */
    static final int OBJECT_HEADER = 16;
    /** sizeof(dictEntry) in Redis 7.0 (key, value, next; no metadata outside cluster mode). */
    static final int DICT_ENTRY = 24;
    /** sizeof(quicklist) and sizeof(quicklistNode). */
    static final int QUICKLIST = 40;
    static final int QUICKLIST_NODE = 40;
    /** sizeof(quicklistLZF) in 7.0: a size_t length before the compressed bytes. */
    static final int LZF_HEADER = 8;
    /** Below this used_memory MEMORY DOCTOR declines to judge, as Redis does. */
    static final long DOCTOR_MIN_MEMORY = 5L << 20;
    static final long DOCTOR_MIN_EXCESS = 10L << 20;
    static final String ALLOCATOR = "jvm";

    private MemoryCommands() {}

    static void install(Server server) {
        CommandTable t = server.commandTable();
        t.bind("memory|usage", MemoryCommands::usage);
        t.bind("memory|stats", MemoryCommands::stats);
        t.bind("memory|doctor", MemoryCommands::doctor);
        t.bind("memory|malloc-stats", ctx -> ctx.reply.bulk("Stats not supported for the current allocator"));
        t.bind("memory|purge", MemoryCommands::purge);
        t.bind("memory|help", MemoryCommands::help);
        t.bind("role", MemoryCommands::role);
        Lolwut.install(server);
    }

    // ---------------------------------------------------------------- MEMORY USAGE

    static void usage(CommandContext ctx) {
        long samples = DEFAULT_SAMPLES;
        for (int i = 3; i < ctx.argc(); i++) {
            if (!ctx.argIs(i, "samples") || i + 1 == ctx.argc()) {
                throw CommandError.syntax();
            }
            samples = ctx.argLong(++i);
            if (samples < 0) {
                throw CommandError.syntax();
            }
            if (samples == 0) {
                samples = Long.MAX_VALUE;
            }
        }
        Database db = ctx.db();
        byte[] key = ctx.arg(2);
        // Redis finds the key without expiring it: a key past its TTL still has a size
        Object value = db.peekStored(key);
        if (value == null) {
            ctx.reply.nullBulk();
            return;
        }
        long redisSize = redisValueSize(value, samples);
        ctx.reply.integer(redisSize >= 0 ? redisSize + redisKeySize(key.length) : db.chargedSize(key));
    }

    /** The key's sds as the main dict holds it plus its dictEntry. */
    static long redisKeySize(int keyLength) {
        // sdsnewlen uses the 1-byte-header type for short keys, except for the empty one
        int header = keyLength == 0 ? 3 : sdsHeader(keyLength, true);
        return allocation(header + keyLength + 1) + DICT_ENTRY;
    }

    /**
     * Redis 7.0's objectComputeSize for the shapes we keep in Redis's own layout, or -1 when our
     * representation does not determine Redis's figure.
     */
    static long redisValueSize(Object value, long samples) {
        if (value instanceof Long) {
            return OBJECT_HEADER;
        }
        if (value instanceof byte[]) {
            int length = ((byte[]) value).length;
            if (length <= StringValue.EMBSTR_LIMIT) {
                return allocation(OBJECT_HEADER + 3 + length + 1); // robj, sdshdr8 and bytes in one block
            }
            if (length >= BIG_ARGUMENT) {
                // Redis keeps a big argument in the query buffer it was read into, sized for
                // the value and its CRLF
                return OBJECT_HEADER + allocation(sdsHeader(length + 2, false) + length + 2 + 1);
            }
            return OBJECT_HEADER + allocation(sdsHeader(length, false) + length + 1);
        }
        if (value instanceof HashValue) {
            return listpackSize(((HashValue) value).listpack());
        }
        if (value instanceof ZSetValue) {
            return listpackSize(((ZSetValue) value).listpack());
        }
        if (value instanceof SetValue) {
            SetValue set = (SetValue) value;
            return set.isIntset() ? OBJECT_HEADER + allocation(set.intset().byteLength()) : -1;
        }
        if (value instanceof ListValue) {
            return quicklistSize((ListValue) value, samples);
        }
        return -1;
    }

    private static long listpackSize(Listpack lp) {
        return lp == null ? -1 : OBJECT_HEADER + allocation(lp.bytes());
    }

    /** The first {@code samples} nodes' average size (node, listpack or LZF block) times the nodes. */
    private static long quicklistSize(ListValue list, long samples) {
        long[] sampled = new long[2]; // bytes, nodes
        list.forEachNode((plain, compressed, data, length, rawSize) -> {
            if (sampled[1] < samples) {
                sampled[0] += QUICKLIST_NODE + allocation(compressed ? LZF_HEADER + length : length);
                sampled[1]++;
            }
        });
        long size = OBJECT_HEADER + QUICKLIST;
        if (sampled[1] == 0) {
            return size;
        }
        return (long) (size + (double) sampled[0] / sampled[1] * list.nodeCount());
    }

    /** Bytes of an sds header for a string of this length (sdsReqType). */
    static int sdsHeader(long length, boolean allowType5) {
        if (length < 32 && allowType5) {
            return 1;
        }
        if (length < 1 << 8) {
            return 3;
        }
        if (length < 1 << 16) {
            return 5;
        }
        return length < 1L << 32 ? 9 : 17;
    }

    /** jemalloc's usable size for a request: its size class (8, 16, then 4 classes per doubling). */
    static long allocation(long bytes) {
        if (bytes <= 8) {
            return 8;
        }
        if (bytes <= 128) {
            return (bytes + 15) & ~15L;
        }
        int lg = 63 - Long.numberOfLeadingZeros(bytes - 1);
        long spacing = 1L << (lg - 2);
        return (bytes + spacing - 1) & -spacing;
    }

    // ---------------------------------------------------------------- MEMORY STATS and DOCTOR

    /** The figures MEMORY STATS and DOCTOR share, taken as INFO memory takes them. */
    static final class Figures {
        final long peak;
        final long used;
        final long startup = Keyspace.STARTUP_MEMORY;
        final long dataset;
        final long scriptCaches;
        final int cachedScripts;
        final long heapUsed;
        final long heapCommitted;
        final long rss;

        Figures(long peak, long used, long dataset, long scriptCaches, int cachedScripts,
                long heapUsed, long heapCommitted, long rss) {
            this.peak = peak;
            this.used = used;
            this.dataset = dataset;
            this.scriptCaches = scriptCaches;
            this.cachedScripts = cachedScripts;
            this.heapUsed = heapUsed;
            this.heapCommitted = heapCommitted;
            this.rss = rss;
        }

        static Figures of(Server server) {
            Keyspace keyspace = server.keyspace();
            ScriptEngine scripts = server.info().attachment(ScriptEngine.class);
            MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            return new Figures(InfoCommand.peakMemory(server), keyspace.usedMemory(), keyspace.memory(),
                    scripts == null ? 0 : scripts.cachedSourceBytes(), scripts == null ? 0 : scripts.cachedCount(),
                    heap.getUsed(), heap.getCommitted(), InfoCommand.rss());
        }

        /** What INFO reports as used_memory_overhead: the server's own structures. */
        long overhead() {
            return startup;
        }

        long netUsage() {
            return InfoCommand.netUsage(used);
        }

        float fragmentation() {
            return (float) rss / used;
        }

        float allocatorFragmentation() {
            return heapUsed == 0 ? 0 : (float) heapCommitted / heapUsed;
        }

        long allocatorFragmentationBytes() {
            return Math.max(0, heapCommitted - heapUsed);
        }

        float allocatorRss() {
            return heapCommitted == 0 ? 0 : (float) rss / heapCommitted;
        }
    }

    static void stats(CommandContext ctx) {
        Figures f = Figures.of(ctx.server);
        Keyspace keyspace = ctx.server.keyspace();
        int databasesWithKeys = 0;
        for (int i = 0; i < keyspace.count(); i++) {
            databasesWithKeys += keyspace.db(i).size() > 0 ? 1 : 0;
        }
        ctx.reply.map(27 + databasesWithKeys);
        field(ctx, "peak.allocated", f.peak);
        field(ctx, "total.allocated", f.used);
        field(ctx, "startup.allocated", f.startup);
        field(ctx, "replication.backlog", 0);
        field(ctx, "clients.slaves", 0);
        field(ctx, "clients.normal", 0);
        field(ctx, "cluster.links", 0);
        field(ctx, "aof.buffer", 0);
        field(ctx, "lua.caches", f.scriptCaches);
        field(ctx, "functions.caches", 0);
        for (int i = 0; i < keyspace.count(); i++) {
            Database db = keyspace.db(i);
            if (db.size() == 0) {
                continue;
            }
            ctx.reply.bulk("db." + i);
            ctx.reply.map(3);
            // the table's cost per key is part of each key's charge; expiry times live in the
            // same table, and there are no cluster slots to map keys to
            field(ctx, "overhead.hashtable.main", db.size() * Database.ENTRY_OVERHEAD);
            field(ctx, "overhead.hashtable.expires", 0);
            field(ctx, "overhead.hashtable.slot-to-keys", 0);
        }
        long keys = keyspace.totalKeys();
        field(ctx, "overhead.total", f.overhead());
        field(ctx, "keys.count", keys);
        field(ctx, "keys.bytes-per-key", keys == 0 ? 0 : f.netUsage() / keys);
        field(ctx, "dataset.bytes", f.dataset);
        ratio(ctx, "dataset.percentage", (float) f.dataset * 100 / f.netUsage());
        ratio(ctx, "peak.percentage", (float) f.used * 100 / f.peak);
        field(ctx, "allocator.allocated", f.heapUsed);
        field(ctx, "allocator.active", f.heapCommitted);
        field(ctx, "allocator.resident", f.rss);
        ratio(ctx, "allocator-fragmentation.ratio", f.allocatorFragmentation());
        field(ctx, "allocator-fragmentation.bytes", f.allocatorFragmentationBytes());
        ratio(ctx, "allocator-rss.ratio", f.allocatorRss());
        field(ctx, "allocator-rss.bytes", f.rss - f.heapCommitted);
        // the JVM's resident memory is all its allocator's: nothing outside it, as INFO says
        ratio(ctx, "rss-overhead.ratio", 1f);
        field(ctx, "rss-overhead.bytes", 0);
        ratio(ctx, "fragmentation", f.fragmentation());
        field(ctx, "fragmentation.bytes", f.rss - f.used);
    }

    private static void field(CommandContext ctx, String name, long value) {
        ctx.reply.bulk(name);
        ctx.reply.integer(value);
    }

    /** Redis keeps these ratios as C floats and replies them widened to double. */
    private static void ratio(CommandContext ctx, String name, float value) {
        ctx.reply.bulk(name);
        ctx.reply.doubleValue(value);
    }

    static void doctor(CommandContext ctx) {
        ctx.reply.verbatim(doctorReport(Figures.of(ctx.server)), "txt");
    }

    /** Redis's getMemoryDoctorReport rules applied to our figures. */
    static String doctorReport(Figures f) {
        if (f.used < DOCTOR_MIN_MEMORY) {
            return "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in "
                    + "these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam "
                    + "and I will be back to our programming as soon as I finished rebooting.\n";
        }
        StringBuilder issues = new StringBuilder();
        if ((float) f.peak / f.used > 1.5) {
            issues.append(" * Peak memory: In the past this instance used more than 150% the memory that is currently "
                    + "using. The allocator is normally not able to release memory after a peak, so you can expect to see "
                    + "a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, "
                    + "and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory "
                    + "will be used as soon as you fill the Redis instance with more data. If the memory peak was only "
                    + "occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise "
                    + "the only other option is to shutdown and restart the instance.\n\n");
        }
        if (f.fragmentation() > 1.4 && f.rss - f.used > DOCTOR_MIN_EXCESS) {
            issues.append(" * High total RSS: This instance has a memory fragmentation and RSS overhead greater than 1.4 "
                    + "(this means that the Resident Set Size of the Redis process is much larger than the sum of the "
                    + "logical allocations Redis performed). This problem is usually due either to a large peak memory "
                    + "(check if there is a peak memory entry above in the report) or may result from a workload that "
                    + "causes the allocator to fragment memory a lot. If the problem is a large peak memory, then there "
                    + "is no issue. Otherwise, make sure you are using the Jemalloc allocator and not the default libc "
                    + "malloc. Note: The currently used allocator is \"" + ALLOCATOR + "\".\n\n");
        }
        if (f.allocatorFragmentation() > 1.1 && f.allocatorFragmentationBytes() > DOCTOR_MIN_EXCESS) {
            issues.append(" * High allocator fragmentation: This instance has an allocator external fragmentation greater "
                    + "than 1.1. This problem is usually due either to a large peak memory (check if there is a peak "
                    + "memory entry above in the report) or may result from a workload that causes the allocator to "
                    + "fragment memory a lot. You can try enabling 'activedefrag' config option.\n\n");
        }
        if (f.allocatorRss() > 1.1 && f.rss - f.heapCommitted > DOCTOR_MIN_EXCESS) {
            issues.append(" * High allocator RSS overhead: This instance has an RSS memory overhead is greater than 1.1 "
                    + "(this means that the Resident Set Size of the allocator is much larger than the sum what the "
                    + "allocator actually holds). This problem is usually due to a large peak memory (check if there is "
                    + "a peak memory entry above in the report), you can try the MEMORY PURGE command to reclaim it.\n\n");
        }
        // Redis's remaining rules look at the process RSS outside the allocator, replica and client
        // output buffers: all zero here, as INFO memory reports them
        if (f.cachedScripts > 1000) {
            issues.append(" * Many scripts: There seem to be many cached scripts in this instance (more than 1000). This "
                    + "may be because scripts are generated and `EVAL`ed, instead of being parameterized (with KEYS and "
                    + "ARGV), `SCRIPT LOAD`ed and `EVALSHA`ed. Unless `SCRIPT FLUSH` is called periodically, the scripts' "
                    + "caches may end up consuming most of your memory.\n\n");
        }
        if (issues.length() == 0) {
            return "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n";
        }
        return "Sam, I detected a few issues in this Redis instance memory implants:\n\n" + issues
                + "I'm here to keep you safe, Sam. I want to help you.\n";
    }

    // ---------------------------------------------------------------- PURGE, HELP, ROLE

    /** Redis asks jemalloc to return dirty pages; the JVM's counterpart is a concurrent cycle. */
    static void purge(CommandContext ctx) {
        HeapReclaimer reclaimer = ctx.server.info().attachment(HeapReclaimer.class);
        if (reclaimer != null) {
            reclaimer.collectNow();
        }
        ctx.reply.ok();
    }

    static void help(CommandContext ctx) {
        KeyCommands.replyHelp(ctx, "MEMORY",
                "DOCTOR",
                "    Return memory problems reports.",
                "MALLOC-STATS",
                "    Return internal statistics report from the memory allocator.",
                "PURGE",
                "    Attempt to purge dirty pages for reclamation by the allocator.",
                "STATS",
                "    Return information about the memory usage of the server.",
                "USAGE <key> [SAMPLES <count>]",
                "    Return memory in bytes used by <key> and its value. Nested values are",
                "    sampled up to <count> times (default: 5, 0 means sample all).");
    }

    /** A master without replicas: the role, its replication offset (INFO's figure), no replicas. */
    static void role(CommandContext ctx) {
        Supplier<String> offset = ctx.server.info().fieldOverride("master_repl_offset");
        ctx.reply.array(3);
        ctx.reply.bulk("master");
        ctx.reply.integer(offset == null ? 0 : Long.parseLong(offset.get()));
        ctx.reply.array(0);
    }
}
