package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.RespClient;
import io.cinnabar.testing.Servers;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ZRANDMEMBER draws at random, so it is checked by property on both encodings: members belong to
 * the set with their own scores, positive counts are distinct, negative counts repeat, every
 * member turns up over many draws, and the RESP3 shapes.
 */
@Timeout(60)
class ZRandMemberTest {
    @RegisterExtension
    static final Servers servers = Servers.cinnabarAlone();
    private static final Map<String, String> SCORES = new HashMap<>();

    @BeforeAll
    static void start() {
        try (RespClient c = servers.cinnabar().client()) {
            for (int i = 0; i < 300; i++) {
                String score = Double.toString(i / 4.0).replace(".0", "");
                SCORES.put("m" + i, score);
                c.call("ZADD", "big", score, "m" + i);
                if (i < 20) {
                    c.call("ZADD", "small", score, "m" + i);
                }
            }
            assertEquals("skiplist", c.callValue("OBJECT", "ENCODING", "big"));
            assertEquals("listpack", c.callValue("OBJECT", "ENCODING", "small"));
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object v) {
        return (List<Object>) v;
    }

    @Test
    void distinctMembersForPositiveCounts() {
        try (RespClient c = servers.cinnabar().client()) {
            for (String key : List.of("small", "big")) {
                int size = key.equals("small") ? 20 : 300;
                for (int count : new int[] {1, 2, 5, size / 3, size / 2, size - 1, size, size + 5}) {
                    List<Object> reply = list(c.callValue("ZRANDMEMBER", key, Integer.toString(count), "WITHSCORES"));
                    int expected = Math.min(count, size);
                    assertEquals(expected * 2, reply.size(), key + " " + count);
                    Set<Object> seen = new HashSet<>();
                    for (int i = 0; i < reply.size(); i += 2) {
                        assertTrue(seen.add(reply.get(i)), "repeated " + reply.get(i));
                        assertEquals(SCORES.get((String) reply.get(i)), reply.get(i + 1));
                    }
                }
            }
        }
    }

    @Test
    void negativeCountsMayRepeatAndCoverTheSet() {
        try (RespClient c = servers.cinnabar().client()) {
            for (String key : List.of("small", "big")) {
                int size = key.equals("small") ? 20 : 300;
                List<Object> reply = list(c.callValue("ZRANDMEMBER", key, "-5000"));
                assertEquals(5000, reply.size());
                Set<Object> seen = new HashSet<>(reply);
                assertEquals(size, seen.size(), "every member drawn in 5000 tries");
                assertTrue(SCORES.keySet().containsAll(seen));
            }
        }
    }

    @Test
    void singleMemberAndResp3Shapes() {
        try (RespClient c = servers.cinnabar().client()) {
            for (int i = 0; i < 50; i++) {
                assertTrue(SCORES.containsKey((String) c.callValue("ZRANDMEMBER", i % 2 == 0 ? "small" : "big")));
            }
            c.call("HELLO", "3");
            List<Object> pairs = list(c.callValue("ZRANDMEMBER", "big", "-3", "WITHSCORES"));
            assertEquals(3, pairs.size());
            for (Object p : pairs) {
                List<Object> pair = list(p);
                assertEquals(2, pair.size());
                assertEquals(Double.parseDouble(SCORES.get((String) pair.get(0))), Double.parseDouble((String) pair.get(1)));
            }
            assertEquals(4, list(c.callValue("ZRANDMEMBER", "small", "4", "WITHSCORES")).size());
            assertEquals("_\r\n", c.callText("ZRANDMEMBER", "nokey"));
        }
    }
}
