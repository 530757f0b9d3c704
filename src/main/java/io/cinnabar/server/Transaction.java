package io.cinnabar.server;

import io.cinnabar.command.CommandFlag;
import io.cinnabar.command.CommandSpec;
import java.util.ArrayList;
import java.util.List;

/** The commands a client queued after MULTI, and whether EXEC must refuse to run them. */
public final class Transaction {
    private final List<CommandSpec> specs = new ArrayList<>();
    private final List<byte[][]> argvs = new ArrayList<>();
    private boolean aborted;
    private boolean mayWrite;
    private boolean denyOom;
    private boolean runsScripts;

    public void queue(CommandSpec spec, byte[][] argv) {
        specs.add(spec);
        argvs.add(argv);
        mayWrite |= spec.has(CommandFlag.WRITE) || spec.has(CommandFlag.MAY_REPLICATE);
        denyOom |= spec.has(CommandFlag.DENYOOM);
        runsScripts |= spec.runsScripts;
    }

    /** True if EXEC will run a script (EVAL, FCALL...): the dispatcher hands it to a task. */
    public boolean runsScripts() {
        return runsScripts;
    }

    public int size() {
        return specs.size();
    }

    public CommandSpec spec(int i) {
        return specs.get(i);
    }

    public byte[][] argv(int i) {
        return argvs.get(i);
    }

    /** A queued command was refused (unknown, wrong arity, not allowed): EXEC answers EXECABORT. */
    public void abort() {
        aborted = true;
    }

    public boolean aborted() {
        return aborted;
    }

    /** True if a queued command may write (CLIENT PAUSE WRITE holds such an EXEC). */
    public boolean mayWrite() {
        return mayWrite;
    }

    /** True if a queued command may grow memory: EXEC is refused when memory is over maxmemory. */
    public boolean denyOom() {
        return denyOom;
    }

    /** CLIENT LIST multi-mem, counted as Redis does: argument bytes plus a pointer per argument. */
    public long memory() {
        long total = 0;
        for (byte[][] argv : argvs) {
            total += 8L * argv.length;
            for (byte[] a : argv) {
                total += a.length;
            }
        }
        return total;
    }
}
