package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RedisOracle;
import io.cinnabar.testing.RespClient;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random inline command lines (quotes, escapes, hex escapes, stray backslashes, spaces) sent to
 * real Redis and to Cinnabar as {@code ECHO <line>} followed by a PING: the reply bytes, and
 * whether the connection survives, must be the same. This pins our splitting of inline
 * arguments to Redis's own, including the error cases.
 */
class InlineDifferentialPropertyTest {
    private static RedisOracle redis;
    private static CinnabarFixture cinnabar;

    @BeforeContainer
    static void start() {
        if (!RedisOracle.available() && !"true".equals(System.getenv("CI"))) {
            return; // the property below then passes vacuously; DifferentialTest reports the skip
        }
        redis = RedisOracle.start();
        cinnabar = CinnabarFixture.start();
    }

    @AfterContainer
    static void stop() {
        if (cinnabar != null) {
            cinnabar.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Property(tries = 300)
    void inlineLinesAreSplitLikeRedis(@ForAll("lines") String line) {
        if (redis == null) {
            return;
        }
        byte[] bytes = ("ECHO " + line + "\r\nPING\r\n").getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(replies(redis.port(), bytes), replies(cinnabar.port(), bytes), () -> "line: " + line);
    }

    /** Two replies (ECHO's and PING's), or what came before the server closed the connection. */
    private static List<String> replies(int port, byte[] bytes) {
        List<String> r = new ArrayList<>();
        try (RespClient c = new RespClient("127.0.0.1", port)) {
            c.sendRaw(bytes);
            for (int i = 0; i < 2; i++) {
                r.add(c.read().toString());
            }
        } catch (UncheckedIOException e) {
            r.add("<closed>");
        }
        return r;
    }

    @Provide
    Arbitrary<String> lines() {
        Arbitrary<String> token = Arbitraries.of("a", "b", "x", "4", "1", "f", "G", " ", "  ", "\t", "\"", "'",
                "\\", "\\x", "\\x41", "\\x4", "\\xzz", "\\n", "\\r", "\\t", "\\b", "\\a", "\\\"", "\\'", "\\\\",
                "\"a b\"", "'c d'", "\u00e9", "\u0001");
        return token.list().ofMinSize(1).ofMaxSize(12).map(ts -> String.join("", ts));
    }
}
