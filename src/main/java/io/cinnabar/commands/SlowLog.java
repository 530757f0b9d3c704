package io.cinnabar.commands;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandFlag;
import io.cinnabar.command.CommandSpec;
import io.cinnabar.command.CommandTable;
import io.cinnabar.server.Server;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;

/**
 * SLOWLOG: commands that ran at least slowlog-log-slower-than microseconds, newest first, at most
 * slowlog-max-len of them. Entries keep at most 32 arguments and 128 bytes of each, as Redis does.
 */
final class SlowLog implements Server.CommandObserver {
    static final int MAX_ARGC = 32;
    static final int MAX_STRING = 128;

    static final class Entry {
        final long id;
        final long time;
        final long micros;
        final byte[][] args;
        final String addr;
        final String name;

        Entry(long id, long time, long micros, byte[][] args, String addr, String name) {
            this.id = id;
            this.time = time;
            this.micros = micros;
            this.args = args;
            this.addr = addr;
            this.name = name;
        }
    }

    private final Server server;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long nextId;

    private SlowLog(Server server) {
        this.server = server;
    }

    static void install(Server server) {
        SlowLog s = new SlowLog(server);
        server.addObserver(s);
        CommandTable t = server.commandTable();
        t.bind("slowlog|get", s::get);
        t.bind("slowlog|len", ctx -> ctx.reply.integer(s.entries.size()));
        t.bind("slowlog|reset", ctx -> {
            s.entries.clear();
            ctx.reply.ok();
        });
        t.bind("slowlog|help", ctx -> KeyCommands.replyHelp(ctx, "SLOWLOG",
                "GET [<count>]",
                "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
                "    Entries are made of:",
                "    id, timestamp, time in microseconds, arguments array, client IP and port,",
                "    client name",
                "LEN",
                "    Return the length of the slowlog.",
                "RESET",
                "    Reset the slowlog."));
        server.config().slowlogMaxLen.onChange(p -> s.trim());
    }

    @Override
    public void afterCommand(CommandContext ctx, CommandSpec spec, long micros) {
        long threshold = server.config().slowlogLogSlowerThan.value();
        if (threshold < 0 || micros < threshold) {
            return;
        }
        CommandSpec top = spec.parent != null ? spec.parent : spec;
        if (spec.has(CommandFlag.SKIP_SLOWLOG) || top.has(CommandFlag.SKIP_SLOWLOG)) {
            return;
        }
        byte[][] argv = ctx.argv();
        int argc = Math.min(argv.length, MAX_ARGC);
        byte[][] args = new byte[argc][];
        for (int i = 0; i < argc; i++) {
            if (argc != argv.length && i == argc - 1) {
                args[i] = ("... (" + (argv.length - argc + 1) + " more arguments)").getBytes(StandardCharsets.US_ASCII);
            } else if (Monitor.redacted(spec, argv, i)) {
                args[i] = "(redacted)".getBytes(StandardCharsets.US_ASCII);
            } else if (argv[i].length > MAX_STRING) {
                byte[] more = ("... (" + (argv[i].length - MAX_STRING) + " more bytes)").getBytes(StandardCharsets.US_ASCII);
                byte[] a = Arrays.copyOf(argv[i], MAX_STRING + more.length);
                System.arraycopy(more, 0, a, MAX_STRING, more.length);
                args[i] = a;
            } else {
                args[i] = argv[i].clone();
            }
        }
        String name = ctx.client.name();
        entries.addFirst(new Entry(nextId++, System.currentTimeMillis() / 1000, micros, args,
                ctx.client.addr(), name == null ? "" : name));
        trim();
    }

    private void trim() {
        long max = server.config().slowlogMaxLen.value();
        while (entries.size() > max) {
            entries.removeLast();
        }
    }

    private void get(CommandContext ctx) {
        if (ctx.argc() > 3) {
            ctx.reply.error("ERR unknown subcommand or wrong number of arguments for '" + ctx.argString(1) + "'. Try SLOWLOG HELP.");
            return;
        }
        long count = 10;
        if (ctx.argc() == 3) {
            count = ctx.argLong(2, "ERR count should be greater than or equal to -1");
            if (count < -1) {
                ctx.reply.error("ERR count should be greater than or equal to -1");
                return;
            }
        }
        int n = count == -1 ? entries.size() : (int) Math.min(count, entries.size());
        ctx.reply.array(n);
        Iterator<Entry> it = entries.iterator();
        for (int k = 0; k < n; k++) {
            Entry e = it.next();
            ctx.reply.array(6);
            ctx.reply.integer(e.id);
            ctx.reply.integer(e.time);
            ctx.reply.integer(e.micros);
            ctx.reply.array(e.args.length);
            for (byte[] a : e.args) {
                ctx.reply.bulk(a);
            }
            ctx.reply.bulk(e.addr);
            ctx.reply.bulk(e.name);
        }
    }
}
