package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.util.LatencyMonitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * LATENCY GRAPH's layout from known samples, worked out by hand from Redis's sparkline.c: heights
 * scaled to 4 rows of "_o#" with '|' under the top, labels vertical after a blank row.
 */
@Timeout(10)
class LatencyGraphTest {
    private static final String RULE = "-".repeat(80) + "\n";

    @Test
    void oneSampleSitsOnTheBottomRow() {
        LatencyMonitor m = new LatencyMonitor();
        m.addSample("command", 10, 1000);
        // as Redis 7.0.15 drew one 10 ms DEBUG SLEEP seen the same second
        assertEquals("command - high 10 ms, low 10 ms (all time high 10 ms)\n" + RULE
                + " \n \n \n_\n \n0\ns\n", LatencyCommands.graph("command", m.series("command"), 1000));
    }

    @Test
    void risingSamplesFillTheirColumns() {
        LatencyMonitor m = new LatencyMonitor();
        m.addSample("e", 10, 997);
        m.addSample("e", 20, 998);
        m.addSample("e", 30, 999);
        m.addSample("e", 40, 1000);
        m.addSample("e", 90, 1000); // same second: keeps the worst, and the all-time max
        // steps 0, (int)(10*12)/80=1, (int)(20*12)/80=3, (int)(80*12)/80=12 clamped to 11
        assertEquals("e - high 90 ms, low 10 ms (all time high 90 ms)\n" + RULE
                + "   #\n"
                + "   |\n"
                + "  _|\n"
                + "_o||\n"
                + "    \n"
                + "3210\n"
                + "ssss\n", LatencyCommands.graph("e", m.series("e"), 1000));
    }

    @Test
    void labelsUseTheLargestUnitAndLongerOnesAddRows() {
        LatencyMonitor m = new LatencyMonitor();
        long now = 10_000_000;
        m.addSample("e", 5, now - 3 * 86400 - 5);
        m.addSample("e", 5, now - 7200);
        m.addSample("e", 5, now - 600);
        m.addSample("e", 5, now - 59);
        // equal values: the range counts as 1 and every column is at the bottom
        assertEquals("e - high 5 ms, low 5 ms (all time high 5 ms)\n" + RULE
                + "    \n    \n    \n____\n    \n"
                + "3215\n"
                + "dh09\n"
                + "  ms\n", LatencyCommands.graph("e", m.series("e"), now));
    }

    @Test
    void moreThanEightyColumnsContinueInABlockAfterAnEmptyLine() {
        LatencyMonitor m = new LatencyMonitor();
        long now = 5000;
        for (int i = 0; i < 100; i++) {
            m.addSample("e", i < 80 ? 1 : 2, now - 30 - (99 - i)); // ages 129s .. 30s
        }
        String graph = LatencyCommands.graph("e", m.series("e"), now);
        String[] lines = graph.split("\n", -1);
        // header, rule, block one (4 rows, blank, 3 label rows: "2m", "1m", "59s".."50s"), "", block two
        assertEquals("e - high 2 ms, low 1 ms (all time high 2 ms)", lines[0]);
        assertEquals(" ".repeat(80), lines[2]);
        assertEquals("_".repeat(80), lines[5]);
        assertEquals(" ".repeat(80), lines[6]);
        assertEquals("2".repeat(10) + "1".repeat(60) + "5".repeat(10), lines[7]);
        assertEquals("m".repeat(70) + "9876543210", lines[8]);
        assertEquals(" ".repeat(70) + "s".repeat(10), lines[9]);
        assertEquals("", lines[10]);
        // block two: 20 columns at the top ('#' then '|' below), labels 49s .. 30s in 3 rows
        assertEquals("#".repeat(20), lines[11]);
        assertEquals("|".repeat(20), lines[12]);
        assertEquals("|".repeat(20), lines[14]);
        assertEquals(" ".repeat(20), lines[15]);
        assertEquals("4".repeat(10) + "3".repeat(10), lines[16]);
        assertEquals("9876543210".repeat(2), lines[17]);
        assertEquals("s".repeat(20), lines[18]);
        assertEquals("", lines[19]);
        assertEquals(20, lines.length);
    }
}
