package io.cinnabar.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The typed registry of every configuration parameter, by name and alias. The parameters we act on
 * are fields here (or are registered by the module that owns them); every other directive Redis
 * 7.0 knows is accepted from {@link CompatParams} with Redis's default so that an existing
 * redis.conf still starts and CONFIG GET answers like Redis.
 */
public final class Config {
    private static final long INT_MAX = Integer.MAX_VALUE;
    private static final long LONG_MAX = Long.MAX_VALUE;
    private static final long UINT_MAX = 4294967295L;

    private final Map<String, Param> byName = new LinkedHashMap<>();
    private final List<Param> params = new ArrayList<>();
    /** Parameters accepted for compatibility whose value has no effect yet (see {@link CompatParams}). */
    private final Set<String> notYetEffective = new LinkedHashSet<>();
    private String configFile;
    /** rename-command lines, in order: {from, to} ("" to disable); applied when the server starts. */
    private final List<String[]> commandRenames = new ArrayList<>();
    /** ACL "user" lines from the config file, for the ACL module to take. */
    private final List<List<String>> aclUserLines = new ArrayList<>();

    // Network
    public final Param.Words bind = add(new Param.Words("bind", "* -::*", true));
    public final Param.Num port = add(new Param.Num("port", 6379, 0, 65535, false, true));
    public final Param.Text unixsocket = add(new Param.Text("unixsocket", "", false));
    public final Param.Num unixsocketperm = add(new Param.Num("unixsocketperm", 0, 0, 0777, false, false).octal());
    public final Param.Num maxclients = add(new Param.Num("maxclients", 10000, 1, UINT_MAX, false, true));
    public final Param.Num timeout = add(new Param.Num("timeout", 0, 0, INT_MAX, false, true));
    public final Param.Num tcpKeepalive = add(new Param.Num("tcp-keepalive", 300, 0, INT_MAX, false, true));
    public final Param.Num tcpBacklog = add(new Param.Num("tcp-backlog", 511, 0, INT_MAX, false, false));
    public final Param.Num ioThreads = add(new Param.Num("io-threads", 1, 1, 128, false, false));
    public final Param.Bool protectedMode = add(new Param.Bool("protected-mode", true, true));

    // Protocol limits
    public final Param.Num protoMaxBulkLen = add(new Param.Num("proto-max-bulk-len", 512L * 1024 * 1024, 1024 * 1024, LONG_MAX, true, true));
    public final Param.Num clientQueryBufferLimit = add(new Param.Num("client-query-buffer-limit", 1024L * 1024 * 1024, 1024 * 1024, LONG_MAX, true, true));

    // General
    public final Param.Num databases = add(new Param.Num("databases", 16, 1, INT_MAX, false, false));
    public final Param.Num hz = add(new Param.Num("hz", 10, 0, INT_MAX, false, true).clamp(1, 500));
    public final Param.Choice loglevel = add(new Param.Choice("loglevel", "notice", true, "debug", "verbose", "notice", "warning"));
    public final Param.Text logfile = add(new Param.Text("logfile", "", false));
    public final Param.Text dir = add(protect(new Param.Text("dir", System.getProperty("user.dir"), true)));
    public final Param.Text pidfile = add(new Param.Text("pidfile", "", false));
    public final Param.Bool daemonize = add(new Param.Bool("daemonize", false, false));
    public final Param.Text requirepass = add(new Param.Text("requirepass", "", true));
    public final Param.Choice enableDebugCommand = add(new Param.Choice("enable-debug-command", "no", false, "no", "yes", "local"));
    public final Param.Choice enableProtectedConfigs = add(new Param.Choice("enable-protected-configs", "no", false, "no", "yes", "local"));

    // Slow log
    public final Param.Num slowlogLogSlowerThan = add(new Param.Num("slowlog-log-slower-than", 10000, -1, LONG_MAX, false, true));
    public final Param.Num slowlogMaxLen = add(new Param.Num("slowlog-max-len", 128, 0, LONG_MAX, false, true));

    /**
     * Fields above that are parsed but not acted on yet. With {@link CompatParams}'s "not yet"
     * entries they make {@link #notYetEffective()}: the one honest list of settings that do nothing.
     */
    private static final String[] NOT_YET_EFFECTIVE_FIELDS = {"daemonize", "pidfile"};

    public Config() {
        CompatParams.registerAll(this);
        for (String n : NOT_YET_EFFECTIVE_FIELDS) {
            notYetEffective.add(n);
        }
    }

    private static <P extends Param> P protect(P p) {
        p.protect();
        return p;
    }

    private <P extends Param> P add(P p) {
        p.defaultValue = p.get();
        params.add(p);
        byName.put(p.name, p);
        for (String a : p.aliases) {
            byName.put(a, p);
        }
        return p;
    }

    /** Adds a compatibility parameter; {@code effective} false puts it on the not-yet-effective list. */
    void addCompat(Param p, boolean effective) {
        add(p);
        if (!effective) {
            notYetEffective.add(p.name);
        }
    }

    /**
     * Registers a parameter owned by a module (persistence, replication, ...). If it replaces a
     * compatibility placeholder of the same name, the placeholder's value (from the config file)
     * carries over and the name leaves the not-yet-effective list.
     */
    public <P extends Param> P register(P p) {
        Param old = byName.get(p.name);
        if (old == null) {
            return add(p);
        }
        if (!CompatParams.isPlaceholder(old)) {
            throw new IllegalStateException("duplicate config " + p.name);
        }
        String value = old.get();
        p.defaultValue = p.get();
        p.protectedConfig |= old.protectedConfig;
        params.set(params.indexOf(old), p);
        byName.values().removeIf(v -> v == old);
        byName.put(p.name, p);
        for (String a : p.aliases) {
            byName.put(a, p);
        }
        for (String a : old.aliases) {
            byName.putIfAbsent(a, p);
        }
        notYetEffective.remove(p.name);
        if (!old.isDefault()) {
            try {
                p.set(p.acceptsArgCount(2) ? value.split(" ") : new String[] {value});
            } catch (ConfigException e) {
                throw new IllegalStateException("config " + p.name + " '" + value + "': " + e.getMessage(), e);
            }
        }
        return p;
    }

    /** notify-keyspace-events as Redis reads it back ("KEA" is "AKE"), for the module that owns it. */
    public static String normalizeKeyspaceEvents(String[] args) throws ConfigException {
        return CompatParams.keyspaceEvents(args, "");
    }

    /** Marks a compatibility parameter as acted on (a module reads it directly). */
    public void markEffective(String name) {
        Param p = find(name);
        if (p != null) {
            notYetEffective.remove(p.name);
        }
    }

    /** A numeric parameter a command family acts on: marks it effective and returns it. */
    public Param.Num effectiveNum(String name) {
        markEffective(name);
        return num(name);
    }

    public Param find(String name) {
        return byName.get(name.toLowerCase(Locale.ROOT));
    }

    /** A numeric parameter by name (for modules that read a compatibility parameter). */
    public Param.Num num(String name) {
        return (Param.Num) find(name);
    }

    /** Every parameter once (aliases are not repeated). */
    public Collection<Param> all() {
        return Collections.unmodifiableList(params);
    }

    /** Every name a parameter answers to, canonical names first then aliases, with its parameter. */
    public Map<String, Param> allNames() {
        return Collections.unmodifiableMap(byName);
    }

    /** Names of parameters accepted but not acted on yet. */
    public Set<String> notYetEffective() {
        return Collections.unmodifiableSet(notYetEffective);
    }

    /** Parameters set to a non-default value that have no effect yet (one startup warning each). */
    public List<Param> ineffectiveSettings() {
        List<Param> out = new ArrayList<>();
        for (Param p : params) {
            if (notYetEffective.contains(p.name) && !p.isDefault()) {
                out.add(p);
            }
        }
        return out;
    }

    public List<String[]> commandRenames() {
        return commandRenames;
    }

    void addCommandRename(String from, String to) {
        commandRenames.add(new String[] {from, to});
    }

    void addAclUserLine(List<String> args) {
        aclUserLines.add(List.copyOf(args));
    }

    /** The ACL module takes the config file's "user" lines (then nobody else warns about them). */
    public List<List<String>> takeAclUserLines() {
        List<List<String>> out = new ArrayList<>(aclUserLines);
        aclUserLines.clear();
        return out;
    }

    /** "user" lines nobody has taken yet. */
    public List<List<String>> pendingAclUserLines() {
        return Collections.unmodifiableList(aclUserLines);
    }

    /** The absolute path of the config file given at startup, or null. */
    public String configFile() {
        return configFile;
    }

    public void setConfigFile(String path) {
        this.configFile = path;
    }
}
