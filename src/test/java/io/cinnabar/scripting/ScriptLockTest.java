package io.cinnabar.scripting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.CinnabarFixture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.SetParams;

/**
 * The single-instance lock recipe through Jedis, under contention: SET NX PX to acquire, a
 * compare-and-delete script to release, a compare-and-pexpire script to renew. No two threads
 * may ever hold the lock at once, and a thread's release or renew never touches a lock it does
 * not hold.
 */
@Timeout(120)
class ScriptLockTest {
    static final String RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
    static final String RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
    private static final int THREADS = 4;
    private static final int ACQUISITIONS_PER_THREAD = 150;

    @Test
    void holdersNeverOverlap() throws Exception {
        try (CinnabarFixture server = CinnabarFixture.start()) {
            String releaseSha;
            String renewSha;
            try (Jedis admin = new Jedis(server.host(), server.port())) {
                releaseSha = admin.scriptLoad(RELEASE);
                renewSha = admin.scriptLoad(RENEW);
            }
            AtomicInteger holders = new AtomicInteger();
            AtomicInteger overlaps = new AtomicInteger();
            AtomicInteger acquired = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    try (Jedis jedis = new Jedis(server.host(), server.port())) {
                        for (int n = 0; n < ACQUISITIONS_PER_THREAD; ) {
                            String token = thread + ":" + n;
                            if (!"OK".equals(jedis.set("lock", token, SetParams.setParams().nx().px(10_000)))) {
                                // someone else holds it: a release or renew with our token must not touch it
                                assertEquals(0L, jedis.evalsha(releaseSha, List.of("lock"), List.of(token)));
                                assertEquals(0L, jedis.evalsha(renewSha, List.of("lock"), List.of(token, "10000")));
                                continue;
                            }
                            if (holders.incrementAndGet() != 1) {
                                overlaps.incrementAndGet();
                            }
                            acquired.incrementAndGet();
                            assertEquals(1L, jedis.evalsha(renewSha, List.of("lock"), List.of(token, "10000")));
                            assertTrue(jedis.pttl("lock") > 9_000);
                            holders.decrementAndGet();
                            assertEquals(1L, jedis.evalsha(releaseSha, List.of("lock"), List.of(token)));
                            assertEquals(0L, jedis.evalsha(releaseSha, List.of("lock"), List.of(token)), "released twice");
                            n++;
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(100, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertEquals(0, overlaps.get(), "two holders at once");
            assertEquals(THREADS * ACQUISITIONS_PER_THREAD, acquired.get());
            try (Jedis jedis = new Jedis(server.host(), server.port())) {
                assertEquals(false, jedis.exists("lock"));
            }
        }
    }
}
