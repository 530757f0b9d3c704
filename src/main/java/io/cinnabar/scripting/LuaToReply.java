package io.cinnabar.scripting;

import io.cinnabar.protocol.ReplyWriter;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * A script's return value as the reply to its caller, as Redis's luaReplyToRedisReply: strings
 * bulk, numbers truncated to integers, true 1 and false null (RESP3 booleans once the script
 * chose RESP3), tables {err=} and {ok=}, {double=}, {big_number=}, {verbatim_string=}, {map=} and
 * {set=}, and other tables arrays up to their first nil.
 */
final class LuaToReply {
    private static final LuaString ERR = LuaValue.valueOf("err");

    private LuaToReply() {}

    static void write(LuaValue v, ReplyWriter out, int scriptResp) {
        switch (v.type()) {
            case LuaValue.TSTRING: {
                LuaString s = (LuaString) v;
                out.bulk(s.m_bytes, s.m_offset, s.m_length);
                return;
            }
            case LuaValue.TBOOLEAN:
                if (scriptResp == 2) {
                    if (v.toboolean()) {
                        out.integer(1);
                    } else {
                        out.nullBulk();
                    }
                } else {
                    out.bool(v.toboolean());
                }
                return;
            case LuaValue.TNUMBER:
                out.integer(LuaNumbers.toLongLong(v.todouble()));
                return;
            case LuaValue.TTABLE:
                writeTable((LuaTable) v, out, scriptResp);
                return;
            default:
                out.nullBulk();
        }
    }

    private static void writeTable(LuaTable t, ReplyWriter out, int scriptResp) {
        LuaValue field = t.get(ERR);
        if (field.type() == LuaValue.TSTRING) {
            out.error(latin1(field), !ScriptErrors.countedBefore(t));
            return;
        }
        field = t.get(RespToLua.OK);
        if (field.type() == LuaValue.TSTRING) {
            out.simple(oneLine(field));
            return;
        }
        field = t.get(RespToLua.DOUBLE);
        if (field.type() == LuaValue.TNUMBER) {
            out.doubleValue(field.todouble());
            return;
        }
        field = t.get(RespToLua.BIG_NUMBER);
        if (field.type() == LuaValue.TSTRING) {
            byte[] digits = oneLine(field);
            if (out.resp3()) {
                out.raw(new byte[] {'('});
                out.raw(digits);
                out.raw(new byte[] {'\r', '\n'});
            } else {
                out.bulk(digits);
            }
            return;
        }
        field = t.get(RespToLua.VERBATIM);
        if (field.istable()) {
            LuaValue format = field.get(RespToLua.FORMAT);
            LuaValue body = field.get(RespToLua.STRING);
            if (format.type() == LuaValue.TSTRING && body.type() == LuaValue.TSTRING) {
                out.verbatim(body.tojstring(), format.tojstring());
                return;
            }
        }
        field = t.get(RespToLua.MAP);
        if (field.istable()) {
            LuaTable map = (LuaTable) field;
            out.map(map.keyCount());
            for (Varargs e = map.next(LuaValue.NIL); !e.arg1().isnil(); e = map.next(e.arg1())) {
                write(e.arg1(), out, scriptResp);
                write(e.arg(2), out, scriptResp);
            }
            return;
        }
        field = t.get(RespToLua.SET);
        if (field.istable()) {
            LuaTable set = (LuaTable) field;
            out.set(set.keyCount());
            for (Varargs e = set.next(LuaValue.NIL); !e.arg1().isnil(); e = set.next(e.arg1())) {
                write(e.arg1(), out, scriptResp);
            }
            return;
        }
        int n = 0;
        while (!t.get(n + 1).isnil()) {
            n++;
        }
        out.array(n);
        for (int i = 1; i <= n; i++) {
            write(t.get(i), out, scriptResp);
        }
    }

    /** Error text byte for byte: ReplyWriter writes chars below 0x100 as single bytes. */
    private static String latin1(LuaValue s) {
        LuaString l = (LuaString) s;
        return new String(l.m_bytes, l.m_offset, l.m_length, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** A status line: CR and LF become spaces, as Redis's sdsmapchars does. */
    private static byte[] oneLine(LuaValue s) {
        LuaString l = (LuaString) s;
        byte[] b = new byte[l.m_length];
        System.arraycopy(l.m_bytes, l.m_offset, b, 0, b.length);
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\r' || b[i] == '\n') {
                b[i] = ' ';
            }
        }
        return b;
    }
}
