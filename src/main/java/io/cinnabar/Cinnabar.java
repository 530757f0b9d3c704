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
        server.info().setTcpPort(network.port());
        server.info().setMultiplexingApi(network.usesEpoll() ? "epoll" : "nio");
        org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("cinnabar");
        for (io.cinnabar.config.Param p : config.ineffectiveSettings()) {
            log.warn("Config '{}' is set to '{}' but has no effect in Cinnabar yet (accepted for redis.conf compatibility)",
                    p.name, p.get());
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
