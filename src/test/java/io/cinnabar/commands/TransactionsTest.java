package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RespClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;

/**
 * WATCH across connections (writes, reads, expiry), CLIENT LIST's view of a transaction, CLIENT
 * PAUSE WRITE holding an EXEC that writes, Jedis and Lettuce transactions, and optimistic
 * increments racing from several threads. Single-connection replies are compared with Redis in
 * diff/transactions.txt.
 */
@Timeout(60)
class TransactionsTest {
    private static CinnabarFixture server;

    @BeforeAll
    static void start() {
        server = CinnabarFixture.start("enable-debug-command yes");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void anotherClientsWriteBreaksTheWatchButItsReadDoesNot() {
        try (RespClient a = server.client(); RespClient b = server.client()) {
            a.call("SET", "w:k", "1");
            assertEquals("+OK\r\n", a.callText("WATCH", "w:k"));
            b.call("GET", "w:k");
            b.call("EXISTS", "w:k");
            a.call("MULTI");
            a.call("INCR", "w:k");
            assertEquals(List.of(2L), a.callValue("EXEC"));

            a.call("WATCH", "w:k");
            b.call("SET", "w:k", "100");
            a.call("MULTI");
            a.call("INCR", "w:k");
            assertEquals("*-1\r\n", a.callText("EXEC"));
            assertEquals("100", b.callValue("GET", "w:k"));

            a.call("WATCH", "w:k");
            b.call("DEL", "w:k");
            a.call("MULTI");
            a.call("SET", "w:k", "x");
            assertEquals("*-1\r\n", a.callText("EXEC"));
            assertNull(b.callValue("GET", "w:k"));

            a.call("WATCH", "w:other-db");
            b.call("SELECT", "1");
            b.call("SET", "w:other-db", "1"); // same name, another database: not the watched key
            a.call("MULTI");
            a.call("PING");
            assertEquals(List.of("PONG"), a.callValue("EXEC"));
        }
    }

    @Test
    void aWatchedKeyThatExpiresBeforeExecBreaksTheTransaction() {
        try (RespClient a = server.client(); RespClient b = server.client()) {
            a.call("DEBUG", "SET-ACTIVE-EXPIRE", "0"); // only EXEC itself may notice the expiry
            try {
                a.call("SET", "w:ttl", "v", "PX", "30");
                a.call("WATCH", "w:ttl");
                long deadline = System.currentTimeMillis() + 10_000;
                long expiresAt = serverMillis(b) + 40;
                while (serverMillis(b) < expiresAt && System.currentTimeMillis() < deadline) {
                    Thread.onSpinWait();
                }
                a.call("MULTI");
                a.call("SET", "w:ttl", "new");
                assertEquals("*-1\r\n", a.callText("EXEC"));
            } finally {
                a.call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
            }
            // A key that had already expired when it was watched does not break anything later.
            a.call("SET", "w:gone", "v", "PX", "1");
            long expiresAt = serverMillis(b) + 10;
            while (serverMillis(b) < expiresAt) {
                Thread.onSpinWait();
            }
            a.call("WATCH", "w:gone");
            a.call("MULTI");
            a.call("PING");
            assertEquals(List.of("PONG"), a.callValue("EXEC"));
        }
    }

    private static long serverMillis(RespClient c) {
        @SuppressWarnings("unchecked")
        List<Object> t = (List<Object>) c.callValue("TIME");
        return Long.parseLong((String) t.get(0)) * 1000 + Long.parseLong((String) t.get(1)) / 1000;
    }

    @Test
    void clientListShowsTheTransactionAndTheBrokenWatch() {
        try (RespClient a = server.client(); RespClient b = server.client()) {
            a.call("CLIENT", "SETNAME", "txn");
            a.call("WATCH", "w:list");
            b.call("SET", "w:list", "1");
            a.call("MULTI");
            a.call("SET", "w:list", "2");
            a.call("GET", "w:list");
            String line = clientLine(b, "txn");
            assertTrue(line.contains(" flags=xd "), line);
            assertTrue(line.contains(" multi=2 "), line);
            assertTrue(line.contains(" cmd=get "), line);
            assertTrue(line.contains(" multi-mem=59 "), line);
            a.call("EXEC");
            line = clientLine(b, "txn");
            assertTrue(line.contains(" flags=N "), line);
            assertTrue(line.contains(" multi=-1 "), line);
            assertTrue(line.contains(" cmd=exec "), line);
        }
    }

    private static String clientLine(RespClient c, String name) {
        for (String line : ((String) c.callValue("CLIENT", "LIST")).split("\n")) {
            if (line.contains(" name=" + name + " ")) {
                return line;
            }
        }
        throw new AssertionError("no client named " + name);
    }

    @Test
    void pauseWriteHoldsAnExecThatWritesButNotOneThatReads() {
        try (RespClient a = server.client(); RespClient b = server.client(); RespClient admin = server.client()) {
            a.call("CLIENT", "SETNAME", "pauser");
            a.call("SET", "w:p", "1");
            a.call("MULTI");
            assertEquals("+QUEUED\r\n", a.callText("INCR", "w:p"));
            assertEquals("+OK\r\n", admin.callText("CLIENT", "PAUSE", "10000", "WRITE"));
            try {
                b.call("MULTI");
                b.call("GET", "w:p");
                assertEquals(List.of("1"), b.callValue("EXEC"));
                a.send("EXEC");
                assertEquals("1", b.callValue("GET", "w:p"));
                assertTrue(clientLine(admin, "pauser").contains(" flags=xb "), "EXEC is held while writes are paused");
            } finally {
                admin.call("CLIENT", "UNPAUSE");
            }
            assertEquals(List.of(2L), a.read().value);
        }
    }

    @Test
    void optimisticIncrementsFromSeveralThreadsLoseNothing() throws Exception {
        int threads = 4;
        int perThread = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> retries = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                retries.add(pool.submit(() -> {
                    int failed = 0;
                    try (Jedis j = new Jedis(server.host(), server.port())) {
                        for (int i = 0; i < perThread; i++) {
                            while (true) {
                                j.watch("w:counter");
                                String v = j.get("w:counter");
                                long next = (v == null ? 0 : Long.parseLong(v)) + 1;
                                Transaction tx = j.multi();
                                tx.set("w:counter", Long.toString(next));
                                if (tx.exec() != null) {
                                    break;
                                }
                                failed++;
                            }
                        }
                    }
                    return failed;
                }));
            }
            for (Future<Integer> f : retries) {
                f.get(50, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        try (RespClient c = server.client()) {
            assertEquals(Integer.toString(threads * perThread), c.callValue("GET", "w:counter"));
        }
    }

    @Test
    void lettuceTransactionOverResp3() {
        RedisClient client = RedisClient.create(RedisURI.builder().withHost(server.host()).withPort(server.port())
                .withTimeout(Duration.ofSeconds(10)).build());
        try (StatefulRedisConnection<String, String> conn = client.connect()) {
            RedisCommands<String, String> r = conn.sync();
            r.watch("w:lettuce");
            r.multi();
            r.set("w:lettuce", "1");
            r.incr("w:lettuce");
            TransactionResult result = r.exec();
            assertTrue(!result.wasDiscarded());
            assertEquals("OK", result.get(0));
            assertEquals(2L, (Long) result.get(1));
            r.watch("w:lettuce");
            try (StatefulRedisConnection<String, String> other = client.connect()) {
                other.sync().set("w:lettuce", "changed");
            }
            r.multi();
            r.incr("w:lettuce");
            assertTrue(r.exec().wasDiscarded());
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
