package io.cinnabar;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.DiffScript;
import io.cinnabar.testing.RespClient;
import io.cinnabar.testing.Servers;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every script in src/test/resources/diff, run against Cinnabar and a real redis-server. With
 * -DdiffScripts=prefix only the scripts whose names start with it run (e.g. "scripting").
 */
@Timeout(300)
class DifferentialTest {
    @RegisterExtension
    static final Servers servers = Servers.withOracle("enable-debug-command yes");

    @TestFactory
    Stream<DynamicTest> scripts() throws IOException, URISyntaxException {
        Path dir = Path.of(DifferentialTest.class.getResource("/diff").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            String prefix = System.getProperty("diffScripts", "");
            files = s.filter(p -> p.toString().endsWith(".txt") && p.getFileName().toString().startsWith(prefix)).sorted().toList();
        }
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            String script = Files.readString(file, StandardCharsets.UTF_8);
            try (RespClient ours = servers.cinnabar().client(); RespClient theirs = servers.redis().client()) {
                List<String> mismatches = DiffScript.run(file.getFileName().toString(), script, ours, theirs);
                assertTrue(mismatches.isEmpty(), () -> mismatches.size() + " replies differ:\n" + String.join("\n", mismatches));
            }
        }));
    }
}
