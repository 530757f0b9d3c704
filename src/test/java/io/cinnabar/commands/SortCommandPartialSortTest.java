package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pieces of SORT that a differential test reaches only by chance: the partial quicksort puts
 * exactly the sorted elements in the asked range (its tie order is checked against Redis by
 * sort.txt and the random test), and strcmp stops at NUL as C's does. The properties are bounded
 * by their tries over arrays of at most a few hundred elements.
 */
class SortCommandPartialSortTest {
    @Property(tries = 500)
    void rangeHoldsWhatAFullSortPutsThere(@ForAll @Size(max = 300) Integer[] values,
            @ForAll @IntRange(min = 0, max = 310) int lo, @ForAll @IntRange(min = 0, max = 40) int width) {
        Integer[] partial = values.clone();
        long hi = lo + width - 1;
        SortCommand.partialSort(partial, 0, partial.length, Comparator.naturalOrder(), lo, hi);
        Integer[] full = values.clone();
        Arrays.sort(full);
        for (long i = lo; i <= hi && i < values.length; i++) {
            assertEquals(full[(int) i], partial[(int) i], "index " + i);
        }
        Integer[] sameElements = partial.clone();
        Arrays.sort(sameElements);
        assertArrayEquals(full, sameElements);
    }

    @Property(tries = 200)
    void wholeRangeSortsEverything(@ForAll @Size(max = 200) Integer[] raw) {
        Integer[] values = Arrays.stream(raw).map(v -> v % 5).toArray(Integer[]::new); // many ties
        Integer[] partial = values.clone();
        SortCommand.partialSort(partial, 0, partial.length, Comparator.naturalOrder(), 0, values.length - 1);
        Integer[] full = values.clone();
        Arrays.sort(full);
        assertArrayEquals(full, partial);
    }

    @Test
    @Timeout(10)
    void strcmpStopsAtNulAndComparesUnsigned() {
        assertEquals(0, SortCommand.strcmp(bytes("a\0b"), bytes("a\0c")));
        assertEquals(0, SortCommand.strcmp(bytes("a"), bytes("a\0z")));
        assertTrue(SortCommand.strcmp(bytes("a"), bytes("ab")) < 0);
        assertTrue(SortCommand.strcmp(new byte[] {(byte) 0xff}, bytes("z")) > 0);
        assertTrue(SortCommand.strcmp(bytes("B"), bytes("a")) < 0);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
