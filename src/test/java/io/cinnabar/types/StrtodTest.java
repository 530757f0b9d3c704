package io.cinnabar.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** strtod as Redis uses it for scores (strict) and range ends (lenient). */
class StrtodTest {
    private static double strict(String s) {
        return Strtod.strict(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static double lenient(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return Strtod.lenient(b, 0, b.length);
    }

    @Test
    void strictAcceptsWhatGetDoubleFromObjectAccepts() {
        assertEquals(1.5, strict("1.5"));
        assertEquals(-0.0, strict("-0"));
        assertTrue(1 / strict("-0") < 0);
        assertEquals(Double.POSITIVE_INFINITY, strict("inf"));
        assertEquals(Double.POSITIVE_INFINITY, strict("+Infinity"));
        assertEquals(Double.NEGATIVE_INFINITY, strict("-INF"));
        assertEquals(16, strict("0x10"));
        assertEquals(12, strict("0x1.8p3"));
        assertEquals(0.5, strict(".5"));
        assertEquals(5, strict("5."));
        assertEquals(1e-320, strict("1e-320")); // subnormal: accepted
        assertEquals(0.1, strict("0.10000000000000001"));
        assertEquals(9007199254740992.0, strict("9007199254740993"));
        for (String bad : new String[] {"", " 1", "1 ", "1d", "1f", "nan", "NaN", "abc", "1e", "1e+", "e5", "--1", "1e400", "1e-400",
                "infinit", "0x", "1\u00002", "."}) {
            assertTrue(Double.isNaN(strict(bad)), "accepted '" + bad + "'");
        }
    }

    @Test
    void lenientIsABareStrtod() {
        assertEquals(0, lenient(""));
        assertEquals(1, lenient(" 1"));
        assertEquals(1, lenient("\t1"));
        assertEquals(2, lenient("2\u0000junk"));
        assertEquals(Double.POSITIVE_INFINITY, lenient("1e400"));
        assertEquals(0, lenient("1e-400"));
        assertTrue(Double.isNaN(lenient("1 ")));
        assertTrue(Double.isNaN(lenient(" ")));
        assertTrue(Double.isNaN(lenient("nan")));
    }

    @Property(tries = 3000)
    void roundTripsJavasShortestForm(@ForAll double d) {
        if (!Double.isNaN(d)) {
            assertEquals(d, strict(Double.toString(d).replace("Infinity", "inf")));
        }
    }
}
