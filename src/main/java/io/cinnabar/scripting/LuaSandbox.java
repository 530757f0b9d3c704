package io.cinnabar.scripting;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.CoroutineLib;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.TwoArgFunction;
import org.luaj.vm2.lib.VarArgFunction;
import org.luaj.vm2.lib.ZeroArgFunction;
import org.luaj.vm2.lib.jse.JseBaseLib;
import org.luaj.vm2.lib.jse.JseMathLib;

/**
 * The Lua 5.1 world Redis 7.0 gives a script, built on luaj (a Lua 5.2 engine): exactly the
 * globals Redis leaves (no os, io, print, loadfile, dofile, require, debug, getfenv), the 5.1
 * functions luaj lacks (unpack, loadstring, table.getn, math.mod, ...), and every table sealed so
 * that a script can neither create globals nor patch a library. Reading a global that does not
 * exist is an error, as in Redis.
 */
final class LuaSandbox {
    private static final String[] BASE = {
        "assert", "collectgarbage", "getmetatable", "ipairs", "next", "pairs", "rawequal", "rawget",
        "rawset", "select", "setmetatable", "tonumber", "type", "xpcall",
    };
    private static final String[] STRING = {
        "byte", "char", "dump", "find", "format", "gmatch", "gsub", "len", "lower", "match", "rep",
        "reverse", "sub", "upper",
    };
    private static final String[] MATH = {
        "abs", "acos", "asin", "atan", "atan2", "ceil", "cos", "cosh", "deg", "exp", "floor", "fmod",
        "frexp", "huge", "ldexp", "log", "max", "min", "modf", "pi", "pow", "rad", "sin", "sinh",
        "sqrt", "tan", "tanh",
    };
    private static final String[] TABLE = {"concat", "insert", "remove", "sort"};
    private static final String[] COROUTINE = {"create", "resume", "running", "status", "wrap", "yield"};

    /** luaj's machinery (compiler, hook) and the globals scripts see, in one table. */
    final ReadOnlyTable globals = new ReadOnlyTable();
    final ReadOnlyTable env = globals;
    private final LuaRandom random = new LuaRandom();

    /** resume and wrap that let a busy script serve clients from inside a coroutine. */
    final ServingCoroutines coroutines;

    LuaSandbox(ScriptHook hook, LuaTable redisApi, Killable killable, Runnable serveFromCoroutine) {
        coroutines = new ServingCoroutines(globals, serveFromCoroutine);
        globals.load(new JseBaseLib());
        globals.load(new org.luaj.vm2.lib.PackageLib()); // the other libraries register in package.loaded
        globals.load(new TableLib());
        globals.load(new StringLib());
        globals.load(new CoroutineLib());
        globals.load(new JseMathLib());
        LoadState.install(globals);
        LuaC.install(globals);
        globals.debuglib = hook;

        LuaTable libraries = new LuaTable();
        for (LuaValue k : globals.keys()) {
            libraries.rawset(k, globals.rawget(k));
            globals.rawset(k, LuaValue.NIL);
        }
        for (String name : BASE) {
            env.rawset(name, libraries.get(name));
        }
        env.rawset("_G", env);
        env.rawset("_VERSION", LuaValue.valueOf("Lua 5.1"));
        env.rawset("error", new Error());
        env.rawset("pcall", new Pcall(killable));
        env.rawset("tostring", new Tostring(libraries.get("tostring")));
        env.rawset("unpack", new Unpack());
        env.rawset("loadstring", new Loadstring());
        env.rawset("load", new Load());
        env.rawset("gcinfo", new Gcinfo());
        env.rawset("tonumber", new Tonumber(libraries.get("tonumber")));
        env.rawset("__redis__err__handler", new ErrHandler());

        ReadOnlyTable string = copy(libraries.get("string"), STRING);
        string.rawset("gfind", string.get("gmatch"));
        string.rawset("format", new LuaFormat());
        for (String name : new String[] {"byte", "len", "lower", "rep", "reverse", "sub", "upper"}) {
            string.rawset(name, new NumbersAsText(string.get(name), 1));
        }
        string.rawset("rep", new Rep());
        for (String name : new String[] {"find", "gmatch", "match", "gfind"}) {
            string.rawset(name, new NumbersAsText(string.get(name), 2));
        }
        string.rawset("gsub", new NumbersAsText(string.get("gsub"), 3));
        env.rawset("string", string);
        ReadOnlyTable math = copy(libraries.get("math"), MATH);
        math.rawset("mod", math.get("fmod"));
        math.rawset("log10", new Log10());
        math.rawset("random", new Random());
        math.rawset("randomseed", new RandomSeed());
        env.rawset("math", math);
        ReadOnlyTable table = copy(libraries.get("table"), TABLE);
        table.rawset("concat", new Concat());
        table.rawset("getn", new Getn());
        table.rawset("maxn", new Maxn());
        table.rawset("setn", new Setn());
        table.rawset("foreach", new Foreach(false));
        table.rawset("foreachi", new Foreach(true));
        env.rawset("table", table);
        ReadOnlyTable coroutine = copy(libraries.get("coroutine"), COROUTINE);
        coroutine.rawset("create", withWordedErrors(coroutine.get("create")));
        coroutine.rawset("resume", coroutines.resumeFunction());
        coroutine.rawset("wrap", withWordedErrors(coroutines.wrapFunction()));
        env.rawset("coroutine", coroutine);
        env.rawset("redis", redisApi);
        env.rawset("cjson", LuaCjson.module());
        env.rawset("bit", LuaBit.module());
        env.rawset("cmsgpack", LuaCmsgpack.module());
        env.rawset("struct", LuaStruct.module());

        ReadOnlyTable globalsMeta = new ReadOnlyTable();
        globalsMeta.rawset("__index", new NonexistentGlobal());
        env.setmetatable(globalsMeta);
        ReadOnlyTable stringMeta = new ReadOnlyTable();
        stringMeta.rawset("__index", string);
        LuaString.s_metatable = stringMeta;
        sealAll(env);
        stringMeta.seal();
    }

    private static ReadOnlyTable copy(LuaValue from, String[] names) {
        ReadOnlyTable t = new ReadOnlyTable();
        for (String n : names) {
            t.rawset(n, from.get(n));
        }
        return t;
    }

    private static void sealAll(LuaValue v) {
        if (!(v instanceof ReadOnlyTable) || ((ReadOnlyTable) v).sealed()) {
            return;
        }
        ReadOnlyTable t = (ReadOnlyTable) v;
        t.seal();
        for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
            sealAll(e.arg(2));
        }
        sealAll(t.getmetatable());
    }

    /** Compiles script text with the sandbox as its globals; compile errors are LuaErrors. */
    LuaFunction compile(byte[] body, int offset, String chunkName) {
        return compile(body, offset, chunkName, env);
    }

    /** Compiles with other globals (a function library's). */
    LuaFunction compile(byte[] body, int offset, String chunkName, LuaTable globalsOfChunk) {
        LuaValue f = load(body, offset, body.length - offset, chunkName, globalsOfChunk);
        noTailCalls(((LuaClosure) f).p);
        return (LuaFunction) f;
    }

    /**
     * luaj's compiler behind Lua 5.1's syntax check: luaj parses Lua 5.2 (it takes ";" as a
     * statement, "::label::", "0x" as zero) and words its errors its own way, so a script first
     * meets Lua 5.1's grammar and messages. Scripts compile once (they are cached by SHA1), so the
     * extra pass costs nothing per call.
     */
    private LuaValue load(byte[] text, int offset, int length, String chunkName, LuaTable globalsOfChunk) {
        String lua51 = Lua51Syntax.firstError(text, offset, length, chunkName);
        if (lua51 != null) {
            throw new ScriptErrors.UnpositionedError(lua51);
        }
        return globals.load(new ByteArrayInputStream(text, offset, length), chunkName, "t", globalsOfChunk);
    }

    /**
     * Turns "return f(x)" tail calls into plain calls (the RETURN after each stays). luaj runs a
     * tail call after its caller's frame is gone, so an error in redis.call would lose the line
     * Redis reports ("on @user_script:1"); Lua 5.1 also runs a C function tail call in place.
     */
    private static void noTailCalls(Prototype p) {
        int[] code = p.code;
        for (int i = 0; i < code.length; i++) {
            if ((code[i] & 0x3F) == Lua.OP_TAILCALL) {
                code[i] = (code[i] & ~0x3F) | Lua.OP_CALL;
            }
        }
        for (Prototype child : p.p) {
            noTailCalls(child);
        }
    }

    // ---------------------------------------------------------------- base functions

    /** Something a running script can be: killed (pcall must not catch that). */
    interface Killable {
        boolean killed();
    }

    private static final class Error extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            throw new ScriptErrors.RaisedError(args.arg1(), args.optint(2, 1));
        }
    }

    /**
     * Redis's pcall: an error raised as a table {err=...} (what redis.call raises) is returned as
     * its message string, as in Redis before 7.0; a killed script stays killed.
     */
    private static final class Pcall extends VarArgFunction {
        private final Killable killable;

        Pcall(Killable killable) {
            this.killable = killable;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue f = args.checkvalue(1);
            try {
                return LuaValue.varargsOf(LuaValue.TRUE, f.invoke(args.subargs(2)));
            } catch (LuaError e) {
                if (killable.killed()) {
                    throw e;
                }
                LuaValue v = ScriptErrors.luaValue(e);
                if (v.istable()) {
                    LuaValue err = v.get("err");
                    if (err.isstring()) {
                        v = err;
                    }
                }
                return LuaValue.varargsOf(LuaValue.FALSE, v);
            } catch (StackOverflowError e) {
                return LuaValue.varargsOf(LuaValue.FALSE, LuaValue.valueOf("stack overflow"));
            }
        }
    }

    /** tostring with Lua 5.1's "%.14g" for numbers. */
    private static final class Tostring extends OneArgFunction {
        private final LuaValue luajTostring;

        Tostring(LuaValue luajTostring) {
            this.luajTostring = luajTostring;
        }

        @Override
        public LuaValue call(LuaValue v) {
            if (v.type() == LuaValue.TNUMBER) {
                return LuaValue.valueOf(LuaNumbers.format14g(v.todouble()));
            }
            return luajTostring.call(v);
        }
    }

    /** tonumber with Lua 5.1's reading of decimal text (strtod, then hex, trailing spaces). */
    private static final class Tonumber extends VarArgFunction {
        private final LuaValue luajTonumber;

        Tonumber(LuaValue luajTonumber) {
            this.luajTonumber = luajTonumber;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue v = args.checkvalue(1);
            if (!args.isnoneornil(2) && args.checkint(2) != 10) {
                return luajTonumber.invoke(args);
            }
            if (v.type() == LuaValue.TNUMBER) {
                return v;
            }
            if (v.type() != LuaValue.TSTRING) {
                return LuaValue.NIL;
            }
            double d = LuaNumbers.parse(v.tojstring());
            return Double.isNaN(d) && !LuaNumbers.isNanText(v.tojstring()) ? LuaValue.NIL : LuaValue.valueOf(d);
        }
    }

    private static final class Unpack extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            LuaTable t = args.checktable(1);
            int from = args.optint(2, 1);
            int to = args.isnoneornil(3) ? t.length() : args.checkint(3);
            return t.unpack(from, to);
        }
    }

    /** loadstring(text [, chunkname]): a function, or nil and the compile error. */
    private final class Loadstring extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            LuaString text = args.checkstring(1);
            String name = args.isnoneornil(2) ? text.tojstring() : args.checkjstring(2);
            return compileChunk(text.m_bytes, text.m_offset, text.m_length, name);
        }
    }

    /** Lua 5.1's load(function [, chunkname]): the pieces the function returns, compiled. */
    private final class Load extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            LuaFunction reader = args.checkfunction(1);
            String name = args.optjstring(2, "=(load)");
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            while (true) {
                LuaValue piece = reader.call();
                if (piece.isnil() || (piece.isstring() && piece.length() == 0)) {
                    break;
                }
                if (!piece.isstring()) {
                    return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf("reader function must return a string"));
                }
                LuaString s = piece.checkstring();
                text.write(s.m_bytes, s.m_offset, s.m_length);
            }
            byte[] b = text.toByteArray();
            return compileChunk(b, 0, b.length, name);
        }
    }

    private Varargs compileChunk(byte[] text, int offset, int length, String chunkName) {
        try {
            LuaValue f = load(text, offset, length, chunkName, env);
            noTailCalls(((LuaClosure) f).p);
            return f;
        } catch (LuaError e) {
            return LuaValue.varargsOf(LuaValue.NIL, ScriptErrors.luaValue(e));
        }
    }

    private static final class Gcinfo extends ZeroArgFunction {
        @Override
        public LuaValue call() {
            Runtime r = Runtime.getRuntime();
            return LuaValue.valueOf((int) ((r.totalMemory() - r.freeMemory()) / 1024));
        }
    }

    /**
     * The error handler Redis keeps as a global: turns an error into {err=, source=, line=}.
     * Scripts rarely call it; the runner builds the same information from luaj's error itself.
     */
    private static final class ErrHandler extends OneArgFunction {
        @Override
        public LuaValue call(LuaValue err) {
            if (err.istable()) {
                return err;
            }
            LuaTable t = new LuaTable();
            t.rawset("err", LuaValue.valueOf("ERR " + LuaNumbers.toLuaString(err)));
            return t;
        }
    }

    static final class NonexistentGlobal extends TwoArgFunction {
        @Override
        public LuaValue call(LuaValue table, LuaValue key) {
            throw new LuaError("Script attempted to access nonexistent global variable '" + key.tojstring() + "'");
        }
    }

    // ---------------------------------------------------------------- math and table additions

    private static final class Log10 extends OneArgFunction {
        @Override
        public LuaValue call(LuaValue x) {
            return LuaValue.valueOf(Math.log10(x.checkdouble()));
        }
    }

    /** math.random over Redis's rand48, so a seeded script draws Redis's numbers. */
    private final class Random extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            double r = (double) (random.next() % Integer.MAX_VALUE) / (double) Integer.MAX_VALUE;
            switch (args.narg()) {
                case 0:
                    return LuaValue.valueOf(r);
                case 1: {
                    int upper = args.checkint(1);
                    if (upper < 1) {
                        throw new LuaError("bad argument #1 to 'random' (interval is empty)");
                    }
                    return LuaValue.valueOf(Math.floor(r * upper) + 1);
                }
                case 2: {
                    int lower = args.checkint(1);
                    int upper = args.checkint(2);
                    if (lower > upper) {
                        throw new LuaError("bad argument #2 to 'random' (interval is empty)");
                    }
                    return LuaValue.valueOf(Math.floor(r * (upper - lower + 1)) + lower);
                }
                default:
                    throw new LuaError("wrong number of arguments");
            }
        }
    }

    private final class RandomSeed extends OneArgFunction {
        @Override
        public LuaValue call(LuaValue seed) {
            random.seed(seed.checkint());
            return LuaValue.NONE;
        }
    }

    /**
     * coroutine.create / coroutine.wrap with a body whose errors carry Lua 5.1's text: luaj turns
     * a coroutine's error into its message on the coroutine's own thread, where the error's site
     * was noted, so the body rewords it there before luaj reads it.
     */
    private static LuaFunction withWordedErrors(LuaValue luajFactory) {
        return new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue body) {
                return luajFactory.call(wordingErrors(body.checkfunction()));
            }
        };
    }

    private static LuaFunction wordingErrors(LuaFunction body) {
        return new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                try {
                    return body.invoke(args);
                } catch (LuaError e) {
                    LuaValue value = ScriptErrors.luaValue(e);
                    if (value.type() == LuaValue.TSTRING) {
                        throw new LuaError(value.tojstring());
                    }
                    throw e;
                }
            }
        };
    }

    /** string.rep: a count below one gives "" as in Lua 5.1 (luaj sizes an array by it and fails). */
    private static final class Rep extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            LuaString text = LuaFormat.textOf(args.arg(1)).checkstring();
            int count = args.checkint(2);
            if (count < 1 || text.m_length == 0) {
                return LuaValue.EMPTYSTRING;
            }
            byte[] out = new byte[Math.multiplyExact(text.m_length, count)];
            for (int i = 0; i < count; i++) {
                System.arraycopy(text.m_bytes, text.m_offset, out, i * text.m_length, text.m_length);
            }
            return LuaString.valueUsing(out);
        }
    }

    /**
     * A luaj string function whose leading string arguments, when numbers, arrive as Lua 5.1's
     * text for them (luaj would print a float's digits).
     */
    private static final class NumbersAsText extends VarArgFunction {
        private final LuaValue luajFunction;
        private final int textArguments;

        NumbersAsText(LuaValue luajFunction, int textArguments) {
            this.luajFunction = luajFunction;
            this.textArguments = textArguments;
        }

        @Override
        public Varargs invoke(Varargs args) {
            int n = Math.min(textArguments, args.narg());
            LuaValue[] replaced = null;
            for (int i = 1; i <= n; i++) {
                LuaValue text = LuaFormat.textOf(args.arg(i));
                if (text != args.arg(i)) {
                    if (replaced == null) {
                        replaced = new LuaValue[n];
                        for (int j = 1; j <= n; j++) {
                            replaced[j - 1] = args.arg(j);
                        }
                    }
                    replaced[i - 1] = text;
                }
            }
            return luajFunction.invoke(replaced == null ? args : LuaValue.varargsOf(replaced, args.subargs(n + 1)));
        }
    }

    /** Lua 5.1's table.concat, numbers joined as "%.14g" text. */
    private static final class Concat extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            LuaString separator = args.isnoneornil(2) ? LuaValue.EMPTYSTRING : args.checkstring(2);
            LuaTable t = args.checktable(1);
            int first = args.optint(3, 1);
            int last = args.isnoneornil(4) ? t.length() : args.checkint(4);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = first; i <= last; i++) {
                LuaValue v = LuaFormat.textOf(t.rawget(i));
                if (!v.isstring()) {
                    throw new LuaError("invalid value (" + (v.isnil() ? "nil" : v.typename()) + ") at index " + i + " in table for 'concat'");
                }
                LuaString s = v.checkstring();
                out.write(s.m_bytes, s.m_offset, s.m_length);
                if (i < last) {
                    out.write(separator.m_bytes, separator.m_offset, separator.m_length);
                }
            }
            return LuaString.valueUsing(out.toByteArray());
        }
    }

    private static final class Getn extends OneArgFunction {
        @Override
        public LuaValue call(LuaValue t) {
            return LuaValue.valueOf(t.checktable().length());
        }
    }

    private static final class Maxn extends OneArgFunction {
        @Override
        public LuaValue call(LuaValue arg) {
            LuaTable t = arg.checktable();
            double max = 0;
            for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
                if (e.arg1().type() == LuaValue.TNUMBER && e.arg1().todouble() > max) {
                    max = e.arg1().todouble();
                }
            }
            return LuaValue.valueOf(max);
        }
    }

    private static final class Setn extends TwoArgFunction {
        @Override
        public LuaValue call(LuaValue t, LuaValue n) {
            throw new LuaError("'setn' is obsolete");
        }
    }

    /** table.foreach / table.foreachi: stop at the first non-nil result and return it. */
    private static final class Foreach extends TwoArgFunction {
        private final boolean indexed;

        Foreach(boolean indexed) {
            this.indexed = indexed;
        }

        @Override
        public LuaValue call(LuaValue arg, LuaValue fn) {
            LuaTable t = arg.checktable();
            LuaFunction f = fn.checkfunction();
            if (indexed) {
                int n = t.length();
                for (int i = 1; i <= n; i++) {
                    LuaValue r = f.call(LuaValue.valueOf(i), t.get(i));
                    if (!r.isnil()) {
                        return r;
                    }
                }
                return LuaValue.NIL;
            }
            for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
                LuaValue r = f.call(e.arg1(), e.arg(2));
                if (!r.isnil()) {
                    return r;
                }
            }
            return LuaValue.NIL;
        }
    }
}
