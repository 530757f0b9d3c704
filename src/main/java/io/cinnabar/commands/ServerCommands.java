package io.cinnabar.commands;

import io.cinnabar.server.Server;

/** Placeholder until this family lands; binds nothing, so its commands answer "unknown command". */
public final class ServerCommands {
    private ServerCommands() {}

    static void install(Server server) {
    }
}
