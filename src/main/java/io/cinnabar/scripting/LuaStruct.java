package io.cinnabar.scripting;

import java.io.ByteArrayOutputStream;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The struct library Redis ships (lua_struct.c): pack, unpack and size over its format language
 * ("<" ">" endianness, "!n" alignment, b B h H i[n] I[n] l L T f d x s c[n]), with x86-64 sizes,
 * little endian by default, integers up to 32 bytes wide carried in 64 bits, and its error texts.
 */
final class LuaStruct extends VarArgFunction {
    private static final int MAX_INT_SIZE = 32;
    private static final int MAX_ALIGN = 8;
    private static final int PACK = 0;
    private static final int UNPACK = 1;
    private static final int SIZE = 2;

    private final int op;

    private LuaStruct(int op, String name) {
        this.op = op;
        this.name = name;
    }

    static LuaTable module() {
        ReadOnlyTable t = new ReadOnlyTable();
        t.rawset("pack", new LuaStruct(PACK, "pack"));
        t.rawset("unpack", new LuaStruct(UNPACK, "unpack"));
        t.rawset("size", new LuaStruct(SIZE, "size"));
        return t;
    }

    /** Where the format is and the header state (endianness, alignment) it sets as it goes. */
    private final class Format {
        final byte[] f;
        int i;
        final int end;
        boolean little = true;
        int align = 1;

        Format(LuaString s) {
            f = s.m_bytes;
            i = s.m_offset;
            // the C code reads a NUL-terminated format
            int e = s.m_offset;
            while (e < s.m_offset + s.m_length && f[e] != 0) {
                e++;
            }
            end = e;
        }

        boolean more() {
            return i < end;
        }

        int next() {
            return f[i++] & 0xFF;
        }

        private boolean digit() {
            return i < end && f[i] >= '0' && f[i] <= '9';
        }

        int number(int otherwise) {
            if (!digit()) {
                return otherwise;
            }
            int a = 0;
            do {
                int d = f[i] - '0';
                if (a > Integer.MAX_VALUE / 10 || a * 10 > Integer.MAX_VALUE - d) {
                    throw new LuaError("integral size overflow");
                }
                a = a * 10 + d;
                i++;
            } while (digit());
            return a;
        }

        int size(int opt) {
            switch (opt) {
                case 'B': case 'b': case 'x': return 1;
                case 'H': case 'h': return 2;
                case 'L': case 'l': case 'T': case 'd': return 8;
                case 'f': return 4;
                case 'c': return number(1);
                case 'i':
                case 'I': {
                    int size = number(4);
                    if (size > MAX_INT_SIZE) {
                        throw new LuaError("integral size " + size + " is larger than limit of " + MAX_INT_SIZE);
                    }
                    return size;
                }
                default: return 0;
            }
        }

        long padding(long length, int opt, long size) {
            if (size == 0 || opt == 'c') {
                return 0;
            }
            long s = Math.min(size, align);
            return (s - (length & (s - 1))) & (s - 1);
        }

        void control(int opt) {
            switch (opt) {
                case ' ':
                    return;
                case '>':
                    little = false;
                    return;
                case '<':
                    little = true;
                    return;
                case '!': {
                    int a = number(MAX_ALIGN);
                    if ((a & (a - 1)) != 0) {
                        throw new LuaError("alignment " + a + " is not a power of 2");
                    }
                    align = a;
                    return;
                }
                default:
                    throw argumentError(1, "invalid format option '" + (char) opt + "'");
            }
        }
    }

    private LuaError argumentError(int n, String why) {
        return new LuaError("bad argument #" + n + " to '" + name + "' (" + why + ")");
    }

    /**
     * How luaL_check* names a missing argument: pack has pushed a marker nil above its arguments,
     * so there a missing one is "nil".
     */
    private String missing(Varargs args, int n) {
        return n > args.narg() && op != PACK ? "no value" : args.arg(n).isnil() ? "nil" : args.arg(n).typename();
    }

    private LuaString stringArgument(Varargs args, int n) {
        LuaValue v = args.arg(n);
        if (v.type() == LuaValue.TSTRING || v.type() == LuaValue.TNUMBER) {
            return LuaFormat.textOf(v).checkstring();
        }
        throw argumentError(n, "string expected, got " + missing(args, n));
    }

    private double numberArgument(Varargs args, int n) {
        LuaValue v = args.arg(n);
        if (v.type() == LuaValue.TNUMBER) {
            return v.todouble();
        }
        if (v.type() == LuaValue.TSTRING) {
            double d = LuaNumbers.parse(v.tojstring());
            if (!Double.isNaN(d) || LuaNumbers.isNanText(v.tojstring())) {
                return d;
            }
        }
        throw argumentError(n, "number expected, got " + missing(args, n));
    }

    @Override
    public Varargs invoke(Varargs args) {
        Format format = new Format(stringArgument(args, 1));
        switch (op) {
            case PACK:
                return pack(format, args);
            case UNPACK:
                return unpack(format, args);
            default:
                return size(format);
        }
    }

    private LuaValue pack(Format fmt, Varargs args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int arg = 2;
        long total = 0;
        while (fmt.more()) {
            int opt = fmt.next();
            long size = fmt.size(opt);
            long pad = fmt.padding(total, opt, size);
            total += pad;
            for (long p = 0; p < pad; p++) {
                out.write(0);
            }
            switch (opt) {
                case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I': {
                    double n = numberArgument(args, arg++);
                    long value = n < 0 ? LuaNumbers.toLongLong(n) : LuaFormat.toUnsignedLong(n);
                    writeInteger(out, value, (int) size, fmt.little);
                    break;
                }
                case 'x':
                    out.write(0);
                    break;
                case 'f':
                    writeInteger(out, Float.floatToRawIntBits((float) numberArgument(args, arg++)) & 0xFFFFFFFFL, 4, fmt.little);
                    break;
                case 'd':
                    writeInteger(out, Double.doubleToRawLongBits(numberArgument(args, arg++)), 8, fmt.little);
                    break;
                case 'c':
                case 's': {
                    LuaString s = stringArgument(args, arg++);
                    if (size == 0) {
                        size = s.m_length;
                    }
                    if (s.m_length < size) {
                        // lua_struct.c names the argument after the one it checks
                        throw argumentError(arg, "string too short");
                    }
                    out.write(s.m_bytes, s.m_offset, (int) size);
                    if (opt == 's') {
                        out.write(0);
                        size++;
                    }
                    break;
                }
                default:
                    fmt.control(opt);
            }
            total += size;
        }
        return LuaString.valueUsing(out.toByteArray());
    }

    private static void writeInteger(ByteArrayOutputStream out, long value, int size, boolean little) {
        byte[] b = new byte[size];
        for (int k = 0; k < size; k++) {
            b[little ? k : size - 1 - k] = (byte) value;
            value = k < 7 ? value >>> 8 : 0;
        }
        out.write(b, 0, size);
    }

    private Varargs unpack(Format fmt, Varargs args) {
        LuaString data = stringArgument(args, 2);
        long length = data.m_length;
        long pos = (long) (args.isnoneornil(3) ? 1 : numberArgument(args, 3)) - 1;
        // the offset is a C size_t: a negative one is huge, and fails the length check below
        if (pos == -1) {
            throw argumentError(3, "offset must be 1 or greater");
        }
        java.util.ArrayList<LuaValue> results = new java.util.ArrayList<>();
        while (fmt.more()) {
            int opt = fmt.next();
            long size = fmt.size(opt);
            pos += fmt.padding(pos, opt, size);
            if (pos < 0 || Long.compareUnsigned(pos + size, length) > 0) {
                throw argumentError(2, "data string too short");
            }
            int at = data.m_offset + (int) pos;
            switch (opt) {
                case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I':
                    results.add(LuaValue.valueOf(readInteger(data.m_bytes, at, (int) size, fmt.little, Character.isLowerCase(opt))));
                    break;
                case 'x':
                    break;
                case 'f':
                    results.add(LuaValue.valueOf((double) Float.intBitsToFloat((int) readBits(data.m_bytes, at, 4, fmt.little))));
                    break;
                case 'd':
                    results.add(LuaValue.valueOf(Double.longBitsToDouble(readBits(data.m_bytes, at, 8, fmt.little))));
                    break;
                case 'c': {
                    if (size == 0) {
                        LuaValue previous = results.isEmpty() ? LuaValue.NIL : results.get(results.size() - 1);
                        if (previous.type() != LuaValue.TNUMBER && !(previous.isstring() && !Double.isNaN(LuaNumbers.parse(previous.tojstring())))) {
                            throw new LuaError("format 'c0' needs a previous size");
                        }
                        size = (long) LuaNumbers.parse(LuaNumbers.toLuaString(previous));
                        results.remove(results.size() - 1);
                        if (size < 0 || size > length - pos) {
                            throw argumentError(2, "data string too short");
                        }
                    }
                    results.add(LuaString.valueOf(java.util.Arrays.copyOfRange(data.m_bytes, at, at + (int) size)));
                    break;
                }
                case 's': {
                    int e = at;
                    int limit = data.m_offset + data.m_length;
                    while (e < limit && data.m_bytes[e] != 0) {
                        e++;
                    }
                    if (e == limit) {
                        throw new LuaError("unfinished string in data");
                    }
                    size = e - at + 1;
                    results.add(LuaString.valueOf(java.util.Arrays.copyOfRange(data.m_bytes, at, e)));
                    break;
                }
                default:
                    fmt.control(opt);
            }
            pos += size;
        }
        results.add(LuaValue.valueOf((double) (pos + 1)));
        return LuaValue.varargsOf(results.toArray(new LuaValue[0]));
    }

    private static long readBits(byte[] b, int at, int size, boolean little) {
        long v = 0;
        for (int k = 0; k < size; k++) {
            v = (v << 8) | (b[at + (little ? size - 1 - k : k)] & 0xFF);
        }
        return v;
    }

    private static double readInteger(byte[] b, int at, int size, boolean little, boolean signed) {
        long v = readBits(b, at, size, little);
        if (!signed) {
            // unsigned 64-bit to double: halve with a sticky bit so the one rounding is C's
            return v >= 0 ? (double) v : (double) ((v >>> 1) | (v & 1)) * 2.0;
        }
        // C shifts by the count modulo 64 on x86-64, as Java does
        long mask = -1L << (size * 8 - 1);
        if ((v & mask) != 0) {
            v |= mask;
        }
        return (double) v;
    }

    private LuaValue size(Format fmt) {
        long pos = 0;
        while (fmt.more()) {
            int opt = fmt.next();
            long size = fmt.size(opt);
            pos += fmt.padding(pos, opt, size);
            if (opt == 's') {
                throw argumentError(1, "option 's' has no fixed size");
            } else if (opt == 'c' && size == 0) {
                throw argumentError(1, "option 'c0' has no fixed size");
            }
            if (!((opt >= 'a' && opt <= 'z') || (opt >= 'A' && opt <= 'Z') || (opt >= '0' && opt <= '9'))) {
                fmt.control(opt);
            }
            pos += size;
        }
        return LuaValue.valueOf((double) pos);
    }
}
