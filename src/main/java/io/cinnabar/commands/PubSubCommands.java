package io.cinnabar.commands;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.Propagation;
import io.cinnabar.command.CommandError;
import io.cinnabar.command.CommandTable;
import io.cinnabar.pubsub.PubSub;
import io.cinnabar.pubsub.PubSub.Kind;
import io.cinnabar.server.Server;
import java.util.List;

/** The pub/sub group: (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PUBLISH, SPUBLISH and PUBSUB introspection. */
public final class PubSubCommands {
    private final PubSub pubsub;

    private PubSubCommands(PubSub pubsub) {
        this.pubsub = pubsub;
    }

    static void install(Server server) {
        PubSubCommands c = new PubSubCommands(PubSub.install(server));
        PubSub p = c.pubsub;
        CommandTable t = server.commandTable();
        t.bind("subscribe", ctx -> c.subscribe(ctx, Kind.CHANNEL));
        t.bind("psubscribe", ctx -> c.subscribe(ctx, Kind.PATTERN));
        t.bind("ssubscribe", ctx -> c.subscribe(ctx, Kind.SHARD));
        t.bind("unsubscribe", ctx -> c.unsubscribe(ctx, Kind.CHANNEL));
        t.bind("punsubscribe", ctx -> c.unsubscribe(ctx, Kind.PATTERN));
        t.bind("sunsubscribe", ctx -> c.unsubscribe(ctx, Kind.SHARD));
        // Replicas deliver messages to their own subscribers; the AOF has no use for them.
        t.bind("publish", ctx -> {
            ctx.reply.integer(p.publish(ctx.arg(1), ctx.arg(2)));
            ctx.forcePropagation(Propagation.REPLICAS);
        });
        t.bind("spublish", ctx -> {
            ctx.reply.integer(p.spublish(ctx.arg(1), ctx.arg(2)));
            ctx.forcePropagation(Propagation.REPLICAS);
        });
        t.bind("pubsub|channels", ctx -> c.channels(ctx, false));
        t.bind("pubsub|shardchannels", ctx -> c.channels(ctx, true));
        t.bind("pubsub|numsub", ctx -> c.numsub(ctx, false));
        t.bind("pubsub|shardnumsub", ctx -> c.numsub(ctx, true));
        t.bind("pubsub|numpat", ctx -> ctx.reply.integer(p.patternCount()));
        t.bind("pubsub|help", PubSubCommands::help);
    }

    private void subscribe(CommandContext ctx, Kind kind) {
        for (int i = 1; i < ctx.argc(); i++) {
            pubsub.subscribe(ctx.client, kind, ctx.arg(i));
        }
    }

    /** Unsubscribes from the names given, or from every name of that kind when none is. */
    private void unsubscribe(CommandContext ctx, Kind kind) {
        if (ctx.argc() == 1) {
            pubsub.unsubscribeAll(ctx.client, kind);
            return;
        }
        for (int i = 1; i < ctx.argc(); i++) {
            pubsub.unsubscribe(ctx.client, kind, ctx.arg(i));
        }
    }

    /** PUBSUB CHANNELS|SHARDCHANNELS [pattern]. */
    private void channels(CommandContext ctx, boolean shard) {
        if (ctx.argc() > 3) {
            throw new CommandError("ERR unknown subcommand or wrong number of arguments for '" + ctx.argString(1)
                    + "'. Try PUBSUB HELP.");
        }
        List<byte[]> names = pubsub.channels(ctx.argc() == 3 ? ctx.arg(2) : null, shard);
        ctx.reply.array(names.size());
        for (byte[] name : names) {
            ctx.reply.bulk(name);
        }
    }

    /** PUBSUB NUMSUB|SHARDNUMSUB [channel ...]: name, count pairs as a flat array even in RESP3, as Redis 7.0. */
    private void numsub(CommandContext ctx, boolean shard) {
        ctx.reply.array(2 * (ctx.argc() - 2));
        for (int i = 2; i < ctx.argc(); i++) {
            ctx.reply.bulk(ctx.arg(i));
            ctx.reply.integer(pubsub.subscriberCount(ctx.arg(i), shard));
        }
    }

    private static final String[] HELP = {
        "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> (default: '*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
        "HELP",
        "    Prints this help.",
    };

    private static void help(CommandContext ctx) {
        ctx.reply.array(HELP.length);
        for (String line : HELP) {
            ctx.reply.simple(line);
        }
    }
}
