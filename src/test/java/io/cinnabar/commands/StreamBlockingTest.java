package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.Poll;
import io.cinnabar.testing.RedisOracle;
import io.cinnabar.testing.RespClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * XREAD BLOCK with several readers, each scenario played against real Redis and Cinnabar and every
 * reply compared byte for byte: who is woken by which XADD, "$" meaning the last ID when the
 * reader blocked, COUNT on wake-up, timeouts, a key changing type while waited on, transactions
 * and RESP3 shapes.
 */
@Timeout(60)
class StreamBlockingTest {
    private static RedisOracle redis;
    private static CinnabarFixture cinnabar;

    @BeforeAll
    static void start() {
        redis = RedisOracle.start();
        cinnabar = CinnabarFixture.start();
    }

    @AfterAll
    static void stop() {
        if (cinnabar != null) {
            cinnabar.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void flush() {
        try (RespClient a = redis.client(); RespClient b = cinnabar.client()) {
            a.call("FLUSHALL");
            b.call("FLUSHALL");
        }
    }

    /** One scenario against one server: clients, a way to wait for N blocked, and a transcript. */
    private static final class Run implements AutoCloseable {
        final Supplier<RespClient> connect;
        final List<RespClient> clients = new ArrayList<>();
        final List<String> transcript = new ArrayList<>();
        final RespClient admin;

        Run(Supplier<RespClient> connect) {
            this.connect = connect;
            this.admin = connect.get();
        }

        RespClient client() {
            RespClient c = connect.get();
            clients.add(c);
            return c;
        }

        void awaitBlocked(int n) {
            Poll.until(() -> admin.callText("INFO", "clients").contains("blocked_clients:" + n + "\r\n"));
        }

        void record(RespClient.Reply reply) {
            transcript.add(new String(reply.raw, StandardCharsets.UTF_8));
        }

        @Override
        public void close() {
            clients.forEach(RespClient::close);
            admin.close();
        }
    }

    private interface Scenario {
        void play(Run run);
    }

    private static void compare(Scenario scenario) {
        List<String> expected;
        List<String> actual;
        try (Run r = new Run(redis::client)) {
            scenario.play(r);
            expected = r.transcript;
        }
        try (Run r = new Run(cinnabar::client)) {
            scenario.play(r);
            actual = r.transcript;
        }
        assertEquals(expected, actual);
    }

    @Test
    void oneXaddWakesEveryReaderOfTheKeyInOrder() {
        compare(run -> {
            RespClient a = run.client();
            RespClient b = run.client();
            RespClient c = run.client();
            RespClient writer = run.client();
            a.send("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
            run.awaitBlocked(1);
            b.send("XREAD", "COUNT", "1", "BLOCK", "0", "STREAMS", "other", "s", "$", "$");
            run.awaitBlocked(2);
            c.send("XREAD", "BLOCK", "0", "STREAMS", "s", "0-0");
            run.awaitBlocked(3);
            run.record(writer.call("XADD", "other2", "1-1", "f", "v"));
            run.record(writer.call("XADD", "s", "1-1", "f", "v"));
            run.record(a.read());
            run.record(b.read());
            run.record(c.read());
            run.awaitBlocked(0);
        });
    }

    @Test
    void dollarMeansTheLastIdWhenBlockingAndATransactionDeliversAllItAdded() {
        compare(run -> {
            RespClient reader = run.client();
            RespClient counted = run.client();
            RespClient writer = run.client();
            run.record(writer.call("XADD", "s", "5-0", "old", "1"));
            reader.send("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
            counted.send("XREAD", "COUNT", "1", "BLOCK", "0", "STREAMS", "s", "$");
            run.awaitBlocked(2);
            run.record(writer.call("MULTI"));
            run.record(writer.call("XADD", "s", "6-0", "a", "1"));
            run.record(writer.call("XADD", "s", "7-0", "b", "2", "c", "3"));
            run.record(writer.call("EXEC"));
            run.record(reader.read());
            run.record(counted.read());
        });
    }

    @Test
    void timeoutsAnswerNullInBothProtocols() {
        compare(run -> {
            RespClient two = run.client();
            RespClient three = run.client();
            three.call("HELLO", "3");
            run.record(two.call("XREAD", "BLOCK", "20", "STREAMS", "s", "$"));
            run.record(three.call("XREAD", "BLOCK", "20", "STREAMS", "s", "t", "0", "$"));
            run.record(two.call("XADD", "s", "1-1", "f", "v"));
            run.record(two.call("XREAD", "BLOCK", "20", "STREAMS", "s", "1-1"));
            run.record(two.call("XREAD", "STREAMS", "s", "1-1"));
        });
    }

    @Test
    void aKeyTurnedIntoAnotherTypeKeepsTheReaderWaiting() {
        compare(run -> {
            RespClient reader = run.client();
            RespClient writer = run.client();
            reader.send("XREAD", "BLOCK", "0", "STREAMS", "k", "$");
            run.awaitBlocked(1);
            run.record(writer.call("SET", "k", "string"));
            run.record(writer.call("LPUSH", "k2", "x"));
            run.awaitBlocked(1);
            run.record(writer.call("DEL", "k"));
            run.record(writer.call("XADD", "k", "3-3", "f", "v"));
            run.record(reader.read());
        });
    }

    @Test
    void resp3ReadersGetAMapAndBlockingInsideMultiAnswersAtOnce() {
        compare(run -> {
            RespClient reader = run.client();
            RespClient writer = run.client();
            reader.call("HELLO", "3");
            reader.send("XREAD", "COUNT", "5", "BLOCK", "0", "STREAMS", "a", "b", "$", "$");
            run.awaitBlocked(1);
            run.record(writer.call("XADD", "b", "1-0", "x", "1"));
            run.record(reader.read());
            run.record(reader.call("XREAD", "STREAMS", "a", "b", "0", "0"));
            run.record(writer.call("MULTI"));
            run.record(writer.call("XREAD", "BLOCK", "0", "STREAMS", "b", "$"));
            run.record(writer.call("EXEC"));
        });
    }
}
