package io.cinnabar;

import io.cinnabar.config.Config;
import io.cinnabar.config.ConfigFile;
import io.cinnabar.server.LogSetup;
import io.cinnabar.server.Server;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** redis-server style entry point: {@code java -jar cinnabar.jar [config-file] [--name value ...]}. */
public final class Main {
    private Main() {}

    /**
     * Netty checks reference counts and bounds on every buffer access and samples buffers for
     * leak tracking; both cost measurable time per command. The server sets them off unless the
     * user chose otherwise (tests keep Netty's defaults, so leaks still show up there).
     */
    private static void tuneNetty() {
        setIfAbsent("io.netty.buffer.checkAccessible", "false");
        setIfAbsent("io.netty.buffer.checkBounds", "false");
        setIfAbsent("io.netty.leakDetection.level", "disabled");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    public static void main(String[] args) throws Exception {
        tuneNetty();
        if (args.length == 1 && (args[0].equals("-v") || args[0].equals("--version"))) {
            System.out.println("Cinnabar server v=" + Server.VERSION + " redis_version=" + Server.REDIS_VERSION
                    + " java=" + System.getProperty("java.version"));
            return;
        }
        if (args.length == 1 && (args[0].equals("-h") || args[0].equals("--help"))) {
            System.out.println("Usage: java -jar cinnabar.jar [/path/to/redis.conf] [options]\n"
                    + "Examples:\n"
                    + "  java -jar cinnabar.jar                       (run with the default configuration)\n"
                    + "  java -jar cinnabar.jar /etc/redis/6379.conf\n"
                    + "  java -jar cinnabar.jar --port 7777\n"
                    + "  java -jar cinnabar.jar /etc/myredis.conf --loglevel verbose");
            return;
        }
        Config config = new Config();
        try {
            ConfigFile.apply(config, args, Server.REDIS_VERSION);
        } catch (ConfigFile.FatalConfigError e) {
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        }
        LogSetup.apply(config);
        Logger log = LoggerFactory.getLogger("cinnabar");
        long pid = ProcessHandle.current().pid();
        log.info("oO0OoO0OoO0Oo Cinnabar is starting oO0OoO0OoO0Oo");
        log.info("Cinnabar version={} (Redis {} compatible), bits=64, pid={}, java={}, just started",
                Server.VERSION, Server.REDIS_VERSION, pid, System.getProperty("java.version"));
        if (args.length > 0 && !args[0].startsWith("--")) {
            log.info("Configuration loaded");
        } else {
            log.warn("No config file specified, using the default config. In order to specify a config file use "
                    + "java -jar cinnabar.jar /path/to/redis.conf");
        }

        Cinnabar cinnabar;
        try {
            cinnabar = Cinnabar.start(config);
        } catch (Exception e) {
            log.error("{}", e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable stop = () -> {
            if (!stopping.compareAndSet(false, true)) {
                return;
            }
            log.info("Cinnabar is now ready to exit, bye bye...");
            cinnabar.close();
            stopped.countDown();
        };
        cinnabar.server().onShutdown(() -> new Thread(() -> {
            stop.run();
            System.exit(0);
        }, "cinnabar-shutdown").start());
        // Like redis-server: SIGTERM and SIGINT shut down cleanly and exit with status 0.
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
                    log.warn("Received SIG{} scheduling shutdown...", sig.getName());
                    log.info("User requested shutdown...");
                    new Thread(() -> {
                        stop.run();
                        System.exit(0);
                    }, "cinnabar-signal").start();
                });
            } catch (IllegalArgumentException e) {
                log.debug("Cannot handle SIG{}: {}", name, e.getMessage());
            }
        }
        log.info("Running mode=standalone, port={}.", cinnabar.port());
        log.info("Server initialized ({} transport, io-threads {})",
                cinnabar.network().usesEpoll() ? "epoll" : "nio", config.ioThreads.value());
        log.info("Ready to accept connections tcp");
        stopped.await();
    }
}
