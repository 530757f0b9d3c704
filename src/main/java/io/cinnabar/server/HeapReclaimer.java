package io.cinnabar.server;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a G1 concurrent cycle when the old generation holds much more than the dataset needs.
 *
 * <p>Why: G1 marks the old generation only once it fills a share of the committed heap
 * ({@code InitiatingHeapOccupancyPercent}), and it keeps committing more heap while young pauses
 * take more than a few percent of the time. A queue that is pushed and popped, or keys that are
 * written and deleted, leave their old values in the old generation, so RSS climbed without
 * bound: eight rounds of LPUSH 1.5M / RPOP 1.5M took an idle server with an empty list to 769 MB.
 * Redis returns such memory as it frees it. The server knows how much memory its data needs
 * (used_memory), so it can tell when the old generation is mostly garbage and have it marked.
 *
 * <p>How: {@code System.gc()}, which starts a concurrent cycle instead of a full collection only
 * with {@code -XX:+ExplicitGCInvokesConcurrent} (in bin/jvm-options). Without that flag, or on
 * another collector, this stays off: a full collection would stop the server for as long as it
 * takes to compact the whole heap. The call runs on a thread of its own because it returns only
 * when the cycle is over.
 *
 * <p>When: the old generation's live part is estimated as what it held after the last cycle plus
 * the growth of used_memory since (used_memory plus what the old generation held at startup,
 * before any cycle), and a cycle starts when the rest exceeds both that estimate and
 * {@link Policy#SLACK_BYTES}. Marking costs time in proportion to the live data, so a cycle then
 * frees at least as much as it has to walk, as a heap that doubles before it is collected. Cycles
 * start at most every {@link Policy#MIN_INTERVAL_MILLIS}.
 */
public final class HeapReclaimer {
    private static final Logger log = LoggerFactory.getLogger(HeapReclaimer.class);
    private static final long CHECK_INTERVAL_MILLIS = 1000;

    private final MemoryPoolMXBean oldGen;
    private final LongSupplier usedMemory;
    private final Policy policy;
    private final AtomicBoolean running = new AtomicBoolean();
    private long lastCheck;
    private volatile long cycles;

    private HeapReclaimer(MemoryPoolMXBean oldGen, LongSupplier usedMemory) {
        this.oldGen = oldGen;
        this.usedMemory = usedMemory;
        this.policy = new Policy(oldGen.getUsage().getUsed(), usedMemory.getAsLong());
    }

    /**
     * A reclaimer for this JVM, or null when it runs another collector than G1 or without
     * {@code -XX:+ExplicitGCInvokesConcurrent} (or with {@code -XX:+DisableExplicitGC}).
     */
    public static HeapReclaimer forThisJvm(LongSupplier usedMemory) {
        MemoryPoolMXBean oldGen = g1OldGen();
        if (oldGen == null || !vmFlag("ExplicitGCInvokesConcurrent") || vmFlag("DisableExplicitGC")) {
            log.debug("heap reclaiming off: needs G1 with -XX:+ExplicitGCInvokesConcurrent");
            return null;
        }
        return new HeapReclaimer(oldGen, usedMemory);
    }

    private static MemoryPoolMXBean g1OldGen() {
        boolean g1 = false;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            g1 |= gc.getName().startsWith("G1 ");
        }
        if (!g1) {
            return null;
        }
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getName().equals("G1 Old Gen")) {
                return pool;
            }
        }
        return null;
    }

    private static boolean vmFlag(String name) {
        try {
            HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return hotspot != null && Boolean.parseBoolean(hotspot.getVMOption(name).getValue());
        } catch (RuntimeException | LinkageError e) {
            return false; // not HotSpot, or the jdk.management module is missing: leave it off
        }
    }

    /** Concurrent cycles started so far. */
    public long cycles() {
        return cycles;
    }

    /** From the data thread's cron: looks once a second, starts a cycle when the policy says so. */
    public void tick(long nowMillis) {
        if (nowMillis - lastCheck < CHECK_INTERVAL_MILLIS || running.get()) {
            return;
        }
        lastCheck = nowMillis;
        long used = usedMemory.getAsLong();
        long old = oldGen.getUsage().getUsed();
        if (!policy.shouldCollect(old, used, nowMillis)) {
            return;
        }
        running.set(true);
        startCycle(old, used);
    }

    /**
     * MEMORY PURGE: starts a cycle now, whatever the policy thinks of the garbage, because the
     * user asked for memory back. The cycle's outcome feeds the policy as any other. False when
     * one is already running (it is doing what was asked).
     */
    public boolean collectNow() {
        if (!running.compareAndSet(false, true)) {
            return false;
        }
        startCycle(oldGen.getUsage().getUsed(), usedMemory.getAsLong());
        return true;
    }

    private void startCycle(long oldBefore, long usedAtStart) {
        Thread t = new Thread(() -> collect(oldBefore, usedAtStart), "cinnabar-heap-reclaim");
        t.setDaemon(true);
        t.start();
    }

    private void collect(long oldBefore, long usedAtStart) {
        try {
            System.gc(); // a concurrent cycle: checked in forThisJvm
            long after = oldGen.getUsage().getUsed();
            policy.cycleDone(after, usedAtStart);
            cycles++;
            log.debug("heap reclaim: old generation {} -> {} bytes, used_memory {}", oldBefore, after, usedAtStart);
        } finally {
            running.set(false);
        }
    }

    /** When to start a cycle; separate from the JVM so tests can drive it with numbers. */
    static final class Policy {
        /** Garbage below this is never worth a cycle, however small the data. */
        static final long SLACK_BYTES = 64L << 20;
        static final long MIN_INTERVAL_MILLIS = 5000;

        /** Old generation in use after the last cycle (at startup: when the server started). */
        private volatile long liveAfterCycle;
        /** used_memory at the moment that figure was taken. */
        private volatile long usedAtCycle;
        private long lastStart = Long.MIN_VALUE / 2;

        Policy(long oldUsedAtStart, long usedAtStart) {
            liveAfterCycle = oldUsedAtStart;
            usedAtCycle = usedAtStart;
        }

        long estimatedLive(long used) {
            return Math.max(0, liveAfterCycle + used - usedAtCycle);
        }

        boolean shouldCollect(long oldUsed, long used, long nowMillis) {
            if (nowMillis - lastStart < MIN_INTERVAL_MILLIS) {
                return false;
            }
            long live = estimatedLive(used);
            if (oldUsed - live <= Math.max(live, SLACK_BYTES)) {
                return false;
            }
            lastStart = nowMillis;
            return true;
        }

        /** After a cycle: what the old generation still held, and used_memory when it began. */
        void cycleDone(long oldUsedAfter, long usedAtStart) {
            usedAtCycle = usedAtStart;
            liveAfterCycle = oldUsedAfter;
        }
    }
}
