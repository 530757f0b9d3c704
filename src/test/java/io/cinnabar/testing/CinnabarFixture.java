package io.cinnabar.testing;

import io.cinnabar.Cinnabar;
import io.cinnabar.config.Config;
import io.cinnabar.config.ConfigFile;
import io.cinnabar.server.Server;

/**
 * An in-process Cinnabar on an ephemeral port. Options use redis.conf syntax, e.g.
 * {@code CinnabarFixture.start("requirepass secret", "databases 4")}.
 */
public final class CinnabarFixture implements AutoCloseable {
    private final Cinnabar cinnabar;

    private CinnabarFixture(Cinnabar cinnabar) {
        this.cinnabar = cinnabar;
    }

    public static CinnabarFixture start(String... configLines) {
        Config config = new Config();
        try {
            ConfigFile.load(config, "port 0\nbind 127.0.0.1\n" + String.join("\n", configLines), Server.REDIS_VERSION);
            return new CinnabarFixture(Cinnabar.start(config));
        } catch (Exception e) {
            throw new IllegalStateException("cannot start Cinnabar: " + e.getMessage(), e);
        }
    }

    public int port() {
        return cinnabar.port();
    }

    public String host() {
        return "127.0.0.1";
    }

    public Server server() {
        return cinnabar.server();
    }

    /** Runs code on the data thread and waits for it (to inspect or set up server state). */
    public <T> T onDataThread(java.util.concurrent.Callable<T> task) {
        try {
            return cinnabar.server().dataThread().submit(task).get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public RespClient client() {
        return new RespClient(host(), port());
    }

    @Override
    public void close() {
        cinnabar.close();
    }
}
