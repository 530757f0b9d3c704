package io.cinnabar.command;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Scripted differential tests of the propagation stream: each script in
 * src/test/resources/propagation runs on real Redis (read as its replica) and on Cinnabar
 * (recorded through the replica encoder), and every step's propagated commands must match.
 */
@Timeout(120)
class PropagationDiffTest {
    @ParameterizedTest
    @ValueSource(strings = {"units", "scripts", "expiry", "collections", "streams", "misc", "noops"})
    void streamMatchesRedis(String name) throws Exception {
        String script = resource("/propagation/" + name + ".txt");
        try (PropagationDiff diff = new PropagationDiff()) {
            diff.runScript(name, script);
            assertTrue(diff.mismatches().isEmpty(), () -> String.join("\n", diff.mismatches()));
        }
    }

    static String resource(String path) throws IOException {
        try (InputStream in = PropagationDiffTest.class.getResourceAsStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
