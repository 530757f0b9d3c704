package io.cinnabar.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Sends raw bytes on a fresh connection and collects everything the server answers until it
 * closes the connection, or (once at least {@code minBytes} arrived and unless we wait for the
 * close) until it stays silent for {@code idleMillis}. Bounded overall by a 10 s deadline, so a
 * slow server (JIT warm-up, shared CPU) is waited for when we know what it should send.
 */
final class RawExchange {
    /** What came back, and whether the server closed the connection. */
    record Result(byte[] reply, boolean closed) {
        String text() {
            return new String(reply, StandardCharsets.ISO_8859_1);
        }

        @Override
        public String toString() {
            return (closed ? "closed after " : "open after ") + '"' + text().replace("\r", "\\r").replace("\n", "\\n") + '"';
        }
    }

    private RawExchange() {}

    static Result exchange(int port, byte[] request, int idleMillis) {
        return exchange(port, request, idleMillis, 0, false);
    }

    static Result exchange(int port, byte[] request, int idleMillis, int minBytes, boolean waitForClose) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setTcpNoDelay(true);
            try {
                s.getOutputStream().write(request);
                s.getOutputStream().flush();
            } catch (IOException e) {
                // the server closed while we were still sending (e.g. past the query buffer
                // limit): what it answered before is still to be read
            }
            return collect(s, idleMillis, minBytes, waitForClose);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Result collect(Socket s, int idleMillis, int minBytes, boolean waitForClose) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + 10_000_000_000L;
        byte[] buf = new byte[65536];
        s.setSoTimeout(idleMillis);
        while (System.nanoTime() < deadline) {
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException e) {
                if (out.size() < minBytes || waitForClose) {
                    continue;
                }
                return new Result(out.toByteArray(), false);
            } catch (IOException e) {
                // a reset after the server closed with unread input counts as closed
                return new Result(out.toByteArray(), true);
            }
            if (n < 0) {
                return new Result(out.toByteArray(), true);
            }
            out.write(buf, 0, n);
        }
        return new Result(out.toByteArray(), false);
    }
}
