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

    public static void main(String[] args) throws Exception {
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
        Runnable stop = () -> {
            log.info("Cinnabar is now ready to exit, bye bye...");
            cinnabar.close();
            stopped.countDown();
        };
        cinnabar.server().onShutdown(() -> new Thread(() -> {
            stop.run();
            System.exit(0);
        }, "cinnabar-shutdown").start());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (stopped.getCount() > 0) {
                log.warn("Received SIGTERM scheduling shutdown...");
                log.info("User requested shutdown...");
                stop.run();
            }
        }, "cinnabar-signal"));
        log.info("Running mode=standalone, port={}.", cinnabar.port());
        log.info("Server initialized ({} transport, io-threads {})",
                cinnabar.network().usesEpoll() ? "epoll" : "nio", config.ioThreads.value());
        log.info("Ready to accept connections tcp");
        stopped.await();
    }
}
