package io.cinnabar.commands;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandError;
import io.cinnabar.command.CommandTable;
import io.cinnabar.server.Client;
import io.cinnabar.server.ClientPause;
import io.cinnabar.server.OutputLimits;
import io.cinnabar.server.Server;
import io.cinnabar.server.Tracking;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.unix.DomainSocketChannel;
import io.netty.channel.unix.UnixChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * CLIENT and its subcommands, as Redis 7.0 answers them, plus three Redis 7.2 additions that
 * client libraries send at connect or that are cheap to have: CLIENT SETINFO, CLIENT NO-TOUCH and
 * the lib-name/lib-ver fields of CLIENT LIST/INFO (and CLIENT KILL MAXAGE from 7.4). Their
 * metadata is in connection.json next to 7.0's.
 */
public final class ClientCommands {
    private ClientCommands() {}

    static final String BAD_NAME = "ERR Client names cannot contain spaces, newlines or special characters.";
    private static final String BAD_TYPE = "ERR Unknown client type '";

    static void install(Server server) {
        CommandTable t = server.commandTable();
        t.bind("client|id", ctx -> ctx.reply.integer(ctx.client.id()));
        t.bind("client|getname", ctx -> ctx.reply.bulk(ctx.client.name()));
        t.bind("client|setname", ClientCommands::setname);
        t.bind("client|setinfo", ClientCommands::setinfo);
        t.bind("client|info", ctx -> ctx.reply.verbatim(describe(ctx, ctx.client) + "\n", "txt"));
        t.bind("client|list", ClientCommands::list);
        t.bind("client|kill", ClientCommands::kill);
        t.bind("client|reply", ClientCommands::reply);
        t.bind("client|pause", ClientCommands::pause);
        t.bind("client|unpause", ctx -> {
            ctx.server.pause().unpause();
            ctx.reply.ok();
        });
        t.bind("client|no-evict", ctx -> {
            ctx.client.setNoEvict(onOff(ctx));
            ctx.reply.ok();
        });
        t.bind("client|no-touch", ctx -> {
            ctx.client.setNoTouch(onOff(ctx));
            ctx.reply.ok();
        });
        t.bind("client|help", ClientCommands::help);
        t.bind("client|unblock", ClientCommands::unblock);
        // the output-limit log line shows the client as Redis does, its current command included
        server.setClientDescriber(c -> describe(c.context(), c));
    }

    /** Names and library attributes: printable ASCII without spaces ('!' to '~'), or empty. */
    static boolean validName(byte[] name) {
        for (byte b : name) {
            if (b < '!' || b > '~') {
                return false;
            }
        }
        return true;
    }

    private static boolean onOff(CommandContext ctx) {
        if (ctx.argIs(2, "on")) {
            return true;
        }
        if (ctx.argIs(2, "off")) {
            return false;
        }
        throw CommandError.syntax();
    }

    static void setname(CommandContext ctx) {
        byte[] name = ctx.arg(2);
        if (!validName(name)) {
            throw new CommandError(BAD_NAME);
        }
        ctx.client.setName(name.length == 0 ? null : new String(name, StandardCharsets.US_ASCII));
        ctx.reply.ok();
    }

    /** CLIENT SETINFO LIB-NAME|LIB-VER value (Redis 7.2). */
    static void setinfo(CommandContext ctx) {
        boolean libName = ctx.argIs(2, "lib-name");
        if (!libName && !ctx.argIs(2, "lib-ver")) {
            throw new CommandError("ERR Unrecognized option '" + ctx.argString(2) + "'");
        }
        byte[] value = ctx.arg(3);
        if (!validName(value)) {
            throw new CommandError("ERR " + ctx.argString(2) + " cannot contain spaces, newlines or special characters.");
        }
        String v = value.length == 0 ? null : new String(value, StandardCharsets.US_ASCII);
        if (libName) {
            ctx.client.setLibName(v);
        } else {
            ctx.client.setLibVer(v);
        }
        ctx.reply.ok();
    }

    // ---------------------------------------------------------------- LIST / INFO

    /** The client types of CLIENT LIST TYPE and CLIENT KILL TYPE. */
    private enum Type { NORMAL, REPLICA, MASTER, PUBSUB }

    private static Type parseType(CommandContext ctx, int i) {
        if (ctx.argIs(i, "normal")) {
            return Type.NORMAL;
        }
        if (ctx.argIs(i, "slave") || ctx.argIs(i, "replica")) {
            return Type.REPLICA;
        }
        if (ctx.argIs(i, "master")) {
            return Type.MASTER;
        }
        if (ctx.argIs(i, "pubsub")) {
            return Type.PUBSUB;
        }
        throw new CommandError(BAD_TYPE + ctx.argString(i) + "'");
    }

    /** Replication clients are not tracked here yet: a client is a pubsub one or a normal one. */
    private static Type typeOf(Client c) {
        return c.inPubSubMode() ? Type.PUBSUB : Type.NORMAL;
    }

    static void list(CommandContext ctx) {
        StringBuilder out = new StringBuilder();
        if (ctx.argc() == 2) {
            for (Client c : ctx.server.clients()) {
                out.append(describe(ctx, c)).append('\n');
            }
        } else if (ctx.argc() == 4 && ctx.argIs(2, "type")) {
            Type type = parseType(ctx, 3);
            for (Client c : ctx.server.clients()) {
                if (typeOf(c) == type) {
                    out.append(describe(ctx, c)).append('\n');
                }
            }
        } else if (ctx.argc() > 3 && ctx.argIs(2, "id")) {
            List<Long> ids = new ArrayList<>();
            for (int i = 3; i < ctx.argc(); i++) {
                ids.add(ctx.argLong(i, "ERR Invalid client ID"));
            }
            for (long id : ids) {
                Client c = ctx.server.client(id);
                if (c != null) {
                    out.append(describe(ctx, c)).append('\n');
                }
            }
        } else {
            throw CommandError.syntax();
        }
        ctx.reply.verbatim(out.toString(), "txt");
    }

    /** The size of the reply buffer every Redis client has before it chains blocks (PROTO_REPLY_CHUNK_BYTES). */
    private static final int FIXED_REPLY_BUFFER = 16 * 1024;

    /**
     * CLIENT LIST's oll. Redis's obl is the bytes waiting in a client's fixed 16 KB reply buffer
     * and oll the number of blocks in the reply list chained after it. Our replies are staged for
     * the current batch in the client's ReplyWriter, then written to the socket, and what the
     * socket does not take waits in Netty's outbound queue, one entry per flushed batch. So obl
     * is the staged bytes up to 16 KB; oll counts one block for staged bytes beyond those (they
     * sit in one growing buffer) plus one for each batch Netty still queues. A client that stops
     * reading shows obl=0 and oll growing, as in Redis, whose fixed buffer is written first.
     * Read from the data thread while the channel's loop may be writing: a snapshot, like omem.
     */
    private static int replyBlocks(int staged, int queuedBatches) {
        return (staged > FIXED_REPLY_BUFFER ? 1 : 0) + queuedBatches;
    }

    /** Batches of replies Netty still holds for the socket (Redis then has a write handler: events=rw). */
    private static int queuedBatches(Client c) {
        ChannelOutboundBuffer queued = c.channel().unsafe().outboundBuffer();
        return queued == null ? 0 : queued.size();
    }

    /** One CLIENT LIST line, with Redis 7.0's fields in its order and 7.2's lib-name/lib-ver at the end. */
    static String describe(CommandContext ctx, Client c) {
        long now = System.currentTimeMillis();
        boolean current = c == ctx.client;
        int argvMem = 0;
        int qbuf = 0;
        if (current && ctx.argv() != null) {
            qbuf = 1 + digits(ctx.argc()) + 2;
            for (byte[] a : ctx.argv()) {
                argvMem += a.length;
                qbuf += 1 + digits(a.length) + 2 + a.length + 2;
            }
        }
        int qbufFree = current ? Math.max(0, 20474 - qbuf) : 0;
        int rbs = 1024;
        int staged = c.reply().mark();
        int queued = queuedBatches(c);
        long omem = OutputLimits.pendingBytes(c);
        long totMem = 1800 + qbuf + qbufFree + argvMem + rbs + omem;
        String cmd = c.lastCommand() == null ? "NULL" : c.lastCommand().name;
        StringBuilder b = new StringBuilder(300);
        b.append("id=").append(c.id())
                .append(" addr=").append(c.addr())
                .append(" laddr=").append(c.laddr())
                .append(" fd=").append(fd(c.channel()))
                .append(" name=").append(c.name() == null ? "" : c.name())
                .append(" age=").append(Math.max(0, (now - c.createdAt()) / 1000))
                .append(" idle=").append(Math.max(0, (now - c.lastInteraction()) / 1000))
                .append(" flags=").append(flags(c))
                .append(" db=").append(c.dbIndex())
                .append(" sub=").append(c.subscriptions())
                .append(" psub=").append(c.patternSubscriptions())
                .append(" ssub=").append(c.shardSubscriptions())
                .append(" multi=").append(c.transaction() == null ? -1 : c.transaction().size())
                .append(" qbuf=").append(qbuf)
                .append(" qbuf-free=").append(qbufFree)
                .append(" argv-mem=").append(argvMem)
                .append(" multi-mem=").append(c.transaction() == null ? 0 : c.transaction().memory())
                .append(" rbs=").append(rbs)
                .append(" rbp=0 obl=").append(Math.min(staged, FIXED_REPLY_BUFFER))
                .append(" oll=").append(replyBlocks(staged, queued))
                .append(" omem=").append(omem)
                .append(" tot-mem=").append(totMem)
                .append(" events=").append(queued > 0 ? "rw" : "r")
                .append(" cmd=").append(cmd)
                .append(" user=").append(c.user())
                .append(" redir=").append(Tracking.redirect(c))
                .append(" resp=").append(c.reply().protocol())
                .append(" lib-name=").append(c.libName() == null ? "" : c.libName())
                .append(" lib-ver=").append(c.libVer() == null ? "" : c.libVer());
        return b.toString();
    }

    private static int digits(long n) {
        return Long.toString(n).length();
    }

    private static int fd(Channel ch) {
        if (ch instanceof UnixChannel) {
            try {
                return ((UnixChannel) ch).fd().intValue();
            } catch (RuntimeException e) {
                return -1;
            }
        }
        return -1;
    }

    /** The flags letters of CLIENT LIST, in Redis's order; "N" when none applies. */
    private static String flags(Client c) {
        StringBuilder f = new StringBuilder(4);
        if (c.isMonitor()) {
            f.append('O');
        }
        if (c.inPubSubMode()) {
            f.append('P');
        }
        if (c.transaction() != null) {
            f.append('x');
        }
        if (c.isBlocked()) {
            f.append('b');
        }
        if (Tracking.isOn(c)) {
            f.append('t');
        }
        if (Tracking.hasBrokenRedirect(c)) {
            f.append('R');
        }
        if (Tracking.isBcast(c)) {
            f.append('B');
        }
        if (c.dirtyCas()) {
            f.append('d');
        }
        if (c.closeAfterReply()) {
            f.append('c');
        }
        if (c.channel() instanceof DomainSocketChannel) {
            f.append('U');
        }
        if (c.noEvict()) {
            f.append('e');
        }
        if (c.noTouch()) {
            f.append('T');
        }
        return f.length() == 0 ? "N" : f.toString();
    }

    // ---------------------------------------------------------------- KILL

    static void kill(CommandContext ctx) {
        if (ctx.argc() == 3) {
            String addr = ctx.argString(2);
            Client target = null;
            for (Client c : ctx.server.clients()) {
                if (c.addr().equals(addr)) {
                    target = c;
                    break;
                }
            }
            if (target == null) {
                throw new CommandError("ERR No such client");
            }
            ctx.reply.ok();
            close(ctx, target);
            return;
        }
        if ((ctx.argc() & 1) != 0) {
            throw CommandError.syntax();
        }
        long id = 0;
        Type type = null;
        String addr = null;
        String laddr = null;
        String user = null;
        boolean skipMe = true;
        long maxAge = 0;
        for (int i = 2; i < ctx.argc(); i += 2) {
            if (ctx.argIs(i, "id")) {
                long v = CommandContext.parseLong(ctx.arg(i + 1), "ERR client-id should be greater than 0");
                if (v <= 0) {
                    throw new CommandError("ERR client-id should be greater than 0");
                }
                id = v;
            } else if (ctx.argIs(i, "type")) {
                type = parseType(ctx, i + 1);
            } else if (ctx.argIs(i, "addr")) {
                addr = ctx.argString(i + 1);
            } else if (ctx.argIs(i, "laddr")) {
                laddr = ctx.argString(i + 1);
            } else if (ctx.argIs(i, "user")) {
                user = ctx.argString(i + 1);
                if (!user.equals("default")) {
                    throw new CommandError("ERR No such user '" + user + "'");
                }
            } else if (ctx.argIs(i, "skipme")) {
                if (ctx.argIs(i + 1, "yes")) {
                    skipMe = true;
                } else if (ctx.argIs(i + 1, "no")) {
                    skipMe = false;
                } else {
                    throw CommandError.syntax();
                }
            } else if (ctx.argIs(i, "maxage")) { // Redis 7.4
                long v = CommandContext.parseLong(ctx.arg(i + 1), CommandError.SYNTAX);
                if (v <= 0) {
                    throw CommandError.syntax();
                }
                maxAge = v;
            } else {
                throw CommandError.syntax();
            }
        }
        long now = System.currentTimeMillis();
        List<Client> victims = new ArrayList<>();
        for (Client c : ctx.server.clients()) {
            if ((id != 0 && c.id() != id)
                    || (type != null && typeOf(c) != type)
                    || (addr != null && !c.addr().equals(addr))
                    || (laddr != null && !c.laddr().equals(laddr))
                    || (user != null && !c.user().equals(user))
                    || (maxAge != 0 && (now - c.createdAt()) / 1000 <= maxAge)
                    || (skipMe && c == ctx.client)
                    || c.closeAfterReply()) {
                continue;
            }
            victims.add(c);
        }
        ctx.reply.integer(victims.size());
        for (Client c : victims) {
            close(ctx, c);
        }
    }

    /** The running client closes after this reply; any other at once, dropping its pending output. */
    private static void close(CommandContext ctx, Client c) {
        if (c == ctx.client) {
            ctx.server.closeClient(c);
        } else {
            c.setCloseAfterReply();
            c.reply().discard();
            c.channel().close();
        }
    }

    // ---------------------------------------------------------------- REPLY / PAUSE

    static void reply(CommandContext ctx) {
        Client c = ctx.client;
        if (ctx.argIs(2, "on")) {
            c.setReplyMode(Client.ReplyMode.ON);
            c.cancelSkip();
            ctx.reply.ok();
        } else if (ctx.argIs(2, "off")) {
            c.setReplyMode(Client.ReplyMode.OFF);
        } else if (ctx.argIs(2, "skip")) {
            if (c.replyMode() != Client.ReplyMode.OFF) {
                c.setReplyMode(Client.ReplyMode.SKIP);
            }
        } else {
            throw CommandError.syntax();
        }
    }

    static void pause(CommandContext ctx) {
        if (ctx.argc() > 4) {
            throw new CommandError("ERR unknown subcommand or wrong number of arguments for '" + ctx.argString(1)
                    + "'. Try CLIENT HELP.");
        }
        long timeout = ctx.argLong(2, "ERR timeout is not an integer or out of range");
        if (timeout < 0) {
            throw new CommandError("ERR timeout is negative");
        }
        ClientPause.Mode mode = ClientPause.Mode.ALL;
        if (ctx.argc() == 4) {
            if (ctx.argIs(3, "write")) {
                mode = ClientPause.Mode.WRITE;
            } else if (!ctx.argIs(3, "all")) {
                throw new CommandError("ERR CLIENT PAUSE mode must be WRITE or ALL");
            }
        }
        long now = System.currentTimeMillis();
        long end = now + timeout;
        if (end >= now) { // Redis 7.0 lets an overflowing end wrap into the past: no pause at all
            ctx.server.pause().pause(end, mode);
        }
        ctx.reply.ok();
    }

    // ---------------------------------------------------------------- HELP

    private static final String[] HELP = {
        "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GETREDIR",
        "    Reply with the id of the client that tracking notifications go to (-1: none).",
        "GETNAME",
        "    Reply with this connection's name.",
        "ID",
        "    Reply with this connection's id.",
        "INFO",
        "    Reply with one CLIENT LIST line describing this connection.",
        "KILL <ip:port>",
        "    Close the connection coming from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Close every connection that matches all the filters:",
        "    * ID <client-id>",
        "      The connection with this id.",
        "    * ADDR (<ip:port>|<unixsocket>:0)",
        "      Connections coming from this address.",
        "    * LADDR (<ip:port>|<unixsocket>:0)",
        "      Connections made to this local address.",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Connections of this type.",
        "    * USER <username>",
        "      Connections authenticated as this user.",
        "    * SKIPME (YES|NO)",
        "      Whether to spare the calling connection (default: YES).",
        "    * MAXAGE <seconds>",
        "      Connections older than this.",
        "LIST [options ...]",
        "    Reply with one line per connection. Options:",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Only connections of this type.",
        "    * ID <client-id> [<client-id> ...]",
        "      Only the connections with these ids.",
        "UNPAUSE",
        "    End a CLIENT PAUSE now.",
        "PAUSE <timeout> [WRITE|ALL]",
        "    Hold back the commands of all clients, or only writes, for <timeout> milliseconds.",
        "REPLY (ON|OFF|SKIP)",
        "    Turn replies to this connection on or off, or drop the reply of the next command.",
        "SETNAME <name>",
        "    Name this connection (no spaces or special characters; empty clears it).",
        "SETINFO <LIB-NAME|LIB-VER> <value>",
        "    Record the client library's name or version for CLIENT LIST.",
        "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]] [OPTIN] [OPTOUT] [NOLOOP]",
        "    Turn client-side caching invalidations on or off for this connection.",
        "CACHING (YES|NO)",
        "    With OPTIN or OPTOUT tracking, whether the keys of the next command are tracked.",
        "TRACKINGINFO",
        "    Reply with this connection's tracking state.",
        "NO-EVICT (ON|OFF)",
        "    Exempt this connection from client eviction, or stop exempting it.",
        "NO-TOUCH (ON|OFF)",
        "    Stop or resume updating the access time of keys this connection reads.",
        "HELP",
        "    Print this help.",
    };

    static void help(CommandContext ctx) {
        ctx.reply.array(HELP.length);
        for (String line : HELP) {
            ctx.reply.simple(line);
        }
    }

    /** CLIENT UNBLOCK id [TIMEOUT|ERROR]: ends a wait of a blocking command (not a pause). */
    static void unblock(CommandContext ctx) {
        long id = ctx.argLong(2);
        boolean withError = false;
        if (ctx.argc() == 4) {
            if (ctx.argIs(3, "error")) {
                withError = true;
            } else if (!ctx.argIs(3, "timeout")) {
                throw new CommandError("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
            }
        } else if (ctx.argc() > 4) {
            throw new CommandError("ERR unknown subcommand or wrong number of arguments for 'unblock'. Try CLIENT HELP.");
        }
        Client target = ctx.server.client(id);
        boolean done = target != null && ctx.server.blocking().unblock(target, withError);
        ctx.reply.integer(done ? 1 : 0);
    }
}
