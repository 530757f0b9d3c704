package io.cinnabar.commands;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandError;
import io.cinnabar.command.Propagation;
import io.cinnabar.command.CommandTable;
import io.cinnabar.scripting.Functions;
import io.cinnabar.scripting.ScriptEngine;
import io.cinnabar.server.Server;

/** FUNCTION LOAD/DELETE/FLUSH/LIST/STATS/KILL/DUMP/RESTORE/HELP, FCALL and FCALL_RO. */
public final class FunctionCommands {
    private static final String[] HELP = {
        "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "LOAD [REPLACE] <FUNCTION CODE>",
        "    Create a new library with the given library name and code.",
        "DELETE <LIBRARY NAME>",
        "    Delete the given library.",
        "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
        "    Return general information on all the libraries:",
        "    * Library name",
        "    * The engine used to run the Library",
        "    * Library description",
        "    * Functions list",
        "    * Library code (if WITHCODE is given)",
        "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
        "STATS",
        "    Return information about the current function running:",
        "    * Function name",
        "    * Command used to run the function",
        "    * Duration in MS that the function is running",
        "    If no function is running, return nil",
        "    In addition, returns a list of available engines.",
        "KILL",
        "    Kill the current running function.",
        "FLUSH [ASYNC|SYNC]",
        "    Delete all the libraries.",
        "    When called without the optional mode argument, the behavior is determined by the",
        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the libraries.",
        "    * SYNC: Synchronously flush the libraries.",
        "DUMP",
        "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
        "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
        "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
        "    control how to handle existing libraries (default APPEND):",
        "    * FLUSH: delete all existing libraries.",
        "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
        "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
        "      libraries with the new libraries (notice that even on this option there is a chance of failure",
        "      in case of functions name collision with another library).",
        "HELP",
        "    Prints this help.",
    };

    private FunctionCommands() {}

    static void install(Server server) {
        ScriptEngine engine = server.info().attachment(ScriptEngine.class);
        Functions functions = new Functions(engine);
        server.info().attach(Functions.class, functions);
        CommandTable t = server.commandTable();
        t.bind("fcall", ctx -> fcall(ctx, functions, false));
        t.bind("fcall_ro", ctx -> fcall(ctx, functions, true));
        for (String name : new String[] {"fcall", "fcall_ro"}) {
            t.get(name).runsScripts = true;
            t.get(name).propagatesByEffects = true;
        }
        t.bind("function|load", ctx -> load(ctx, functions));
        t.bind("function|delete", ctx -> {
            if (!functions.delete(ctx.arg(2))) {
                throw new CommandError("ERR Library not found");
            }
            changedFunctions(ctx);
            ctx.reply.ok();
        });
        t.bind("function|flush", ctx -> {
            if (ctx.argc() > 3) {
                throw subcommandSyntax(ctx);
            }
            if (ctx.argc() == 3 && !ctx.argIs(2, "sync") && !ctx.argIs(2, "async")) {
                throw new CommandError("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
            }
            functions.flush();
            changedFunctions(ctx);
            ctx.reply.ok();
        });
        t.bind("function|list", ctx -> list(ctx, functions));
        t.bind("function|stats", ctx -> functions.stats(ctx.reply));
        t.bind("function|kill", ctx -> {
            functions.kill();
            ctx.reply.ok();
        });
        server.config().markEffective("rdbcompression");
        io.cinnabar.config.Param.Bool compression = (io.cinnabar.config.Param.Bool) server.config().find("rdbcompression");
        t.bind("function|dump", ctx -> ctx.reply.bulk(functions.dump(compression.value())));
        t.bind("function|restore", ctx -> restore(ctx, functions));
        t.bind("function|help", ctx -> {
            ctx.reply.array(HELP.length);
            for (String line : HELP) {
                ctx.reply.simple(line);
            }
        });
    }

    /** As Redis's fcallCommandGeneric: numkeys is read and checked before the function is found. */
    static void fcall(CommandContext ctx, Functions functions, boolean readOnly) {
        long numkeys = ctx.argLong(2, "ERR Bad number of keys provided");
        if (numkeys > ctx.argc() - 3) {
            throw new CommandError("ERR Number of keys can't be greater than number of args");
        }
        if (numkeys < 0) {
            throw new CommandError("ERR Number of keys can't be negative");
        }
        functions.fcall(ctx, (int) numkeys, readOnly);
    }

    /** FUNCTION LOAD [REPLACE] code: every argument before the code is an option. */
    static void load(CommandContext ctx, Functions functions) {
        boolean replace = false;
        for (int i = 2; i < ctx.argc() - 1; i++) {
            if (!ctx.argIs(i, "replace")) {
                throw new CommandError("ERR Unknown option given: " + ctx.argString(i));
            }
            replace = true;
        }
        ctx.reply.bulk(functions.load(ctx.arg(ctx.argc() - 1), replace));
        changedFunctions(ctx);
    }

    /**
     * A change of the functions is a change of the data set, as Redis counts it: it makes the
     * next save point nearer and reaches replicas and the AOF, even when FLUSH had nothing to do.
     */
    private static void changedFunctions(CommandContext ctx) {
        ctx.db().countChanges(1);
        ctx.forcePropagation(Propagation.ALL);
    }

    static void list(CommandContext ctx, Functions functions) {
        boolean withCode = false;
        byte[] pattern = null;
        for (int i = 2; i < ctx.argc(); i++) {
            if (!withCode && ctx.argIs(i, "withcode")) {
                withCode = true;
            } else if (pattern == null && ctx.argIs(i, "libraryname")) {
                if (i >= ctx.argc() - 1) {
                    throw new CommandError("ERR library name argument was not given");
                }
                pattern = ctx.arg(++i);
            } else {
                throw new CommandError("ERR Unknown argument " + ctx.argString(i));
            }
        }
        functions.list(ctx.reply, pattern, withCode);
    }

    /** Redis's addReplySubcommandSyntaxError: names the subcommand as the client spelled it. */
    private static CommandError subcommandSyntax(CommandContext ctx) {
        return new CommandError("ERR unknown subcommand or wrong number of arguments for '" + ctx.argString(1) + "'. Try FUNCTION HELP.");
    }

    static void restore(CommandContext ctx, Functions functions) {
        if (ctx.argc() > 4) {
            throw subcommandSyntax(ctx);
        }
        Functions.RestorePolicy policy = Functions.RestorePolicy.APPEND;
        if (ctx.argc() == 4) {
            if (ctx.argIs(3, "flush")) {
                policy = Functions.RestorePolicy.FLUSH;
            } else if (ctx.argIs(3, "append")) {
                policy = Functions.RestorePolicy.APPEND;
            } else if (ctx.argIs(3, "replace")) {
                policy = Functions.RestorePolicy.REPLACE;
            } else {
                throw new CommandError("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
            }
        }
        functions.restore(ctx.arg(2), policy);
        changedFunctions(ctx);
        ctx.reply.ok();
    }
}
