package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.Poll;
import io.cinnabar.testing.RespClient;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The events Cinnabar records beyond what a DEBUG SLEEP shows (LatencyCommandsDiffTest compares
 * that one with Redis): fast-command for FAST-flagged commands, command-unblocking, the expire
 * cycle and eviction.
 */
@Timeout(60)
class LatencyMonitorEventsTest {
    private CinnabarFixture server;
    private RespClient c;

    @BeforeEach
    void start() {
        server = CinnabarFixture.start("enable-debug-command yes", "latency-monitor-threshold 1");
        c = server.client();
    }

    @AfterEach
    void stop() {
        c.close();
        server.close();
    }

    private List<String> eventNames() {
        return ((List<?>) c.callValue("LATENCY", "LATEST")).stream().map(e -> (String) ((List<?>) e).get(0)).toList();
    }

    @Test
    void aSlowFastCommandIsAFastCommandEvent() {
        server.server().commandTable().rebind("ping", ctx -> {
            busy(5);
            ctx.reply.simple("PONG");
        });
        c.call("PING");
        assertEquals(List.of("fast-command"), eventNames());
        List<?> event = (List<?>) ((List<?>) c.callValue("LATENCY", "LATEST")).get(0);
        assertTrue((Long) event.get(2) >= 5, event::toString);
        String doctor = (String) c.callValue("LATENCY", "DOCTOR");
        assertTrue(doctor.contains("1. fast-command: 1 latency spikes"), doctor);
        assertTrue(doctor.contains("- The system is slow to execute Redis code paths not containing system calls."), doctor);
    }

    @Test
    void servingABlockedClientIsACommandUnblockingEvent() {
        io.cinnabar.command.CommandHandler blpop = server.server().commandTable().get("blpop").handler();
        server.server().commandTable().rebind("blpop", ctx -> {
            blpop.execute(ctx);
            busy(5);
        });
        try (RespClient waiter = server.client()) {
            waiter.send("BLPOP", "q", "0");
            Poll.until(() -> c.callText("INFO", "clients").contains("blocked_clients:1"));
            assertEquals(List.of("command"), eventNames()); // the run that blocked
            c.call("LPUSH", "q", "v");
            assertEquals(List.of("q", "v"), waiter.read().value);
        }
        assertEquals(List.of("command", "command-unblocking"), eventNames());
        assertTrue((Long) ((List<?>) ((List<?>) c.callValue("LATENCY", "HISTORY", "command-unblocking")).get(0)).get(1) >= 5);
    }

    private static void busy(long millis) {
        long until = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < until) {
            LockSupport.parkNanos(until - System.nanoTime());
        }
    }

    @Test
    void theActiveExpireCycleIsAnEvent() {
        c.call("EVAL", "for i = 1, 100000 do redis.call('set', 'k' .. i, 'v', 'px', 1) end return 1", "0");
        Poll.until(() -> eventNames().contains("expire-cycle"));
        List<?> history = (List<?>) c.callValue("LATENCY", "HISTORY", "expire-cycle");
        assertTrue((Long) ((List<?>) history.get(0)).get(1) >= 1);
        String doctor = (String) c.callValue("LATENCY", "DOCTOR");
        assertTrue(doctor.contains("- In order to make the Redis keys expiring process more incremental, try to set the 'hz'"), doctor);
    }

    @Test
    void anEvictionRunIsAnEvent() {
        c.call("DEBUG", "POPULATE", "100000");
        c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-random");
        c.call("CONFIG", "SET", "maxmemory-eviction-tenacity", "100"); // one run, no time limit
        c.call("CONFIG", "SET", "maxmemory", "1");
        Poll.until(() -> eventNames().contains("eviction-cycle"));
        c.call("CONFIG", "SET", "maxmemory", "0");
        String doctor = (String) c.callValue("LATENCY", "DOCTOR");
        assertTrue(doctor.contains("- Sudden changes to the 'maxmemory' setting via 'CONFIG SET'"), doctor);
    }
}
