package io.cinnabar;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.DiffScript;
import io.cinnabar.testing.RedisOracle;
import io.cinnabar.testing.RespClient;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/**
 * Every script in src/test/resources/diff, run against Cinnabar and a real redis-server. With
 * {@code -DdiffScripts=<prefix>} only the scripts whose names start with it run (one family's).
 */
@Timeout(300)
class DifferentialTest {
    private static RedisOracle redis;
    private static CinnabarFixture cinnabar;

    @BeforeAll
    static void start() {
        redis = RedisOracle.start();
        cinnabar = CinnabarFixture.start("enable-debug-command yes");
    }

    @AfterAll
    static void stop() {
        if (cinnabar != null) {
            cinnabar.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> scripts() throws IOException, URISyntaxException {
        Path dir = Path.of(DifferentialTest.class.getResource("/diff").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            String only = System.getProperty("diffScripts", "");
            files = s.filter(p -> p.toString().endsWith(".txt") && p.getFileName().toString().startsWith(only)).sorted().toList();
        }
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            String script = Files.readString(file, StandardCharsets.UTF_8);
            try (RespClient ours = cinnabar.client(); RespClient theirs = redis.client()) {
                List<String> mismatches = DiffScript.run(file.getFileName().toString(), script, ours, theirs);
                assertTrue(mismatches.isEmpty(), () -> mismatches.size() + " replies differ:\n" + String.join("\n", mismatches));
            }
        }));
    }
}
