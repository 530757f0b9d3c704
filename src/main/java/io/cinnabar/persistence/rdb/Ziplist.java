package io.cinnabar.persistence.rdb;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decoders for the two blob formats older RDBs hold and Redis 7.0 only converts on load: the
 * ziplist (lists, hashes and sorted sets before 7.0) and the zipmap (hashes before 2.6). Both
 * check every entry against the blob's bounds and header, as Redis's ziplistValidateIntegrity
 * and zipmapValidateIntegrity do in deep mode, and give null for anything malformed.
 */
final class Ziplist {
    private static final int HEADER_SIZE = 10;
    private static final int END = 0xFF;
    private static final int BIG_PREVLEN = 0xFE;
    private static final int UNKNOWN_COUNT = 0xFFFF;
    private static final int STR_06B = 0;
    private static final int STR_14B = 1;
    private static final int STR_32B = 2;
    private static final int INT_16B = 0xC0;
    private static final int INT_32B = 0xD0;
    private static final int INT_64B = 0xE0;
    private static final int INT_24B = 0xF0;
    private static final int INT_8B = 0xFE;
    private static final int INT_IMM_MIN = 0xF1;
    private static final int INT_IMM_MAX = 0xFD;
    private static final int ZIPMAP_BIGLEN = 254;
    private static final int ZIPMAP_END = 255;

    private Ziplist() {}

    /** The entries of a ziplist, integers as their decimal text; null if the blob is malformed. */
    static List<byte[]> entries(byte[] zl) {
        if (zl.length < HEADER_SIZE + 1 || le(zl, 0, 4) != zl.length || (zl[zl.length - 1] & 0xFF) != END) {
            return null;
        }
        long tail = le(zl, 4, 4);
        int headerCount = (int) le(zl, 8, 2);
        List<byte[]> out = new ArrayList<>();
        int end = zl.length - 1;
        int p = HEADER_SIZE;
        int prevEntryLength = 0;
        int last = -1;
        while (p < end) {
            int start = p;
            int prevlen;
            if ((zl[p] & 0xFF) == END) {
                return null; // the end marker before the end the header gives
            }
            if ((zl[p] & 0xFF) < BIG_PREVLEN) {
                prevlen = zl[p++] & 0xFF;
            } else {
                if (p + 5 > end) {
                    return null;
                }
                long big = le(zl, p + 1, 4);
                if (big > Integer.MAX_VALUE) {
                    return null;
                }
                prevlen = (int) big;
                p += 5;
            }
            if (prevlen != prevEntryLength || p >= end) {
                return null;
            }
            int enc = zl[p] & 0xFF;
            byte[] value;
            if (enc >> 6 == STR_06B || enc >> 6 == STR_14B || enc >> 6 == STR_32B) {
                long len;
                if (enc >> 6 == STR_06B) {
                    len = enc & 0x3F;
                    p += 1;
                } else if (enc >> 6 == STR_14B) {
                    if (p + 2 > end) {
                        return null;
                    }
                    len = (enc & 0x3F) << 8 | (zl[p + 1] & 0xFF);
                    p += 2;
                } else {
                    if (p + 5 > end) {
                        return null;
                    }
                    len = be(zl, p + 1, 4);
                    p += 5;
                }
                if (len > end - p) {
                    return null;
                }
                value = java.util.Arrays.copyOfRange(zl, p, p + (int) len);
                p += (int) len;
            } else {
                p += 1;
                int bytes = intBytes(enc);
                if (bytes < 0 || bytes > end - p) {
                    return null;
                }
                long v;
                if (bytes == 0) {
                    v = enc - INT_IMM_MIN;
                } else {
                    v = le(zl, p, bytes) << (64 - 8 * bytes) >> (64 - 8 * bytes);
                }
                p += bytes;
                value = Long.toString(v).getBytes(StandardCharsets.US_ASCII);
            }
            out.add(value);
            prevEntryLength = p - start;
            last = start;
        }
        if (p != end || (last < 0 ? tail != HEADER_SIZE : tail != last)) {
            return null;
        }
        if (headerCount != UNKNOWN_COUNT && headerCount != out.size()) {
            return null;
        }
        return out;
    }

    /** Payload bytes of an integer encoding, -1 if the byte is no encoding at all. */
    private static int intBytes(int enc) {
        switch (enc) {
            case INT_8B: return 1;
            case INT_16B: return 2;
            case INT_24B: return 3;
            case INT_32B: return 4;
            case INT_64B: return 8;
            default: return enc >= INT_IMM_MIN && enc <= INT_IMM_MAX ? 0 : -1;
        }
    }

    /**
     * The field, value, field, value... of a zipmap: a count byte, then per entry a length, the
     * field, a length, a free-space byte, the value and that many free bytes; 255 ends it. Null
     * if malformed.
     */
    static List<byte[]> zipmapEntries(byte[] zm) {
        List<byte[]> out = new ArrayList<>();
        int end = zm.length;
        int p = 1;
        if (end < 2) {
            return null;
        }
        while (true) {
            if (p >= end) {
                return null;
            }
            if ((zm[p] & 0xFF) == ZIPMAP_END) {
                p++;
                break;
            }
            int[] at = {p};
            byte[] field = zipmapString(zm, at, false);
            if (field == null) {
                return null;
            }
            byte[] value = zipmapString(zm, at, true);
            if (value == null) {
                return null;
            }
            out.add(field);
            out.add(value);
            p = at[0];
        }
        int headerCount = zm[0] & 0xFF;
        if (p != end || (headerCount < ZIPMAP_BIGLEN && headerCount != out.size() / 2)) {
            return null;
        }
        return out;
    }

    private static byte[] zipmapString(byte[] zm, int[] at, boolean withFree) {
        int p = at[0];
        if (p >= zm.length) {
            return null;
        }
        long len = zm[p] & 0xFF;
        if (len == ZIPMAP_END) {
            return null;
        }
        p++;
        if (len == ZIPMAP_BIGLEN) {
            if (p + 4 > zm.length) {
                return null;
            }
            len = le(zm, p, 4);
            p += 4;
        }
        int free = 0;
        if (withFree) {
            if (p >= zm.length) {
                return null;
            }
            free = zm[p++] & 0xFF;
        }
        if (len + free > zm.length - p) {
            return null;
        }
        byte[] s = java.util.Arrays.copyOfRange(zm, p, p + (int) len);
        at[0] = p + (int) len + free;
        return s;
    }

    private static long le(byte[] b, int at, int bytes) {
        long v = 0;
        for (int i = bytes - 1; i >= 0; i--) {
            v = v << 8 | (b[at + i] & 0xFF);
        }
        return v;
    }

    private static long be(byte[] b, int at, int bytes) {
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v = v << 8 | (b[at + i] & 0xFF);
        }
        return v;
    }
}
