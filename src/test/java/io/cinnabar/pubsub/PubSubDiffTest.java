package io.cinnabar.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.testing.ConnectionSet;
import io.cinnabar.testing.RespClient;
import io.cinnabar.testing.Servers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pub/sub driven on a publisher and several subscriber connections against real Redis and
 * Cinnabar at once; after every step each connection's frames are compared byte for byte. A step
 * ends on a connection when the answer to a PING with a unique marker arrives, so every push that
 * the step caused has been read by then. Only what Redis leaves unspecified is put in a canonical
 * order first: the pmessages of one publish to one client (Redis walks its pattern dict), the
 * names of a bare (P|S)UNSUBSCRIBE (its client dict), and the list of PUBSUB (SHARD)CHANNELS.
 */
@Timeout(180)
class PubSubDiffTest {
    @RegisterExtension
    static final Servers servers = Servers.withOracle();
    private static final int PUBLISHER = 0;

    private final class Run implements AutoCloseable {
        final ConnectionSet theirs;
        final ConnectionSet ours;
        final String context;
        int step;

        Run(int[] protocols, String context) {
            theirs = new ConnectionSet(servers.redis().port(), protocols);
            ours = new ConnectionSet(servers.cinnabar().port(), protocols);
            this.context = context;
            for (int i = 0; i < protocols.length; i++) {
                // start from nothing: earlier runs on the shared servers left no subscriptions behind
                theirs.conns[i].call("RESET");
                ours.conns[i].call("RESET");
                if (protocols[i] == 3) {
                    theirs.conns[i].call("HELLO", "3");
                    ours.conns[i].call("HELLO", "3");
                }
            }
        }

        /** Runs a command on one connection of both servers and compares what every connection then reads. */
        void exec(int conn, String... command) {
            exec(conn, -1, command);
        }

        /** As {@link #exec(int, String...)}, reading exactly {@code frames} replies on the acting connection (inside MULTI, where PING queues). */
        void exec(int conn, int frames, String... command) {
            step++;
            String where = context + ", step " + step + ": conn " + conn + " " + String.join(" ", command);
            List<String> expected = transcript(theirs, conn, frames, command);
            List<String> actual = transcript(ours, conn, frames, command);
            assertEquals(String.join("\n", expected), String.join("\n", actual), where);
        }

        private List<String> transcript(ConnectionSet side, int conn, int frames, String[] command) {
            String marker = "m" + step;
            List<String> out = new ArrayList<>();
            side.conns[conn].send(command);
            if (frames >= 0) {
                List<RespClient.Reply> got = new ArrayList<>();
                for (int i = 0; i < frames; i++) {
                    got.add(side.conns[conn].read());
                }
                out.add(conn + ": " + canonical(command, got));
            }
            for (int i = 0; i < side.conns.length; i++) {
                if (i == conn && frames >= 0) {
                    continue;
                }
                side.conns[i].send("PING", marker);
                List<RespClient.Reply> got = new ArrayList<>();
                while (true) {
                    RespClient.Reply r = side.conns[i].read();
                    if (isMarker(r, marker)) {
                        break;
                    }
                    got.add(r);
                }
                out.add(i + ": " + canonical(i == conn ? command : new String[0], got));
            }
            return out;
        }

        /** Compares the pub/sub fields of CLIENT LIST for every connection (ids differ between servers). */
        void compareClientList() {
            for (int i = 1; i < theirs.conns.length; i++) {
                String expected = clientFields(theirs, i);
                String actual = clientFields(ours, i);
                assertEquals(expected, actual, context + ", step " + step + ": CLIENT LIST of conn " + i);
            }
            assertEquals(pubsubInfo(theirs), pubsubInfo(ours), context + ", step " + step + ": INFO stats");
        }

        @Override
        public void close() {
            theirs.close();
            ours.close();
        }
    }

    private static boolean isMarker(RespClient.Reply r, String marker) {
        if (r.value instanceof String) {
            return r.value.equals(marker);
        }
        return r.value instanceof List && ((List<?>) r.value).size() == 2
                && "pong".equals(((List<?>) r.value).get(0)) && marker.equals(((List<?>) r.value).get(1));
    }

    private static String clientFields(ConnectionSet side, int conn) {
        String line = side.conns[PUBLISHER].call("CLIENT", "LIST", "ID", Long.toString(side.ids[conn])).value.toString();
        StringBuilder b = new StringBuilder();
        for (String field : line.trim().split(" ")) {
            if (field.startsWith("flags=") || field.startsWith("sub=") || field.startsWith("psub=")
                    || field.startsWith("ssub=") || field.startsWith("resp=")) {
                b.append(field).append(' ');
            }
        }
        return b.toString();
    }

    private static String pubsubInfo(ConnectionSet side) {
        StringBuilder b = new StringBuilder();
        for (String line : side.conns[PUBLISHER].call("INFO", "stats").value.toString().split("\r\n")) {
            if (line.startsWith("pubsub")) {
                b.append(line).append(' ');
            }
        }
        return b.toString();
    }

    /** The frames of one connection in one step, with Redis's unspecified orders made canonical. */
    static String canonical(String[] command, List<RespClient.Reply> frames) {
        List<String> raw = new ArrayList<>();
        for (RespClient.Reply r : frames) {
            raw.add(escape(r.raw));
        }
        sortRuns(frames, raw, "pmessage");
        boolean bare = command.length == 1 && command[0].toLowerCase().endsWith("unsubscribe");
        if (bare && frames.size() > 1) {
            // names in sorted order beside the (word, count) sequence, which is fully specified
            List<String> names = new ArrayList<>();
            List<String> shape = new ArrayList<>();
            for (RespClient.Reply r : frames) {
                List<?> v = (List<?>) r.value;
                names.add(String.valueOf(v.get(1)));
                shape.add((char) r.raw[0] + " " + v.get(0) + " " + v.get(2));
            }
            names.sort(null);
            return shape + " names " + names;
        }
        if (command.length >= 2 && command[0].equalsIgnoreCase("pubsub") && command[1].toLowerCase().endsWith("channels")
                && frames.size() == 1 && frames.get(0).value instanceof List) {
            List<String> names = new ArrayList<>();
            for (Object o : (List<?>) frames.get(0).value) {
                names.add(String.valueOf(o));
            }
            names.sort(null);
            return "channels " + names;
        }
        return String.join(" | ", raw);
    }

    /** Sorts each run of consecutive frames whose first element is {@code word}. */
    private static void sortRuns(List<RespClient.Reply> frames, List<String> raw, String word) {
        int i = 0;
        while (i < frames.size()) {
            int j = i;
            while (j < frames.size() && frames.get(j).value instanceof List && !((List<?>) frames.get(j).value).isEmpty()
                    && word.equals(((List<?>) frames.get(j).value).get(0))) {
                j++;
            }
            if (j > i + 1) {
                raw.subList(i, j).sort(null);
            }
            i = Math.max(j, i + 1);
        }
    }

    private static String escape(byte[] raw) {
        return new String(raw, StandardCharsets.ISO_8859_1).replace("\r\n", "\\r\\n");
    }

    // ---------------------------------------------------------------- scripted

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void scriptedSequenceMatchesRedis(int protocol) {
        try (Run run = new Run(new int[] {2, protocol, protocol, protocol}, "scripted RESP" + protocol)) {
            run.exec(1, "SUBSCRIBE", "news", "sport", "news");
            run.exec(1, "PSUBSCRIBE", "n*", "h[ae]llo", "esc\\*aped", "[^x]y", "\\[lit]", "[a-c]z?", "n*");
            run.exec(2, "PSUBSCRIBE", "*");
            run.exec(2, "SSUBSCRIBE", "shard1", "shard2");
            run.exec(3, "SSUBSCRIBE", "shard1");
            run.compareClientList();
            for (String[] publish : new String[][] {
                {"PUBLISH", "news", "hi"}, {"PUBLISH", "hello", "x"}, {"PUBLISH", "hallo", "y"}, {"PUBLISH", "hillo", "y"},
                {"PUBLISH", "esc*aped", "z"}, {"PUBLISH", "escXaped", "no"}, {"PUBLISH", "ay", "q"}, {"PUBLISH", "xy", "q"},
                {"PUBLISH", "[lit]", "l"}, {"PUBLISH", "lit", "l"}, {"PUBLISH", "bz1", "c"}, {"PUBLISH", "dz1", "c"},
                {"PUBLISH", "nothing-here", ""}, {"PUBLISH", "news", "line\r\nbreak"},
                {"SPUBLISH", "shard1", "s"}, {"SPUBLISH", "shard2", "s2"}, {"SPUBLISH", "news", "not a shard sub"},
                {"PUBLISH", "shard1", "not a channel sub"}}) {
                run.exec(PUBLISHER, publish);
            }
            for (int sub = 1; sub <= 3; sub++) {
                run.exec(sub, "GET", "k");
                run.exec(sub, "PING");
                run.exec(sub, "PING", "arg");
                run.exec(sub, "PING", "a", "b");
                run.exec(sub, "CLIENT", "LIST", "ID", "0");
                run.exec(sub, "NO-SUCH-COMMAND", "x");
                run.exec(sub, "PUBLISH", "news", "from a subscriber");
                run.exec(sub, "SUBSCRIBE");
            }
            run.exec(PUBLISHER, "PUBSUB", "CHANNELS");
            run.exec(PUBLISHER, "PUBSUB", "CHANNELS", "n*");
            run.exec(PUBLISHER, "PUBSUB", "CHANNELS", "zz*");
            run.exec(PUBLISHER, "PUBSUB", "CHANNELS", "a", "b");
            run.exec(PUBLISHER, "PUBSUB", "NUMSUB", "news", "sport", "none", "shard1");
            run.exec(PUBLISHER, "PUBSUB", "NUMSUB");
            run.exec(PUBLISHER, "PUBSUB", "NUMPAT");
            run.exec(PUBLISHER, "PUBSUB", "SHARDCHANNELS");
            run.exec(PUBLISHER, "PUBSUB", "SHARDCHANNELS", "*2");
            run.exec(PUBLISHER, "PUBSUB", "SHARDNUMSUB", "shard1", "shard2", "news");
            run.exec(PUBLISHER, "PUBSUB", "SHARDNUMSUB");
            run.exec(PUBLISHER, "PUBSUB", "HELP");
            run.exec(PUBLISHER, "PUBSUB", "NOPE");
            run.exec(PUBLISHER, "PUBSUB");
            run.compareClientList();

            run.exec(1, "UNSUBSCRIBE", "sport", "never-subscribed");
            run.exec(1, "UNSUBSCRIBE");
            run.exec(1, "UNSUBSCRIBE");
            run.exec(1, "PUNSUBSCRIBE", "n*");
            run.exec(1, "GET", "k");
            run.exec(1, "PUNSUBSCRIBE");
            run.exec(1, "PUNSUBSCRIBE");
            run.exec(1, "GET", "k");
            run.exec(2, "SUNSUBSCRIBE", "shard1");
            run.exec(2, "PUNSUBSCRIBE");
            run.exec(2, "GET", "k");
            run.exec(2, "SUNSUBSCRIBE");
            run.exec(2, "SUNSUBSCRIBE");
            run.exec(2, "GET", "k");
            run.compareClientList();

            run.exec(1, "SUBSCRIBE", "dup", "dup");
            run.exec(PUBLISHER, "PUBLISH", "dup", "once");
            run.exec(1, "RESET");
            run.exec(PUBLISHER, "PUBLISH", "dup", "nobody");
            run.exec(PUBLISHER, "PUBSUB", "NUMSUB", "dup");
            run.exec(1, "GET", "k");
            if (protocol == 3) {
                run.theirs.conns[1].call("HELLO", "3"); // not compared: the reply holds the client id
                run.ours.conns[1].call("HELLO", "3");
            }
            run.exec(1, 1, "MULTI");
            run.exec(1, 1, "SUBSCRIBE", "in-multi");
            run.exec(1, 1, "PSUBSCRIBE", "in-*");
            run.exec(1, 1, "EXEC");
            run.exec(PUBLISHER, "PUBLISH", "in-multi", "after exec");
            run.exec(1, protocol == 2 ? -1 : 1, "MULTI"); // refused while subscribed in RESP2 only
            run.compareClientList();
            if (protocol == 3) {
                run.exec(1, 1, "DISCARD");
            }
            run.exec(3, 1, "QUIT");
        }
    }

    // ---------------------------------------------------------------- random

    private static final String[] CHANNELS = {"a", "b", "ab", "a1", "ba", "[x]", "a*", "x\\y", "", "news.sport", "\u00fc", "a\u00e9"};
    private static final String[] PATTERNS = {"a*", "?", "a?", "[ab]*", "*b", "\\a*", "[^a]*", "*", "[x]", "\\[x]", "a\\*",
        "news.*", "[a-b]?", "*[", "x\\\\y", "[\u00e0-\u00ff]*", "a[^a-z]*"};

    @Test
    void randomSequencesMatchRedis() {
        long seed = Long.getLong("pubsub.seed", 20261130L);
        Random r = new Random(seed);
        int[] protocols = {2, 2, 3, 2, 3};
        try (Run run = new Run(protocols, "random seed " + seed)) {
            for (int i = 0; i < 2500; i++) {
                int conn = r.nextInt(protocols.length);
                run.exec(conn, randomCommand(r, conn));
                if (i % 100 == 99) {
                    run.compareClientList();
                }
            }
        }
    }

    private static String[] randomCommand(Random r, int conn) {
        int op = conn == PUBLISHER ? r.nextInt(6) + 10 : r.nextInt(20);
        switch (op) {
            case 0: case 1: return names(r, "SUBSCRIBE", CHANNELS, 1);
            case 2: case 3: return names(r, "PSUBSCRIBE", PATTERNS, 1);
            case 4: return names(r, "SSUBSCRIBE", CHANNELS, 1);
            case 5: return names(r, "UNSUBSCRIBE", CHANNELS, 0);
            case 6: return names(r, "PUNSUBSCRIBE", PATTERNS, 0);
            case 7: return names(r, "SUNSUBSCRIBE", CHANNELS, 0);
            case 8: return r.nextBoolean() ? new String[] {"PING"} : new String[] {"GET", "k"};
            case 9: return r.nextInt(10) == 0 ? new String[] {"RESET"} : new String[] {"PING", "x"};
            case 10: case 11: case 12:
                return new String[] {"PUBLISH", pick(r, CHANNELS), "payload" + r.nextInt(1000)};
            case 13: return new String[] {"SPUBLISH", pick(r, CHANNELS), "s" + r.nextInt(1000)};
            case 14: {
                switch (r.nextInt(4)) {
                    case 0: return new String[] {"PUBSUB", "NUMPAT"};
                    case 1: return names(r, "PUBSUB NUMSUB", CHANNELS, 0);
                    case 2: return names(r, "PUBSUB SHARDNUMSUB", CHANNELS, 0);
                    default: return r.nextBoolean() ? new String[] {"PUBSUB", "CHANNELS", pick(r, PATTERNS)}
                            : new String[] {"PUBSUB", "SHARDCHANNELS"};
                }
            }
            default:
                return conn == PUBLISHER ? new String[] {"PUBLISH", pick(r, CHANNELS), "p"} : names(r, "SUBSCRIBE", CHANNELS, 1);
        }
    }

    private static String[] names(Random r, String command, String[] pool, int min) {
        List<String> out = new ArrayList<>(Arrays.asList(command.split(" ")));
        int n = min + r.nextInt(3);
        for (int i = 0; i < n; i++) {
            out.add(pick(r, pool));
        }
        return out.toArray(new String[0]);
    }

    private static String pick(Random r, String[] pool) {
        return pool[r.nextInt(pool.length)];
    }
}
