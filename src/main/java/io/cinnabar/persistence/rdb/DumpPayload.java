package io.cinnabar.persistence.rdb;

import io.cinnabar.util.Crc64;

/**
 * The DUMP payload as Redis 7.0 frames it: the value as RDB writes it (type byte and body), the
 * RDB version in 2 bytes and the CRC64 of everything before it in 8 bytes, both little-endian.
 */
public final class DumpPayload {
    private static final int VERSION_BYTES = 2;
    private static final int CRC_BYTES = 8;
    private static final int FOOTER_BYTES = VERSION_BYTES + CRC_BYTES;

    private DumpPayload() {}

    /** DUMP of a stored value; {@code compress} is rdbcompression. */
    public static byte[] of(Object value, boolean compress) {
        RdbValueWriter w = new RdbValueWriter(compress);
        w.writeValue(value);
        return frame(w);
    }

    /** What has been written, with the version and checksum after it (FUNCTION DUMP frames its libraries so too). */
    public static byte[] frame(RdbValueWriter w) {
        w.writeLittleEndian(Rdb.VERSION, VERSION_BYTES);
        byte[] body = w.toByteArray();
        long crc = Crc64.update(0, body, 0, body.length);
        w.writeLittleEndian(crc, CRC_BYTES);
        return w.toByteArray();
    }

    /** Where a verified payload's footer starts. */
    public static int footerStart(byte[] payload) {
        return payload.length - FOOTER_BYTES;
    }

    /** verifyDumpPayload: long enough, a version this server reads, and a matching checksum. */
    public static boolean verify(byte[] payload) {
        if (payload.length < FOOTER_BYTES) {
            return false;
        }
        int at = payload.length - FOOTER_BYTES;
        int version = (payload[at] & 0xFF) | (payload[at + 1] & 0xFF) << 8;
        if (version > Rdb.VERSION) {
            return false;
        }
        long stored = 0;
        for (int i = CRC_BYTES - 1; i >= 0; i--) {
            stored = stored << 8 | (payload[payload.length - CRC_BYTES + i] & 0xFF);
        }
        return Crc64.update(0, payload, 0, payload.length - CRC_BYTES) == stored;
    }

    /**
     * The value of a verified payload. As in Redis the value is read from the whole payload, so
     * a corrupt length may reach into the footer; bytes left over are not an error.
     */
    public static Object load(byte[] payload, RdbValueReader.Limits limits) {
        return new RdbValueReader(payload, 0, payload.length, limits).readValue();
    }
}
