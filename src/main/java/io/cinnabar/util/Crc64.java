package io.cinnabar.util;

/**
 * Redis's CRC-64 (crc64.c): the "Jones" polynomial 0xad93d23594c935a9, reflected input and
 * output, initial value 0, no final xor. DUMP, FUNCTION DUMP and RDB files end with it.
 */
public final class Crc64 {
    /** The polynomial bit-reversed, for the reflected (least significant bit first) form. */
    private static final long REFLECTED_POLY = Long.reverse(0xad93d23594c935a9L);
    private static final long[] TABLE = new long[256];

    static {
        for (int b = 0; b < 256; b++) {
            long crc = b;
            for (int i = 0; i < 8; i++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ REFLECTED_POLY : crc >>> 1;
            }
            TABLE[b] = crc;
        }
    }

    private Crc64() {}

    /** Continues {@code crc} over {@code len} bytes from {@code off}; start with 0. */
    public static long update(long crc, byte[] data, int off, int len) {
        for (int i = off; i < off + len; i++) {
            crc = TABLE[(int) ((crc ^ data[i]) & 0xFF)] ^ (crc >>> 8);
        }
        return crc;
    }
}
