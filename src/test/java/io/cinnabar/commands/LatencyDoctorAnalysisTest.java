package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.util.LatencyMonitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** DOCTOR's per-event figures, as Redis's analyzeLatencyForEvent computes them (integer average and deviation). */
@Timeout(10)
class LatencyDoctorAnalysisTest {
    @Test
    void averageDeviationAndPeriodFromTheOldestSample() {
        LatencyMonitor m = new LatencyMonitor();
        m.addSample("e", 10, 100);
        m.addSample("e", 31, 110);
        m.addSample("e", 5, 111);
        LatencyCommands.Analysis a = new LatencyCommands.Analysis(m.series("e"), 130);
        assertEquals(3, a.samples);
        assertEquals(15, a.avg); // 46 / 3
        assertEquals(10, a.mad); // (5 + 16 + 10) / 3
        assertEquals(30, a.period); // DOCTOR prints period / samples: "10.00 sec"
    }

    @Test
    void aSampleFromThisSecondCountsAsOneSecondOfPeriod() {
        LatencyMonitor m = new LatencyMonitor();
        m.addSample("e", 7, 500);
        LatencyCommands.Analysis a = new LatencyCommands.Analysis(m.series("e"), 500);
        assertEquals(1, a.period);
        assertEquals(7, a.avg);
        assertEquals(0, a.mad);
    }
}
