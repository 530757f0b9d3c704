package io.cinnabar.commands;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for a MIGRATE target on an ephemeral port that misbehaves on purpose: it answers
 * every command with +OK and records it, or accepts and never reads, or reads once and closes.
 */
final class MigrateTargetStub implements AutoCloseable {
    enum Behaviour { ANSWER_OK, NEVER_READ, READ_THEN_CLOSE }

    private final ServerSocket listener;
    private final Behaviour behaviour;
    private final List<Socket> connections = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger closedByPeer = new AtomicInteger();
    /** The commands received, each as "connection#: word word ...", payloads shown as their length. */
    final List<String> received = Collections.synchronizedList(new ArrayList<>());
    private final Thread acceptor;

    MigrateTargetStub(Behaviour behaviour) throws IOException {
        this.behaviour = behaviour;
        listener = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "migrate-target-stub");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    int accepted() {
        return accepted.get();
    }

    /** Connections the migrating server closed (seen as end of stream by an answering stub). */
    int closedByPeer() {
        return closedByPeer.get();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket s;
            try {
                s = listener.accept();
            } catch (IOException e) {
                return;
            }
            int id = accepted.incrementAndGet();
            connections.add(s);
            if (behaviour == Behaviour.NEVER_READ) {
                continue;
            }
            Thread t = new Thread(() -> serve(s, id), "migrate-target-stub-" + id);
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket s, int id) {
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            if (behaviour == Behaviour.READ_THEN_CLOSE) {
                in.read();
                return;
            }
            OutputStream out = s.getOutputStream();
            while (true) {
                List<String> command = readCommand(in);
                if (command == null) {
                    closedByPeer.incrementAndGet();
                    return;
                }
                received.add(id + ": " + String.join(" ", command));
                out.write("+OK\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException e) {
            // the test is over or the peer went away
        }
    }

    /** One RESP array of bulk strings; arguments longer than 32 bytes become "<n bytes>". Null at end of stream. */
    private static List<String> readCommand(InputStream in) throws IOException {
        String header = line(in);
        if (header == null) {
            return null;
        }
        int n = Integer.parseInt(header.substring(1));
        List<String> words = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int len = Integer.parseInt(line(in).substring(1));
            byte[] arg = in.readNBytes(len + 2);
            words.add(len > 32 ? "<" + len + " bytes>" : new String(arg, 0, len, StandardCharsets.ISO_8859_1));
        }
        return words;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                return null;
            }
            if (b != '\r') {
                s.append((char) b);
            }
        }
        return s.toString();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        synchronized (connections) {
            for (Socket s : connections) {
                s.close();
            }
        }
    }
}
