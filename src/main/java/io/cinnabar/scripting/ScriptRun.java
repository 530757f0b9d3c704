package io.cinnabar.scripting;

import io.cinnabar.server.Client;
import java.util.concurrent.atomic.AtomicInteger;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;

/**
 * One invocation of a script. The script runs on the script thread while the data thread waits
 * for it ({@link #ATTACHED}): then the script's commands run directly, the data thread being
 * idle. Past busy-reply-threshold the data thread stops waiting ({@link #DETACHED}) to answer
 * other clients with -BUSY, and the script's commands are handed to the data thread instead.
 */
final class ScriptRun {
    static final int ATTACHED = 0;
    /** Attached, and a command of the script is running on the script thread right now. */
    static final int IN_CALL = 1;
    static final int DETACHED = 2;
    static final int FINISHED = 3;

    final Client caller;
    final CachedScript script;
    /** EVAL_RO, EVALSHA_RO, or a no-writes shebang: write commands are refused. */
    final boolean readOnly;
    final long startNanos = System.nanoTime();
    final AtomicInteger state = new AtomicInteger(ATTACHED);
    final Thread waiter;

    /**
     * The data thread wants to detach: the script stops running commands directly, so the data
     * thread's compare-and-set from ATTACHED cannot lose forever to a script calling in a loop.
     */
    volatile boolean detachRequested;

    /** SCRIPT KILL or SHUTDOWN NOSAVE asked the script to stop. */
    volatile boolean killRequested;
    /** The script ran a write command: SCRIPT KILL may no longer stop it. */
    volatile boolean wrote;

    /** Script thread only, until FINISHED publishes them. */
    int resp = 2;
    int replicationFlags = 3;
    LuaValue result;
    LuaError error;
    RuntimeException crash;

    ScriptRun(Client caller, CachedScript script, boolean readOnly, Thread waiter) {
        this.caller = caller;
        this.script = script;
        this.readOnly = readOnly;
        this.waiter = waiter;
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
