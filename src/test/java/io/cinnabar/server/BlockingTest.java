package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.command.CommandContext;
import io.cinnabar.keyspace.Database;
import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.Poll;
import io.cinnabar.testing.RespClient;
import io.cinnabar.types.StringValue;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The blocking service, driven by a stand-in blocking command bound in place of BLPOP: it pops
 * a string key (GET + DEL) or waits for one.
 */
@Timeout(30)
class BlockingTest {
    private CinnabarFixture fixture;

    @BeforeEach
    void start() {
        fixture = CinnabarFixture.start();
        fixture.onDataThread(() -> {
            fixture.server().commandTable().rebind("blpop", BlockingTest::popOrWait);
            return null;
        });
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    /** BLPOP key timeout-seconds, over string values. */
    private static void popOrWait(CommandContext ctx) {
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        Object v = db.get(key);
        if (v != null) {
            db.delete(key);
            ctx.reply.array(2);
            ctx.reply.bulk(key);
            ctx.reply.bulk(StringValue.bytes(v));
            return;
        }
        double seconds = ctx.argDouble(2);
        long deadline = seconds == 0 ? 0 : System.currentTimeMillis() + (long) (seconds * 1000);
        ctx.server.blocking().block(ctx.client, db, new byte[][] {key}, deadline, c -> c.reply().nullArray());
    }

    private int blocked() {
        return fixture.onDataThread(() -> fixture.server().blocking().blockedCount());
    }

    @Test
    void servesWaitersInTheOrderTheyBlocked() {
        try (RespClient a = fixture.client(); RespClient b = fixture.client(); RespClient writer = fixture.client()) {
            a.send("BLPOP", "q", "0");
            Poll.until(() -> blocked() == 1);
            b.send("BLPOP", "q", "0");
            Poll.until(() -> blocked() == 2);
            assertEquals("+OK\r\n", writer.callText("SET", "q", "first"));
            assertEquals(List.of("q", "first"), a.read().value);
            Poll.until(() -> blocked() == 1);
            assertEquals("+OK\r\n", writer.callText("SET", "q", "second"));
            assertEquals(List.of("q", "second"), b.read().value);
            assertEquals(0, blocked());
            assertEquals("$-1\r\n", writer.callText("GET", "q"));
        }
    }

    @Test
    void timesOutWithTheCommandsTimeoutReply() {
        try (RespClient a = fixture.client()) {
            long start = System.nanoTime();
            assertEquals("*-1\r\n", a.callText("BLPOP", "q", "0.2"));
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(elapsedMs >= 150, "returned after " + elapsedMs + " ms");
            assertEquals(0, blocked());
        }
    }

    @Test
    void requestsPipelinedBehindABlockedOneWaitTheirTurn() {
        try (RespClient a = fixture.client(); RespClient writer = fixture.client()) {
            a.sendRaw(concat(RespClient.encode(RespClient.args("BLPOP", "q", "0")),
                    RespClient.encode(RespClient.args("SET", "after", "1")),
                    RespClient.encode(RespClient.args("GET", "after"))));
            Poll.until(() -> blocked() == 1);
            assertEquals("$-1\r\n", writer.callText("GET", "after"));
            writer.callText("SET", "q", "v");
            assertEquals(List.of("q", "v"), a.read().value);
            assertEquals("+OK\r\n", a.read().text());
            assertEquals("$1\r\n1\r\n", a.read().text());
        }
    }

    @Test
    void aDisconnectedWaiterIsForgotten() {
        try (RespClient writer = fixture.client()) {
            RespClient a = fixture.client();
            a.send("BLPOP", "q", "0");
            Poll.until(() -> blocked() == 1);
            a.close();
            Poll.until(() -> blocked() == 0);
            writer.callText("SET", "q", "v");
            assertEquals("$1\r\nv\r\n", writer.callText("GET", "q"));
        }
    }

    @Test
    void clientUnblockEndsTheWaitWithTimeoutReplyOrError() {
        try (RespClient a = fixture.client(); RespClient admin = fixture.client()) {
            long id = (Long) a.callValue("CLIENT", "ID");
            a.send("BLPOP", "q", "0");
            Poll.until(() -> blocked() == 1);
            assertEquals(":1\r\n", admin.callText("CLIENT", "UNBLOCK", Long.toString(id), "ERROR"));
            assertEquals("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n", a.read().text());
            assertEquals(":0\r\n", admin.callText("CLIENT", "UNBLOCK", Long.toString(id)));
            a.send("BLPOP", "q", "0");
            Poll.until(() -> blocked() == 1);
            assertEquals(":1\r\n", admin.callText("CLIENT", "UNBLOCK", Long.toString(id), "TIMEOUT"));
            assertEquals("*-1\r\n", a.read().text());
            assertEquals(0, blocked());
            assertEquals("-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n",
                    admin.callText("CLIENT", "UNBLOCK", Long.toString(id), "foo"));
        }
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
