package io.cinnabar.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A deliberately plain RESP2/RESP3 client for tests: sends commands and returns each reply's
 * exact bytes (for byte-for-byte comparison) or a parsed form. Every read has a timeout.
 */
public final class RespClient implements AutoCloseable {
    /** An error reply in parsed form. */
    public static final class Err {
        public final String message;

        Err(String message) {
            this.message = message;
        }

        @Override
        public String toString() {
            return "Err(" + message + ")";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Err && ((Err) o).message.equals(message);
        }

        @Override
        public int hashCode() {
            return message.hashCode();
        }
    }

    /** A reply's exact bytes and its parsed form. */
    public static final class Reply {
        public final byte[] raw;
        public final Object value;

        Reply(byte[] raw, Object value) {
            this.raw = raw;
            this.value = value;
        }

        public String text() {
            return new String(raw, StandardCharsets.ISO_8859_1);
        }

        @Override
        public String toString() {
            return text().replace("\r\n", "\\r\\n");
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RespClient(String host, int port) {
        try {
            socket = new Socket();
            socket.connect(new InetSocketAddress(host, port), 5000);
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void setReadTimeout(int millis) {
        try {
            socket.setSoTimeout(millis);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] encode(byte[]... args) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] a : args) {
            b.writeBytes(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.writeBytes(a);
            b.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return b.toByteArray();
    }

    public static byte[][] args(String... args) {
        byte[][] a = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            a[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        return a;
    }

    /** Sends raw bytes (for protocol tests and pipelines). */
    public void sendRaw(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void send(String... args) {
        sendRaw(encode(args(args)));
    }

    public void send(byte[]... args) {
        sendRaw(encode(args));
    }

    public Reply call(byte[]... args) {
        send(args);
        return read();
    }

    public Reply call(String... args) {
        return call(args(args));
    }

    /** The raw reply as text (ISO-8859-1), e.g. "+OK\r\n". */
    public String callText(String... args) {
        return call(args).text();
    }

    /** The parsed reply: String (simple), Err, Long, byte[]→String (bulk), List, Map, Double, Boolean, null. */
    public Object callValue(String... args) {
        return call(args).value;
    }

    public Reply read() {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try {
            Object v = readValue(raw);
            return new Reply(raw.toByteArray(), v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True if the server closed the connection (reads EOF within the timeout). */
    public boolean isClosedByServer() {
        try {
            return in.read() == -1;
        } catch (IOException e) {
            return true;
        }
    }

    private Object readValue(ByteArrayOutputStream raw) throws IOException {
        int type = in.read();
        if (type == -1) {
            throw new EOFException("connection closed");
        }
        raw.write(type);
        String line = readLine(raw);
        switch (type) {
            case '+': return line;
            case '-': return new Err(line);
            case ':': return Long.parseLong(line);
            case '_': return null;
            case '#': return line.equals("t");
            case ',': return line;
            case '(': return new java.math.BigInteger(line);
            case '$':
            case '=':
            case '!': {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return null;
                }
                byte[] b = in.readNBytes(n);
                raw.write(b);
                byte[] crlf = in.readNBytes(2);
                raw.write(crlf);
                String s = new String(b, StandardCharsets.UTF_8);
                return type == '!' ? new Err(s) : s;
            }
            case '*':
            case '~':
            case '>': {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return null;
                }
                List<Object> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(readValue(raw));
                }
                return list;
            }
            case '%':
            case '|': {
                int n = Integer.parseInt(line);
                Map<Object, Object> m = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    Object k = readValue(raw);
                    m.put(k instanceof List ? k.toString() : k, readValue(raw));
                }
                if (type == '|') {
                    return readValue(raw); // attribute, then the real reply
                }
                return m;
            }
            default:
                throw new IOException("unexpected reply type '" + (char) type + "' after " + Arrays.toString(raw.toByteArray()));
        }
    }

    private String readLine(ByteArrayOutputStream raw) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c == -1) {
                throw new EOFException("connection closed mid-line");
            }
            raw.write(c);
            if (c == '\r') {
                int lf = in.read();
                raw.write(lf);
                return line.toString(StandardCharsets.UTF_8);
            }
            line.write(c);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
