package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.ConnectionSet;
import io.cinnabar.testing.Poll;
import io.cinnabar.testing.RespClient;
import io.cinnabar.testing.Servers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Client-side caching scenarios run on several connections of real Redis 7.0 and of Cinnabar at
 * once. After every step each connection is sent PING with a unique marker and everything it
 * reads up to the answer is compared byte for byte, so every invalidation the step caused (push,
 * redirected pub/sub message, broadcast batch, flush null, broken-redirect notice) is compared,
 * in order. Client ids differ between the servers, so $IDn in a script stands for connection n's
 * id and ids in replies are written back as $IDn before comparing.
 */
@Timeout(120)
class TrackingDiffTest {
    @RegisterExtension
    static final Servers servers = Servers.withOracle();
    private static final Pattern ID_CONTEXT =
            Pattern.compile("((?:redirect\\r\\n|tracking-redir-broken\\r\\n|GETREDIR\\n|redir=):?)(\\d+)");

    private static String[] substitute(ConnectionSet side, String[] words) {
        String[] out = words.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i].startsWith("$ID")) {
                out[i] = Long.toString(side.ids[Integer.parseInt(out[i].substring(3))]);
            }
        }
        return out;
    }

    /** Writes a client id that follows "redirect", "tracking-redir-broken" or "redir=" back as $IDn. */
    private static String normalize(ConnectionSet side, String raw) {
        Matcher m = ID_CONTEXT.matcher(raw);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(2);
            for (int i = 0; i < side.ids.length; i++) {
                if (Long.toString(side.ids[i]).equals(m.group(2))) {
                    name = "$ID" + i;
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + name));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static void run(int[] protocols, String script) {
        run(protocols, "", script);
    }

    private static void run(int[] protocols, String context, String script) {
        try (ConnectionSet theirs = new ConnectionSet(servers.redis().port(), protocols);
                ConnectionSet ours = new ConnectionSet(servers.cinnabar().port(), protocols)) {
            theirs.conns[0].call("FLUSHALL");
            ours.conns[0].call("FLUSHALL");
            int step = 0;
            boolean[] closed = new boolean[protocols.length];
            for (String line : script.strip().split("\n")) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                step++;
                String[] words = line.split(" +");
                if (words[0].equals("!close")) {
                    int conn = Integer.parseInt(words[1]);
                    closeAndWait(theirs, conn);
                    closeAndWait(ours, conn);
                    closed[conn] = true;
                    continue;
                }
                String expected = transcript(theirs, closed, step, words);
                String actual = transcript(ours, closed, step, words);
                if (line.endsWith(" FLUSHALL") || line.endsWith(" FLUSHDB")) {
                    // A flush sends every tracking client's null invalidation at once, walking
                    // Redis's client list, which clientsCron rotates tail to head on every tick.
                    // When several redirect to one connection their order is a rotation of creation
                    // order that depends on time, so a flush's frames are compared as a multiset.
                    expected = sortedLines(expected);
                    actual = sortedLines(actual);
                }
                assertEquals(expected, actual, context + " step " + step + ": " + line);
            }
        }
    }

    private static String sortedLines(String transcript) {
        return String.join("\n", transcript.lines().sorted().toList());
    }

    private static void closeAndWait(ConnectionSet side, int conn) {
        side.conns[conn].close();
        String id = Long.toString(side.ids[conn]);
        Poll.until(() -> side.conns[0].call("CLIENT", "LIST", "ID", id).value.toString().isEmpty());
    }

    /**
     * Runs one step: {@code n command...} on connection n, {@code !expire n key} polls PTTL on
     * connection n until the key is gone (its own replies are not compared: how many polls it
     * takes is timing), {@code !info} compares INFO's tracking fields, {@code !clients} the
     * tracking fields of every connection's CLIENT LIST line.
     */
    private static String transcript(ConnectionSet side, boolean[] closed, int step, String[] words) {
        StringBuilder out = new StringBuilder();
        int acting = -1;
        if (words[0].equals("!expire")) {
            RespClient c = side.conns[Integer.parseInt(words[1])];
            Poll.until(() -> Long.valueOf(-2).equals(c.call("PTTL", words[2]).value));
        } else if (words[0].equals("!clients")) {
            for (int i = 0; i < side.conns.length; i++) {
                if (!closed[i]) {
                    String id = Long.toString(side.ids[i]);
                    out.append(i).append(' ').append(flagsAndRedir(side.conns[0].call("CLIENT", "LIST", "ID", id).value.toString()));
                }
            }
        } else if (words[0].equals("!info")) {
            for (String l : side.conns[0].call("INFO").value.toString().split("\r\n")) {
                if (l.startsWith("tracking_")) {
                    out.append(l).append('\n');
                }
            }
        } else {
            acting = Integer.parseInt(words[0]);
            String[] command = new String[words.length - 1];
            System.arraycopy(words, 1, command, 0, command.length);
            side.conns[acting].send(substitute(side, command));
        }
        String marker = "m" + step;
        String[] frames = new String[side.conns.length];
        // the acting connection first: its command's reply is read before its PING is sent, so
        // the command runs in a batch of its own on both servers and its before-sleep broadcast
        // lands before the PING's answer (sending both at once left it to timing whether the
        // server read them in one batch); once that reply is in, the others' PINGs cannot
        // overtake an invalidation of this step either
        if (acting >= 0) {
            StringBuilder first = new StringBuilder();
            if (String.join(" ", words).toUpperCase().contains("GETREDIR")) {
                first.append("GETREDIR\n");
            }
            RespClient.Reply r;
            do {
                r = side.conns[acting].read();
                first.append(new String(r.raw, StandardCharsets.ISO_8859_1));
            } while (r.raw.length > 0 && r.raw[0] == '>');
            frames[acting] = first + drain(side, acting, marker);
        }
        for (int i = 0; i < side.conns.length; i++) {
            if (!closed[i] && i != acting) {
                frames[i] = drain(side, i, marker);
            }
        }
        for (int i = 0; i < frames.length; i++) {
            if (frames[i] != null) {
                out.append(i).append(": ").append(frames[i]).append('\n');
            }
        }
        return normalize(side, out.toString());
    }

    /** Everything connection {@code i} reads up to the answer of a PING with the marker. */
    private static String drain(ConnectionSet side, int i, String marker) {
        StringBuilder out = new StringBuilder();
        side.conns[i].send("PING", marker);
        while (true) {
            RespClient.Reply r = side.conns[i].read();
            if (isMarker(r, marker)) {
                break;
            }
            out.append(new String(r.raw, StandardCharsets.ISO_8859_1));
            if ("QUEUED".equals(r.value)) {
                break; // inside MULTI the PING itself queues (and its PONG shows up in EXEC's reply)
            }
        }
        return out.toString();
    }

    /** CLIENT LIST lines reduced to the fields tracking sets (the rest differs between servers). */
    private static String flagsAndRedir(String list) {
        StringBuilder b = new StringBuilder();
        for (String line : list.trim().split("\n")) {
            for (String field : line.trim().split(" ")) {
                if (field.startsWith("flags=") || field.startsWith("redir=")) {
                    b.append(field).append(' ');
                }
            }
            b.append('|');
        }
        return b.toString();
    }

    private static boolean isMarker(RespClient.Reply r, String marker) {
        if (r.value instanceof String) {
            return r.value.equals(marker);
        }
        return r.value instanceof List && ((List<?>) r.value).size() == 2
                && "pong".equals(((List<?>) r.value).get(0)) && marker.equals(((List<?>) r.value).get(1));
    }

    @Test
    void defaultModeRedirectBcastOptinOptoutNoloopFlushAndExpiry() {
        // 0: writer (RESP2); 1: tracker (RESP3); 2: subscriber (RESP2); 3: tracker redirecting to 2 (RESP2);
        // 4: BCAST user:/obj: (RESP3); 5: OPTIN (RESP3); 6: OPTOUT NOLOOP (RESP3); 7: BCAST NOLOOP, all keys (RESP3)
        run(new int[] {2, 3, 2, 2, 3, 3, 3, 3}, """
                1 CLIENT TRACKING on
                2 SUBSCRIBE __redis__:invalidate
                3 CLIENT TRACKING on REDIRECT $ID2
                4 CLIENT TRACKING on BCAST PREFIX user: PREFIX obj:
                5 CLIENT TRACKING on OPTIN
                6 CLIENT TRACKING on OPTOUT NOLOOP
                7 CLIENT TRACKING on BCAST NOLOOP
                !info
                1 CLIENT TRACKINGINFO
                3 CLIENT TRACKINGINFO
                4 CLIENT TRACKINGINFO
                6 CLIENT TRACKINGINFO
                7 CLIENT TRACKINGINFO
                0 CLIENT TRACKINGINFO
                3 CLIENT GETREDIR
                1 CLIENT GETREDIR
                0 CLIENT GETREDIR
                !clients
                0 SET a 1
                1 GET a
                3 GET a
                3 MGET b c
                !info
                0 SET a 2
                0 MSET b 1 c 2
                1 GET a
                1 SET a 3
                1 GET a
                1 STRLEN a
                1 HGETALL nohash
                1 EXISTS a b
                0 DEL a
                0 SET user:1 x
                0 MSET user:2 y obj:9 z other w
                0 MULTI
                0 SET user:3 a
                0 SET user:1 b
                0 EXEC
                4 SET user:4 own
                7 SET mine 1
                0 SET mine 2
                5 GET a
                0 SET a 4
                5 CLIENT CACHING yes
                5 GET a
                5 GET b
                5 CLIENT TRACKINGINFO
                0 SET a 5
                0 SET b 5
                6 GET a
                6 CLIENT CACHING no
                6 CLIENT TRACKINGINFO
                6 GET b
                6 SET a 9
                0 SET b 1
                6 GET c
                0 SET c x
                1 GET m
                1 MULTI
                1 GET m
                1 SET m 1
                1 GET m
                1 SET m 2
                1 EXEC
                1 GET z
                1 CLIENT TRACKING off
                0 SET z 1
                1 GET z
                1 CLIENT TRACKING on
                0 SET z 2
                1 GET z
                3 GET z
                !info
                0 FLUSHALL
                !info
                1 GET x
                1 FLUSHDB
                0 SELECT 1
                0 FLUSHDB
                0 SELECT 0
                0 SET e v PX 30
                1 GET e
                3 GET e
                !expire 0 e
                1 GET e
                0 SWAPDB 0 1
                0 SET e 1
                !info
                """);
    }

    @Test
    void optionErrorsAndBrokenRedirects() {
        // 0: plain (RESP2); 1: RESP3 tracker redirecting to 2 (RESP3, not subscribed); 3: RESP2 tracker redirecting to 4
        run(new int[] {2, 3, 3, 2, 2}, """
                0 CLIENT TRACKING on PREFIX x
                0 CLIENT TRACKING on BCAST OPTIN
                0 CLIENT TRACKING on OPTIN OPTOUT
                0 CLIENT TRACKING on REDIRECT 99999
                0 CLIENT TRACKING on REDIRECT abc
                0 CLIENT TRACKING on REDIRECT $ID1 REDIRECT $ID2
                0 CLIENT TRACKING on REDIRECT
                0 CLIENT TRACKING on FOO
                0 CLIENT TRACKING maybe
                0 CLIENT TRACKING on BCAST PREFIX a PREFIX ab
                0 CLIENT TRACKING on BCAST PREFIX ab PREFIX a
                0 CLIENT TRACKINGINFO
                0 CLIENT CACHING yes
                0 CLIENT CACHING maybe
                0 CLIENT TRACKING on BCAST PREFIX a PREFIX b PREFIX bc
                0 CLIENT TRACKINGINFO
                0 CLIENT TRACKING on BCAST PREFIX abc
                0 CLIENT TRACKING on BCAST PREFIX z
                0 CLIENT TRACKINGINFO
                0 CLIENT TRACKING on
                0 CLIENT CACHING yes
                0 CLIENT CACHING no
                0 CLIENT TRACKING off
                0 CLIENT TRACKINGINFO
                0 CLIENT TRACKING on BCAST
                0 CLIENT TRACKINGINFO
                !clients
                0 CLIENT TRACKING off
                0 CLIENT TRACKING on OPTIN
                0 CLIENT CACHING no
                0 CLIENT TRACKING off
                0 CLIENT TRACKING on OPTOUT
                0 CLIENT CACHING yes
                0 CLIENT TRACKING off
                1 CLIENT TRACKING on REDIRECT $ID2
                3 CLIENT TRACKING on REDIRECT $ID4
                1 GET k
                3 GET k
                0 SET k 1
                !close 2
                !close 4
                1 GET k
                3 GET k
                0 SET k 2
                1 CLIENT TRACKINGINFO
                3 CLIENT TRACKINGINFO
                !clients
                3 CLIENT GETREDIR
                0 FLUSHALL
                """);
    }

    @Test
    void scriptsTransactionsDatabasesResetAndBroadcastRedirects() {
        // 0: writer (RESP2); 1: tracker (RESP3); 2: subscriber (RESP2); 3: BCAST tracker redirecting to 2 (RESP2);
        // 4: OPTIN tracker (RESP3)
        run(new int[] {2, 3, 2, 2, 3}, """
                1 CLIENT TRACKING on
                2 SUBSCRIBE __redis__:invalidate
                3 CLIENT TRACKING on BCAST REDIRECT $ID2 PREFIX p PREFIX q
                4 CLIENT TRACKING on OPTIN
                1 EVAL "return redis.call('get', KEYS[1])" 1 s1
                1 EVAL_RO "return redis.call('get', KEYS[1])" 1 s2
                1 EVAL "return redis.call('set', KEYS[1], 'x')" 1 s1
                0 MSET s1 a s2 b
                1 SELECT 3
                1 GET d
                1 SELECT 0
                0 SET d 1
                1 LRANGE lst 0 -1
                1 ZRANGE zs 0 -1
                1 BITCOUNT bc
                0 RPUSH lst 1
                0 ZADD zs 1 a
                0 SETBIT bc 1 1
                4 MULTI
                4 CLIENT CACHING yes
                4 GET o1
                4 GET o2
                4 EXEC
                4 GET o3
                0 MSET o1 1 o2 2 o3 3
                4 CLIENT CACHING yes
                4 PING
                4 GET o4
                4 CLIENT CACHING yes
                4 CLIENT TRACKINGINFO
                4 GET o5
                0 MSET o4 1 o5 1
                0 MSET p1 1 q1 2 r1 3 p0 x
                0 DEL p1 q1
                0 FLUSHDB
                3 CLIENT TRACKING on BCAST PREFIX pp
                3 CLIENT TRACKING on BCAST PREFIX r
                3 CLIENT TRACKINGINFO
                0 SET r1 1
                1 CLIENT TRACKING on REDIRECT $ID2
                1 GET k
                0 SET k 1
                1 CLIENT TRACKING on
                1 GET k
                1 RESET
                1 CLIENT TRACKINGINFO
                0 SET k 2
                3 RESET
                !info
                0 SET r1 2
                !clients
                """);
    }

    /**
     * Random steps on six connections (0: RESP2 subscriber to __redis__:invalidate; 1-2: RESP2;
     * 3-5: RESP3) mixing reads, writes, transactions, flushes and tracking mode changes with random
     * options; replay with -Dtracking.seed=N (and -Dtracking.steps=N, -Dtracking.print=true to see
     * the script). Known gap: seed 20261130 with 1500 steps still differs at an EXEC of about 100
     * queued commands that mixes tracking mode changes with reads and writes (Cinnabar sends more
     * invalidations after the EXEC reply than Redis).
     */
    @Test
    void randomStepsMatchRedis() {
        long seed = Long.getLong("tracking.seed", 20261130L);
        Random random = new Random(seed);
        StringBuilder script = new StringBuilder("0 SUBSCRIBE __redis__:invalidate\n");
        String[] keys = {"k1", "k2", "k3", "p:1", "p:2", "q:1", "pq"};
        int steps = Integer.getInteger("tracking.steps", 1000);
        for (int step = 0; step < steps; step++) {
            int conn = 1 + random.nextInt(5);
            String key = keys[random.nextInt(keys.length)];
            String other = keys[random.nextInt(keys.length)];
            int pick = random.nextInt(100);
            String command;
            if (pick < 35) {
                command = random.nextBoolean() ? "GET " + key : "MGET " + key + " " + other;
            } else if (pick < 60) {
                command = random.nextBoolean() ? "SET " + key + " " + step : "MSET " + key + " 1 " + other + " 2";
            } else if (pick < 65) {
                command = "DEL " + key;
            } else if (pick < 70) {
                command = "CLIENT CACHING " + (random.nextBoolean() ? "yes" : "no");
            } else if (pick < 73) {
                command = random.nextBoolean() ? "MULTI" : "EXEC";
            } else if (pick < 75) {
                command = random.nextInt(4) == 0 ? "FLUSHALL" : "CLIENT TRACKING off";
            } else if (pick < 77) {
                command = "CLIENT TRACKINGINFO";
            } else if (pick < 90) {
                command = randomTrackingOn(random);
            } else {
                command = "INCR " + key;
            }
            script.append(conn).append(' ').append(command).append('\n');
            if (step % 100 == 99) {
                script.append("!info\n");
            }
        }
        if (Boolean.getBoolean("tracking.print")) {
            System.out.println(script);
        }
        run(new int[] {2, 2, 2, 3, 3, 3}, "seed " + seed, script.toString());
    }

    private static String randomTrackingOn(Random random) {
        StringBuilder b = new StringBuilder("CLIENT TRACKING on");
        boolean bcast = random.nextInt(3) == 0;
        if (bcast) {
            b.append(" BCAST");
            for (String prefix : new String[] {"p:", "q:", "pq", "k"}) {
                if (random.nextInt(3) == 0) {
                    b.append(" PREFIX ").append(prefix);
                }
            }
        } else {
            int mode = random.nextInt(4);
            b.append(mode == 1 ? " OPTIN" : mode == 2 ? " OPTOUT" : "");
        }
        if (random.nextBoolean()) {
            b.append(" NOLOOP");
        }
        if (random.nextBoolean()) {
            b.append(" REDIRECT $ID0");
        }
        return b.toString();
    }

    @Test
    void trackingTableMaxKeysInvalidatesOverflow() {
        for (boolean ours : new boolean[] {false, true}) {
            int port = ours ? servers.cinnabar().port() : servers.redis().port();
            try (RespClient admin = new RespClient("127.0.0.1", port); RespClient c = new RespClient("127.0.0.1", port)) {
                admin.call("FLUSHALL");
                admin.call("CONFIG", "SET", "tracking-table-max-keys", "3");
                try {
                    c.call("HELLO", "3");
                    c.call("CLIENT", "TRACKING", "on");
                    for (int i = 0; i < 10; i++) {
                        c.send("GET", "k" + i);
                    }
                    // the limit is enforced before each command: the 4th..10th reads evicted one key each
                    c.send("PING", "end");
                    int invalidations = 0;
                    int nulls = 0;
                    while (true) {
                        RespClient.Reply r = c.read();
                        if ("end".equals(r.value)) {
                            break;
                        }
                        if (r.value == null) {
                            nulls++;
                        } else {
                            assertTrue(r.text().startsWith(">2\r\n$10\r\ninvalidate\r\n*1\r\n"), r.text());
                            invalidations++;
                        }
                    }
                    assertEquals(10, nulls);
                    assertEquals(7, invalidations, ours ? "cinnabar" : "redis");
                    String info = admin.call("INFO", "stats").value.toString();
                    assertTrue(info.contains("tracking_total_keys:3\r\n"), info);
                } finally {
                    admin.call("CONFIG", "SET", "tracking-table-max-keys", "1000000");
                }
            }
        }
    }
}
