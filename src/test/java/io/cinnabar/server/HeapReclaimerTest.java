package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.cinnabar.server.HeapReclaimer.Policy;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class HeapReclaimerTest {
    private static final long MB = 1L << 20;
    private static final long SLACK = Policy.SLACK_BYTES;
    private static final long GAP = Policy.MIN_INTERVAL_MILLIS;

    @Test
    void garbageUnderTheSlackIsLeftAloneHoweverSmallTheData() {
        Policy p = new Policy(20 * MB, MB);
        assertFalse(p.shouldCollect(20 * MB + SLACK, MB, 0));
        assertTrue(p.shouldCollect(20 * MB + SLACK + 1, MB, 0));
    }

    @Test
    void aLargeDatasetNeedsAsMuchGarbageAsItHoldsBeforeACycle() {
        Policy p = new Policy(20 * MB, MB);
        long used = MB + 1000 * MB; // the dataset grew by 1000 MB since startup
        long live = 1020 * MB;
        assertEquals(live, p.estimatedLive(used));
        assertFalse(p.shouldCollect(2 * live, used, 0));
        assertTrue(p.shouldCollect(2 * live + 1, used, 0));
    }

    @Test
    void cyclesStartAtMostOncePerInterval() {
        Policy p = new Policy(0, 0);
        long old = 10 * SLACK;
        assertTrue(p.shouldCollect(old, 0, 1000));
        assertFalse(p.shouldCollect(old, 0, 1000 + GAP - 1));
        assertTrue(p.shouldCollect(old, 0, 1000 + GAP));
    }

    @Test
    void aCycleRecalibratesTheLiveEstimate() {
        Policy p = new Policy(20 * MB, MB);
        // The heap turned out to need 300 MB for 101 MB of used_memory (object overhead, other data).
        p.cycleDone(300 * MB, 101 * MB);
        assertEquals(300 * MB, p.estimatedLive(101 * MB));
        assertFalse(p.shouldCollect(600 * MB, 101 * MB, 0));
        assertTrue(p.shouldCollect(600 * MB + 1, 101 * MB, 0));
        // Growth of the dataset after the cycle adds to the estimate.
        assertEquals(350 * MB, p.estimatedLive(151 * MB));
    }

    @Test
    void deletedDataCountsAsGarbageAtOnce() {
        Policy p = new Policy(20 * MB, MB);
        p.cycleDone(520 * MB, 501 * MB);
        // Everything but 1 MB of the dataset was deleted; the old generation has not shrunk yet.
        assertEquals(20 * MB, p.estimatedLive(MB));
        assertTrue(p.shouldCollect(520 * MB, MB, 0));
    }

    @Test
    void offWithoutExplicitGcInvokesConcurrent() {
        boolean concurrent = ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:+ExplicitGCInvokesConcurrent");
        assumeFalse(concurrent, "the test JVM runs without the flag (surefire's argLine)");
        // A System.gc() here would be a full, stop-the-world collection.
        assertNull(HeapReclaimer.forThisJvm(() -> 0));
    }
}
