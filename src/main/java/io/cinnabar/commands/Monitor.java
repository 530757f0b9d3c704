package io.cinnabar.commands;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandFlag;
import io.cinnabar.command.CommandSpec;
import io.cinnabar.server.Client;
import io.cinnabar.server.Server;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * MONITOR: streams every executed command to the monitoring clients in Redis's format
 * {@code +1700000000.123456 [0 127.0.0.1:50000] "set" "k" "v"} ({@code [0 lua]} for what a script
 * calls). Like Redis, admin commands are not shown, secrets (AUTH, HELLO AUTH, MIGRATE AUTH) are
 * redacted, and the db shown is the client's db after the command ran; scripts show as they start.
 */
final class Monitor implements Server.CommandObserver, Server.ClientListener {
    private final Server server;
    private final List<Client> monitors = new ArrayList<>();

    private Monitor(Server server) {
        this.server = server;
    }

    static void install(Server server) {
        Monitor m = new Monitor(server);
        server.addClientListener(m);
        server.commandTable().bind("monitor", m::monitor);
    }

    private void monitor(CommandContext ctx) {
        Client c = ctx.client;
        if (c.isMonitor()) {
            ctx.reply.ok();
            return;
        }
        c.setMonitor(true);
        if (monitors.isEmpty()) {
            server.addObserver(this);
        }
        monitors.add(c);
        ctx.reply.ok();
    }

    @Override
    public void clientClosed(Client c) {
        if (monitors.remove(c) && monitors.isEmpty()) {
            server.removeObserver(this);
        }
    }

    /**
     * EVAL, EVALSHA, FCALL and their _RO forms, the commands Redis 7.0 flags skip_monitor, are fed
     * by Redis itself as they start (even when they then fail), so that the commands a script
     * calls follow it.
     */
    @Override
    public void beforeCommand(CommandContext ctx, CommandSpec spec) {
        if (spec.has(CommandFlag.SKIP_MONITOR) && !ctx.servingBlocked()) {
            feed(ctx, spec);
        }
    }

    @Override
    public void afterCommand(CommandContext ctx, CommandSpec spec, long micros) {
        CommandSpec top = spec.parent != null ? spec.parent : spec;
        if (ctx.servingBlocked() || spec.has(CommandFlag.ADMIN) || spec.has(CommandFlag.SKIP_MONITOR)
                || top.has(CommandFlag.ADMIN) || top.has(CommandFlag.SKIP_MONITOR)) {
            return;
        }
        feed(ctx, spec);
    }

    private void feed(CommandContext ctx, CommandSpec spec) {
        byte[] line = format(Instant.now(), ctx.client.dbIndex(), address(ctx.client), ctx.argv(), spec);
        for (int i = 0; i < monitors.size(); i++) {
            Client m = monitors.get(i);
            if (!m.isClosed()) {
                m.reply().raw(line);
                server.markForFlush(m);
            }
        }
    }

    String address(Client c) {
        if (c.calledFromScript()) {
            return "lua";
        }
        if (c.channel().remoteAddress() instanceof InetSocketAddress) {
            return c.addr();
        }
        return "unix:" + server.config().unixsocket.value();
    }

    static byte[] format(Instant when, int db, String addr, byte[][] argv, CommandSpec spec) {
        StringBuilder b = new StringBuilder(64);
        b.append('+').append(when.getEpochSecond()).append('.');
        String micros = Integer.toString(when.getNano() / 1000);
        for (int i = micros.length(); i < 6; i++) {
            b.append('0');
        }
        b.append(micros).append(" [").append(db).append(' ').append(addr).append(']');
        for (int i = 0; i < argv.length; i++) {
            b.append(' ');
            if (redacted(spec, argv, i)) {
                b.append("\"(redacted)\"");
            } else {
                repr(b, argv[i]);
            }
        }
        b.append("\r\n");
        return b.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Whether argument i carries a secret that MONITOR and SLOWLOG must not show. */
    static boolean redacted(CommandSpec spec, byte[][] argv, int i) {
        if (i == 0) {
            return false;
        }
        String name = spec.parent != null ? spec.parent.name : spec.name;
        switch (name) {
            case "auth":
                return true;
            case "hello":
                for (int k = 2; k < i && k < argv.length; k++) {
                    if (CommandContext.equalsIgnoreCase(argv[k], "auth") && i <= k + 2) {
                        return true;
                    }
                }
                return false;
            case "migrate":
                for (int k = 6; k < i && k < argv.length; k++) {
                    if (CommandContext.equalsIgnoreCase(argv[k], "auth") && i == k + 1) {
                        return true;
                    }
                    if (CommandContext.equalsIgnoreCase(argv[k], "auth2") && i <= k + 2) {
                        return true;
                    }
                }
                return false;
            default:
                return false;
        }
    }

    static void repr(StringBuilder b, byte[] s) {
        io.cinnabar.util.Repr.append(b, s);
    }
}
