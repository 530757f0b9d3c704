package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RedisOracle;
import io.cinnabar.testing.RespClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Thousands of generated commands (data commands, subcommands, and LATENCY itself with random
 * event and command names, in RESP2 or RESP3) run on Cinnabar and a real redis-server 7.0.
 * Every reply is compared byte for byte, except LATENCY HISTOGRAM's, whose durations differ:
 * those are compared as command -> calls and checked to use Redis's levels. Replayable with
 * -DlatencySeed=N.
 */
@Timeout(180)
class LatencyCommandsRandomDiffTest {
    private static final String[] EVENTS = {"command", "fast-command", "COMMAND", "expire-cycle", "eviction-del", "nosuch", "fork"};
    private static final String[] NAMES = {"set", "GET", "incr", "hset", "config", "config|get", "CONFIG|RESETSTAT", "object",
        "object|encoding", "latency", "latency|history", "lpush", "nosuch", "get|x", "client|getname", "set"};

    @Test
    void repliesMatchRedis() {
        long seed = Long.getLong("latencySeed", 20261130L);
        Random r = new Random(seed);
        List<String[]> commands = new ArrayList<>();
        String protocol = r.nextBoolean() ? "3" : "2";
        commands.add(new String[] {"CONFIG", "RESETSTAT"});
        for (int i = 0; i < 6000; i++) {
            commands.add(command(r));
        }
        commands.add(new String[] {"LATENCY", "HISTOGRAM"});
        List<String> mismatches = new ArrayList<>();
        try (RedisOracle redis = RedisOracle.start(); CinnabarFixture cinnabar = CinnabarFixture.start();
                RespClient theirs = redis.client(); RespClient ours = cinnabar.client()) {
            theirs.call("HELLO", protocol); // its reply holds the connection id, which differs
            ours.call("HELLO", protocol);
            for (int from = 0; from < commands.size(); from += 200) {
                List<String[]> batch = commands.subList(from, Math.min(commands.size(), from + 200));
                for (String[] c : batch) {
                    theirs.send(c);
                    ours.send(c);
                }
                for (String[] c : batch) {
                    RespClient.Reply expected = theirs.read();
                    RespClient.Reply actual = ours.read();
                    boolean same = isHistogram(c) ? calls(expected).equals(calls(actual)) : Arrays.equals(expected.raw, actual.raw);
                    if (!same && mismatches.size() < 20) {
                        mismatches.add(String.join(" ", c) + "\n    redis:    " + expected + "\n    cinnabar: " + actual);
                    }
                }
            }
        }
        assertTrue(mismatches.isEmpty(), () -> "seed " + seed + ", RESP" + protocol + ", replies differ:\n" + String.join("\n", mismatches));
    }

    private static boolean isHistogram(String[] c) {
        return c[0].equals("LATENCY") && c.length > 1 && c[1].equalsIgnoreCase("histogram");
    }

    private static Map<String, Long> calls(RespClient.Reply reply) {
        Map<String, Long> calls = new TreeMap<>();
        LatencyCommandsDiffTest.histograms(reply).forEach((name, levels) -> calls.put(name, levels.get(-1L)));
        return calls;
    }

    private static String[] command(Random r) {
        String key = "k" + r.nextInt(4);
        switch (r.nextInt(16)) {
            case 0: return new String[] {"SET", key, Integer.toString(r.nextInt(100))};
            case 1: return new String[] {"GET", key};
            case 2: return new String[] {"INCR", key};
            case 3: return new String[] {"HSET", key, "f", "v"};
            case 4: return new String[] {"LPUSH", key, "x"};
            case 5: return new String[] {"DEL", key};
            case 6: return new String[] {"CONFIG", "GET", "latency-monitor-threshold"};
            case 7: return new String[] {"OBJECT", "ENCODING", key};
            case 8: return new String[] {"LATENCY", "HISTORY", pick(r, EVENTS)};
            case 9: return new String[] {"LATENCY", "GRAPH", pick(r, EVENTS)};
            case 10: return new String[] {"LATENCY", "LATEST"};
            case 11: {
                List<String> c = new ArrayList<>(List.of("LATENCY", "RESET"));
                for (int n = r.nextInt(3); n > 0; n--) {
                    c.add(pick(r, EVENTS));
                }
                return c.toArray(new String[0]);
            }
            case 12: {
                List<String> c = new ArrayList<>(List.of("LATENCY", r.nextBoolean() ? "HISTOGRAM" : "histogram"));
                for (int n = r.nextInt(4); n > 0; n--) {
                    c.add(pick(r, NAMES));
                }
                return c.toArray(new String[0]);
            }
            case 13: return new String[] {"LATENCY", pick(r, new String[] {"DOCTOR", "HELP", "nope", "LATEST"}), "extra"};
            case 14: return new String[] {"LATENCY", "DOCTOR"};
            default: return new String[] {"CLIENT", "GETNAME"};
        }
    }

    private static String pick(Random r, String[] from) {
        return from[r.nextInt(from.length)];
    }
}
