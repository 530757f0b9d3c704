package io.cinnabar.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.cinnabar.testing.Servers;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client libraries our users run (ioredis, node-redis, redis-py) drive the same scenario
 * scripts (src/test/clients) against a real redis-server and against Cinnabar; each script prints
 * one line per observed result, and the two transcripts must be equal. Without the libraries
 * installed the tests are skipped, unless the environment variable CI is set, where that fails.
 */
@Timeout(120)
class ClientLibrariesTest {
    private static final Path CLIENTS = Path.of("src", "test", "clients");
    private static final Path NODE_DIR = CLIENTS.resolve("node");
    private static final String SYSTEM_PYTHON = "/usr/bin/python3";
    private static final long SCRIPT_TIMEOUT_SECONDS = 40;

    @RegisterExtension
    static final Servers servers = Servers.withOracle();

    @TempDir
    Path tmp;

    @Test
    void ioredis() throws Exception {
        requireNodeModules();
        compareTranscripts("ioredis", List.of("node", NODE_DIR.resolve("ioredis-scenarios.js").toString()));
    }

    @Test
    void nodeRedis() throws Exception {
        requireNodeModules();
        compareTranscripts("node-redis", List.of("node", NODE_DIR.resolve("node-redis-scenarios.js").toString()));
    }

    @Test
    void redisPy() throws Exception {
        requirePython();
        compareTranscripts("redis-py", List.of(SYSTEM_PYTHON, CLIENTS.resolve("python").resolve("scenarios.py").toString()));
    }

    private static void requireNodeModules() throws Exception {
        require(Files.isDirectory(NODE_DIR.resolve("node_modules").resolve("ioredis"))
                        && Files.isDirectory(NODE_DIR.resolve("node_modules").resolve("redis"))
                        && exitsZero(List.of("node", "--version")),
                "Node.js 20 and the pinned clients are needed: install node and npm, then run"
                        + " `npm ci --prefix src/test/clients/node`");
    }

    private static void requirePython() throws Exception {
        require(new File(SYSTEM_PYTHON).canExecute() && exitsZero(List.of(SYSTEM_PYTHON, "-c", "import redis")),
                "redis-py for the system python is needed: `apt-get install -y python3-redis`");
    }

    private static void require(boolean present, String howToInstall) {
        if (present) {
            return;
        }
        String ci = System.getenv("CI");
        if (ci != null && !ci.isEmpty()) {
            fail(howToInstall + " (.ci/run does this)");
        }
        Assumptions.abort(howToInstall);
    }

    private static boolean exitsZero(List<String> command) throws InterruptedException {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        } catch (IOException notInstalled) {
            return false;
        }
    }

    /** What one scenario script printed against one server. */
    private record Transcript(String server, int exit, List<String> lines, String stderr) {}

    private void compareTranscripts(String library, List<String> script) throws Exception {
        // Each script starts with FLUSHALL, so the two servers run it side by side.
        CompletableFuture<Transcript> redis = CompletableFuture.supplyAsync(
                () -> run(library, "redis-server", script, servers.redis().port()));
        Transcript cinnabar = run(library, "cinnabar", script, servers.cinnabar().port());
        Transcript oracle = redis.get(SCRIPT_TIMEOUT_SECONDS + 10, TimeUnit.SECONDS);
        assertEquals(0, oracle.exit(), () -> library + " scenarios failed against redis-server itself: "
                + oracle.stderr());
        if (!oracle.lines().equals(cinnabar.lines()) || cinnabar.exit() != 0) {
            fail(library + " saw Cinnabar answer differently from redis-server (- redis-server, + cinnabar):\n"
                    + LineDiff.render(oracle.lines(), cinnabar.lines())
                    + (cinnabar.exit() != 0 ? "\nagainst Cinnabar the script exited with " + cinnabar.exit()
                            + ":\n" + cinnabar.stderr() : ""));
        }
    }

    private Transcript run(String library, String server, List<String> script, int port) {
        List<String> command = new ArrayList<>(script);
        command.add("127.0.0.1");
        command.add(Integer.toString(port));
        Path out = tmp.resolve(library + "-" + server + ".out");
        Path err = tmp.resolve(library + "-" + server + ".err");
        try {
            Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            int exit;
            if (process.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                exit = process.exitValue();
            } else {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                Files.writeString(err, "\n[killed after " + SCRIPT_TIMEOUT_SECONDS + " s]",
                        StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
                exit = -1;
            }
            return new Transcript(server, exit, Files.readAllLines(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
