package io.cinnabar.testing;

import io.cinnabar.util.Lzf;
import java.util.Arrays;

/**
 * Reads the value blob out of a real Redis DUMP reply: type byte, then one RDB string (plain or
 * LZF-compressed), then RDB version and CRC64, which we ignore here.
 */
public final class DumpPayload {
    public final int type;
    /** The stored string as Redis wrote it: compressed bytes when {@link #compressed}. */
    public final byte[] stored;
    public final boolean compressed;
    /** The string after decompression (what the value is). */
    public final byte[] value;

    private DumpPayload(int type, byte[] stored, boolean compressed, byte[] value) {
        this.type = type;
        this.stored = stored;
        this.compressed = compressed;
        this.value = value;
    }

    public static byte[] bulkBytes(RespClient.Reply reply) {
        byte[] raw = reply.raw;
        if (raw[0] != '$') {
            throw new IllegalStateException("not a bulk reply: " + reply);
        }
        int lineEnd = 0;
        while (raw[lineEnd] != '\r') {
            lineEnd++;
        }
        return Arrays.copyOfRange(raw, lineEnd + 2, raw.length - 2);
    }

    public static DumpPayload parse(byte[] dump) {
        int[] at = {1};
        int first = dump[1] & 0xFF;
        if ((first >> 6) == 3) {
            if ((first & 0x3F) != 3) {
                throw new IllegalStateException("unexpected special string encoding " + first);
            }
            at[0]++;
            int compressedLength = (int) readLength(dump, at);
            int length = (int) readLength(dump, at);
            byte[] stored = Arrays.copyOfRange(dump, at[0], at[0] + compressedLength);
            byte[] value = new byte[length];
            if (Lzf.decompress(stored, 0, stored.length, value) != length) {
                throw new IllegalStateException("LZF payload did not decompress");
            }
            return new DumpPayload(dump[0] & 0xFF, stored, true, value);
        }
        int length = (int) readLength(dump, at);
        byte[] value = Arrays.copyOfRange(dump, at[0], at[0] + length);
        return new DumpPayload(dump[0] & 0xFF, value, false, value);
    }

    private static long readLength(byte[] b, int[] at) {
        int first = b[at[0]++] & 0xFF;
        switch (first >> 6) {
            case 0:
                return first & 0x3F;
            case 1:
                return ((first & 0x3F) << 8) | (b[at[0]++] & 0xFF);
            default:
                int bytes = first == 0x80 ? 4 : 8;
                long v = 0;
                for (int i = 0; i < bytes; i++) {
                    v = (v << 8) | (b[at[0]++] & 0xFF);
                }
                return v;
        }
    }
}
