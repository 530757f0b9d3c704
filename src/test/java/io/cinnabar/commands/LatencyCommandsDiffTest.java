package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.DiffScript;
import io.cinnabar.testing.Poll;
import io.cinnabar.testing.RedisOracle;
import io.cinnabar.testing.RespClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * LATENCY against a real redis-server 7.0: replies compared byte for byte where they are
 * deterministic (help, errors, the empty monitor, DOCTOR's canned texts, RESET counts, histograms
 * of durations far from a level's edge), and by structure where they hold times (events recorded
 * by DEBUG SLEEP with latency-monitor-threshold 1), in RESP2 and RESP3.
 */
@Timeout(120)
class LatencyCommandsDiffTest {
    private static final List<Long> LEVELS = List.of(1L, 2L, 4L, 8L, 16L, 33L, 66L, 132L, 264L, 528L, 1056L, 2113L,
            4227L, 8454L, 16908L, 33816L, 67633L, 135266L, 270532L, 541065L, 1073741L);

    private static RedisOracle redis;
    private static CinnabarFixture cinnabar;
    private RespClient theirs;
    private RespClient ours;

    @BeforeAll
    static void startServers() {
        redis = RedisOracle.start();
        cinnabar = CinnabarFixture.start("enable-debug-command yes");
    }

    @AfterAll
    static void stopServers() {
        if (cinnabar != null) {
            cinnabar.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void connect() {
        theirs = redis.client();
        ours = cinnabar.client();
        both("CONFIG", "SET", "latency-monitor-threshold", "0");
        both("LATENCY", "RESET");
        both("CONFIG", "RESETSTAT");
    }

    @AfterEach
    void disconnect() {
        theirs.close();
        ours.close();
    }

    private void both(String... args) {
        theirs.call(args);
        ours.call(args);
    }

    private void protocol(int version) {
        both("HELLO", Integer.toString(version));
    }

    private static final String SCRIPT = String.join("\n",
            "LATENCY HELP",
            "LATENCY",
            "LATENCY foo",
            "LATENCY HISTORY",
            "LATENCY GRAPH a b",
            "LATENCY LATEST extra",
            "LATENCY DOCTOR extra",
            "LATENCY HELP extra",
            "LATENCY LATEST",
            "LATENCY HISTORY command",
            "LATENCY GRAPH command",
            "LATENCY GRAPH nosuch",
            "LATENCY DOCTOR",
            "LATENCY RESET",
            "LATENCY RESET command fast-command",
            "LATENCY HISTOGRAM nosuch no|such get|nosuch config|nosuch",
            "CONFIG SET latency-monitor-threshold 500",
            "LATENCY DOCTOR",
            "LATENCY LATEST",
            "CONFIG SET latency-monitor-threshold 0",
            "LATENCY DOCTOR");

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void emptyMonitorHelpAndErrorsMatch(int version) {
        protocol(version);
        List<String> mismatches = DiffScript.run("latency-resp" + version, SCRIPT, ours, theirs);
        assertTrue(mismatches.isEmpty(), () -> String.join("\n", mismatches));
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void histogramsCountCallsPerCommandAndSubcommand(int version) {
        protocol(version);
        both("CONFIG", "RESETSTAT");
        for (int i = 0; i < 5; i++) {
            both("SET", "a", "1");
        }
        for (int i = 0; i < 3; i++) {
            both("GET", "a");
        }
        both("CONFIG", "GET", "hz");
        String[] named = {"LATENCY", "HISTOGRAM", "set", "GET", "config", "nosuch"};
        Map<String, Map<Long, Long>> expected = histograms(theirs.call(named));
        Map<String, Map<Long, Long>> actual = histograms(ours.call(named));
        // named commands in the order asked, a container for its subcommands (Redis's dict order among those)
        assertEquals(List.of("set", "get"), List.copyOf(expected.keySet()).subList(0, 2));
        assertEquals(sorted(expected.keySet()), sorted(actual.keySet()));
        assertEquals(List.copyOf(expected.keySet()).subList(0, 2), List.copyOf(actual.keySet()).subList(0, 2));
        for (String name : expected.keySet()) {
            assertEquals(expected.get(name).get(-1L), actual.get(name).get(-1L), name + " calls");
        }
        assertEquals(5L, actual.get("set").get(-1L));
        assertEquals(1L, actual.get("config|get").get(-1L));
        assertEquals(1L, actual.get("config|resetstat").get(-1L));

        Map<String, Map<Long, Long>> allTheirs = histograms(theirs.call("LATENCY", "HISTOGRAM"));
        Map<String, Map<Long, Long>> allOurs = histograms(ours.call("LATENCY", "HISTOGRAM"));
        assertEquals(sorted(allTheirs.keySet()), sorted(allOurs.keySet()));
        for (String name : allTheirs.keySet()) {
            assertEquals(allTheirs.get(name).get(-1L), allOurs.get(name).get(-1L), name + " calls");
        }
    }

    @Test
    void aBlockedCommandCountsOnceServedAndNotWhenWokenForNothingOrTimedOut() {
        for (RespClient c : List.of(theirs, ours)) {
            try (RespClient first = c == theirs ? redis.client() : cinnabar.client();
                    RespClient second = c == theirs ? redis.client() : cinnabar.client()) {
                first.send("BLPOP", "bk", "0");
                Poll.until(() -> c.callText("INFO", "clients").contains("blocked_clients:1"));
                second.send("BLPOP", "bk", "0");
                Poll.until(() -> c.callText("INFO", "clients").contains("blocked_clients:2"));
                c.call("LPUSH", "bk", "v"); // wakes both: the first takes it, the second waits on
                first.read();
                c.call("LPUSH", "bk", "w");
                second.read();
                first.call("BLPOP", "bk", "0.01");
            }
        }
        Map<String, Map<Long, Long>> expected = histograms(theirs.call("LATENCY", "HISTOGRAM", "blpop", "lpush"));
        Map<String, Map<Long, Long>> actual = histograms(ours.call("LATENCY", "HISTOGRAM", "blpop", "lpush"));
        assertEquals(2L, expected.get("blpop").get(-1L)); // Redis 7.0.15 leaves the timed-out call out
        assertEquals(expected.keySet(), actual.keySet());
        for (String name : expected.keySet()) {
            assertEquals(expected.get(name).get(-1L), actual.get(name).get(-1L), name + " calls");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void slowCallsLandOnTheSameLevelsAsRedis(int version) {
        protocol(version);
        // 300 ms and 600 ms are far from the 264/541/1073 ms levels: the replies must be identical
        both("DEBUG", "SLEEP", "0.3");
        both("DEBUG", "SLEEP", "0.6");
        RespClient.Reply expected = theirs.call("LATENCY", "HISTOGRAM", "debug");
        RespClient.Reply actual = ours.call("LATENCY", "HISTOGRAM", "debug");
        assertEquals(expected.toString(), actual.toString());
        assertArrayEquals(expected.raw, actual.raw);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void recordedEventsHaveRedisShape(int version) {
        protocol(version);
        both("CONFIG", "SET", "latency-monitor-threshold", "1");
        both("DEBUG", "SLEEP", "0.05");
        long now = System.currentTimeMillis() / 1000;
        for (RespClient c : List.of(theirs, ours)) {
            List<?> latest = (List<?>) c.call("LATENCY", "LATEST").value;
            assertEquals(1, latest.size(), latest::toString);
            List<?> event = (List<?>) latest.get(0);
            assertEquals("command", event.get(0));
            assertTrue(Math.abs((Long) event.get(1) - now) <= 5, event::toString);
            assertTrue((Long) event.get(2) >= 50, event::toString);
            assertEquals(event.get(2), event.get(3));
            List<?> history = (List<?>) c.call("LATENCY", "HISTORY", "command").value;
            assertEquals(1, history.size());
            assertEquals(List.of(event.get(1), event.get(2)), history.get(0));
        }
        // the texts differ only in their numbers (latencies, the sample's age)
        for (String[] cmd : List.of(new String[] {"LATENCY", "GRAPH", "command"}, new String[] {"LATENCY", "DOCTOR"})) {
            RespClient.Reply expected = theirs.call(cmd);
            RespClient.Reply actual = ours.call(cmd);
            assertEquals(expected.raw[0], actual.raw[0]);
            assertEquals(digitsMasked(expected.value), digitsMasked(actual.value));
        }
        // a threshold change takes effect at once, both ways
        both("CONFIG", "SET", "latency-monitor-threshold", "0");
        both("DEBUG", "SLEEP", "0.01");
        both("CONFIG", "SET", "latency-monitor-threshold", "1000");
        both("DEBUG", "SLEEP", "0.01");
        for (RespClient c : List.of(theirs, ours)) {
            List<?> latest = (List<?>) c.call("LATENCY", "LATEST").value;
            assertEquals(1, latest.size());
            assertTrue((Long) ((List<?>) latest.get(0)).get(3) >= 50);
        }
        List<String> mismatches = DiffScript.run("latency-reset-resp" + version, String.join("\n",
                "LATENCY RESET fast-command",
                "LATENCY RESET COMMAND command",
                "LATENCY LATEST",
                "LATENCY HISTORY command"), ours, theirs);
        assertTrue(mismatches.isEmpty(), () -> String.join("\n", mismatches));
    }

    private static String digitsMasked(Object text) {
        return String.valueOf(text).replaceAll("[0-9]+(\\.[0-9]+)?", "N");
    }

    private static List<String> sorted(java.util.Collection<String> names) {
        List<String> l = new ArrayList<>(names);
        l.sort(null);
        return l;
    }

    /**
     * A HISTOGRAM reply as command -> (level -> cumulative count), with calls under -1; checks on the
     * way that levels are Redis's, rising, with counts that grow and end at calls.
     */
    static Map<String, Map<Long, Long>> histograms(RespClient.Reply reply) {
        Map<String, Map<Long, Long>> out = new LinkedHashMap<>();
        List<Object[]> commands = pairs(reply.value);
        for (Object[] command : commands) {
            List<Object[]> fields = pairs(command[1]);
            assertEquals("calls", fields.get(0)[0]);
            assertEquals("histogram_usec", fields.get(1)[0]);
            long calls = (Long) fields.get(0)[1];
            Map<Long, Long> levels = new LinkedHashMap<>();
            levels.put(-1L, calls);
            long lastLevel = 0;
            long lastCount = 0;
            for (Object[] level : pairs(fields.get(1)[1])) {
                long at = (Long) level[0];
                long count = (Long) level[1];
                assertTrue(LEVELS.contains(at) && at > lastLevel && count > lastCount, reply::toString);
                levels.put(at, count);
                lastLevel = at;
                lastCount = count;
            }
            assertEquals(calls, lastCount, reply::toString);
            out.put((String) command[0], levels);
        }
        return out;
    }

    /** A map reply's pairs, from a RESP3 map or a RESP2 flat array. */
    private static List<Object[]> pairs(Object value) {
        List<Object[]> out = new ArrayList<>();
        if (value instanceof Map) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                out.add(new Object[] {e.getKey(), e.getValue()});
            }
        } else {
            List<?> flat = (List<?>) value;
            for (int i = 0; i < flat.size(); i += 2) {
                out.add(new Object[] {flat.get(i), flat.get(i + 1)});
            }
        }
        return out;
    }
}
