package io.cinnabar.scripting;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.testing.RespClient;
import io.cinnabar.testing.Servers;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** INFO memory counts the cached scripts, functions and libraries as Redis does. */
@Timeout(60)
class ScriptInfoFieldsTest {
    private static final String[] COUNTS = {"number_of_cached_scripts", "number_of_functions", "number_of_libraries"};
    private static final String LIBRARY = "#!lua name=counts\n"
            + "redis.register_function('one', function() return 1 end)\n"
            + "redis.register_function('two', function() return 2 end)";

    @RegisterExtension
    static final Servers servers = Servers.withOracle();

    @Test
    void countsFollowLoadsAndFlushes() {
        try (RespClient ours = servers.cinnabar().client(); RespClient theirs = servers.redis().client()) {
            for (RespClient c : new RespClient[] {ours, theirs}) {
                c.call("SCRIPT", "FLUSH");
                c.call("FUNCTION", "FLUSH");
            }
            assertEquals(counts(theirs), counts(ours));
            for (RespClient c : new RespClient[] {ours, theirs}) {
                c.call("SCRIPT", "LOAD", "return 1");
                c.call("EVAL", "return 2", "0");
                c.call("SCRIPT", "LOAD", "return 1");
                c.call("FUNCTION", "LOAD", LIBRARY);
            }
            Map<String, String> loaded = counts(ours);
            assertEquals(counts(theirs), loaded);
            assertEquals("2", loaded.get("number_of_cached_scripts"));
            for (RespClient c : new RespClient[] {ours, theirs}) {
                c.call("SCRIPT", "FLUSH");
            }
            assertEquals(counts(theirs), counts(ours));
        }
    }

    private static Map<String, String> counts(RespClient c) {
        Map<String, String> found = new LinkedHashMap<>();
        for (String line : c.callValue("INFO", "memory").toString().split("\r\n")) {
            for (String name : COUNTS) {
                if (line.startsWith(name + ":")) {
                    found.put(name, line.substring(name.length() + 1));
                }
            }
        }
        return found;
    }
}
