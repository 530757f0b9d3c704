package io.cinnabar.commands;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandError;
import io.cinnabar.command.CommandTable;
import io.cinnabar.server.Server;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server group: INFO ({@link InfoCommand}), CONFIG ({@link ConfigCommands}), DEBUG
 * ({@link DebugCommands}), SLOWLOG ({@link SlowLog}), MONITOR ({@link Monitor}), and here TIME,
 * LASTSAVE and SHUTDOWN. COMMAND lives in {@link CommandCommands}.
 */
public final class ServerCommands {
    private static final Logger log = LoggerFactory.getLogger("cinnabar");

    /**
     * How SHUTDOWN saves, once a persistence module sets one: returns null on success or the reason
     * it failed. Without one (no persistence yet) there is nothing to save.
     */
    public interface ShutdownSaver {
        String save();
    }

    private ServerCommands() {}

    static void install(Server server) {
        CommandTable t = server.commandTable();
        t.bind("time", ServerCommands::time);
        t.bind("lastsave", ctx -> ctx.reply.integer(ctx.server.info().lastSaveTime()));
        t.bind("shutdown", ServerCommands::shutdown);
        t.bind("wait", ServerCommands::waitForReplicas);
        InfoCommand.install(server);
        ConfigCommands.install(server);
        DebugCommands.install(server);
        SlowLog.install(server);
        LatencyStats.install(server);
        Monitor.install(server);
    }

    /**
     * WAIT numreplicas timeout. Cinnabar has no replicas yet, so none ever acknowledges: as on a
     * Redis master without replicas, asking for none (or waiting inside MULTI) answers 0 at once,
     * and asking for some answers 0 when the timeout (ms, 0 = never) passes.
     */
    static void waitForReplicas(CommandContext ctx) {
        long wanted = ctx.argLong(1);
        long timeout = ctx.argLong(2, "ERR timeout is not an integer or out of range");
        if (timeout < 0) {
            throw new CommandError("ERR timeout is negative");
        }
        if (wanted <= 0) { // no replica acknowledges yet: 0 replicas is all that can be met
            ctx.reply.integer(0);
            return;
        }
        long deadline = timeout == 0 ? 0 : System.currentTimeMillis() + timeout;
        ctx.server.blocking().block(ctx.client, ctx.db(), NO_KEYS, deadline < 0 ? 0 : deadline,
                c -> c.reply().integer(0));
    }

    private static final byte[][] NO_KEYS = new byte[0][];

    static void time(CommandContext ctx) {
        Instant now = Instant.now();
        ctx.reply.array(2);
        ctx.reply.bulkLong(now.getEpochSecond());
        ctx.reply.bulkLong(now.getNano() / 1000);
    }

    /**
     * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. Cinnabar has no persistence yet, so: a plain
     * SHUTDOWN or SHUTDOWN NOSAVE stops the server (logging that nothing was saved when save points
     * are configured); SHUTDOWN SAVE fails as Redis does when saving fails ("Errors trying to
     * SHUTDOWN"), unless FORCE is given, because the user asked for data to be kept. NOW skips
     * nothing (we never wait for replicas); ABORT has nothing to abort.
     */
    static void shutdown(CommandContext ctx) {
        boolean nosave = false;
        boolean save = false;
        boolean now = false;
        boolean force = false;
        boolean abort = false;
        for (int i = 1; i < ctx.argc(); i++) {
            if (ctx.argIs(i, "nosave")) {
                nosave = true;
            } else if (ctx.argIs(i, "save")) {
                save = true;
            } else if (ctx.argIs(i, "now")) {
                now = true;
            } else if (ctx.argIs(i, "force")) {
                force = true;
            } else if (ctx.argIs(i, "abort")) {
                abort = true;
            } else {
                ctx.reply.error("ERR syntax error");
                return;
            }
        }
        if ((abort && ctx.argc() > 2) || (save && nosave)) {
            ctx.reply.error("ERR syntax error");
            return;
        }
        if (abort) {
            ctx.reply.error("ERR No shutdown in progress.");
            return;
        }
        log.warn("User requested shutdown...");
        boolean savePoints = !ctx.server.config().find("save").get().isEmpty();
        if (save || (!nosave && savePoints)) {
            ShutdownSaver saver = saver(ctx.server);
            String failure = saver == null ? (save ? "persistence is not implemented in Cinnabar yet" : null) : saver.save();
            if (saver == null && !save) {
                log.warn("Not saving the DB before exiting: persistence is not implemented in Cinnabar yet.");
            }
            if (failure != null) {
                log.warn("Error trying to save the DB: {}", failure);
                if (!force) {
                    log.warn("Errors trying to shut down the server. Check the logs for more information.");
                    ctx.reply.error("ERR Errors trying to SHUTDOWN. Check logs.");
                    return;
                }
                log.warn("Error trying to save the DB, but FORCE was given: exiting anyway.");
            }
        }
        if (now) {
            log.debug("SHUTDOWN NOW: no replicas to wait for");
        }
        // Redis exits without replying; the client sees the connection close.
        ctx.server.closeClient(ctx.client);
        ctx.server.requestShutdown();
    }

    /** Lets the persistence module make SHUTDOWN save. */
    public static void setShutdownSaver(Server server, ShutdownSaver saver) {
        server.info().attach(ShutdownSaver.class, saver);
    }

    private static ShutdownSaver saver(Server server) {
        return server.info().attachment(ShutdownSaver.class);
    }
}
