package io.cinnabar.commands;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandError;
import io.cinnabar.command.CommandTable;
import io.cinnabar.server.Client;
import io.cinnabar.server.Server;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The connection group: PING, ECHO, QUIT, SELECT, HELLO, AUTH, RESET. */
public final class ConnectionCommands {
    private ConnectionCommands() {}

    static void install(Server server) {
        CommandTable t = server.commandTable();
        t.bind("ping", ConnectionCommands::ping);
        t.bind("echo", ctx -> ctx.reply.bulk(ctx.arg(1)));
        t.bind("quit", ConnectionCommands::quit);
        t.bind("select", ConnectionCommands::select);
        t.bind("hello", ConnectionCommands::hello);
        t.bind("auth", ConnectionCommands::auth);
        t.bind("reset", ConnectionCommands::reset);
    }

    static final String WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";
    private static final byte[] DEFAULT_USER = "default".getBytes(StandardCharsets.US_ASCII);

    /**
     * Checks a username/password pair. Until ACL users exist there is one user, "default", which
     * takes any password while requirepass is empty (Redis's "nopass") and else only requirepass.
     */
    static boolean checkPassword(Server server, byte[] user, byte[] password) {
        if (!java.util.Arrays.equals(user, DEFAULT_USER)) {
            return false;
        }
        String required = server.config().requirepass.value();
        if (required.isEmpty()) {
            return true;
        }
        // constant time, like Redis's time-independent compare
        return MessageDigest.isEqual(required.getBytes(StandardCharsets.UTF_8), password);
    }

    /** Authenticates or replies WRONGPASS; true on success. */
    private static boolean authenticate(CommandContext ctx, byte[] user, byte[] password) {
        if (!checkPassword(ctx.server, user, password)) {
            ctx.reply.error(WRONGPASS);
            return false;
        }
        ctx.client.setUser(new String(user, StandardCharsets.UTF_8));
        ctx.client.setAuthenticated(true);
        return true;
    }

    /** AUTH [username] password. */
    static void auth(CommandContext ctx) {
        if (ctx.argc() > 3) {
            throw CommandError.syntax();
        }
        if (ctx.argc() == 2) {
            if (ctx.server.config().requirepass.value().isEmpty()) {
                throw new CommandError("ERR AUTH <password> called without any password configured for the default user. "
                        + "Are you sure your configuration is correct?");
            }
            if (authenticate(ctx, DEFAULT_USER, ctx.arg(1))) {
                ctx.reply.ok();
            }
            return;
        }
        if (authenticate(ctx, ctx.arg(1), ctx.arg(2))) {
            ctx.reply.ok();
        }
    }

    /**
     * HELLO [protover [AUTH username password] [SETNAME clientname]]. As in Redis 7.0 the options
     * take effect one by one as they are read: a later bad option leaves an earlier AUTH or
     * SETNAME applied, and SETNAME applies even when the client then gets NOAUTH.
     */
    static void hello(CommandContext ctx) {
        int version = 0;
        if (ctx.argc() >= 2) {
            long v = ctx.argLong(1, "ERR Protocol version is not an integer or out of range");
            if (v < 2 || v > 3) {
                throw new CommandError("NOPROTO unsupported protocol version");
            }
            version = (int) v;
        }
        for (int j = 2; j < ctx.argc(); j++) {
            int more = ctx.argc() - 1 - j;
            if (ctx.argIs(j, "auth") && more >= 2) {
                if (!authenticate(ctx, ctx.arg(j + 1), ctx.arg(j + 2))) {
                    return;
                }
                j += 2;
            } else if (ctx.argIs(j, "setname") && more >= 1) {
                byte[] name = ctx.arg(j + 1);
                if (!ClientCommands.validName(name)) {
                    throw new CommandError(ClientCommands.BAD_NAME);
                }
                ctx.client.setName(name.length == 0 ? null : new String(name, StandardCharsets.UTF_8));
                j++;
            } else {
                throw new CommandError("ERR Syntax error in HELLO option '" + ctx.argString(j) + "'");
            }
        }
        if (!ctx.client.isAuthenticated()) {
            throw new CommandError("NOAUTH HELLO must be called with the client already authenticated, otherwise the "
                    + "HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP "
                    + "protocol version at the same time");
        }
        if (version != 0) {
            ctx.reply.setProtocol(version);
        }
        ctx.reply.map(7);
        ctx.reply.bulk("server");
        ctx.reply.bulk("redis");
        ctx.reply.bulk("version");
        ctx.reply.bulk(Server.REDIS_VERSION);
        ctx.reply.bulk("proto");
        ctx.reply.integer(ctx.reply.protocol());
        ctx.reply.bulk("id");
        ctx.reply.integer(ctx.client.id());
        ctx.reply.bulk("mode");
        ctx.reply.bulk("standalone");
        ctx.reply.bulk("role");
        ctx.reply.bulk("master");
        ctx.reply.bulk("modules");
        ctx.reply.array(0);
    }

    /**
     * RESET: the connection as if new, except for its id, address and library info. Modules drop
     * their own state (MULTI, WATCH, subscriptions, tracking, MONITOR) through
     * {@link Server#notifyReset}. Like Redis 7.0 it keeps CLIENT NO-EVICT and a pending REPLY
     * SKIP of this very command.
     */
    static void reset(CommandContext ctx) {
        Client c = ctx.client;
        ctx.server.notifyReset(c);
        c.setMonitor(false);
        c.setDbIndex(0);
        ctx.reply.setProtocol(2);
        c.setName(null);
        c.setReplyMode(Client.ReplyMode.ON);
        c.setNoTouch(false);
        c.setUser("default");
        c.setAuthenticated(ctx.server.config().requirepass.value().isEmpty());
        ctx.reply.simple("RESET");
    }

    private static final byte[] PONG_WORD = "pong".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY = new byte[0];

    static void ping(CommandContext ctx) {
        if (ctx.argc() > 2) {
            ctx.reply.error("ERR wrong number of arguments for 'ping' command");
            return;
        }
        if (ctx.client.inPubSubMode() && !ctx.reply.resp3()) {
            // a RESP2 subscriber can only read pushes, so PING answers in the same shape
            ctx.reply.array(2);
            ctx.reply.bulk(PONG_WORD);
            ctx.reply.bulk(ctx.argc() == 2 ? ctx.arg(1) : EMPTY);
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
