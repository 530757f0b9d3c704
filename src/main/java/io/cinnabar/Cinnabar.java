package io.cinnabar;

import io.cinnabar.command.CommandTable;
import io.cinnabar.commands.Families;
import io.cinnabar.config.Config;
import io.cinnabar.server.Network;
import io.cinnabar.server.Server;

/** A running server: configuration, data side and network, started and stopped together. */
public final class Cinnabar implements AutoCloseable {
    private final Server server;
    private final Network network;

    private Cinnabar(Server server, Network network) {
        this.server = server;
        this.network = network;
    }

    /** Builds and starts a server; the config's port may be 0 for an ephemeral port. */
    public static Cinnabar start(Config config) throws Exception {
        Server server = new Server(config, CommandTable.load());
        Families.install(server);
        Network network = new Network(server);
        try {
            network.start();
        } catch (Exception e) {
            network.stop();
            throw e;
        }
        return new Cinnabar(server, network);
    }

    public Server server() {
        return server;
    }

    public Network network() {
        return network;
    }

    public int port() {
        return network.port();
    }

    @Override
    public void close() {
        network.stop();
    }
}
