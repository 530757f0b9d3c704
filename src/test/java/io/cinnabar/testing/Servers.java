package io.cinnabar.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The servers a test class shares: a Cinnabar and, for differential tests, a real redis-server
 * beside it. Started before the class's {@code @BeforeAll} methods run and stopped after its last
 * test, also when a start fails halfway:
 * {@code @RegisterExtension static final Servers servers = Servers.withOracle();}
 */
public final class Servers implements BeforeAllCallback, AfterAllCallback {
    private final boolean withOracle;
    private final String[] cinnabarConfig;
    private RedisOracle redis;
    private CinnabarFixture cinnabar;

    private Servers(boolean withOracle, String[] cinnabarConfig) {
        this.withOracle = withOracle;
        this.cinnabarConfig = cinnabarConfig;
    }

    /** A Cinnabar alone, configured with redis.conf lines. */
    public static Servers cinnabarAlone(String... configLines) {
        return new Servers(false, configLines);
    }

    /** A Cinnabar (configured with redis.conf lines) and a real redis-server with defaults. */
    public static Servers withOracle(String... cinnabarConfigLines) {
        return new Servers(true, cinnabarConfigLines);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (withOracle) {
            redis = RedisOracle.start();
        }
        cinnabar = CinnabarFixture.start(cinnabarConfig);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try (AutoCloseable r = redis; AutoCloseable c = cinnabar) {
            redis = null;
            cinnabar = null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public CinnabarFixture cinnabar() {
        return cinnabar;
    }

    public RedisOracle redis() {
        if (!withOracle) {
            throw new IllegalStateException("these servers have no oracle: use Servers.withOracle()");
        }
        return redis;
    }
}
