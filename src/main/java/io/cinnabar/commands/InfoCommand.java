package io.cinnabar.commands;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandSpec;
import io.cinnabar.config.Config;
import io.cinnabar.keyspace.Database;
import io.cinnabar.keyspace.Keyspace;
import io.cinnabar.scripting.Functions;
import io.cinnabar.scripting.ScriptEngine;
import io.cinnabar.server.Client;
import io.cinnabar.server.HeapReclaimer;
import io.cinnabar.server.Server;
import io.cinnabar.server.ServerInfo;
import io.cinnabar.server.ServerStats;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * INFO with Redis 7.0's sections and field names. Values are real where Cinnabar has them and
 * Redis's idle values (zeros, "ok", -1) where the feature does not exist yet; modules replace
 * fields or sections through {@link ServerInfo}.
 */
final class InfoCommand {
    /** Bytes we report as the server's own footprint before any data (Redis reports ~870 KB). */
    static final List<String> DEFAULT_SECTIONS = List.of(
            "server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules",
            "errorstats", "cluster", "keyspace");
    static final List<String> ALL_SECTIONS = List.of(
            "server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules",
            "commandstats", "errorstats", "latencystats", "cluster", "keyspace");

    private static final int SAMPLES = 16;
    private static final String BUILD_ID = Long.toHexString(Server.VERSION.hashCode() & 0xffffffffL | 0x100000000L).substring(1) + "cinnabar";

    private final Server server;
    // instantaneous metrics, sampled every 100 ms from the cron like Redis's trackInstantaneousMetric
    private final long[][] samples = new long[3][SAMPLES];
    private final long[] lastValue = new long[3];
    private int sampleIndex;
    private long lastSampleMillis;
    private long peakMemory;
    private volatile long dataThreadId = -1;

    private InfoCommand(Server server) {
        this.server = server;
    }

    static void install(Server server) {
        InfoCommand info = new InfoCommand(server);
        server.info().attach(InfoCommand.class, info);
        server.commandTable().bind("info", info::info);
        server.addCronTask(info::sample);
    }

    static void resetSamples(Server server) {
        InfoCommand info = server.info().attachment(InfoCommand.class);
        if (info != null) {
            for (long[] s : info.samples) {
                java.util.Arrays.fill(s, 0);
            }
            info.lastSampleMillis = 0;
            info.peakMemory = 0;
        }
    }

    private void sample() {
        if (dataThreadId < 0) {
            dataThreadId = Thread.currentThread().getId();
        }
        long used = server.keyspace().usedMemory();
        if (used > peakMemory) {
            peakMemory = used;
        }
        long now = System.currentTimeMillis();
        if (lastSampleMillis == 0) {
            lastSampleMillis = now;
            snapshot(lastValue);
            return;
        }
        long elapsed = now - lastSampleMillis;
        if (elapsed < 100) {
            return;
        }
        long[] cur = new long[3];
        snapshot(cur);
        for (int m = 0; m < 3; m++) {
            samples[m][sampleIndex] = (cur[m] - lastValue[m]) * 1000 / elapsed;
            lastValue[m] = cur[m];
        }
        sampleIndex = (sampleIndex + 1) % SAMPLES;
        lastSampleMillis = now;
    }

    private void snapshot(long[] into) {
        ServerStats st = server.stats();
        into[0] = st.commandsProcessed;
        into[1] = st.netInputBytes.sum();
        into[2] = st.netOutputBytes.sum();
    }

    private long instantaneous(int metric) {
        long sum = 0;
        for (long v : samples[metric]) {
            sum += v;
        }
        return sum / SAMPLES;
    }

    // ---------------------------------------------------------------- the command

    void info(CommandContext ctx) {
        Set<String> sections = new LinkedHashSet<>();
        if (ctx.argc() == 1) {
            sections.addAll(DEFAULT_SECTIONS);
        }
        for (int i = 1; i < ctx.argc(); i++) {
            String s = ctx.argString(i).toLowerCase(Locale.ROOT);
            switch (s) {
                case "default":
                    sections.addAll(DEFAULT_SECTIONS);
                    break;
                case "all":
                case "everything": // "all" plus module sections, of which there are none
                    sections.addAll(ALL_SECTIONS);
                    break;
                default:
                    sections.add(s);
            }
        }
        ctx.reply.verbatim(render(sections, ctx.client), "txt");
    }

    /** The INFO text for the given lowercase section names, in Redis's section order. */
    String render(Set<String> wanted, Client client) {
        StringBuilder out = new StringBuilder(4096);
        for (String section : ALL_SECTIONS) {
            if (!wanted.contains(section)) {
                continue;
            }
            if (out.length() > 0) {
                out.append("\r\n");
            }
            out.append("# ").append(title(section)).append("\r\n");
            ServerInfo.SectionWriter override = server.info().sectionOverride(section);
            if (override != null) {
                override.write(out);
                continue;
            }
            switch (section) {
                case "server": server(out); break;
                case "clients": clients(out); break;
                case "memory": memory(out); break;
                case "persistence": persistence(out); break;
                case "stats": stats(out); break;
                case "replication": replication(out); break;
                case "cpu": cpu(out); break;
                case "commandstats": commandstats(out); break;
                case "errorstats": errorstats(out); break;
                case "cluster": field(out, "cluster_enabled", 0); break;
                case "keyspace": keyspace(out); break;
                case "latencystats":
                    LatencyStats latency = LatencyStats.of(server);
                    if (latency != null) {
                        latency.render(out);
                    }
                    break;
                default: break; // modules: none
            }
        }
        return out.toString();
    }

    private static String title(String section) {
        switch (section) {
            case "cpu": return "CPU";
            case "commandstats": return "Commandstats";
            case "errorstats": return "Errorstats";
            case "latencystats": return "Latencystats";
            default: return Character.toUpperCase(section.charAt(0)) + section.substring(1);
        }
    }

    private void field(StringBuilder out, String name, Object value) {
        Supplier<String> o = server.info().fieldOverride(name);
        out.append(name).append(':').append(o != null ? o.get() : value).append("\r\n");
    }

    // ---------------------------------------------------------------- sections

    private void server(StringBuilder out) {
        Config c = server.config();
        long uptime = (System.currentTimeMillis() - server.startTimeMillis()) / 1000;
        long nowMicros = System.currentTimeMillis() * 1000 + (System.nanoTime() / 1000) % 1000;
        field(out, "redis_version", Server.REDIS_VERSION);
        field(out, "redis_git_sha1", "00000000");
        field(out, "redis_git_dirty", 0);
        field(out, "redis_build_id", BUILD_ID);
        field(out, "redis_mode", "standalone");
        field(out, "os", os());
        field(out, "arch_bits", System.getProperty("sun.arch.data.model", "64"));
        field(out, "monotonic_clock", "JVM System.nanoTime");
        field(out, "multiplexing_api", server.info().multiplexingApi());
        field(out, "atomicvar_api", "java.util.concurrent");
        field(out, "gcc_version", "0.0.0");
        field(out, "process_id", ProcessHandle.current().pid());
        field(out, "process_supervised", "no");
        field(out, "run_id", server.runId().value());
        field(out, "tcp_port", server.info().tcpPort());
        field(out, "server_time_usec", nowMicros);
        field(out, "uptime_in_seconds", uptime);
        field(out, "uptime_in_days", uptime / 86400);
        field(out, "hz", c.hz.value());
        field(out, "configured_hz", c.hz.value());
        field(out, "lru_clock", server.keyspace().lruClock());
        field(out, "executable", executable());
        field(out, "config_file", c.configFile() == null ? "" : c.configFile());
        field(out, "io_threads_active", c.ioThreads.value() > 1 ? 1 : 0);
        field(out, "cinnabar_version", Server.VERSION);
        field(out, "java_version", System.getProperty("java.version"));
    }

    private static String os() {
        String name = System.getProperty("os.name");
        String arch = System.getProperty("os.arch");
        if ("amd64".equals(arch)) {
            arch = "x86_64";
        } else if ("aarch64".equals(arch)) {
            arch = "aarch64";
        }
        return name + " " + System.getProperty("os.version") + " " + arch;
    }

    private static volatile String executable;

    private static String executable() {
        String e = executable;
        if (e == null) {
            e = executable = ProcessHandle.current().info().command().orElse("");
        }
        return e;
    }

    private void clients(StringBuilder out) {
        int blocked = 0;
        for (Client c : server.clients()) {
            if (c.isBlocked()) {
                blocked++;
            }
        }
        field(out, "connected_clients", server.clientCount());
        field(out, "cluster_connections", 0);
        field(out, "maxclients", server.config().maxclients.value());
        field(out, "client_recent_max_input_buffer", 0);
        field(out, "client_recent_max_output_buffer", 0);
        field(out, "blocked_clients", blocked);
        field(out, "tracking_clients", 0);
        field(out, "clients_in_timeout_table", 0);
    }

    /** used_memory_peak, first raised to the current used_memory (MEMORY STATS reads it too). */
    static long peakMemory(Server server) {
        long used = server.keyspace().usedMemory();
        InfoCommand info = server.info().attachment(InfoCommand.class);
        if (info == null) {
            return used;
        }
        info.peakMemory = Math.max(info.peakMemory, used);
        return info.peakMemory;
    }

    private void memory(StringBuilder out) {
        long used = server.keyspace().usedMemory();
        peakMemory(server);
        long dataset = server.keyspace().memory();
        long rss = rss();
        long total = totalSystemMemory();
        Runtime rt = Runtime.getRuntime();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long maxmemory = server.config().num("maxmemory").value();
        field(out, "used_memory", used);
        field(out, "used_memory_human", human(used));
        field(out, "used_memory_rss", rss);
        field(out, "used_memory_rss_human", human(rss));
        field(out, "used_memory_peak", peakMemory);
        field(out, "used_memory_peak_human", human(peakMemory));
        field(out, "used_memory_peak_perc", pct(used, peakMemory));
        field(out, "used_memory_overhead", Keyspace.STARTUP_MEMORY);
        field(out, "used_memory_startup", Keyspace.STARTUP_MEMORY);
        field(out, "used_memory_dataset", dataset);
        field(out, "used_memory_dataset_perc", pct(dataset, netUsage(used)));
        field(out, "allocator_allocated", heap.getUsed());
        field(out, "allocator_active", heap.getCommitted());
        field(out, "allocator_resident", rss);
        field(out, "total_system_memory", total);
        field(out, "total_system_memory_human", human(total));
        field(out, "used_memory_lua", 0);
        field(out, "used_memory_vm_eval", 0);
        field(out, "used_memory_lua_human", "0B");
        // The Lua VM's own memory (Redis's lua_gc count) has no counterpart in luaj: 0 there.
        ScriptEngine scripts = server.info().attachment(ScriptEngine.class);
        Functions functions = server.info().attachment(Functions.class);
        long scriptBytes = scripts == null ? 0 : scripts.cachedSourceBytes();
        field(out, "used_memory_scripts_eval", scriptBytes);
        field(out, "number_of_cached_scripts", scripts == null ? 0 : scripts.cachedCount());
        field(out, "number_of_functions", functions == null ? 0 : functions.functionCount());
        field(out, "number_of_libraries", functions == null ? 0 : functions.libraryCount());
        field(out, "used_memory_vm_functions", 0);
        field(out, "used_memory_vm_total", 0);
        field(out, "used_memory_vm_total_human", "0B");
        field(out, "used_memory_functions", 0);
        field(out, "used_memory_scripts", scriptBytes);
        field(out, "used_memory_scripts_human", human(scriptBytes));
        field(out, "maxmemory", maxmemory);
        field(out, "maxmemory_human", human(maxmemory));
        field(out, "maxmemory_policy", server.config().find("maxmemory-policy").get());
        field(out, "allocator_frag_ratio", ratio(heap.getCommitted(), heap.getUsed()));
        field(out, "allocator_frag_bytes", Math.max(0, heap.getCommitted() - heap.getUsed()));
        field(out, "allocator_rss_ratio", ratio(rss, heap.getCommitted()));
        field(out, "allocator_rss_bytes", rss - heap.getCommitted());
        field(out, "rss_overhead_ratio", "1.00");
        field(out, "rss_overhead_bytes", 0);
        field(out, "mem_fragmentation_ratio", ratio(rss, used));
        field(out, "mem_fragmentation_bytes", rss - used);
        field(out, "mem_not_counted_for_evict", 0);
        field(out, "mem_replication_backlog", 0);
        field(out, "mem_total_replication_buffers", 0);
        field(out, "mem_clients_slaves", 0);
        field(out, "mem_clients_normal", 0);
        field(out, "mem_cluster_links", 0);
        field(out, "mem_aof_buffer", 0);
        field(out, "mem_allocator", "jvm");
        field(out, "active_defrag_running", 0);
        field(out, "lazyfree_pending_objects", 0);
        field(out, "lazyfreed_objects", 0);
        field(out, "jvm_heap_used", heap.getUsed());
        field(out, "jvm_heap_committed", heap.getCommitted());
        field(out, "jvm_heap_max", rt.maxMemory());
        HeapReclaimer reclaimer = server.info().attachment(HeapReclaimer.class);
        // -1: the JVM runs without G1's concurrent System.gc(), so the server never starts a cycle
        field(out, "jvm_heap_reclaim_cycles", reclaimer == null ? -1 : reclaimer.cycles());
    }

    /** Resident set size from /proc/self/statm, else the JVM's committed heap. */
    static long rss() {
        try {
            String statm = Files.readString(Path.of("/proc/self/statm")).trim();
            String[] f = statm.split(" ");
            return Long.parseLong(f[1]) * 4096;
        } catch (Exception e) {
            return Runtime.getRuntime().totalMemory();
        }
    }

    private static volatile long totalSystemMemory = -1;

    /** Physical memory of the machine; read once (the OS bean re-reads /proc/meminfo each time). */
    static long totalSystemMemory() {
        long t = totalSystemMemory;
        if (t < 0) {
            t = totalSystemMemory = readTotalSystemMemory();
        }
        return t;
    }

    private static long readTotalSystemMemory() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            return ((com.sun.management.OperatingSystemMXBean) os).getTotalMemorySize();
        }
        return 0;
    }

    /** Redis's bytesToHuman: 919.23K, 6.36M, 0B. */
    static String human(long n) {
        double d = n;
        if (n < 1024) {
            return n + "B";
        } else if (n < 1024L * 1024) {
            return String.format(Locale.ROOT, "%.2fK", d / 1024);
        } else if (n < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.2fM", d / (1024 * 1024));
        } else if (n < 1024L * 1024 * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.2fG", d / (1024L * 1024 * 1024));
        } else if (n < 1024L * 1024 * 1024 * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.2fT", d / (1024L * 1024 * 1024 * 1024));
        }
        return String.format(Locale.ROOT, "%.2fP", d / (1024L * 1024 * 1024 * 1024 * 1024));
    }

    /** Redis's net_usage: used memory beyond startup (at least 1), what dataset percentages divide. */
    static long netUsage(long used) {
        return used > Keyspace.STARTUP_MEMORY ? used - Keyspace.STARTUP_MEMORY : 1;
    }

    private static String pct(long part, long whole) {
        return String.format(Locale.ROOT, "%.2f%%", whole == 0 ? 0.0 : part * 100.0 / whole);
    }

    private static String ratio(long a, long b) {
        return String.format(Locale.ROOT, "%.2f", b == 0 ? 0.0 : (double) a / b);
    }

    private void persistence(StringBuilder out) {
        field(out, "loading", 0);
        field(out, "async_loading", 0);
        field(out, "current_cow_peak", 0);
        field(out, "current_cow_size", 0);
        field(out, "current_cow_size_age", 0);
        field(out, "current_fork_perc", "0.00");
        field(out, "current_save_keys_processed", 0);
        field(out, "current_save_keys_total", 0);
        field(out, "rdb_changes_since_last_save", server.keyspace().dirty());
        field(out, "rdb_bgsave_in_progress", 0);
        field(out, "rdb_last_save_time", server.info().lastSaveTime());
        field(out, "rdb_last_bgsave_status", "ok");
        field(out, "rdb_last_bgsave_time_sec", -1);
        field(out, "rdb_current_bgsave_time_sec", -1);
        field(out, "rdb_saves", 0);
        field(out, "rdb_last_cow_size", 0);
        field(out, "rdb_last_load_keys_expired", 0);
        field(out, "rdb_last_load_keys_loaded", 0);
        field(out, "aof_enabled", 0);
        field(out, "aof_rewrite_in_progress", 0);
        field(out, "aof_rewrite_scheduled", 0);
        field(out, "aof_last_rewrite_time_sec", -1);
        field(out, "aof_current_rewrite_time_sec", -1);
        field(out, "aof_last_bgrewrite_status", "ok");
        field(out, "aof_rewrites", 0);
        field(out, "aof_rewrites_consecutive_failures", 0);
        field(out, "aof_last_write_status", "ok");
        field(out, "aof_last_cow_size", 0);
        field(out, "module_fork_in_progress", 0);
        field(out, "module_fork_last_cow_size", 0);
    }

    private void stats(StringBuilder out) {
        ServerStats st = server.stats();
        Keyspace.Stats ks = server.keyspace().stats;
        field(out, "total_connections_received", st.connectionsReceived);
        field(out, "total_commands_processed", st.commandsProcessed);
        field(out, "instantaneous_ops_per_sec", instantaneous(0));
        field(out, "total_net_input_bytes", st.netInputBytes.sum());
        field(out, "total_net_output_bytes", st.netOutputBytes.sum());
        field(out, "total_net_repl_input_bytes", 0);
        field(out, "total_net_repl_output_bytes", 0);
        field(out, "instantaneous_input_kbps", String.format(Locale.ROOT, "%.2f", instantaneous(1) / 1024.0));
        field(out, "instantaneous_output_kbps", String.format(Locale.ROOT, "%.2f", instantaneous(2) / 1024.0));
        field(out, "instantaneous_input_repl_kbps", "0.00");
        field(out, "instantaneous_output_repl_kbps", "0.00");
        field(out, "rejected_connections", st.rejectedConnections);
        field(out, "sync_full", 0);
        field(out, "sync_partial_ok", 0);
        field(out, "sync_partial_err", 0);
        field(out, "expired_keys", ks.expiredKeys);
        field(out, "expired_stale_perc", String.format(Locale.ROOT, "%.2f", (double) ks.expiredStalePerc));
        field(out, "expired_time_cap_reached_count", 0);
        field(out, "expire_cycle_cpu_milliseconds", ks.expireCycleCpuMillis);
        field(out, "evicted_keys", server.keyspace().stats.evictedKeys);
        field(out, "evicted_clients", 0);
        field(out, "total_eviction_exceeded_time", 0);
        field(out, "current_eviction_exceeded_time", 0);
        field(out, "keyspace_hits", ks.keyspaceHits);
        field(out, "keyspace_misses", ks.keyspaceMisses);
        field(out, "pubsub_channels", 0);
        field(out, "pubsub_patterns", 0);
        field(out, "pubsubshard_channels", 0);
        field(out, "latest_fork_usec", 0);
        field(out, "total_forks", 0);
        field(out, "migrate_cached_sockets", 0);
        field(out, "slave_expires_tracked_keys", 0);
        field(out, "active_defrag_hits", 0);
        field(out, "active_defrag_misses", 0);
        field(out, "active_defrag_key_hits", 0);
        field(out, "active_defrag_key_misses", 0);
        field(out, "total_active_defrag_time", 0);
        field(out, "current_active_defrag_time", 0);
        field(out, "tracking_total_keys", 0);
        field(out, "tracking_total_items", 0);
        field(out, "tracking_total_prefixes", 0);
        field(out, "unexpected_error_replies", 0);
        field(out, "total_error_replies", st.totalErrorReplies);
        field(out, "dump_payload_sanitizations", 0);
        field(out, "total_reads_processed", st.readsProcessed.sum());
        field(out, "total_writes_processed", st.writesProcessed.sum());
        field(out, "io_threaded_reads_processed", 0);
        field(out, "io_threaded_writes_processed", 0);
        field(out, "reply_buffer_shrinks", 0);
        field(out, "reply_buffer_expands", 0);
    }

    private void replication(StringBuilder out) {
        field(out, "role", "master");
        field(out, "connected_slaves", 0);
        field(out, "master_failover_state", "no-failover");
        field(out, "master_replid", server.info().replId().value());
        field(out, "master_replid2", server.info().replId2());
        field(out, "master_repl_offset", 0);
        field(out, "second_repl_offset", -1);
        field(out, "repl_backlog_active", 0);
        field(out, "repl_backlog_size", server.config().num("repl-backlog-size").value());
        field(out, "repl_backlog_first_byte_offset", 0);
        field(out, "repl_backlog_histlen", 0);
    }

    private void cpu(StringBuilder out) {
        double[] proc = processCpu();
        double[] main = dataThreadCpu();
        field(out, "used_cpu_sys", seconds(proc[0]));
        field(out, "used_cpu_user", seconds(proc[1]));
        field(out, "used_cpu_sys_children", "0.000000");
        field(out, "used_cpu_user_children", "0.000000");
        field(out, "used_cpu_sys_main_thread", seconds(main[0]));
        field(out, "used_cpu_user_main_thread", seconds(main[1]));
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.6f", s);
    }

    /** {sys, user} seconds of the whole process: /proc/self/stat, else the JVM's process CPU time. */
    static double[] processCpu() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": state is f[0]; utime is field 14 overall -> f[11], stime f[12]
            double ticks = 100.0;
            return new double[] {Long.parseLong(f[12]) / ticks, Long.parseLong(f[11]) / ticks};
        } catch (Exception e) {
            java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
            if (os instanceof com.sun.management.OperatingSystemMXBean) {
                long nanos = ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
                return new double[] {0, nanos / 1e9};
            }
            return new double[] {0, 0};
        }
    }

    private double[] dataThreadCpu() {
        ThreadMXBean t = ManagementFactory.getThreadMXBean();
        long id = dataThreadId >= 0 ? dataThreadId : Thread.currentThread().getId();
        try {
            long cpu = t.getThreadCpuTime(id);
            long user = t.getThreadUserTime(id);
            if (cpu < 0 || user < 0) {
                return new double[] {0, 0};
            }
            return new double[] {(cpu - user) / 1e9, user / 1e9};
        } catch (UnsupportedOperationException e) {
            return new double[] {0, 0};
        }
    }

    private void commandstats(StringBuilder out) {
        for (CommandSpec spec : server.commandTable().all()) {
            commandStat(out, spec);
            for (CommandSpec sub : spec.subcommands()) {
                commandStat(out, sub);
            }
        }
    }

    private static void commandStat(StringBuilder out, CommandSpec s) {
        if (s.calls == 0 && s.failedCalls == 0 && s.rejectedCalls == 0) {
            return;
        }
        out.append("cmdstat_").append(s.name).append(":calls=").append(s.calls)
                .append(",usec=").append(s.micros)
                .append(",usec_per_call=").append(String.format(Locale.ROOT, "%.2f", s.calls == 0 ? 0.0 : (double) s.micros / s.calls))
                .append(",rejected_calls=").append(s.rejectedCalls)
                .append(",failed_calls=").append(s.failedCalls).append("\r\n");
    }

    private void errorstats(StringBuilder out) {
        for (Map.Entry<String, Long> e : server.stats().errorsByCode().entrySet()) {
            out.append("errorstat_").append(e.getKey()).append(":count=").append(e.getValue()).append("\r\n");
        }
    }

    private void keyspace(StringBuilder out) {
        Keyspace ks = server.keyspace();
        for (int i = 0; i < ks.count(); i++) {
            Database db = ks.db(i);
            int keys = db.size();
            if (keys == 0) {
                continue;
            }
            int volatileKeys = db.volatileCount();
            out.append("db").append(i).append(":keys=").append(keys)
                    .append(",expires=").append(volatileKeys)
                    .append(",avg_ttl=").append(volatileKeys == 0 ? 0 : averageTtl(db)).append("\r\n");
        }
    }

    private long[] ttlCursors = new long[0];
    private static final int TTL_SAMPLE = 1024;

    /**
     * Average remaining TTL in ms of the keys with an expire, from a bounded sample (exact for small
     * databases), continuing a scan cursor across calls so large databases are sampled evenly.
     * Redis reports a running estimate from its expire cycle; both are estimates of the same thing.
     */
    private long averageTtl(Database db) {
        if (ttlCursors.length <= db.id()) {
            ttlCursors = java.util.Arrays.copyOf(ttlCursors, server.keyspace().count());
        }
        long now = server.keyspace().now();
        long[] acc = new long[3]; // sum of ttls, volatile keys seen, entries seen
        long cursor = ttlCursors[db.id()];
        int calls = 0;
        do {
            cursor = db.scan(cursor, (key, value, expire) -> {
                acc[2]++;
                if (expire != io.cinnabar.keyspace.KeyTable.NO_EXPIRE && expire > now) {
                    acc[0] += expire - now;
                    acc[1]++;
                }
            });
            calls++;
        } while (cursor != 0 && acc[2] < TTL_SAMPLE && calls < TTL_SAMPLE * 4);
        ttlCursors[db.id()] = cursor;
        return acc[1] == 0 ? 0 : acc[0] / acc[1];
    }
}
