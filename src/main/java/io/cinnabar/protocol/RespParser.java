package io.cinnabar.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.List;

/**
 * Incremental parser of client requests: RESP multibulk arrays and inline commands.
 *
 * <p>State survives between calls, so a request split over many reads is parsed once, not
 * re-scanned from its start. A bulk is copied out only when all of its bytes have arrived: a
 * declared length never allocates ahead of the data.
 */
public final class RespParser {
    /** Same as Redis's PROTO_INLINE_MAX_SIZE: the longest line we wait for. */
    public static final int INLINE_MAX = 64 * 1024;
    private static final int ARGV_PREALLOC_MAX = 1024;
    private static final int UNAUTH_MAX_MULTIBULK = 10;
    private static final int UNAUTH_MAX_BULK = 16384;

    private long maxBulkLen = 512L * 1024 * 1024;
    private boolean authRequired;

    private byte[][] argv;
    private int argc;
    private int expected;       // args still expected in the current multibulk, 0 = none open
    private long bulkLen = -1;  // length of the bulk being waited for, -1 = read its header first

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

    /** Adds every complete request in {@code in} to {@code out} as a byte[][]. */
    public void parse(ByteBuf in, List<Object> out) throws ProtocolException {
        while (in.isReadable()) {
            if (expected == 0) {
                if (in.getByte(in.readerIndex()) == '*') {
                    if (!readMultibulkHeader(in)) {
                        return;
                    }
                    continue;
                }
                if (!readInline(in, out)) {
                    return;
                }
                continue;
            }
            if (!readBulk(in)) {
                return;
            }
            if (argc == expected) {
                byte[][] request = argv.length == argc ? argv : Arrays.copyOf(argv, argc);
                argv = null;
                argc = 0;
                expected = 0;
                out.add(request);
            }
        }
    }

    private boolean readMultibulkHeader(ByteBuf in) throws ProtocolException {
        int cr = findCrLf(in, in.readerIndex());
        if (cr < 0) {
            if (in.readableBytes() > INLINE_MAX) {
                throw new ProtocolException("Protocol error: too big mbulk count string");
            }
            return false;
        }
        long n = parseLong(in, in.readerIndex() + 1, cr);
        if (n == Long.MIN_VALUE || n > Integer.MAX_VALUE) {
            throw new ProtocolException("Protocol error: invalid multibulk length");
        }
        if (n > UNAUTH_MAX_MULTIBULK && authRequired) {
            throw new ProtocolException("Protocol error: unauthenticated multibulk length");
        }
        in.readerIndex(cr + 2);
        if (n <= 0) {
            return true; // Redis treats *0 and *-1 as a no-op
        }
        expected = (int) n;
        argc = 0;
        argv = new byte[(int) Math.min(n, ARGV_PREALLOC_MAX)][];
        return true;
    }

    private boolean readBulk(ByteBuf in) throws ProtocolException {
        if (bulkLen < 0) {
            int start = in.readerIndex();
            int cr = findCrLf(in, start);
            if (cr < 0) {
                if (in.readableBytes() > INLINE_MAX) {
                    throw new ProtocolException("Protocol error: too big bulk count string");
                }
                return false;
            }
            byte type = in.getByte(start);
            if (type != '$') {
                throw new ProtocolException("Protocol error: expected '$', got '" + (char) (type & 0xff) + "'");
            }
            long n = parseLong(in, start + 1, cr);
            if (n == Long.MIN_VALUE || n < 0 || n > maxBulkLen) {
                throw new ProtocolException("Protocol error: invalid bulk length");
            }
            if (n > UNAUTH_MAX_BULK && authRequired) {
                throw new ProtocolException("Protocol error: unauthenticated bulk length");
            }
            in.readerIndex(cr + 2);
            bulkLen = n;
        }
        if (in.readableBytes() < bulkLen + 2) {
            return false;
        }
        byte[] arg = new byte[(int) bulkLen];
        in.readBytes(arg);
        in.skipBytes(2);
        bulkLen = -1;
        if (argc == argv.length) {
            argv = Arrays.copyOf(argv, (int) Math.min((long) argv.length * 2, expected));
        }
        argv[argc++] = arg;
        return true;
    }

    private boolean readInline(ByteBuf in, List<Object> out) throws ProtocolException {
        int start = in.readerIndex();
        int lf = in.indexOf(start, in.writerIndex(), (byte) '\n');
        if (lf < 0) {
            if (in.readableBytes() > INLINE_MAX) {
                throw new ProtocolException("Protocol error: too big inline request");
            }
            return false;
        }
        int end = lf;
        if (end > start && in.getByte(end - 1) == '\r') {
            end--;
        }
        byte[] line = new byte[end - start];
        in.getBytes(start, line);
        in.readerIndex(lf + 1);
        byte[][] args = InlineSplitter.split(line);
        if (args == null) {
            throw new ProtocolException("Protocol error: unbalanced quotes in request");
        }
        if (args.length > 0) {
            out.add(args);
        }
        return true;
    }

    /** Index of the '\r' of the first CRLF at or after {@code from}, or -1 when the line is incomplete. */
    private static int findCrLf(ByteBuf in, int from) {
        int cr = in.indexOf(from, in.writerIndex(), (byte) '\r');
        if (cr < 0 || cr + 1 >= in.writerIndex()) {
            return -1;
        }
        return cr;
    }

    /**
     * Strict decimal parse of [from, to) with the rules of Redis's string2ll: no sign but '-',
     * no leading zeros ("01", "-0" are malformed), no spaces. Long.MIN_VALUE on anything malformed.
     */
    static long parseLong(ByteBuf in, int from, int to) {
        if (from >= to || to - from > 20) {
            return Long.MIN_VALUE;
        }
        if (to - from == 1 && in.getByte(from) == '0') {
            return 0;
        }
        boolean negative = false;
        int i = from;
        if (in.getByte(i) == '-') {
            negative = true;
            i++;
            if (i == to) {
                return Long.MIN_VALUE;
            }
        }
        if (in.getByte(i) == '0') {
            return Long.MIN_VALUE;
        }
        long value = 0;
        for (; i < to; i++) {
            int d = in.getByte(i) - '0';
            if (d < 0 || d > 9) {
                return Long.MIN_VALUE;
            }
            if (value > (Long.MAX_VALUE - d) / 10) {
                return Long.MIN_VALUE;
            }
            value = value * 10 + d;
        }
        return negative ? -value : value;
    }
}
