package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.commands.ListBlockingTest.Session;
import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RedisOracle;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * XREAD BLOCK with several readers, each scenario played against real Redis and Cinnabar (over
 * ListBlockingTest's sessions) and every reply compared byte for byte: who is woken by which XADD,
 * "$" meaning the last ID when the reader blocked, COUNT on wake-up, timeouts, a key changing type
 * while waited on, transactions and RESP3 shapes.
 */
@Timeout(60)
class StreamBlockingTest {
    private static RedisOracle redis;
    private static CinnabarFixture cinnabar;

    @BeforeAll
    static void startBoth() {
        redis = RedisOracle.start();
        cinnabar = CinnabarFixture.start();
    }

    @AfterAll
    static void stopBoth() {
        cinnabar.close();
        redis.close();
    }

    private static void sameOnBoth(Consumer<Session> scenario) {
        List<String> expected;
        try (Session s = new Session(redis::client)) {
            scenario.accept(s);
            expected = s.transcript;
        }
        try (Session s = new Session(cinnabar::client)) {
            scenario.accept(s);
            assertEquals(expected, s.transcript);
        }
    }

    @Test
    void oneXaddWakesEveryReaderOfTheKeyInOrder() {
        sameOnBoth(s -> {
            s.send(0, "XREAD", "BLOCK", "0", "STREAMS", "s", "$");
            s.awaitBlocked(1);
            s.send(1, "XREAD", "COUNT", "1", "BLOCK", "0", "STREAMS", "other", "s", "$", "$");
            s.awaitBlocked(2);
            s.send(2, "XREAD", "BLOCK", "0", "STREAMS", "s", "0-0");
            s.awaitBlocked(3);
            s.call(3, "XADD", "other2", "1-1", "f", "v");
            s.call(3, "XADD", "s", "1-1", "f", "v");
            s.read(0);
            s.read(1);
            s.read(2);
            s.awaitBlocked(0);
        });
    }

    @Test
    void dollarMeansTheLastIdWhenBlockingAndATransactionDeliversAllItAdded() {
        sameOnBoth(s -> {
            s.call(3, "XADD", "s", "5-0", "old", "1");
            s.send(0, "XREAD", "BLOCK", "0", "STREAMS", "s", "$");
            s.send(1, "XREAD", "COUNT", "1", "BLOCK", "0", "STREAMS", "s", "$");
            s.awaitBlocked(2);
            s.call(3, "MULTI");
            s.call(3, "XADD", "s", "6-0", "a", "1");
            s.call(3, "XADD", "s", "7-0", "b", "2", "c", "3");
            s.call(3, "EXEC");
            s.read(0);
            s.read(1);
        });
    }

    @Test
    void timeoutsAnswerNullInBothProtocols() {
        sameOnBoth(s -> {
            s.clients.get(1).call("HELLO", "3");
            s.call(0, "XREAD", "BLOCK", "20", "STREAMS", "s", "$");
            s.call(1, "XREAD", "BLOCK", "20", "STREAMS", "s", "t", "0", "$");
            s.call(0, "XADD", "s", "1-1", "f", "v");
            s.call(0, "XREAD", "BLOCK", "20", "STREAMS", "s", "1-1");
            s.call(0, "XREAD", "STREAMS", "s", "1-1");
        });
    }

    @Test
    void aKeyTurnedIntoAnotherTypeKeepsTheReaderWaiting() {
        sameOnBoth(s -> {
            s.send(0, "XREAD", "BLOCK", "0", "STREAMS", "k", "$");
            s.awaitBlocked(1);
            s.call(1, "SET", "k", "string");
            s.call(1, "LPUSH", "k2", "x");
            s.awaitBlocked(1);
            s.call(1, "DEL", "k");
            s.call(1, "XADD", "k", "3-3", "f", "v");
            s.read(0);
        });
    }

    @Test
    void resp3ReadersGetAMapAndBlockingInsideMultiAnswersAtOnce() {
        sameOnBoth(s -> {
            s.clients.get(0).call("HELLO", "3");
            s.send(0, "XREAD", "COUNT", "5", "BLOCK", "0", "STREAMS", "a", "b", "$", "$");
            s.awaitBlocked(1);
            s.call(1, "XADD", "b", "1-0", "x", "1");
            s.read(0);
            s.call(0, "XREAD", "STREAMS", "a", "b", "0", "0");
            s.call(1, "MULTI");
            s.call(1, "XREAD", "BLOCK", "0", "STREAMS", "b", "$");
            s.call(1, "EXEC");
        });
    }

    /** Client 0 waits as consumer c0 of a new group g of an empty stream q. */
    private static void blockFirstConsumer(Session s) {
        s.call(3, "XGROUP", "CREATE", "q", "g", "$", "MKSTREAM");
        s.send(0, "XREADGROUP", "GROUP", "g", "c0", "BLOCK", "0", "STREAMS", "q", ">");
        s.awaitBlocked(1);
    }

    @Test
    void consumersOfOneGroupShareNewEntriesOneWakeEach() {
        sameOnBoth(s -> {
            blockFirstConsumer(s);
            s.send(1, "XREADGROUP", "GROUP", "g", "c1", "COUNT", "1", "BLOCK", "0", "STREAMS", "q", ">");
            s.awaitBlocked(2);
            s.send(2, "XREAD", "BLOCK", "0", "STREAMS", "q", "$");
            s.awaitBlocked(3);
            s.call(3, "XADD", "q", "1-0", "a", "1");
            s.read(0);
            s.read(2);
            s.awaitBlocked(1);
            s.call(3, "XPENDING", "q", "g");
            s.call(3, "MULTI");
            s.call(3, "XADD", "q", "2-0", "a", "2");
            s.call(3, "XADD", "q", "3-0", "a", "3");
            s.call(3, "EXEC");
            s.read(1);
            s.awaitBlocked(0);
            s.call(3, "XPENDING", "q", "g");
            s.call(3, "XREADGROUP", "GROUP", "g", "c0", "STREAMS", "q", ">");
        });
    }

    @Test
    void destroyingTheGroupAnswersItsBlockedReaders() {
        sameOnBoth(s -> {
            blockFirstConsumer(s);
            s.call(3, "XGROUP", "DESTROY", "q", "g");
            s.read(0);
            s.awaitBlocked(0);
        });
    }

    /**
     * A blocked XREAD keeps the "$" it was sent: what it resolved lives in the wait, not in its
     * arguments, so MONITOR (and anything else reading the client's arguments) sees the command
     * as sent, and the reader is still served only what came after it blocked.
     */
    @Test
    void blockedXreadKeepsItsDollarArgument() {
        assertEquals(monitorTranscript(redis::client), monitorTranscript(cinnabar::client));
    }

    /**
     * The reader's reply and the commands MONITOR showed, in order: a woken reader's command is
     * shown once, when it was sent, as Redis 7.0 shows it.
     */
    private static java.util.Collection<String> monitorTranscript(java.util.function.Supplier<io.cinnabar.testing.RespClient> connect) {
        try (io.cinnabar.testing.RespClient monitor = connect.get(); io.cinnabar.testing.RespClient reader = connect.get();
                io.cinnabar.testing.RespClient writer = connect.get()) {
            writer.call("FLUSHALL");
            writer.call("XADD", "s", "5-0", "old", "1");
            monitor.call("MONITOR");
            reader.send("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
            io.cinnabar.testing.Poll.until(() -> writer.call("INFO", "clients").text().contains("blocked_clients:1"));
            writer.call("XADD", "s", "6-0", "new", "2");
            java.util.List<String> lines = new java.util.ArrayList<>();
            lines.add("reader <- " + reader.read());
            writer.call("PING", "end-of-transcript");
            while (true) {
                String line = monitor.read().text();
                String command = line.substring(line.indexOf("] ") + 2).trim();
                if (command.contains("\"end-of-transcript\"")) {
                    return lines;
                }
                if (!command.startsWith("\"INFO\"") && !command.startsWith("\"info\"")) {
                    lines.add(command);
                }
            }
        }
    }
}
