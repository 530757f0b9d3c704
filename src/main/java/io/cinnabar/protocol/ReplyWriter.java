package io.cinnabar.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * Encodes replies in RESP2 or RESP3 straight into one pooled buffer per client. The buffer is
 * handed to the network once per batch ({@link #take()}); nothing here flushes.
 */
public final class ReplyWriter {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_BULK = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_ARRAY = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL3 = "_\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRUE3 = "#t\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE3 = "#f\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY_ARRAY = "*0\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int SMALL_INTS = 1024;
    private static final byte[][] INT_REPLIES = new byte[SMALL_INTS][];
    private static final byte[][] DIGITS = new byte[SMALL_INTS][];

    static {
        for (int i = 0; i < SMALL_INTS; i++) {
            INT_REPLIES[i] = (":" + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
            DIGITS[i] = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** Notified of every error reply, for INFO errorstats. */
    public interface ErrorListener {
        void onError(String message);
    }

    private final ByteBufAllocator alloc;
    private final byte[] scratch = new byte[24];
    private final byte[] doubleScratch = new byte[DoubleFormat.MAX_LENGTH];
    /** Bulk strings up to this long are framed in {@link #smallFrame} first. */
    private static final int SMALL_BULK = 128;
    private final byte[] smallFrame = new byte[SMALL_BULK + 10];
    private ByteBuf out;
    private int protocol = 2;
    private ErrorListener errorListener;

    public ReplyWriter(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    public void setErrorListener(ErrorListener errorListener) {
        this.errorListener = errorListener;
    }

    public int protocol() {
        return protocol;
    }

    public void setProtocol(int protocol) {
        this.protocol = protocol;
    }

    public boolean resp3() {
        return protocol == 3;
    }

    /** The pending output, or null if nothing was written since the last take. */
    public ByteBuf take() {
        ByteBuf b = out;
        out = null;
        return b;
    }

    public boolean hasPending() {
        return out != null && out.isReadable();
    }

    /** Bytes written so far in this batch; with {@link #truncate(int)} lets a caller drop a reply. */
    public int mark() {
        return out == null ? 0 : out.writerIndex();
    }

    public void truncate(int mark) {
        if (out != null) {
            out.writerIndex(Math.min(mark, out.writerIndex())); // output may have been discarded since the mark
        }
    }

    /** Releases any pending output (connection closing). */
    public void discard() {
        if (out != null) {
            out.release();
            out = null;
        }
    }

    /** Makes room for about this many more bytes, so a long reply grows the buffer once. */
    public void reserve(int bytes) {
        buf().ensureWritable(bytes);
    }

    private ByteBuf buf() {
        ByteBuf b = out;
        if (b == null) {
            b = out = alloc.ioBuffer(512);
        }
        return b;
    }

    // ---------------------------------------------------------------- simple types

    public void ok() {
        buf().writeBytes(OK);
    }

    public void simple(String s) {
        ByteBuf b = buf();
        b.writeByte('+');
        b.writeCharSequence(s, StandardCharsets.US_ASCII);
        b.writeBytes(CRLF);
    }

    public void simple(byte[] s) {
        ByteBuf b = buf();
        b.writeByte('+');
        b.writeBytes(s);
        b.writeBytes(CRLF);
    }

    /**
     * An error reply. {@code message} carries its code, e.g. "ERR syntax error" or
     * "WRONGTYPE Operation against a key holding the wrong kind of value".
     */
    public void error(String message) {
        ByteBuf b = buf();
        b.writeByte('-');
        // Newlines would break the protocol framing; Redis replaces them with spaces. Other
        // bytes go out as they are: chars up to 0xff are taken as bytes (ISO-8859-1, the way a
        // client's byte[] is turned into error text), so "got '\xff'" matches Redis byte for byte.
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            b.writeByte(c == '\r' || c == '\n' ? ' ' : (c < 0x100 ? c : '?'));
        }
        b.writeBytes(CRLF);
        if (errorListener != null) {
            errorListener.onError(message);
        }
    }

    public void integer(long v) {
        if (v >= 0 && v < SMALL_INTS) {
            buf().writeBytes(INT_REPLIES[(int) v]);
            return;
        }
        // framed in scratch and copied once: each write into the direct buffer has a fixed cost
        int digits = formatDecimal(v, scratch.length - 2);
        int start = scratch.length - 2 - digits - 1;
        scratch[start] = ':';
        scratch[scratch.length - 2] = '\r';
        scratch[scratch.length - 1] = '\n';
        buf().writeBytes(scratch, start, scratch.length - start);
    }

    public void bool(boolean v) {
        if (protocol == 3) {
            buf().writeBytes(v ? TRUE3 : FALSE3);
        } else {
            integer(v ? 1 : 0);
        }
    }

    /** A double: RESP3 ',' type, or a bulk string in RESP2, formatted as Redis's %.17g. */
    public void doubleValue(double d) {
        int n = DoubleFormat.format(d, doubleScratch, 0);
        if (protocol == 3) {
            ByteBuf b = buf();
            b.writeByte(',');
            b.writeBytes(doubleScratch, 0, n);
            b.writeBytes(CRLF);
        } else {
            bulk(doubleScratch, 0, n);
        }
    }

    // ---------------------------------------------------------------- bulk strings

    public void bulk(byte[] v) {
        if (v == null) {
            nullBulk();
            return;
        }
        bulk(v, 0, v.length);
    }

    public void bulk(byte[] v, int offset, int length) {
        ByteBuf b = buf();
        if (length <= SMALL_BULK) {
            // Each copy into the (direct) buffer has a fixed cost that outweighs a short string's
            // bytes: the frame is assembled on the heap and copied once instead of four times.
            byte[] d = DIGITS[length];
            int n = 0;
            smallFrame[n++] = '$';
            System.arraycopy(d, 0, smallFrame, n, d.length);
            n += d.length;
            smallFrame[n++] = '\r';
            smallFrame[n++] = '\n';
            System.arraycopy(v, offset, smallFrame, n, length);
            n += length;
            smallFrame[n++] = '\r';
            smallFrame[n++] = '\n';
            b.writeBytes(smallFrame, 0, n);
            return;
        }
        b.ensureWritable(length + 16);
        b.writeByte('$');
        writeDecimal(b, length);
        b.writeBytes(CRLF);
        b.writeBytes(v, offset, length);
        b.writeBytes(CRLF);
    }

    /** A bulk string from text (server-generated replies only; never user data). */
    public void bulk(String s) {
        if (s == null) {
            nullBulk();
            return;
        }
        bulk(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A number as a bulk string, without allocating. */
    public void bulkLong(long v) {
        ByteBuf b = buf();
        if (v >= 0 && v < SMALL_INTS) {
            byte[] d = DIGITS[(int) v];
            b.writeByte('$');
            writeDecimal(b, d.length);
            b.writeBytes(CRLF);
            b.writeBytes(d);
            b.writeBytes(CRLF);
            return;
        }
        int len = formatDecimal(v, scratch.length);
        b.writeByte('$');
        writeDecimal(b, len);
        b.writeBytes(CRLF);
        b.writeBytes(scratch, scratch.length - len, len);
        b.writeBytes(CRLF);
    }

    /** RESP3 verbatim string ('=' with a 3-letter format), plain bulk in RESP2. */
    public void verbatim(String text, String format) {
        if (protocol != 3) {
            bulk(text);
            return;
        }
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        ByteBuf b = buf();
        b.writeByte('=');
        writeDecimal(b, body.length + 4);
        b.writeBytes(CRLF);
        b.writeCharSequence(format, StandardCharsets.US_ASCII);
        b.writeByte(':');
        b.writeBytes(body);
        b.writeBytes(CRLF);
    }

    public void nullBulk() {
        buf().writeBytes(protocol == 3 ? NULL3 : NULL_BULK);
    }

    public void nullArray() {
        buf().writeBytes(protocol == 3 ? NULL3 : NULL_ARRAY);
    }

    // ---------------------------------------------------------------- aggregates

    public void array(int n) {
        if (n == 0) {
            buf().writeBytes(EMPTY_ARRAY);
            return;
        }
        header('*', n);
    }

    /** A map of n pairs: '%' in RESP3, a flat array of 2n in RESP2. */
    public void map(int n) {
        if (protocol == 3) {
            header('%', n);
        } else {
            array(n * 2);
        }
    }

    /** A set: '~' in RESP3, an array in RESP2. */
    public void set(int n) {
        if (protocol == 3) {
            header('~', n);
        } else {
            array(n);
        }
    }

    /** Out-of-band data: '>' in RESP3, an array in RESP2. */
    public void push(int n) {
        if (protocol == 3) {
            header('>', n);
        } else {
            array(n);
        }
    }

    public void raw(byte[] bytes) {
        buf().writeBytes(bytes);
    }

    /** Bytes already encoded as RESP (a pub/sub message frame shared by many clients). */
    public void raw(byte[] bytes, int offset, int length) {
        buf().writeBytes(bytes, offset, length);
    }

    private void header(char type, long n) {
        ByteBuf b = buf();
        b.writeByte(type);
        writeDecimal(b, n);
        b.writeBytes(CRLF);
    }

    private void writeDecimal(ByteBuf b, long v) {
        if (v >= 0 && v < SMALL_INTS) {
            b.writeBytes(DIGITS[(int) v]);
            return;
        }
        int len = formatDecimal(v, scratch.length);
        b.writeBytes(scratch, scratch.length - len, len);
    }

    /** Writes v's digits in scratch, ending just before {@code end}; returns their count. */
    private int formatDecimal(long v, int end) {
        int pos = end;
        if (v == Long.MIN_VALUE) {
            byte[] min = "-9223372036854775808".getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(min, 0, scratch, pos - min.length, min.length);
            return min.length;
        }
        boolean negative = v < 0;
        long x = negative ? -v : v;
        do {
            scratch[--pos] = (byte) ('0' + (x % 10));
            x /= 10;
        } while (x != 0);
        if (negative) {
            scratch[--pos] = '-';
        }
        return end - pos;
    }
}
