package io.cinnabar.scripting;

import org.luaj.vm2.LuaFunction;

/** A compiled script of the cache, by the lowercase SHA1 hex of its text, or a library function. */
final class CachedScript {
    final String sha;
    final byte[] body;
    final Shebang shebang;
    final LuaFunction function;
    /** A function of a library (FCALL): {@link #sha} is then its name, in errors as in Redis. */
    final boolean isFunction;

    CachedScript(String sha, byte[] body, Shebang shebang, LuaFunction function) {
        this(sha, body, shebang, function, false);
    }

    CachedScript(String sha, byte[] body, Shebang shebang, LuaFunction function, boolean isFunction) {
        this.sha = sha;
        this.body = body;
        this.shebang = shebang;
        this.function = function;
        this.isFunction = isFunction;
    }
}
