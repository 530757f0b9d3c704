package io.cinnabar.commands;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandError;
import io.cinnabar.command.CommandTable;
import io.cinnabar.keyspace.Database;
import io.cinnabar.keyspace.KeyTable;
import io.cinnabar.server.Server;
import io.cinnabar.types.StringValue;
import io.cinnabar.types.Values;

/** The string group. */
public final class StringCommands {
    private StringCommands() {}

    static void install(Server server) {
        CommandTable t = server.commandTable();
        t.bind("get", StringCommands::get);
        t.bind("set", StringCommands::set);
    }

    /** The string at key, null if absent; WRONGTYPE if the key holds another type. */
    static Object getString(Database db, byte[] key) {
        Object v = db.get(key);
        if (v != null && !Values.isString(v)) {
            throw CommandError.wrongType();
        }
        return v;
    }

    static void replyString(CommandContext ctx, Object v) {
        if (v == null) {
            ctx.reply.nullBulk();
        } else if (v instanceof byte[]) {
            ctx.reply.bulk((byte[]) v);
        } else if (v instanceof Long) {
            ctx.reply.bulkLong((Long) v);
        } else {
            byte[] b = StringValue.bytes(v);
            ctx.reply.bulk(b);
        }
    }

    static void get(CommandContext ctx) {
        replyString(ctx, getString(ctx.db(), ctx.arg(1)));
    }

    static void set(CommandContext ctx) {
        if (ctx.argc() != 3) {
            throw CommandError.syntax();
        }
        ctx.db().set(ctx.arg(1), StringValue.of(ctx.arg(2)), KeyTable.NO_EXPIRE);
        ctx.reply.ok();
    }
}
