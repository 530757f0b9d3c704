package io.cinnabar.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Malformed input gets Redis's exact error text (each text below was checked by sending the
 * same bytes to redis-server 7.0.15), and a huge declared bulk does not allocate ahead.
 */
@Timeout(60)
class RespParserTest {

    private static List<String> parse(RespParser parser, String input) throws ProtocolException {
        ByteBuf buf = Unpooled.wrappedBuffer(input.getBytes(StandardCharsets.ISO_8859_1));
        List<Object> out = new ArrayList<>();
        parser.parse(buf, out);
        List<String> r = new ArrayList<>();
        for (Object o : out) {
            List<String> args = new ArrayList<>();
            for (byte[] a : (byte[][]) o) {
                args.add(new String(a, StandardCharsets.ISO_8859_1));
            }
            r.add(String.join("|", args));
        }
        return r;
    }

    private static String error(String input, boolean auth) {
        RespParser parser = new RespParser();
        parser.setAuthRequired(auth);
        ProtocolException e = assertThrows(ProtocolException.class, () -> parse(parser, input),
                () -> "no error for " + input.replace("\r", "\\r").replace("\n", "\\n"));
        return e.getMessage();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "*abc\\r\\n                           | Protocol error: invalid multibulk length",
        "*+1\\r\\n                            | Protocol error: invalid multibulk length",
        "*1 \\r\\n                            | Protocol error: invalid multibulk length",
        "*01\\r\\n$4\\r\\nPING\\r\\n           | Protocol error: invalid multibulk length",
        "*-0\\r\\n                            | Protocol error: invalid multibulk length",
        "*\\r\\n                              | Protocol error: invalid multibulk length",
        "*3\\r\\n$3\\r\\nSET\\r\\n$x\\r\\n     | Protocol error: invalid bulk length",
        "*2\\r\\n$-1\\r\\n                    | Protocol error: invalid bulk length",
        "*1\\r\\n$-0\\r\\n                    | Protocol error: invalid bulk length",
        "*1\\r\\n$ 4\\r\\nPING\\r\\n          | Protocol error: invalid bulk length",
        "*2\\r\\n$4\\r\\nECHO\\r\\n$01\\r\\na\\r\\n | Protocol error: invalid bulk length",
        "*3\\r\\n$536870913\\r\\n             | Protocol error: invalid bulk length",
        "*1\\r\\n$123456789012345678\\r\\n    | Protocol error: invalid bulk length",
        "*1\\r\\n$1234567890123456789\\r\\n   | Protocol error: invalid bulk length",
        "*1\\r\\n$-12\\r\\n                   | Protocol error: invalid bulk length",
        "*123456789012345678\\r\\n            | Protocol error: invalid multibulk length",
        "*12345678901234567890\\r\\n          | Protocol error: invalid multibulk length",
        "*1\\r\\n$00\\r\\n\\r\\n                | Protocol error: invalid bulk length",
        "*1\\r\\nx3\\r\\nfoo\\r\\n            | Protocol error: expected '$', got 'x'",
        "*1\\r\\n:3\\r\\n                     | Protocol error: expected '$', got ':'",
        "SET a \"b\\r\\n                      | Protocol error: unbalanced quotes in request",
        "SET a \"b\"c\\r\\n                   | Protocol error: unbalanced quotes in request",
        "'a\\r\\n                             | Protocol error: unbalanced quotes in request",
        "*1\\r\\n$4\\r\\nPING\\r\\n*x\\r\\n   | Protocol error: invalid multibulk length",
    })
    void malformedInputGetsRedisErrorText(String input, String expected) {
        assertEquals(expected, error(unescape(input.trim()), false));
    }

    @Test
    void unauthenticatedLimits() throws ProtocolException {
        assertEquals("Protocol error: unauthenticated multibulk length", error("*11\r\n", true));
        assertEquals("Protocol error: unauthenticated bulk length", error("*10\r\n$16385\r\n", true));
        RespParser parser = new RespParser();
        parser.setAuthRequired(true);
        assertEquals(List.of(), parse(parser, "*10\r\n$16384\r\n"), "at the limit: waits for the bytes");
        RespParser open = new RespParser();
        assertEquals(List.of(), parse(open, "*11\r\n$16385\r\n"), "no limit once authenticated");
    }

    @Test
    void tooBigLinesWithoutTheirEnd() {
        String big = "a".repeat(RespParser.INLINE_MAX + 10);
        assertEquals("Protocol error: too big inline request", error(big, false));
        assertEquals("Protocol error: too big mbulk count string", error("*" + "1".repeat(RespParser.INLINE_MAX + 10), false));
        assertEquals("Protocol error: too big bulk count string", error("*1\r\n$" + "1".repeat(RespParser.INLINE_MAX + 10), false));
    }

    @Test
    void oneLongInlineLineThatArrivesWholeIsAccepted() throws ProtocolException {
        // Redis only applies the inline limit while the line's end is missing.
        String arg = "x".repeat(RespParser.INLINE_MAX + 100);
        assertEquals(List.of("ECHO|" + arg), parse(new RespParser(), "ECHO " + arg + "\r\n"));
    }

    @Test
    void noOpsAndLenientTerminatorsLikeRedis() throws ProtocolException {
        RespParser p = new RespParser();
        assertEquals(List.of("PING"), parse(p, "*-5\r\nPING\r\n"));
        assertEquals(List.of("PING"), parse(p, "*0\r\nPING\r\n"));
        assertEquals(List.of("PING"), parse(p, "\r\n\r\n   \r\nPING\r\n"));
        // Redis skips the two bytes after a bulk without looking at them.
        assertEquals(List.of("PING"), parse(p, "*1\r\n$4\r\nPINGxx\r\n"));
        assertEquals(List.of("$4", "PING"), parse(p, "$4\r\nPING\r\n"));
        assertEquals(List.of(""), parse(p, "*1\r\n$0\r\n\r\n"));
        assertEquals(List.of("GET|a"), parse(p, "GET a\n"));
        assertEquals(List.of("SET|a|hello world"), parse(p, "SET a \"hello world\"\r\n"));
        assertEquals(List.of("SET|a|A\n"), parse(p, "SET a \"\\x41\\n\"\r\n"));
        assertEquals(List.of(), parse(p, "*1\n$4\nPING\n"), "a multibulk header needs CR: Redis waits");
    }

    @Test
    void requestSplitAnywhereKeepsItsState() throws ProtocolException {
        RespParser p = new RespParser();
        ByteBuf buf = Unpooled.buffer();
        List<Object> out = new ArrayList<>();
        for (String part : new String[] {"*2\r", "\n$4\r\nEC", "HO\r", "\n$3\r\nab", "c", "\r", "\n"}) {
            buf.writeBytes(part.getBytes(StandardCharsets.ISO_8859_1));
            p.parse(buf, out);
            buf.discardReadBytes();
            assertEquals(out.isEmpty(), p.inRequest() || buf.isReadable() || out.isEmpty());
        }
        assertEquals(1, out.size());
        assertEquals("abc", new String(((byte[][]) out.get(0))[1], StandardCharsets.ISO_8859_1));
        assertTrue(!p.inRequest());
    }

    /** Feeds {@code parts} as successive reads (read bytes discarded, as the decoder does). */
    private static List<Object> feed(RespParser p, String... parts) throws ProtocolException {
        ByteBuf buf = Unpooled.buffer();
        List<Object> out = new ArrayList<>();
        try {
            for (String part : parts) {
                buf.writeBytes(part.getBytes(StandardCharsets.ISO_8859_1));
                p.parse(buf, out);
                assertEquals(0, buf.readableBytes(), "a read is consumed whole");
                buf.discardReadBytes();
            }
        } finally {
            buf.release();
        }
        return out;
    }

    private static String joined(Object request) {
        List<String> args = new ArrayList<>();
        for (byte[] a : (byte[][]) request) {
            args.add(new String(a, StandardCharsets.ISO_8859_1));
        }
        return String.join("|", args);
    }

    @Test
    void splitsInsideHeaderDigitsAndBetweenCrAndLf() throws ProtocolException {
        RespParser p = new RespParser();
        List<Object> out = feed(p, "*", "1", "2", "\r", "\n$1", "0", "\r", "\n0123456789\r",
                "\n$3\r\nab", "c\r\n$0", "\r\n\r\n");
        assertTrue(out.isEmpty());
        assertTrue(p.inRequest());
        StringBuilder rest = new StringBuilder();
        for (int i = 0; i < 9; i++) {
            rest.append("$1\r\n").append(i).append("\r\n");
        }
        out = feed(p, rest.toString(), "PING\r", "\n*1\r\n$4\r\nPING\r", "\n");
        assertEquals(List.of("0123456789|abc||0|1|2|3|4|5|6|7|8", "PING", "PING"),
                out.stream().map(RespParserTest::joined).toList());
        assertTrue(!p.inRequest());
        assertEquals(0, p.bufferedBytes());
    }

    @Test
    void bufferedBytesCountsTheCarriedLineAndTheBulkSoFar() throws ProtocolException {
        RespParser p = new RespParser();
        feed(p, "*2\r\n$4\r\nECHO\r\n$1");
        assertEquals(2, p.bufferedBytes(), "the header line waiting for its end");
        feed(p, "0\r\nabcd");
        assertEquals(4, p.bufferedBytes(), "the bulk's bytes received so far");
        feed(p, "efghij\r");
        assertEquals(11, p.bufferedBytes(), "its CR too");
        List<Object> out = feed(p, "\nGET");
        assertEquals(List.of("ECHO|abcdefghij"), out.stream().map(RespParserTest::joined).toList());
        assertEquals(3, p.bufferedBytes(), "an inline line waiting for its end");
    }

    /**
     * An 8 MiB bulk arriving in 4 KiB reads is copied into its argument as it arrives: what the
     * parser allocates stays within a small multiple of the bulk (its array at most doubles
     * what arrived), not a copy of everything received so far on every read.
     */
    @Test
    void bigBulkAcrossManyReadsIsCopiedAsItArrives() throws ProtocolException {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        int size = 8 << 20;
        byte[] value = new byte[size];
        new java.util.Random(7).nextBytes(value);
        byte[] header = ("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + size + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] trailer = "\r\n*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] stream = new byte[header.length + size + trailer.length];
        System.arraycopy(header, 0, stream, 0, header.length);
        System.arraycopy(value, 0, stream, header.length, size);
        System.arraycopy(trailer, 0, stream, header.length + size, trailer.length);
        RespParser p = new RespParser();
        List<Object> out = new ArrayList<>();
        ByteBuf read = Unpooled.directBuffer(4096);
        parse(new RespParser(), "*1\r\n$4\r\nPING\r\n");
        long before = mx.getThreadAllocatedBytes(tid);
        for (int at = 0; at < stream.length; at += 4093) {
            read.clear().writeBytes(stream, at, Math.min(4093, stream.length - at));
            p.parse(read, out);
            if (at + 4093 < header.length + size) {
                assertEquals(Math.max(0, at + 4093 - header.length), p.bufferedBytes());
            }
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        read.release();
        assertEquals(2, out.size());
        assertTrue(Arrays.equals(value, ((byte[][]) out.get(0))[2]), "the bulk's bytes");
        assertEquals("PING", joined(out.get(1)));
        assertTrue(allocated < 3L * size, "allocated " + allocated + " bytes for a " + size + " byte bulk");
    }

    /**
     * A client declares a 512 MiB bulk (the largest proto-max-bulk-len allows) and sends a few
     * bytes: the parser must wait without allocating for the declared size, so such clients
     * cannot exhaust the heap. Measured with the thread's allocation counter.
     */
    @Test
    void hugeDeclaredBulkDoesNotAllocateAhead() throws ProtocolException {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        RespParser p = new RespParser();
        ByteBuf buf = Unpooled.buffer(256);
        List<Object> out = new ArrayList<>();
        // warm up code paths so class loading does not count
        parse(new RespParser(), "*1\r\n$4\r\nPING\r\n");
        long before = mx.getThreadAllocatedBytes(tid);
        buf.writeBytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$536870912\r\nabc".getBytes(StandardCharsets.US_ASCII));
        p.parse(buf, out);
        for (int i = 0; i < 100; i++) {
            buf.writeBytes("more".getBytes(StandardCharsets.US_ASCII));
            p.parse(buf, out);
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertTrue(out.isEmpty());
        assertTrue(p.inRequest());
        assertTrue(allocated < 1 << 20, "parser allocated " + allocated + " bytes while waiting for a 512 MiB bulk");
        buf.release();
    }

    static String unescape(String s) {
        return s.replace("\\r", "\r").replace("\\n", "\n");
    }
}
