package io.cinnabar.scripting;

import io.netty.buffer.ByteBuf;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * A command's reply, as the script client received it in RESP2 or RESP3, turned into the Lua
 * value Redis gives a script: integers to numbers, bulk strings to strings, null bulk and null
 * array to false, arrays to tables, status to {ok=}, errors to {err=}, and with RESP3 maps to
 * {map=}, sets to {set=}, doubles to {double=}, big numbers to {big_number=}, verbatim strings
 * to {verbatim_string={format=, string=}}, null to nil, booleans to booleans. Attributes are
 * skipped.
 */
final class RespToLua {
    static final LuaString OK = LuaValue.valueOf("ok");
    static final LuaString MAP = LuaValue.valueOf("map");
    static final LuaString SET = LuaValue.valueOf("set");
    static final LuaString DOUBLE = LuaValue.valueOf("double");
    static final LuaString BIG_NUMBER = LuaValue.valueOf("big_number");
    static final LuaString VERBATIM = LuaValue.valueOf("verbatim_string");
    static final LuaString FORMAT = LuaValue.valueOf("format");
    static final LuaString STRING = LuaValue.valueOf("string");

    private RespToLua() {}

    /** Converts the one reply at the reader index of {@code in}, consuming it. */
    static LuaValue convert(ByteBuf in) {
        byte type = in.readByte();
        switch (type) {
            case ':':
                return LuaValue.valueOf((double) parseLong(in, line(in)));
            case '$': {
                long n = parseLong(in, line(in));
                if (n < 0) {
                    return LuaValue.FALSE;
                }
                LuaValue s = bytes(in, (int) n);
                in.skipBytes(2);
                return s;
            }
            case '*': {
                long n = parseLong(in, line(in));
                if (n < 0) {
                    return LuaValue.FALSE;
                }
                LuaTable t = new LuaTable((int) n, 0);
                for (int i = 1; i <= n; i++) {
                    t.rawset(i, convert(in));
                }
                return t;
            }
            case '+': {
                int end = line(in);
                LuaTable t = new LuaTable();
                t.rawset(OK, bytes(in, end - in.readerIndex()));
                in.skipBytes(2);
                return t;
            }
            case '-': {
                int end = line(in);
                String text = in.toString(in.readerIndex(), end - in.readerIndex(), java.nio.charset.StandardCharsets.ISO_8859_1);
                in.readerIndex(end + 2);
                return ScriptErrors.commandErrorTable("-" + text);
            }
            case '_':
                in.skipBytes(2);
                return LuaValue.NIL;
            case '#': {
                boolean v = in.readByte() == 't';
                in.skipBytes(2);
                return LuaValue.valueOf(v);
            }
            case ',': {
                int end = line(in);
                String text = in.toString(in.readerIndex(), end - in.readerIndex(), java.nio.charset.StandardCharsets.US_ASCII);
                in.readerIndex(end + 2);
                LuaTable t = new LuaTable();
                t.rawset(DOUBLE, LuaValue.valueOf(parseDouble(text)));
                return t;
            }
            case '(': {
                int end = line(in);
                LuaTable t = new LuaTable();
                t.rawset(BIG_NUMBER, bytes(in, end - in.readerIndex()));
                in.skipBytes(2);
                return t;
            }
            case '=': {
                int n = (int) parseLong(in, line(in));
                LuaValue format = bytes(in, 3);
                in.skipBytes(1);
                LuaValue body = bytes(in, n - 4);
                in.skipBytes(2);
                LuaTable inner = new LuaTable();
                inner.rawset(STRING, body);
                inner.rawset(FORMAT, format);
                LuaTable t = new LuaTable();
                t.rawset(VERBATIM, inner);
                return t;
            }
            case '%': {
                long n = parseLong(in, line(in));
                LuaTable entries = new LuaTable();
                for (long i = 0; i < n; i++) {
                    LuaValue k = convert(in);
                    LuaValue v = convert(in);
                    entries.set(k, v);
                }
                LuaTable t = new LuaTable();
                t.rawset(MAP, entries);
                return t;
            }
            case '~': {
                long n = parseLong(in, line(in));
                LuaTable members = new LuaTable();
                for (long i = 0; i < n; i++) {
                    members.set(convert(in), LuaValue.TRUE);
                }
                LuaTable t = new LuaTable();
                t.rawset(SET, members);
                return t;
            }
            case '|': {
                long n = parseLong(in, line(in));
                for (long i = 0; i < 2 * n; i++) {
                    convert(in);
                }
                return convert(in);
            }
            default:
                throw new IllegalStateException("unexpected reply type " + (char) type);
        }
    }

    private static double parseDouble(String text) {
        switch (text) {
            case "inf": return Double.POSITIVE_INFINITY;
            case "-inf": return Double.NEGATIVE_INFINITY;
            case "nan": case "-nan": return Double.NaN;
            default: return Double.parseDouble(text);
        }
    }

    /** Index of the CR ending the current line. */
    private static int line(ByteBuf in) {
        return in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\r');
    }

    private static long parseLong(ByteBuf in, int end) {
        int i = in.readerIndex();
        boolean negative = in.getByte(i) == '-';
        if (negative) {
            i++;
        }
        long v = 0;
        for (; i < end; i++) {
            v = v * 10 + (in.getByte(i) - '0');
        }
        in.readerIndex(end + 2);
        return negative ? -v : v;
    }

    private static LuaValue bytes(ByteBuf in, int n) {
        byte[] b = new byte[n];
        in.readBytes(b);
        return LuaString.valueUsing(b);
    }
}
