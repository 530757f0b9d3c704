package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.CinnabarFixture;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;

/** Lettuce and Jedis connect with what they send at connect (HELLO, AUTH, SETNAME, SETINFO) and work. */
@Timeout(60)
class ClientLibrariesTest {

    @Test
    void lettuceConnectsWithResp3() {
        try (CinnabarFixture server = CinnabarFixture.start()) {
            RedisClient client = RedisClient.create(RedisURI.builder().withHost(server.host()).withPort(server.port())
                    .withTimeout(Duration.ofSeconds(10)).build());
            try (StatefulRedisConnection<String, String> conn = client.connect()) {
                RedisCommands<String, String> r = conn.sync();
                assertEquals("PONG", r.ping());
                assertEquals("OK", r.set("lk", "lv"));
                assertEquals("lv", r.get("lk"));
                assertNull(r.get("missing"));
                assertEquals("OK", r.clientSetname("lettuce-conn"));
                assertEquals("lettuce-conn", r.clientGetname());
                String info = r.clientInfo();
                assertTrue(info.contains(" resp=3 "), "Lettuce negotiated RESP3 with HELLO: " + info);
                assertTrue(info.contains(" name=lettuce-conn "), info);
                assertTrue(r.clientList().contains("id=" + r.clientId() + " "));
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        }
    }

    @Test
    void lettuceAuthenticatesThroughHello() {
        try (CinnabarFixture server = CinnabarFixture.start("requirepass lpass")) {
            RedisClient client = RedisClient.create(RedisURI.builder().withHost(server.host()).withPort(server.port())
                    .withPassword("lpass".toCharArray()).withClientName("lname").withTimeout(Duration.ofSeconds(10)).build());
            try (StatefulRedisConnection<String, String> conn = client.connect()) {
                RedisCommands<String, String> r = conn.sync();
                assertEquals("PONG", r.ping());
                assertEquals("lname", r.clientGetname());
                assertTrue(r.clientInfo().contains(" resp=3 "));
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        }
    }

    @Test
    void jedisConnectsWithNameAndPassword() {
        try (CinnabarFixture server = CinnabarFixture.start("requirepass jpass")) {
            DefaultJedisClientConfig config = DefaultJedisClientConfig.builder()
                    .password("jpass").clientName("jedis-conn").database(3).timeoutMillis(10_000).build();
            try (Jedis jedis = new Jedis(new HostAndPort(server.host(), server.port()), config)) {
                assertEquals("PONG", jedis.ping());
                assertEquals("OK", jedis.set("jk", "jv"));
                assertEquals("jv", jedis.get("jk"));
                assertEquals("jedis-conn", jedis.clientGetname());
                String info = jedis.clientInfo();
                assertTrue(info.contains(" db=3 "), info);
                assertTrue(info.contains(" lib-name=jedis "), "Jedis sent CLIENT SETINFO: " + info);
            }
            DefaultJedisClientConfig wrong = DefaultJedisClientConfig.builder().password("nope").timeoutMillis(10_000).build();
            Exception e = assertThrows(Exception.class, () -> {
                try (Jedis jedis = new Jedis(new HostAndPort(server.host(), server.port()), wrong)) {
                    jedis.ping();
                }
            });
            assertTrue(String.valueOf(e.getMessage()).contains("WRONGPASS")
                    || String.valueOf(e.getCause()).contains("WRONGPASS"), String.valueOf(e));
        }
    }

    @Test
    void jedisWithResp3() {
        try (CinnabarFixture server = CinnabarFixture.start("requirepass jpass")) {
            DefaultJedisClientConfig config = DefaultJedisClientConfig.builder().protocol(RedisProtocol.RESP3)
                    .password("jpass").clientName("jedis3").timeoutMillis(10_000).build();
            try (Jedis jedis = new Jedis(new HostAndPort(server.host(), server.port()), config)) {
                assertEquals("PONG", jedis.ping());
                assertEquals("OK", jedis.set("k3", "v3"));
                assertEquals("v3", jedis.get("k3"));
                assertEquals("jedis3", jedis.clientGetname());
                assertTrue(jedis.clientInfo().contains(" resp=3 "));
            }
        }
    }
}
