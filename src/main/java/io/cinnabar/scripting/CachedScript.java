package io.cinnabar.scripting;

import org.luaj.vm2.LuaFunction;

/** A compiled script of the cache, by the lowercase SHA1 hex of its text. */
final class CachedScript {
    final String sha;
    final byte[] body;
    final Shebang shebang;
    final LuaFunction function;

    CachedScript(String sha, byte[] body, Shebang shebang, LuaFunction function) {
        this.sha = sha;
        this.body = body;
        this.shebang = shebang;
        this.function = function;
    }
}
