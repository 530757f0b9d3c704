package io.cinnabar.commands;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandSpec;
import io.cinnabar.command.CommandTable;
import io.cinnabar.config.Config;
import io.cinnabar.config.ConfigException;
import io.cinnabar.config.ConfigRewrite;
import io.cinnabar.config.Param;
import io.cinnabar.server.Client;
import io.cinnabar.server.Server;
import io.cinnabar.util.Glob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** CONFIG GET / SET / RESETSTAT / REWRITE / HELP over the typed registry in {@link Config}. */
final class ConfigCommands {
    private static final Logger log = LoggerFactory.getLogger(ConfigCommands.class);

    private ConfigCommands() {}

    static void install(Server server) {
        CommandTable t = server.commandTable();
        t.bind("config|get", ConfigCommands::get);
        t.bind("config|set", ConfigCommands::set);
        t.bind("config|resetstat", ConfigCommands::resetStat);
        t.bind("config|rewrite", ConfigCommands::rewrite);
        t.bind("config|help", ConfigCommands::help);
    }

    static void get(CommandContext ctx) {
        Config config = ctx.server.config();
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 2; i < ctx.argc(); i++) {
            String pattern = ctx.argString(i);
            if (!Glob.hasWildcards(pattern)) {
                Param p = config.find(pattern);
                if (p != null) {
                    out.putIfAbsent(pattern, p.get());
                }
                continue;
            }
            byte[] pat = ctx.arg(i);
            for (Map.Entry<String, Param> e : config.allNames().entrySet()) {
                if (Glob.matchNoCase(pat, e.getKey().getBytes(StandardCharsets.UTF_8))) {
                    out.putIfAbsent(e.getKey(), e.getValue().get());
                }
            }
        }
        ctx.reply.map(out.size());
        for (Map.Entry<String, String> e : out.entrySet()) {
            ctx.reply.bulk(e.getKey());
            ctx.reply.bulk(e.getValue());
        }
    }

    /** Whether a protected setting (enable-protected-configs / enable-debug-command) allows this client. */
    static boolean allowedBy(Param.Choice setting, Client c) {
        String v = setting.value();
        if (v.equals("yes")) {
            return true;
        }
        if (v.equals("local")) {
            return isLocal(c);
        }
        return false;
    }

    static boolean isLocal(Client c) {
        java.net.SocketAddress a = c.channel().remoteAddress();
        if (a instanceof java.net.InetSocketAddress) {
            java.net.InetAddress ip = ((java.net.InetSocketAddress) a).getAddress();
            return ip != null && ip.isLoopbackAddress();
        }
        return true; // unix socket
    }

    static void set(CommandContext ctx) {
        if ((ctx.argc() & 1) != 0) {
            ctx.reply.error("ERR syntax error");
            return;
        }
        Config config = ctx.server.config();
        int n = (ctx.argc() - 2) / 2;
        Param[] params = new Param[n];
        String[] names = new String[n];
        // Like Redis 7.0, a name and its alias are separate entries: only a repeated name is a duplicate.
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < n; i++) {
            names[i] = ctx.argString(2 + 2 * i);
            Param p = config.find(names[i]);
            if (p == null) {
                ctx.reply.error("ERR Unknown option or number of arguments for CONFIG SET - '" + names[i] + "'");
                return;
            }
            String reason = null;
            if (!p.mutable) {
                reason = "can't set immutable config";
            } else if (p.isProtected() && !allowedBy(config.enableProtectedConfigs, ctx.client)) {
                reason = "can't set protected config";
            } else if (!seen.add(names[i].toLowerCase(java.util.Locale.ROOT))) {
                reason = "duplicate parameter";
            }
            if (reason != null) {
                ctx.reply.error(failed(names[i], reason));
                return;
            }
            params[i] = p;
        }
        String[] old = new String[n];
        for (int i = 0; i < n; i++) {
            old[i] = params[i].get();
            try {
                params[i].set(ctx.argString(3 + 2 * i));
            } catch (ConfigException e) {
                // all or nothing: put back what this command already changed
                for (int k = i - 1; k >= 0; k--) {
                    restore(params[k], old[k]);
                }
                ctx.reply.error(failed(names[i], e.getMessage()));
                return;
            } catch (RuntimeException e) {
                restore(params[i], old[i]);
                for (int k = i - 1; k >= 0; k--) {
                    restore(params[k], old[k]);
                }
                ctx.reply.error(failed(names[i], String.valueOf(e.getMessage())));
                return;
            }
        }
        for (Param p : params) {
            if (config.notYetEffective().contains(p.name)) {
                log.warn("CONFIG SET {} {}: accepted, but this setting has no effect in Cinnabar yet", p.name, p.get());
            }
        }
        ctx.reply.ok();
    }

    private static void restore(Param p, String value) {
        try {
            p.set(value);
        } catch (ConfigException | RuntimeException e) {
            log.warn("Failed to restore config '{}' to '{}': {}", p.name, value, e.getMessage());
        }
    }

    private static String failed(String name, String reason) {
        return "ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + reason;
    }

    static void resetStat(CommandContext ctx) {
        resetStats(ctx.server);
        ctx.reply.ok();
    }

    /** What CONFIG RESETSTAT clears: server counters, keyspace counters, per-command stats. */
    static void resetStats(Server server) {
        server.stats().reset();
        server.keyspace().stats.reset();
        for (CommandSpec spec : server.commandTable().all()) {
            spec.resetStats();
            for (CommandSpec sub : spec.subcommands()) {
                sub.resetStats();
            }
        }
        InfoCommand.resetSamples(server);
        LatencyStats latency = LatencyStats.of(server);
        if (latency != null) {
            latency.reset();
        }
    }

    static void rewrite(CommandContext ctx) {
        Config config = ctx.server.config();
        if (config.configFile() == null) {
            ctx.reply.error("ERR The server is running without a config file");
            return;
        }
        try {
            ConfigRewrite.rewrite(config, java.nio.file.Path.of(config.configFile()));
            log.info("CONFIG REWRITE executed with success.");
            ctx.reply.ok();
        } catch (IOException e) {
            log.warn("CONFIG REWRITE failed: {}", e.getMessage());
            ctx.reply.error("ERR Rewriting config file: " + e.getMessage());
        }
    }

    static void help(CommandContext ctx) {
        KeyCommands.replyHelp(ctx, "CONFIG",
                "GET <pattern>",
                "    Return parameters matching the glob-like <pattern> and their values.",
                "SET <directive> <value>",
                "    Set the configuration <directive> to <value>.",
                "RESETSTAT",
                "    Reset statistics reported by the INFO command.",
                "REWRITE",
                "    Rewrite the configuration file.");
    }
}
