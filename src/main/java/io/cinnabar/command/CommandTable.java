package io.cinnabar.command;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every Redis 7.0 command's metadata, read from the JSON files in resources/commands, and the
 * handlers the command families bind to them. Lookups by the raw name bytes of a request are
 * case-insensitive and allocate nothing.
 */
public final class CommandTable {
    static final String[] GROUP_FILES = {
        "bitmap", "cluster", "connection", "generic", "geo", "hash", "hyperloglog", "list", "pubsub",
        "scripting", "sentinel", "server", "set", "sorted-set", "stream", "string", "transactions",
    };

    private final Map<String, CommandSpec> byName = new LinkedHashMap<>();
    private CommandSpec[] slots;
    private byte[][] slotNames;
    private int mask;
    /** rename-command: spec -> the lowercase name clients must use ("" = disabled). */
    private final Map<CommandSpec, String> renamed = new java.util.IdentityHashMap<>();

    public static CommandTable load() {
        CommandTable t = new CommandTable();
        for (String group : GROUP_FILES) {
            t.loadFile("/commands/" + group + ".json");
        }
        t.index();
        return t;
    }

    @SuppressWarnings("unchecked")
    private void loadFile(String resource) {
        String text;
        try (InputStream in = CommandTable.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
        for (Object o : (List<Object>) Json.parse(text)) {
            CommandSpec spec = build((Map<String, Object>) o, null);
            byName.put(spec.name, spec);
        }
    }

    @SuppressWarnings("unchecked")
    private CommandSpec build(Map<String, Object> json, CommandSpec parent) {
        CommandSpec spec = new CommandSpec(json, parent);
        Object subJson = json.get("subcommands");
        if (subJson != null) {
            List<CommandSpec> subs = new ArrayList<>();
            for (Object o : (List<Object>) subJson) {
                subs.add(build((Map<String, Object>) o, spec));
            }
            spec.setSubcommands(subs);
        }
        return spec;
    }

    private void index() {
        int size = Integer.highestOneBit(byName.size() * 4 - 1) << 1;
        slots = new CommandSpec[size];
        slotNames = new byte[size][];
        mask = size - 1;
        for (CommandSpec spec : byName.values()) {
            byte[] name = spec.lookupName;
            String as = renamed.get(spec);
            if (as != null) {
                if (as.isEmpty()) {
                    continue;
                }
                name = as.getBytes(StandardCharsets.UTF_8);
            }
            int i = hashIgnoreCase(name) & mask;
            while (slots[i] != null) {
                i = (i + 1) & mask;
            }
            slots[i] = spec;
            slotNames[i] = name;
        }
    }

    /**
     * redis.conf's rename-command: clients must call {@code from} by {@code to} from now on; an
     * empty {@code to} disables it. Returns false if Redis has no such command.
     */
    public boolean rename(String from, String to) {
        CommandSpec spec = byName.get(from.toLowerCase(Locale.ROOT));
        if (spec == null) {
            return false;
        }
        renamed.put(spec, to.toLowerCase(Locale.ROOT));
        index();
        return true;
    }

    /** The spec for a request's command name, or null if Redis has no such command. */
    public CommandSpec lookup(byte[] name) {
        int i = hashIgnoreCase(name) & mask;
        CommandSpec s;
        while ((s = slots[i]) != null) {
            if (equalsIgnoreCase(slotNames[i], name)) {
                return s;
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    /** The spec by its full name ("get", "config|get"), or null. */
    public CommandSpec get(String fullName) {
        String n = fullName.toLowerCase(Locale.ROOT);
        int bar = n.indexOf('|');
        if (bar < 0) {
            return byName.get(n);
        }
        CommandSpec parent = byName.get(n.substring(0, bar));
        return parent == null ? null : parent.subcommand(n.substring(bar + 1));
    }

    /** Binds a handler to a command or subcommand by full name; the name must exist in Redis 7.0. */
    public void bind(String fullName, CommandHandler handler) {
        CommandSpec spec = get(fullName);
        if (spec == null) {
            throw new IllegalArgumentException("no such Redis command: " + fullName);
        }
        if (spec.handler != null) {
            throw new IllegalStateException("bound twice: " + fullName);
        }
        spec.handler = handler;
    }

    /** Replaces a command's handler (tests, and modules that wrap a command). */
    public void rebind(String fullName, CommandHandler handler) {
        CommandSpec spec = get(fullName);
        if (spec == null) {
            throw new IllegalArgumentException("no such Redis command: " + fullName);
        }
        spec.handler = handler;
    }

    /** Top-level commands in file order. */
    public Collection<CommandSpec> all() {
        return Collections.unmodifiableCollection(byName.values());
    }

    /** Top-level commands that have a handler (or an implemented subcommand). */
    public List<CommandSpec> implemented() {
        List<CommandSpec> out = new ArrayList<>();
        for (CommandSpec s : byName.values()) {
            if (s.implemented()) {
                out.add(s);
            }
        }
        return out;
    }

    static int hashIgnoreCase(byte[] b) {
        int h = 0;
        for (byte c : b) {
            h = 31 * h + toLower(c);
        }
        return h ^ (h >>> 16);
    }

    static boolean equalsIgnoreCase(byte[] lower, byte[] name) {
        if (lower.length != name.length) {
            return false;
        }
        for (int i = 0; i < lower.length; i++) {
            if (lower[i] != toLower(name[i])) {
                return false;
            }
        }
        return true;
    }

    private static int toLower(byte c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }
}
