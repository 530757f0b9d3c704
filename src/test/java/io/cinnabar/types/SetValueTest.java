package io.cinnabar.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class SetValueTest {
    private static final long MAX = 512;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static List<String> members(SetValue set) {
        List<String> out = new ArrayList<>();
        for (int p = set.firstPosition(); p >= 0; p = set.nextPosition(p)) {
            out.add(new String(set.memberAt(p), StandardCharsets.US_ASCII));
        }
        return out;
    }

    @Test
    void encodingFollowsTheFirstMemberAsRedisSetTypeCreate() {
        assertEquals("intset", SetValue.forMember(b("12")).encoding());
        assertEquals("hashtable", SetValue.forMember(b("x")).encoding());
        assertEquals("hashtable", SetValue.forMember(b("012")).encoding());
        assertEquals("intset", SetValue.forMember(b("-9223372036854775808")).encoding());
        assertEquals("hashtable", SetValue.forMember(b("9223372036854775808")).encoding());
        assertEquals("set", SetValue.emptyIntset().typeName());
    }

    @Test
    void onlyCanonicalIntegersStayInAnIntset() {
        for (String s : new String[] {"0", "-1", "123", "-9223372036854775808", "9223372036854775807"}) {
            assertTrue(SetValue.isInteger(b(s)), s);
        }
        for (String s : new String[] {"", "-", "-0", "+1", "01", " 1", "1 ", "1.0", "9223372036854775808", "abc"}) {
            assertFalse(SetValue.isInteger(b(s)), s);
        }
        SetValue set = SetValue.emptyIntset();
        set.add(b("3"), MAX);
        set.add(b("-0"), MAX);
        assertEquals("hashtable", set.encoding());
        assertTrue(set.contains(b("3")));
        assertTrue(set.contains(b("-0")));
        assertFalse(set.contains(b("0")));
    }

    @Test
    void convertsPastTheEntryLimitAndNeverBack() {
        SetValue set = SetValue.emptyIntset();
        for (int i = 0; i < 5; i++) {
            assertTrue(set.add(b(Integer.toString(10 - i)), 5));
        }
        assertEquals("intset", set.encoding());
        assertEquals(List.of("6", "7", "8", "9", "10"), members(set));
        assertFalse(set.add(b("7"), 5));
        assertEquals("intset", set.encoding());
        assertTrue(set.add(b("11"), 5));
        assertEquals("hashtable", set.encoding());
        assertEquals(6, set.size());
        for (int i = 6; i <= 11; i++) {
            assertTrue(set.contains(b(Integer.toString(i))));
            assertTrue(set.containsInt(i));
        }
        assertTrue(set.remove(b("11")));
        assertTrue(set.remove(b("10")));
        assertEquals("hashtable", set.encoding());
    }

    @Test
    void memoryUsageTracksChangesWithoutWalking() {
        SetValue set = SetValue.emptyIntset();
        long empty = set.memoryUsage();
        for (int i = 0; i < 400; i++) {
            set.add(b(Integer.toString(i * 1000)), MAX);
        }
        long ints = set.memoryUsage();
        assertTrue(ints > empty + 400 * 4 - 1, "intset of 400 4-byte ints: " + ints);
        set.add(b("member"), MAX);
        long table = set.memoryUsage();
        assertTrue(table > ints, "hashtable holds each member as an array: " + table);
        for (int i = 0; i < 400; i++) {
            set.remove(b(Integer.toString(i * 1000)));
        }
        assertTrue(set.memoryUsage() < table / 4, "the table shrinks when sparse: " + set.memoryUsage());
    }

    @Test
    void removalWhileWalkingPositionsVisitsEachMemberOnce() {
        Random r = new Random(7);
        for (boolean ints : new boolean[] {true, false}) {
            SetValue set = SetValue.emptyIntset();
            Set<String> all = new HashSet<>();
            for (int i = 0; i < 300; i++) {
                String m = ints ? Integer.toString(r.nextInt(100_000)) : "m" + r.nextInt(100_000);
                all.add(m);
                set.add(b(m), MAX);
            }
            Set<String> seen = new HashSet<>();
            int p = set.firstPosition();
            while (p >= 0) {
                assertTrue(seen.add(new String(set.memberAt(p), StandardCharsets.US_ASCII)));
                if (r.nextBoolean()) {
                    set.removeAt(p);
                    p = set.nextAfterRemoval(p);
                } else {
                    p = set.nextPosition(p);
                }
            }
            set.compact();
            assertEquals(all, seen);
        }
    }

    @Test
    void copiesAreIndependentAndKeepTheEncoding() {
        SetValue ints = SetValue.emptyIntset();
        ints.add(b("1"), MAX);
        SetValue intsCopy = ints.copy();
        intsCopy.add(b("2"), MAX);
        assertEquals(1, ints.size());
        assertEquals("intset", intsCopy.encoding());
        SetValue table = SetValue.forMember(b("a"));
        table.add(b("a"), MAX);
        SetValue tableCopy = table.copy();
        tableCopy.remove(b("a"));
        assertEquals(1, table.size());
        assertEquals("hashtable", tableCopy.encoding());
    }
}
