package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RedisOracle;
import io.cinnabar.testing.RespClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Thousands of generated writes and MIGRATE calls (single keys and KEYS lists with missing keys,
 * COPY, REPLACE, AUTH right and wrong, AUTH2, databases in and out of range, keys deleted on the
 * target meanwhile) run on Redis migrating into Redis and on Cinnabar migrating into Cinnabar;
 * every reply must be byte-equal, and so must both targets' contents at the end. Replay with
 * {@code -DmigrateSeed=<seed>}.
 */
@Timeout(180)
class MigrateRandomDiffTest {
    private static final String PASSWORD = "pw";
    private static final int KEYS = 12;
    private static final int COMMANDS = 3000;

    @Test
    void randomMigrationsMatchRedis() {
        long seed = Long.getLong("migrateSeed", 20261130L);
        Random r = new Random(seed);
        List<String> mismatches = new ArrayList<>();
        java.util.Set<String> outcomes = new java.util.TreeSet<>();
        try (RedisOracle redisSource = RedisOracle.start(); RedisOracle redisTarget = RedisOracle.start();
                CinnabarFixture cinnabarSource = CinnabarFixture.start();
                CinnabarFixture cinnabarTarget = CinnabarFixture.start("requirepass " + PASSWORD);
                RespClient theirs = redisSource.client(); RespClient ours = cinnabarSource.client();
                RespClient theirTarget = redisTarget.client(); RespClient ourTarget = cinnabarTarget.client()) {
            theirTarget.call("CONFIG", "SET", "requirepass", PASSWORD);
            theirTarget.call("AUTH", PASSWORD);
            ourTarget.call("AUTH", PASSWORD);
            String theirPort = Integer.toString(redisTarget.port());
            String ourPort = Integer.toString(cinnabarTarget.port());
            for (int i = 0; i < COMMANDS && mismatches.size() < 20; i++) {
                boolean onTarget = r.nextInt(10) == 0;
                String[] command = onTarget ? targetCommand(r) : sourceCommand(r);
                RespClient theirClient = onTarget ? theirTarget : theirs;
                RespClient ourClient = onTarget ? ourTarget : ours;
                RespClient.Reply expected = theirClient.call(withPort(command, theirPort));
                RespClient.Reply actual = ourClient.call(withPort(command, ourPort));
                if (command[0].equals("MIGRATE")) {
                    outcomes.add(outcome(expected.text()));
                }
                if (!Arrays.equals(expected.raw, actual.raw)) {
                    mismatches.add("#" + i + (onTarget ? " on the target: " : ": ") + String.join(" ", command)
                            + "\n    redis:    " + expected + "\n    cinnabar: " + actual);
                }
            }
            for (int db = 0; db < 3 && mismatches.isEmpty(); db++) {
                String dbText = Integer.toString(db);
                for (RespClient[] pair : new RespClient[][] {{theirs, ours}, {theirTarget, ourTarget}}) {
                    pair[0].call("SELECT", dbText);
                    pair[1].call("SELECT", dbText);
                    String expected = contents(pair[0]);
                    String actual = contents(pair[1]);
                    if (!expected.equals(actual)) {
                        mismatches.add((pair[0] == theirs ? "source" : "target") + " db " + db
                                + "\n    redis:    " + expected + "\n    cinnabar: " + actual);
                    }
                }
            }
        }
        assertTrue(mismatches.isEmpty(), () -> "seed " + seed + ":\n" + String.join("\n", mismatches));
        assertTrue(outcomes.containsAll(List.of("+OK", "+NOKEY", "BUSYKEY", "WRONGPASS", "DB index")),
                () -> "seed " + seed + " left out some outcome of MIGRATE: " + outcomes);
    }

    /** What kind of reply a MIGRATE got, so the run is known to have met each. */
    private static String outcome(String reply) {
        for (String kind : new String[] {"BUSYKEY", "WRONGPASS", "DB index"}) {
            if (reply.contains(kind)) {
                return kind;
            }
        }
        return reply.trim();
    }

    private static String key(Random r) {
        return "k" + r.nextInt(KEYS);
    }

    /** A write that fills the source, a database switch, or (most often) a MIGRATE. */
    private static String[] sourceCommand(Random r) {
        String k = key(r);
        switch (r.nextInt(12)) {
            case 0: return new String[] {"SET", k, Integer.toString(r.nextInt(1000))};
            case 1: return new String[] {"SET", k, "v" + r.nextInt(1_000_000), "PX", Integer.toString(500_000 + r.nextInt(100_000))};
            case 2: return new String[] {"RPUSH", k, "a" + r.nextInt(10), "b" + r.nextInt(10)};
            case 3: return new String[] {"HSET", k, "f" + r.nextInt(5), "v" + r.nextInt(5)};
            case 4: return new String[] {"ZADD", k, Integer.toString(r.nextInt(9)), "m" + r.nextInt(5)};
            case 5: return new String[] {"SELECT", Integer.toString(r.nextInt(3))};
            default: return migrate(r);
        }
    }

    private static String[] migrate(Random r) {
        List<String> argv = new ArrayList<>(List.of("MIGRATE", "127.0.0.1", "<port>"));
        boolean many = r.nextBoolean();
        argv.add(many ? "" : key(r));
        argv.add(r.nextInt(25) == 0 ? "99" : Integer.toString(r.nextInt(3)));
        argv.add("5000");
        if (r.nextInt(4) == 0) {
            argv.add("COPY");
        }
        if (r.nextInt(3) == 0) {
            argv.add("REPLACE");
        }
        int auth = r.nextInt(10);
        if (auth < 6) {
            argv.addAll(List.of("AUTH", PASSWORD));
        } else if (auth < 8) {
            argv.addAll(List.of("AUTH2", "default", PASSWORD));
        } else if (auth < 9) {
            argv.addAll(List.of("AUTH", "wrong"));
        }
        if (many) {
            argv.add("KEYS");
            for (int n = 1 + r.nextInt(4); n > 0; n--) {
                argv.add(key(r));
            }
        }
        return argv.toArray(new String[0]);
    }

    /** Room on the target for migrations without REPLACE, or a key in the way of them. */
    private static String[] targetCommand(Random r) {
        switch (r.nextInt(3)) {
            case 0: return new String[] {"SELECT", Integer.toString(r.nextInt(3))};
            case 1: return new String[] {"SET", key(r), "in the way"};
            default: return new String[] {"DEL", key(r), key(r), key(r)};
        }
    }

    private static String[] withPort(String[] command, String port) {
        String[] argv = command.clone();
        for (int i = 0; i < argv.length; i++) {
            if (argv[i].equals("<port>")) {
                argv[i] = port;
            }
        }
        return argv;
    }

    /** Every key of the selected database with its type, DUMP and whether it has a time to live. */
    private static String contents(RespClient c) {
        List<String> keys = new ArrayList<>();
        for (Object k : (List<?>) c.callValue("KEYS", "*")) {
            keys.add((String) k);
        }
        keys.sort(null);
        StringBuilder s = new StringBuilder();
        for (String k : keys) {
            long pttl = (Long) c.callValue("PTTL", k);
            s.append(k).append(' ').append(c.call("TYPE", k)).append(' ').append(c.call("DUMP", k))
                    .append(pttl == -1 ? " persistent" : pttl > 0 ? " volatile" : " pttl " + pttl).append('\n');
        }
        return s.toString();
    }
}
