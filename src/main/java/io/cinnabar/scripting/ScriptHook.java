package io.cinnabar.scripting;

import java.util.Map;
import java.util.WeakHashMap;
import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaDouble;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.DebugLib;

/**
 * luaj's per-instruction hook, used as Redis uses Lua's count hook: every thousand instructions
 * the engine checks the clock and, once the script is busy, serves other clients, then raises if
 * SCRIPT KILL (or SHUTDOWN NOSAVE) asked the script to stop. Once killed, every later check
 * raises again, so a pcall cannot keep the script alive.
 *
 * <p>It also makes ".." print numbers as Lua 5.1 does ("%.14g"; luaj prints a float's digits):
 * before a CONCAT instruction runs, the numbers among its operands become their 5.1 text. The
 * operands sit in scratch registers the compiler fills for that one instruction (Lua always copies
 * them to fresh registers), so rewriting them changes nothing else. That needs the running
 * function's code and registers, hence a small frame stack per Lua thread (coroutines run on their
 * own Java threads) instead of luaj's debug-library call frames, which scripts cannot read anyway.
 * Each frame also keeps its closure and current pc, so that an error's site (and from it Lua 5.1's
 * wording of the error, see {@link LuaRuntimeErrors}) is known when luaj asks for a traceback.
 */
final class ScriptHook extends DebugLib {
    private static final int CHECK_EVERY = 1000;

    /** What the hook does every CHECK_EVERY instructions of a script. */
    interface Check {
        void check(ScriptRun run);
    }

    private final Check check;
    private ScriptRun run;
    private int count;
    private Thread scriptThread;
    private Frames scriptFrames = new Frames();
    private final Map<Thread, Frames> coroutineFrames = new WeakHashMap<>();

    ScriptHook(Check check) {
        this.check = check;
    }

    /** The code and registers of the Lua functions running on one thread, innermost last. */
    private static final class Frames {
        int[][] code = new int[32][];
        LuaValue[][] registers = new LuaValue[32][];
        LuaClosure[] closures = new LuaClosure[32];
        int[] pcs = new int[32];
        int depth;

        void push(int[] c, LuaValue[] r) {
            if (depth == code.length) {
                code = java.util.Arrays.copyOf(code, depth * 2);
                registers = java.util.Arrays.copyOf(registers, depth * 2);
                closures = java.util.Arrays.copyOf(closures, depth * 2);
                pcs = java.util.Arrays.copyOf(pcs, depth * 2);
            }
            closures[depth] = null;
            code[depth] = c;
            registers[depth++] = r;
        }

        void pop() {
            if (depth > 0) {
                registers[--depth] = null;
                closures[depth] = null;
            }
        }
    }

    private Frames frames() {
        Thread t = Thread.currentThread();
        if (t == scriptThread) {
            return scriptFrames;
        }
        synchronized (coroutineFrames) {
            return coroutineFrames.computeIfAbsent(t, k -> new Frames());
        }
    }

    /** Called on the data thread before and after a script runs. */
    void arm(ScriptRun run) {
        this.run = run;
        this.count = 0;
        this.scriptThread = Thread.currentThread();
        this.scriptFrames.depth = 0;
    }

    @Override
    public void onInstruction(int pc, Varargs v, int top) {
        if (++count >= CHECK_EVERY) {
            count = 0;
            ScriptRun r = run;
            if (r != null) {
                check.check(r);
            }
        }
        Frames frames = frames();
        if (frames.depth == 0) {
            return;
        }
        frames.pcs[frames.depth - 1] = pc;
        int[] code = frames.code[frames.depth - 1];
        if (code == null || pc >= code.length) {
            return;
        }
        int instruction = code[pc];
        if ((instruction & 0x3F) == Lua.OP_CONCAT) {
            LuaValue[] registers = frames.registers[frames.depth - 1];
            int last = (instruction >> 14) & 0x1FF;
            for (int r = instruction >>> 23; r <= last; r++) {
                if (registers[r] instanceof LuaDouble) {
                    registers[r] = LuaValue.valueOf(LuaNumbers.format14g(registers[r].todouble()));
                }
            }
        }
    }

    @Override
    public void onCall(LuaFunction f) {
        frames().push(null, null);
    }

    @Override
    public void onCall(LuaClosure c, Varargs varargs, LuaValue[] stack) {
        Frames frames = frames();
        frames.push(c.p.code, stack);
        frames.closures[frames.depth - 1] = c;
    }

    @Override
    public void onReturn() {
        frames().pop();
    }

    /**
     * No traceback in error messages: Redis reports only the message and the failing line. luaj
     * asks for one as an error leaves its innermost Lua function, which is the moment to note
     * where the error was raised for {@link LuaRuntimeErrors}.
     */
    @Override
    public String traceback(int level) {
        Frames frames = frames();
        int top = frames.depth - 1;
        if (top >= 0 && frames.closures[top] != null) {
            LuaRuntimeErrors.recordSite(frames.closures[top], frames.pcs[top], frames.registers[top]);
        }
        return "";
    }
}
