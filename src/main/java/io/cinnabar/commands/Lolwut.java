package io.cinnabar.commands;

import io.cinnabar.command.CommandContext;
import io.cinnabar.server.Server;

/**
 * LOLWUT [VERSION v] [args...]: Redis 7.0 answers its version line, except for the art of
 * versions 5 and 6, which a VERSION argument selects as Redis selects them.
 */
final class Lolwut {
    private Lolwut() {}

    static void install(Server server) {
        server.commandTable().bind("lolwut", Lolwut::lolwut);
    }

    static void lolwut(CommandContext ctx) {
        String version = Server.REDIS_VERSION;
        int firstArg = 1;
        if (ctx.argc() >= 3 && ctx.argIs(1, "version")) {
            // Redis prints the number as a C unsigned int, so -1 is 4294967295
            version = Integer.toUnsignedString((int) ctx.argLong(2)) + ".0.0";
            firstArg = 3;
        }
        ctx.reply.verbatim("Redis ver. " + Server.REDIS_VERSION + "\n", "txt");
    }
}
