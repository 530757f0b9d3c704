package io.cinnabar.commands;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandError;
import io.cinnabar.command.CommandFlag;
import io.cinnabar.command.CommandSpec;
import io.cinnabar.command.CommandTable;
import io.cinnabar.command.KeyExtractor;
import io.cinnabar.protocol.ReplyWriter;
import io.cinnabar.server.Server;
import io.cinnabar.util.Glob;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The COMMAND family: COMMAND, COUNT, INFO, DOCS, LIST, GETKEYS, GETKEYSANDFLAGS, HELP, with
 * Redis 7.0.15's reply shapes in RESP2 and RESP3.
 *
 * <p><b>Only implemented commands exist here.</b> Clients (redis-cli hints, Lettuce's and
 * Redisson's command discovery, cluster clients) read COMMAND to learn what they may send, so
 * a command without a handler is reported exactly as Redis reports a name it does not know:
 * left out of COMMAND, COMMAND COUNT, COMMAND LIST and COMMAND DOCS, nil in COMMAND INFO, and
 * "Invalid command specified" in COMMAND GETKEYS. The same holds for subcommands: a container
 * (CONFIG, CLIENT, ...) appears once any of its subcommands is implemented, and its entry lists
 * only the implemented subcommands. As families land, the lists grow with them; nothing here
 * counts commands.
 *
 * <p>Differences from Redis that are on purpose:
 * <ul>
 *   <li>COMMAND DOCS has no {@code history} entry (we do not carry Redis's change history), and
 *       {@code summary} and {@code replaced_by} are our own words.</li>
 *   <li>Commands and subcommands come in a fixed order (by group, then by name). Redis's order
 *       comes from its hash table with a per-process random seed, so no client can rely on it.</li>
 *   <li>COMMAND LIST FILTERBY MODULE always answers an empty list: there are no modules.</li>
 * </ul>
 *
 * <p>Key extraction (GETKEYS, GETKEYSANDFLAGS) is {@link KeyExtractor}: the key specs, then
 * Redis's per-command rules where the specs cannot decide (SORT, MIGRATE, numkeys commands, SET
 * and BITFIELD flags).
 */
public final class CommandCommands {
    private CommandCommands() {}

    private static final String[] HELP = {
        "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "(no subcommand)",
        "    Return details about all Redis commands.",
        "COUNT",
        "    Return the total number of commands in this Redis server.",
        "LIST",
        "    Return a list of all commands in this Redis server.",
        "INFO [<command-name> ...]",
        "    Return details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "DOCS [<command-name> ...]",
        "    Return documentation details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "GETKEYS <full-command>",
        "    Return the keys from a full Redis command.",
        "GETKEYSANDFLAGS <full-command>",
        "    Return the keys and the access flags from a full Redis command.",
        "HELP",
        "    Prints this help.",
    };

    static void install(Server server) {
        CommandTable t = server.commandTable();
        t.bind("command", CommandCommands::all);
        t.bind("command|count", ctx -> ctx.reply.integer(ctx.server.commandTable().implemented().size()));
        t.bind("command|info", CommandCommands::info);
        t.bind("command|docs", CommandCommands::docs);
        t.bind("command|list", CommandCommands::list);
        t.bind("command|getkeys", ctx -> getKeys(ctx, false));
        t.bind("command|getkeysandflags", ctx -> getKeys(ctx, true));
        t.bind("command|help", CommandCommands::help);
    }

    // ------------------------------------------------------------------ handlers

    static void all(CommandContext ctx) {
        List<CommandSpec> specs = ctx.server.commandTable().implemented();
        ctx.reply.array(specs.size());
        for (CommandSpec s : specs) {
            writeInfo(ctx.reply, s);
        }
    }

    static void info(CommandContext ctx) {
        if (ctx.argc() == 2) {
            all(ctx);
            return;
        }
        CommandTable table = ctx.server.commandTable();
        ctx.reply.array(ctx.argc() - 2);
        for (int i = 2; i < ctx.argc(); i++) {
            CommandSpec s = lookupByFullName(table, ctx.arg(i));
            if (s == null) {
                ctx.reply.nullBulk();
            } else {
                writeInfo(ctx.reply, s);
            }
        }
    }

    static void docs(CommandContext ctx) {
        CommandTable table = ctx.server.commandTable();
        List<CommandSpec> specs;
        if (ctx.argc() == 2) {
            specs = table.implemented();
        } else {
            specs = new ArrayList<>(ctx.argc() - 2);
            for (int i = 2; i < ctx.argc(); i++) {
                CommandSpec s = lookupByFullName(table, ctx.arg(i));
                if (s != null) {
                    specs.add(s);
                }
            }
        }
        ctx.reply.map(specs.size());
        for (CommandSpec s : specs) {
            ctx.reply.bulk(s.name);
            writeDocs(ctx.reply, s);
        }
    }

    static void list(CommandContext ctx) {
        int filter = 0; // 0 none, 1 module, 2 aclcat, 3 pattern
        byte[] filterArg = null;
        for (int i = 2; i < ctx.argc(); i++) {
            int more = ctx.argc() - 1 - i;
            if (ctx.argIs(i, "filterby") && more == 2) {
                if (ctx.argIs(i + 1, "module")) {
                    filter = 1;
                } else if (ctx.argIs(i + 1, "aclcat")) {
                    filter = 2;
                } else if (ctx.argIs(i + 1, "pattern")) {
                    filter = 3;
                } else {
                    throw CommandError.syntax();
                }
                filterArg = ctx.arg(i + 2);
                i += 2;
            } else {
                throw CommandError.syntax();
            }
        }
        List<String> names = new ArrayList<>();
        String category = filter == 2
                ? "@" + new String(filterArg, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT) : null;
        for (CommandSpec s : ctx.server.commandTable().implemented()) {
            addListed(s, filter, filterArg, category, names);
            for (CommandSpec sub : s.subcommands()) {
                if (sub.handler() != null) {
                    addListed(sub, filter, filterArg, category, names);
                }
            }
        }
        ctx.reply.array(names.size());
        for (String n : names) {
            ctx.reply.bulk(n);
        }
    }

    private static void addListed(CommandSpec s, int filter, byte[] filterArg, String category, List<String> out) {
        boolean keep;
        switch (filter) {
            case 1:
                keep = false; // no module commands exist
                break;
            case 2:
                keep = s.aclCategories.contains(category);
                break;
            case 3:
                keep = Glob.matchNoCase(filterArg, s.name.getBytes(StandardCharsets.UTF_8));
                break;
            default:
                keep = true;
                break;
        }
        if (keep) {
            out.add(s.name);
        }
    }

    static void getKeys(CommandContext ctx, boolean withFlags) {
        byte[][] argv = ctx.argv();
        CommandSpec cmd = ctx.server.commandTable().lookup(argv[2]);
        if (cmd != null && cmd.hasSubcommands() && argv.length > 3) {
            cmd = cmd.subcommand(argv[3]);
        }
        if (cmd == null || !isImplemented(cmd)) {
            throw new CommandError("ERR Invalid command specified");
        }
        if (!KeyExtractor.hasKeys(cmd)) {
            throw new CommandError("ERR The command has no key arguments");
        }
        int argc = argv.length - 2;
        if (!cmd.arityAccepts(argc)) {
            throw new CommandError("ERR Invalid number of arguments specified for command");
        }
        KeyExtractor.Keys keys = new KeyExtractor.Keys(16); // rare admin call; hot callers keep their own
        int n = KeyExtractor.find(cmd, argv, 2, 0, keys);
        if (n == 0) {
            if (cmd.has(CommandFlag.NO_MANDATORY_KEYS)) {
                ctx.reply.array(0);
                return;
            }
            throw new CommandError("ERR Invalid arguments specified for command");
        }
        ReplyWriter r = ctx.reply;
        r.array(n);
        for (int i = 0; i < n; i++) {
            byte[] key = argv[2 + keys.positions[i]];
            if (!withFlags) {
                r.bulk(key);
                continue;
            }
            r.array(2);
            r.bulk(key);
            int flags = keys.flags[i];
            r.set(KeyExtractor.flagCount(flags));
            for (int b = 0; b < KeyExtractor.flagBits(); b++) {
                if ((flags & (1 << b)) != 0) {
                    r.simple(KeyExtractor.flagName(b));
                }
            }
        }
    }

    static void help(CommandContext ctx) {
        ctx.reply.array(HELP.length);
        for (String line : HELP) {
            ctx.reply.simple(line);
        }
    }

    // ------------------------------------------------------------------ lookup

    /** A command ("get") or subcommand ("config|get") by its full name, if implemented. */
    static CommandSpec lookupByFullName(CommandTable table, byte[] name) {
        int bar = -1;
        for (int i = 0; i < name.length; i++) {
            if (name[i] == '|') {
                if (bar >= 0) {
                    return null; // more than two levels never exist
                }
                bar = i;
            }
        }
        if (bar < 0) {
            CommandSpec s = table.lookup(name);
            return s != null && s.implemented() ? s : null;
        }
        CommandSpec parent = table.lookup(java.util.Arrays.copyOfRange(name, 0, bar));
        if (parent == null || !parent.hasSubcommands()) {
            return null;
        }
        CommandSpec sub = parent.subcommand(java.util.Arrays.copyOfRange(name, bar + 1, name.length));
        return sub != null && sub.handler() != null ? sub : null;
    }

    private static boolean isImplemented(CommandSpec s) {
        return s.parent == null ? s.implemented() : s.handler() != null;
    }

    private static List<CommandSpec> implementedSubcommands(CommandSpec s) {
        List<CommandSpec> subs = new ArrayList<>();
        for (CommandSpec sub : s.subcommands()) {
            if (sub.handler() != null) {
                subs.add(sub);
            }
        }
        return subs;
    }

    // ------------------------------------------------------------------ COMMAND INFO entry

    /**
     * One COMMAND INFO entry: name, arity, flags (set), first key, last key, step, ACL
     * categories (set), tips (set), key specs (set of maps), subcommands (array of entries, but an
     * empty set for a command without subcommands).
     */
    static void writeInfo(ReplyWriter r, CommandSpec s) {
        r.array(10);
        r.bulk(s.name);
        r.integer(s.arity);
        r.set(s.flagNames.size());
        for (String f : s.flagNames) {
            r.simple(f);
        }
        r.integer(s.firstKey);
        r.integer(s.lastKey);
        r.integer(s.step);
        r.set(s.aclCategories.size());
        for (String c : s.aclCategories) {
            r.simple(c);
        }
        r.set(s.tips.size());
        for (String tip : s.tips) {
            r.bulk(tip);
        }
        r.set(s.keySpecs.size());
        for (Object ks : s.keySpecs) {
            writeValue(r, ks, true);
        }
        if (!s.hasSubcommands()) {
            r.set(0); // Redis's quirk: an empty set when there are none, an array otherwise
            return;
        }
        List<CommandSpec> subs = implementedSubcommands(s);
        r.array(subs.size());
        for (CommandSpec sub : subs) {
            writeInfo(r, sub);
        }
    }

    // ------------------------------------------------------------------ COMMAND DOCS entry

    /**
     * One COMMAND DOCS entry, a map: summary, since, group, complexity, doc_flags (set),
     * deprecated_since, replaced_by, arguments (array of maps), subcommands (map). No history.
     */
    static void writeDocs(ReplyWriter r, CommandSpec s) {
        List<CommandSpec> subs = s.hasSubcommands() ? implementedSubcommands(s) : List.of();
        int n = 0;
        n += s.summary != null ? 1 : 0;
        n += s.since != null ? 1 : 0;
        n += s.group != null ? 1 : 0;
        n += s.complexity != null ? 1 : 0;
        n += s.docFlags.isEmpty() ? 0 : 1;
        n += s.deprecatedSince != null ? 1 : 0;
        n += s.replacedBy != null ? 1 : 0;
        n += s.arguments.isEmpty() ? 0 : 1;
        n += subs.isEmpty() ? 0 : 1;
        r.map(n);
        field(r, "summary", s.summary);
        field(r, "since", s.since);
        field(r, "group", s.group);
        field(r, "complexity", s.complexity);
        if (!s.docFlags.isEmpty()) {
            r.bulk("doc_flags");
            r.set(s.docFlags.size());
            for (String f : s.docFlags) {
                r.simple(f);
            }
        }
        field(r, "deprecated_since", s.deprecatedSince);
        field(r, "replaced_by", s.replacedBy);
        if (!s.arguments.isEmpty()) {
            r.bulk("arguments");
            writeArguments(r, s.arguments);
        }
        if (!subs.isEmpty()) {
            r.bulk("subcommands");
            r.map(subs.size());
            for (CommandSpec sub : subs) {
                r.bulk(sub.name);
                writeDocs(r, sub);
            }
        }
    }

    private static void field(ReplyWriter r, String name, String value) {
        if (value != null) {
            r.bulk(name);
            r.bulk(value);
        }
    }

    private static void writeArguments(ReplyWriter r, List<Object> args) {
        r.array(args.size());
        for (Object a : args) {
            writeValue(r, a, false);
        }
    }

    /**
     * Writes metadata as Redis does: maps as maps, "flags" lists as sets of simple strings,
     * "arguments" as arrays, numbers as integers, text as bulk strings.
     */
    @SuppressWarnings("unchecked")
    private static void writeValue(ReplyWriter r, Object v, boolean inKeySpec) {
        if (v instanceof Map) {
            Map<String, Object> m = (Map<String, Object>) v;
            r.map(m.size());
            for (Map.Entry<String, Object> e : m.entrySet()) {
                r.bulk(e.getKey());
                Object value = e.getValue();
                if (e.getKey().equals("flags") && value instanceof List) {
                    List<Object> flags = (List<Object>) value;
                    r.set(flags.size());
                    for (Object f : flags) {
                        r.simple((String) f);
                    }
                } else if (e.getKey().equals("arguments") && value instanceof List) {
                    writeArguments(r, (List<Object>) value);
                } else {
                    writeValue(r, value, inKeySpec);
                }
            }
        } else if (v instanceof List) {
            List<Object> l = (List<Object>) v;
            r.array(l.size());
            for (Object o : l) {
                writeValue(r, o, inKeySpec);
            }
        } else if (v instanceof Long || v instanceof Integer) {
            r.integer(((Number) v).longValue());
        } else if (v instanceof Boolean) {
            r.bool((Boolean) v);
        } else if (v == null) {
            r.nullBulk();
        } else {
            r.bulk(v.toString());
        }
    }
}
