package io.cinnabar.scripting;

import io.cinnabar.command.CommandError;
import io.cinnabar.util.Crc64;
import io.cinnabar.util.Lzf;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The FUNCTION DUMP payload exactly as Redis 7.0 writes it: per library the RDB opcode
 * RDB_OPCODE_FUNCTION2 and the library code as an RDB string (LZF-compressed when that saves
 * bytes, as with rdbcompression yes), then the RDB version (2 bytes) and the CRC64 of all before
 * it (8 bytes), both little-endian.
 */
final class FunctionPayload {
    static final int OPCODE_FUNCTION_PRE_GA = 244;
    static final int OPCODE_FUNCTION2 = 245;
    static final int RDB_VERSION = 10;
    private static final int ENC_INT8 = 0;
    private static final int ENC_INT16 = 1;
    private static final int ENC_INT32 = 2;
    private static final int ENC_LZF = 3;
    private static final int FOOTER = 10;

    private FunctionPayload() {}

    static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void function(byte[] code) {
            out.write(OPCODE_FUNCTION2);
            string(code);
        }

        /** rdbSaveRawString: LZF when longer than 20 bytes and it shrinks by more than 4, else raw. */
        private void string(byte[] s) {
            if (s.length > 20) {
                byte[] compressed = new byte[s.length - 4];
                int n = Lzf.compress(s, 0, s.length, compressed);
                if (n > 0) {
                    out.write(0xC0 | ENC_LZF);
                    length(n);
                    length(s.length);
                    out.write(compressed, 0, n);
                    return;
                }
            }
            length(s.length);
            out.write(s, 0, s.length);
        }

        /** rdbSaveLen: 6, 14, 32 or 64 bits. */
        private void length(long len) {
            if (len < 1 << 6) {
                out.write((int) len);
            } else if (len < 1 << 14) {
                out.write(0x40 | (int) (len >> 8));
                out.write((int) len & 0xFF);
            } else if (len <= 0xFFFFFFFFL) {
                out.write(0x80);
                bigEndian(len, 4);
            } else {
                out.write(0x81);
                bigEndian(len, 8);
            }
        }

        private void bigEndian(long v, int bytes) {
            for (int i = bytes - 1; i >= 0; i--) {
                out.write((int) (v >>> (8 * i)) & 0xFF);
            }
        }

        byte[] finish() {
            out.write(RDB_VERSION);
            out.write(0);
            byte[] body = out.toByteArray();
            long crc = Crc64.update(0, body, 0, body.length);
            byte[] payload = new byte[body.length + 8];
            System.arraycopy(body, 0, payload, 0, body.length);
            for (int i = 0; i < 8; i++) {
                payload[body.length + i] = (byte) (crc >>> (8 * i));
            }
            return payload;
        }
    }

    /** verifyDumpPayload: a version we read and a matching checksum. */
    static boolean verify(byte[] p) {
        if (p.length < FOOTER) {
            return false;
        }
        int version = (p[p.length - 10] & 0xFF) | (p[p.length - 9] & 0xFF) << 8;
        if (version > RDB_VERSION) {
            return false;
        }
        long stored = 0;
        for (int i = 7; i >= 0; i--) {
            stored = (stored << 8) | (p[p.length - 8 + i] & 0xFF);
        }
        return Crc64.update(0, p, 0, p.length - 8) == stored;
    }

    /** The library codes of a payload, in order; errors worded as FUNCTION RESTORE's. */
    static List<byte[]> read(byte[] p) {
        if (!verify(p)) {
            throw new CommandError("ERR DUMP payload version or checksum are wrong");
        }
        List<byte[]> codes = new ArrayList<>();
        int[] at = {0};
        int end = p.length - FOOTER;
        while (at[0] < end) {
            int type = p[at[0]++] & 0xFF;
            if (type == OPCODE_FUNCTION_PRE_GA) {
                throw new CommandError("ERR Pre-GA function format not supported");
            }
            if (type != OPCODE_FUNCTION2) {
                throw new CommandError("ERR given type is not a function");
            }
            // Redis reads the string from the whole buffer: it may run into the footer.
            byte[] code = string(p, at, p.length);
            if (code == null) {
                throw new CommandError("ERR Failed loading library payload");
            }
            codes.add(code);
        }
        return codes;
    }

    /** rdbGenericLoadStringObject over p[at, end): null when truncated or corrupt. */
    private static byte[] string(byte[] p, int[] at, int end) {
        if (at[0] >= end) {
            return null;
        }
        int first = p[at[0]] & 0xFF;
        if (first >> 6 == 3) {
            at[0]++;
            switch (first & 0x3F) {
                case ENC_INT8: return integer(p, at, end, 1);
                case ENC_INT16: return integer(p, at, end, 2);
                case ENC_INT32: return integer(p, at, end, 4);
                case ENC_LZF: {
                    long compressedLength = length(p, at, end);
                    long length = length(p, at, end);
                    if (compressedLength < 0 || length < 0 || compressedLength > end - at[0] || length > Integer.MAX_VALUE - 8) {
                        return null;
                    }
                    byte[] value = new byte[(int) length];
                    int n = Lzf.decompress(p, at[0], (int) compressedLength, value, 0, value.length);
                    at[0] += (int) compressedLength;
                    return n == length ? value : null;
                }
                default: return null;
            }
        }
        long length = length(p, at, end);
        if (length < 0 || length > end - at[0]) {
            return null;
        }
        byte[] value = new byte[(int) length];
        System.arraycopy(p, at[0], value, 0, value.length);
        at[0] += value.length;
        return value;
    }

    private static byte[] integer(byte[] p, int[] at, int end, int bytes) {
        if (end - at[0] < bytes) {
            return null;
        }
        long v = 0;
        for (int i = bytes - 1; i >= 0; i--) {
            v = (v << 8) | (p[at[0] + i] & 0xFF);
        }
        at[0] += bytes;
        long signed = v << (64 - 8 * bytes) >> (64 - 8 * bytes);
        return Long.toString(signed).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** rdbLoadLen; -1 when truncated or not a length. */
    private static long length(byte[] p, int[] at, int end) {
        if (at[0] >= end) {
            return -1;
        }
        int first = p[at[0]++] & 0xFF;
        switch (first >> 6) {
            case 0:
                return first & 0x3F;
            case 1:
                if (at[0] >= end) {
                    return -1;
                }
                return ((first & 0x3F) << 8) | (p[at[0]++] & 0xFF);
            case 2: {
                int bytes = first == 0x80 ? 4 : first == 0x81 ? 8 : 0;
                if (bytes == 0 || end - at[0] < bytes) {
                    return -1;
                }
                long v = 0;
                for (int i = 0; i < bytes; i++) {
                    v = (v << 8) | (p[at[0]++] & 0xFF);
                }
                return v;
            }
            default:
                return -1;
        }
    }
}
