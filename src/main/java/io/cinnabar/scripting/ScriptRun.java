package io.cinnabar.scripting;

import io.cinnabar.server.Client;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;

/**
 * One invocation of a script, on the data thread. Past busy-reply-threshold it is busy: the
 * instruction hook then serves other clients between instructions (they get -BUSY unless they
 * kill the script or shut the server down) while its caller's later requests wait.
 */
final class ScriptRun {
    final Client caller;
    final CachedScript script;
    /** EVAL_RO, EVALSHA_RO, or a no-writes shebang: write commands are refused. */
    final boolean readOnly;
    final long startNanos = System.nanoTime();
    /** busy-reply-threshold in nanoseconds when the script started; 0 for never busy. */
    long busyAfterNanos;

    /** Past busy-reply-threshold: others are turned away and SCRIPT KILL is listened for. */
    boolean busy;
    /** The script blocked its caller when it went busy (the caller was not blocked already). */
    boolean blockedCaller;

    /** SCRIPT KILL or SHUTDOWN NOSAVE asked the script to stop (set from a coroutine's thread too). */
    volatile boolean killRequested;
    /** Over maxmemory when a script without flags started: its first deny-oom command fails. */
    boolean denyOom;
    /** The script ran a write command: SCRIPT KILL may no longer stop it. */
    volatile boolean wrote;

    int resp = 2;
    int replicationFlags = 3;
    LuaValue result;
    LuaError error;
    RuntimeException crash;

    ScriptRun(Client caller, CachedScript script, boolean readOnly) {
        this.caller = caller;
        this.script = script;
        this.readOnly = readOnly;
    }

    /** The FCALL command as sent, for FUNCTION STATS. */
    byte[][] commandArgv;
    /** FCALL's keys and args tables, passed to the function; null for EVAL. */
    LuaValue[] functionArgs;
    /** FUNCTION LOAD's watchdog (System.nanoTime), 0 when none. */
    long loadDeadlineNanos;

    boolean killed() {
        return killRequested;
    }

    /** Raises the error Redis raises in a script stopped by SCRIPT KILL. */
    void checkKilled() {
        if (loadDeadlineNanos != 0 && System.nanoTime() - loadDeadlineNanos > 0) {
            throw new LuaError(ScriptErrors.errorTable("FUNCTION LOAD timeout"));
        }
        if (killRequested) {
            throw new LuaError(ScriptErrors.errorTable("Script killed by user with SCRIPT KILL..."));
        }
    }
}
