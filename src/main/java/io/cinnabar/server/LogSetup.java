package io.cinnabar.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import io.cinnabar.config.Config;
import org.slf4j.LoggerFactory;

/**
 * Configures Logback from {@code loglevel} and {@code logfile} with Redis's line format:
 * {@code pid:M 24 Nov 2026 09:11:17.123 * message}.
 */
public final class LogSetup {
    static final String PATTERN = "%pid:M %d{dd MMM yyyy HH:mm:ss.SSS} %redislevel %msg%n%ex";

    private LogSetup() {}

    public static void apply(Config config) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        ctx.putProperty("PID", Long.toString(ProcessHandle.current().pid()));
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        java.util.Map<String, String> rules = new java.util.HashMap<>();
        rules.put("redislevel", RedisLevelConverter.class.getName());
        rules.put("pid", PidConverter.class.getName());
        ctx.putObject(ch.qos.logback.core.CoreConstants.PATTERN_RULE_REGISTRY, rules);
        encoder.setPattern(PATTERN);
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender;
        String file = config.logfile.value();
        if (file.isEmpty()) {
            ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
            appender = console;
        } else {
            FileAppender<ILoggingEvent> f = new FileAppender<>();
            f.setFile(file);
            f.setAppend(true);
            appender = f;
        }
        appender.setContext(ctx);
        appender.setEncoder(encoder);
        appender.start();
        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        root.setLevel(level(config.loglevel.value()));
        ctx.getLogger("io.netty").setLevel(Level.WARN);
        config.loglevel.onChange(p -> root.setLevel(level(config.loglevel.value())));
    }

    static Level level(String redisLevel) {
        switch (redisLevel) {
            case "debug": return Level.DEBUG;
            case "verbose": return Level.DEBUG;
            case "warning": return Level.WARN;
            case "nothing": return Level.OFF;
            default: return Level.INFO;
        }
    }

    /** Redis's level marks: '.' debug, '-' verbose, '*' notice, '#' warning. */
    public static final class RedisLevelConverter extends ch.qos.logback.classic.pattern.ClassicConverter {
        @Override
        public String convert(ILoggingEvent event) {
            int l = event.getLevel().toInt();
            if (l >= Level.WARN_INT) {
                return "#";
            }
            if (l >= Level.INFO_INT) {
                return "*";
            }
            return ".";
        }
    }

    public static final class PidConverter extends ch.qos.logback.classic.pattern.ClassicConverter {
        private static final String PID = Long.toString(ProcessHandle.current().pid());

        @Override
        public String convert(ILoggingEvent event) {
            return PID;
        }
    }
}
