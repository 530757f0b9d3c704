package io.cinnabar.scripting;

import io.cinnabar.protocol.DoubleFormat;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import org.luaj.vm2.LuaValue;

/**
 * Numbers as Lua 5.1 inside Redis prints and converts them: tostring and ".." use "%.14g",
 * redis.call arguments "%.17g", and a number returned to Redis is cast to long long the way x86
 * does it (NaN and out-of-range values become LLONG_MIN).
 */
public final class LuaNumbers {
    private LuaNumbers() {}

    /** Lua 5.1's lua_Number to string ("%.14g"). */
    public static String format14g(double d) {
        return formatG(d, 14, false, false);
    }

    /** "%.17g", as Redis turns a number argument of redis.call into a string. */
    static String format17g(double d) {
        return formatG(d, 17, false, false);
    }

    /** tostring() of any value, with Lua 5.1's number format. */
    static String toLuaString(LuaValue v) {
        return v.type() == LuaValue.TNUMBER ? format14g(v.todouble()) : v.tojstring();
    }

    /** C's (long long) cast of a double as x86-64 performs it. */
    static long toLongLong(double d) {
        if (Double.isNaN(d) || d >= 0x1p63 || d < -0x1p63) {
            return Long.MIN_VALUE;
        }
        return (long) d;
    }

    /** C's (int) cast of a double on x86-64: out of range and NaN become INT_MIN. */
    static int toInt(double d) {
        if (Double.isNaN(d) || d >= 0x1p31 || d < -0x1p31) {
            return Integer.MIN_VALUE;
        }
        return (int) d;
    }

    /** Infinity and NaN as glibc prints them (an arithmetic NaN on x86 has its sign bit set). */
    static String nonFinite(double d, boolean upper) {
        String s = Double.isNaN(d) ? "-nan" : d > 0 ? "inf" : "-inf";
        return upper ? s.toUpperCase(java.util.Locale.ROOT) : s;
    }

    /** C's %.{precision}g (%G when upper), '#' keeping trailing zeros when alternate. */
    static String formatG(double d, int precision, boolean alternate, boolean upper) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return nonFinite(d, upper);
        }
        int p = precision == 0 ? 1 : precision;
        if (d == 0) {
            String zero = alternate ? "0." + "0".repeat(p - 1) : "0";
            return (1 / d < 0 ? "-" : "") + zero;
        }
        BigDecimal rounded = new BigDecimal(d).round(new MathContext(p, RoundingMode.HALF_EVEN));
        int exponent = rounded.precision() - rounded.scale() - 1;
        String s;
        if (exponent < -4 || exponent >= p) {
            s = formatE(d, p - 1, upper);
            int e = s.indexOf(upper ? 'E' : 'e');
            if (!alternate) {
                s = DoubleFormat.stripZeros(s.substring(0, e)) + s.substring(e);
            } else if (p == 1) {
                s = s.substring(0, e) + "." + s.substring(e);
            }
        } else {
            s = formatF(d, p - 1 - exponent);
            if (!alternate) {
                s = DoubleFormat.stripZeros(s);
            } else if (s.indexOf('.') < 0) {
                s = s + ".";
            }
        }
        return s;
    }

    /** C's %.{precision}e. */
    static String formatE(double d, int precision, boolean upper) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return nonFinite(d, upper);
        }
        String sign = (d < 0 || (d == 0 && 1 / d < 0)) ? "-" : "";
        double a = Math.abs(d);
        String digits;
        int exponent;
        if (a == 0) {
            digits = "0".repeat(precision + 1);
            exponent = 0;
        } else {
            BigDecimal r = new BigDecimal(a).round(new MathContext(precision + 1, RoundingMode.HALF_EVEN));
            exponent = r.precision() - r.scale() - 1;
            digits = r.unscaledValue().toString();
            if (digits.length() < precision + 1) {
                digits = digits + "0".repeat(precision + 1 - digits.length());
            } else if (digits.length() > precision + 1) {
                digits = digits.substring(0, precision + 1);
            }
        }
        StringBuilder b = new StringBuilder(sign).append(digits.charAt(0));
        if (precision > 0) {
            b.append('.').append(digits, 1, digits.length());
        }
        b.append(upper ? 'E' : 'e').append(exponent < 0 ? '-' : '+');
        int abs = Math.abs(exponent);
        if (abs < 10) {
            b.append('0');
        }
        return b.append(abs).toString();
    }

    /** C's %.{precision}f. */
    static String formatF(double d, int precision) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return nonFinite(d, false);
        }
        String s = new BigDecimal(d).setScale(precision, RoundingMode.HALF_EVEN).toPlainString();
        if (d < 0 || (d == 0 && 1 / d < 0)) {
            if (!s.startsWith("-")) {
                s = "-" + s;
            }
        }
        return s;
    }

    /**
     * Lua 5.1's luaO_str2d: C's strtod (decimal, hex, inf, nan), else an integer in hex, with
     * spaces around; NaN when the text is not a number (see {@link #isNanText}).
     */
    static double parse(String text) {
        String s = text.strip();
        if (s.isEmpty()) {
            return Double.NaN;
        }
        String lower = s.toLowerCase(java.util.Locale.ROOT);
        String unsigned = lower.startsWith("-") || lower.startsWith("+") ? lower.substring(1) : lower;
        boolean negative = lower.startsWith("-");
        if (unsigned.equals("inf") || unsigned.equals("infinity")) {
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (unsigned.equals("nan")) {
            return Double.NaN;
        }
        try {
            if (unsigned.startsWith("0x")) {
                String hex = unsigned.substring(2);
                if (hex.isEmpty() || !hex.matches("[0-9a-f]*(\\.[0-9a-f]*)?(p[+-]?[0-9]+)?") || hex.startsWith(".") && hex.length() == 1) {
                    return Double.NaN;
                }
                double d = Double.parseDouble("0x" + (hex.contains("p") ? hex : hex + "p0"));
                return negative ? -d : d;
            }
            if (!unsigned.matches("([0-9]+\\.?[0-9]*|\\.[0-9]+)(e[+-]?[0-9]+)?")) {
                return Double.NaN;
            }
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    static boolean isNanText(String text) {
        String s = text.strip().toLowerCase(java.util.Locale.ROOT);
        return s.equals("nan") || s.equals("-nan") || s.equals("+nan");
    }
}
