package io.cinnabar.util;

/**
 * LZF as liblzf 3.6 builds it inside Redis (HLOG 16, VERY_FAST, 64-bit offsets): the compressor used for RDB
 * strings and quicklist nodes. The compressor follows liblzf's match search step for step, so for
 * the same input it emits the same bytes Redis does (Redis leaves its hash table uninitialised,
 * which can at worst make it miss or find a different match; either output decodes the same).
 *
 * <p>Format: {@code 000LLLLL} + L+1 literal bytes; {@code LLLooooo oooooooo} a back reference of
 * L+2 bytes at distance o+1; {@code 111ooooo LLLLLLLL oooooooo} a back reference of L+9 bytes.
 */
public final class Lzf {
    private static final int HASH_LOG = 16;
    private static final int HASH_SIZE = 1 << HASH_LOG;
    private static final int MAX_LITERAL = 1 << 5;
    private static final int MAX_OFFSET = 1 << 13;
    private static final int MAX_REFERENCE = (1 << 8) + (1 << 3);

    /**
     * liblzf's hash table of earlier positions, one per thread because 256 KB is too much to
     * allocate or clear per call. A slot holds {@code base + 1 + position}; slots at or below the
     * current call's base are from earlier calls and read as empty, so nothing is cleared until
     * base would overflow.
     */
    private static final class HashTable {
        final int[] slots = new int[HASH_SIZE];
        int base;

        /** Reserves positions [0, len) for one call and returns that call's base. */
        int begin(int len) {
            if (base > Integer.MAX_VALUE - len - 1) {
                java.util.Arrays.fill(slots, 0);
                base = 0;
            }
            int callBase = base;
            base += len + 1;
            return callBase;
        }
    }

    private static final ThreadLocal<HashTable> TABLES = ThreadLocal.withInitial(HashTable::new);

    private Lzf() {}

    private static int hashIndex(int h) {
        return ((h >>> (3 * 8 - HASH_LOG)) - h * 5) & (HASH_SIZE - 1);
    }

    /**
     * Compresses {@code in[off, off+len)} into {@code out} from index 0. Returns the compressed
     * length, or 0 when the result would not fit in {@code out.length} bytes (or len is 0), as
     * lzf_compress does; callers then store the data uncompressed.
     */
    public static int compress(byte[] in, int off, int len, byte[] out) {
        return compress(in, off, len, out, 0, out.length);
    }

    public static int compress(byte[] in, int off, int len, byte[] out, int outOff, int outLen) {
        if (len == 0 || outLen == 0) {
            return 0;
        }
        HashTable hashTable = TABLES.get();
        int[] table = hashTable.slots;
        final int base = hashTable.begin(len) - off + 1; // slot value = base + ip
        final int inEnd = off + len;
        final int outEnd = outOff + outLen;
        int ip = off;
        int op = outOff + 1; // room for the first literal run's control byte
        int lit = 0;
        int hval = len >= 2 ? ((in[ip] & 0xFF) << 8) | (in[ip + 1] & 0xFF) : 0;

        // liblzf checks room for the last (at most 3) bytes once, when it stops looking for matches.
        boolean tailRoomChecked = false;
        while (ip < inEnd) {
            if (ip < inEnd - 2) {
                hval = (hval << 8) | (in[ip + 2] & 0xFF);
                int slot = hashIndex(hval);
                int stored = table[slot];
                int ref = stored - base >= off ? stored - base : -1;
                table[slot] = base + ip;
                int distance = ip - ref - 1;
                if (ref > off && distance < MAX_OFFSET
                        && in[ref] == in[ip] && in[ref + 1] == in[ip + 1] && in[ref + 2] == in[ip + 2]) {
                    int matched = matchLength(in, ref, ip, Math.min(inEnd - ip - 2, MAX_REFERENCE));
                    int runStart = op - lit - 1;
                    if (lit == 0) {
                        op--; // an empty literal run loses its control byte
                    }
                    if (op + 3 + 1 >= outEnd) {
                        return 0;
                    }
                    out[runStart] = (byte) (lit - 1);
                    int lengthCode = matched - 2;
                    if (lengthCode < 7) {
                        out[op++] = (byte) ((distance >>> 8) + (lengthCode << 5));
                    } else {
                        out[op++] = (byte) ((distance >>> 8) + (7 << 5));
                        out[op++] = (byte) (lengthCode - 7);
                    }
                    out[op++] = (byte) distance;
                    lit = 0;
                    op++; // room for the next literal run's control byte
                    ip += matched;
                    if (ip < inEnd - 2) {
                        // Hash the match's last two positions so later data can refer into it.
                        hval = ((in[ip - 2] & 0xFF) << 8) | (in[ip - 1] & 0xFF);
                        hval = (hval << 8) | (in[ip] & 0xFF);
                        table[hashIndex(hval)] = base + ip - 2;
                        hval = (hval << 8) | (in[ip + 1] & 0xFF);
                        table[hashIndex(hval)] = base + ip - 1;
                    }
                    continue;
                }
                if (op >= outEnd) {
                    return 0;
                }
            } else if (!tailRoomChecked) {
                if (op + 3 > outEnd) {
                    return 0;
                }
                tailRoomChecked = true;
            }
            lit++;
            out[op++] = in[ip++];
            if (lit == MAX_LITERAL) {
                out[op - lit - 1] = (byte) (lit - 1);
                lit = 0;
                op++;
            }
        }
        if (!tailRoomChecked && op + 3 > outEnd) {
            return 0;
        }
        out[op - lit - 1] = (byte) (lit - 1);
        if (lit == 0) {
            op--;
        }
        return op - outOff;
    }

    /**
     * Bytes matching at ref and ip, at least 3 (already checked). Mirrors liblzf exactly: its
     * unrolled first 16 steps do not stop at maxLength, so near the end of the input a match may
     * run up to two bytes past it (still inside the input).
     */
    private static int matchLength(byte[] in, int ref, int ip, int maxLength) {
        int len = 2;
        if (maxLength > 16) {
            for (int i = 0; i < 16; i++) {
                len++;
                if (in[ref + len] != in[ip + len]) {
                    return len;
                }
            }
        }
        do {
            len++;
        } while (len < maxLength && in[ref + len] == in[ip + len]);
        return len;
    }

    /**
     * Decompresses {@code in[off, off+len)} into {@code out[outOff, outOff+outLen)}. Returns the
     * decompressed length, or 0 when the output does not fit or the input is corrupt (a reference
     * before the start of the output or a truncated sequence), as lzf_decompress does.
     */
    public static int decompress(byte[] in, int off, int len, byte[] out, int outOff, int outLen) {
        int ip = off;
        final int inEnd = off + len;
        int op = outOff;
        final int outEnd = outOff + outLen;
        while (ip < inEnd) {
            int ctrl = in[ip++] & 0xFF;
            if (ctrl < (1 << 5)) {
                int run = ctrl + 1;
                if (op + run > outEnd || ip + run > inEnd) {
                    return 0;
                }
                System.arraycopy(in, ip, out, op, run);
                ip += run;
                op += run;
            } else {
                int length = ctrl >>> 5;
                int ref = op - ((ctrl & 0x1F) << 8) - 1;
                if (ip >= inEnd) {
                    return 0;
                }
                if (length == 7) {
                    length += in[ip++] & 0xFF;
                    if (ip >= inEnd) {
                        return 0;
                    }
                }
                ref -= in[ip++] & 0xFF;
                length += 2;
                if (op + length > outEnd || ref < outOff) {
                    return 0;
                }
                // Byte by byte on purpose: an overlapping reference repeats the bytes just written.
                for (int i = 0; i < length; i++) {
                    out[op++] = out[ref++];
                }
            }
        }
        return op - outOff;
    }

    public static int decompress(byte[] in, int off, int len, byte[] out) {
        return decompress(in, off, len, out, 0, out.length);
    }
}
