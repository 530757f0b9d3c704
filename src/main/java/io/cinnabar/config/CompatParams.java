package io.cinnabar.config;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Every other directive Redis 7.0 knows, with Redis's defaults, types and ranges (taken from a real
 * 7.0.15's CONFIG GET * and its CONFIG SET errors), so an existing redis.conf still starts and
 * CONFIG GET answers as Redis does.
 *
 * <p>This table is the one honest list of what is accepted but not acted on. Column 5 says:
 * {@code n} = not yet effective (a non-default value logs one WARNING at startup, see
 * {@link Config#ineffectiveSettings()}), {@code c} = accepted silently: cosmetic in Cinnabar (an
 * allocator, process or OS tuning knob with no observable meaning here) or read directly by a
 * command family (latency-tracking, latency-tracking-info-percentiles). A module that implements
 * one registers its own parameter under the same name ({@link Config#register}) or calls
 * {@link Config#markEffective}, and the name leaves the list.
 *
 * <p>Columns: name | kind (b bool, i int min max, m memory min, e enum choices, s string, x
 * special syntax) | default | rw (CONFIG SET allowed) or ro | n or c | aliases.
 */
final class CompatParams {
    private CompatParams() {}

    static final String[] TABLE = {
        "acl-pubsub-default|e allchannels,resetchannels|resetchannels|rw|n|",
        "aclfile|s||ro|n|",
        "acllog-max-len|i 0 9223372036854775807|128|rw|n|",
        "active-defrag-cycle-max|i 1 99|25|rw|c|",
        "active-defrag-cycle-min|i 1 99|1|rw|c|",
        "active-defrag-ignore-bytes|m 1|104857600|rw|c|",
        "active-defrag-max-scan-fields|i 1 9223372036854775807|1000|rw|c|",
        "active-defrag-threshold-lower|i 0 1000|10|rw|c|",
        "active-defrag-threshold-upper|i 0 1000|100|rw|c|",
        "active-expire-effort|i 1 10|1|rw|n|",
        "activedefrag|b|no|rw|c|",
        "activerehashing|b|yes|rw|c|",
        "always-show-logo|b|no|ro|c|",
        "aof-disable-auto-gc|b|no|rw|n|",
        "aof-load-truncated|b|yes|rw|n|",
        "aof-rewrite-incremental-fsync|b|yes|rw|c|",
        "aof-timestamp-enabled|b|no|rw|n|",
        "aof-use-rdb-preamble|b|yes|rw|n|",
        "aof_rewrite_cpulist|s||ro|c|",
        "appenddirname|s|appendonlydir|ro|n|",
        "appendfilename|s|appendonly.aof|ro|n|",
        "appendfsync|e everysec,always,no|everysec|rw|n|",
        "appendonly|b|no|rw|n|",
        "auto-aof-rewrite-min-size|m 0|67108864|rw|n|",
        "auto-aof-rewrite-percentage|i 0 2147483647|100|rw|n|",
        "bgsave_cpulist|s||ro|c|",
        "bind-source-addr|s||rw|n|",
        "bio_cpulist|s||ro|c|",
        "busy-reply-threshold|i 0 9223372036854775807|5000|rw|n|lua-time-limit",
        "client-output-buffer-limit|x|normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60|rw|n|",
        "cluster-allow-pubsubshard-when-down|b|yes|rw|n|",
        "cluster-allow-reads-when-down|b|no|rw|n|",
        "cluster-allow-replica-migration|b|yes|rw|n|",
        "cluster-announce-bus-port|i 0 65535|0|rw|n|",
        "cluster-announce-hostname|s||rw|n|",
        "cluster-announce-ip|s||rw|n|",
        "cluster-announce-port|i 0 65535|0|rw|n|",
        "cluster-announce-tls-port|i 0 65535|0|rw|n|",
        "cluster-config-file|s|nodes.conf|ro|n|",
        "cluster-enabled|b|no|ro|n|",
        "cluster-link-sendbuf-limit|m 0|0|rw|n|",
        "cluster-migration-barrier|i 0 2147483647|1|rw|n|",
        "cluster-node-timeout|i 0 9223372036854775807|15000|rw|n|",
        "cluster-port|i 0 65535|0|ro|n|",
        "cluster-preferred-endpoint-type|e ip,hostname,unknown-endpoint|ip|rw|n|",
        "cluster-replica-no-failover|b|no|rw|n|cluster-slave-no-failover",
        "cluster-replica-validity-factor|i 0 2147483647|10|rw|n|cluster-slave-validity-factor",
        "cluster-require-full-coverage|b|yes|rw|n|",
        "crash-log-enabled|b|yes|rw|c|",
        "crash-memcheck-enabled|b|yes|rw|c|",
        "dbfilename|s|dump.rdb|rw|n|",
        "disable-thp|b|yes|ro|c|",
        "dynamic-hz|b|yes|rw|c|",
        "enable-module-command|e no,yes,local|no|ro|n|",
        "hash-max-listpack-entries|i 0 9223372036854775807|512|rw|n|hash-max-ziplist-entries",
        "hash-max-listpack-value|m 0|64|rw|n|hash-max-ziplist-value",
        "hll-sparse-max-bytes|m 0|3000|rw|n|",
        "ignore-warnings|s||rw|c|",
        "io-threads-do-reads|b|no|ro|c|",
        "jemalloc-bg-thread|b|yes|rw|c|",
        "latency-monitor-threshold|i 0 9223372036854775807|0|rw|n|",
        "latency-tracking|b|yes|rw|c|",
        "latency-tracking-info-percentiles|x|50 99 99.9|rw|c|",
        "lazyfree-lazy-eviction|b|no|rw|c|",
        "lazyfree-lazy-expire|b|no|rw|c|",
        "lazyfree-lazy-server-del|b|no|rw|c|",
        "lazyfree-lazy-user-del|b|no|rw|c|",
        "lazyfree-lazy-user-flush|b|no|rw|c|",
        "lfu-decay-time|i 0 2147483647|1|rw|n|",
        "lfu-log-factor|i 0 2147483647|10|rw|n|",
        "list-compress-depth|i 0 2147483647|0|rw|n|",
        "list-max-listpack-size|i -2147483648 2147483647|-2|rw|n|list-max-ziplist-size",
        "masterauth|s||rw|n|",
        "masteruser|s||rw|n|",
        "maxmemory|m 0|0|rw|n|",
        "maxmemory-clients|x|0|rw|n|",
        "maxmemory-eviction-tenacity|i 0 100|10|rw|n|",
        "maxmemory-policy|e volatile-lru,volatile-lfu,volatile-random,volatile-ttl,allkeys-lru,allkeys-lfu,allkeys-random,noeviction|noeviction|rw|n|",
        "maxmemory-samples|i 1 2147483647|5|rw|n|",
        "min-replicas-max-lag|i 0 2147483647|10|rw|n|min-slaves-max-lag",
        "min-replicas-to-write|i 0 2147483647|0|rw|n|min-slaves-to-write",
        "no-appendfsync-on-rewrite|b|no|rw|n|",
        "notify-keyspace-events|x||rw|n|",
        "oom-score-adj|e no,yes,relative,absolute|no|rw|c|",
        "oom-score-adj-values|x|0 200 800|rw|c|",
        "proc-title-template|s|{title} {listen-addr} {server-mode}|rw|c|",
        "propagation-error-behavior|e ignore,panic,panic-on-replicas|ignore|rw|n|",
        "rdb-del-sync-files|b|no|rw|n|",
        "rdb-save-incremental-fsync|b|yes|rw|c|",
        "rdbchecksum|b|yes|ro|n|",
        "rdbcompression|b|yes|rw|n|",
        "repl-backlog-size|m 1|1048576|rw|n|",
        "repl-backlog-ttl|i 0 9223372036854775807|3600|rw|n|",
        "repl-disable-tcp-nodelay|b|no|rw|n|",
        "repl-diskless-load|e disabled,on-empty-db,swapdb|disabled|rw|n|",
        "repl-diskless-sync|b|yes|rw|n|",
        "repl-diskless-sync-delay|i 0 2147483647|5|rw|n|",
        "repl-diskless-sync-max-replicas|i 0 2147483647|0|rw|n|",
        "repl-ping-replica-period|i 1 2147483647|10|rw|n|repl-ping-slave-period",
        "repl-timeout|i 1 2147483647|60|rw|n|",
        "replica-announce-ip|s||rw|n|slave-announce-ip",
        "replica-announce-port|i 0 65535|0|rw|n|slave-announce-port",
        "replica-announced|b|yes|rw|n|",
        "replica-ignore-disk-write-errors|b|no|rw|n|",
        "replica-ignore-maxmemory|b|yes|rw|n|slave-ignore-maxmemory",
        "replica-lazy-flush|b|no|rw|n|slave-lazy-flush",
        "replica-priority|i 0 2147483647|100|rw|n|slave-priority",
        "replica-read-only|b|yes|rw|n|slave-read-only",
        "replica-serve-stale-data|b|yes|rw|n|slave-serve-stale-data",
        "replicaof|x||ro|n|slaveof",
        "sanitize-dump-payload|e no,yes,clients|no|rw|n|",
        "save|x|3600 1 300 100 60 10000|rw|n|",
        "server_cpulist|s||ro|c|",
        "set-max-intset-entries|i 0 9223372036854775807|512|rw|n|",
        "set-proc-title|b|yes|ro|c|",
        "shutdown-on-sigint|e default,save,nosave,now,force|default|rw|n|",
        "shutdown-on-sigterm|e default,save,nosave,now,force|default|rw|n|",
        "shutdown-timeout|i 0 2147483647|10|rw|n|",
        "socket-mark-id|i 0 4294967295|0|ro|n|",
        "stop-writes-on-bgsave-error|b|yes|rw|n|",
        "stream-node-max-bytes|m 0|4096|rw|n|",
        "stream-node-max-entries|i 0 9223372036854775807|100|rw|n|",
        "supervised|e upstart,systemd,auto,no|no|ro|c|",
        "syslog-enabled|b|no|ro|c|",
        "syslog-facility|e user,local0,local1,local2,local3,local4,local5,local6,local7|local0|ro|c|",
        "syslog-ident|s|redis|ro|c|",
        "tls-auth-clients|e no,yes,optional|yes|rw|n|",
        "tls-ca-cert-dir|s||rw|n|",
        "tls-ca-cert-file|s||rw|n|",
        "tls-cert-file|s||rw|n|",
        "tls-ciphers|s||rw|n|",
        "tls-ciphersuites|s||rw|n|",
        "tls-client-cert-file|s||rw|n|",
        "tls-client-key-file|s||rw|n|",
        "tls-client-key-file-pass|s||rw|n|",
        "tls-cluster|b|no|rw|n|",
        "tls-dh-params-file|s||rw|n|",
        "tls-key-file|s||rw|n|",
        "tls-key-file-pass|s||rw|n|",
        "tls-port|i 0 65535|0|rw|n|",
        "tls-prefer-server-ciphers|b|no|rw|n|",
        "tls-protocols|s||rw|n|",
        "tls-replication|b|no|rw|n|",
        "tls-session-cache-size|i 0 2147483647|20480|rw|n|",
        "tls-session-cache-timeout|i 0 2147483647|300|rw|n|",
        "tls-session-caching|b|yes|rw|n|",
        "tracking-table-max-keys|i 0 9223372036854775807|1000000|rw|n|",
        "zset-max-listpack-entries|i 0 9223372036854775807|128|rw|n|zset-max-ziplist-entries",
        "zset-max-listpack-value|m 0|64|rw|n|zset-max-ziplist-value",
    };

    /** True for parameters that came from this table (a module may replace them). */
    static boolean isPlaceholder(Param p) {
        return p.placeholder;
    }

    static void registerAll(Config config) {
        for (String row : TABLE) {
            String[] c = row.split("\\|", -1);
            String name = c[0];
            String[] kind = c[1].split(" ");
            String def = c[2];
            boolean mutable = c[3].equals("rw");
            boolean effective = c[4].equals("c");
            String[] aliases = c[5].isEmpty() ? new String[0] : c[5].split(",");
            Param p;
            switch (kind[0]) {
                case "b":
                    p = new Param.Bool(name, def.equals("yes"), mutable, aliases);
                    break;
                case "i":
                    p = new Param.Num(name, Long.parseLong(def), Long.parseLong(kind[1]), Long.parseLong(kind[2]), false, mutable, aliases);
                    break;
                case "m":
                    p = new Param.Num(name, Long.parseLong(def), Long.parseLong(kind[1]), Long.MAX_VALUE, true, mutable, aliases);
                    break;
                case "e":
                    p = new Param.Choice(name, def, mutable, kind[1].split(","), aliases);
                    break;
                case "s":
                    p = new Param.Text(name, def, mutable, aliases);
                    break;
                case "x":
                    p = new Param.Special(name, def, mutable, parser(name), aliases);
                    break;
                default:
                    throw new IllegalStateException(row);
            }
            if (name.equals("dbfilename")) {
                p.protect();
            }
            if (name.equals("save")) {
                ((Param.Special) p).appendsInFile();
            }
            p.placeholder = true;
            config.addCompat(p, effective);
        }
    }

    private static Param.Special.Parser parser(String name) {
        switch (name) {
            case "save": return CompatParams::save;
            case "client-output-buffer-limit": return CompatParams::clientOutputBufferLimit;
            case "latency-tracking-info-percentiles": return CompatParams::percentiles;
            case "oom-score-adj-values": return CompatParams::oomScoreAdjValues;
            case "maxmemory-clients": return CompatParams::memoryOrPercent;
            case "replicaof": return CompatParams::replicaof;
            case "notify-keyspace-events": return CompatParams::keyspaceEvents;
            default: throw new IllegalStateException("no parser for " + name);
        }
    }

    static String[] words(String[] args) {
        String joined = String.join(" ", args).trim();
        return joined.isEmpty() ? new String[0] : joined.split("\\s+");
    }

    static String save(String[] args, String current) throws ConfigException {
        if (args.length == 1 && args[0].isEmpty()) {
            return "";
        }
        String[] w = words(args);
        if (w.length == 0 || w.length % 2 != 0) {
            throw new ConfigException("Invalid save parameters");
        }
        StringBuilder b = new StringBuilder();
        for (String s : w) {
            long v;
            try {
                v = Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new ConfigException("Invalid save parameters");
            }
            if (v < 0) {
                throw new ConfigException("Invalid save parameters");
            }
            b.append(b.length() == 0 ? "" : " ").append(v);
        }
        return b.toString();
    }

    static String clientOutputBufferLimit(String[] args, String current) throws ConfigException {
        String[] w = words(args);
        if (w.length == 0 || w.length % 4 != 0) {
            throw new ConfigException("Wrong number of arguments in buffer limit configuration.");
        }
        Map<String, String> classes = new LinkedHashMap<>();
        String[] cur = current.split(" ");
        for (int i = 0; i + 3 < cur.length; i += 4) {
            classes.put(cur[i], cur[i + 1] + " " + cur[i + 2] + " " + cur[i + 3]);
        }
        for (int i = 0; i < w.length; i += 4) {
            String cls = w[i].toLowerCase(Locale.ROOT);
            if (cls.equals("replica")) {
                cls = "slave";
            }
            if (!classes.containsKey(cls)) {
                throw new ConfigException("Invalid client class specified in buffer limit configuration.");
            }
            long hard;
            long soft;
            long seconds;
            try {
                hard = Param.Num.parseMemory(w[i + 1]);
                soft = Param.Num.parseMemory(w[i + 2]);
                seconds = Long.parseLong(w[i + 3]);
            } catch (ConfigException | NumberFormatException e) {
                throw new ConfigException("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
            }
            if (seconds < 0) {
                throw new ConfigException("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
            }
            classes.put(cls, hard + " " + soft + " " + seconds);
        }
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> e : classes.entrySet()) {
            b.append(b.length() == 0 ? "" : " ").append(e.getKey()).append(' ').append(e.getValue());
        }
        return b.toString();
    }

    static String percentiles(String[] args, String current) throws ConfigException {
        String[] w = words(args);
        StringBuilder b = new StringBuilder();
        for (String s : w) {
            double d;
            try {
                d = Double.parseDouble(s);
            } catch (NumberFormatException e) {
                throw new ConfigException("Invalid latency-tracking-info-percentiles parameters");
            }
            if (!(d >= 0.0 && d <= 100.0)) {
                throw new ConfigException("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
            }
            String t = d == Math.rint(d) ? Long.toString((long) d) : java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
            b.append(b.length() == 0 ? "" : " ").append(t);
        }
        return b.toString();
    }

    static String oomScoreAdjValues(String[] args, String current) throws ConfigException {
        String[] w = words(args);
        if (w.length != 3) {
            throw new ConfigException("wrong number of arguments");
        }
        StringBuilder b = new StringBuilder();
        for (String s : w) {
            long v;
            try {
                v = Long.parseLong(s);
            } catch (NumberFormatException e) {
                v = Long.MAX_VALUE;
            }
            if (v < -2000 || v > 2000) {
                throw new ConfigException("Invalid oom-score-adj-values, elements must be between -2000 and 2000.");
            }
            b.append(b.length() == 0 ? "" : " ").append(v);
        }
        return b.toString();
    }

    static String memoryOrPercent(String[] args, String current) throws ConfigException {
        String s = args[0];
        if (s.endsWith("%")) {
            long v;
            try {
                v = Long.parseLong(s.substring(0, s.length() - 1));
            } catch (NumberFormatException e) {
                throw new ConfigException("argument must be a memory or percent value");
            }
            if (v < 0) {
                throw new ConfigException("argument must be a memory or percent value");
            }
            if (v > 100) {
                throw new ConfigException("percentage argument must be less or equal to 100");
            }
            return v + "%";
        }
        try {
            return Long.toString(Param.Num.parseMemory(s));
        } catch (ConfigException e) {
            throw new ConfigException("argument must be a memory or percent value");
        }
    }

    /** Event classes in the order Redis prints them; 'A' is every class from g to d. */
    private static final String EVENT_CLASSES = "g$lshzxetdn";
    private static final String ALL_CLASSES = "g$lshzxetd";

    /** Validates and normalizes notify-keyspace-events the way Redis does ("KEA" reads back "AKE"). */
    static String keyspaceEvents(String[] args, String current) throws ConfigException {
        String s = args.length == 1 ? args[0] : String.join("", args);
        java.util.Set<Character> on = new java.util.HashSet<>();
        for (char c : s.toCharArray()) {
            if (c == 'A') {
                for (char a : ALL_CLASSES.toCharArray()) {
                    on.add(a);
                }
            } else if (EVENT_CLASSES.indexOf(c) >= 0 || c == 'K' || c == 'E' || c == 'm') {
                on.add(c);
            } else {
                throw new ConfigException("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
            }
        }
        StringBuilder b = new StringBuilder();
        boolean all = true;
        for (char a : ALL_CLASSES.toCharArray()) {
            all &= on.contains(a);
        }
        if (all) {
            b.append('A'); // Redis then prints no single classes, not even 'n'
        } else {
            for (char c : EVENT_CLASSES.toCharArray()) {
                if (on.contains(c)) {
                    b.append(c);
                }
            }
        }
        for (char c : "KEm".toCharArray()) {
            if (on.contains(c)) {
                b.append(c);
            }
        }
        return b.toString();
    }

    static String replicaof(String[] args, String current) throws ConfigException {
        String[] w = words(args);
        if (w.length != 2) {
            throw new ConfigException("wrong number of arguments");
        }
        if (w[0].equalsIgnoreCase("no") && w[1].equalsIgnoreCase("one")) {
            return "";
        }
        try {
            long port = Long.parseLong(w[1]);
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return w[0] + " " + port;
        } catch (NumberFormatException e) {
            throw new ConfigException("Invalid master port");
        }
    }
}
