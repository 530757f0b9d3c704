package io.cinnabar.commands;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandTable;
import io.cinnabar.server.Server;

/** The connection group: PING, ECHO, QUIT, SELECT, HELLO, AUTH, RESET. */
public final class ConnectionCommands {
    private ConnectionCommands() {}

    static void install(Server server) {
        CommandTable t = server.commandTable();
        t.bind("ping", ConnectionCommands::ping);
        t.bind("echo", ctx -> ctx.reply.bulk(ctx.arg(1)));
        t.bind("quit", ConnectionCommands::quit);
        t.bind("select", ConnectionCommands::select);
    }

    static void ping(CommandContext ctx) {
        if (ctx.argc() > 2) {
            ctx.reply.error("ERR wrong number of arguments for 'ping' command");
            return;
        }
        if (ctx.argc() == 2) {
            ctx.reply.bulk(ctx.arg(1));
        } else {
            ctx.reply.simple("PONG");
        }
    }

    static void quit(CommandContext ctx) {
        ctx.reply.ok();
        ctx.server.closeClient(ctx.client);
    }

    static void select(CommandContext ctx) {
        long db = ctx.argLong(1, "ERR value is not an integer or out of range");
        if (db < 0 || db >= ctx.server.keyspace().count()) {
            ctx.reply.error("ERR DB index is out of range");
            return;
        }
        ctx.client.setDbIndex((int) db);
        ctx.reply.ok();
    }
}
