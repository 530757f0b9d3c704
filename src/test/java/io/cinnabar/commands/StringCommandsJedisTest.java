package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.keyspace.KeyTable;
import io.cinnabar.testing.Servers;
import io.cinnabar.types.Values;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.GetExParams;
import redis.clients.jedis.params.LCSParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.LCSMatchResult;

/** The string commands as an application sees them through Jedis. */
@Timeout(60)
class StringCommandsJedisTest {
    @RegisterExtension
    static final Servers servers = Servers.cinnabarAlone();
    private Jedis jedis;

    @BeforeEach
    void connect() {
        jedis = new Jedis(servers.cinnabar().host(), servers.cinnabar().port());
    }

    @AfterEach
    void disconnect() {
        jedis.close();
    }

    /** The key's absolute expiry in Cinnabar (NO_EXPIRE = 0 when persistent, -2 when absent). */
    private long expireOf(String key) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        return servers.cinnabar().onDataThread(() -> servers.cinnabar().server().keyspace().db(0).getExpire(k));
    }

    private String encodingOf(String key) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        return servers.cinnabar().onDataThread(() -> {
            Object v = servers.cinnabar().server().keyspace().db(0).peek(k);
            return v == null ? null : Values.encoding(v);
        });
    }

    @Test
    void counters() {
        assertEquals(1, jedis.incr("j:counter"));
        assertEquals(2, jedis.incr("j:counter"));
        assertEquals(12, jedis.incrBy("j:counter", 10));
        assertEquals(11, jedis.decr("j:counter"));
        assertEquals(1, jedis.decrBy("j:counter", 10));
        assertEquals("1", jedis.get("j:counter"));
        assertEquals("int", encodingOf("j:counter"));
        assertEquals(2.5, jedis.incrByFloat("j:counter", 1.5));
        assertEquals("2.5", jedis.get("j:counter"));
        assertEquals("embstr", encodingOf("j:counter"));
        JedisDataException e = assertThrows(JedisDataException.class, () -> jedis.incr("j:counter"));
        assertEquals("ERR value is not an integer or out of range", e.getMessage());

        jedis.set("j:max", Long.toString(Long.MAX_VALUE));
        e = assertThrows(JedisDataException.class, () -> jedis.incr("j:max"));
        assertEquals("ERR increment or decrement would overflow", e.getMessage());
        assertEquals(Long.toString(Long.MAX_VALUE), jedis.get("j:max"));
    }

    @Test
    void countersKeepTheirTtl() {
        jedis.setex("j:rate", 100, "0");
        long expire = expireOf("j:rate");
        assertTrue(expire > System.currentTimeMillis());
        assertEquals(5, jedis.incrBy("j:rate", 5));
        assertEquals(expire, expireOf("j:rate"));
        assertEquals(5.25, jedis.incrByFloat("j:rate", 0.25));
        assertEquals(expire, expireOf("j:rate"));
        jedis.set("j:rate", "0");
        assertEquals(KeyTable.NO_EXPIRE, expireOf("j:rate"));
    }

    @Test
    void concurrentIncrementsAreAtomic() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                futures.add(pool.submit(() -> {
                    try (Jedis j = new Jedis(servers.cinnabar().host(), servers.cinnabar().port())) {
                        for (int i = 0; i < 250; i++) {
                            j.incr("j:shared");
                        }
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals("1000", jedis.get("j:shared"));
    }

    @Test
    void lockWithSetNxPx() {
        String token = "owner-1";
        assertEquals("OK", jedis.set("j:lock", token, SetParams.setParams().nx().px(30_000)));
        long expire = expireOf("j:lock");
        assertTrue(expire > System.currentTimeMillis() + 25_000 && expire <= System.currentTimeMillis() + 30_000);
        // a second contender fails while the lock is held
        assertNull(jedis.set("j:lock", "owner-2", SetParams.setParams().nx().px(30_000)));
        assertEquals(token, jedis.get("j:lock"));
        // the owner extends, keeping the value, then releases
        assertEquals("OK", jedis.set("j:lock", token, SetParams.setParams().xx().ex(60)));
        assertTrue(expireOf("j:lock") > System.currentTimeMillis() + 55_000);
        assertEquals(token, jedis.getDel("j:lock"));
        assertEquals("OK", jedis.set("j:lock", "owner-2", SetParams.setParams().nx().px(30_000)));
    }

    @Test
    void lockThatExpiresCanBeTaken() {
        assertEquals("OK", jedis.set("j:short", "a", SetParams.setParams().nx().px(30)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        String reply = null;
        while (System.nanoTime() < deadline) {
            reply = jedis.set("j:short", "b", SetParams.setParams().nx().px(30_000));
            if (reply != null) {
                break;
            }
            Thread.onSpinWait();
        }
        assertEquals("OK", reply);
        assertEquals("b", jedis.get("j:short"));
    }

    @Test
    void setOptions() {
        assertEquals("OK", jedis.set("j:opt", "v1", SetParams.setParams().ex(100)));
        long expire = expireOf("j:opt");
        assertEquals("OK", jedis.set("j:opt", "v2", SetParams.setParams().keepTtl()));
        assertEquals(expire, expireOf("j:opt"));
        assertEquals("OK", jedis.set("j:opt", "v3"));
        assertEquals(KeyTable.NO_EXPIRE, expireOf("j:opt"));
        long at = System.currentTimeMillis() / 1000 + 1000;
        jedis.set("j:opt", "v4", SetParams.setParams().exAt(at));
        assertEquals(at * 1000, expireOf("j:opt"));
        jedis.set("j:opt", "v5", SetParams.setParams().pxAt(at * 1000 + 7));
        assertEquals(at * 1000 + 7, expireOf("j:opt"));
        assertEquals("v5", jedis.setGet("j:opt", "v6"));
        assertEquals("v6", jedis.get("j:opt"));
        JedisDataException e = assertThrows(JedisDataException.class,
                () -> jedis.set("j:opt", "v", SetParams.setParams().ex(0)));
        assertEquals("ERR invalid expire time in 'set' command", e.getMessage());
        assertEquals(1, jedis.setnx("j:nx", "a"));
        assertEquals(0, jedis.setnx("j:nx", "b"));
        assertEquals("OK", jedis.psetex("j:psx", 100_000, "v"));
        assertTrue(expireOf("j:psx") > System.currentTimeMillis() + 90_000);
    }

    @Test
    void msetAndMget() {
        assertEquals("OK", jedis.mset("j:m1", "one", "j:m2", "2", "j:m3", "three"));
        assertEquals(Arrays.asList("one", "2", null, "three"), jedis.mget("j:m1", "j:m2", "j:missing", "j:m3"));
        assertEquals(0, jedis.msetnx("j:m1", "x", "j:m4", "four"));
        assertNull(jedis.get("j:m4"));
        assertEquals(1, jedis.msetnx("j:m4", "four", "j:m5", "five"));
        assertEquals(Arrays.asList("four", "five"), jedis.mget("j:m4", "j:m5"));
        assertEquals("one", jedis.getSet("j:m1", "uno"));
        assertEquals("uno", jedis.get("j:m1"));
    }

    @Test
    void getEx() {
        jedis.set("j:gx", "value");
        assertEquals("value", jedis.getEx("j:gx", GetExParams.getExParams().ex(100)));
        assertTrue(expireOf("j:gx") > System.currentTimeMillis() + 90_000);
        assertEquals("value", jedis.getEx("j:gx", GetExParams.getExParams().px(5_000)));
        assertTrue(expireOf("j:gx") <= System.currentTimeMillis() + 5_000);
        assertEquals("value", jedis.getEx("j:gx", GetExParams.getExParams().persist()));
        assertEquals(KeyTable.NO_EXPIRE, expireOf("j:gx"));
        long at = System.currentTimeMillis() + 100_000;
        assertEquals("value", jedis.getEx("j:gx", GetExParams.getExParams().pxAt(at)));
        assertEquals(at, expireOf("j:gx"));
        // an absolute time in the past deletes the key once read
        assertEquals("value", jedis.getEx("j:gx", GetExParams.getExParams().exAt(1)));
        assertEquals(-2, expireOf("j:gx"));
        assertNull(jedis.getEx("j:gx", GetExParams.getExParams().ex(10)));
    }

    @Test
    void appendAndRanges() {
        assertEquals(5, jedis.append("j:text", "Hello"));
        assertEquals(11, jedis.append("j:text", " World"));
        assertEquals("raw", encodingOf("j:text"));
        assertEquals(11, jedis.strlen("j:text"));
        assertEquals("World", jedis.getrange("j:text", -5, -1));
        assertEquals("Hello", jedis.substr("j:text", 0, 4));
        assertEquals(11, jedis.setrange("j:text", 6, "Redis"));
        assertEquals("Hello Redis", jedis.get("j:text"));
        assertEquals(14, jedis.setrange("j:text", 12, "!!"));
        assertArrayEquals("Hello Redis\0!!".getBytes(StandardCharsets.UTF_8), jedis.get("j:text".getBytes(StandardCharsets.UTF_8)));
        byte[] bin = {0, 1, 2, (byte) 0xff, '\r', '\n'};
        jedis.set("j:bin".getBytes(StandardCharsets.UTF_8), bin);
        assertArrayEquals(bin, jedis.get("j:bin".getBytes(StandardCharsets.UTF_8)));
        JedisDataException e = assertThrows(JedisDataException.class, () -> jedis.setrange("j:text", 536_870_912L, "x"));
        assertEquals("ERR string exceeds maximum allowed size (proto-max-bulk-len)", e.getMessage());
    }

    @Test
    void lcs() {
        jedis.mset("j:a", "ohmytext", "j:b", "mynewtext");
        assertEquals("mytext", jedis.lcs("j:a", "j:b", LCSParams.LCSParams()).getMatchString());
        assertEquals(6, jedis.lcs("j:a", "j:b", LCSParams.LCSParams().len()).getLen());
        LCSMatchResult r = jedis.lcs("j:a", "j:b", LCSParams.LCSParams().idx().withMatchLen());
        assertEquals(6, r.getLen());
        assertEquals(2, r.getMatches().size());
        assertEquals(4, r.getMatches().get(0).getA().getStart());
        assertEquals(7, r.getMatches().get(0).getA().getEnd());
        assertEquals(5, r.getMatches().get(0).getB().getStart());
        assertEquals(4, r.getMatches().get(0).getMatchLen());
        assertEquals(2, r.getMatches().get(1).getA().getStart());
        assertEquals(0, r.getMatches().get(1).getB().getStart());
    }

    @Test
    void deletingGetters() {
        jedis.set("j:del", "bye");
        assertEquals("bye", jedis.getDel("j:del"));
        assertNull(jedis.getDel("j:del"));
        assertNull(jedis.get("j:del"));
        assertFalse(servers.cinnabar().onDataThread(() -> servers.cinnabar().server().keyspace().db(0).exists("j:del".getBytes(StandardCharsets.UTF_8))));
    }
}
