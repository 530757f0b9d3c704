package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RespClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SSCAN with small COUNTs over a hashtable: cursors differ from Redis's (they name our buckets),
 * so instead of comparing replies this checks Redis's guarantee: a full iteration returns every
 * member present from start to end, even while other members come and go and the table grows
 * and shrinks between calls.
 */
@Timeout(60)
class SetCommandsScanTest {
    @Test
    void fullIterationReturnsEveryStableMemberWhileTheSetChanges() {
        Random r = new Random(Long.getLong("sscanSeed", 20261206L));
        try (CinnabarFixture server = CinnabarFixture.start(); RespClient c = server.client()) {
            for (int round = 0; round < 20; round++) {
                c.call("DEL", "sc");
                Set<String> stable = new HashSet<>();
                int n = 1 + r.nextInt(800);
                for (int i = 0; i < n; i++) {
                    String m = (r.nextBoolean() ? "m" : "") + i;
                    stable.add(m);
                    c.call("SADD", "sc", m);
                }
                Set<String> seen = new HashSet<>();
                String cursor = "0";
                int calls = 0;
                int churn = 0;
                do {
                    List<?> reply = (List<?>) c.callValue("SSCAN", "sc", cursor, "COUNT", Integer.toString(1 + r.nextInt(20)));
                    cursor = (String) reply.get(0);
                    for (Object m : (List<?>) reply.get(1)) {
                        seen.add((String) m);
                    }
                    if (r.nextInt(5) == 0) { // grow by many volatile members
                        List<String> add = new ArrayList<>(List.of("SADD", "sc"));
                        int k = r.nextInt(1500);
                        for (int i = 0; i < k; i++) {
                            add.add("v" + churn++);
                        }
                        if (k > 0) {
                            c.call(add.toArray(new String[0]));
                        }
                    } else if (r.nextInt(5) == 0) { // drop them all again: the table shrinks
                        List<String> rem = new ArrayList<>(List.of("SREM", "sc"));
                        for (int i = 0; i < churn; i++) {
                            rem.add("v" + i);
                        }
                        if (churn > 0) {
                            c.call(rem.toArray(new String[0]));
                        }
                    }
                    assertTrue(++calls < 100_000, "SSCAN does not finish");
                } while (!cursor.equals("0"));
                Set<String> missed = new HashSet<>(stable);
                missed.removeAll(seen);
                assertEquals(Set.of(), missed, "round " + round + ": members SSCAN never returned");
            }
        }
    }
}
