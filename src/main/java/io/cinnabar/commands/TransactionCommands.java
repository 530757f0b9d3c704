package io.cinnabar.commands;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandError;
import io.cinnabar.command.CommandTable;
import io.cinnabar.server.Client;
import io.cinnabar.server.Server;
import io.cinnabar.server.Transaction;
import io.cinnabar.server.Watches;

/**
 * MULTI, EXEC, DISCARD, WATCH and UNWATCH, as Redis's multi.c. The dispatcher queues a client's
 * commands after MULTI (and marks the transaction aborted when it refuses one); EXEC runs the
 * queue unless it was aborted or a watched key changed. Nothing is rolled back: a command that
 * fails inside EXEC leaves its error in the reply array and the rest still run.
 */
public final class TransactionCommands {
    private TransactionCommands() {}

    static void install(Server server) {
        CommandTable t = server.commandTable();
        t.bind("multi", TransactionCommands::multi);
        t.bind("exec", TransactionCommands::exec);
        t.get("exec").propagatesByEffects = true;
        t.bind("discard", TransactionCommands::discard);
        t.bind("watch", TransactionCommands::watch);
        t.bind("unwatch", TransactionCommands::unwatch);
    }

    static void multi(CommandContext ctx) {
        if (ctx.client.transaction() != null) {
            throw new CommandError("ERR MULTI calls can not be nested");
        }
        ctx.client.setTransaction(new Transaction());
        ctx.reply.ok();
    }

    static void exec(CommandContext ctx) {
        Client c = ctx.client;
        Transaction t = c.transaction();
        if (t == null) {
            throw new CommandError("ERR EXEC without MULTI");
        }
        Watches watches = ctx.server.watches();
        watches.expireWatched(c);
        boolean changed = c.dirtyCas();
        endTransaction(ctx);
        if (t.aborted()) {
            throw new CommandError("EXECABORT Transaction discarded because of previous errors.");
        }
        if (changed) {
            ctx.reply.nullArray();
            return;
        }
        ctx.reply.array(t.size());
        c.setInExec(true);
        try {
            for (int i = 0; i < t.size(); i++) {
                ctx.server.dispatcher().callQueued(c, t.spec(i), t.argv(i));
            }
        } finally {
            c.setInExec(false);
        }
    }

    static void discard(CommandContext ctx) {
        if (ctx.client.transaction() == null) {
            throw new CommandError("ERR DISCARD without MULTI");
        }
        endTransaction(ctx);
        ctx.reply.ok();
    }

    static void watch(CommandContext ctx) {
        if (ctx.client.transaction() != null) {
            throw new CommandError("ERR WATCH inside MULTI is not allowed");
        }
        for (int i = 1; i < ctx.argc(); i++) {
            ctx.server.watches().watch(ctx.client, ctx.db(), ctx.arg(i));
        }
        ctx.reply.ok();
    }

    static void unwatch(CommandContext ctx) {
        ctx.server.watches().unwatchAll(ctx.client);
        ctx.client.setDirtyCas(false);
        ctx.reply.ok();
    }

    /** Leaves MULTI state and forgets the watches, as EXEC and DISCARD both do first. */
    private static void endTransaction(CommandContext ctx) {
        ctx.server.discardTransaction(ctx.client);
    }
}
