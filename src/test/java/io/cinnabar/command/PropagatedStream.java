package io.cinnabar.command;

import io.cinnabar.testing.CinnabarFixture;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The commands a replica receives, read from a socket (real Redis after SYNC) or recorded from
 * Cinnabar's propagation stream through the same encoder a replica link would use. Tests cut it
 * into segments at marker commands ({@code PUBLISH <marker> <n>}, which both servers send to
 * replicas only) and compare the segments.
 */
final class PropagatedStream implements AutoCloseable {
    static final String MARKER = "__propagation_marker__";

    private final InputStream in;
    private final AutoCloseable resource;

    private PropagatedStream(InputStream in, AutoCloseable resource) {
        this.in = in;
        this.resource = resource;
    }

    /** Attaches to a real Redis as a replica with SYNC and skips the RDB snapshot it sends first. */
    static PropagatedStream syncWith(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(20_000);
        OutputStream out = socket.getOutputStream();
        out.write("SYNC\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = new BufferedInputStream(socket.getInputStream());
        String header = line(in);
        while (header.isEmpty()) {
            header = line(in); // keepalive newlines while the snapshot is made
        }
        if (header.startsWith("$EOF:")) {
            byte[] mark = header.substring(5).getBytes(StandardCharsets.US_ASCII);
            int matched = 0;
            while (matched < mark.length) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("stream ended in the snapshot");
                }
                matched = b == mark[matched] ? matched + 1 : (b == mark[0] ? 1 : 0);
            }
        } else {
            long length = Long.parseLong(header.substring(1));
            for (long skipped = 0; skipped < length; ) {
                long n = in.skip(length - skipped);
                if (n <= 0) {
                    if (in.read() < 0) {
                        throw new IOException("stream ended in the snapshot");
                    }
                    n = 1;
                }
                skipped += n;
            }
        }
        return new PropagatedStream(in, socket);
    }

    /** Records what Cinnabar propagates to replicas, encoded as a replica link would send it. */
    static PropagatedStream record(CinnabarFixture cinnabar) {
        Recorder recorder = new Recorder();
        cinnabar.onDataThread(() -> {
            cinnabar.server().propagation().addSink(recorder, Propagation.REPLICAS);
            return null;
        });
        return new PropagatedStream(recorder, () -> cinnabar.onDataThread(() -> {
            cinnabar.server().propagation().removeSink(recorder);
            return null;
        }));
    }

    /** The commands up to (not including) the marker with this number; MULTI/EXEC and SELECT included. */
    List<List<String>> readUntilMarker(long n) throws IOException {
        List<List<String>> commands = new ArrayList<>();
        while (true) {
            List<String> command = readCommand();
            if (command.size() == 3 && command.get(0).equalsIgnoreCase("publish") && command.get(1).equals(MARKER)) {
                if (command.get(2).equals(Long.toString(n))) {
                    return commands;
                }
                continue; // an earlier marker, left behind by a step that failed
            }
            if (command.size() == 1 && command.get(0).equalsIgnoreCase("ping")) {
                continue; // Redis's replica ping, no command of ours
            }
            commands.add(command);
        }
    }

    private List<String> readCommand() throws IOException {
        String header = line(in);
        if (header.isEmpty()) {
            return readCommand();
        }
        if (header.charAt(0) != '*') {
            throw new IOException("not a command array: " + header);
        }
        int n = Integer.parseInt(header.substring(1));
        List<String> command = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String bulk = line(in);
            if (bulk.charAt(0) != '$') {
                throw new IOException("not a bulk string: " + bulk);
            }
            byte[] arg = in.readNBytes(Integer.parseInt(bulk.substring(1)));
            if (in.read() != '\r' || in.read() != '\n') {
                throw new IOException("bulk string not terminated");
            }
            command.add(new String(arg, StandardCharsets.ISO_8859_1));
        }
        return command;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("stream ended");
            }
            if (b == '\n') {
                int len = s.length();
                return len > 0 && s.charAt(len - 1) == '\r' ? s.substring(0, len - 1) : s.toString();
            }
            s.append((char) b);
        }
    }

    @Override
    public void close() throws Exception {
        resource.close();
    }

    /** A sink that keeps the replica-bound bytes for the test thread to read, waiting up to 20 s for more. */
    static final class Recorder extends InputStream implements PropagationSink {
        private final CommandStreamEncoder encoder = new CommandStreamEncoder();
        private final ByteBuf bytes = Unpooled.buffer();

        @Override
        public synchronized void propagate(int db, byte[][] argv, int targets) {
            encoder.encode(db, argv, bytes);
            notifyAll();
        }

        @Override
        public synchronized int read() throws IOException {
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!bytes.isReadable()) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new IOException("nothing propagated within 20 s");
                }
                try {
                    wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            int b = bytes.readByte() & 0xFF;
            bytes.discardSomeReadBytes();
            return b;
        }
    }
}
