package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RedisOracle;
import io.cinnabar.testing.RespClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** DEBUG OBJECT of a list ends with the quicklist shape (ql_*), equal to Redis's for the same pushes. */
@Timeout(60)
class DebugObjectQuicklistTest {

    @Test
    void quicklistFieldsMatchRedis() {
        try (RedisOracle redis = RedisOracle.start(); CinnabarFixture cinnabar = CinnabarFixture.start("enable-debug-command yes");
                RespClient theirs = redis.client(); RespClient ours = cinnabar.client()) {
            List<String> mismatches = new ArrayList<>();
            String[][] settings = {{"-2", "0"}, {"4", "0"}, {"-1", "1"}, {"8", "2"}};
            for (String[] s : settings) {
                for (RespClient c : List.of(theirs, ours)) {
                    c.call("CONFIG", "SET", "list-max-listpack-size", s[0]);
                    c.call("CONFIG", "SET", "list-compress-depth", s[1]);
                    c.call("DEL", "ql");
                    for (int i = 0; i < 300; i++) {
                        c.call(i % 3 == 0 ? "LPUSH" : "RPUSH", "ql", "element-" + i + "-" + "x".repeat(i % 40));
                    }
                    c.call("LREM", "ql", "0", "element-3-xxx");
                }
                String expected = quicklistPart(theirs.callValue("DEBUG", "OBJECT", "ql"));
                String actual = quicklistPart(ours.callValue("DEBUG", "OBJECT", "ql"));
                if (!expected.equals(actual)) {
                    mismatches.add("fill " + s[0] + " depth " + s[1] + "\n    redis:    " + expected + "\n    cinnabar: " + actual);
                }
            }
            assertEquals(List.of(), mismatches);
        }
    }

    private static String quicklistPart(Object debugObject) {
        String text = (String) debugObject;
        return text.substring(text.indexOf(" ql_nodes:"));
    }
}
