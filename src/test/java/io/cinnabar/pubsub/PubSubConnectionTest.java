package io.cinnabar.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RespClient;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Subscriptions and the life of a connection: disconnect, CLIENT KILL TYPE pubsub, idle timeout. */
@Timeout(60)
class PubSubConnectionTest {
    private static void await(Supplier<Boolean> condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.get()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(5);
        }
    }

    @Test
    void disconnectDropsEverySubscription() throws Exception {
        try (CinnabarFixture server = CinnabarFixture.start(); RespClient admin = server.client()) {
            RespClient sub = server.client();
            sub.call("SUBSCRIBE", "c1", "c2");
            sub.call("PSUBSCRIBE", "p*");
            sub.call("SSUBSCRIBE", "s1");
            assertEquals(List.of("c1", 1L, "c2", 1L), admin.callValue("PUBSUB", "NUMSUB", "c1", "c2"));
            sub.close();
            await(() -> admin.callValue("PUBSUB", "NUMPAT").equals(0L)
                    && admin.callValue("PUBSUB", "NUMSUB", "c1").equals(List.of("c1", 0L))
                    && admin.callValue("PUBSUB", "SHARDNUMSUB", "s1").equals(List.of("s1", 0L)), "unsubscribe on close");
            assertEquals(0L, admin.callValue("PUBLISH", "c1", "x"));
        }
    }

    @Test
    void clientKillTypePubsubClosesOnlySubscribers() throws Exception {
        try (CinnabarFixture server = CinnabarFixture.start(); RespClient admin = server.client();
                RespClient sub = server.client(); RespClient plain = server.client()) {
            sub.call("SUBSCRIBE", "k");
            String listed = admin.callValue("CLIENT", "LIST", "TYPE", "pubsub").toString();
            assertEquals(1, listed.trim().split("\n").length, listed);
            assertTrue(listed.contains(" flags=P ") && listed.contains(" sub=1 psub=0 ssub=0 "), listed);
            assertEquals(1L, admin.callValue("CLIENT", "KILL", "TYPE", "pubsub"));
            assertTrue(sub.isClosedByServer());
            assertEquals("PONG", plain.callValue("PING"));
        }
    }

    @Test
    void idleTimeoutSparesSubscribers() throws Exception {
        try (CinnabarFixture server = CinnabarFixture.start("timeout 1"); RespClient sub = server.client();
                RespClient idle = server.client()) {
            sub.call("SUBSCRIBE", "quiet");
            idle.setReadTimeout(20_000);
            assertTrue(idle.isClosedByServer(), "an idle normal client is closed");
            assertEquals(List.of("pong", ""), sub.callValue("PING"));
        }
    }
}
