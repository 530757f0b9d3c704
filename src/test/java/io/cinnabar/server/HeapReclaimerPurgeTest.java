package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * MEMORY PURGE's {@link HeapReclaimer#collectNow}: a concurrent cycle starts at once, whatever
 * the policy says. The reclaimer exists only with -XX:+ExplicitGCInvokesConcurrent, so this runs
 * in a JVM of its own started with it.
 */
@Timeout(60)
class HeapReclaimerPurgeTest {
    @Test
    void collectNowStartsACycle() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseG1GC", "-XX:+ExplicitGCInvokesConcurrent", "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), Child.class.getName())
                .redirectErrorStream(true).start();
        if (!p.waitFor(50, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
    }

    /** Exits 0 once the cycle collectNow started has ended, 1 if none ran, 2 without a reclaimer. */
    public static final class Child {
        public static void main(String[] args) throws InterruptedException {
            HeapReclaimer reclaimer = HeapReclaimer.forThisJvm(() -> 0);
            if (reclaimer == null) {
                System.exit(2);
            }
            if (!reclaimer.collectNow()) {
                System.exit(1);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (reclaimer.cycles() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10); // polling a counter another thread sets, with a deadline
            }
            System.exit(reclaimer.cycles() == 1 ? 0 : 1);
        }
    }
}
