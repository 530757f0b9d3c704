package io.cinnabar.config;

import io.cinnabar.protocol.InlineSplitter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Reads redis.conf syntax and redis-server style command-line options into a {@link Config}. */
public final class ConfigFile {
    /** A fatal configuration error, printed the way Redis prints it before exiting. */
    public static final class FatalConfigError extends Exception {
        public FatalConfigError(String message) {
            super(message, null, false, false);
        }
    }

    private ConfigFile() {}

    /**
     * Applies {@code [config-file] [--name value ...]}: the file first, then the options in order,
     * as redis-server does (options are appended to the file's text).
     */
    public static void apply(Config config, String[] args, String version) throws FatalConfigError, IOException {
        StringBuilder text = new StringBuilder();
        int i = 0;
        if (args.length > 0 && !args[0].startsWith("--")) {
            Path file = Path.of(args[0]);
            if (!args[0].equals("-")) {
                config.setConfigFile(file.toAbsolutePath().normalize().toString());
                text.append(Files.readString(file, StandardCharsets.UTF_8)).append('\n');
            }
            i = 1;
        }
        StringBuilder options = new StringBuilder();
        for (; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("--")) {
                if (options.length() > 0) {
                    options.append('\n');
                }
                options.append(a.substring(2));
            } else {
                options.append(' ').append(quote(a));
            }
        }
        text.append(options);
        load(config, text.toString(), version);
    }

    private static String quote(String s) {
        if (!s.isEmpty() && s.chars().noneMatch(c -> c <= ' ' || c == '"' || c == '\'' || c == '\\')) {
            return s;
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.append('"').toString();
    }

    /** Applies config-file text line by line; the first bad line is fatal. */
    public static void load(Config config, String text, String version) throws FatalConfigError {
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            byte[][] parts = InlineSplitter.split(line.getBytes(StandardCharsets.UTF_8));
            if (parts == null) {
                throw fatal(version, n + 1, line, "Unbalanced quotes in configuration line");
            }
            if (parts.length == 0) {
                continue;
            }
            String name = new String(parts[0], StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            List<String> values = new ArrayList<>();
            for (byte[] p : Arrays.copyOfRange(parts, 1, parts.length)) {
                values.add(new String(p, StandardCharsets.UTF_8));
            }
            if (special(config, name, values, version, n + 1, line)) {
                continue;
            }
            Param p = config.find(name);
            if (p == null || values.isEmpty()) {
                throw fatal(version, n + 1, line, "Bad directive or wrong number of arguments");
            }
            if (!p.acceptsArgCount(values.size())) {
                throw fatal(version, n + 1, line, "Bad directive or wrong number of arguments");
            }
            try {
                if (p instanceof Param.Special) {
                    ((Param.Special) p).loadLine(values.toArray(new String[0]));
                } else {
                    p.set(values.toArray(new String[0]));
                }
            } catch (ConfigException e) {
                throw fatal(version, n + 1, line, e.getMessage());
            }
        }
    }

    /** Directives Redis 7.0 accepted that 7.0 itself ignores (see its deprecated_configs). */
    private static final java.util.Set<String> DEPRECATED = java.util.Set.of(
            "lua-replicate-commands", "list-max-ziplist-entries", "list-max-ziplist-value");

    /** Directives that are not parameters: include, rename-command, user, loadmodule, sentinel. */
    private static boolean special(Config config, String name, List<String> values, String version, int lineNo,
            String line) throws FatalConfigError {
        switch (name) {
            case "include":
                if (values.size() != 1) {
                    throw fatal(version, lineNo, line, "Bad directive or wrong number of arguments");
                }
                String included;
                try {
                    included = Files.readString(Path.of(values.get(0)), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    String why = e instanceof java.nio.file.NoSuchFileException ? "No such file or directory" : e.getMessage();
                    throw new FatalConfigError("Fatal error, can't open config file '" + values.get(0) + "': " + why);
                }
                load(config, included, version);
                return true;
            case "rename-command":
                if (values.size() != 2) {
                    throw fatal(version, lineNo, line, "Bad directive or wrong number of arguments");
                }
                if (!commandNames().contains(values.get(0).toLowerCase(Locale.ROOT))) {
                    throw fatal(version, lineNo, line, "No such command in rename-command");
                }
                config.addCommandRename(values.get(0), values.get(1));
                return true;
            case "user":
                if (values.isEmpty()) {
                    throw fatal(version, lineNo, line, "Bad directive or wrong number of arguments");
                }
                config.addAclUserLine(values);
                return true;
            case "loadmodule":
                if (values.isEmpty()) {
                    throw fatal(version, lineNo, line, "Bad directive or wrong number of arguments");
                }
                throw fatal(version, lineNo, line, "Cinnabar cannot load Redis modules (native extensions)");
            case "sentinel":
                throw fatal(version, lineNo, line, "sentinel directive while not in sentinel mode");
            default:
                return DEPRECATED.contains(name) && !values.isEmpty();
        }
    }

    private static volatile java.util.Set<String> commandNames;

    private static java.util.Set<String> commandNames() {
        java.util.Set<String> names = commandNames;
        if (names == null) {
            names = new java.util.HashSet<>();
            for (io.cinnabar.command.CommandSpec s : io.cinnabar.command.CommandTable.load().all()) {
                names.add(s.name);
            }
            commandNames = names;
        }
        return names;
    }

    private static FatalConfigError fatal(String version, int lineNo, String line, String reason) {
        return new FatalConfigError("\n*** FATAL CONFIG FILE ERROR (Redis " + version + ") ***\n"
                + "Reading the configuration file, at line " + lineNo + "\n"
                + ">>> '" + line + "'\n"
                + reason);
    }
}
