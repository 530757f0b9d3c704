package io.cinnabar.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * Encodes replies in RESP2 or RESP3 into one pooled buffer per client, through a small heap
 * stage. The buffer is handed to the network once per batch ({@link #take()}); nothing here
 * flushes.
 */
public final class ReplyWriter {
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

    /** Notified of every error reply, for failed_calls and INFO errorstats. */
    public interface ErrorListener {
        /** countInStats is false for an error INFO errorstats already counted where it arose. */
        void onError(String message, boolean countInStats);
    }

    private final ByteBufAllocator alloc;
    private final byte[] scratch = new byte[24];
    private final byte[] doubleScratch = new byte[DoubleFormat.MAX_LENGTH];
    /**
     * Replies are assembled here and copied into {@link #out} a stage at a time: each write into
     * the pooled direct buffer has a fixed cost (bounds, reference count and capacity checks)
     * that outweighs the few bytes of a typical reply element, so a 100-element LRANGE costs one
     * copy instead of a hundred.
     */
    private static final int STAGE_SIZE = 2048;
    private final byte[] stage = new byte[STAGE_SIZE];
    private int staged;
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
        drainStage();
        ByteBuf b = out;
        out = null;
        return b;
    }

    /**
     * Moves the pending output into dst, which has room for {@link #mark()} bytes, leaving
     * nothing pending: a reply written straight to the socket needs no buffer of its own.
     */
    public void drainTo(ByteBuf dst) {
        if (out != null) {
            dst.writeBytes(out);
            out.release();
            out = null;
        }
        dst.writeBytes(stage, 0, staged);
        staged = 0;
    }

    public boolean hasPending() {
        return staged > 0 || (out != null && out.isReadable());
    }

    /** Bytes written so far in this batch; with {@link #truncate(int)} lets a caller drop a reply. */
    public int mark() {
        return (out == null ? 0 : out.writerIndex()) + staged;
    }

    public void truncate(int mark) {
        int inBuffer = out == null ? 0 : out.writerIndex();
        if (mark >= inBuffer) {
            staged = Math.min(staged, mark - inBuffer); // output may have been discarded since the mark
        } else {
            staged = 0;
            out.writerIndex(mark);
        }
    }

    /** Releases any pending output (connection closing). */
    public void discard() {
        staged = 0;
        if (out != null) {
            out.release();
            out = null;
        }
    }

    /** Makes room for about this many more bytes, so a long reply grows the buffer once. */
    public void reserve(int bytes) {
        if (bytes > STAGE_SIZE - staged) {
            drainStage();
            buf().ensureWritable(bytes);
        }
    }

    private ByteBuf buf() {
        ByteBuf b = out;
        if (b == null) {
            b = out = alloc.ioBuffer(512);
        }
        return b;
    }

    private void drainStage() {
        if (staged == 0) {
            return;
        }
        if (out == null) {
            out = alloc.ioBuffer(Math.max(512, staged));
        }
        out.writeBytes(stage, 0, staged);
        staged = 0;
    }

    /** Room for n more bytes in the stage; false (stage drained) when n can never fit in it. */
    private boolean room(int n) {
        if (staged + n <= STAGE_SIZE) {
            return true;
        }
        drainStage();
        return n <= STAGE_SIZE;
    }

    private void put(byte b) {
        if (staged == STAGE_SIZE) {
            drainStage();
        }
        stage[staged++] = b;
    }

    private void put(byte[] bytes) {
        put(bytes, 0, bytes.length);
    }

    private void put(byte[] bytes, int offset, int length) {
        if (room(length)) {
            System.arraycopy(bytes, offset, stage, staged, length);
            staged += length;
        } else {
            buf().writeBytes(bytes, offset, length);
        }
    }

    private void putCrlf() {
        if (staged + 2 > STAGE_SIZE) {
            drainStage();
        }
        stage[staged++] = '\r';
        stage[staged++] = '\n';
    }

    private void putAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            put((byte) s.charAt(i));
        }
    }

    // ---------------------------------------------------------------- simple types

    public void ok() {
        put(OK);
    }

    public void simple(String s) {
        put((byte) '+');
        putAscii(s);
        putCrlf();
    }

    public void simple(byte[] s) {
        put((byte) '+');
        put(s);
        putCrlf();
    }

    /**
     * An error reply. {@code message} carries its code, e.g. "ERR syntax error" or
     * "WRONGTYPE Operation against a key holding the wrong kind of value".
     */
    public void error(String message) {
        error(message, true);
    }

    /**
     * An error reply; countInStats false for one INFO errorstats already counted where it arose,
     * as Redis's ERR_REPLY_FLAG_NO_STATS_UPDATE: a script returning or raising the error of a
     * command it called. The command still counts as failed.
     */
    public void error(String message, boolean countInStats) {
        writeError(message);
        if (errorListener != null) {
            errorListener.onError(message, countInStats);
        }
    }

    private void writeError(String message) {
        put((byte) '-');
        // Newlines would break the protocol framing; Redis replaces them with spaces. Other
        // bytes go out as they are: chars up to 0xff are taken as bytes (ISO-8859-1, the way a
        // client's byte[] is turned into error text), so "got '\xff'" matches Redis byte for byte.
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            put((byte) (c == '\r' || c == '\n' ? ' ' : (c < 0x100 ? c : '?')));
        }
        putCrlf();
    }

    public void integer(long v) {
        if (v >= 0 && v < SMALL_INTS) {
            put(INT_REPLIES[(int) v]);
            return;
        }
        header(':', v);
    }

    public void bool(boolean v) {
        if (protocol == 3) {
            put(v ? TRUE3 : FALSE3);
        } else {
            integer(v ? 1 : 0);
        }
    }

    /** A double: RESP3 ',' type, or a bulk string in RESP2, formatted as Redis's %.17g. */
    public void doubleValue(double d) {
        int n = DoubleFormat.format(d, doubleScratch, 0);
        if (protocol == 3) {
            put((byte) ',');
            put(doubleScratch, 0, n);
            putCrlf();
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
        header('$', length);
        put(v, offset, length);
        putCrlf();
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
        if (v >= 0 && v < SMALL_INTS) {
            byte[] d = DIGITS[(int) v];
            header('$', d.length);
            put(d);
            putCrlf();
            return;
        }
        int len = formatDecimal(v);
        header('$', len);
        put(scratch, scratch.length - len, len);
        putCrlf();
    }

    /** RESP3 verbatim string ('=' with a 3-letter format), plain bulk in RESP2. */
    public void verbatim(String text, String format) {
        if (protocol != 3) {
            bulk(text);
            return;
        }
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        header('=', body.length + 4);
        putAscii(format);
        put((byte) ':');
        put(body);
        putCrlf();
    }

    public void nullBulk() {
        put(protocol == 3 ? NULL3 : NULL_BULK);
    }

    public void nullArray() {
        put(protocol == 3 ? NULL3 : NULL_ARRAY);
    }

    // ---------------------------------------------------------------- aggregates

    public void array(int n) {
        if (n == 0) {
            put(EMPTY_ARRAY);
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
        put(bytes);
    }

    /** Bytes already encoded as RESP (a pub/sub message frame shared by many clients). */
    public void raw(byte[] bytes, int offset, int length) {
        put(bytes, offset, length);
    }

    /** A type byte, a decimal and CRLF: the head of every aggregate, bulk and integer. */
    private void header(char type, long n) {
        if (staged + 24 > STAGE_SIZE) {
            drainStage();
        }
        byte[] st = stage;
        int p = staged;
        st[p++] = (byte) type;
        if (n >= 0 && n < SMALL_INTS) {
            byte[] d = DIGITS[(int) n];
            for (int i = 0; i < d.length; i++) {
                st[p++] = d[i];
            }
        } else {
            int len = formatDecimal(n);
            System.arraycopy(scratch, scratch.length - len, st, p, len);
            p += len;
        }
        st[p++] = '\r';
        st[p++] = '\n';
        staged = p;
    }

    /** Writes v's digits right-aligned in scratch; returns their count. */
    private int formatDecimal(long v) {
        int pos = scratch.length;
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
        return scratch.length - pos;
    }
}
