import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pub/sub fan-out load for bench/pubsub-fanout.sh, run as {@code java bench/PubSubFanout.java}:
 * SUBSCRIBERS connections subscribe to one channel and read everything they are sent (each on its
 * own thread, counting whole message frames), then PUBLISHERS connections publish PAYLOAD-byte
 * messages, PIPELINE at a time, for SECONDS. Prints one line:
 * {@code published_per_s=<n> delivered_per_s=<n> published=<n> delivered=<n> expected=<n> lost_subscribers=<n>}
 * where delivered counts messages subscribers actually read, until every published message has
 * arrived or nothing arrives for two seconds.
 *
 * <p>Usage: {@code java PubSubFanout.java HOST PORT SUBSCRIBERS PUBLISHERS PIPELINE PAYLOAD SECONDS}
 */
public final class PubSubFanout {
    private static final String CHANNEL = "fanout";

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int subscribers = Integer.parseInt(args[2]);
        int publishers = Integer.parseInt(args[3]);
        int pipeline = Integer.parseInt(args[4]);
        int payloadBytes = Integer.parseInt(args[5]);
        double seconds = Double.parseDouble(args[6]);

        byte[] payload = new byte[payloadBytes];
        java.util.Arrays.fill(payload, (byte) 'x');
        int frameBytes = messageFrame(payload).length;
        AtomicLong delivered = new AtomicLong();
        AtomicLong lastDelivery = new AtomicLong();
        AtomicLong lost = new AtomicLong();
        List<Socket> subscriberSockets = new ArrayList<>();
        for (int i = 0; i < subscribers; i++) {
            Socket s = connect(host, port);
            subscriberSockets.add(s);
            s.getOutputStream().write(command("SUBSCRIBE", CHANNEL));
            s.getOutputStream().flush();
            byte[] confirmation = ("*3\r\n$9\r\nsubscribe\r\n$" + CHANNEL.length() + "\r\n" + CHANNEL + "\r\n:1\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            if (!java.util.Arrays.equals(confirmation, s.getInputStream().readNBytes(confirmation.length))) {
                throw new IllegalStateException("unexpected SUBSCRIBE reply");
            }
            Thread t = new Thread(() -> readFrames(s, frameBytes, delivered, lastDelivery, lost), "subscriber-" + i);
            t.setDaemon(true);
            t.start();
        }

        byte[] batch = repeat(command("PUBLISH".getBytes(StandardCharsets.US_ASCII),
                CHANNEL.getBytes(StandardCharsets.US_ASCII), payload), pipeline);
        AtomicLong published = new AtomicLong();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        List<Thread> writers = new ArrayList<>();
        for (int i = 0; i < publishers; i++) {
            Socket s = connect(host, port);
            Thread t = new Thread(() -> publish(s, batch, pipeline, end, published), "publisher-" + i);
            t.start();
            writers.add(t);
        }
        for (Thread t : writers) {
            t.join();
        }
        long publishNanos = System.nanoTime() - start;
        long expected = published.get() * subscribers;
        long idleSince = System.nanoTime();
        long seen = delivered.get();
        while (delivered.get() < expected && System.nanoTime() - idleSince < 2_000_000_000L) {
            Thread.sleep(5);
            if (delivered.get() != seen) {
                seen = delivered.get();
                idleSince = System.nanoTime();
            }
        }
        long deliverNanos = Math.max(1, lastDelivery.get() - start);
        System.out.printf("published_per_s=%.0f delivered_per_s=%.0f published=%d delivered=%d expected=%d lost_subscribers=%d%n",
                published.get() / (publishNanos / 1e9), delivered.get() / (deliverNanos / 1e9),
                published.get(), delivered.get(), expected, lost.get());
        for (Socket s : subscriberSockets) {
            s.close();
        }
    }

    private static Socket connect(String host, int port) throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(host, port), 5000);
        return s;
    }

    /** Reads until the connection closes, counting complete message frames (all the same size). */
    private static void readFrames(Socket s, int frameBytes, AtomicLong delivered, AtomicLong lastDelivery, AtomicLong lost) {
        byte[] buf = new byte[64 * 1024];
        long bytes = 0;
        try {
            InputStream in = s.getInputStream();
            int n;
            while ((n = in.read(buf)) > 0) {
                long before = bytes / frameBytes;
                bytes += n;
                long frames = bytes / frameBytes - before;
                if (frames > 0) {
                    delivered.addAndGet(frames);
                    lastDelivery.set(System.nanoTime());
                }
            }
            if (!s.isClosed()) {
                lost.incrementAndGet(); // the server closed it (an output-buffer limit, say)
            }
        } catch (IOException e) {
            if (!s.isClosed()) {
                lost.incrementAndGet();
            }
        }
    }

    /** Sends PIPELINE publishes, reads their PIPELINE integer replies, until the deadline. */
    private static void publish(Socket s, byte[] batch, int pipeline, long end, AtomicLong published) {
        try (s) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            while (System.nanoTime() < end) {
                out.write(batch);
                out.flush();
                for (int i = 0; i < pipeline; i++) {
                    readLine(in);
                }
                published.addAndGet(pipeline);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void readLine(InputStream in) throws IOException {
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("publisher connection closed");
            }
        }
    }

    private static byte[] messageFrame(byte[] payload) {
        String head = "*3\r\n$7\r\nmessage\r\n$" + CHANNEL.length() + "\r\n" + CHANNEL + "\r\n$" + payload.length + "\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] frame = new byte[h.length + payload.length + 2];
        System.arraycopy(h, 0, frame, 0, h.length);
        System.arraycopy(payload, 0, frame, h.length, payload.length);
        frame[frame.length - 2] = '\r';
        frame[frame.length - 1] = '\n';
        return frame;
    }

    private static byte[] command(String... words) {
        byte[][] args = new byte[words.length][];
        for (int i = 0; i < words.length; i++) {
            args[i] = words[i].getBytes(StandardCharsets.US_ASCII);
        }
        return command(args);
    }

    private static byte[] command(byte[]... args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] a : args) {
            out.writeBytes(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(a);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    private static byte[] repeat(byte[] one, int times) {
        byte[] all = new byte[one.length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(one, 0, all, i * one.length, one.length);
        }
        return all;
    }
}
