package io.cinnabar.scripting;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * LuaBitOp as Redis ships it: 32-bit operations whose arguments are normalised the way bit.c does
 * (add 2^52+2^51 and keep the low 32 bits of the double, so fractions round to even and large
 * numbers wrap), results returned as signed 32-bit numbers.
 */
final class LuaBit extends VarArgFunction {
    private static final String[] NAMES = {
        "tobit", "bnot", "band", "bor", "bxor", "lshift", "rshift", "arshift", "rol", "ror", "bswap", "tohex",
    };

    private final int op;

    private LuaBit(int op) {
        this.op = op;
        this.name = NAMES[op];
    }

    static LuaTable module() {
        ReadOnlyTable t = new ReadOnlyTable();
        for (int i = 0; i < NAMES.length; i++) {
            t.rawset(NAMES[i], new LuaBit(i));
        }
        return t;
    }

    /** barg: the argument as 32 bits, an error when it is not a number (or numeric text). */
    private int bits(Varargs args, int n) {
        LuaValue v = args.arg(n);
        double d;
        if (v.type() == LuaValue.TNUMBER) {
            d = v.todouble();
        } else {
            double parsed = v.type() == LuaValue.TSTRING ? LuaNumbers.parse(v.tojstring()) : Double.NaN;
            if (Double.isNaN(parsed) && !(v.type() == LuaValue.TSTRING && LuaNumbers.isNanText(v.tojstring()))) {
                String got = n > args.narg() ? "no value" : v.typename();
                throw new LuaError("bad argument #" + n + " to '" + name + "' (number expected, got " + got + ")");
            }
            d = parsed;
        }
        return (int) Double.doubleToRawLongBits(d + 6755399441055744.0);
    }

    @Override
    public Varargs invoke(Varargs args) {
        int x = bits(args, 1);
        switch (op) {
            case 0:
                return LuaValue.valueOf(x);
            case 1:
                return LuaValue.valueOf(~x);
            case 2:
            case 3:
            case 4: {
                for (int i = 2; i <= args.narg(); i++) {
                    int y = bits(args, i);
                    x = op == 2 ? x & y : op == 3 ? x | y : x ^ y;
                }
                return LuaValue.valueOf(x);
            }
            case 5:
                return LuaValue.valueOf(x << (bits(args, 2) & 31));
            case 6:
                return LuaValue.valueOf(x >>> (bits(args, 2) & 31));
            case 7:
                return LuaValue.valueOf(x >> (bits(args, 2) & 31));
            case 8:
                return LuaValue.valueOf(Integer.rotateLeft(x, bits(args, 2) & 31));
            case 9:
                return LuaValue.valueOf(Integer.rotateRight(x, bits(args, 2) & 31));
            case 10:
                return LuaValue.valueOf(Integer.reverseBytes(x));
            default:
                return tohex(x, args.isnoneornil(2) ? 8 : bits(args, 2));
        }
    }

    private static LuaValue tohex(int x, int digits) {
        boolean upper = digits < 0;
        int n = Math.max(0, Math.min(upper ? -digits : digits, 8));
        char[] out = new char[n];
        String alphabet = upper ? "0123456789ABCDEF" : "0123456789abcdef";
        for (int i = n - 1; i >= 0; i--) {
            out[i] = alphabet.charAt(x & 15);
            x >>>= 4;
        }
        return LuaValue.valueOf(new String(out));
    }
}
