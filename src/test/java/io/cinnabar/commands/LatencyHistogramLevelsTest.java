package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** LATENCY HISTOGRAM's reporting levels, as Redis 7.0's HdrHistogram iteration prints them. */
@Timeout(10)
class LatencyHistogramLevelsTest {
    @Test
    void labelsAreRedisPowerOfTwoLevels() {
        List<Long> labels = new ArrayList<>();
        for (int slot = 0; slot < LatencyStats.CDF_SLOTS; slot++) {
            labels.add(LatencyStats.cdfLabel(slot));
        }
        // 33, 66 and 1082130's absence (1073741 instead) are what Redis 7.0.15 prints
        assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 33L, 66L, 132L, 264L, 528L, 1056L, 2113L, 4227L, 8454L, 16908L,
                33816L, 67633L, 135266L, 270532L, 541065L, 1073741L), labels);
    }

    @Test
    void aDurationCountsAtTheFirstLevelAtOrAboveIt() {
        assertEquals(0, LatencyStats.cdfSlot(0)); // clamped to 1 ns
        assertEquals(0, LatencyStats.cdfSlot(1));
        assertEquals(1, LatencyStats.cdfSlot(2));
        assertEquals(2, LatencyStats.cdfSlot(3));
        assertEquals(5, LatencyStats.cdfSlot(33));
        assertEquals(6, LatencyStats.cdfSlot(34));
        assertEquals(10, LatencyStats.cdfSlot(1056));
        assertEquals(11, LatencyStats.cdfSlot(1057));
        assertEquals(19, LatencyStats.cdfSlot(541_065));
        assertEquals(20, LatencyStats.cdfSlot(541_066));
        assertEquals(20, LatencyStats.cdfSlot(Long.MAX_VALUE / 2)); // clamped to 1 s
        // Redis 7.0.15 after DEBUG SLEEP 0.01, 0.3 and 0.6: 16908, 541065, 1073741
        assertEquals(14, LatencyStats.cdfSlot(10_200));
        assertEquals(19, LatencyStats.cdfSlot(300_300));
        assertEquals(20, LatencyStats.cdfSlot(600_400));
    }

    @Test
    void everyLevelHoldsExactlyTheDurationsUpToItsLabel() {
        for (long micros = 0; micros < 2_000_000; micros += micros < 5000 ? 1 : 97) {
            int slot = LatencyStats.cdfSlot(micros);
            long label = LatencyStats.cdfLabel(slot);
            if (micros <= 1_000_000) {
                assertEquals(true, micros <= label || micros == 0, "micros " + micros);
                assertEquals(true, slot == 0 || micros > LatencyStats.cdfLabel(slot - 1), "micros " + micros);
            }
        }
    }
}
