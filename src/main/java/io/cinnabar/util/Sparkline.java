package io.cinnabar.util;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Redis's ASCII sparklines (sparkline.c), as LATENCY GRAPH draws them: each sample is a column
 * whose height in {@code rows} rows of three levels ("_o#", '|' below the top) is its value's place
 * between the sequence's min and max; labels are written vertically under their column after one
 * blank row; a sequence wider than {@code columns} continues in another block after an empty line.
 */
public final class Sparkline {
    private static final char[] FILL = {'_', 'o', '#'};
    private static final int LEVELS = FILL.length;
    private static final int LABEL_MARGIN_TOP = 1;

    private final List<Double> values = new ArrayList<>();
    private final List<String> labels = new ArrayList<>();
    private int labelCount;
    private double min;
    private double max;

    public void add(double value, String label) {
        String kept = label == null || label.isEmpty() ? null : label;
        if (values.isEmpty()) {
            min = max = value;
        } else if (value < min) {
            min = value;
        } else if (value > max) {
            max = value;
        }
        values.add(value);
        labels.add(kept);
        if (kept != null) {
            labelCount++;
        }
    }

    /** Appends the filled rendering, in blocks of at most {@code columns} samples. */
    public void render(StringBuilder out, int columns, int rows) {
        for (int start = 0; start < values.size(); start += columns) {
            if (start != 0) {
                out.append('\n');
            }
            renderRange(out, rows, start, Math.min(columns, values.size() - start));
        }
    }

    private void renderRange(StringBuilder out, int rows, int offset, int len) {
        double range = max - min;
        if (range == 0) {
            range = 1;
        }
        int steps = LEVELS * rows;
        char[] line = new char[len];
        for (int row = 0;; row++) {
            boolean more = false;
            Arrays.fill(line, ' ');
            for (int j = 0; j < len; j++) {
                int at = offset + j;
                // Redis truncates the scaled value to int before dividing by the range, then again
                int step = (int) ((int) ((values.get(at) - min) * steps) / range);
                step = Math.max(0, Math.min(steps - 1, step));
                if (row < rows) {
                    more = true;
                    int level = step - (rows - row - 1) * LEVELS;
                    if (level >= 0 && level < LEVELS) {
                        line[j] = FILL[level];
                    } else if (level >= LEVELS) {
                        line[j] = '|';
                    }
                } else {
                    if (labelCount > 0 && row - rows < LABEL_MARGIN_TOP) {
                        more = true;
                        break; // a blank row between the graph and its labels
                    }
                    String label = labels.get(at);
                    int charAt = row - rows - LABEL_MARGIN_TOP;
                    if (label != null && label.length() > charAt) {
                        more = true;
                        line[j] = label.charAt(charAt);
                    }
                }
            }
            if (!more) {
                return;
            }
            out.append(line).append('\n');
        }
    }
}
