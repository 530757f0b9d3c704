package io.cinnabar.testing;

import io.cinnabar.protocol.InlineSplitter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Runs one differential script against Cinnabar and real Redis and lists every reply that
 * differs. Syntax (one command per line, redis-cli quoting):
 * <pre>
 *   # comment
 *   SET foo bar               exact reply bytes must match
 *   !unordered KEYS *         arrays compared as multisets of elements
 *   !type TTL foo             only the reply type must match
 *   !times XINFO STREAM s FULL   exact, except integers that are unix times in ms
 *                             (delivery and seen times) need only be integers
 *   !any DEBUG SLEEP 0        run on both, compare nothing
 * </pre>
 * Both connections start with FLUSHALL on database 0.
 */
public final class DiffScript {
    private DiffScript() {}

    public static List<String> run(String name, String script, RespClient ours, RespClient redis) {
        List<String> mismatches = new ArrayList<>();
        for (RespClient c : List.of(ours, redis)) {
            c.call("SELECT", "0");
            c.call("FLUSHALL");
        }
        String[] lines = script.split("\n");
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String mode = "exact";
            if (line.startsWith("!")) {
                int sp = line.indexOf(' ');
                mode = line.substring(1, sp);
                line = line.substring(sp + 1).trim();
            }
            byte[][] args = InlineSplitter.split(line.getBytes(StandardCharsets.UTF_8));
            if (args == null || args.length == 0) {
                throw new IllegalArgumentException(name + ":" + (n + 1) + ": cannot parse line");
            }
            RespClient.Reply expected = redis.call(args);
            RespClient.Reply actual = ours.call(args);
            boolean same;
            switch (mode) {
                case "exact": same = Arrays.equals(expected.raw, actual.raw); break;
                case "unordered": same = unordered(expected).equals(unordered(actual)); break;
                case "type": same = expected.raw[0] == actual.raw[0]; break;
                case "times": same = timesMasked(expected).equals(timesMasked(actual)); break;
                case "any": same = true; break;
                default: throw new IllegalArgumentException(name + ":" + (n + 1) + ": unknown mode !" + mode);
            }
            if (!same) {
                mismatches.add(name + ":" + (n + 1) + ": " + line + "\n    redis:    " + expected + "\n    cinnabar: " + actual);
            }
        }
        return mismatches;
    }

    private static String timesMasked(RespClient.Reply r) {
        return RespTree.parse(r.raw).withTimesMasked().render();
    }

    private static String unordered(RespClient.Reply r) {
        if (!(r.value instanceof List)) {
            return r.toString();
        }
        List<String> items = new ArrayList<>();
        for (Object o : (List<?>) r.value) {
            items.add(String.valueOf(o));
        }
        items.sort(Comparator.naturalOrder());
        return (char) r.raw[0] + items.toString();
    }
}
