package io.cinnabar.config;

import io.cinnabar.protocol.InlineSplitter;
import io.cinnabar.server.Server;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Keeps redis.conf.example in step with the parameter registry ({@link Config#all()}).
 *
 * <p>The file is hand-written prose (sections, one comment line per directive) around directive
 * lines whose values must be the defaults. {@link #render} keeps every existing line, rewrites a
 * directive whose value is not the default, and appends each registered parameter the file lacks,
 * under a "TODO: describe" comment that {@code RedisConfExampleTest} rejects until a person writes
 * the description. Regenerate after adding parameters with:
 * <pre>
 *   mvn -q -B -o test-compile &amp;&amp; java -cp target/classes:target/test-classes \
 *       io.cinnabar.config.RedisConfExample redis.conf.example
 * </pre>
 */
public final class RedisConfExample {
    static final String TODO = "# TODO: describe ";

    private RedisConfExample() {}

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args.length > 0 ? args[0] : "redis.conf.example");
        String old = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        Files.writeString(file, render(new Config(), old), StandardCharsets.UTF_8);
    }

    /** The directive name of an active (uncommented) line, or null. */
    static String directive(String line) {
        String t = line.trim();
        if (t.isEmpty() || t.startsWith("#")) {
            return null;
        }
        int sp = t.indexOf(' ');
        return (sp < 0 ? t : t.substring(0, sp)).toLowerCase(Locale.ROOT);
    }

    static String render(Config defaults, String existing) {
        List<String> lines = new ArrayList<>(List.of(existing.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        Set<String> present = new LinkedHashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String name = directive(lines.get(i));
            if (name == null) {
                continue;
            }
            Param p = defaults.find(name);
            if (p == null) {
                continue; // stale directive: the test reports it; a person decides
            }
            present.add(p.name);
            if (!hasDefault(p, lines.get(i))) {
                lines.set(i, p.name + " " + defaultText(p));
            }
        }
        boolean header = false;
        for (Param p : documented(defaults)) {
            if (present.contains(p.name)) {
                continue;
            }
            if (!header) {
                lines.add("");
                lines.add("################################## NEW PARAMETERS ##################################");
                header = true;
            }
            lines.add("");
            lines.add(TODO + p.name);
            lines.add(p.name + " " + defaultText(p));
        }
        return String.join("\n", lines) + "\n";
    }

    /**
     * The parameters the example must document: Cinnabar's own. The other Redis 7.0 directives,
     * accepted for compatibility (CompatParams), are left out; docs/configuration.md covers them.
     */
    static java.util.List<Param> documented(Config config) {
        java.util.List<Param> out = new java.util.ArrayList<>();
        for (Param p : config.all()) {
            if (!CompatParams.isPlaceholder(p)) {
                out.add(p);
            }
        }
        return out;
    }

    /** True when the line, loaded into a fresh registry, leaves the parameter at its default. */
    static boolean hasDefault(Param p, String line) {
        Config fresh = new Config();
        String before = fresh.find(p.name).get();
        try {
            ConfigFile.load(fresh, line, Server.REDIS_VERSION);
        } catch (ConfigFile.FatalConfigError e) {
            return false;
        }
        return isDir(p) || fresh.find(p.name).get().equals(before);
    }

    /** The default as redis.conf text; "dir" defaults to the working directory, written "./". */
    static String defaultText(Param p) {
        if (isDir(p)) {
            return "./";
        }
        String v = p.toConfigValue();
        if (p instanceof Param.Words) {
            return v.isEmpty() ? "\"\"" : v;
        }
        byte[][] split = InlineSplitter.split(v.getBytes(StandardCharsets.UTF_8));
        if (split != null && split.length == 1 && new String(split[0], StandardCharsets.UTF_8).equals(v)) {
            return v;
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : v.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.append('"').toString();
    }

    private static boolean isDir(Param p) {
        return p.name.equals("dir");
    }
}
