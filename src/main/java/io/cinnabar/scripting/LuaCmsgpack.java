package io.cinnabar.scripting;

import java.io.ByteArrayOutputStream;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The cmsgpack library Redis ships (lua-cmsgpack 0.4.0): a number is packed as the smallest
 * integer when it is one, else as a float when a float holds it exactly, else as a double; a
 * table with keys 1..n is an array, any other a map; tables nested deeper than 16 and values
 * msgpack cannot hold pack as nil. Unpacking knows the formats that version knows (no bin or ext).
 */
final class LuaCmsgpack extends VarArgFunction {
    private static final int MAX_NESTING = 16;
    private static final int PACK = 0;
    private static final int UNPACK = 1;
    private static final int UNPACK_ONE = 2;
    private static final int UNPACK_LIMIT = 3;

    private final int op;

    private LuaCmsgpack(int op, String name) {
        this.op = op;
        this.name = name;
    }

    static LuaTable module() {
        ReadOnlyTable t = new ReadOnlyTable();
        t.rawset("pack", new LuaCmsgpack(PACK, "pack"));
        t.rawset("unpack", new LuaCmsgpack(UNPACK, "unpack"));
        t.rawset("unpack_one", new LuaCmsgpack(UNPACK_ONE, "unpack_one"));
        t.rawset("unpack_limit", new LuaCmsgpack(UNPACK_LIMIT, "unpack_limit"));
        t.rawset("_NAME", LuaValue.valueOf("cmsgpack"));
        t.rawset("_VERSION", LuaValue.valueOf("lua-cmsgpack 0.4.0"));
        t.rawset("_COPYRIGHT", LuaValue.valueOf("Copyright (C) 2012, Salvatore Sanfilippo"));
        t.rawset("_DESCRIPTION", LuaValue.valueOf("MessagePack C implementation for Lua"));
        return t;
    }

    @Override
    public Varargs invoke(Varargs args) {
        switch (op) {
            case PACK: {
                if (args.narg() == 0) {
                    throw new LuaError("bad argument #0 to 'pack' (MessagePack pack needs input.)");
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                for (int i = 1; i <= args.narg(); i++) {
                    pack(out, args.arg(i), 0);
                }
                return LuaString.valueUsing(out.toByteArray());
            }
            case UNPACK:
                return unpack(args, 0, 0);
            case UNPACK_ONE:
                return unpack(args, 1, integerArgument(args, 2, true));
            default:
                return unpack(args, integerArgument(args, 2, false), integerArgument(args, 3, true));
        }
    }

    private int integerArgument(Varargs args, int n, boolean optional) {
        LuaValue v = args.arg(n);
        if (optional && v.isnil()) {
            return 0;
        }
        if (v.type() == LuaValue.TNUMBER) {
            return (int) LuaNumbers.toLongLong(v.todouble());
        }
        if (v.type() == LuaValue.TSTRING && !Double.isNaN(LuaNumbers.parse(v.tojstring()))) {
            return (int) LuaNumbers.toLongLong(LuaNumbers.parse(v.tojstring()));
        }
        String got = n > args.narg() ? "no value" : v.typename();
        throw new LuaError("bad argument #" + n + " to '" + name + "' (number expected, got " + got + ")");
    }

    // ---------------------------------------------------------------- packing

    private static void pack(ByteArrayOutputStream out, LuaValue v, int level) {
        switch (v.type()) {
            case LuaValue.TSTRING:
                packBytes(out, v.checkstring());
                break;
            case LuaValue.TBOOLEAN:
                out.write(v.toboolean() ? 0xC3 : 0xC2);
                break;
            case LuaValue.TNUMBER:
                packNumber(out, v.todouble());
                break;
            case LuaValue.TTABLE:
                if (level == MAX_NESTING) {
                    out.write(0xC0);
                } else if (isArray((LuaTable) v)) {
                    packArray(out, (LuaTable) v, level);
                } else {
                    packMap(out, (LuaTable) v, level);
                }
                break;
            default:
                out.write(0xC0);
        }
    }

    private static void packNumber(ByteArrayOutputStream out, double d) {
        if (!Double.isInfinite(d) && (double) LuaNumbers.toLongLong(d) == d) {
            packInteger(out, (long) d);
            return;
        }
        float f = (float) d;
        if ((double) f == d) {
            out.write(0xCA);
            bigEndian(out, Float.floatToRawIntBits(f) & 0xFFFFFFFFL, 4);
        } else {
            out.write(0xCB);
            bigEndian(out, Double.doubleToRawLongBits(d), 8);
        }
    }

    private static void packInteger(ByteArrayOutputStream out, long n) {
        if (n >= 0) {
            if (n <= 127) {
                out.write((int) n);
            } else if (n <= 0xFF) {
                out.write(0xCC);
                bigEndian(out, n, 1);
            } else if (n <= 0xFFFF) {
                out.write(0xCD);
                bigEndian(out, n, 2);
            } else if (n <= 0xFFFFFFFFL) {
                out.write(0xCE);
                bigEndian(out, n, 4);
            } else {
                out.write(0xCF);
                bigEndian(out, n, 8);
            }
        } else if (n >= -32) {
            out.write((int) n & 0xFF);
        } else if (n >= -128) {
            out.write(0xD0);
            bigEndian(out, n, 1);
        } else if (n >= -32768) {
            out.write(0xD1);
            bigEndian(out, n, 2);
        } else if (n >= Integer.MIN_VALUE) {
            out.write(0xD2);
            bigEndian(out, n, 4);
        } else {
            out.write(0xD3);
            bigEndian(out, n, 8);
        }
    }

    private static void bigEndian(ByteArrayOutputStream out, long v, int bytes) {
        for (int i = bytes - 1; i >= 0; i--) {
            out.write((int) (v >>> (8 * i)) & 0xFF);
        }
    }

    private static void packBytes(ByteArrayOutputStream out, LuaString s) {
        int len = s.m_length;
        header(out, len, 0xA0, 32, 0xD9, 0xDA, 0xDB);
        out.write(s.m_bytes, s.m_offset, len);
    }

    /** A fixed-size header below fixLimit, else the 8-bit (when given), 16-bit or 32-bit form. */
    private static void header(ByteArrayOutputStream out, int len, int fix, int fixLimit, int eight, int sixteen, int thirtyTwo) {
        if (len < fixLimit) {
            out.write(fix | len);
        } else if (eight >= 0 && len <= 0xFF) {
            out.write(eight);
            bigEndian(out, len, 1);
        } else if (len <= 0xFFFF) {
            out.write(sixteen);
            bigEndian(out, len, 2);
        } else {
            out.write(thirtyTwo);
            bigEndian(out, len, 4);
        }
    }

    /** Keys exactly 1..n (every key a positive whole number and as many keys as the largest). */
    private static boolean isArray(LuaTable t) {
        double max = 0;
        long count = 0;
        for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
            LuaValue key = e.arg1();
            if (key.type() != LuaValue.TNUMBER) {
                return false;
            }
            double n = key.todouble();
            if (n <= 0 || (double) (int) n != n) {
                return false;
            }
            max = Math.max(max, n);
            count++;
        }
        return max == count;
    }

    private static void packArray(ByteArrayOutputStream out, LuaTable t, int level) {
        int len = t.length();
        header(out, len, 0x90, 16, -1, 0xDC, 0xDD);
        for (int i = 1; i <= len; i++) {
            pack(out, t.rawget(i), level + 1);
        }
    }

    private static void packMap(ByteArrayOutputStream out, LuaTable t, int level) {
        int count = 0;
        for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
            count++;
        }
        header(out, count, 0x80, 16, -1, 0xDE, 0xDF);
        for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
            pack(out, e.arg1(), level + 1);
            pack(out, e.arg(2), level + 1);
        }
    }

    // ---------------------------------------------------------------- unpacking

    private Varargs unpack(Varargs args, int limit, int offset) {
        LuaValue arg = args.arg1();
        if (!arg.isstring()) {
            String got = args.narg() == 0 ? "no value" : arg.isnil() ? "nil" : arg.typename();
            throw new LuaError("bad argument #1 to '" + name + "' (string expected, got " + got + ")");
        }
        LuaString s = LuaFormat.textOf(arg).checkstring();
        int len = s.m_length;
        boolean all = limit == 0 && offset == 0;
        if (offset < 0 || limit < 0) {
            // mp_unpack_full prints the length where it means the limit
            throw new LuaError("Invalid request to unpack with offset of " + offset + " and limit of " + len + ".");
        }
        if (offset > len) {
            throw new LuaError("Start offset " + offset + " greater than input length " + len + ".");
        }
        Reader r = new Reader(s.m_bytes, s.m_offset + offset, s.m_offset + len);
        java.util.ArrayList<LuaValue> values = new java.util.ArrayList<>();
        int max = all ? Integer.MAX_VALUE : limit;
        while (r.pos < r.end && values.size() < max) {
            values.add(r.value());
        }
        if (!all) {
            int next = r.pos == r.end ? -1 : r.pos - s.m_offset;
            values.add(0, LuaValue.valueOf(next));
        }
        return LuaValue.varargsOf(values.toArray(new LuaValue[0]));
    }

    private static final class Reader {
        final byte[] b;
        int pos;
        final int end;

        Reader(byte[] b, int pos, int end) {
            this.b = b;
            this.pos = pos;
            this.end = end;
        }

        private void need(int n) {
            if (end - pos < n) {
                throw new LuaError("Missing bytes in input.");
            }
        }

        private long read(int n) {
            need(n);
            long v = 0;
            for (int i = 0; i < n; i++) {
                v = (v << 8) | (b[pos++] & 0xFF);
            }
            return v;
        }

        LuaValue value() {
            need(1);
            int c = b[pos++] & 0xFF;
            switch (c) {
                case 0xCC: return LuaValue.valueOf((double) read(1));
                case 0xCD: return LuaValue.valueOf((double) read(2));
                case 0xCE: return LuaValue.valueOf((double) read(4));
                case 0xCF: return LuaValue.valueOf((double) read(8)); // read as signed, as lua-cmsgpack does
                case 0xD0: return LuaValue.valueOf((double) (byte) read(1));
                case 0xD1: return LuaValue.valueOf((double) (short) read(2));
                case 0xD2: return LuaValue.valueOf((double) (int) read(4));
                case 0xD3: return LuaValue.valueOf((double) read(8));
                case 0xC0: return LuaValue.NIL;
                case 0xC3: return LuaValue.TRUE;
                case 0xC2: return LuaValue.FALSE;
                case 0xCA: return LuaValue.valueOf((double) Float.intBitsToFloat((int) read(4)));
                case 0xCB: return LuaValue.valueOf(Double.longBitsToDouble(read(8)));
                case 0xD9: return bytes((int) read(1));
                case 0xDA: return bytes((int) read(2));
                case 0xDB: return bytes(length(read(4)));
                case 0xDC: return array((int) read(2));
                case 0xDD: return array(length(read(4)));
                case 0xDE: return map((int) read(2));
                case 0xDF: return map(length(read(4)));
                default:
            }
            if (c <= 0x7F) {
                return LuaValue.valueOf(c);
            }
            if (c >= 0xE0) {
                return LuaValue.valueOf((byte) c);
            }
            if ((c & 0xE0) == 0xA0) {
                return bytes(c & 0x1F);
            }
            if ((c & 0xF0) == 0x90) {
                return array(c & 0x0F);
            }
            if ((c & 0xF0) == 0x80) {
                return map(c & 0x0F);
            }
            throw new LuaError("Bad data format in input.");
        }

        /** A 32-bit length larger than any input: reading it runs out of bytes, as in C. */
        private int length(long n) {
            if (n > end - pos) {
                throw new LuaError("Missing bytes in input.");
            }
            return (int) n;
        }

        private LuaValue bytes(int n) {
            need(n);
            byte[] copy = new byte[n];
            System.arraycopy(b, pos, copy, 0, n);
            pos += n;
            return LuaString.valueUsing(copy);
        }

        private LuaValue array(int n) {
            LuaTable t = new LuaTable();
            for (int i = 1; i <= n; i++) {
                t.rawset(i, value());
            }
            return t;
        }

        private LuaValue map(int n) {
            LuaTable t = new LuaTable();
            for (int i = 0; i < n; i++) {
                LuaValue key = value();
                LuaValue v = value();
                if (key.isnil()) {
                    // raised by the Lua core, not a library function: no script position
                    throw new ScriptErrors.UnpositionedError("table index is nil");
                }
                if (key.type() == LuaValue.TNUMBER && Double.isNaN(key.todouble())) {
                    throw new ScriptErrors.UnpositionedError("table index is NaN");
                }
                t.rawset(key, v);
            }
            return t;
        }
    }
}
