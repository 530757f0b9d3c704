package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.Poll;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.support.caching.CacheAccessor;
import io.lettuce.core.support.caching.CacheFrontend;
import io.lettuce.core.support.caching.ClientSideCaching;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Lettuce's client-side caching (CLIENT TRACKING over RESP3 push frames) against Cinnabar. */
@Timeout(60)
class TrackingClientsTest {
    private static CinnabarFixture server;
    private static RedisClient client;

    @BeforeAll
    static void start() {
        server = CinnabarFixture.start();
        client = RedisClient.create(RedisURI.builder().withHost(server.host()).withPort(server.port())
                .withTimeout(Duration.ofSeconds(10)).build());
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.shutdown();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void lettuceCacheIsInvalidatedWhenAnotherClientWrites() {
        Map<String, String> cache = new ConcurrentHashMap<>();
        try (StatefulRedisConnection<String, String> cached = client.connect();
                StatefulRedisConnection<String, String> writer = client.connect()) {
            writer.sync().set("lettuce.csc", "v1");
            CacheFrontend<String, String> frontend =
                    ClientSideCaching.enable(CacheAccessor.forMap(cache), cached, TrackingArgs.Builder.enabled());
            assertEquals("v1", frontend.get("lettuce.csc"));
            assertEquals("v1", cache.get("lettuce.csc"));
            assertEquals(1, cached.sync().clientTrackinginfo().getFlags().size());

            writer.sync().set("lettuce.csc", "v2");
            Poll.until(() -> !cache.containsKey("lettuce.csc"));
            assertEquals("v2", frontend.get("lettuce.csc"));
            assertEquals("v2", cache.get("lettuce.csc"));

            writer.sync().del("lettuce.csc");
            Poll.until(() -> !cache.containsKey("lettuce.csc"));
        }
    }

    @Test
    void lettuceBroadcastModeInvalidatesEveryKeyUnderThePrefix() {
        Map<String, String> cache = new ConcurrentHashMap<>();
        try (StatefulRedisConnection<String, String> cached = client.connect();
                StatefulRedisConnection<String, String> writer = client.connect()) {
            writer.sync().mset(Map.of("bc:1", "a", "bc:2", "b", "other", "c"));
            CacheFrontend<String, String> frontend = ClientSideCaching.enable(CacheAccessor.forMap(cache), cached,
                    TrackingArgs.Builder.enabled().bcast().prefixes("bc:"));
            assertEquals("a", frontend.get("bc:1"));
            assertEquals("b", frontend.get("bc:2"));
            assertEquals("c", frontend.get("other"));

            writer.sync().mset(Map.of("bc:1", "a2", "other", "c2"));
            Poll.until(() -> !cache.containsKey("bc:1"));
            assertTrue(cache.containsKey("bc:2"));
            assertFalse(cache.containsKey("bc:1"));
            assertEquals("c", cache.get("other"), "keys outside the prefix are not invalidated");
            assertEquals("a2", frontend.get("bc:1"));
        }
    }
}
