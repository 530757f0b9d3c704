package io.cinnabar.protocol;

import io.cinnabar.types.Numbers;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.Arrays;
import java.util.List;

/**
 * Incremental parser of client requests: RESP multibulk arrays and inline commands.
 *
 * <p>Each read is consumed whole. Its bytes are copied once into a heap scratch array of the
 * calling thread and parsed with plain indexing: reading a pooled direct buffer byte by byte pays
 * Netty's bounds and reference-count checks on every byte. What a read leaves unparsed is either
 * the start of a header or inline line (kept in a small per-connection carry array, bounded by
 * {@link #INLINE_MAX}) or the body of a bulk that has not fully arrived, which goes straight into
 * the argument's own array as it arrives: a big bulk is copied once, and a declared length never
 * allocates ahead of the bytes received (the array at most doubles what has arrived).
 */
public final class RespParser {
    /** Same as Redis's PROTO_INLINE_MAX_SIZE: the longest line we wait for. */
    public static final int INLINE_MAX = 64 * 1024;
    private static final int ARGV_PREALLOC_MAX = 1024;
    private static final int UNAUTH_MAX_MULTIBULK = 10;
    private static final int UNAUTH_MAX_BULK = 16384;
    private static final int PARTIAL_BULK_MIN = 4096;
    /** A scratch array grown past this by an unusually large read is not kept for the next. */
    private static final int SCRATCH_KEEP_MAX = 256 * 1024;
    private static final byte[] NO_BYTES = new byte[0];
    /** Digits of a count that cannot overflow a long, so the one-pass header scan needs no check. */
    private static final int SAFE_DIGITS = 18;

    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[16 * 1024];
        }
    };

    private long maxBulkLen = 512L * 1024 * 1024;
    private boolean authRequired;

    private byte[][] argv;
    private int argc;
    private int expected;       // args still expected in the current multibulk, 0 = none open
    private long bulkLen = -1;  // length of the bulk being waited for, -1 = read its header first
    private byte[] bulk;        // the bulk's bytes so far when it spans reads, else null
    private int bulkReceived;   // bytes of the bulk and its trailing CRLF consumed so far
    private long headerCount;   // the count of the header line just read

    private byte[] carry = NO_BYTES; // unparsed start of a header or inline line
    private int carryLength;

    public void setMaxBulkLen(long maxBulkLen) {
        this.maxBulkLen = maxBulkLen;
    }

    public void setAuthRequired(boolean authRequired) {
        this.authRequired = authRequired;
    }

    /** True while a request is partly received. */
    public boolean inRequest() {
        return expected > 0;
    }

    /** Bytes received but not yet part of a complete argument: what the query buffer limit bounds. */
    public long bufferedBytes() {
        return carryLength + (bulk != null ? bulkReceived : 0);
    }

    /**
     * Consumes every readable byte of {@code in}, adding each complete request to {@code out} as a
     * byte[][]. Requests before a malformed one are added before the exception is thrown.
     */
    public void parse(ByteBuf in, List<Object> out) throws ProtocolException {
        if (bulk != null) { // then nothing is carried: a spanning bulk consumed the whole last read
            in.skipBytes(absorbBulk(in));
            if (bulk != null) {
                return;
            }
            if (argc == expected) {
                out.add(takeRequest());
            }
        }
        int readable = in.readableBytes();
        if (readable == 0) {
            return;
        }
        int total = carryLength + readable;
        byte[] buf = scratch(total);
        System.arraycopy(carry, 0, buf, 0, carryLength);
        in.readBytes(buf, carryLength, readable);
        carryLength = 0;
        int consumed = parse(buf, total, out);
        keep(buf, consumed, total);
    }

    /** Copies the part of a spanning bulk that {@code in} holds directly into the bulk's array. */
    private int absorbBulk(ByteBuf in) {
        int want = (int) Math.min(bulkLen + 2 - bulkReceived, in.readableBytes());
        int body = (int) Math.max(0, Math.min(want, bulkLen - bulkReceived)); // 0 once only CRLF bytes are due
        growBulk(bulkReceived + body);
        if (body > 0) {
            in.getBytes(in.readerIndex(), bulk, bulkReceived, body);
        }
        bulkReceived += want;
        if (bulkReceived == bulkLen + 2) {
            addArg(bulk);
        }
        return want;
    }

    private static byte[] scratch(int size) {
        byte[] buf = SCRATCH.get();
        if (buf.length >= size) {
            return buf;
        }
        byte[] grown = new byte[Math.max(size, buf.length * 2)];
        if (grown.length <= SCRATCH_KEEP_MAX) {
            SCRATCH.set(grown);
        }
        return grown;
    }

    private void keep(byte[] buf, int from, int to) {
        int left = to - from;
        if (left == 0) {
            if (carry.length > PARTIAL_BULK_MIN) {
                carry = NO_BYTES; // a long line has been parsed: do not hold its array per connection
            }
            return;
        }
        if (carry.length < left) {
            carry = new byte[Math.max(left, Math.min(2 * carry.length, INLINE_MAX + 2))];
        }
        System.arraycopy(buf, from, carry, 0, left);
        carryLength = left;
    }

    /** Parses requests in buf[0, end); returns where the unparsed rest starts. */
    private int parse(byte[] buf, int end, List<Object> out) throws ProtocolException {
        int pos = 0;
        while (pos < end) {
            if (expected == 0) {
                int next = buf[pos] == '*' ? readMultibulkHeader(buf, pos, end) : readInline(buf, pos, end, out);
                if (next < 0) {
                    return pos;
                }
                pos = next;
                continue;
            }
            if (bulkLen < 0) {
                int next = readBulkHeader(buf, pos, end);
                if (next < 0) {
                    return pos;
                }
                pos = next;
            }
            pos = readBulkBody(buf, pos, end);
            if (argc == expected) {
                out.add(takeRequest());
            }
        }
        return pos;
    }

    private byte[][] takeRequest() {
        byte[][] request = argv.length == argc ? argv : Arrays.copyOf(argv, argc);
        argv = null;
        argc = 0;
        expected = 0;
        return request;
    }

    private int readMultibulkHeader(byte[] buf, int start, int end) throws ProtocolException {
        int cr = headerCount(buf, start, end, "Protocol error: too big mbulk count string");
        if (cr < 0) {
            return -1;
        }
        long n = headerCount;
        if (n == Long.MIN_VALUE || n > Integer.MAX_VALUE) {
            throw new ProtocolException("Protocol error: invalid multibulk length");
        }
        if (n > UNAUTH_MAX_MULTIBULK && authRequired) {
            throw new ProtocolException("Protocol error: unauthenticated multibulk length");
        }
        if (n > 0) { // Redis treats *0 and *-1 as a no-op
            expected = (int) n;
            argc = 0;
            argv = new byte[(int) Math.min(n, ARGV_PREALLOC_MAX)][];
        }
        return cr + 2;
    }

    private int readBulkHeader(byte[] buf, int start, int end) throws ProtocolException {
        int cr = headerCount(buf, start, end, "Protocol error: too big bulk count string");
        if (cr < 0) {
            return -1;
        }
        byte type = buf[start];
        if (type != '$') {
            throw new ProtocolException("Protocol error: expected '$', got '" + (char) (type & 0xff) + "'");
        }
        long n = headerCount;
        if (n == Long.MIN_VALUE || n < 0 || n > maxBulkLen) {
            throw new ProtocolException("Protocol error: invalid bulk length");
        }
        if (n > UNAUTH_MAX_BULK && authRequired) {
            throw new ProtocolException("Protocol error: unauthenticated bulk length");
        }
        bulkLen = n;
        bulkReceived = 0;
        return cr + 2;
    }

    /** Takes what buf[start, end) holds of the current bulk and its CRLF; returns the index after it. */
    private int readBulkBody(byte[] buf, int start, int end) {
        if (bulk == null && end - start >= bulkLen + 2) {
            int len = (int) bulkLen;
            addArg(Arrays.copyOfRange(buf, start, start + len));
            return start + len + 2;
        }
        int want = (int) Math.min(bulkLen + 2 - bulkReceived, end - start);
        int body = (int) Math.max(0, Math.min(want, bulkLen - bulkReceived)); // 0 once only CRLF bytes are due
        growBulk(bulkReceived + body);
        if (body > 0) {
            System.arraycopy(buf, start, bulk, bulkReceived, body);
        }
        bulkReceived += want;
        if (bulkReceived == bulkLen + 2) {
            addArg(bulk);
        }
        return start + want;
    }

    /**
     * Makes the spanning bulk's array hold {@code needed} bytes: at least double its size, but
     * never more than the declared length, so the last growth lands on exactly that length.
     */
    private void growBulk(int needed) {
        int capacity = bulk == null ? 0 : bulk.length;
        if (bulk != null && needed <= capacity) {
            return;
        }
        long size = Math.min(bulkLen, Math.max(needed, Math.max(2L * capacity, PARTIAL_BULK_MIN)));
        bulk = bulk == null ? new byte[(int) size] : Arrays.copyOf(bulk, (int) size);
    }

    private void addArg(byte[] arg) {
        bulk = null;
        bulkLen = -1;
        bulkReceived = 0;
        if (argc == argv.length) {
            argv = Arrays.copyOf(argv, (int) Math.min((long) argv.length * 2, expected));
        }
        argv[argc++] = arg;
    }

    private static int readInline(byte[] buf, int start, int end, List<Object> out) throws ProtocolException {
        int lf = indexOf(buf, start, end, (byte) '\n');
        if (lf < 0) {
            if (end - start > INLINE_MAX) {
                throw new ProtocolException("Protocol error: too big inline request");
            }
            return -1;
        }
        int lineEnd = lf > start && buf[lf - 1] == '\r' ? lf - 1 : lf;
        byte[][] args = InlineSplitter.split(Arrays.copyOfRange(buf, start, lineEnd));
        if (args == null) {
            throw new ProtocolException("Protocol error: unbalanced quotes in request");
        }
        if (args.length > 0) {
            out.add(args);
        }
        return lf + 1;
    }

    private static int indexOf(byte[] buf, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Reads the count of the header line at {@code start} (a type byte, a count, CRLF) and leaves
     * it in {@link #headerCount}, as {@link Numbers#parseLongStrict} reads it; returns the index of the
     * line's '\r', or -1 when the line is incomplete. The usual line (a few digits, no leading
     * zero) is scanned once; anything else is found and parsed by the strict general path.
     */
    private int headerCount(byte[] buf, int start, int end, String tooBig) throws ProtocolException {
        int digitsEnd = Math.min(end, start + 1 + SAFE_DIGITS);
        int i = start + 1;
        long n = 0;
        while (i < digitsEnd) {
            int d = buf[i] - '0';
            if (d < 0 || d > 9) {
                break;
            }
            n = n * 10 + d;
            i++;
        }
        int digits = i - start - 1;
        if (i + 1 < end && buf[i] == '\r' && digits > 0 && (digits == 1 || buf[start + 1] != '0')) {
            headerCount = n;
            return i;
        }
        int cr = headerEnd(buf, start, end, tooBig);
        if (cr >= 0) {
            headerCount = Numbers.parseLongStrict(buf, start + 1, cr);
        }
        return cr;
    }

    /**
     * Index of the '\r' of the first CRLF at or after {@code from}, or -1 when the line is
     * incomplete; a line that has grown past {@link #INLINE_MAX} without its end is an error.
     */
    private static int headerEnd(byte[] buf, int from, int end, String tooBig) throws ProtocolException {
        int cr = indexOf(buf, from, end, (byte) '\r');
        if (cr < 0 || cr + 1 >= end) {
            if (end - from > INLINE_MAX) {
                throw new ProtocolException(tooBig);
            }
            return -1;
        }
        return cr;
    }
}
