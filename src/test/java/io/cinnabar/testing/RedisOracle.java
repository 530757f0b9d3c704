package io.cinnabar.testing;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real redis-server 7.0 on an ephemeral port, the oracle for differential tests. Skips the
 * test when redis-server is not installed, unless running in CI (CI=true), where it fails.
 */
public final class RedisOracle implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path dir;

    private RedisOracle(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    public static boolean available() {
        for (String p : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            if (new File(p, "redis-server").canExecute()) {
                return true;
            }
        }
        return false;
    }

    public static RedisOracle start(String... extraArgs) {
        if (!available()) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("redis-server is not installed; .ci/run must install it");
            }
            Assumptions.abort("redis-server not installed");
        }
        try {
            int port = freePort();
            Path dir = Files.createTempDirectory("oracle-redis");
            List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                    "--enable-debug-command", "yes", "--daemonize", "no", "--logfile", dir.resolve("log").toString()));
            cmd.addAll(List.of(extraArgs));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout").toFile()).start();
            RedisOracle oracle = new RedisOracle(p, port, dir);
            oracle.awaitReady();
            return oracle;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + process.exitValue());
            }
            try (RespClient c = new RespClient("127.0.0.1", port)) {
                if ("+PONG\r\n".equals(c.callText("PING"))) {
                    return;
                }
            } catch (RuntimeException e) {
                Thread.onSpinWait();
            }
            try {
                Thread.sleep(20); // polling for the process to listen, bounded by the deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close();
        throw new IllegalStateException("redis-server did not become ready on port " + port);
    }

    public int port() {
        return port;
    }

    public RespClient client() {
        return new RespClient("127.0.0.1", port);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException ignored) {
            // best effort
        }
    }
}
