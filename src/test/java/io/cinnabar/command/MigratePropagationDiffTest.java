package io.cinnabar.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.RedisOracle;
import io.cinnabar.testing.RespClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What MIGRATE propagates, read from real Redis as its replica and from Cinnabar's stream: a DEL
 * of exactly the keys the target acknowledged, in the source's database, nothing for COPY or a
 * failure, and inside MULTI as part of the transaction. Each server migrates to its own target.
 */
@Timeout(120)
class MigratePropagationDiffTest {
    @Test
    void migratePropagatesAsADelOfTheKeysTheTargetTook() throws Exception {
        try (PropagationDiff diff = new PropagationDiff(); RedisOracle theirTarget = RedisOracle.start();
                RedisOracle ourTarget = RedisOracle.start(); RespClient theirTargetClient = theirTarget.client();
                RespClient ourTargetClient = ourTarget.client()) {
            for (RespClient t : List.of(theirTargetClient, ourTargetClient)) {
                t.call("SET", "b", "already there");
            }
            diff.runScript("setup", "set a 1\nset b 2\nset c 3\nset k 4\nset r 5\nselect 3\nset d3 6\nselect 0\n");
            String[][] steps = {
                {"MIGRATE", "<target>", "", "0", "5000", "KEYS", "a", "b", "c", "nokey"},
                {"MIGRATE", "<target>", "k", "0", "5000", "COPY"},
                {"MIGRATE", "<target>", "", "0", "5000", "REPLACE", "KEYS", "b", "r"},
                {"MIGRATE", "<target>", "gone", "0", "5000"},
                {"SELECT", "3"},
                {"MIGRATE", "<target>", "d3", "0", "5000"},
                {"SELECT", "0"},
                {"MULTI"},
                {"SET", "m", "1"},
                {"MIGRATE", "<target>", "m", "5", "5000"},
                {"EXEC"},
                {"MIGRATE", "127.0.0.1", "-1", "k", "0", "5000"},
            };
            List<String> mismatches = new ArrayList<>();
            for (String[] step : steps) {
                RespClient.Reply theirs = diff.theirs.call(withTarget(step, theirTarget.port()));
                RespClient.Reply ours = diff.ours.call(withTarget(step, ourTarget.port()));
                assertEquals(theirs.toString(), ours.toString(), String.join(" ", step));
                if (step[0].equals("MULTI") || step[0].equals("SET") || (step[0].equals("MIGRATE") && step[2].equals("m"))) {
                    continue; // the transaction's stream is compared at EXEC
                }
                List<List<List<String>>> streams = diff.cut();
                if (!streams.get(0).equals(streams.get(1))) {
                    mismatches.add(String.join(" ", step) + "\n    redis propagated:    " + streams.get(0)
                            + "\n    cinnabar propagated: " + streams.get(1));
                }
                if (step[0].equals("MIGRATE") && step[1].equals("<target>") && step[2].isEmpty() && step[6].equals("a")) {
                    assertEquals(List.of(List.of("DEL", "a", "c")), streams.get(1), "only the acknowledged keys");
                }
            }
            assertTrue(mismatches.isEmpty(), () -> String.join("\n", mismatches));
        }
    }

    /** The step with "<target>" replaced by the target's host and port. */
    private static String[] withTarget(String[] step, int port) {
        if (!step[0].equals("MIGRATE") || !step[1].equals("<target>")) {
            return step;
        }
        String[] argv = new String[step.length + 1];
        argv[0] = "MIGRATE";
        argv[1] = "127.0.0.1";
        argv[2] = Integer.toString(port);
        System.arraycopy(step, 2, argv, 3, step.length - 2);
        return argv;
    }
}
