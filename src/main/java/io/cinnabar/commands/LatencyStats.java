package io.cinnabar.commands;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandFlag;
import io.cinnabar.command.CommandSpec;
import io.cinnabar.config.Param;
import io.cinnabar.server.Blocking;
import io.cinnabar.server.Server;
import io.cinnabar.util.LatencyMonitor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Per-command latency histograms for INFO latencystats and LATENCY HISTOGRAM (latency-tracking,
 * on by default in Redis 7.0). Log-linear buckets over microseconds, 16 per power of two (about 6%
 * precision; Redis's HdrHistogram keeps 2 significant digits), reporting each percentile as its
 * bucket's upper bound. Beside them, the counts LATENCY HISTOGRAM reports are kept exactly per
 * Redis's power-of-two reporting levels (see {@link #cdfSlot}).
 *
 * <p>The same hook feeds the latency monitor's {@code command}, {@code fast-command} and
 * {@code command-unblocking} events, so a command pays one more field comparison for them while
 * latency-monitor-threshold is 0. A served blocked command's histogram entry is the time of the
 * run that served it, where Redis adds the time of the first run that blocked.
 */
final class LatencyStats implements Server.CommandObserver {
    private static final int SUB = 16;
    private static final int SUB_BITS = 4;

    /**
     * Redis records each duration in nanoseconds (microseconds times 1000, clamped to 1 ns..1 s)
     * into an HdrHistogram of 2 significant digits and reports it through a logarithmic iterator
     * from 1024 ns doubling: level k covers every value up to the top of 1024*2^k's equivalence
     * range, 1032*2^k - 1 ns, printed in whole microseconds. Level 20 (2^30 ns) lies past the
     * histogram's last bucket, so the iterator ends on that bucket instead: 1073741823 ns.
     */
    static final int CDF_SLOTS = 21;
    private static final long CDF_MAX_NANOS = 1_000_000_000L;

    /** The reporting level a duration falls in: the smallest k with nanos below 1032 * 2^k. */
    static int cdfSlot(long micros) {
        long nanos = micros >= CDF_MAX_NANOS / 1000 ? CDF_MAX_NANOS : Math.max(1, micros * 1000);
        return 64 - Long.numberOfLeadingZeros(nanos / 1032);
    }

    /** The microseconds Redis prints for a reporting level. */
    static long cdfLabel(int slot) {
        return slot == CDF_SLOTS - 1 ? ((1L << 30) - 1) / 1000 : ((1032L << slot) - 1) / 1000;
    }

    /** One command's histogram. */
    static final class Histogram {
        final long[] counts = new long[64 * SUB];
        final long[] cdfCounts = new long[CDF_SLOTS];
        long total;
        long max;

        void record(long micros) {
            counts[bucket(micros)]++;
            cdfCounts[cdfSlot(micros)]++;
            total++;
            if (micros > max) {
                max = micros;
            }
        }

        /** The upper bound in microseconds of the bucket holding the p-th percentile. */
        double valueAt(double p) {
            long rank = Math.max(1, (long) Math.ceil(p / 100.0 * total));
            long seen = 0;
            for (int i = 0; i < counts.length; i++) {
                seen += counts[i];
                if (seen >= rank) {
                    return Math.min(upperBound(i), Math.max(max, 1));
                }
            }
            return Math.max(max, 1);
        }
    }

    static int bucket(long v) {
        if (v < SUB) {
            return (int) v;
        }
        int msb = 63 - Long.numberOfLeadingZeros(v);
        int shift = msb - SUB_BITS;
        return (shift + 1) * SUB + (int) ((v >>> shift) - SUB);
    }

    static long upperBound(int bucket) {
        if (bucket < SUB) {
            return Math.max(1, bucket);
        }
        int shift = bucket / SUB - 1;
        long base = (long) (SUB + bucket % SUB) << shift;
        return base + (1L << shift) - 1;
    }

    private final Server server;
    private final Param.Bool enabled;
    private final LatencyMonitor monitor;
    private final Blocking blocking;

    private LatencyStats(Server server) {
        this.server = server;
        this.enabled = (Param.Bool) server.config().find("latency-tracking");
        this.monitor = server.latencyMonitor();
        this.blocking = server.blocking();
    }

    static void install(Server server) {
        LatencyStats s = new LatencyStats(server);
        server.info().attach(LatencyStats.class, s);
        server.addObserver(s);
    }

    static LatencyStats of(Server server) {
        return server.info().attachment(LatencyStats.class);
    }

    @Override
    public void afterCommand(CommandContext ctx, CommandSpec spec, long micros) {
        // A command that blocks runs again when a key it waits on is written. Redis runs it once
        // and serves the waiter without running it: the first run is a command event but not in
        // the histogram; serving it is a command-unblocking event and goes into the histogram; a
        // waiter woken with nothing to take, or timed out, counts in neither.
        boolean waiting = blocking.isBlocked(ctx.client);
        boolean served = waiting && blocking.isBeingServed(ctx.client);
        if (monitor.threshold() != 0 && (served || blocking.servingKey(ctx.client) == null)) {
            String event = served ? "command-unblocking" : spec.has(CommandFlag.FAST) ? "fast-command" : "command";
            monitor.addSampleIfNeeded(event, micros / 1000);
        }
        if (!enabled.value() || (waiting && !served)) {
            return;
        }
        Histogram h = (Histogram) spec.latencyHistogram;
        if (h == null) {
            h = new Histogram();
            spec.latencyHistogram = h;
        }
        h.record(micros);
    }

    void reset() {
        for (CommandSpec spec : allSpecs()) {
            spec.latencyHistogram = null;
        }
    }

    /** The command's histogram, or null when it has not run since the last reset. */
    static Histogram of(CommandSpec spec) {
        return (Histogram) spec.latencyHistogram;
    }

    /** Every command and subcommand, in table order. */
    List<CommandSpec> allSpecs() {
        List<CommandSpec> all = new ArrayList<>();
        for (CommandSpec spec : server.commandTable().all()) {
            all.add(spec);
            Collections.addAll(all, spec.subcommands());
        }
        return all;
    }

    /** The body of INFO latencystats, commands in table order. */
    void render(StringBuilder out) {
        String[] labels = server.config().find("latency-tracking-info-percentiles").get().split(" ");
        for (CommandSpec spec : allSpecs()) {
            Histogram h = (Histogram) spec.latencyHistogram;
            if (h == null || h.total == 0) {
                continue;
            }
            out.append("latency_percentiles_usec_").append(spec.name).append(':');
            boolean first = true;
            for (String label : labels) {
                if (label.isEmpty()) {
                    continue;
                }
                out.append(first ? "" : ",").append('p').append(label).append('=')
                        .append(String.format(Locale.ROOT, "%.3f", h.valueAt(Double.parseDouble(label))));
                first = false;
            }
            out.append("\r\n");
        }
    }
}
