package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.Client;
import io.cinnabar.server.Server;
import io.cinnabar.testing.CinnabarFixture;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Heap bytes the data thread allocates per sorted-set command, measured over many commands run
 * through the dispatcher in-process (no sockets, no RESP parsing), after a warm-up so the JIT has
 * compiled the path. Arguments are built before measuring: what is counted is the command's own
 * work (lookup, update, reply, statistics), not the request's arrays.
 *
 * <p>Prints the figures (the zset performance report quotes them) and bounds them, so a change
 * that brings back a per-command allocation fails here.
 */
@Timeout(120)
class ZSetAllocationTest {
    private static final int MEMBERS = 100_000;
    private static final int WARMUP = 200_000;
    private static final int MEASURED = 200_000;

    private static CinnabarFixture fixture;

    @BeforeAll
    static void start() {
        fixture = CinnabarFixture.start();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /** Commands per data-thread task, so each task stays well inside the fixture's timeout. */
    private static final int CHUNK = 10_000;

    /** Runs the commands on the data thread; returns the bytes allocated per command over the measured ones. */
    private static double bytesPerCommand(byte[][][] warmup, byte[][][] measured) {
        Client client = fixture.onDataThread(() -> fixture.server().newInternalClient());
        runChunks(client, warmup);
        long allocated = runChunks(client, measured);
        fixture.onDataThread(() -> {
            client.reply().discard();
            return null;
        });
        return allocated / (double) measured.length;
    }

    /** Runs the commands in chunks; returns the bytes the data thread allocated while running them. */
    private static long runChunks(Client client, byte[][][] commands) {
        long allocated = 0;
        for (int from = 0; from < commands.length; from += CHUNK) {
            int start = from;
            int end = Math.min(commands.length, from + CHUNK);
            allocated += fixture.onDataThread(() -> {
                Server server = fixture.server();
                long before = allocatedBytes();
                for (int i = start; i < end; i++) {
                    run(server, client, commands[i]);
                }
                return allocatedBytes() - before;
            });
        }
        return allocated;
    }

    private static void run(Server server, Client client, byte[][] argv) {
        server.dispatcher().dispatch(client, argv);
        client.reply().truncate(0); // keep the pooled reply buffer instead of taking a new one
    }

    private static byte[][][] commands(int n, java.util.function.IntFunction<byte[][]> make) {
        byte[][][] all = new byte[n][][];
        for (int i = 0; i < n; i++) {
            all[i] = make.apply(i);
        }
        return all;
    }

    private static void load(String key) {
        byte[][][] adds = commands(MEMBERS, i -> new byte[][] {bytes("zadd"), bytes(key), bytes(Integer.toString(i)), bytes("m" + i)});
        bytesPerCommand(new byte[0][][], adds);
    }

    private static double report(String what, double perCommand) {
        System.out.printf("zset allocation: %-44s %8.1f bytes/command%n", what, perCommand);
        return perCommand;
    }

    @Test
    void zaddUpdatingAnExistingMemberAllocatesNothingOfItsOwn() {
        load("upd");
        java.util.function.IntFunction<byte[][]> update = i -> new byte[][] {
            bytes("zadd"), bytes("upd"), bytes(Integer.toString((i * 7919) % MEMBERS) + ".5"), bytes("m" + (i * 31 % MEMBERS))};
        double perCommand = report("ZADD existing member, new score", bytesPerCommand(commands(WARMUP, update), commands(MEASURED, update)));
        assertTrue(perCommand < 8, "ZADD of an existing member allocates " + perCommand + " bytes");
    }

    @Test
    void zaddOfANewMemberAllocatesOnlyItsStorage() {
        load("new");
        int[] next = {MEMBERS};
        java.util.function.IntFunction<byte[][]> add = i -> new byte[][] {
            bytes("zadd"), bytes("new"), bytes(Integer.toString(next[0])), bytes("m" + next[0]++)};
        // 100k members sit in a dict of 262144 buckets, which grows past 196608 entries: stopping
        // short of that keeps the dict's (amortised, member-storage) resize out of the figure.
        double perCommand = report("ZADD new member (member array prebuilt)", bytesPerCommand(commands(40_000, add), commands(50_000, add)));
        // What is left is the skip-list node: 32 bytes at level 1, 8 more per level up to 3,
        // then two small arrays; about 35 bytes on average.
        assertTrue(perCommand < 48, "ZADD of a new member allocates " + perCommand + " bytes");
    }

    @Test
    void zrankAndZscoreAllocateNothing() {
        load("rank");
        java.util.function.IntFunction<byte[][]> rank = i -> new byte[][] {bytes("zrank"), bytes("rank"), bytes("m" + (i * 7919 % MEMBERS))};
        double perRank = report("ZRANK", bytesPerCommand(commands(WARMUP, rank), commands(MEASURED, rank)));
        java.util.function.IntFunction<byte[][]> score = i -> new byte[][] {bytes("zscore"), bytes("rank"), bytes("m" + (i * 7919 % MEMBERS))};
        double perScore = report("ZSCORE", bytesPerCommand(commands(WARMUP, score), commands(MEASURED, score)));
        assertTrue(perRank < 8, "ZRANK allocates " + perRank + " bytes");
        assertTrue(perScore < 8, "ZSCORE allocates " + perScore + " bytes");
    }
}
