package io.cinnabar.clients;

import java.util.ArrayList;
import java.util.List;

/**
 * A line diff of two transcripts for a failure message: lines only in the expected one are
 * marked "-", lines only in the actual one "+", with a few common lines of context around each
 * change (a longest common subsequence; transcripts are a few hundred lines).
 */
final class LineDiff {
    private static final int CONTEXT = 2;

    private LineDiff() {}

    static String render(List<String> expected, List<String> actual) {
        List<String> edits = edits(expected, actual);
        boolean[] shown = new boolean[edits.size()];
        for (int k = 0; k < edits.size(); k++) {
            if (edits.get(k).charAt(0) != ' ') {
                for (int c = Math.max(0, k - CONTEXT); c <= Math.min(edits.size() - 1, k + CONTEXT); c++) {
                    shown[c] = true;
                }
            }
        }
        StringBuilder out = new StringBuilder();
        for (int k = 0; k < edits.size(); k++) {
            if (shown[k]) {
                if (k > 0 && !shown[k - 1] && out.length() > 0) {
                    out.append("  ...\n");
                }
                out.append(edits.get(k)).append('\n');
            }
        }
        return out.toString();
    }

    /** Every line of both, prefixed "  " (in both), "- " (expected only) or "+ " (actual only). */
    private static List<String> edits(List<String> expected, List<String> actual) {
        int n = expected.size();
        int m = actual.size();
        int[][] commonFrom = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                commonFrom[i][j] = expected.get(i).equals(actual.get(j))
                        ? commonFrom[i + 1][j + 1] + 1
                        : Math.max(commonFrom[i + 1][j], commonFrom[i][j + 1]);
            }
        }
        List<String> edits = new ArrayList<>(n + m);
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && expected.get(i).equals(actual.get(j))) {
                edits.add("  " + expected.get(i));
                i++;
                j++;
            } else if (i < n && (j == m || commonFrom[i + 1][j] >= commonFrom[i][j + 1])) {
                edits.add("- " + expected.get(i++));
            } else {
                edits.add("+ " + actual.get(j++));
            }
        }
        return edits;
    }
}
