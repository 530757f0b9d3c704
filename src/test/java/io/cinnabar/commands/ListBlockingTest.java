package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.RespClient;
import io.cinnabar.testing.Servers;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Blocking list commands with several clients racing, each scenario played against real Redis
 * and against Cinnabar, comparing the transcripts of replies byte for byte: who is served first,
 * what wakes whom, BLMOVE chains, BLMPOP with COUNT, CLIENT UNBLOCK, a waited-on key changing type
 * or being deleted and re-created, timeouts. A client is known to be blocked by polling
 * blocked_clients in INFO with a deadline.
 */
@Timeout(120)
class ListBlockingTest {
    @RegisterExtension
    static final Servers servers = Servers.withOracle();
    private static final int CLIENTS = 4;
    private static final Pattern BLOCKED = Pattern.compile("blocked_clients:(\\d+)");

    /** Clients of one server and the transcript of what they were answered. */
    static final class Session implements AutoCloseable {
        final List<RespClient> clients = new ArrayList<>();
        final RespClient admin;
        final List<String> transcript = new ArrayList<>();

        Session(java.util.function.Supplier<RespClient> connect) {
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(connect.get());
            }
            admin = connect.get();
            admin.call("FLUSHALL");
        }

        void send(int c, String... command) {
            clients.get(c).send(command);
        }

        void call(int c, String... command) {
            transcript.add(c + " " + String.join(" ", command) + " -> " + clients.get(c).call(command));
        }

        void read(int c) {
            transcript.add(c + " <- " + clients.get(c).read());
        }

        /** Waits (polling, bounded) until exactly n clients are blocked. */
        void awaitBlocked(int n) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (true) {
                Matcher m = BLOCKED.matcher((String) admin.call("INFO", "clients").value);
                if (m.find() && Integer.parseInt(m.group(1)) == n) {
                    transcript.add("blocked " + n);
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("never saw " + n + " blocked clients; transcript " + transcript);
                }
                Thread.onSpinWait();
            }
        }

        long clientId(int c) {
            return (Long) clients.get(c).call("CLIENT", "ID").value;
        }

        @Override
        public void close() {
            for (RespClient c : clients) {
                c.close();
            }
            admin.close();
        }
    }

    private static void sameOnBoth(Consumer<Session> scenario) {
        List<String> expected;
        List<String> actual;
        try (Session s = new Session(servers.redis()::client)) {
            scenario.accept(s);
            expected = s.transcript;
        }
        try (Session s = new Session(servers.cinnabar()::client)) {
            scenario.accept(s);
            actual = s.transcript;
        }
        assertEquals(String.join("\n", expected), String.join("\n", actual));
    }

    @Test
    void waitersAreServedInTheOrderTheyBlocked() {
        sameOnBoth(s -> {
            s.send(0, "BLPOP", "q", "0");
            s.awaitBlocked(1);
            s.send(1, "BRPOP", "q", "0");
            s.awaitBlocked(2);
            s.send(2, "BLPOP", "other", "q", "0");
            s.awaitBlocked(3);
            s.call(3, "RPUSH", "q", "a", "b", "c", "d");
            s.read(0);
            s.read(1);
            s.read(2);
            s.call(3, "LRANGE", "q", "0", "-1");
            s.send(0, "BLPOP", "q2", "0");
            s.awaitBlocked(1);
            s.send(1, "BLPOP", "q2", "0");
            s.awaitBlocked(2);
            s.call(3, "LPUSH", "q2", "one");
            s.read(0);
            s.awaitBlocked(1);
            s.call(3, "LPUSH", "q2", "two");
            s.read(1);
            s.awaitBlocked(0);
        });
    }

    @Test
    void aPushToAnyWaitedKeyWakesTheWaiter() {
        sameOnBoth(s -> {
            s.send(0, "BLPOP", "k1", "k2", "k3", "0");
            s.awaitBlocked(1);
            s.call(3, "RPUSH", "k2", "x", "y");
            s.read(0);
            s.send(1, "BLMPOP", "0", "3", "a", "b", "c", "RIGHT", "COUNT", "2");
            s.awaitBlocked(1);
            s.call(3, "RPUSH", "c", "1", "2", "3");
            s.read(1);
            s.call(3, "LRANGE", "c", "0", "-1");
            s.send(2, "BLMPOP", "0", "1", "d", "LEFT", "COUNT", "10");
            s.awaitBlocked(1);
            s.call(3, "RPUSH", "d", "1", "2");
            s.read(2);
            s.call(3, "EXISTS", "d");
            s.send(0, "BLPOP", "dst", "0");
            s.awaitBlocked(1);
            s.call(3, "RPUSH", "src", "moved");
            s.call(3, "LMOVE", "src", "dst", "LEFT", "LEFT");
            s.read(0);
        });
    }

    @Test
    void aTransactionWakesWaitersFromTheKeyThatBecameReadyFirst() {
        sameOnBoth(s -> {
            s.send(0, "BLPOP", "k1", "k2", "0");
            s.awaitBlocked(1);
            s.send(1, "BLPOP", "k1", "0");
            s.awaitBlocked(2);
            s.call(3, "MULTI");
            s.call(3, "RPUSH", "k2", "from-k2");
            s.call(3, "RPUSH", "k1", "from-k1");
            s.call(3, "EXEC");
            s.read(0);
            s.read(1);
            s.awaitBlocked(0);
            s.send(2, "BLPOP", "t", "0");
            s.awaitBlocked(1);
            s.call(3, "MULTI");
            s.call(3, "RPUSH", "t", "gone");
            s.call(3, "DEL", "t");
            s.call(3, "EXEC");
            s.awaitBlocked(1);
            s.call(3, "RPUSH", "t", "back");
            s.read(2);
        });
    }

    @Test
    void blmoveChainsServeEveryWaiterInOneRound() {
        sameOnBoth(s -> {
            s.send(0, "BLMOVE", "a", "b", "LEFT", "RIGHT", "0");
            s.awaitBlocked(1);
            s.send(1, "BRPOPLPUSH", "b", "c", "0");
            s.awaitBlocked(2);
            s.send(2, "BLPOP", "c", "0");
            s.awaitBlocked(3);
            s.call(3, "RPUSH", "a", "x", "y");
            s.read(0);
            s.read(1);
            s.read(2);
            s.awaitBlocked(0);
            s.call(3, "LRANGE", "a", "0", "-1");
            s.call(3, "EXISTS", "b", "c");
            // A waiter rotating the list it waits on leaves the element for the next waiter.
            s.send(0, "BLMOVE", "r", "r", "RIGHT", "LEFT", "0");
            s.awaitBlocked(1);
            s.send(1, "BLPOP", "r", "0");
            s.awaitBlocked(2);
            s.call(3, "RPUSH", "r", "v");
            s.read(0);
            s.read(1);
            s.call(3, "EXISTS", "r");
        });
    }

    @Test
    void aWaitedKeyOfAnotherTypeKeepsTheWaiterWaiting() {
        sameOnBoth(s -> {
            s.send(0, "BLPOP", "q", "0");
            s.awaitBlocked(1);
            s.call(3, "SET", "q", "string");
            s.awaitBlocked(1);
            s.call(3, "DEL", "q");
            s.call(3, "RPUSH", "q", "again");
            s.read(0);
            s.send(1, "BLMOVE", "src", "dst", "LEFT", "LEFT", "0");
            s.awaitBlocked(1);
            s.call(3, "SET", "dst", "string");
            s.call(3, "RPUSH", "src", "x");
            s.read(1);
            s.call(3, "LRANGE", "src", "0", "-1");
            s.send(2, "BLPOP", "k", "0");
            s.awaitBlocked(1);
            s.call(3, "RPUSH", "k", "1");
            s.read(2);
            s.call(3, "EXISTS", "k");
        });
    }

    @Test
    void clientUnblockEndsWaitsWithTheTimeoutReplyOrAnError() {
        sameOnBoth(s -> {
            long id = s.clientId(0);
            s.send(0, "BLMOVE", "x", "y", "LEFT", "LEFT", "0");
            s.awaitBlocked(1);
            s.transcript.add("unblock " + s.admin.call("CLIENT", "UNBLOCK", Long.toString(id), "TIMEOUT"));
            s.read(0);
            s.send(0, "BLMPOP", "0", "1", "x", "LEFT");
            s.awaitBlocked(1);
            s.transcript.add("unblock " + s.admin.call("CLIENT", "UNBLOCK", Long.toString(id), "ERROR"));
            s.read(0);
            s.transcript.add("unblock " + s.admin.call("CLIENT", "UNBLOCK", Long.toString(id)));
            s.call(0, "RPUSH", "x", "still-here");
            s.call(0, "LRANGE", "x", "0", "-1");
        });
    }

    @Test
    void timeoutsAnswerANullArrayInBothProtocols() {
        sameOnBoth(s -> {
            s.call(0, "BLPOP", "none", "0.05");
            s.call(0, "BRPOPLPUSH", "none", "d", "0.05");
            s.call(0, "BLMOVE", "none", "d", "LEFT", "LEFT", "0.05");
            s.call(0, "BLMPOP", "0.05", "1", "none", "LEFT", "COUNT", "3");
            s.clients.get(1).call("HELLO", "3");
            s.call(1, "BRPOP", "none", "0.05");
            s.call(1, "BLMOVE", "none", "d", "LEFT", "LEFT", "0.05");
            s.call(1, "BLMPOP", "0.05", "1", "none", "LEFT");
        });
    }

    @Test
    void aTimeoutIsKeptWithinBounds() {
        try (RespClient c = servers.cinnabar().client()) {
            for (String timeout : new String[] {"0.2", "0.35"}) {
                long start = System.nanoTime();
                assertEquals("*-1\r\n", c.callText("BLPOP", "never", timeout));
                long ms = (System.nanoTime() - start) / 1_000_000;
                long wanted = (long) (Double.parseDouble(timeout) * 1000);
                assertTrue(ms >= wanted - 20 && ms < wanted + 3000, "timeout " + timeout + " took " + ms + " ms");
            }
        }
    }
}
