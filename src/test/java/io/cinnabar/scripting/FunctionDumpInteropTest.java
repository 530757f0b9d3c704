package io.cinnabar.scripting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.DumpPayload;
import io.cinnabar.testing.RespClient;
import io.cinnabar.testing.Servers;
import io.cinnabar.util.Crc64;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * FUNCTION DUMP payloads cross between real Redis 7.0 and Cinnabar both ways: a payload one side
 * dumps restores on the other into the same libraries (compared by FUNCTION LIST WITHCODE and by
 * FCALL), the same single library dumps to the same bytes on both (plain and LZF-compressed
 * code), and damaged payloads get Redis's errors. Replay with {@code -DfunctionDumpSeed=<seed>}.
 */
@Timeout(120)
class FunctionDumpInteropTest {
    private static final long SEED = Long.getLong("functionDumpSeed", 20261130L);
    @RegisterExtension
    static final Servers servers = Servers.withOracle();
    private static RespClient ours;
    private static RespClient theirs;

    @BeforeAll
    static void connect() {
        ours = servers.cinnabar().client();
        theirs = servers.redis().client();
    }

    @AfterAll
    static void disconnect() throws Exception {
        try (AutoCloseable t = theirs; AutoCloseable o = ours) {
            // the servers stop after this
        }
    }

    @BeforeEach
    void flush() {
        for (RespClient c : List.of(ours, theirs)) {
            assertEquals("+OK\r\n", c.callText("FUNCTION", "FLUSH"));
        }
    }

    private static final String[] FLAGS = {"no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys"};

    /**
     * A library of one function (FUNCTION LIST shows several in Redis's dict order) with random
     * flags, description and padding, so that some codes compress and some do not.
     */
    private static String library(Random r, int index) {
        StringBuilder code = new StringBuilder("#!lua name=lib" + index + "\n");
        int pad = r.nextInt(4) == 0 ? 0 : r.nextInt(3000);
        if (pad > 0) {
            code.append("-- ");
            for (int i = 0; i < pad; i++) {
                code.append(r.nextBoolean() ? 'a' : (char) ('a' + r.nextInt(26)));
            }
            code.append('\n');
        }
        code.append("redis.register_function{function_name='f").append(index)
                .append("', callback=function(keys, args) return {").append(index)
                .append(", #keys, args[1]} end, flags={");
        for (String flag : FLAGS) {
            if (r.nextBoolean()) {
                code.append('\'').append(flag).append("',");
            }
        }
        code.append('}');
        if (r.nextBoolean()) {
            code.append(", description='library ").append(index).append('\'');
        }
        code.append("}\n");
        return code.toString();
    }

    private static byte[] dump(RespClient c) {
        return DumpPayload.bulkBytes(c.call("FUNCTION", "DUMP"));
    }

    private static String restore(RespClient c, byte[] payload, String... policy) {
        byte[][] args = new byte[3 + policy.length][];
        args[0] = "FUNCTION".getBytes(StandardCharsets.US_ASCII);
        args[1] = "RESTORE".getBytes(StandardCharsets.US_ASCII);
        args[2] = payload;
        for (int i = 0; i < policy.length; i++) {
            args[3 + i] = policy[i].getBytes(StandardCharsets.US_ASCII);
        }
        return c.call(args).text();
    }

    /** Each library's code as FUNCTION LIST WITHCODE of one library shows it, in name order. */
    private static List<String> codes(RespClient c, int libraries) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < libraries; i++) {
            out.add(c.callText("FUNCTION", "LIST", "LIBRARYNAME", "lib" + i, "WITHCODE"));
        }
        return out;
    }

    @Test
    void payloadsCrossBothWays() {
        Random r = new Random(SEED);
        for (int round = 0; round < 30; round++) {
            flush();
            int libraries = 1 + r.nextInt(5);
            boolean fromRedis = r.nextBoolean();
            RespClient source = fromRedis ? theirs : ours;
            RespClient target = fromRedis ? ours : theirs;
            for (int i = 0; i < libraries; i++) {
                assertEquals("$" + ("lib" + i).length() + "\r\nlib" + i + "\r\n", source.callText("FUNCTION", "LOAD", library(r, i)));
            }
            String context = "round " + round + " from " + (fromRedis ? "Redis" : "Cinnabar") + " with " + libraries + " libraries";
            assertEquals("+OK\r\n", restore(target, dump(source)), context);
            assertEquals(codes(source, libraries), codes(target, libraries), context);
            for (int i = 0; i < libraries; i++) {
                assertEquals(source.callText("FCALL", "f" + i, "1", "k", "arg"), target.callText("FCALL", "f" + i, "1", "k", "arg"), context);
            }
            assertEquals(source.callText("FUNCTION", "STATS"), target.callText("FUNCTION", "STATS"), context);
            // Both sides now hold the same libraries: a single one dumps to the same bytes.
            for (RespClient c : List.of(ours, theirs)) {
                assertEquals("+OK\r\n", c.callText("FUNCTION", "DELETE", "lib0"));
                assertEquals("+OK\r\n", restore(c, dump(c), "FLUSH"));
            }
            if (libraries == 1) {
                assertArrayEquals(dump(theirs), dump(ours), context + ": empty dumps");
            }
        }
    }

    @Test
    void oneLibraryDumpsToTheSameBytes() {
        Random r = new Random(SEED ^ 0x5EED);
        for (int round = 0; round < 40; round++) {
            flush();
            String code = library(r, 0);
            assertEquals(theirs.callText("FUNCTION", "LOAD", code), ours.callText("FUNCTION", "LOAD", code));
            assertArrayEquals(dump(theirs), dump(ours), "library of " + code.length() + " bytes");
        }
    }

    @Test
    void withoutRdbcompressionLibrariesDumpUncompressedAsRedis() {
        Random r = new Random(SEED ^ 0xC0DE);
        try {
            for (RespClient c : List.of(ours, theirs)) {
                assertEquals("+OK\r\n", c.callText("CONFIG", "SET", "rdbcompression", "no"));
            }
            for (int round = 0; round < 10; round++) {
                flush();
                String code = library(r, 0);
                assertEquals(theirs.callText("FUNCTION", "LOAD", code), ours.callText("FUNCTION", "LOAD", code));
                byte[] dumped = dump(ours);
                assertArrayEquals(dump(theirs), dumped, "library of " + code.length() + " bytes");
                assertTrue(new String(dumped, java.nio.charset.StandardCharsets.ISO_8859_1).contains(code), "stored as it is");
            }
        } finally {
            for (RespClient c : List.of(ours, theirs)) {
                c.callText("CONFIG", "SET", "rdbcompression", "yes");
            }
        }
    }

    @Test
    void policiesAndCollisionsAsRedis() {
        Random r = new Random(SEED ^ 0xC0111DE);
        for (RespClient c : List.of(ours, theirs)) {
            c.callText("FUNCTION", "LOAD", library(new Random(1), 0));
        }
        byte[] payload = dump(theirs);
        String other = "#!lua name=other\nredis.register_function('f0', function() return 'other' end)";
        String[][] cases = {{}, {"APPEND"}, {"REPLACE"}, {"FLUSH"}, {"append"}};
        for (String[] policy : cases) {
            for (String before : new String[] {null, library(r, 0), other}) {
                List<String> replies = new ArrayList<>();
                for (RespClient c : List.of(theirs, ours)) {
                    c.callText("FUNCTION", "FLUSH");
                    if (before != null) {
                        c.callText("FUNCTION", "LOAD", before);
                    }
                    replies.add(restore(c, payload, policy) + c.callText("FUNCTION", "LIST", "WITHCODE"));
                }
                assertEquals(replies.get(0), replies.get(1), Arrays.toString(policy) + " over " + before);
            }
        }
    }

    @Test
    void damagedPayloadsGetRedisErrors() {
        Random r = new Random(SEED ^ 0xBAD);
        for (RespClient c : List.of(ours, theirs)) {
            c.callText("FUNCTION", "LOAD", library(new Random(2), 0));
        }
        byte[] good = dump(theirs);
        for (int round = 0; round < 200; round++) {
            byte[] bad = r.nextInt(5) == 0 ? Arrays.copyOf(good, r.nextInt(good.length))
                    : good.clone();
            if (bad.length == good.length) {
                bad[r.nextInt(bad.length)] ^= (byte) (1 + r.nextInt(255));
            }
            if (r.nextBoolean() && bad.length >= 10) {
                resign(bad); // a valid checksum: the parser itself meets the damage
            }
            String context = "round " + round + " " + Arrays.toString(bad);
            for (RespClient c : List.of(ours, theirs)) {
                c.callText("FUNCTION", "FLUSH");
            }
            assertEquals(luaWordingDropped(restore(theirs, bad)), luaWordingDropped(restore(ours, bad)), context);
            assertEquals(theirs.callText("FUNCTION", "LIST", "WITHCODE"), ours.callText("FUNCTION", "LIST", "WITHCODE"), context);
        }
    }

    /**
     * A compile or load error of damaged code reduced to "Lua rejected it": luaj (a Lua 5.2
     * compiler) words syntax and runtime errors its own way, as the scripting differential
     * scripts note, and accepts a few 5.2-only forms that Lua 5.1 refuses to compile (which then
     * fail when run), so only the fact that Lua refused the library is compared.
     */
    private static String luaWordingDropped(String reply) {
        for (String kind : new String[] {"-ERR Error compiling function: ", "-ERR Error registering functions: ERR user_function:"}) {
            if (reply.startsWith(kind)) {
                return "-ERR <Lua refused the library>";
            }
        }
        return reply;
    }

    /** Rewrites the payload's CRC64 (after the 2-byte version) to match its damaged bytes. */
    private static void resign(byte[] p) {
        long crc = Crc64.update(0, p, 0, p.length - 8);
        for (int i = 0; i < 8; i++) {
            p[p.length - 8 + i] = (byte) (crc >>> (8 * i));
        }
    }
}
