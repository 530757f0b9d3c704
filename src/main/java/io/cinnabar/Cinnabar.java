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
        for (String[] r : config.commandRenames()) {
            server.commandTable().rename(r[0], r[1]);
        }
        checkAclUserLines(config);
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

    /**
     * The config file's ACL "user" lines belong to the ACL module. Until it takes them, the line
     * Redis's own CONFIG REWRITE writes for the default user (full access, no password, which is
     * what we do anyway) is ignored; any other user line stops startup rather than leaving a
     * server open that the file meant to protect.
     */
    private static void checkAclUserLines(Config config) {
        for (java.util.List<String> line : config.pendingAclUserLines()) {
            java.util.Set<String> words = new java.util.HashSet<>(line);
            boolean defaultFullAccess = line.get(0).equals("default")
                    && java.util.Set.of("default", "on", "nopass", "~*", "&*", "+@all", "allkeys", "allchannels",
                            "allcommands", "sanitize-payload", "skip-sanitize-payload", "reset").containsAll(words)
                    && words.contains("on") && words.contains("nopass")
                    && (words.contains("~*") || words.contains("allkeys"))
                    && (words.contains("+@all") || words.contains("allcommands"));
            if (!defaultFullAccess) {
                throw new IllegalStateException("ACL user directives are not supported by Cinnabar yet: 'user "
                        + String.join(" ", line) + "'");
            }
        }
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
