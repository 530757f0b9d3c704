package io.cinnabar.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The execution-unit rules and the replica encoding, without a server. */
@Timeout(10)
class PropagationTest {
    private final Propagation propagation = new Propagation();
    private final List<String> seen = new ArrayList<>();

    private void record(int takes) {
        propagation.addSink((db, argv, targets) -> seen.add(db + ":" + text(argv) + "@" + targets), takes);
    }

    private static byte[][] argv(String... words) {
        byte[][] argv = new byte[words.length][];
        for (int i = 0; i < words.length; i++) {
            argv[i] = words[i].getBytes(StandardCharsets.US_ASCII);
        }
        return argv;
    }

    private static String text(byte[][] argv) {
        StringBuilder s = new StringBuilder();
        for (byte[] a : argv) {
            s.append(s.length() == 0 ? "" : " ").append(new String(a, StandardCharsets.US_ASCII));
        }
        return s.toString();
    }

    @Test
    void oneCommandGoesOutAloneWhenItsUnitEnds() {
        record(Propagation.ALL);
        propagation.enterUnit();
        propagation.propagate(0, argv("set", "k", "v"), Propagation.ALL);
        assertTrue(seen.isEmpty(), "held until the unit ends");
        propagation.exitUnit();
        assertEquals(List.of("0:set k v@3"), seen);
    }

    @Test
    void severalCommandsOfNestedUnitsAreWrappedOnceAtTheOutermostEnd() {
        record(Propagation.ALL);
        propagation.enterUnit();
        propagation.propagate(2, argv("del", "a"), Propagation.ALL);
        propagation.enterUnit();
        propagation.propagate(5, argv("incr", "n"), Propagation.REPLICAS);
        propagation.exitUnit();
        assertTrue(seen.isEmpty());
        propagation.exitUnit();
        assertEquals(List.of("2:MULTI@3", "2:del a@3", "5:incr n@2", "5:EXEC@3"), seen);
    }

    @Test
    void outsideAUnitEachCommandGoesOutAtOnce() {
        record(Propagation.ALL);
        propagation.propagate(0, argv("DEL", "x"), Propagation.ALL);
        propagation.propagate(0, argv("DEL", "y"), Propagation.ALL);
        assertEquals(List.of("0:DEL x@3", "0:DEL y@3"), seen);
    }

    @Test
    void commandsForNoAttachedTargetAreNotCollected() {
        record(Propagation.REPLICAS);
        propagation.enterUnit();
        propagation.propagate(0, argv("set", "aof-only", "1"), Propagation.AOF);
        propagation.propagate(0, argv("set", "both", "1"), Propagation.ALL);
        propagation.exitUnit();
        assertEquals(List.of("0:set both 1@2"), seen, "a single command left, for the targets some sink takes: no MULTI");
    }

    @Test
    void withoutSinksNothingIsKept() {
        assertFalse(propagation.hasSinks());
        propagation.enterUnit();
        propagation.propagate(0, argv("set", "k", "v"), Propagation.ALL);
        propagation.exitUnit();
        record(Propagation.ALL);
        propagation.enterUnit();
        propagation.exitUnit();
        assertTrue(seen.isEmpty());
    }

    @Test
    void pendingArgumentsAreCopiedBeforeANestedCommandCanOverwriteThem() {
        record(Propagation.ALL);
        byte[][] first = argv("set", "k", "aaa");
        propagation.enterUnit();
        propagation.enterUnit();
        propagation.propagate(0, first, Propagation.ALL);
        propagation.exitUnit();
        propagation.enterUnit();
        first[2][0] = 'b'; // a same-size SET overwriting the stored value in place
        propagation.propagate(0, argv("set", "k", "baa"), Propagation.ALL);
        propagation.exitUnit();
        propagation.exitUnit();
        assertEquals(List.of("0:MULTI@3", "0:set k aaa@3", "0:set k baa@3", "0:EXEC@3"), seen);
    }

    @Test
    void encoderSelectsOnlyWhenTheDatabaseChanges() {
        CommandStreamEncoder encoder = new CommandStreamEncoder();
        ByteBuf out = Unpooled.buffer();
        encoder.encode(0, argv("set", "k", "v"), out);
        encoder.encode(0, argv("del", "k"), out);
        encoder.encode(12, argv("incr", "n"), out);
        encoder.reset();
        encoder.encode(12, argv("x"), out);
        encoder.encode(3, new byte[][] {new byte[0]}, out);
        assertEquals("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nset\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$3\r\ndel\r\n$1\r\nk\r\n"
                + "*2\r\n$6\r\nSELECT\r\n$2\r\n12\r\n*2\r\n$4\r\nincr\r\n$1\r\nn\r\n"
                + "*2\r\n$6\r\nSELECT\r\n$2\r\n12\r\n*1\r\n$1\r\nx\r\n"
                + "*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n*1\r\n$0\r\n\r\n", out.toString(StandardCharsets.ISO_8859_1));
    }
}
