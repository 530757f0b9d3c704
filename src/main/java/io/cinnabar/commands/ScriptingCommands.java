package io.cinnabar.commands;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandError;
import io.cinnabar.command.CommandHandler;
import io.cinnabar.command.CommandTable;
import io.cinnabar.scripting.ScriptEngine;
import io.cinnabar.server.Server;

/**
 * EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT LOAD/EXISTS/FLUSH/KILL/HELP over the Lua engine
 * ({@link ScriptEngine}); SHUTDOWN learns to stop a running script.
 */
public final class ScriptingCommands {
    private static final String[] SCRIPT_HELP = {
        "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DEBUG (YES|SYNC|NO)",
        "    Set the debug mode for subsequent scripts executed.",
        "EXISTS <sha1> [<sha1> ...]",
        "    Return information about the existence of the scripts in the script cache.",
        "FLUSH [ASYNC|SYNC]",
        "    Flush the Lua scripts cache. Very dangerous on replicas.",
        "    When called without the optional mode argument, the behavior is determined by the",
        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the scripts cache.",
        "    * SYNC: Synchronously flush the scripts cache.",
        "KILL",
        "    Kill the currently executing Lua script.",
        "LOAD <script>",
        "    Load a script into the scripts cache without executing it.",
        "HELP",
        "    Prints this help.",
    };

    private ScriptingCommands() {}

    static void install(Server server) {
        ScriptEngine engine = new ScriptEngine(server);
        server.info().attach(ScriptEngine.class, engine);
        CommandTable t = server.commandTable();
        t.bind("eval", ctx -> eval(ctx, engine, false, false));
        t.bind("evalsha", ctx -> eval(ctx, engine, true, false));
        t.bind("eval_ro", ctx -> eval(ctx, engine, false, true));
        t.bind("evalsha_ro", ctx -> eval(ctx, engine, true, true));
        for (String name : new String[] {"eval", "evalsha", "eval_ro", "evalsha_ro"}) {
            t.get(name).runsScripts = true;
            t.get(name).propagatesByEffects = true;
        }
        t.bind("script|load", ctx -> ctx.reply.bulk(engine.load(ctx.arg(2))));
        t.bind("script|exists", ctx -> {
            ctx.reply.array(ctx.argc() - 2);
            for (int i = 2; i < ctx.argc(); i++) {
                ctx.reply.integer(engine.exists(ctx.arg(i)) ? 1 : 0);
            }
        });
        t.bind("script|flush", ctx -> flush(ctx, engine));
        t.bind("script|kill", ctx -> {
            engine.kill();
            ctx.reply.ok();
        });
        t.bind("script|help", ctx -> {
            ctx.reply.array(SCRIPT_HELP.length);
            for (String line : SCRIPT_HELP) {
                ctx.reply.simple(line);
            }
        });
        CommandHandler shutdown = t.get("shutdown").handler();
        if (shutdown != null) {
            t.rebind("shutdown", ctx -> shutdown(ctx, engine, shutdown));
        }
    }

    /** EVAL script numkeys [key ...] [arg ...] and the others, as Redis's evalGenericCommand. */
    static void eval(CommandContext ctx, ScriptEngine engine, boolean bySha, boolean readOnly) {
        long numkeys = ctx.argLong(2);
        if (numkeys > ctx.argc() - 3) {
            throw new CommandError("ERR Number of keys can't be greater than number of args");
        }
        if (numkeys < 0) {
            throw new CommandError("ERR Number of keys can't be negative");
        }
        engine.eval(ctx, bySha, (int) numkeys, readOnly);
    }

    static void flush(CommandContext ctx, ScriptEngine engine) {
        if (ctx.argc() > 3 || (ctx.argc() == 3 && !ctx.argIs(2, "sync") && !ctx.argIs(2, "async"))) {
            throw new CommandError("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
        }
        engine.flush();
        ctx.reply.ok();
    }

    /** SHUTDOWN while a script is busy: only NOSAVE is accepted, and it stops the script. */
    static void shutdown(CommandContext ctx, ScriptEngine engine, CommandHandler original) {
        if (engine.busy()) {
            boolean nosave = false;
            for (int i = 1; i < ctx.argc(); i++) {
                nosave |= ctx.argIs(i, "nosave");
            }
            if (!nosave) {
                String busy = ctx.server.busyReply(); // names SCRIPT KILL or FUNCTION KILL
                throw new CommandError(busy != null ? busy : ScriptEngine.BUSY);
            }
            engine.killForShutdown();
        }
        original.execute(ctx);
    }
}
