package io.cinnabar.commands;

import io.cinnabar.testing.RandomDiff;
import io.cinnabar.testing.RespClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Thousands of generated commands (data commands, subcommands, and LATENCY itself with random
 * event and command names, in RESP2 and RESP3) run on Cinnabar and a real redis-server 7.0.
 * Every reply is compared byte for byte, except LATENCY HISTOGRAM's, whose durations differ:
 * those are compared as command -> calls and checked to use Redis's levels. Replayable with
 * -DlatencySeed=N.
 */
@Timeout(180)
class LatencyCommandsRandomDiffTest {
    private static final String[] EVENTS = {"command", "fast-command", "COMMAND", "expire-cycle", "eviction-del", "nosuch", "fork"};
    private static final String[] NAMES = {"set", "GET", "incr", "hset", "config", "config|get", "CONFIG|RESETSTAT", "object",
        "object|encoding", "latency", "latency|history", "lpush", "nosuch", "get|x", "client|getname", "set"};

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void repliesMatchRedis(int protocol) {
        RandomDiff.Options options = new RandomDiff.Options()
                .normalizer((command, reply) -> isHistogram(command) ? calls(reply) : null);
        if (protocol == 3) {
            options.resp3();
        }
        int[] generated = {0};
        // the first command clears what the oracle's readiness probe left in the statistics
        RandomDiff.run("latencySeed", 20261130L + protocol, 4000, options,
                r -> generated[0]++ == 0 ? new String[] {"CONFIG", "RESETSTAT"} : command(r));
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
