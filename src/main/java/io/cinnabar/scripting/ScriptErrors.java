package io.cinnabar.scripting;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * Errors as Redis 7.0's Lua sees and reports them. luaj keeps the position of the failing line
 * apart from the message ("@user_script:2" beside "attempt to ..."), where Lua 5.1 writes
 * "user_script:2: attempt to ...", and Redis reports a script error as
 * "-&lt;message&gt; script: &lt;sha&gt;, on @user_script:2.".
 */
final class ScriptErrors {
    private static final VarHandle FILELINE;
    private static final VarHandle TRACEBACK;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(LuaError.class, MethodHandles.lookup());
            FILELINE = lookup.findVarHandle(LuaError.class, "fileline", String.class);
            TRACEBACK = lookup.findVarHandle(LuaError.class, "traceback", String.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final LuaValue IGNORE_STATS = LuaValue.valueOf("ignore_error_stats_update");

    private ScriptErrors() {}

    /** An error Lua raises inside a library function: its message carries no position. */
    static final class UnpositionedError extends LuaError {
        UnpositionedError(String message) {
            super(LuaValue.valueOf(message));
        }
    }

    /** error(value [, level]): a string or number gets the raising line's position at level 1. */
    static final class RaisedError extends LuaError {
        final LuaValue value;
        final int level;

        RaisedError(LuaValue value, int level) {
            super(value);
            this.value = value;
            this.level = level;
        }
    }

    /**
     * The error of a command a script called, or of a call it refused: INFO counted it already,
     * so the table says so (Redis's ignore_error_stats_update, which scripts can read) and the
     * script's reply does not count it again when it returns or raises the table.
     */
    static LuaTable commandErrorTable(String error) {
        LuaTable t = errorTable(error);
        t.rawset(IGNORE_STATS, LuaValue.TRUE);
        return t;
    }

    /** Whether v is an error table INFO counted where it arose. */
    static boolean countedBefore(LuaValue v) {
        return v.istable() && v.rawget(IGNORE_STATS).toboolean();
    }

    /** A Redis error as a Lua table {err="CODE message"}, as Redis's luaPushErrorBuff builds it. */
    static LuaTable errorTable(String error) {
        String code = "ERR";
        String message = error;
        if (error.startsWith("-")) {
            int space = error.indexOf(' ');
            if (space < 0) {
                message = error.substring(1);
            } else {
                code = error.substring(1, space);
                message = error.substring(space + 1);
            }
        }
        int end = message.length();
        while (end > 0 && (message.charAt(end - 1) == '\r' || message.charAt(end - 1) == '\n')) {
            end--;
        }
        int start = 0;
        while (start < end && (message.charAt(start) == '\r' || message.charAt(start) == '\n')) {
            start++;
        }
        LuaTable t = new LuaTable();
        t.rawset("err", LuaValue.valueOf(code + " " + message.substring(start, end)));
        return t;
    }

    /** "source:line" of the innermost Lua function at the error, or null if none was running. */
    static String fileline(LuaError e) {
        return (String) FILELINE.get(e);
    }

    /** The error value as a Lua pcall sees it: messages carry "user_script:N: " as in Lua 5.1. */
    static LuaValue luaValue(LuaError e) {
        reword(e);
        String fileline = fileline(e);
        if (e instanceof UnpositionedError) {
            return e.getMessageObject();
        }
        if (e instanceof RaisedError) {
            RaisedError r = (RaisedError) e;
            if (r.level == 1 && fileline != null && (r.value.type() == LuaValue.TSTRING || r.value.type() == LuaValue.TNUMBER)) {
                return LuaValue.valueOf(position(fileline) + r.value.tojstring());
            }
            return r.value;
        }
        LuaValue object = e.getMessageObject();
        if (object == null) {
            return LuaValue.NIL;
        }
        if (object.type() != LuaValue.TSTRING) {
            return object;
        }
        String text = object.tojstring();
        if (TRACEBACK.get(e) != null && text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        if (fileline != null && text.startsWith(fileline + " ")) {
            text = position(fileline) + text.substring(fileline.length() + 1);
        }
        return LuaValue.valueOf(text);
    }

    /**
     * Puts Lua 5.1's wording into a runtime error luaj raised. Must run on the thread the script
     * ran on, before anything else fails there: that is where the hook noted the error's site.
     */
    static void reword(LuaError e) {
        String fileline = fileline(e);
        String traceback = (String) TRACEBACK.get(e);
        if (fileline == null || traceback == null || !traceback.startsWith(fileline + " ")) {
            return;
        }
        int end = traceback.endsWith("\n") ? traceback.length() - 1 : traceback.length();
        String lua51 = LuaRuntimeErrors.translate(traceback.substring(fileline.length() + 1, end), fileline);
        if (lua51 != null) {
            TRACEBACK.set(e, fileline + " " + lua51 + "\n");
        }
    }

    /** Lua 5.1's "chunkid:line: " prefix for a luaj "source:line". */
    static String position(String fileline) {
        int colon = fileline.lastIndexOf(':');
        String source = colon < 0 ? fileline : fileline.substring(0, colon);
        String line = colon < 0 ? "?" : fileline.substring(colon + 1);
        return chunkId(source) + ":" + line + ": ";
    }

    /** Lua 5.1's luaO_chunkid: "@name" is a file name, "=name" verbatim, else [string "..."]. */
    static String chunkId(String source) {
        if (source.startsWith("@") || source.startsWith("=")) {
            return source.substring(1);
        }
        int len = 0;
        while (len < source.length() && source.charAt(len) != '\n' && source.charAt(len) != '\r') {
            len++;
        }
        int room = 60 - 18;
        if (len > room) {
            len = room;
        }
        boolean truncated = len < source.length();
        return "[string \"" + source.substring(0, len) + (truncated ? "..." : "") + "\"]";
    }

    /**
     * The error reply of a script that raised {@code e}, as Redis's __redis__err__handler and
     * luaCallFunction build it: the err field of a table, else "ERR " and the value, then where.
     */
    static String reply(LuaError e, String sha) {
        LuaValue value = luaValue(e);
        String message;
        LuaValue err = value.istable() ? value.get("err") : LuaValue.NIL;
        if (err.type() == LuaValue.TSTRING || err.type() == LuaValue.TNUMBER) {
            message = err.tojstring();
        } else if (value.istable()) {
            message = "(null)";
        } else {
            message = "ERR " + LuaNumbers.toLuaString(value);
        }
        String fileline = fileline(e);
        if (fileline == null) {
            return message;
        }
        return message + " script: " + sha + ", on " + fileline + ".";
    }
}
