package io.cinnabar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cinnabar.command.CommandSpec;
import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RespClient;
import io.cinnabar.testing.Servers;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real redis-cli binary against Cinnabar (and, for its output formats, against a real
 * redis-server with the same data: stdout, stderr and exit code must match). Skipped when
 * redis-cli is not installed, unless CI=true, where that is a failure.
 */
@Timeout(300)
class RedisCliTest {
    @RegisterExtension
    static final Servers servers = Servers.withOracle();

    @TempDir
    Path tmp;

    /** What a redis-cli run printed and returned. */
    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit=" + exit + " stdout=" + show(out) + " stderr=" + show(err);
        }

        private static String show(String s) {
            String t = s.length() > 300 ? s.substring(0, 300) + "..." : s;
            return '"' + t.replace("\r", "\\r").replace("\n", "\\n") + '"';
        }
    }

    @BeforeAll
    static void start() {
        if (!onPath("redis-cli")) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("redis-cli is not installed; .ci/run must install redis-tools");
            }
            Assumptions.abort("redis-cli not installed");
        }
    }

    // ------------------------------------------------------------------ tests

    @Test
    void getPrintsTheValue() throws Exception {
        set(servers.cinnabar().port(), "foo", "bar");
        Run r = cli(servers.cinnabar().port(), null, 30, "get", "foo");
        assertEquals(new Run(0, "bar\n", ""), r);
    }

    @Test
    void rawAndNoRawOutputMatchRedis() throws Exception {
        for (int port : new int[] {servers.cinnabar().port(), servers.redis().port()}) {
            try (RespClient c = new RespClient("127.0.0.1", port)) {
                c.call("SET", "foo", "bar");
                c.call("SET".getBytes(StandardCharsets.US_ASCII), "bin".getBytes(StandardCharsets.US_ASCII),
                        new byte[] {'a', 1, 'b', '\n', (byte) 0xff, '"'});
                c.call("SET", "num", "42");
                c.call("SET", "empty", "");
            }
        }
        List<String[]> cases = List.of(
                new String[] {"--no-raw", "get", "foo"},
                new String[] {"--raw", "get", "foo"},
                new String[] {"--no-raw", "get", "nokey"},
                new String[] {"--raw", "get", "nokey"},
                new String[] {"--no-raw", "get", "bin"},
                new String[] {"--raw", "get", "bin"},
                new String[] {"--no-raw", "get", "num"},
                new String[] {"--no-raw", "get", "empty"},
                new String[] {"--no-raw", "set", "k", "v"},
                new String[] {"--raw", "set", "k", "v"},
                new String[] {"--no-raw", "echo", "hello world"},
                new String[] {"--no-raw", "set", "a", "b", "c"},
                new String[] {"--raw", "set", "a", "b", "c"},
                new String[] {"--no-raw", "nosuchcommand", "x"},
                new String[] {"ping"});
        assertSameAsRedis(cases);
        assertEquals("\"bar\"\n", cli(servers.cinnabar().port(), null, 30, "--no-raw", "get", "foo").out());
        assertEquals("(nil)\n", cli(servers.cinnabar().port(), null, 30, "--no-raw", "get", "nokey").out());
        assertEquals("\"a\\x01b\\n\\xff\\\"\"\n", cli(servers.cinnabar().port(), null, 30, "--no-raw", "get", "bin").out());
    }

    @Test
    void failingCommandWithDashEExitsNonZero() throws Exception {
        Run withE = cli(servers.cinnabar().port(), null, 30, "-e", "set", "a", "b", "c");
        assertEquals(1, withE.exit(), withE.toString());
        assertTrue(withE.err().contains("ERR syntax error"), withE.toString());
        Run withoutE = cli(servers.cinnabar().port(), null, 30, "set", "a", "b", "c");
        assertEquals(0, withoutE.exit(), withoutE.toString());
        assertSameAsRedis(List.of(
                new String[] {"-e", "set", "a", "b", "c"},
                new String[] {"-e", "get", "a", "b"},
                new String[] {"-e", "nosuchcommand"},
                new String[] {"-e", "set", "a", "b"},
                new String[] {"set", "a", "b", "c"}));
    }

    @Test
    void resp3() throws Exception {
        assumeImplemented("hello");
        set(servers.cinnabar().port(), "foo", "bar");
        set(servers.redis().port(), "foo", "bar");
        assertEquals(new Run(0, "bar\n", ""), cli(servers.cinnabar().port(), null, 30, "-3", "get", "foo"));
        assertSameAsRedis(List.of(
                new String[] {"-3", "get", "foo"},
                new String[] {"-3", "--no-raw", "get", "foo"},
                new String[] {"-3", "--no-raw", "get", "nokey"},
                new String[] {"-3", "--raw", "get", "nokey"},
                new String[] {"-3", "--no-raw", "set", "a", "b", "c"},
                new String[] {"-3", "-e", "set", "a", "b", "c"}));
    }

    /** Needs SCAN: runs once the keys family binds it. */
    @Test
    void scanListsEveryKey() throws Exception {
        assumeImplemented("scan");
        Set<String> expected = new TreeSet<>();
        try (RespClient c = servers.cinnabar().client()) {
            for (int i = 0; i < 500; i++) {
                String k = "scan:" + i;
                c.call("SET", k, "v");
                expected.add(k);
            }
        }
        Run r = cli(servers.cinnabar().port(), null, 60, "--scan", "--pattern", "scan:*");
        assertEquals(0, r.exit(), r.toString());
        Set<String> got = new TreeSet<>(Arrays.asList(r.out().split("\n")));
        got.remove("");
        assertEquals(expected, got);
        Run all = cli(servers.cinnabar().port(), null, 60, "--scan");
        assertTrue(new TreeSet<>(Arrays.asList(all.out().split("\n"))).containsAll(expected), all.toString());
    }

    /**
     * One million SETs through --pipe (which ends with an ECHO of a random marker to know when
     * every reply arrived), on a server of its own.
     */
    @Test
    void pipeOfOneMillionSets() throws Exception {
        int n = 1_000_000;
        Path file = tmp.resolve("sets.resp");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            for (int i = 0; i < n; i++) {
                String digits = Integer.toString(i + 10_000_000).substring(1); // 7 digits, zero-padded
                out.write(("*3\r\n$3\r\nSET\r\n$11\r\nkey:" + digits + "\r\n$13\r\nvalue:" + digits + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
            }
        }
        try (CinnabarFixture own = CinnabarFixture.start()) {
            Run r = cli(own.port(), file, 240, "--pipe");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().contains("errors: 0, replies: 1000000"), r.toString());
            if (implemented(own, "dbsize")) {
                assertEquals(new Run(0, "1000000\n", ""), cli(own.port(), null, 30, "dbsize"));
            }
            int size = own.onDataThread(() -> own.server().keyspace().db(0).size());
            assertEquals(n, size);
            assertEquals(new Run(0, "value:0999999\n", ""), cli(own.port(), null, 30, "get", "key:0999999"));
        }
    }

    // ------------------------------------------------------------------ helpers

    private static void set(int port, String k, String v) {
        try (RespClient c = new RespClient("127.0.0.1", port)) {
            assertEquals("+OK\r\n", c.callText("SET", k, v));
        }
    }

    private void assertSameAsRedis(List<String[]> cases) throws Exception {
        List<String> diffs = new ArrayList<>();
        for (String[] args : cases) {
            Run ours = cli(servers.cinnabar().port(), null, 30, args);
            Run theirs = cli(servers.redis().port(), null, 30, args);
            if (!ours.equals(theirs)) {
                diffs.add("redis-cli " + String.join(" ", args) + "\n    redis:    " + theirs + "\n    cinnabar: " + ours);
            }
        }
        assertTrue(diffs.isEmpty(), () -> String.join("\n", diffs));
    }

    private static boolean implemented(CinnabarFixture f, String name) {
        CommandSpec spec = f.server().commandTable().get(name);
        return spec != null && spec.implemented();
    }

    private static void assumeImplemented(String name) {
        assumeTrue(implemented(servers.cinnabar(), name), name.toUpperCase() + " is not implemented yet");
    }

    /**
     * Runs redis-cli against 127.0.0.1:port with a hard timeout; stdin from a file (or nothing),
     * stdout and stderr to files so a chatty process can never block on a full pipe. The process
     * is killed in any case before returning.
     */
    private Run cli(int port, Path stdin, int timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "cli", ".out");
        Path err = Files.createTempFile(tmp, "cli", ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(stdin != null ? ProcessBuilder.Redirect.from(stdin.toFile())
                        : ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process p = pb.start();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                throw new AssertionError("redis-cli " + String.join(" ", args) + " did not finish in " + timeoutSeconds + " s");
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1),
                    Files.readString(err, StandardCharsets.ISO_8859_1));
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static boolean onPath(String exe) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            if (new File(dir, exe).canExecute()) {
                return true;
            }
        }
        return false;
    }
}
