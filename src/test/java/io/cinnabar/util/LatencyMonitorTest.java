package io.cinnabar.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class LatencyMonitorTest {
    @Test
    void belowThresholdOrDisabledRecordsNothing() {
        LatencyMonitor m = new LatencyMonitor();
        assertFalse(m.enabled());
        m.addSampleIfNeeded("command", 1000);
        assertTrue(m.events().isEmpty());
        m.setThreshold(5);
        m.addSampleIfNeeded("command", 4);
        assertTrue(m.events().isEmpty());
        m.addSampleIfNeeded("command", 5);
        assertEquals(5, m.series("command").max());
    }

    @Test
    void oneSamplePerSecondKeepingTheWorst() {
        LatencyMonitor m = new LatencyMonitor();
        m.addSample("e", 3, 100);
        m.addSample("e", 9, 100);
        m.addSample("e", 4, 100);
        m.addSample("e", 2, 101);
        List<long[]> samples = m.series("e").samples();
        assertEquals(2, samples.size());
        assertArrayEquals(new long[] {100, 9}, samples.get(0));
        assertArrayEquals(new long[] {101, 2}, samples.get(1));
        assertEquals(101, m.series("e").latestTime());
        assertEquals(2, m.series("e").latestLatency());
        assertEquals(9, m.series("e").max());
    }

    @Test
    void ringKeepsTheLast160SecondsAndTheAllTimeMax() {
        LatencyMonitor m = new LatencyMonitor();
        m.addSample("e", 500, 1);
        for (int s = 2; s <= 400; s++) {
            m.addSample("e", s, s);
        }
        List<long[]> samples = m.series("e").samples();
        assertEquals(LatencyMonitor.SAMPLES, samples.size());
        assertArrayEquals(new long[] {241, 241}, samples.get(0));
        assertArrayEquals(new long[] {400, 400}, samples.get(159));
        assertEquals(500, m.series("e").max());
    }

    @Test
    void resetMatchesNamesIgnoringCaseWhileLookupsAreExact() {
        LatencyMonitor m = new LatencyMonitor();
        m.addSample("command", 1, 1);
        m.addSample("fast-command", 1, 1);
        m.addSample("expire-cycle", 1, 1);
        assertNull(m.series("COMMAND"));
        assertEquals(1, m.reset("COMMAND"));
        assertEquals(0, m.reset("command"));
        assertEquals(List.of("fast-command", "expire-cycle"), List.copyOf(m.events().keySet()));
        assertEquals(2, m.reset(null));
        assertTrue(m.events().isEmpty());
    }
}
