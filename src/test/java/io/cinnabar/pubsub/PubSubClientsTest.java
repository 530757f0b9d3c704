package io.cinnabar.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.Servers;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * Pub/sub as applications use it: many Jedis subscribers (RESP2, a thread each in
 * JedisPubSub's loop) and Lettuce pub/sub connections (RESP3 pushes) on channels and patterns,
 * each receiving every message, in publish order.
 */
@Timeout(90)
class PubSubClientsTest {
    @RegisterExtension
    static final Servers servers = Servers.cinnabarAlone();
    private static final int MESSAGES = 2000;

    /** Collects what one subscriber receives, as "channel|payload" or "pattern|channel|payload". */
    private static final class Inbox {
        final List<String> received = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch subscribed;

        Inbox(int subscriptions) {
            subscribed = new CountDownLatch(subscriptions);
        }
    }

    private static final class JedisInbox extends JedisPubSub {
        final Inbox inbox;

        JedisInbox(int subscriptions) {
            inbox = new Inbox(subscriptions);
        }

        @Override
        public void onMessage(String channel, String message) {
            inbox.received.add(channel + "|" + message);
        }

        @Override
        public void onPMessage(String pattern, String channel, String message) {
            inbox.received.add(pattern + "|" + channel + "|" + message);
        }

        @Override
        public void onSubscribe(String channel, int count) {
            inbox.subscribed.countDown();
        }

        @Override
        public void onPSubscribe(String pattern, int count) {
            inbox.subscribed.countDown();
        }
    }

    private static List<String> expected(String prefix, String channel) {
        List<String> out = new ArrayList<>(MESSAGES);
        for (int i = 0; i < MESSAGES; i++) {
            out.add(prefix + channel + "|m" + i);
        }
        return out;
    }

    private static void publishAll(String channel) {
        try (Jedis publisher = new Jedis(servers.cinnabar().host(), servers.cinnabar().port())) {
            for (int i = 0; i < MESSAGES; i++) {
                publisher.publish(channel, "m" + i);
            }
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(5);
        }
    }

    @Test
    void manyJedisSubscribersReceiveEveryMessageInOrder() throws Exception {
        int channelSubscribers = 12;
        int patternSubscribers = 8;
        List<JedisInbox> subs = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        List<Jedis> connections = new ArrayList<>();
        for (int i = 0; i < channelSubscribers + patternSubscribers; i++) {
            boolean pattern = i >= channelSubscribers;
            JedisInbox sub = new JedisInbox(1);
            Jedis jedis = new Jedis(servers.cinnabar().host(), servers.cinnabar().port());
            connections.add(jedis);
            Thread t = new Thread(() -> {
                if (pattern) {
                    jedis.psubscribe(sub, "jedis.*");
                } else {
                    jedis.subscribe(sub, "jedis.ch");
                }
            });
            t.start();
            subs.add(sub);
            threads.add(t);
        }
        for (JedisInbox sub : subs) {
            assertTrue(sub.inbox.subscribed.await(10, TimeUnit.SECONDS));
        }
        try (Jedis admin = new Jedis(servers.cinnabar().host(), servers.cinnabar().port())) {
            assertEquals(Long.valueOf(channelSubscribers), admin.pubsubNumSub("jedis.ch").get("jedis.ch"));
            assertEquals(1L, admin.pubsubNumPat());
        }
        publishAll("jedis.ch");
        for (int i = 0; i < subs.size(); i++) {
            Inbox inbox = subs.get(i).inbox;
            await(() -> inbox.received.size() >= MESSAGES, "subscriber " + i);
            assertEquals(expected(i >= channelSubscribers ? "jedis.*|" : "", "jedis.ch"), inbox.received);
        }
        for (JedisInbox sub : subs) {
            if (sub.isSubscribed()) {
                sub.unsubscribe();
                sub.punsubscribe();
            }
        }
        for (Thread t : threads) {
            t.join(10_000);
        }
        connections.forEach(Jedis::close);
        try (Jedis admin = new Jedis(servers.cinnabar().host(), servers.cinnabar().port())) {
            await(() -> admin.pubsubNumPat() == 0 && admin.pubsubNumSub("jedis.ch").get("jedis.ch") == 0, "unsubscribe");
        }
    }

    @Test
    void lettuceResp3SubscribersReceiveEveryMessageInOrder() throws Exception {
        RedisClient client = RedisClient.create(RedisURI.builder().withHost(servers.cinnabar().host()).withPort(servers.cinnabar().port())
                .withTimeout(Duration.ofSeconds(10)).build());
        List<StatefulRedisPubSubConnection<String, String>> conns = new ArrayList<>();
        List<Inbox> inboxes = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                StatefulRedisPubSubConnection<String, String> conn = client.connectPubSub();
                Inbox inbox = new Inbox(0);
                conn.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String channel, String message) {
                        inbox.received.add(channel + "|" + message);
                    }

                    @Override
                    public void message(String pattern, String channel, String message) {
                        inbox.received.add(pattern + "|" + channel + "|" + message);
                    }
                });
                if (i % 2 == 0) {
                    conn.sync().subscribe("lettuce.ch");
                } else {
                    conn.sync().psubscribe("lettuce.?h");
                }
                // RESP3: a subscribed connection still runs ordinary commands
                assertEquals("PONG", conn.sync().ping());
                conn.sync().set("lettuce.key" + i, "v");
                conns.add(conn);
                inboxes.add(inbox);
            }
            try (StatefulRedisConnection<String, String> publisher = client.connect()) {
                for (int i = 0; i < MESSAGES; i++) {
                    assertEquals(10L, publisher.sync().publish("lettuce.ch", "m" + i));
                }
                assertEquals("v", publisher.sync().get("lettuce.key3"));
            }
            for (int i = 0; i < inboxes.size(); i++) {
                Inbox inbox = inboxes.get(i);
                await(() -> inbox.received.size() >= MESSAGES, "lettuce subscriber " + i);
                assertEquals(expected(i % 2 == 0 ? "" : "lettuce.?h|", "lettuce.ch"), inbox.received);
            }
        } finally {
            conns.forEach(StatefulRedisPubSubConnection::close);
            client.shutdown();
        }
    }
}
