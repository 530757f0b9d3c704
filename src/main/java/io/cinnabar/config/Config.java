package io.cinnabar.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The typed registry of every configuration parameter we support, by name and alias. */
public final class Config {
    private static final long INT_MAX = Integer.MAX_VALUE;
    private static final long LONG_MAX = Long.MAX_VALUE;

    private final Map<String, Param> byName = new LinkedHashMap<>();
    private final List<Param> params = new ArrayList<>();

    // Network
    public final Param.Words bind = add(new Param.Words("bind", "* -::*", true));
    public final Param.Num port = add(new Param.Num("port", 6379, 0, 65535, false, true));
    public final Param.Text unixsocket = add(new Param.Text("unixsocket", "", false));
    public final Param.Octal unixsocketperm = add(new Param.Octal("unixsocketperm", 0, false));
    public final Param.Num maxclients = add(new Param.Num("maxclients", 10000, 1, INT_MAX, false, true));
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
    public final Param.Num hz = add(new Param.Num("hz", 10, 0, INT_MAX, false, true));
    public final Param.Choice loglevel = add(new Param.Choice("loglevel", "notice", true, "debug", "verbose", "notice", "warning", "nothing"));
    public final Param.Text logfile = add(new Param.Text("logfile", "", false));
    public final Param.Text dir = add(new Param.Text("dir", System.getProperty("user.dir"), true));
    public final Param.Text pidfile = add(new Param.Text("pidfile", "", false));
    public final Param.Bool daemonize = add(new Param.Bool("daemonize", false, false));
    public final Param.Text requirepass = add(new Param.Text("requirepass", "", true));
    public final Param.Choice enableDebugCommand = add(new Param.Choice("enable-debug-command", "no", false, "yes", "no", "local"));

    // Slow log
    public final Param.Num slowlogLogSlowerThan = add(new Param.Num("slowlog-log-slower-than", 10000, -1, LONG_MAX, false, true));
    public final Param.Num slowlogMaxLen = add(new Param.Num("slowlog-max-len", 128, 0, LONG_MAX, false, true));

    private <P extends Param> P add(P p) {
        params.add(p);
        byName.put(p.name, p);
        for (String a : p.aliases) {
            byName.put(a, p);
        }
        return p;
    }

    /** Registers a parameter owned by a module (persistence, replication, ...). */
    public <P extends Param> P register(P p) {
        if (byName.containsKey(p.name)) {
            throw new IllegalStateException("duplicate config " + p.name);
        }
        return add(p);
    }

    public Param find(String name) {
        return byName.get(name.toLowerCase(Locale.ROOT));
    }

    /** Every parameter once (aliases are not repeated). */
    public Collection<Param> all() {
        return Collections.unmodifiableList(params);
    }
}
