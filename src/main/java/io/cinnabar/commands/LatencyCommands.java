package io.cinnabar.commands;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandSpec;
import io.cinnabar.command.CommandTable;
import io.cinnabar.config.Config;
import io.cinnabar.protocol.ReplyWriter;
import io.cinnabar.server.Server;
import io.cinnabar.util.LatencyMonitor;
import io.cinnabar.util.Sparkline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * LATENCY: the latency monitor's events (LATEST, HISTORY, RESET, GRAPH, DOCTOR, as Redis's
 * latency.c) and the per-command latency distributions (HISTOGRAM, from {@link LatencyStats}).
 *
 * <p>DOCTOR gives Redis's advice for the events Cinnabar records (command, fast-command,
 * expire-cycle, eviction-cycle, eviction-del; expire-del brings none in Redis either; see
 * {@link LatencyMonitor}) and for transparent huge
 * pages backing this process, which it reads from /proc/self/smaps_rollup as Redis reads smaps.
 */
final class LatencyCommands {
    private static final int GRAPH_COLUMNS = 80;
    private static final int GRAPH_ROWS = 4;

    private final Server server;
    private final LatencyMonitor monitor;

    private LatencyCommands(Server server) {
        this.server = server;
        this.monitor = server.latencyMonitor();
    }

    static void install(Server server) {
        LatencyCommands l = new LatencyCommands(server);
        CommandTable t = server.commandTable();
        t.bind("latency|latest", l::latest);
        t.bind("latency|history", l::history);
        t.bind("latency|reset", l::reset);
        t.bind("latency|graph", l::graph);
        t.bind("latency|doctor", ctx -> ctx.reply.verbatim(l.doctor(System.currentTimeMillis() / 1000), "txt"));
        t.bind("latency|histogram", l::histogram);
        t.bind("latency|help", ctx -> KeyCommands.replyHelp(ctx, "LATENCY",
                "DOCTOR",
                "    Return a human readable latency analysis report.",
                "GRAPH <event>",
                "    Return an ASCII latency graph for the <event> class.",
                "HISTORY <event>",
                "    Return time-latency samples for the <event> class.",
                "LATEST",
                "    Return the latest latency samples for all events.",
                "RESET [<event> ...]",
                "    Reset latency data of one or more <event> classes.",
                "    (default: reset all data for all event classes)",
                "HISTOGRAM [COMMAND ...]",
                "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
                "    If no commands are specified then all histograms are replied."));
    }

    private void latest(CommandContext ctx) {
        Map<String, LatencyMonitor.Series> events = monitor.events();
        ctx.reply.array(events.size());
        for (Map.Entry<String, LatencyMonitor.Series> e : events.entrySet()) {
            LatencyMonitor.Series s = e.getValue();
            ctx.reply.array(4);
            ctx.reply.bulk(e.getKey());
            ctx.reply.integer(s.latestTime());
            ctx.reply.integer(s.latestLatency());
            ctx.reply.integer(s.max());
        }
    }

    private void history(CommandContext ctx) {
        LatencyMonitor.Series s = monitor.series(ctx.argString(2));
        List<long[]> samples = s == null ? List.of() : s.samples();
        ctx.reply.array(samples.size());
        for (long[] sample : samples) {
            ctx.reply.array(2);
            ctx.reply.integer(sample[0]);
            ctx.reply.integer(sample[1]);
        }
    }

    private void reset(CommandContext ctx) {
        if (ctx.argc() == 2) {
            ctx.reply.integer(monitor.reset(null));
            return;
        }
        int resets = 0;
        for (int i = 2; i < ctx.argc(); i++) {
            resets += monitor.reset(ctx.argString(i));
        }
        ctx.reply.integer(resets);
    }

    private void graph(CommandContext ctx) {
        String event = ctx.argString(2);
        LatencyMonitor.Series s = monitor.series(event);
        if (s == null) {
            ctx.reply.error("ERR No samples available for event '" + event + "'");
            return;
        }
        ctx.reply.verbatim(graph(event, s, System.currentTimeMillis() / 1000), "txt");
    }

    /** Redis's latencyCommandGenSparkeline: a header, a rule, then the samples oldest first. */
    static String graph(String event, LatencyMonitor.Series series, long nowSeconds) {
        Sparkline line = new Sparkline();
        long min = 0;
        long max = 0;
        boolean first = true;
        for (long[] sample : series.samples()) {
            long latency = sample[1];
            if (first) {
                min = max = latency;
                first = false;
            } else {
                max = Math.max(max, latency);
                min = Math.min(min, latency);
            }
            line.add(latency, age(nowSeconds - sample[0]));
        }
        StringBuilder out = new StringBuilder();
        out.append(event).append(" - high ").append(max).append(" ms, low ").append(min)
                .append(" ms (all time high ").append(series.max()).append(" ms)\n");
        out.append("-".repeat(GRAPH_COLUMNS)).append('\n');
        line.render(out, GRAPH_COLUMNS, GRAPH_ROWS);
        return out.toString();
    }

    /** How long ago a sample was taken, in the largest unit that fits (Redis's graph labels). */
    private static String age(long elapsed) {
        if (elapsed < 60) {
            return elapsed + "s";
        } else if (elapsed < 3600) {
            return elapsed / 60 + "m";
        } else if (elapsed < 3600 * 24) {
            return elapsed / 3600 + "h";
        }
        return elapsed / (3600 * 24) + "d";
    }

    // ---------------------------------------------------------------- DOCTOR

    /** Redis's analyzeLatencyForEvent: integer average and mean deviation, period from the oldest sample. */
    static final class Analysis {
        int samples;
        long avg;
        long mad;
        long period;

        Analysis(LatencyMonitor.Series series, long nowSeconds) {
            List<long[]> all = series.samples();
            long sum = 0;
            long oldest = 0;
            for (long[] s : all) {
                samples++;
                sum += s[1];
                if (oldest == 0 || s[0] < oldest) {
                    oldest = s[0];
                }
            }
            if (samples == 0) {
                return;
            }
            avg = sum / samples;
            period = nowSeconds - oldest;
            if (period == 0) {
                period = 1;
            }
            long deviation = 0;
            for (long[] s : all) {
                deviation += Math.abs(avg - s[1]);
            }
            mad = deviation / samples;
        }
    }

    /** Redis's advice, in the order its report prints it. */
    private enum Advice {
        SLOWLOG_ENABLED, SLOWLOG_TUNING, SLOWLOG_INSPECT, SCHEDULER, HZ, LARGE_OBJECTS, MASS_EVICTION, DISABLE_THP
    }

    /** The advice each event brings (command's slow log advice depends on the configuration). */
    private static final Map<String, Advice[]> EVENT_ADVICE = Map.of(
            "command", new Advice[] {Advice.SLOWLOG_INSPECT, Advice.LARGE_OBJECTS},
            "fast-command", new Advice[] {Advice.SCHEDULER},
            "expire-cycle", new Advice[] {Advice.HZ, Advice.LARGE_OBJECTS},
            "eviction-del", new Advice[] {Advice.LARGE_OBJECTS},
            "eviction-cycle", new Advice[] {Advice.MASS_EVICTION});

    /** Marks the advice given; returns how many pieces Redis counts for it (repeats count again). */
    private static int give(boolean[] advise, Advice... given) {
        for (Advice a : given) {
            advise[a.ordinal()] = true;
        }
        return given.length;
    }

    /** Redis's createLatencyReport, for the events we record. */
    String doctor(long nowSeconds) {
        Config config = server.config();
        long threshold = monitor.threshold();
        Map<String, LatencyMonitor.Series> events = monitor.events();
        if (events.isEmpty() && threshold == 0) {
            return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use "
                    + "\"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep "
                    + "space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n";
        }
        StringBuilder report = new StringBuilder();
        boolean[] advise = new boolean[Advice.values().length];
        int advices = 0;
        int eventNumber = 0;
        for (Map.Entry<String, LatencyMonitor.Series> e : events.entrySet()) {
            String event = e.getKey();
            eventNumber++;
            if (eventNumber == 1) {
                report.append("Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n");
            }
            Analysis a = new Analysis(e.getValue(), nowSeconds);
            report.append(String.format(Locale.ROOT,
                    "%d. %s: %d latency spikes (average %dms, mean deviation %dms, period %.2f sec). Worst all time event %dms.",
                    eventNumber, event, a.samples, a.avg, a.mad, (double) a.period / a.samples, e.getValue().max()));
            String name = event.toLowerCase(Locale.ROOT);
            if (name.equals("command")) {
                long slowlog = config.slowlogLogSlowerThan.value();
                if (slowlog < 0) {
                    advices += give(advise, Advice.SLOWLOG_ENABLED);
                } else if (slowlog / 1000 > threshold) {
                    advices += give(advise, Advice.SLOWLOG_TUNING);
                }
            }
            advices += give(advise, EVENT_ADVICE.getOrDefault(name, new Advice[0]));
            report.append('\n');
        }
        if (anonHugePagesBytes() > 0) {
            advices += give(advise, Advice.DISABLE_THP);
        }
        if (eventNumber == 0 && advices == 0) {
            report.append("Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. "
                    + "I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n");
        } else if (eventNumber > 0 && advices == 0) {
            report.append("\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the Redis "
                    + "community to get some help, providing this report in your help request.\n");
        } else {
            report.append("\nI have a few advices for you:\n\n");
            appendAdvice(report, advise, threshold, config.hz.value());
        }
        return report.toString();
    }

    private static void appendAdvice(StringBuilder report, boolean[] advise, long threshold, long hz) {
        if (advise[Advice.SLOWLOG_ENABLED.ordinal()]) {
            report.append("- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log "
                    + "Redis feature using the command 'CONFIG SET slowlog-log-slower-than ").append(threshold * 1000)
                    .append("'. If the Slow log is disabled Redis is not able to log slow commands execution for you.\n");
        }
        if (advise[Advice.SLOWLOG_TUNING.ordinal()]) {
            report.append("- Your current Slow Log configuration only logs events that are slower than your configured latency "
                    + "monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than ").append(threshold * 1000).append("'.\n");
        }
        if (advise[Advice.SLOWLOG_INSPECT.ordinal()]) {
            report.append("- Check your Slow Log to understand what are the commands you are running which are too slow to "
                    + "execute. Please check https://redis.io/commands/slowlog for more information.\n");
        }
        if (advise[Advice.SCHEDULER.ordinal()]) {
            report.append("- The system is slow to execute Redis code paths not containing system calls. This usually means the "
                    + "system does not provide Redis CPU time to run for long periods. You should try to:\n"
                    + "  1) Lower the system load.\n"
                    + "  2) Use a computer / VM just for Redis if you are running other software in the same system.\n"
                    + "  3) Check if you have a \"noisy neighbour\" problem.\n"
                    + "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n"
                    + "  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using "
                    + "Jemalloc. However this may create fragmentation problems.\n");
        }
        if (advise[Advice.HZ.ordinal()] && hz < 100) {
            report.append("- In order to make the Redis keys expiring process more incremental, try to set the 'hz' configuration "
                    + "parameter to 100 using 'CONFIG SET hz 100'.\n");
        }
        if (advise[Advice.LARGE_OBJECTS.ordinal()]) {
            report.append("- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. "
                    + "If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects "
                    + "into multiple smaller objects.\n");
        }
        if (advise[Advice.MASS_EVICTION.ordinal()]) {
            report.append("- Sudden changes to the 'maxmemory' setting via 'CONFIG SET', or allocation of large objects via sets "
                    + "or sorted sets intersections, STORE option of SORT, Redis Cluster large keys migrations (RESTORE command), "
                    + "may create sudden memory pressure forcing the server to block trying to evict keys. \n");
        }
        if (advise[Advice.DISABLE_THP.ordinal()]) {
            report.append("- I detected a non zero amount of anonymous huge pages used by your process. This creates very serious "
                    + "latency events in different conditions, especially when Redis is persisting on disk. To disable THP support "
                    + "use the command 'echo never > /sys/kernel/mm/transparent_hugepage/enabled', make sure to also add it into "
                    + "/etc/rc.local so that the command will be executed again after a reboot. Note that even if you have already "
                    + "disabled THP, you still need to restart the Redis process to get rid of the huge pages already created.\n");
        }
    }

    /** AnonHugePages of this process, in bytes; 0 where the kernel does not say. */
    static long anonHugePagesBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/smaps_rollup"))) {
                if (line.startsWith("AnonHugePages:")) {
                    String kb = line.substring("AnonHugePages:".length()).trim().split("\\s+")[0];
                    return Long.parseLong(kb) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0; // not Linux, or no smaps: Redis's check answers 0 there too
        }
        return 0;
    }

    // ---------------------------------------------------------------- HISTOGRAM

    /**
     * Redis's per-command cumulative distributions, all commands (in table order; Redis's is its
     * dict's) or the ones named, a container command standing for its subcommands.
     */
    private void histogram(CommandContext ctx) {
        List<CommandSpec> withData = new ArrayList<>();
        if (ctx.argc() == 2) {
            LatencyStats stats = LatencyStats.of(server);
            for (CommandSpec spec : stats.allSpecs()) {
                if (LatencyStats.of(spec) != null) {
                    withData.add(spec);
                }
            }
        } else {
            for (int i = 2; i < ctx.argc(); i++) {
                CommandSpec spec = server.commandTable().get(ctx.argString(i));
                if (spec == null) {
                    continue;
                }
                if (LatencyStats.of(spec) != null) {
                    withData.add(spec);
                }
                for (CommandSpec sub : spec.subcommands()) {
                    if (LatencyStats.of(sub) != null) {
                        withData.add(sub);
                    }
                }
            }
        }
        ctx.reply.map(withData.size());
        for (CommandSpec spec : withData) {
            ctx.reply.bulk(spec.name);
            writeDistribution(ctx.reply, LatencyStats.of(spec));
        }
    }

    /** Redis's fillCommandCDF: calls, then each reporting level where the cumulative count grew. */
    private static void writeDistribution(ReplyWriter reply, LatencyStats.Histogram h) {
        reply.map(2);
        reply.bulk("calls");
        reply.integer(h.total);
        reply.bulk("histogram_usec");
        int levels = 0;
        for (long c : h.cdfCounts) {
            if (c != 0) {
                levels++;
            }
        }
        reply.map(levels);
        long cumulative = 0;
        for (int slot = 0; slot < LatencyStats.CDF_SLOTS; slot++) {
            if (h.cdfCounts[slot] != 0) {
                cumulative += h.cdfCounts[slot];
                reply.integer(LatencyStats.cdfLabel(slot));
                reply.integer(cumulative);
            }
        }
    }
}
