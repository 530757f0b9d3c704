package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.RespClient;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/** The program as a user runs it: a separate JVM started through Main. */
@Timeout(120)
class MainProcessTest {
    @TempDir
    Path dir;

    private Process start(String... args) throws IOException {
        return start(List.of(), args);
    }

    private Process start(List<String> jvmFlags, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.cinnabar.Main"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile()).start();
    }

    private String output() throws IOException {
        return Files.readString(dir.resolve("out.log"), StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void awaitOutput(Process p, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!output().contains(text)) {
            assertTrue(p.isAlive(), () -> "exited early: " + safeOutput());
            assertTrue(System.nanoTime() < deadline, () -> "never printed '" + text + "': " + safeOutput());
            Thread.sleep(20); // polling the log file, bounded by the deadline
        }
    }

    private String safeOutput() {
        try {
            return output();
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void startsServesAndExitsCleanlyOnSigterm() throws Exception {
        int port = freePort();
        Path conf = dir.resolve("test.conf");
        Files.writeString(conf, "# a config file\nport " + port + "\nbind 127.0.0.1\ndatabases 4\n");
        Process p = start(conf.toString(), "--loglevel", "notice");
        try {
            awaitOutput(p, "Ready to accept connections");
            String log = output();
            assertTrue(log.contains("Redis 7.0.15 compatible"), log);
            assertTrue(log.contains("pid=" + p.pid()), log);
            assertTrue(log.matches("(?s).*\\d+:M \\d\\d \\w{3} \\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\* .*"), log);
            try (RespClient c = new RespClient("127.0.0.1", port)) {
                assertEquals("+PONG\r\n", c.callText("PING"));
                assertEquals("-ERR DB index is out of range\r\n", c.callText("SELECT", "4"));
            }
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), this::safeOutput);
            assertTrue(output().contains("Received SIGTERM scheduling shutdown"), this::safeOutput);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void unknownDirectiveFailsStartupWithRedisText() throws Exception {
        Path conf = dir.resolve("bad.conf");
        Files.writeString(conf, "port 0\nno-such-directive yes\n");
        Process p = start(conf.toString());
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(1, p.exitValue());
            String out = output();
            assertTrue(out.contains("*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***"), out);
            assertTrue(out.contains("Reading the configuration file, at line 2"), out);
            assertTrue(out.contains(">>> 'no-such-directive yes'"), out);
            assertTrue(out.contains("Bad directive or wrong number of arguments"), out);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void portInUseFailsStartup() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            Process p = start("--port", Integer.toString(taken.getLocalPort()), "--bind", "127.0.0.1");
            try {
                assertTrue(p.waitFor(60, TimeUnit.SECONDS));
                assertEquals(1, p.exitValue());
                assertTrue(output().contains("Could not create server TCP listening socket"), this::safeOutput);
            } finally {
                p.destroyForcibly();
            }
        }
    }


    /**
     * With the shipped JVM flags, old values that were promoted and then deleted do not pile up:
     * the server starts a concurrent cycle itself (HeapReclaimer), visible in the GC log as a
     * System.gc() concurrent start, and its remark frees the garbage.
     */
    @Test
    void shippedFlagsReclaimDeletedDataWithAConcurrentCycle() throws Exception {
        Path gcLog = dir.resolve("gc.log");
        List<String> flags = new ArrayList<>(List.of(Files.readString(Path.of("bin/jvm-options")).trim().split("\\s+")));
        flags.add("-Xlog:gc:file=" + gcLog);
        int port = freePort();
        Process p = start(flags, "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "");
        try {
            awaitOutput(p, "Ready to accept connections");
            byte[] value = new byte[2048];
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            Matcher remark = null;
            try (Jedis jedis = new Jedis("127.0.0.1", port)) {
                while (remark == null) {
                    assertTrue(System.nanoTime() < deadline, () -> "no System.gc() cycle: " + read(gcLog));
                    Pipeline pipe = jedis.pipelined();
                    for (int i = 0; i < 20_000; i++) {
                        pipe.set(("k" + i).getBytes(StandardCharsets.US_ASCII), value);
                    }
                    pipe.sync();
                    jedis.flushDB();
                    String log = read(gcLog);
                    int started = log.indexOf("(Concurrent Start) (System.gc())");
                    if (started >= 0) {
                        Matcher m = Pattern.compile("Pause Remark (\\d+)M->(\\d+)M").matcher(log);
                        if (m.find(started)) {
                            remark = m;
                        }
                    }
                }
                jedis.set("after", "reclaim");
                assertEquals("reclaim", jedis.get("after"));
                while (!Pattern.compile("jvm_heap_reclaim_cycles:[1-9]").matcher(jedis.info("memory")).find()) {
                    assertTrue(System.nanoTime() < deadline, () -> jedis.info("memory"));
                    Thread.sleep(20); // the count follows the end of the cycle; bounded by the deadline
                }
            }
            long before = Long.parseLong(remark.group(1));
            long after = Long.parseLong(remark.group(2));
            assertTrue(after < before, remark.group());
        } finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }
}
