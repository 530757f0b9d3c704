package io.cinnabar.scripting;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaDouble;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Lua 5.1's string.format as Redis runs it: each directive is handed to C's sprintf with the
 * argument cast the way lstrlib.c casts it ((long) for %d, (unsigned long) for %x, (int) for %c,
 * x86-64 conversion rules for values out of range), and the piece is appended up to its first NUL
 * (strlen), which is why "%c" of 0 adds nothing.
 */
final class LuaFormat extends VarArgFunction {
    private static final String FLAGS = "-+ #0";
    private static final int MAX_FLAGS = FLAGS.length();

    @Override
    public Varargs invoke(Varargs args) {
        if (args.narg() == 0) {
            throw new LuaError("bad argument #1 to 'format' (string expected, got no value)");
        }
        LuaString format = string(args, 1);
        byte[] f = format.m_bytes;
        int end = format.m_offset + format.m_length;
        ByteArrayOutputStream out = new ByteArrayOutputStream(format.m_length + 16);
        int arg = 1;
        int top = args.narg();
        int i = format.m_offset;
        while (i < end) {
            byte c = f[i++];
            if (c != '%') {
                out.write(c);
                continue;
            }
            if (i < end && f[i] == '%') {
                out.write('%');
                i++;
                continue;
            }
            if (++arg > top) {
                throw new LuaError("bad argument #" + arg + " to 'format' (no value)");
            }
            Spec spec = new Spec();
            i = spec.scan(f, i, end);
            byte conversion = i < end ? f[i] : 0;
            i++;
            byte[] piece = convert(conversion, spec, args, arg);
            if (piece != null) {
                out.write(piece, 0, piece.length);
            }
        }
        return LuaString.valueUsing(out.toByteArray());
    }

    private static byte[] convert(byte conversion, Spec spec, Varargs args, int arg) {
        switch (conversion) {
            case 'c': {
                int ch = LuaNumbers.toInt(number(args, arg)) & 0xFF;
                String padded = spec.pad("", String.valueOf((char) ch), false);
                return untilNul(padded.getBytes(StandardCharsets.ISO_8859_1));
            }
            case 'd':
            case 'i':
                return ascii(spec.signedInteger(LuaNumbers.toLongLong(number(args, arg))));
            case 'o':
            case 'u':
            case 'x':
            case 'X':
                return ascii(spec.unsignedInteger(toUnsignedLong(number(args, arg)), conversion));
            case 'e':
            case 'E':
            case 'f':
            case 'g':
            case 'G':
                return ascii(spec.floating(number(args, arg), conversion));
            case 'q':
                return quoted(string(args, arg));
            case 's': {
                LuaString s = string(args, arg);
                if (spec.precision < 0 && s.m_length >= 100) {
                    byte[] whole = new byte[s.m_length];
                    System.arraycopy(s.m_bytes, s.m_offset, whole, 0, s.m_length);
                    return whole;
                }
                int len = 0;
                while (len < s.m_length && s.m_bytes[s.m_offset + len] != 0) {
                    len++;
                }
                if (spec.precision >= 0 && spec.precision < len) {
                    len = spec.precision;
                }
                String text = new String(s.m_bytes, s.m_offset, len, StandardCharsets.ISO_8859_1);
                return spec.pad("", text, false).getBytes(StandardCharsets.ISO_8859_1);
            }
            default:
                throw new LuaError("invalid option '%" + (char) (conversion & 0xFF) + "' to 'format'");
        }
    }

    /** luaL_checknumber: a number, or a string Lua 5.1 reads as one. */
    static double number(Varargs args, int arg) {
        LuaValue v = args.arg(arg);
        if (v.type() == LuaValue.TNUMBER) {
            return v.todouble();
        }
        if (v.type() == LuaValue.TSTRING) {
            String text = v.tojstring();
            double d = LuaNumbers.parse(text);
            if (!Double.isNaN(d) || LuaNumbers.isNanText(text)) {
                return d;
            }
        }
        throw new LuaError("bad argument #" + arg + " to 'format' (number expected, got " + typeName(v) + ")");
    }

    /** luaL_checklstring: a string, or a number as "%.14g" text. */
    static LuaString string(Varargs args, int arg) {
        LuaValue v = args.arg(arg);
        if (v.type() == LuaValue.TSTRING) {
            return v.checkstring();
        }
        if (v.type() == LuaValue.TNUMBER) {
            return LuaValue.valueOf(LuaNumbers.format14g(v.todouble()));
        }
        throw new LuaError("bad argument #" + arg + " to 'format' (string expected, got " + typeName(v) + ")");
    }

    private static String typeName(LuaValue v) {
        return v.isnil() ? "nil" : v.typename();
    }

    /** C's (unsigned long) cast of a double as gcc emits it for x86-64. */
    static long toUnsignedLong(double d) {
        if (d >= 0x1p63) {
            return LuaNumbers.toLongLong(d - 0x1p63) ^ Long.MIN_VALUE;
        }
        return LuaNumbers.toLongLong(d);
    }

    private static byte[] quoted(LuaString s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.m_length + 2);
        out.write('"');
        for (int i = 0; i < s.m_length; i++) {
            byte b = s.m_bytes[s.m_offset + i];
            switch (b) {
                case '"':
                case '\\':
                case '\n':
                    out.write('\\');
                    out.write(b);
                    break;
                case '\r':
                    out.write('\\');
                    out.write('r');
                    break;
                case 0:
                    out.write('\\');
                    out.write('0');
                    out.write('0');
                    out.write('0');
                    break;
                default:
                    out.write(b);
            }
        }
        out.write('"');
        return out.toByteArray();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] untilNul(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                return java.util.Arrays.copyOf(b, i);
            }
        }
        return b;
    }

    /** One directive's flags, width and precision, as lstrlib.c's scanformat accepts them. */
    private static final class Spec {
        boolean left;
        boolean plus;
        boolean space;
        boolean alternate;
        boolean zero;
        int width;
        int precision = -1;

        int scan(byte[] f, int i, int end) {
            int start = i;
            while (i < end && FLAGS.indexOf(f[i]) >= 0) {
                switch (f[i]) {
                    case '-': left = true; break;
                    case '+': plus = true; break;
                    case ' ': space = true; break;
                    case '#': alternate = true; break;
                    default: zero = true;
                }
                i++;
            }
            // C's sizeof(FLAGS) counts the terminating NUL: five flag characters pass, six do not
            if (i - start > MAX_FLAGS) {
                throw new LuaError("invalid format (repeated flags)");
            }
            int digits = 0;
            while (digits < 2 && i < end && isDigit(f[i])) {
                width = width * 10 + (f[i++] - '0');
                digits++;
            }
            if (i < end && f[i] == '.') {
                i++;
                precision = 0;
                digits = 0;
                while (digits < 2 && i < end && isDigit(f[i])) {
                    precision = precision * 10 + (f[i++] - '0');
                    digits++;
                }
            }
            if (i < end && isDigit(f[i])) {
                throw new LuaError("invalid format (width or precision too long)");
            }
            return i;
        }

        private static boolean isDigit(byte b) {
            return b >= '0' && b <= '9';
        }

        String signedInteger(long v) {
            String digits = v < 0 ? Long.toUnsignedString(-v) : Long.toString(v);
            String sign = v < 0 ? "-" : plus ? "+" : space ? " " : "";
            return integer(sign, digits, v == 0);
        }

        String unsignedInteger(long v, byte conversion) {
            String digits;
            String prefix = "";
            switch (conversion) {
                case 'o':
                    digits = Long.toOctalString(v);
                    break;
                case 'x':
                    digits = Long.toHexString(v);
                    prefix = alternate && v != 0 ? "0x" : "";
                    break;
                case 'X':
                    digits = Long.toHexString(v).toUpperCase(java.util.Locale.ROOT);
                    prefix = alternate && v != 0 ? "0X" : "";
                    break;
                default:
                    digits = Long.toUnsignedString(v);
            }
            if (conversion == 'o' && alternate) {
                String body = precisionDigits(digits, v == 0);
                return pad("", body.startsWith("0") ? body : "0" + body, zero && precision < 0);
            }
            return integer(prefix, digits, v == 0);
        }

        private String integer(String prefix, String digits, boolean isZero) {
            return pad(prefix, precisionDigits(digits, isZero), zero && precision < 0);
        }

        private String precisionDigits(String digits, boolean isZero) {
            if (precision < 0) {
                return digits;
            }
            if (precision == 0 && isZero) {
                return "";
            }
            return digits.length() < precision ? "0".repeat(precision - digits.length()) + digits : digits;
        }

        String floating(double d, byte conversion) {
            int p = precision < 0 ? 6 : precision;
            boolean upper = conversion == 'E' || conversion == 'G';
            String body;
            switch (conversion) {
                case 'e':
                case 'E':
                    body = LuaNumbers.formatE(d, p, upper);
                    if (alternate && p == 0 && Double.isFinite(d)) {
                        int e = body.indexOf(upper ? 'E' : 'e');
                        body = body.substring(0, e) + "." + body.substring(e);
                    }
                    break;
                case 'f':
                    body = LuaNumbers.formatF(d, p);
                    if (alternate && p == 0 && Double.isFinite(d)) {
                        body = body + ".";
                    }
                    break;
                default:
                    body = LuaNumbers.formatG(d, p, alternate, upper);
            }
            String sign = "";
            if (body.startsWith("-")) {
                sign = "-";
                body = body.substring(1);
            } else if (plus) {
                sign = "+";
            } else if (space) {
                sign = " ";
            }
            return pad(sign, body, zero && Double.isFinite(d));
        }

        /** prefix + body padded to the width: zeros after the prefix, or spaces left or right. */
        String pad(String prefix, String body, boolean zeroPad) {
            int missing = width - prefix.length() - body.length();
            if (missing <= 0) {
                return prefix + body;
            }
            if (left) {
                return prefix + body + " ".repeat(missing);
            }
            if (zeroPad) {
                return prefix + "0".repeat(missing) + body;
            }
            return " ".repeat(missing) + prefix + body;
        }
    }

    /** Any number among the arguments as Lua 5.1 turns it into text ("%.14g"), before luaj sees it. */
    static LuaValue textOf(LuaValue v) {
        return v instanceof LuaDouble ? LuaValue.valueOf(LuaNumbers.format14g(v.todouble())) : v;
    }
}
