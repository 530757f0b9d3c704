package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.Servers;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ValueScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** The set commands as applications see them: Jedis over RESP2, Lettuce over RESP3 (sets as '~'). */
@Timeout(60)
class SetCommandsClientsTest {
    @RegisterExtension
    static final Servers servers = Servers.cinnabarAlone();

    @Test
    void jedis() {
        try (Jedis jedis = new Jedis(servers.cinnabar().host(), servers.cinnabar().port())) {
            assertEquals(3, jedis.sadd("j:a", "1", "2", "3"));
            assertEquals(3, jedis.sadd("j:b", "2", "3", "x"));
            assertEquals(Set.of("1", "2", "3"), jedis.smembers("j:a"));
            assertEquals(Set.of("2", "3"), jedis.sinter("j:a", "j:b"));
            assertEquals(2, jedis.sinterstore("j:c", "j:a", "j:b"));
            assertEquals(Set.of("2", "3"), jedis.smembers("j:c"));
            assertEquals(4, jedis.sunionstore("j:u", "j:a", "j:b"));
            assertEquals(Set.of("1"), jedis.sdiff("j:a", "j:b"));
            assertEquals(1, jedis.sintercard(1, "j:a", "j:b"));
            assertEquals(List.of(true, false), jedis.smismember("j:a", "1", "9"));
            assertTrue(jedis.sismember("j:b", "x"));
            assertEquals(1, jedis.smove("j:a", "j:b", "1"));
            assertEquals(2, jedis.scard("j:a"));
            assertEquals(3, jedis.srandmember("j:b", -3).size());
            assertTrue(Set.of("2", "3").contains(jedis.spop("j:a")));
            assertEquals(1, jedis.spop("j:a", 5).size());
            assertEquals(0, jedis.exists("j:a") ? 1 : 0);
            ScanResult<String> scan = jedis.sscan("j:u", ScanParams.SCAN_POINTER_START, new ScanParams().count(100));
            assertEquals("0", scan.getCursor());
            assertEquals(Set.of("1", "2", "3", "x"), new HashSet<>(scan.getResult()));
            jedis.set("j:s", "v");
            JedisDataException e = assertThrows(JedisDataException.class, () -> jedis.sadd("j:s", "m"));
            assertEquals("WRONGTYPE Operation against a key holding the wrong kind of value", e.getMessage());
            e = assertThrows(JedisDataException.class, () -> jedis.spop("j:u", -1));
            assertEquals("ERR value is out of range, must be positive", e.getMessage());
        }
    }

    @Test
    void lettuceOverResp3() {
        RedisClient client = RedisClient.create(RedisURI.builder().withHost(servers.cinnabar().host()).withPort(servers.cinnabar().port())
                .withTimeout(Duration.ofSeconds(10)).build());
        try (StatefulRedisConnection<String, String> conn = client.connect()) {
            RedisCommands<String, String> r = conn.sync();
            assertEquals(3L, r.sadd("l:a", "a", "b", "c"));
            assertEquals(2L, r.sadd("l:b", "b", "c"));
            assertEquals(Set.of("a", "b", "c"), r.smembers("l:a"));
            assertEquals(Set.of("b", "c"), r.sinter("l:a", "l:b"));
            assertEquals(0L, r.sinterstore("l:c", "l:a", "l:nokey"));
            assertEquals(0L, r.exists("l:c"));
            assertEquals(Set.of("a", "b", "c"), r.sunion("l:a", "l:b"));
            assertEquals(Set.of("a"), r.sdiff("l:a", "l:b"));
            assertEquals(List.of(true, false), r.smismember("l:a", "a", "z"));
            assertEquals(2, r.srandmember("l:a", 2).size());
            assertEquals(2, r.spop("l:b", 2).size());
            assertNull(r.spop("l:b"));
            ValueScanCursor<String> scan = r.sscan("l:a", ScanArgs.Builder.matches("[ab]").limit(100));
            assertTrue(scan.isFinished());
            assertEquals(Set.of("a", "b"), new HashSet<>(scan.getValues()));
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
