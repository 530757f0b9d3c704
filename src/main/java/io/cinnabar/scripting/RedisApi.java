package io.cinnabar.scripting;

import io.cinnabar.server.Server;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The "redis" table of a script: call, pcall, error_reply, status_reply, log, setresp, ... */
final class RedisApi {
    private static final Logger log = LoggerFactory.getLogger("cinnabar");
    private static final int REDIS_VERSION_NUM = versionNum(Server.REDIS_VERSION);

    private RedisApi() {}

    static LuaTable create(ScriptEngine engine) {
        ReadOnlyTable t = new ReadOnlyTable();
        t.rawset("call", fn(args -> engine.redisCall(args, true)));
        t.rawset("pcall", fn(args -> engine.redisCall(args, false)));
        t.rawset("error_reply", fn(RedisApi::errorReply));
        t.rawset("status_reply", fn(RedisApi::statusReply));
        t.rawset("sha1hex", fn(RedisApi::sha1hex));
        t.rawset("log", fn(args -> log(engine, args)));
        t.rawset("setresp", fn(args -> setresp(engine, args)));
        t.rawset("set_repl", fn(args -> setRepl(engine, args)));
        t.rawset("replicate_commands", fn(args -> LuaValue.TRUE));
        t.rawset("breakpoint", fn(args -> LuaValue.FALSE));
        t.rawset("debug", fn(args -> LuaValue.NONE));
        t.rawset("acl_check_cmd", fn(args -> engine.aclCheck(args)));
        putVersionAndLogLevels(t);
        t.rawset("REPL_NONE", LuaValue.valueOf(0));
        t.rawset("REPL_AOF", LuaValue.valueOf(1));
        t.rawset("REPL_SLAVE", LuaValue.valueOf(2));
        t.rawset("REPL_REPLICA", LuaValue.valueOf(2));
        t.rawset("REPL_ALL", LuaValue.valueOf(3));
        return t;
    }

    /**
     * The "redis" table a library's body sees while FUNCTION LOAD runs it, as Redis's
     * __LIBRARY_API__: register_function, log and the version and log level constants only.
     */
    static ReadOnlyTable createLoadApi(ScriptEngine engine, Body registerFunction) {
        ReadOnlyTable t = new ReadOnlyTable();
        t.rawset("register_function", fn(registerFunction));
        t.rawset("log", fn(args -> log(engine, args)));
        putVersionAndLogLevels(t);
        return t;
    }

    private static void putVersionAndLogLevels(ReadOnlyTable t) {
        t.rawset("REDIS_VERSION", LuaValue.valueOf(Server.REDIS_VERSION));
        t.rawset("REDIS_VERSION_NUM", LuaValue.valueOf(REDIS_VERSION_NUM));
        t.rawset("LOG_DEBUG", LuaValue.valueOf(0));
        t.rawset("LOG_VERBOSE", LuaValue.valueOf(1));
        t.rawset("LOG_NOTICE", LuaValue.valueOf(2));
        t.rawset("LOG_WARNING", LuaValue.valueOf(3));
    }

    interface Body {
        Varargs invoke(Varargs args);
    }

    private static VarArgFunction fn(Body body) {
        return new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return body.invoke(args);
            }
        };
    }

    /** Raises an error as Redis's C functions do: a table {err=...}. */
    static LuaError raise(String message) {
        return new LuaError(ScriptErrors.errorTable(message));
    }

    private static Varargs errorReply(Varargs args) {
        if (args.narg() != 1 || args.arg1().type() != LuaValue.TSTRING) {
            return ScriptErrors.errorTable("wrong number or type of arguments");
        }
        String text = latin1(args.arg1());
        return ScriptErrors.errorTable(text.startsWith("-") ? text : "-" + text);
    }

    private static Varargs statusReply(Varargs args) {
        if (args.narg() != 1 || args.arg1().type() != LuaValue.TSTRING) {
            return ScriptErrors.errorTable("wrong number or type of arguments");
        }
        LuaTable t = new LuaTable();
        t.rawset("ok", args.arg1());
        return t;
    }

    private static Varargs sha1hex(Varargs args) {
        if (args.narg() != 1) {
            throw raise("wrong number of arguments");
        }
        LuaValue v = args.arg1();
        byte[] bytes = v.type() == LuaValue.TSTRING || v.type() == LuaValue.TNUMBER ? bytes(v) : new byte[0];
        return LuaValue.valueOf(sha1hex(bytes));
    }

    /** Lowercase SHA1 hex, as Redis names scripts. */
    static String sha1hex(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(bytes);
            StringBuilder hex = new StringBuilder(40);
            for (byte b : digest) {
                hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Varargs log(ScriptEngine engine, Varargs args) {
        int argc = args.narg();
        if (argc < 2) {
            throw raise("redis.log() requires two arguments or more.");
        }
        LuaValue first = args.arg1();
        if (first.tonumber().isnil()) {
            throw raise("First argument must be a number (log level).");
        }
        int level = (int) first.todouble();
        if (level < 0 || level > 3) {
            throw raise("Invalid debug level.");
        }
        StringBuilder text = new StringBuilder();
        for (int i = 2; i <= argc; i++) {
            LuaValue v = args.arg(i);
            if (v.type() == LuaValue.TSTRING || v.type() == LuaValue.TNUMBER) {
                if (i != 2) {
                    text.append(' ');
                }
                text.append(latin1(v));
            }
        }
        if (level >= engine.logLevel()) {
            switch (level) {
                case 3: log.warn("{}", text); break;
                case 2: log.info("{}", text); break;
                default: log.debug("{}", text);
            }
        }
        return LuaValue.NONE;
    }

    private static Varargs setresp(ScriptEngine engine, Varargs args) {
        if (args.narg() != 1) {
            throw raise("redis.setresp() requires one argument.");
        }
        int resp = (int) args.arg1().tonumber().optdouble(0);
        if (resp != 2 && resp != 3) {
            throw raise("RESP version must be 2 or 3.");
        }
        engine.running().resp = resp;
        return LuaValue.NONE;
    }

    private static Varargs setRepl(ScriptEngine engine, Varargs args) {
        if (args.narg() != 1) {
            throw raise("redis.set_repl() requires two arguments.");
        }
        int flags = (int) args.arg1().tonumber().optdouble(0);
        if ((flags & ~3) != 0) {
            throw raise("Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
        }
        // REPL_NONE/AOF/REPLICA/ALL have the bits of Propagation's targets.
        engine.running().replicationFlags = flags;
        return LuaValue.NONE;
    }

    /** A string or number argument's bytes: numbers as "%.14g" (lua_tolstring). */
    static byte[] bytes(LuaValue v) {
        if (v.type() == LuaValue.TNUMBER) {
            return LuaNumbers.format14g(v.todouble()).getBytes(StandardCharsets.US_ASCII);
        }
        LuaString s = (LuaString) v;
        byte[] b = new byte[s.m_length];
        System.arraycopy(s.m_bytes, s.m_offset, b, 0, b.length);
        return b;
    }

    private static String latin1(LuaValue v) {
        return new String(bytes(v), StandardCharsets.ISO_8859_1);
    }

    private static int versionNum(String version) {
        String[] parts = version.split("\\.");
        return (Integer.parseInt(parts[0]) << 16) | (Integer.parseInt(parts[1]) << 8) | Integer.parseInt(parts[2]);
    }
}
