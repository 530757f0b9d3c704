package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RedisOracle;
import io.cinnabar.testing.RespClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * CLIENT INFO / CLIENT LIST obl and oll: the replies a pipeline has produced so far (the fixed
 * 16 KB buffer, then a block beyond it) compared with real Redis, and a client that stops
 * reading, whose output waits in blocks until it reads, on both servers.
 */
@Timeout(120)
class ClientOutputBufferFieldsTest {
    private static final Pattern FIELDS = Pattern.compile("obl=(\\d+) oll=(\\d+) omem=(\\d+)");
    private static final int BIG = 100_000;
    private static RedisOracle redis;
    private static CinnabarFixture cinnabar;

    @BeforeAll
    static void start() {
        redis = RedisOracle.start();
        cinnabar = CinnabarFixture.start();
        byte[] big = new byte[BIG];
        Arrays.fill(big, (byte) 'v');
        try (RespClient c = redis.client()) {
            // Redis 7.0 shrinks an idle client's 16 KB buffer on a timer (rbs); ours stays fixed
            assertEquals("+OK\r\n", c.callText("DEBUG", "REPLYBUFFER", "RESIZING", "0"));
        }
        for (RespClient c : List.of(redis.client(), cinnabar.client())) {
            try (c) {
                c.call("SET".getBytes(StandardCharsets.US_ASCII), "big".getBytes(StandardCharsets.US_ASCII), big);
            }
        }
    }

    @AfterAll
    static void stop() {
        cinnabar.close();
        redis.close();
    }

    /** Sends the commands in one write and returns the obl/oll of the CLIENT INFO among them. */
    private static String fieldsInOnePipeline(RespClient c, String[]... commands) {
        byte[][] encoded = new byte[commands.length][];
        int length = 0;
        for (int i = 0; i < commands.length; i++) {
            encoded[i] = RespClient.encode(RespClient.args(commands[i]));
            length += encoded[i].length;
        }
        byte[] pipeline = new byte[length];
        for (int i = 0, at = 0; i < encoded.length; at += encoded[i].length, i++) {
            System.arraycopy(encoded[i], 0, pipeline, at, encoded[i].length);
        }
        c.sendRaw(pipeline);
        String info = null;
        for (String[] command : commands) {
            RespClient.Reply reply = c.read();
            if (command[0].equals("CLIENT")) {
                info = reply.value.toString();
            }
        }
        Matcher m = FIELDS.matcher(info);
        assertTrue(m.find(), info);
        return "obl=" + m.group(1) + " oll=" + m.group(2);
    }

    @Test
    void oblAndOllShowThePipelinesRepliesSoFarAsRedisDoes() {
        String[][][] pipelines = {
            {{"CLIENT", "INFO"}},
            {{"PING"}, {"PING"}, {"CLIENT", "INFO"}},
            {{"SET", "k", "v"}, {"GET", "k"}, {"CLIENT", "INFO"}},
            {{"GET", "big"}, {"CLIENT", "INFO"}},
            {{"PING"}, {"GET", "big"}, {"PING"}, {"CLIENT", "INFO"}},
        };
        List<String> mismatches = new ArrayList<>();
        for (String[][] pipeline : pipelines) {
            try (RespClient theirs = redis.client(); RespClient ours = cinnabar.client()) {
                String expected = fieldsInOnePipeline(theirs, pipeline);
                String actual = fieldsInOnePipeline(ours, pipeline);
                if (!expected.equals(actual)) {
                    mismatches.add(Arrays.deepToString(pipeline) + "\n    redis:    " + expected + "\n    cinnabar: " + actual);
                }
            }
        }
        assertTrue(mismatches.isEmpty(), () -> String.join("\n", mismatches));
    }

    @Test
    void aClientThatStopsReadingHasItsOutputInBlocks() throws IOException {
        for (InetSocketAddress server : List.of(new InetSocketAddress("127.0.0.1", redis.port()),
                new InetSocketAddress(cinnabar.host(), cinnabar.port()))) {
            boolean ours = server.getPort() == cinnabar.port();
            try (Socket stalled = new Socket(); RespClient admin = new RespClient("127.0.0.1", server.getPort())) {
                stalled.setReceiveBufferSize(4096);
                stalled.connect(server, 5000);
                OutputStream out = stalled.getOutputStream();
                out.write(RespClient.encode(RespClient.args("CLIENT", "SETNAME", "stalled")));
                byte[] get = RespClient.encode(RespClient.args("GET", "big"));
                for (int i = 0; i < 30; i++) {
                    out.write(get); // 3 MB of replies, far more than the socket buffers hold
                    out.flush();
                }
                // Between batches nothing of ours is staged: what waits is in Netty's queue. Redis's
                // obl here is 0 or 16384 by timing, as it counts a partly written buffer as full.
                // Redis installs its write handler (events=rw) only in beforeSleep, after the event loop
                // pass that ran the GETs, so a CLIENT LIST in that same pass sees blocks and events=r.
                String line = awaitLine(admin, (m, l) -> Long.parseLong(m.group(2)) > 0 && (!ours || m.group(1).equals("0"))
                        && l.contains(" events=rw "), "output waiting in blocks");
                Matcher m = FIELDS.matcher(line);
                assertTrue(m.find());
                assertTrue(Long.parseLong(m.group(3)) > 0, line);
                InputStream in = stalled.getInputStream();
                long expected = 5 + 30L * (9 + BIG + 2); // +OK and the 30 bulk replies
                for (long read = 0; read < expected; ) {
                    long n = in.skip(expected - read);
                    if (n <= 0) {
                        assertTrue(in.read() >= 0, "connection closed early");
                        n = 1;
                    }
                    read += n;
                }
                String drained = awaitLine(admin, (f, l) -> f.group(1).equals("0") && f.group(2).equals("0") && f.group(3).equals("0"),
                        "nothing pending once read");
                assertTrue(drained.contains(" events=r "), drained);
            }
        }
    }

    private interface FieldCheck {
        boolean holds(Matcher fields, String line);
    }

    /** Polls the stalled client's CLIENT LIST line until its fields pass the check; fails after 10 s. */
    private static String awaitLine(RespClient admin, FieldCheck check, String what) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        String line = "";
        while (System.nanoTime() < deadline) {
            for (String l : admin.call("CLIENT", "LIST").value.toString().split("\n")) {
                if (l.contains(" name=stalled ")) {
                    line = l;
                    Matcher m = FIELDS.matcher(l);
                    if (m.find() && check.holds(m, l)) {
                        return l;
                    }
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("never " + what + ": " + line);
    }
}
