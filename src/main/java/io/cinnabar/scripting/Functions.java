package io.cinnabar.scripting;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandError;
import io.cinnabar.protocol.InlineSplitter;
import io.cinnabar.protocol.ReplyWriter;
import io.cinnabar.util.Glob;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.TwoArgFunction;

/**
 * Redis 7.0 functions: the server's libraries (not a database's), FUNCTION LOAD's registration
 * of a library's functions, and the FUNCTION DUMP/RESTORE payload. Functions run on the EVAL
 * engine (same sandbox, redis.call path, busy and kill machinery).
 *
 * <p>As in Redis, a library's chunk and its functions share one globals table whose lookups go to
 * the load-time API (redis.register_function, redis.log, version constants) while FUNCTION LOAD
 * runs the chunk, and to the full sandbox when FCALL runs a function.
 */
public final class Functions {
    static final String ENGINE_NAME = "LUA";
    private static final long LOAD_TIMEOUT_MILLIS = 500;
    private static final String BAD_NAME = "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";

    private static final LuaValue G = LuaValue.valueOf("_G");
    private static final LuaValue KEYS = LuaValue.valueOf("KEYS");
    private static final LuaValue ARGV = LuaValue.valueOf("ARGV");

    private final ScriptEngine engine;
    private final ReadOnlyTable libraryGlobals = new ReadOnlyTable();
    private final ReadOnlyTable loadGlobals = new ReadOnlyTable();
    private LibraryContext current = new LibraryContext();
    /** The library FUNCTION LOAD is running the chunk of, or null. */
    private Library loading;

    /** One loaded library: its full code (with the #! line) and its functions by name. */
    public static final class Library {
        final String name;
        final byte[] code;
        final Map<String, LibraryFunction> functions = new LinkedHashMap<>();

        Library(String name, byte[] code) {
            this.name = name;
            this.code = code;
        }
    }

    /** A registered function: its runnable form (named as the function) and its description. */
    static final class LibraryFunction {
        final CachedScript script;
        final byte[] description;

        LibraryFunction(CachedScript script, byte[] description) {
            this.script = script;
            this.description = description;
        }
    }

    /**
     * Libraries by name and the flat index that makes function names unique across them. As in
     * Redis, names are case-sensitive inside a library but the index is not: of two functions of
     * one library differing only in case, FCALL finds one (in Redis, by its dict's order; here the
     * last registered).
     */
    private static final class LibraryContext {
        final Map<String, Library> libraries = new LinkedHashMap<>();
        final Map<String, LibraryFunction> functions = new HashMap<>();

        void link(Library lib) {
            libraries.put(lib.name, lib);
            for (LibraryFunction f : lib.functions.values()) {
                functions.put(indexKey(f.script.sha), f);
            }
        }

        void unlink(Library lib) {
            libraries.remove(lib.name);
            for (LibraryFunction f : lib.functions.values()) {
                functions.remove(indexKey(f.script.sha), f);
            }
        }

        /** The first function of {@code lib} another linked library already registered, or null. */
        String collision(Library lib) {
            for (String name : lib.functions.keySet()) {
                if (functions.containsKey(indexKey(name))) {
                    return name;
                }
            }
            return null;
        }

        /** Redis's engine stats count every library's functions, duplicates in case included. */
        int functionCount() {
            int n = 0;
            for (Library lib : libraries.values()) {
                n += lib.functions.size();
            }
            return n;
        }
    }

    private static String indexKey(String functionName) {
        return functionName.toLowerCase(Locale.ROOT);
    }

    public Functions(ScriptEngine engine) {
        engine.setFunctionLookup(this::function);
        this.engine = engine;
        ReadOnlyTable nonexistent = new ReadOnlyTable();
        nonexistent.rawset("__index", new LuaSandbox.NonexistentGlobal());
        ReadOnlyTable loadApi = RedisApi.createLoadApi(engine, this::registerFunction);
        loadApi.setmetatable(nonexistent);
        loadGlobals.rawset("redis", loadApi);
        loadGlobals.setmetatable(nonexistent);

        ReadOnlyTable switching = new ReadOnlyTable();
        LuaValue nonexistentGlobal = new LuaSandbox.NonexistentGlobal();
        switching.rawset("__index", new TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue table, LuaValue key) {
                if (loading != null) {
                    return loadGlobals.get(key);
                }
                // Functions have their own Lua world in Redis: no EVAL's KEYS and ARGV, and _G is theirs.
                if (key.raweq(G)) {
                    return libraryGlobals;
                }
                if (key.raweq(KEYS) || key.raweq(ARGV)) {
                    return nonexistentGlobal.call(table, key);
                }
                return engine.sandbox().env.get(key);
            }
        });
        libraryGlobals.setmetatable(switching);
        libraryGlobals.debuglib = engine.hook(); // SCRIPT/FUNCTION KILL and the load watchdog
        for (ReadOnlyTable t : List.of(nonexistent, loadApi, loadGlobals, switching, libraryGlobals)) {
            t.seal();
        }
    }

    // ---------------------------------------------------------------- FUNCTION LOAD

    /** FUNCTION LOAD [REPLACE]: the library's name, or an error reply as Redis words it. */
    public String load(byte[] code, boolean replace) {
        return create(code, replace, current).name;
    }

    private static CommandError error(String message) {
        return new CommandError("ERR " + message);
    }

    /** Redis's functionsCreateWithLibraryCtx: parse, compile, run the chunk, link the library. */
    private Library create(byte[] code, boolean replace, LibraryContext ctx) {
        int newline = 0;
        if (code.length < 2 || code[0] != '#' || code[1] != '!') {
            throw error("Missing library metadata");
        }
        while (newline < code.length && code[newline] != '\n') {
            newline++;
        }
        if (newline == code.length) {
            throw error("Invalid library metadata");
        }
        byte[][] parts = InlineSplitter.split(Arrays.copyOf(code, newline));
        if (parts == null || parts.length == 0) {
            throw error("Invalid library metadata");
        }
        String name = null;
        for (int i = 1; i < parts.length; i++) {
            String part = new String(parts[i], StandardCharsets.ISO_8859_1);
            if (!part.regionMatches(true, 0, "name=", 0, 5)) {
                throw error("Invalid metadata value given: " + part);
            }
            if (name != null) {
                throw error("Invalid metadata value, name argument was given multiple times");
            }
            name = part.substring(5);
        }
        if (name == null) {
            throw error("Library name was not given");
        }
        if (!validName(name)) {
            throw error(BAD_NAME);
        }
        String engineName = new String(parts[0], 2, parts[0].length - 2, StandardCharsets.ISO_8859_1);
        if (!engineName.equalsIgnoreCase(ENGINE_NAME)) {
            throw error("Engine '" + engineName + "' not found");
        }
        Library old = ctx.libraries.get(name);
        if (old != null && !replace) {
            throw error("Library '" + name + "' already exists");
        }
        if (old != null) {
            ctx.unlink(old);
        }
        try {
            Library lib = new Library(name, code);
            runChunk(lib, newline);
            if (lib.functions.isEmpty()) {
                throw error("No functions registered");
            }
            String taken = ctx.collision(lib);
            if (taken != null) {
                throw error("Function " + taken + " already exists");
            }
            ctx.link(lib);
            return lib;
        } catch (CommandError e) {
            if (old != null) {
                ctx.link(old);
            }
            throw e;
        }
    }

    /** Compiles the code after the #! line (kept as a blank line: error lines stay right) and runs it. */
    private void runChunk(Library lib, int codeStart) {
        LuaFunction chunk;
        try {
            chunk = engine.sandbox().compile(lib.code, codeStart, "@user_function", libraryGlobals);
        } catch (LuaError e) {
            throw error("Error compiling function: " + ScriptErrors.luaValue(e).tojstring());
        }
        loading = lib;
        try {
            engine.runLibraryBody(chunk, LOAD_TIMEOUT_MILLIS);
        } catch (LuaError e) {
            throw error("Error registering functions: " + errorText(e));
        } catch (StackOverflowError e) {
            throw error("Error registering functions: ERR stack overflow");
        } finally {
            loading = null;
        }
    }

    /** The error as luaExtractErrorInformation reads it: a table's err, else "ERR " and the value. */
    private static String errorText(LuaError e) {
        LuaValue v = ScriptErrors.luaValue(e);
        LuaValue err = v.istable() ? v.get("err") : LuaValue.NIL;
        return err.isstring() ? err.tojstring() : "ERR " + LuaNumbers.toLuaString(v);
    }

    static boolean validName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- redis.register_function

    private Varargs registerFunction(Varargs args) {
        Library lib = loading;
        if (lib == null) {
            throw RedisApi.raise("redis.register_function can only be called on FUNCTION LOAD command");
        }
        int argc = args.narg();
        if (argc < 1 || argc > 2) {
            throw RedisApi.raise("wrong number of arguments to redis.register_function");
        }
        String name;
        LuaValue callback;
        byte[] description = null;
        int flags = 0;
        if (argc == 2) {
            if (!args.arg1().isstring()) {
                throw RedisApi.raise("first argument to redis.register_function must be a string");
            }
            if (!args.arg(2).isfunction()) {
                throw RedisApi.raise("second argument to redis.register_function must be a function");
            }
            name = latin1(args.arg1());
            callback = args.arg(2);
        } else {
            if (!args.arg1().istable()) {
                throw RedisApi.raise("calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).");
            }
            name = null;
            callback = null;
            LuaTable named = (LuaTable) args.arg1();
            for (Varargs e = named.next(LuaValue.NIL); !e.arg1().isnil(); e = named.next(e.arg1())) {
                LuaValue key = e.arg1();
                LuaValue value = e.arg(2);
                if (!key.isstring()) {
                    throw RedisApi.raise("named argument key given to redis.register_function is not a string");
                }
                String k = latin1(key);
                if (k.equalsIgnoreCase("function_name")) {
                    if (!value.isstring()) {
                        throw RedisApi.raise("function_name argument given to redis.register_function must be a string");
                    }
                    name = latin1(value);
                } else if (k.equalsIgnoreCase("description")) {
                    if (!value.isstring()) {
                        throw RedisApi.raise("description argument given to redis.register_function must be a string");
                    }
                    description = RedisApi.bytes(value);
                } else if (k.equalsIgnoreCase("callback")) {
                    if (!value.isfunction()) {
                        throw RedisApi.raise("callback argument given to redis.register_function must be a function");
                    }
                    callback = value;
                } else if (k.equalsIgnoreCase("flags")) {
                    if (!value.istable()) {
                        throw RedisApi.raise("flags argument to redis.register_function must be a table representing function flags");
                    }
                    flags = readFlags(value);
                } else {
                    throw RedisApi.raise("unknown argument given to redis.register_function");
                }
            }
            if (name == null) {
                throw RedisApi.raise("redis.register_function must get a function name argument");
            }
            if (callback == null) {
                throw RedisApi.raise("redis.register_function must get a callback argument");
            }
        }
        if (!validName(name)) {
            throw RedisApi.raise(BAD_NAME); // sic: Redis 7.0 words a bad function name so
        }
        if (lib.functions.containsKey(name)) {
            throw RedisApi.raise("Function already exists in the library");
        }
        CachedScript script = new CachedScript(name, lib.code, Shebang.ofFlags(flags), (LuaFunction) callback, true);
        lib.functions.put(name, new LibraryFunction(script, description));
        return LuaValue.NONE;
    }

    private static int readFlags(LuaValue table) {
        int flags = 0;
        for (int i = 1; ; i++) {
            LuaValue flag = table.get(i);
            if (flag.isnil()) {
                return flags;
            }
            int bit = flag.isstring() ? Shebang.flagBit(latin1(flag)) : 0;
            if (bit == 0) {
                throw RedisApi.raise("unknown flag given");
            }
            flags |= bit;
        }
    }

    private static String latin1(LuaValue v) {
        return new String(RedisApi.bytes(v), StandardCharsets.ISO_8859_1);
    }

    // ---------------------------------------------------------------- lookups and changes

    /** FCALL and FCALL_RO, once numkeys was checked. */
    public void fcall(CommandContext ctx, int numkeys, boolean readOnlyCommand) {
        CachedScript f = function(ctx.arg(1));
        if (f == null) {
            throw error("Function not found");
        }
        engine.fcall(ctx, f, numkeys, readOnlyCommand);
    }

    /** FUNCTION KILL. */
    public void kill() {
        engine.kill(true);
    }

    /** FCALL's function by name, or null. */
    CachedScript function(byte[] name) {
        LibraryFunction f = current.functions.get(indexKey(new String(name, StandardCharsets.ISO_8859_1)));
        return f == null ? null : f.script;
    }

    /** FUNCTION DELETE: false when no such library. */
    public boolean delete(byte[] name) {
        Library lib = current.libraries.get(new String(name, StandardCharsets.ISO_8859_1));
        if (lib == null) {
            return false;
        }
        current.unlink(lib);
        return true;
    }

    /** FUNCTION FLUSH. */
    public void flush() {
        current = new LibraryContext();
    }

    public int libraryCount() {
        return current.libraries.size();
    }

    public int functionCount() {
        return current.functionCount();
    }

    // ---------------------------------------------------------------- FUNCTION LIST, STATS

    /** FUNCTION LIST [WITHCODE] [LIBRARYNAME pattern], once its arguments were read. */
    public void list(ReplyWriter out, byte[] pattern, boolean withCode) {
        List<Library> shown = new ArrayList<>();
        for (Library lib : current.libraries.values()) {
            if (pattern == null || Glob.matchNoCase(pattern, lib.name.getBytes(StandardCharsets.ISO_8859_1))) {
                shown.add(lib);
            }
        }
        out.array(shown.size());
        for (Library lib : shown) {
            out.map(withCode ? 4 : 3);
            out.bulk("library_name");
            out.bulk(lib.name);
            out.bulk("engine");
            out.bulk(ENGINE_NAME);
            out.bulk("functions");
            out.array(lib.functions.size());
            for (LibraryFunction f : lib.functions.values()) {
                out.map(3);
                out.bulk("name");
                out.bulk(f.script.sha);
                out.bulk("description");
                if (f.description == null) {
                    out.nullBulk();
                } else {
                    out.bulk(f.description);
                }
                out.bulk("flags");
                int flags = f.script.shebang.flags;
                out.set(Integer.bitCount(flags));
                for (int bit = 0; bit < Shebang.flagCount(); bit++) {
                    if ((flags & (1 << bit)) != 0) {
                        out.simple(Shebang.flagName(1 << bit));
                    }
                }
            }
            if (withCode) {
                out.bulk("library_code");
                out.bulk(lib.code);
            }
        }
    }

    /** FUNCTION STATS: the running script (name, command, duration) and the engine's counts. */
    public void stats(ReplyWriter out) {
        ScriptRun run = engine.running();
        if (run != null && !run.script.isFunction) {
            throw new CommandError(ScriptEngine.BUSY); // as Redis: no stats while an EVAL is busy
        }
        out.map(2);
        out.bulk("running_script");
        if (run == null) {
            out.nullBulk();
        } else {
            out.map(3);
            out.bulk("name");
            out.bulk(run.script.isFunction ? run.script.sha : "f_" + run.script.sha);
            out.bulk("command");
            byte[][] argv = run.commandArgv;
            out.array(argv == null ? 0 : argv.length);
            if (argv != null) {
                for (byte[] a : argv) {
                    out.bulk(a);
                }
            }
            out.bulk("duration_ms");
            out.integer((System.nanoTime() - run.startNanos) / 1_000_000);
        }
        out.bulk("engines");
        out.map(1);
        out.bulk(ENGINE_NAME);
        out.map(2);
        out.bulk("libraries_count");
        out.integer(libraryCount());
        out.bulk("functions_count");
        out.integer(functionCount());
    }

    // ---------------------------------------------------------------- FUNCTION DUMP, RESTORE

    /**
     * FUNCTION DUMP: each library as RDB_OPCODE_FUNCTION2 and its code (LZF-compressed under
     * rdbcompression, as every RDB string), then version and CRC64.
     */
    public byte[] dump(boolean compress) {
        FunctionPayload.Writer w = new FunctionPayload.Writer(compress);
        for (Library lib : current.libraries.values()) {
            w.function(lib.code);
        }
        return w.finish();
    }

    public enum RestorePolicy { FLUSH, APPEND, REPLACE }

    /** FUNCTION RESTORE: all the payload's libraries, or none of them and an error. */
    public void restore(byte[] payload, RestorePolicy policy) {
        List<byte[]> codes = FunctionPayload.read(payload);
        LibraryContext restored = new LibraryContext();
        for (byte[] code : codes) {
            create(code, false, restored);
        }
        if (policy == RestorePolicy.FLUSH) {
            current = restored;
            return;
        }
        join(restored, policy == RestorePolicy.REPLACE);
    }

    /** Redis's libraryJoin: adds {@code from}'s libraries to the current ones, all or nothing. */
    private void join(LibraryContext from, boolean replace) {
        List<Library> replaced = new ArrayList<>();
        try {
            for (Library lib : from.libraries.values()) {
                Library old = current.libraries.get(lib.name);
                if (old != null) {
                    if (!replace) {
                        throw error("Library " + lib.name + " already exists");
                    }
                    current.unlink(old);
                    replaced.add(old);
                }
            }
            for (Library lib : from.libraries.values()) {
                String taken = current.collision(lib);
                if (taken != null) {
                    throw error("Function " + taken + " already exists");
                }
            }
        } catch (CommandError e) {
            for (Library old : replaced) {
                current.link(old);
            }
            throw e;
        }
        for (Library lib : from.libraries.values()) {
            current.link(lib);
        }
    }
}
