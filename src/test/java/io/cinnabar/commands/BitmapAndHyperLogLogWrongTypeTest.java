package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RedisOracle;
import io.cinnabar.testing.RespClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every bitmap and HLL command against a key of another type, compared with Redis (where the key
 * is a list): which error wins when arguments are bad too, and that nothing is written.
 */
@Timeout(60)
class BitmapAndHyperLogLogWrongTypeTest {
    private static final String[][] COMMANDS = {
        {"SETBIT", "w", "0", "1"}, {"SETBIT", "w", "x", "1"}, {"SETBIT", "w", "0", "2"},
        {"GETBIT", "w", "0"}, {"GETBIT", "w", "-1"},
        {"BITCOUNT", "w"}, {"BITCOUNT", "w", "a", "b"}, {"BITCOUNT", "w", "0", "1", "foo"}, {"BITCOUNT", "w", "0"},
        {"BITPOS", "w", "1"}, {"BITPOS", "w", "2"}, {"BITPOS", "w", "1", "a"}, {"BITPOS", "w", "1", "0", "1", "foo"},
        {"BITOP", "AND", "d", "s", "w"}, {"BITOP", "OR", "w", "s"}, {"BITOP", "NOT", "d", "w"}, {"BITOP", "NOT", "d", "w", "s"},
        {"BITFIELD", "w", "GET", "u8", "0"}, {"BITFIELD", "w", "SET", "u8", "0", "1"}, {"BITFIELD", "w", "GET", "x8", "0"},
        {"BITFIELD", "w"}, {"BITFIELD_RO", "w", "GET", "u8", "0"}, {"BITFIELD_RO", "w", "SET", "u8", "0", "1"},
        {"PFADD", "w", "a"}, {"PFADD", "w"}, {"PFCOUNT", "w"}, {"PFCOUNT", "h", "w"}, {"PFCOUNT", "w", "nokey"},
        {"PFMERGE", "w", "h"}, {"PFMERGE", "h", "w"}, {"PFMERGE", "d", "h", "w"},
        {"PFDEBUG", "ENCODING", "w"}, {"PFDEBUG", "FOO", "w"},
        {"EXISTS", "d"}, {"GET", "h"}, {"TYPE", "w"}, {"GET", "s"},
    };

    @Test
    void otherTypesAnswerAsInRedis() {
        try (RedisOracle redis = RedisOracle.start(); CinnabarFixture cinnabar = CinnabarFixture.start();
                RespClient theirs = redis.client(); RespClient ours = cinnabar.client()) {
            for (RespClient c : List.of(theirs, ours)) {
                c.call("RPUSH", "w", "x");
                c.call("PFADD", "h", "a", "b");
                c.call("SET", "s", "abc");
            }
            List<String> mismatches = new ArrayList<>();
            for (String[] c : COMMANDS) {
                RespClient.Reply expected = theirs.call(c);
                RespClient.Reply actual = ours.call(c);
                if (!Arrays.equals(expected.raw, actual.raw)) {
                    mismatches.add(String.join(" ", c) + "\n    redis:    " + expected + "\n    cinnabar: " + actual);
                }
            }
            assertTrue(mismatches.isEmpty(), () -> String.join("\n", mismatches));
        }
    }
}
