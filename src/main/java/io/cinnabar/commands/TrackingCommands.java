package io.cinnabar.commands;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandError;
import io.cinnabar.command.CommandTable;
import io.cinnabar.server.Client;
import io.cinnabar.server.Server;
import io.cinnabar.server.Tracking;
import java.util.ArrayList;
import java.util.List;

/** CLIENT TRACKING, CACHING, GETREDIR and TRACKINGINFO, with Redis 7.0's checks in its order. */
public final class TrackingCommands {
    private TrackingCommands() {}

    static void install(Server server) {
        Tracking tracking = Tracking.install(server);
        CommandTable t = server.commandTable();
        t.bind("client|tracking", ctx -> tracking(ctx, tracking));
        t.bind("client|caching", TrackingCommands::caching);
        t.bind("client|getredir", ctx -> ctx.reply.integer(Tracking.redirect(ctx.client)));
        t.bind("client|trackinginfo", TrackingCommands::trackinginfo);
    }

    static void tracking(CommandContext ctx, Tracking tracking) {
        long redirect = 0;
        boolean bcast = false;
        boolean optin = false;
        boolean optout = false;
        boolean noloop = false;
        List<byte[]> prefixes = new ArrayList<>();
        for (int i = 3; i < ctx.argc(); i++) {
            boolean more = i + 1 < ctx.argc();
            if (ctx.argIs(i, "redirect") && more) {
                i++;
                if (redirect != 0) {
                    throw new CommandError("ERR A client can only redirect to a single other client");
                }
                redirect = ctx.argLong(i);
                if (ctx.server.client(redirect) == null) {
                    throw new CommandError("ERR The client ID you want redirect to does not exist");
                }
            } else if (ctx.argIs(i, "bcast")) {
                bcast = true;
            } else if (ctx.argIs(i, "optin")) {
                optin = true;
            } else if (ctx.argIs(i, "optout")) {
                optout = true;
            } else if (ctx.argIs(i, "noloop")) {
                noloop = true;
            } else if (ctx.argIs(i, "prefix") && more) {
                prefixes.add(ctx.arg(++i));
            } else {
                throw CommandError.syntax();
            }
        }
        Client c = ctx.client;
        if (ctx.argIs(2, "on")) {
            if (!bcast && !prefixes.isEmpty()) {
                throw new CommandError("ERR PREFIX option requires BCAST mode to be enabled");
            }
            if (Tracking.isOn(c) && Tracking.isBcast(c) != bcast) {
                throw new CommandError("ERR You can't switch BCAST mode on/off before disabling tracking for this "
                        + "client, and then re-enabling it with a different mode.");
            }
            if (bcast && (optin || optout)) {
                throw new CommandError("ERR OPTIN and OPTOUT are not compatible with BCAST");
            }
            if (optin && optout) {
                throw new CommandError("ERR You can't specify both OPTIN mode and OPTOUT mode");
            }
            if ((optin && Tracking.optout(c)) || (optout && Tracking.optin(c))) {
                throw new CommandError("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this "
                        + "client, and then re-enabling it with a different mode.");
            }
            if (!prefixCollisionReplied(ctx, prefixes)) {
                return;
            }
            tracking.enable(c, redirect, bcast, optin, optout, noloop, prefixes);
        } else if (ctx.argIs(2, "off")) {
            tracking.disable(c);
        } else {
            throw CommandError.syntax();
        }
        ctx.reply.ok();
    }

    /**
     * Redis's checkPrefixCollisionsOrReply, including its quirk: an overlap between two given
     * prefixes found after the first one is reported, yet tracking is still enabled (and OK
     * follows the error), because the C function returns the index as its success flag.
     */
    private static boolean prefixCollisionReplied(CommandContext ctx, List<byte[]> prefixes) {
        for (int i = 0; i < prefixes.size(); i++) {
            String existing = Tracking.existingPrefixCollision(ctx.client, prefixes.get(i));
            if (existing != null) {
                ctx.reply.error(existing);
                return false;
            }
            for (int j = i + 1; j < prefixes.size(); j++) {
                if (Tracking.overlaps(prefixes.get(i), prefixes.get(j))) {
                    ctx.reply.error("ERR Prefix '" + Tracking.text(prefixes.get(i))
                            + "' overlaps with another provided prefix '" + Tracking.text(prefixes.get(j))
                            + "'. Prefixes for a single client must not overlap.");
                    return i != 0;
                }
            }
        }
        return true;
    }

    static void caching(CommandContext ctx) {
        Client c = ctx.client;
        if (!Tracking.isOn(c)) {
            throw new CommandError("ERR CLIENT CACHING can be called only when the client is in tracking mode with "
                    + "OPTIN or OPTOUT mode enabled");
        }
        if (ctx.argIs(2, "yes")) {
            if (!Tracking.optin(c)) {
                throw new CommandError("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
            }
        } else if (ctx.argIs(2, "no")) {
            if (!Tracking.optout(c)) {
                throw new CommandError("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
            }
        } else {
            throw CommandError.syntax();
        }
        Tracking.setCaching(c);
        ctx.reply.ok();
    }

    static void trackinginfo(CommandContext ctx) {
        Client c = ctx.client;
        ctx.reply.map(3);
        ctx.reply.bulk("flags");
        List<String> flags = Tracking.flags(c);
        ctx.reply.set(flags.size());
        for (String f : flags) {
            ctx.reply.bulk(f);
        }
        ctx.reply.bulk("redirect");
        ctx.reply.integer(Tracking.redirect(c));
        ctx.reply.bulk("prefixes");
        List<byte[]> prefixes = Tracking.prefixes(c);
        ctx.reply.array(prefixes.size());
        for (byte[] p : prefixes) {
            ctx.reply.bulk(p);
        }
    }
}
