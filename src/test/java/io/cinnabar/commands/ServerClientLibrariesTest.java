package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.CinnabarFixture;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.Slowlog;

/** The server group through real client libraries: they must parse what we send. */
@Timeout(60)
class ServerClientLibrariesTest {
    @Test
    void jedis() {
        try (CinnabarFixture s = CinnabarFixture.start("slowlog-log-slower-than 0");
                Jedis j = new Jedis(s.host(), s.port())) {
            j.set("k", "v");
            assertTrue(j.info().contains("redis_version:7.0.15\r\n"));
            assertTrue(j.info("keyspace").contains("db0:keys=1,expires=0,avg_ttl=0"));
            assertEquals(Map.of("maxmemory", "0"), j.configGet("maxmemory"));
            assertEquals("OK", j.configSet("maxmemory", "10mb"));
            assertEquals(Map.of("maxmemory", "10485760"), j.configGet("maxmemory"));
            List<String> time = j.time();
            assertEquals(2, time.size());
            assertTrue(j.lastsave() > 0);
            List<Slowlog> log = j.slowlogGet(2);
            assertEquals(2, log.size());
            assertEquals("LASTSAVE", log.get(0).getArgs().get(0).toUpperCase());
            assertEquals("TIME", log.get(1).getArgs().get(0).toUpperCase());
            assertTrue(log.get(0).getClientIpPort().getHost().equals("127.0.0.1"));
            assertEquals("OK", j.slowlogReset());
            assertEquals(1L, j.slowlogLen()); // the RESET itself, logged after it ran
            assertEquals("OK", j.configResetStat());
        }
    }

    @Test
    void lettuce() {
        try (CinnabarFixture s = CinnabarFixture.start()) {
            RedisClient client = RedisClient.create(RedisURI.create(s.host(), s.port()));
            try (StatefulRedisConnection<String, String> conn = client.connect()) {
                RedisCommands<String, String> r = conn.sync();
                r.set("a", "1");
                String info = r.info("server");
                assertTrue(info.contains("redis_mode:standalone"), info);
                assertEquals(Map.of("hz", "10"), r.configGet("hz"));
                assertEquals("OK", r.configSet("hz", "20"));
                assertEquals(Map.of("hz", "20"), r.configGet("hz"));
                assertEquals(2, r.time().size());
                assertTrue(r.info().contains("# Keyspace\r\ndb0:keys=1"));
            } finally {
                client.shutdown();
            }
        }
    }
}
