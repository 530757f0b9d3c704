package io.cinnabar.scripting;

import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.DebugLib;

/**
 * luaj's per-instruction hook, used as Redis uses Lua's count hook: every few thousand
 * instructions it checks whether SCRIPT KILL (or SHUTDOWN NOSAVE) asked the running script to
 * stop. Once killed, every later check raises again, so a pcall cannot keep the script alive.
 * The call-frame bookkeeping of luaj's debug library is skipped: scripts have no debug library.
 */
final class ScriptHook extends DebugLib {
    private static final int CHECK_EVERY = 1000;

    private ScriptRun run;
    private int count;

    /** Called on the script thread before and after a script runs. */
    void arm(ScriptRun run) {
        this.run = run;
        this.count = 0;
    }

    @Override
    public void onInstruction(int pc, Varargs v, int top) {
        if (++count >= CHECK_EVERY) {
            count = 0;
            ScriptRun r = run;
            if (r != null) {
                r.checkKilled();
            }
        }
    }

    @Override
    public void onCall(LuaFunction f) {
        // no call frames kept: scripts have no debug library to read them
    }

    @Override
    public void onCall(LuaClosure c, Varargs varargs, LuaValue[] stack) {
        // as above
    }

    @Override
    public void onReturn() {
        // as above
    }

    /** No traceback in error messages: Redis reports only the message and the failing line. */
    @Override
    public String traceback(int level) {
        return "";
    }
}
