package io.cinnabar.commands;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandError;
import io.cinnabar.config.ConfigException;
import io.cinnabar.config.Param;
import io.cinnabar.keyspace.KeyTable;
import io.cinnabar.server.Server;
import io.cinnabar.types.ListValue;
import io.cinnabar.types.StringValue;
import io.cinnabar.types.Values;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DEBUG, gated by enable-debug-command like Redis 7.0 (no / yes / local). Implements the
 * subcommands client test suites rely on; Redis's others answer a clear "not supported" error.
 */
final class DebugCommands {
    private static final Logger log = LoggerFactory.getLogger("cinnabar");
    static final String NOT_ALLOWED = "ERR DEBUG command not allowed. If the enable-debug-command option is set to "
            + "\"local\", you can run it from a local connection, otherwise you need to set this option in the "
            + "configuration file, and then restart the server.";

    /** Every DEBUG subcommand Redis 7.0 has, to tell "not supported here" from "no such thing". */
    private static final Set<String> REDIS_SUBCOMMANDS = Set.of(
            "aof-flush-sleep", "assert", "change-repl-id", "config-rewrite-force-all", "crash-and-recover",
            "digest", "digest-value", "error", "leak", "log", "htstats", "htstats-key", "loadaof", "replicate",
            "mallctl", "mallctl-str", "object", "drop-cluster-packet-filter", "oom", "panic", "populate",
            "protocol", "reload", "restart", "sdslen", "segfault", "set-active-expire",
            "quicklist-packed-threshold", "set-skip-checksum-validation", "sleep", "stringmatch-test",
            "structsize", "listpack", "quicklist", "client-eviction", "pause-cron", "replybuffer",
            "clusterlink", "help", "ziplist", "jmap", "set-disable-deny-scripts");

    /** DEBUG QUICKLIST-PACKED-THRESHOLD: stored for the list type; Redis's default is 1gb. */
    static volatile long quicklistPackedThreshold = 1L << 30;

    private DebugCommands() {}

    static void install(Server server) {
        server.commandTable().bind("debug", DebugCommands::debug);
    }

    static void debug(CommandContext ctx) {
        if (!ConfigCommands.allowedBy(ctx.server.config().enableDebugCommand, ctx.client)) {
            ctx.reply.error(NOT_ALLOWED);
            return;
        }
        String sub = ctx.argString(1);
        int argc = ctx.argc();
        switch (sub.toLowerCase(Locale.ROOT)) {
            case "help":
                help(ctx);
                return;
            case "sleep":
                if (argc == 3) {
                    sleep(ctx);
                    return;
                }
                break;
            case "log":
                if (argc == 3) {
                    log.warn("DEBUG LOG: {}", ctx.argString(2));
                    ctx.reply.ok();
                    return;
                }
                break;
            case "error":
                if (argc == 3) {
                    ctx.reply.error(ctx.argString(2));
                    return;
                }
                break;
            case "object":
                if (argc == 3) {
                    object(ctx);
                    return;
                }
                break;
            case "set-active-expire":
                if (argc == 3) {
                    ctx.server.setActiveExpire(atoi(ctx.argString(2)) != 0);
                    ctx.reply.ok();
                    return;
                }
                break;
            case "quicklist-packed-threshold":
                if (argc == 3) {
                    long v;
                    try {
                        v = Param.Num.parseMemory(ctx.argString(2));
                    } catch (ConfigException e) {
                        v = -1;
                    }
                    if (v < 0 || v > (1L << 32)) {
                        ctx.reply.error("ERR argument must be a memory value bigger than 1 and smaller than 4gb");
                        return;
                    }
                    quicklistPackedThreshold = v == 0 ? 1L << 30 : v;
                    ListValue.setPackedThreshold(quicklistPackedThreshold);
                    ctx.reply.ok();
                    return;
                }
                break;
            case "listpack":
                if (argc == 3) {
                    Object v = ctx.db().peek(ctx.arg(2));
                    if (v == null) {
                        ctx.reply.error(CommandError.NO_SUCH_KEY);
                    } else if (!"listpack".equals(Values.encoding(v))) {
                        ctx.reply.error("ERR Not a listpack encoded object.");
                    } else {
                        log.info("DEBUG LISTPACK {}: type {} encoding listpack, ~{} bytes", ctx.argString(2),
                                Values.typeName(v), Values.memoryUsage(v));
                        ctx.reply.simple("Listpack structure printed on stdout");
                    }
                    return;
                }
                break;
            case "change-repl-id":
                if (argc == 2) {
                    ctx.server.info().changeReplId();
                    log.info("DEBUG CHANGE-REPL-ID: new replication id {}", ctx.server.info().replId().value());
                    ctx.reply.ok();
                    return;
                }
                break;
            case "populate":
                if (argc >= 3 && argc <= 5) {
                    populate(ctx);
                    return;
                }
                break;
            case "protocol":
                if (argc == 3) {
                    protocol(ctx);
                    return;
                }
                break;
            default:
                if (REDIS_SUBCOMMANDS.contains(sub.toLowerCase(Locale.ROOT))) {
                    ctx.reply.error("ERR DEBUG subcommand not supported by Cinnabar: " + sub);
                    return;
                }
                break;
        }
        ctx.reply.error("ERR unknown subcommand or wrong number of arguments for '" + sub + "'. Try DEBUG HELP.");
    }

    private static void help(CommandContext ctx) {
        KeyCommands.replyHelp(ctx, "DEBUG",
                "CHANGE-REPL-ID",
                "    Change the replication IDs of the instance.",
                "    Dangerous: should be used only for testing the replication subsystem.",
                "ERROR <string>",
                "    Return a Redis protocol error with <string> as message. Useful for clients",
                "    unit tests to simulate Redis errors.",
                "LOG <message>",
                "    Write <message> to the server log.",
                "OBJECT <key>",
                "    Show low level info about `key` and associated value.",
                "POPULATE <count> [<prefix>] [<size>]",
                "    Create <count> string keys named key:<num>. If <prefix> is specified then",
                "    it is used instead of the 'key' prefix. These are not propagated to",
                "    replicas.",
                "PROTOCOL <type>",
                "    Reply with a test value of the specified type. <type> can be: string,",
                "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
                "    true, false.",
                "SET-ACTIVE-EXPIRE <0|1>",
                "    Setting it to 0 disables expiring keys in background when they are not",
                "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
                "    default.",
                "QUICKLIST-PACKED-THRESHOLD <size>",
                "    Sets the threshold for elements to be inserted as plain vs packed nodes",
                "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
                "SLEEP <seconds>",
                "    Stop the server for <seconds>. Decimals allowed.",
                "LISTPACK <key>",
                "    Show low level info about the listpack encoding of <key>.",
                "(Other Redis DEBUG subcommands are not supported by Cinnabar.)");
    }

    /** C's atoi/atof leniency: leading number, else 0. */
    static long atoi(String s) {
        return (long) atof(s);
    }

    static double atof(String s) {
        String t = s.trim();
        int end = 0;
        while (end < t.length() && "+-.0123456789eE".indexOf(t.charAt(end)) >= 0) {
            end++;
        }
        for (int e = end; e > 0; e--) {
            try {
                return Double.parseDouble(t.substring(0, e));
            } catch (NumberFormatException ignored) {
                // try a shorter prefix
            }
        }
        return 0;
    }

    /** Blocks the data thread, as Redis blocks its one thread; IO threads keep reading meanwhile. */
    private static void sleep(CommandContext ctx) {
        double seconds = atof(ctx.argString(2));
        long nanos = (long) (Math.max(0, seconds) * 1e9);
        long deadline = System.nanoTime() + nanos;
        try {
            while (nanos > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(nanos);
                nanos = deadline - System.nanoTime();
            }
        } finally {
            ctx.server.keyspace().tick();
        }
        ctx.reply.ok();
    }

    private static void object(CommandContext ctx) {
        byte[] key = ctx.arg(2);
        Object v = ctx.db().peek(key);
        if (v == null) {
            ctx.reply.error(CommandError.NO_SUCH_KEY);
            return;
        }
        int clock = ctx.db().clock(key);
        long idle = clock < 0 ? 0 : ctx.server.keyspace().idleSeconds(clock);
        boolean shared = KeyCommands.isSharedInteger(ctx, v);
        String text = "Value at:0x" + Long.toHexString(0x7f0000000000L | System.identityHashCode(v))
                + " refcount:" + (shared ? Integer.MAX_VALUE : 1)
                + " encoding:" + Values.encoding(v)
                + " serializedlength:" + serializedLength(v)
                + " lru:" + (clock < 0 ? 0 : clock)
                + " lru_seconds_idle:" + idle
                + (v instanceof ListValue ? quicklistFields((ListValue) v) : "");
        ctx.reply.simple(text);
    }

    /** The quicklist shape Redis appends to DEBUG OBJECT of a list (test suites read ql_nodes). */
    private static String quicklistFields(ListValue list) {
        return " ql_nodes:" + list.nodeCount()
                + " ql_avg_node:" + String.format(Locale.ROOT, "%.2f", (double) list.size() / list.nodeCount())
                + " ql_listpack_max:" + list.fill()
                + " ql_compressed:" + (list.compressDepth() != 0 ? 1 : 0)
                + " ql_uncompressed_size:" + list.uncompressedSize();
    }

    /** The RDB length of a value: exact for strings (without LZF), approximate for other types. */
    static long serializedLength(Object v) {
        if (!Values.isString(v)) {
            return Values.memoryUsage(v);
        }
        byte[] b = StringValue.bytes(v);
        if (b.length <= 11) {
            try {
                String s = new String(b, StandardCharsets.US_ASCII);
                long n = Long.parseLong(s);
                if (Long.toString(n).equals(s)) {
                    if (n >= Byte.MIN_VALUE && n <= Byte.MAX_VALUE) {
                        return 2;
                    }
                    if (n >= Short.MIN_VALUE && n <= Short.MAX_VALUE) {
                        return 3;
                    }
                    if (n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE) {
                        return 5;
                    }
                }
            } catch (NumberFormatException ignored) {
                // not an integer: stored as a plain string
            }
        }
        return lengthPrefix(b.length) + b.length;
    }

    private static int lengthPrefix(long len) {
        if (len < 64) {
            return 1;
        }
        if (len < 16384) {
            return 2;
        }
        if (len <= 0xFFFFFFFFL) {
            return 5;
        }
        return 9;
    }

    private static void populate(CommandContext ctx) {
        long count = parsePositive(ctx.arg(2));
        String prefix = ctx.argc() > 3 ? ctx.argString(3) : "key";
        long size = ctx.argc() > 4 ? parsePositive(ctx.arg(4)) : 0;
        if (count < 0 || size < 0) {
            ctx.reply.error("ERR value is out of range, must be positive");
            return;
        }
        if (size > ctx.server.config().protoMaxBulkLen.value()) {
            // Redis would try; a JVM heap must not be blown by one debug command
            ctx.reply.error("ERR value size is bigger than proto-max-bulk-len");
            return;
        }
        for (long j = 0; j < count; j++) {
            byte[] key = (prefix + ":" + j).getBytes(StandardCharsets.UTF_8);
            if (ctx.db().exists(key)) {
                continue;
            }
            byte[] val = ("value:" + j).getBytes(StandardCharsets.US_ASCII);
            if (size > 0) {
                val = Arrays.copyOf(val, (int) Math.min(size, Integer.MAX_VALUE - 16));
            }
            ctx.db().set(key, size > 0 ? val : StringValue.of(val), KeyTable.NO_EXPIRE);
        }
        ctx.reply.ok();
    }

    private static long parsePositive(byte[] b) {
        try {
            long v = CommandContext.parseLong(b, CommandError.NOT_INTEGER);
            return v < 0 ? -1 : v;
        } catch (CommandError e) {
            return -1;
        }
    }

    private static void protocol(CommandContext ctx) {
        String type = ctx.argString(2).toLowerCase(Locale.ROOT);
        var r = ctx.reply;
        switch (type) {
            case "string": r.bulk("Hello World"); break;
            case "integer": r.integer(12345); break;
            case "double":
                if (r.resp3()) {
                    r.raw(",3.141\r\n".getBytes(StandardCharsets.US_ASCII));
                } else {
                    r.bulk("3.141");
                }
                break;
            case "bignum":
                if (r.resp3()) {
                    r.raw("(1234567999999999999999999999999999999\r\n".getBytes(StandardCharsets.US_ASCII));
                } else {
                    r.bulk("1234567999999999999999999999999999999");
                }
                break;
            case "null": r.nullBulk(); break;
            case "array":
            case "set":
                if (type.equals("set")) {
                    r.set(3);
                } else {
                    r.array(3);
                }
                for (int j = 0; j < 3; j++) {
                    r.integer(j);
                }
                break;
            case "map":
                r.map(3);
                for (int j = 0; j < 3; j++) {
                    r.integer(j);
                    r.bool(j == 1);
                }
                break;
            case "attrib":
                if (r.resp3()) {
                    r.raw("|1\r\n".getBytes(StandardCharsets.US_ASCII));
                    r.bulk("key-popularity");
                    r.array(2);
                    r.bulk("key:123");
                    r.integer(90);
                }
                r.bulk("Some real reply following the attribute");
                break;
            case "push":
                if (!r.resp3()) {
                    r.error("ERR RESP2 is not supported by this command");
                    return;
                }
                r.push(2);
                r.bulk("server-cpu-usage");
                r.integer(42);
                r.bulk("Some real reply following the push reply");
                break;
            case "verbatim": r.verbatim("This is a verbatim\nstring", "txt"); break;
            case "true": r.bool(true); break;
            case "false": r.bool(false); break;
            default:
                r.error("ERR Wrong protocol type name. Please use one of the following: "
                        + "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false");
        }
    }
}
