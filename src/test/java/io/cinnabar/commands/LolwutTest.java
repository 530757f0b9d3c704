package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RedisOracle;
import io.cinnabar.testing.RespClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * LOLWUT VERSION 5 and 6, whose art Redis draws with random numbers: the same canvas as Redis's
 * (lines and the cells in each, the credit lines) but not the same art; memory.txt compares
 * Schotter's rows that are not random byte for byte.
 */
@Timeout(60)
class LolwutTest {
    @Test
    void randomSchotterHasRedisShape() {
        try (RedisOracle redis = RedisOracle.start(); CinnabarFixture cinnabar = CinnabarFixture.start();
                RespClient theirs = redis.client(); RespClient ours = cinnabar.client()) {
            for (String[] args : new String[][] {{}, {"50", "6", "9"}, {"120", "20", "40"}, {"5", "1", "3"}}) {
                String[] command = new String[3 + args.length];
                command[0] = "LOLWUT";
                command[1] = "VERSION";
                command[2] = "5";
                System.arraycopy(args, 0, command, 3, args.length);
                String expected = text(theirs.call(command).raw);
                String actual = text(ours.call(command).raw);
                assertEquals(shape(expected), shape(actual), String.join(" ", command));
            }
            for (String[] args : new String[][] {{}, {"30", "10"}, {"1", "1"}, {"2000", "3"}, {"7", "-2"}}) {
                String[] command = new String[3 + args.length];
                command[0] = "LOLWUT";
                command[1] = "VERSION";
                command[2] = "6";
                System.arraycopy(args, 0, command, 3, args.length);
                assertEquals(shape(text(theirs.call(command).raw)), shape(text(ours.call(command).raw)), String.join(" ", command));
            }
            String skyline = text(ours.call("LOLWUT", "VERSION", "6", "60", "30").raw);
            assertTrue(skyline.replaceAll("\u001b\\[0;(30;40|90;100|37;47|97;107)m \u001b\\[0m", "").replace("\n", "")
                    .startsWith("Dedicated to the 8 bit game developers"), "only the four grays: " + skyline);
            // two drawings differ where the squares are turned
            assertNotEquals(text(ours.call("LOLWUT", "VERSION", "5").raw), text(ours.call("LOLWUT", "VERSION", "5").raw));
        }
    }

    private static String text(byte[] raw) {
        String reply = new String(raw, StandardCharsets.UTF_8);
        return reply.substring(reply.indexOf("\r\n") + 2, reply.length() - 2);
    }

    /** The length in characters of each line, and the last line as it is. */
    private static List<String> shape(String art) {
        String[] lines = art.split("\n", -1);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.length - 2; i++) {
            // a Braille character or a colored space per cell
            int cells = lines[i].contains("\u001b") ? lines[i].split("\u001b\\[0m", -1).length - 1 : lines[i].length();
            out.add(Integer.toString(cells));
        }
        out.add(lines[lines.length - 2]);
        out.add(lines[lines.length - 1]);
        return out;
    }
}
