package io.cinnabar.command;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Turns propagated commands into the bytes Redis sends a replica and appends to the AOF: a
 * {@code SELECT <db>} whenever the database differs from the last one this stream emitted, then
 * the command as a RESP array of bulk strings. One per destination, since each (the AOF, the
 * replication backlog) remembers its own last database.
 */
public final class CommandStreamEncoder {
    private static final byte[] SELECT = "SELECT".getBytes(StandardCharsets.US_ASCII);
    private int lastDb = -1;

    /** Forgets the last database (a new AOF file, a replica after a full sync): the next command selects again. */
    public void reset() {
        lastDb = -1;
    }

    public void encode(int db, byte[][] argv, ByteBuf out) {
        if (db != lastDb) {
            out.writeByte('*').writeByte('2').writeByte('\r').writeByte('\n');
            writeBulk(out, SELECT, 0, SELECT.length);
            writeBulk(out, db);
            lastDb = db;
        }
        out.writeByte('*');
        writeDecimal(out, argv.length);
        out.writeByte('\r').writeByte('\n');
        for (byte[] arg : argv) {
            writeBulk(out, arg, 0, arg.length);
        }
    }

    private static void writeBulk(ByteBuf out, byte[] b, int off, int len) {
        out.writeByte('$');
        writeDecimal(out, len);
        out.writeByte('\r').writeByte('\n');
        out.writeBytes(b, off, len);
        out.writeByte('\r').writeByte('\n');
    }

    private static void writeBulk(ByteBuf out, long value) {
        int digits = digits(value);
        out.writeByte('$');
        writeDecimal(out, digits);
        out.writeByte('\r').writeByte('\n');
        writeDecimal(out, value);
        out.writeByte('\r').writeByte('\n');
    }

    private static int digits(long v) {
        int n = 1;
        while (v >= 10) {
            v /= 10;
            n++;
        }
        return n;
    }

    /** Non-negative values only (lengths and database numbers). */
    private static void writeDecimal(ByteBuf out, long v) {
        int n = digits(v);
        int at = out.writerIndex() + n;
        out.ensureWritable(n);
        for (int i = 1; i <= n; i++) {
            out.setByte(at - i, (int) ('0' + v % 10));
            v /= 10;
        }
        out.writerIndex(at);
    }
}
