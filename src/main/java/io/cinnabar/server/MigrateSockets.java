package io.cinnabar.server;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The outgoing connections MIGRATE keeps open between calls, as Redis's migrate_cached_sockets:
 * one per "host:port" exactly as the arguments spell it, at most 64 (a random one is dropped to
 * make room), closed after 10 seconds unused by {@link #closeIdle}, which the owner runs from the
 * cron, and closed by the caller on any I/O error. Data thread only.
 *
 * <p>Each {@link Link} does blocking I/O with a timeout, as Redis's syncio does on its main
 * thread: the socket is non-blocking and a private selector waits for it, because a blocking
 * channel has no timeout for writes and a target that stops reading must not hang the server.
 */
public final class MigrateSockets {
    static final int MAX_LINKS = 64;
    static final long IDLE_CLOSE_MILLIS = 10_000;
    /** Redis hands the target its request in chunks of this size, each with the full timeout. */
    private static final int WRITE_CHUNK = 64 * 1024;

    private final Map<String, Link> links = new LinkedHashMap<>();

    public int size() {
        return links.size();
    }

    /**
     * The cached link to host:port, or a new one. Like Redis's blocking connect, this fails only
     * when connecting cannot even start (an unknown host, a port no resolver accepts): a refused
     * or slow connection shows up as the failure of the link's first write.
     */
    public Link get(String host, String port, long nowMillis) throws IOException {
        String name = host + ":" + port;
        Link link = links.get(name);
        if (link == null) {
            int portNumber = portNumber(port);
            if (portNumber < 0 || host.isEmpty()) {
                throw new IOException("cannot resolve " + name);
            }
            InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(host), portNumber);
            if (links.size() >= MAX_LINKS) {
                dropRandomLink();
            }
            link = new Link(name, address);
            links.put(name, link);
        }
        link.lastUseMillis = nowMillis;
        return link;
    }

    /**
     * The port as C's atoi reads it and getaddrinfo takes it: leading blanks, a sign and the
     * digits up to the first other byte; negative is refused, larger numbers wrap to 16 bits.
     */
    static int portNumber(String text) {
        int i = 0;
        int n = text.length();
        while (i < n && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        boolean negative = i < n && text.charAt(i) == '-';
        if (i < n && (text.charAt(i) == '-' || text.charAt(i) == '+')) {
            i++;
        }
        int value = 0;
        while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
            value = value * 10 + (text.charAt(i++) - '0');
        }
        if (negative && value != 0) {
            return -1;
        }
        return value & 0xFFFF;
    }

    private void dropRandomLink() {
        int victim = ThreadLocalRandom.current().nextInt(links.size());
        Iterator<Link> it = links.values().iterator();
        for (int i = 0; i < victim; i++) {
            it.next();
        }
        Link link = it.next();
        it.remove();
        link.close();
    }

    /** Forgets and closes a link; a link already closed is ignored. */
    public void close(Link link) {
        if (links.get(link.name) == link) {
            links.remove(link.name);
        }
        link.close();
    }

    /** Closes the links unused for more than 10 seconds. */
    public void closeIdle(long nowMillis) {
        if (links.isEmpty()) {
            return;
        }
        List<Link> idle = new ArrayList<>();
        for (Link link : links.values()) {
            if (nowMillis - link.lastUseMillis > IDLE_CLOSE_MILLIS) {
                idle.add(link);
            }
        }
        for (Link link : idle) {
            close(link);
        }
    }

    public void closeAll() {
        for (Link link : new ArrayList<>(links.values())) {
            close(link);
        }
    }

    /** One outgoing connection, with the database its last successful MIGRATE selected. */
    public static final class Link {
        private final String name;
        private final SocketChannel channel;
        private final Selector selector;
        private final SelectionKey key;
        /** Bytes read past the last line returned: a reply never spans two links' lifetimes. */
        private final ByteBuffer readAhead = ByteBuffer.allocate(4096).flip();
        private IOException connectFailure;
        private boolean connecting;
        long lastUseMillis;
        /** The database the target has selected for us, -1 when unknown (new link, or after an error). */
        public long selectedDb = -1;

        Link(String name, InetSocketAddress address) throws IOException {
            this.name = name;
            channel = SocketChannel.open();
            Selector opened = null;
            try {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                opened = Selector.open();
                key = channel.register(opened, 0);
            } catch (IOException e) {
                if (opened != null) {
                    opened.close();
                }
                channel.close();
                throw e;
            }
            selector = opened;
            try {
                connecting = !channel.connect(address);
            } catch (IOException e) {
                connectFailure = e; // Redis learns of it on the first write too
            }
        }

        /** Sends len bytes, each chunk of 64 KB within timeoutMillis. */
        public void write(byte[] bytes, int len, long timeoutMillis) throws IOException {
            finishConnect(timeoutMillis);
            ByteBuffer out = ByteBuffer.wrap(bytes, 0, len);
            while (out.hasRemaining()) {
                long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
                out.limit(Math.min(len, out.position() + WRITE_CHUNK));
                while (out.hasRemaining()) {
                    if (channel.write(out) == 0) {
                        await(SelectionKey.OP_WRITE, deadline);
                    }
                }
                out.limit(len);
            }
        }

        private void finishConnect(long timeoutMillis) throws IOException {
            if (connectFailure != null) {
                throw connectFailure;
            }
            if (!connecting) {
                return;
            }
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            while (!channel.finishConnect()) {
                await(SelectionKey.OP_CONNECT, deadline);
            }
            connecting = false;
        }

        /**
         * Reads one reply line into {@code line} without its CR LF, as Redis's syncReadLine: at
         * most line.length - 1 bytes (the rest stays for the next read), waiting up to
         * timeoutMillis. Returns its length.
         */
        public int readLine(byte[] line, long timeoutMillis) throws IOException {
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            int n = 0;
            while (n < line.length - 1) {
                if (!readAhead.hasRemaining()) {
                    fill(deadline);
                }
                byte b = readAhead.get();
                if (b == '\n') {
                    return n > 0 && line[n - 1] == '\r' ? n - 1 : n;
                }
                line[n++] = b;
            }
            return n;
        }

        private void fill(long deadline) throws IOException {
            readAhead.clear();
            try {
                while (true) {
                    int n = channel.read(readAhead);
                    if (n < 0) {
                        throw new EOFException("connection closed by the target");
                    }
                    if (n > 0) {
                        return;
                    }
                    await(SelectionKey.OP_READ, deadline);
                }
            } finally {
                readAhead.flip();
            }
        }

        private void await(int op, long deadline) throws IOException {
            long leftMillis = (deadline - System.nanoTime()) / 1_000_000L;
            if (leftMillis <= 0) {
                throw new SocketTimeoutException("timed out");
            }
            key.interestOps(op);
            selector.select(leftMillis);
            selector.selectedKeys().clear();
            key.interestOps(0);
        }

        void close() {
            closeQuietly(channel);
            closeQuietly(selector);
        }

        private static void closeQuietly(java.io.Closeable resource) {
            try {
                resource.close();
            } catch (IOException ignored) {
                // a failed close leaves nothing to retry on
            }
        }
    }
}
