package io.cinnabar.command;

import io.cinnabar.protocol.InlineSplitter;
import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RedisOracle;
import io.cinnabar.testing.RespClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Runs the same commands on real Redis and on Cinnabar and compares, step by step, the commands
 * each propagates to a replica. A step ends with a marker (PUBLISH, replicated by both) so the
 * streams can be cut at the same point; a MULTI block is one step. Relative expiry times become
 * absolute ones by each server's clock, so unix-ms times near now are compared with a tolerance.
 */
final class PropagationDiff implements AutoCloseable {
    /** Stream comparison: exactly, as a multiset (hash-ordered output), or by shape (random members masked). */
    enum Mode { EXACT, UNORDERED, SHAPE }

    private static final long TIME_TOLERANCE_MS = 10_000;
    final RedisOracle redis;
    final CinnabarFixture cinnabar;
    final RespClient theirs;
    final RespClient ours;
    private final PropagatedStream theirStream;
    private final PropagatedStream ourStream;
    private final List<String> mismatches = new ArrayList<>();
    private long marker;
    private boolean inMulti;

    PropagationDiff(String... config) throws IOException {
        String[] redisArgs = new String[config.length * 2 + 2];
        redisArgs[0] = "--repl-ping-replica-period";
        redisArgs[1] = "3600";
        for (int i = 0; i < config.length; i++) {
            int sp = config[i].indexOf(' ');
            redisArgs[2 + 2 * i] = "--" + config[i].substring(0, sp);
            redisArgs[3 + 2 * i] = config[i].substring(sp + 1);
        }
        redis = RedisOracle.start(redisArgs);
        String[] ourConfig = java.util.Arrays.copyOf(config, config.length + 1);
        ourConfig[config.length] = "enable-debug-command yes";
        cinnabar = CinnabarFixture.start(ourConfig);
        theirs = redis.client();
        ours = cinnabar.client();
        theirStream = PropagatedStream.syncWith(redis.port());
        ourStream = PropagatedStream.record(cinnabar);
    }

    List<String> mismatches() {
        return mismatches;
    }

    /** Both servers, for set-up that is no part of the comparison. */
    List<RespClient> both() {
        return List.of(theirs, ours);
    }

    /** Runs one command on both; compares the replies unless {@code compareReply} is false, then the streams. */
    void step(String where, byte[][] argv, boolean compareReply, Mode mode) throws IOException {
        RespClient.Reply expected = theirs.call(argv);
        RespClient.Reply actual = ours.call(argv);
        String shown = where + ": " + text(argv);
        if (compareReply && !Arrays.equals(expected.raw, actual.raw)) {
            mismatches.add(shown + "\n    reply redis:    " + expected + "\n    reply cinnabar: " + actual);
        }
        String name = new String(argv[0], StandardCharsets.US_ASCII).toLowerCase(java.util.Locale.ROOT);
        if (name.equals("multi") && !expected.text().startsWith("-")) {
            inMulti = true;
        } else if (name.equals("exec") || name.equals("discard")) {
            inMulti = false;
        }
        if (!inMulti) {
            compareStreams(shown, mode);
        }
    }

    /** Ends a step: both propagate a marker, and what each propagated before it is compared. */
    void compareStreams(String shown, Mode mode) throws IOException {
        long n = ++marker;
        for (RespClient c : both()) {
            c.call("PUBLISH", PropagatedStream.MARKER, Long.toString(n));
        }
        List<List<String>> expected = theirStream.readUntilMarker(n);
        List<List<String>> actual = ourStream.readUntilMarker(n);
        if (!same(expected, actual, mode)) {
            mismatches.add(shown + "\n    redis propagated:    " + expected + "\n    cinnabar propagated: " + actual);
        }
    }

    /** Both servers propagate a marker; returns what each propagated before it: [redis, cinnabar]. */
    List<List<List<String>>> cut() throws IOException {
        long n = ++marker;
        for (RespClient c : both()) {
            c.call("PUBLISH", PropagatedStream.MARKER, Long.toString(n));
        }
        return List.of(theirStream.readUntilMarker(n), ourStream.readUntilMarker(n));
    }

    /** Polls both servers until {@code done} holds for each, within 10 s. */
    static void await(String what, BooleanSupplier done) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.onSpinWait();
        }
    }

    /** Waits until both servers' clocks are {@code ms} past what they were when called. */
    void letTimePass(long ms) {
        long[] until = {serverMillis(theirs) + ms, serverMillis(ours) + ms};
        await("the clocks", () -> serverMillis(theirs) > until[0] && serverMillis(ours) > until[1]);
    }

    private static long serverMillis(RespClient c) {
        List<?> time = (List<?>) c.callValue("TIME");
        return Long.parseLong(text(time.get(0))) * 1000 + Long.parseLong(text(time.get(1))) / 1000;
    }

    private static String text(Object bulk) {
        return bulk instanceof byte[] ? new String((byte[]) bulk, StandardCharsets.ISO_8859_1) : String.valueOf(bulk);
    }

    private static boolean same(List<List<String>> expected, List<List<String>> actual, Mode mode) {
        if (expected.size() != actual.size()) {
            return false;
        }
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        for (int i = 0; i < expected.size(); i++) {
            List<String> x = expected.get(i);
            List<String> y = actual.get(i);
            if (x.size() != y.size()) {
                return false;
            }
            StringBuilder sx = new StringBuilder();
            StringBuilder sy = new StringBuilder();
            for (int k = 0; k < x.size(); k++) {
                String ex = x.get(k);
                String ac = y.get(k);
                if (mode == Mode.SHAPE && k >= 2) {
                    ex = "?";
                    ac = "?";
                } else if (timePart(ex) != null && timePart(ac) != null
                        && Math.abs(Long.parseLong(timePart(ex)) - Long.parseLong(timePart(ac))) <= TIME_TOLERANCE_MS) {
                    ex = "<now>" + ex.substring(timePart(ex).length());
                    ac = "<now>" + ac.substring(timePart(ac).length());
                }
                sx.append(ex).append('\u0000');
                sy.append(ac).append('\u0000');
            }
            a.add(sx.toString());
            b.add(sy.toString());
        }
        if (mode == Mode.UNORDERED) {
            a.sort(null);
            b.sort(null);
        }
        return a.equals(b);
    }

    /** A unix time in ms within a month of now: a relative expiry made absolute. */
    private static boolean nearNow(String s) {
        if (s.length() != 13 || !s.chars().allMatch(Character::isDigit)) {
            return false;
        }
        return Math.abs(Long.parseLong(s) - System.currentTimeMillis()) < 30 * 86_400_000L;
    }

    /** A unix time in ms, or a stream ID made of one ("ms-seq"): the time part, else null. */
    private static String timePart(String s) {
        int dash = s.indexOf('-');
        String ms = dash == 13 ? s.substring(0, 13) : s;
        return nearNow(ms) ? ms : null;
    }

    static String text(byte[][] argv) {
        StringBuilder s = new StringBuilder();
        for (byte[] a : argv) {
            s.append(s.length() == 0 ? "" : " ").append(new String(a, StandardCharsets.ISO_8859_1));
        }
        return s.toString();
    }

    /**
     * Runs a script: one command per line, each its own step. A line may start with directives:
     * {@code !any} (do not compare the reply), {@code !unordered} / {@code !shape} (how to compare the
     * stream); {@code !after <ms>} alone waits until both clocks moved that far.
     */
    void runScript(String name, String script) throws IOException {
        String[] lines = script.split("\n");
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            boolean compareReply = true;
            Mode mode = Mode.EXACT;
            while (line.startsWith("!")) {
                int sp = line.indexOf(' ');
                String directive = line.substring(1, sp);
                line = line.substring(sp + 1).trim();
                switch (directive) {
                    case "any": compareReply = false; break;
                    case "unordered": mode = Mode.UNORDERED; break;
                    case "shape": mode = Mode.SHAPE; break;
                    case "after": letTimePass(Long.parseLong(line)); line = ""; break;
                    default: throw new IllegalArgumentException(name + ":" + (n + 1) + ": unknown directive " + directive);
                }
            }
            if (line.isEmpty()) {
                continue;
            }
            byte[][] argv = InlineSplitter.split(line.getBytes(StandardCharsets.UTF_8));
            if (argv == null || argv.length == 0) {
                throw new IllegalArgumentException(name + ":" + (n + 1) + ": cannot parse line");
            }
            step(name + ":" + (n + 1), argv, compareReply, mode);
        }
    }

    @Override
    public void close() throws Exception {
        try (RedisOracle r = redis; CinnabarFixture c = cinnabar; RespClient t = theirs; RespClient o = ours;
                PropagatedStream ts = theirStream; PropagatedStream os = ourStream) {
            // closes all
        }
    }
}
