package io.cinnabar.commands;

import io.cinnabar.testing.RandomDiff;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded random bitmap commands against real Redis, every reply compared byte for byte: SETBIT
 * and GETBIT at small and large offsets, BITCOUNT and BITPOS over every kind of range (negative,
 * past the end, BYTE and BIT units), BITOP over keys of different lengths, and BITFIELD with every
 * width, signedness, overflow mode and '#' offsets. GET, STRLEN and OBJECT ENCODING of the keys
 * run in between so the stored bytes and their encoding are compared too. Replay a failure with
 * {@code -DbitmapSeed=<seed>}.
 */
@Timeout(300)
class BitmapCommandsRandomDiffTest {
    private static final int KEYS = 6;

    @Test
    void bitmapCommandsMatchRedis() {
        RandomDiff.run("bitmapSeed", 20261130L, 24000, BitmapCommandsRandomDiffTest::command);
    }

    private static String key(Random r) {
        return "b:" + r.nextInt(KEYS);
    }

    static String[] command(Random r) {
        int pick = r.nextInt(100);
        if (pick < 16) {
            return new String[] {"SETBIT", key(r), Long.toString(bitOffset(r)), r.nextInt(40) == 0 ? "2" : Integer.toString(r.nextInt(2))};
        } else if (pick < 24) {
            return new String[] {"GETBIT", key(r), Long.toString(bitOffset(r))};
        } else if (pick < 36) {
            return bitcount(r);
        } else if (pick < 50) {
            return bitpos(r);
        } else if (pick < 58) {
            return bitop(r);
        } else if (pick < 78) {
            return bitfield(r, false);
        } else if (pick < 82) {
            return bitfield(r, true);
        } else if (pick < 88) {
            return new String[] {"GET", key(r)};
        } else if (pick < 91) {
            return encodingOrLength(r);
        } else if (pick < 95) {
            return new String[] {"SET", key(r), value(r)};
        } else if (pick < 97) {
            return new String[] {"APPEND", key(r), value(r)};
        } else {
            return new String[] {"DEL", key(r)};
        }
    }

    private static String[] encodingOrLength(Random r) {
        return r.nextBoolean() ? new String[] {"STRLEN", key(r)} : new String[] {"OBJECT", "ENCODING", key(r)};
    }

    /** Mostly offsets within a few hundred bytes, sometimes kilobytes away, rarely 100 KB. */
    private static long bitOffset(Random r) {
        if (r.nextInt(60) == 0) {
            return r.nextInt(1 << 20);
        }
        switch (r.nextInt(10)) {
            case 0:
                return r.nextInt(1 << 15);
            case 1:
                return r.nextInt(64);
            default:
                return r.nextInt(2048);
        }
    }

    private static String value(Random r) {
        switch (r.nextInt(5)) {
            case 0:
                return Long.toString(r.nextLong() >> r.nextInt(64)); // int-encoded
            case 1:
                return "";
            default:
                StringBuilder b = new StringBuilder();
                int n = r.nextInt(4) == 0 ? 30 + r.nextInt(80) : r.nextInt(20);
                for (int i = 0; i < n; i++) {
                    b.append((char) (r.nextInt(3) == 0 ? 0xff : 32 + r.nextInt(95)));
                }
                return b.toString();
        }
    }

    /** A range bound: around zero either side, near the length of typical keys, or far out. */
    private static String bound(Random r) {
        switch (r.nextInt(6)) {
            case 0:
                return Long.toString(-1 - r.nextInt(300));
            case 1:
                return Long.toString(r.nextInt(20000));
            case 2:
                return r.nextBoolean() ? "9223372036854775807" : "-9223372036854775808";
            default:
                return Integer.toString(r.nextInt(400) - 100);
        }
    }

    private static String unit(Random r) {
        return r.nextBoolean() ? (r.nextBoolean() ? "BIT" : "bit") : (r.nextInt(20) == 0 ? "bits" : "BYTE");
    }

    private static String[] bitcount(Random r) {
        switch (r.nextInt(4)) {
            case 0:
                return new String[] {"BITCOUNT", key(r)};
            case 1:
                return new String[] {"BITCOUNT", key(r), bound(r), bound(r)};
            default:
                return new String[] {"BITCOUNT", key(r), bound(r), bound(r), unit(r)};
        }
    }

    private static String[] bitpos(Random r) {
        String bit = r.nextInt(40) == 0 ? "2" : Integer.toString(r.nextInt(2));
        switch (r.nextInt(5)) {
            case 0:
                return new String[] {"BITPOS", key(r), bit};
            case 1:
                return new String[] {"BITPOS", key(r), bit, bound(r)};
            case 2:
                return new String[] {"BITPOS", key(r), bit, bound(r), bound(r)};
            default:
                return new String[] {"BITPOS", key(r), bit, bound(r), bound(r), unit(r)};
        }
    }

    private static String[] bitop(Random r) {
        String[] ops = {"AND", "OR", "XOR", "NOT", "and"};
        String op = ops[r.nextInt(ops.length)];
        int sources = op.equalsIgnoreCase("NOT") ? (r.nextInt(20) == 0 ? 2 : 1) : 1 + r.nextInt(4);
        List<String> c = new ArrayList<>(List.of("BITOP", op, key(r)));
        for (int i = 0; i < sources; i++) {
            c.add(r.nextInt(8) == 0 ? "b:missing" : key(r));
        }
        return c.toArray(new String[0]);
    }

    private static final String[] OVERFLOW = {"WRAP", "SAT", "FAIL", "wrap", "sat", "fail"};

    private static String[] bitfield(Random r, boolean readOnly) {
        List<String> c = new ArrayList<>(List.of(readOnly ? "BITFIELD_RO" : "BITFIELD", key(r)));
        int ops = 1 + r.nextInt(4);
        for (int i = 0; i < ops; i++) {
            int kind = readOnly ? 0 : r.nextInt(8);
            if (kind >= 6) {
                c.add("OVERFLOW");
                c.add(r.nextInt(30) == 0 ? "CLAMP" : OVERFLOW[r.nextInt(OVERFLOW.length)]);
                continue;
            }
            boolean signed = r.nextBoolean();
            int bits = signed ? 1 + r.nextInt(64) : 1 + r.nextInt(63);
            String type = (signed ? "i" : "u") + bits;
            if (r.nextInt(60) == 0) {
                type = r.nextBoolean() ? "u64" : (r.nextBoolean() ? "i65" : "x8");
            }
            String offset = r.nextInt(4) == 0 ? "#" + r.nextInt(200) : Long.toString(r.nextInt(5) == 0 ? r.nextInt(1 << 16) : r.nextInt(600));
            if (kind <= 1 || readOnly) {
                c.add("GET");
                c.add(type);
                c.add(offset);
            } else {
                c.add(kind <= 3 ? "SET" : "INCRBY");
                c.add(type);
                c.add(offset);
                c.add(fieldValue(r, bits));
            }
        }
        return c.toArray(new String[0]);
    }

    /** Values in range, just past either limit, or anywhere in 64 bits. */
    private static String fieldValue(Random r, int bits) {
        long limit = bits >= 63 ? Long.MAX_VALUE : 1L << bits;
        switch (r.nextInt(6)) {
            case 0:
                return Long.toString(r.nextLong());
            case 1:
                return Long.toString(limit + r.nextInt(3) - 1);
            case 2:
                return Long.toString(-limit + r.nextInt(3) - 1);
            case 3:
                return r.nextBoolean() ? "9223372036854775807" : "-9223372036854775808";
            default:
                return Long.toString(r.nextInt(200) - 100);
        }
    }
}
