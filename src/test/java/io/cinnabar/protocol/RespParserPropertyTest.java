package io.cinnabar.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random pipelines of requests, written as multibulk or as inline commands (plain, single- and
 * double-quoted arguments, CRLF or LF line ends), interleaved with no-ops Redis ignores (empty
 * lines, {@code *0}, {@code *-1}). Whatever way the byte stream is cut into reads, the parser
 * must produce exactly the requests that were encoded, in order.
 */
class RespParserPropertyTest {

    /** One request with the bytes that encode it (possibly preceded by no-op bytes). */
    record Encoded(List<byte[]> args, byte[] bytes) {
        @Override
        public String toString() {
            return show(bytes);
        }
    }

    record Pipeline(List<byte[][]> requests, byte[] bytes) {
        @Override
        public String toString() {
            return requests.size() + " requests, " + bytes.length + " bytes: " + show(bytes);
        }
    }

    // ------------------------------------------------------------------ properties

    @Property(tries = 300)
    void wholeStreamDecodesToTheEncodedRequests(@ForAll("pipelines") Pipeline p) throws ProtocolException {
        assertSame(p.requests, decode(p.bytes, new int[0]));
    }

    @Property(tries = 120)
    void everySingleSplitPointGivesTheSameRequests(@ForAll("smallPipelines") Pipeline p) throws ProtocolException {
        List<byte[][]> whole = decode(p.bytes, new int[0]);
        assertSame(p.requests, whole);
        for (int cut = 1; cut < p.bytes.length; cut++) {
            assertSame(whole, decode(p.bytes, new int[] {cut}));
        }
    }

    @Property(tries = 40)
    void oneByteAtATimeGivesTheSameRequests(@ForAll("pipelines") Pipeline p) throws ProtocolException {
        int[] cuts = new int[Math.max(0, p.bytes.length - 1)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i + 1;
        }
        assertSame(p.requests, decode(p.bytes, cuts));
    }

    @Property(tries = 300)
    void randomMultiSplitsGiveTheSameRequests(@ForAll("pipelines") Pipeline p, @ForAll long seed) throws ProtocolException {
        Random r = new Random(seed);
        int n = p.bytes.length <= 1 ? 0 : 1 + r.nextInt(Math.min(40, p.bytes.length - 1));
        int[] cuts = r.ints(n, 1, Math.max(2, p.bytes.length)).sorted().distinct().toArray();
        assertSame(p.requests, decode(p.bytes, cuts));
    }

    /**
     * Arbitrary byte soup made of protocol tokens: the parser either waits, yields requests, or
     * fails with one of Redis's protocol error texts (never any other exception), and the outcome
     * (requests before the error, and the error) does not depend on how the bytes are split.
     */
    @Property(tries = 500)
    void garbageFailsOnlyWithRedisErrorsWhateverTheSplit(@ForAll("garbage") byte[] bytes, @ForAll long seed) {
        String whole = outcome(bytes, new int[0]);
        Random r = new Random(seed);
        int[] cuts = bytes.length <= 1 ? new int[0]
                : r.ints(1 + r.nextInt(Math.min(10, bytes.length - 1)), 1, bytes.length).sorted().distinct().toArray();
        assertEquals(whole, outcome(bytes, cuts));
        int n = whole.indexOf("error: ");
        if (n >= 0) {
            String msg = whole.substring(n + "error: ".length());
            org.junit.jupiter.api.Assertions.assertTrue(
                    msg.equals("Protocol error: invalid multibulk length")
                    || msg.equals("Protocol error: invalid bulk length")
                    || msg.equals("Protocol error: unbalanced quotes in request")
                    || msg.matches("(?s)Protocol error: expected '\\$', got '.'"), msg);
        }
    }

    private static String outcome(byte[] bytes, int[] cuts) {
        RespParser parser = new RespParser();
        ByteBuf buf = Unpooled.buffer();
        List<Object> out = new ArrayList<>();
        String error = "";
        int from = 0;
        try {
            for (int i = 0; i <= cuts.length; i++) {
                int to = i < cuts.length ? cuts[i] : bytes.length;
                if (to <= from) {
                    continue;
                }
                buf.writeBytes(bytes, from, to - from);
                parser.parse(buf, out);
                buf.discardReadBytes();
                from = to;
            }
        } catch (ProtocolException e) {
            error = " error: " + e.getMessage();
        } finally {
            buf.release();
        }
        List<byte[][]> requests = new ArrayList<>();
        for (Object o : out) {
            requests.add((byte[][]) o);
        }
        return render(requests) + error;
    }

    @Provide
    Arbitrary<byte[]> garbage() {
        Arbitrary<String> token = Arbitraries.of("*", "$", "*1\r\n", "*2\r\n", "$3\r\n", "$0\r\n", "$-1", "-",
                "0", "1", "2", "3", "12", "\r\n", "\r", "\n", "abc", "PING", " ", "\"", "'", "\\", "x", ":", "+");
        return token.list().ofMinSize(1).ofMaxSize(30)
                .map(ts -> String.join("", ts).getBytes(StandardCharsets.ISO_8859_1));
    }

    @Property(tries = 100)
    void inlineSplitterRoundTripsDoubleQuotedArguments(@ForAll("args") List<byte[]> args) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (byte[] a : args) {
            line.writeBytes(doubleQuoted(a));
            line.write(' ');
        }
        byte[][] split = InlineSplitter.split(line.toByteArray());
        assertSame(List.<byte[][]>of(args.toArray(new byte[0][])), List.<byte[][]>of(split));
    }

    // ------------------------------------------------------------------ decoding

    /**
     * Feeds {@code bytes} to one parser in reads cut at {@code cuts} (sorted offsets), the way
     * Netty's cumulation does: unread bytes stay, new bytes are appended, and read bytes are
     * discarded between reads (so the parser must not hold buffer offsets across calls).
     */
    static List<byte[][]> decode(byte[] bytes, int[] cuts) throws ProtocolException {
        RespParser parser = new RespParser();
        ByteBuf buf = Unpooled.buffer();
        List<Object> out = new ArrayList<>();
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : bytes.length;
            if (to <= from) {
                continue;
            }
            buf.writeBytes(bytes, from, to - from);
            parser.parse(buf, out);
            buf.discardReadBytes();
            from = to;
        }
        List<byte[][]> requests = new ArrayList<>();
        for (Object o : out) {
            requests.add((byte[][]) o);
        }
        buf.release();
        return requests;
    }

    static void assertSame(List<byte[][]> expected, List<byte[][]> actual) {
        assertEquals(render(expected), render(actual));
    }

    private static List<String> render(List<byte[][]> requests) {
        List<String> r = new ArrayList<>();
        for (byte[][] req : requests) {
            StringBuilder b = new StringBuilder("[");
            for (byte[] a : req) {
                b.append(show(a)).append(", ");
            }
            r.add(b.append(']').toString());
        }
        return r;
    }

    static String show(byte[] b) {
        StringBuilder s = new StringBuilder("\"");
        for (byte x : b) {
            int c = x & 0xff;
            if (c >= 32 && c < 127 && c != '"' && c != '\\') {
                s.append((char) c);
            } else {
                s.append(String.format("\\x%02x", c));
            }
        }
        return s.append('"').toString();
    }

    // ------------------------------------------------------------------ generators

    /** Bytes that matter to the parser (CR, LF, quotes, escapes, '*', '$', NUL, space) plus any byte. */
    @Provide
    Arbitrary<byte[]> arg() {
        return arg(true);
    }

    private static Arbitrary<byte[]> arg(boolean allowLarge) {
        Arbitrary<Byte> special = Arbitraries.of((byte) '\r', (byte) '\n', (byte) '"', (byte) '\'', (byte) '\\',
                (byte) '*', (byte) '$', (byte) 0, (byte) ' ', (byte) '\t', (byte) 'x');
        Arbitrary<Byte> letters = Arbitraries.bytes().between((byte) 'a', (byte) 'z');
        Arbitrary<Byte> any = Arbitraries.bytes();
        Arbitrary<Byte> b = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, special), net.jqwik.api.Tuple.of(4, letters), net.jqwik.api.Tuple.of(3, any));
        Arbitrary<byte[]> small = b.array(byte[].class).ofMaxSize(24);
        if (!allowLarge) {
            return Arbitraries.frequencyOf(
                    net.jqwik.api.Tuple.of(1, Arbitraries.just(new byte[0])),
                    net.jqwik.api.Tuple.of(12, small));
        }
        // At most 2000 bytes: six of them double-quoted (4 bytes per byte at worst) stay under the
        // 64 KiB inline limit that applies while a line's end has not arrived.
        Arbitrary<byte[]> large = b.array(byte[].class).ofMinSize(200).ofMaxSize(2000);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new byte[0])),
                net.jqwik.api.Tuple.of(12, small),
                net.jqwik.api.Tuple.of(1, large));
    }

    @Provide
    Arbitrary<List<byte[]>> args() {
        return args(true);
    }

    private static Arbitrary<List<byte[]>> args(boolean allowLarge) {
        return arg(allowLarge).list().ofMinSize(1).ofMaxSize(6);
    }

    @Provide
    Arbitrary<Pipeline> pipelines() {
        return request(true).list().ofMinSize(1).ofMaxSize(12).map(RespParserPropertyTest::join);
    }

    /** Pipelines short enough to try every split point. */
    @Provide
    Arbitrary<Pipeline> smallPipelines() {
        return request(false).list().ofMinSize(1).ofMaxSize(5).map(RespParserPropertyTest::join)
                .filter(p -> p.bytes.length <= 1500);
    }

    private static Pipeline join(List<Encoded> encoded) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        List<byte[][]> requests = new ArrayList<>();
        for (Encoded e : encoded) {
            all.writeBytes(e.bytes);
            requests.add(e.args.toArray(new byte[0][]));
        }
        return new Pipeline(requests, all.toByteArray());
    }

    private static Arbitrary<Encoded> request(boolean allowLarge) {
        Arbitrary<byte[]> noop = Arbitraries.of("", "", "", "\r\n", "\n", "   \r\n", "*0\r\n", "*-1\r\n", "\t\n")
                .map(s -> s.getBytes(StandardCharsets.ISO_8859_1));
        Arbitrary<Encoded> multibulk = Combinators.combine(noop, args(allowLarge))
                .as((pre, args) -> new Encoded(args, concat(pre, multibulk(args))));
        Arbitrary<Encoded> inline = Combinators.combine(noop, args(allowLarge), inlineStyle(), Arbitraries.of("\r\n", "\n"),
                Arbitraries.of(" ", "  ", "\t", " \t "))
                .as((pre, args, style, eol, sep) -> new Encoded(args, concat(pre, inline(args, style, sep, eol))));
        return Arbitraries.oneOf(multibulk, inline);
    }

    private static Arbitrary<Integer> inlineStyle() {
        return Arbitraries.integers().between(0, 2);
    }

    static byte[] multibulk(List<byte[]> args) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("*" + args.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] a : args) {
            b.writeBytes(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.writeBytes(a);
            b.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return b.toByteArray();
    }

    /**
     * An inline line. Style 0 = double quotes everywhere; 1 = plain where safe, else single
     * quotes where safe, else double quotes; 2 = single quotes where safe, else double quotes.
     */
    static byte[] inline(List<byte[]> args, int style, String sep, String eol) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < args.size(); i++) {
            if (i > 0) {
                b.writeBytes(sep.getBytes(StandardCharsets.US_ASCII));
            }
            byte[] a = args.get(i);
            if (style == 1 && plainSafe(a)) {
                b.writeBytes(a);
            } else if (style >= 1 && singleSafe(a)) {
                b.write('\'');
                b.writeBytes(a);
                b.write('\'');
            } else {
                b.writeBytes(doubleQuoted(a));
            }
        }
        b.writeBytes(eol.getBytes(StandardCharsets.US_ASCII));
        return b.toByteArray();
    }

    /** Letters, digits and a few marks: never starts a quote, never splits, never starts a multibulk. */
    private static boolean plainSafe(byte[] a) {
        if (a.length == 0) {
            return false;
        }
        for (byte c : a) {
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == ':' || c == '.' || c == '-' || c == '$';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Single quotes take bytes literally, except the quote itself and a backslash before it. */
    private static boolean singleSafe(byte[] a) {
        for (byte c : a) {
            if (c == '\'' || c == '\\' || c == '\r' || c == '\n') {
                return false;
            }
        }
        return true;
    }

    /** Double quotes with escapes: \" \\ \n \r \t and \xHH for anything else outside printable ASCII. */
    static byte[] doubleQuoted(byte[] a) {
        StringBuilder s = new StringBuilder("\"");
        for (byte x : a) {
            int c = x & 0xff;
            switch (c) {
                case '"': s.append("\\\""); break;
                case '\\': s.append("\\\\"); break;
                case '\n': s.append("\\n"); break;
                case '\r': s.append("\\r"); break;
                case '\t': s.append("\\t"); break;
                default:
                    if (c >= 32 && c < 127) {
                        s.append((char) c);
                    } else {
                        s.append(String.format("\\x%02x", c));
                    }
            }
        }
        return s.append('"').toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
