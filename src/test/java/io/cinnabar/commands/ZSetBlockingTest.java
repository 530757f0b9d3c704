package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.Poll;
import io.cinnabar.testing.RespClient;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** BZPOPMIN, BZPOPMAX and BZMPOP with several clients: wake-up on ZADD, fairness, timeouts, shapes. */
@Timeout(30)
class ZSetBlockingTest {
    private CinnabarFixture fixture;

    @BeforeEach
    void start() {
        fixture = CinnabarFixture.start();
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private int blocked() {
        return fixture.onDataThread(() -> fixture.server().blocking().blockedCount());
    }

    @Test
    void servesAtOnceWhenAKeyHasMembers() {
        try (RespClient c = fixture.client()) {
            c.call("ZADD", "z", "1", "a", "2", "b");
            assertEquals(List.of("z", "a", "1"), c.callValue("BZPOPMIN", "none", "z", "0"));
            assertEquals(List.of("z", "b", "2"), c.callValue("BZPOPMAX", "z", "0"));
            assertEquals(0L, c.callValue("EXISTS", "z"));
        }
    }

    @Test
    void zaddWakesTheFirstBlockedClientFirst() {
        try (RespClient a = fixture.client(); RespClient b = fixture.client(); RespClient writer = fixture.client()) {
            a.send("BZPOPMIN", "q1", "q2", "0");
            Poll.until(() -> blocked() == 1);
            b.send("BZPOPMAX", "q2", "0");
            Poll.until(() -> blocked() == 2);
            writer.call("ZADD", "q2", "5", "x", "7", "y");
            // a blocked first and pops the minimum; b then takes what is left.
            assertEquals(List.of("q2", "x", "5"), a.read().value);
            assertEquals(List.of("q2", "y", "7"), b.read().value);
            Poll.until(() -> blocked() == 0);
            assertEquals(0L, writer.callValue("EXISTS", "q2"));
        }
    }

    @Test
    void aWriteThatLeavesNothingKeepsWaitersInLine() {
        try (RespClient a = fixture.client(); RespClient b = fixture.client(); RespClient writer = fixture.client()) {
            a.send("BZPOPMIN", "q", "0");
            Poll.until(() -> blocked() == 1);
            b.send("BZPOPMIN", "q", "0");
            Poll.until(() -> blocked() == 2);
            writer.call("ZADD", "q", "1", "only");
            assertEquals(List.of("q", "only", "1"), a.read().value);
            Poll.until(() -> blocked() == 1);
            writer.call("ZADD", "q", "2", "next");
            assertEquals(List.of("q", "next", "2"), b.read().value);
            assertEquals(0, blocked());
        }
    }

    @Test
    void bzmpopRepliesWithKeyAndPairs() {
        try (RespClient a = fixture.client(); RespClient writer = fixture.client()) {
            a.send("BZMPOP", "0", "2", "m1", "m2", "MAX", "COUNT", "2");
            Poll.until(() -> blocked() == 1);
            writer.call("ZADD", "m2", "1", "a", "2", "b", "3", "c");
            assertEquals(List.of("m2", List.of(List.of("c", "3"), List.of("b", "2"))), a.read().value);
            assertEquals(1L, writer.callValue("ZCARD", "m2"));
        }
    }

    @Test
    void timesOutWithANullArray() {
        try (RespClient a = fixture.client()) {
            long start = System.nanoTime();
            assertEquals("*-1\r\n", a.callText("BZPOPMIN", "q", "0.2"));
            assertEquals("*-1\r\n", a.callText("BZMPOP", "0.1", "1", "q", "MIN"));
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(elapsedMs >= 250, "returned after " + elapsedMs + " ms");
            a.call("HELLO", "3");
            assertEquals("_\r\n", a.callText("BZPOPMAX", "q", "0.05"));
            assertEquals(0, blocked());
        }
    }

    @Test
    void aWrongTypeKeyFailsAtOnceAndOtherWritesDoNotWake() {
        try (RespClient a = fixture.client(); RespClient writer = fixture.client()) {
            writer.call("SET", "s", "x");
            assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", a.callText("BZPOPMIN", "s", "0"));
            a.send("BZPOPMIN", "q", "0");
            Poll.until(() -> blocked() == 1);
            writer.call("SET", "other", "1");
            writer.call("ZADD", "q2", "1", "a");
            assertEquals(1, blocked());
            writer.call("ZADD", "q", "3", "z");
            assertEquals(List.of("q", "z", "3"), a.read().value);
        }
    }
}
