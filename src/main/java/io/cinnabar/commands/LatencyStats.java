package io.cinnabar.commands;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandSpec;
import io.cinnabar.config.Param;
import io.cinnabar.server.Server;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Per-command latency histograms for INFO latencystats (latency-tracking, on by default in Redis
 * 7.0). Log-linear buckets over microseconds, 16 per power of two (about 6% precision; Redis's
 * HdrHistogram keeps 2 significant digits), reporting each percentile as its bucket's upper bound.
 */
final class LatencyStats implements Server.CommandObserver {
    private static final int SUB = 16;
    private static final int SUB_BITS = 4;

    /** One command's histogram. */
    static final class Histogram {
        final long[] counts = new long[64 * SUB];
        long total;
        long max;

        void record(long micros) {
            counts[bucket(micros)]++;
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

    private LatencyStats(Server server) {
        this.server = server;
        this.enabled = (Param.Bool) server.config().find("latency-tracking");
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
        if (!enabled.value()) {
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

    /** Every command and subcommand, in table order. */
    private List<CommandSpec> allSpecs() {
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
