package io.cinnabar.util;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Redis's latency monitor (latency.c): when {@code latency-monitor-threshold} is above zero, an
 * event that lasted at least that many milliseconds is kept under its name as a ring of the last
 * {@value #SAMPLES} samples, one per second (the worst within a second), plus the worst ever.
 *
 * <p>Cinnabar records the events it has a counterpart for: {@code command} and
 * {@code fast-command} (each command's execution, by its FAST flag), {@code command-unblocking}
 * (serving a client blocked on a key), {@code expire-cycle} (the
 * active expire cycle), {@code expire-del} (deleting one expired key, actively or on access),
 * {@code eviction-cycle} and {@code eviction-del} (a maxmemory eviction run and each key it
 * deletes). Redis's other events are never recorded because the operation does not exist here:
 * {@code fork} and {@code rdb-unlink-temp-file} (we never fork: snapshots are taken without a
 * child process), every {@code aof-*} event (no AOF yet), {@code active-defrag-cycle} and
 * {@code while-blocked-cron} (the JVM's collector compacts the heap, there is no defragmenter, and
 * we load no data while serving, the other work Redis times there), and module events
 * ({@code module-acquire-GIL}: no modules).
 *
 * <p>Events are listed in the order they were first seen; Redis lists them in its dict's hash
 * order, which no client may rely on.
 */
public final class LatencyMonitor {
    /** LATENCY_TS_LEN: a ring of this many samples per event. */
    public static final int SAMPLES = 160;

    /** One event's samples: parallel rings of unix seconds and milliseconds; time 0 marks a free slot. */
    public static final class Series {
        final long[] times = new long[SAMPLES];
        final long[] latencies = new long[SAMPLES];
        int next;
        long max;

        void add(long nowSeconds, long millis) {
            if (millis > max) {
                max = millis;
            }
            int prev = (next + SAMPLES - 1) % SAMPLES;
            if (times[prev] == nowSeconds) {
                if (millis > latencies[prev]) {
                    latencies[prev] = millis;
                }
                return;
            }
            times[next] = nowSeconds;
            latencies[next] = millis;
            next = (next + 1) % SAMPLES;
        }

        /** The worst latency ever recorded for this event, in milliseconds. */
        public long max() {
            return max;
        }

        /** The most recent sample's unix time in seconds. */
        public long latestTime() {
            return times[(next + SAMPLES - 1) % SAMPLES];
        }

        /** The most recent sample's latency in milliseconds. */
        public long latestLatency() {
            return latencies[(next + SAMPLES - 1) % SAMPLES];
        }

        /** The samples oldest first, as {time, latency} pairs. */
        public List<long[]> samples() {
            List<long[]> out = new ArrayList<>();
            for (int j = 0; j < SAMPLES; j++) {
                int i = (next + j) % SAMPLES;
                if (times[i] != 0) {
                    out.add(new long[] {times[i], latencies[i]});
                }
            }
            return out;
        }
    }

    private final Map<String, Series> events = new LinkedHashMap<>();
    /** Milliseconds; 0 disables the monitor. Read on every command, so a plain field. */
    private long thresholdMillis;

    public void setThreshold(long millis) {
        this.thresholdMillis = millis;
    }

    public long threshold() {
        return thresholdMillis;
    }

    /** True when events are being recorded: callers skip even reading the clock otherwise. */
    public boolean enabled() {
        return thresholdMillis != 0;
    }

    /** Redis's latencyAddSampleIfNeeded: records the event if it reached the threshold. */
    public void addSampleIfNeeded(String event, long millis) {
        if (thresholdMillis != 0 && millis >= thresholdMillis) {
            addSample(event, millis, System.currentTimeMillis() / 1000);
        }
    }

    /** The time since {@code startNanos} (a System.nanoTime) recorded as the event, if it reached the threshold. */
    public void addElapsedIfNeeded(String event, long startNanos) {
        if (thresholdMillis != 0) {
            addSampleIfNeeded(event, (System.nanoTime() - startNanos) / 1_000_000);
        }
    }

    /** Records a sample unconditionally at the given unix second. */
    public void addSample(String event, long millis, long nowSeconds) {
        events.computeIfAbsent(event, e -> new Series()).add(nowSeconds, millis);
    }

    /** The event's samples, or null when it has none (names are exact, as Redis's dict lookup). */
    public Series series(String event) {
        return events.get(event);
    }

    /** Every event with samples, in first-seen order. */
    public Map<String, Series> events() {
        return Collections.unmodifiableMap(events);
    }

    /** Drops the events named (case-insensitively, as Redis) or all when null; returns how many went. */
    public int reset(String event) {
        int resets = 0;
        for (Iterator<String> it = events.keySet().iterator(); it.hasNext();) {
            String name = it.next();
            if (event == null || name.equalsIgnoreCase(event)) {
                it.remove();
                resets++;
            }
        }
        return resets;
    }
}
