package io.cinnabar.scripting;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaThread;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * coroutine.resume and coroutine.wrap for a script that goes busy inside a coroutine. luaj runs a
 * coroutine on a Java thread of its own while the data thread waits in resume, so the hook there
 * cannot serve clients itself: it yields a private marker instead, and these functions, back on
 * the resuming thread, serve (or pass the marker further up), then resume the coroutine where it
 * was. Scripts never see the marker.
 */
final class ServingCoroutines {
    /** What the hook yields from a coroutine whose script must serve clients now. */
    static final LuaValue SERVE = LuaValue.userdataOf(new Object());

    private final Globals globals;
    private final Runnable serve;

    /** serve: what the resuming thread does when asked (the engine's check of the running script). */
    ServingCoroutines(Globals globals, Runnable serve) {
        this.globals = globals;
        this.serve = serve;
    }

    /** From the hook on a coroutine's thread: hands over to the resumer until it has served. */
    void yieldToServe() {
        globals.yield(SERVE);
    }

    private Varargs resume(LuaThread thread, Varargs args) {
        Varargs result = thread.resume(args);
        while (result.narg() == 2 && result.arg1().toboolean() && result.arg(2) == SERVE) {
            serve.run();
            result = thread.resume(LuaValue.NONE);
        }
        return result;
    }

    LuaValue resumeFunction() {
        return new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return resume(args.checkthread(1), args.subargs(2));
            }
        };
    }

    /** As luaj's wrap: the coroutine's values, or its error raised with the error's text. */
    LuaValue wrapFunction() {
        return new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                LuaThread thread = new LuaThread(globals, args.checkfunction(1));
                return new VarArgFunction() {
                    @Override
                    public Varargs invoke(Varargs callArgs) {
                        Varargs result = resume(thread, callArgs);
                        if (result.arg1().toboolean()) {
                            return result.subargs(2);
                        }
                        return error(result.arg(2).tojstring());
                    }
                };
            }
        };
    }
}
