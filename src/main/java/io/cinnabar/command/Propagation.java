package io.cinnabar.command;

import io.cinnabar.keyspace.Database;
import io.cinnabar.keyspace.Keyspace;
import java.util.Arrays;

/**
 * The one stream of effects that AOF and replicas consume, with Redis 7.0's model: during one
 * execution unit (a client's command with everything it nests, EXEC, a script) the commands to
 * propagate collect in a pending list (Redis's server.also_propagate); when the outermost unit
 * ends they go to the sinks, wrapped in MULTI ... EXEC when there is more than one, so a replica
 * applies them atomically. Removals outside any unit (active expiry, eviction between commands)
 * go out at once, one DEL each. With no sink attached nothing is collected: a command pays a
 * counter and a branch.
 */
public final class Propagation implements Keyspace.RemovalListener {
    public static final int NONE = 0;
    /** Bits as Redis's PROPAGATE_AOF and PROPAGATE_REPL (and its scripts' REPL_AOF, REPL_REPLICA). */
    public static final int AOF = 1;
    public static final int REPLICAS = 2;
    public static final int ALL = AOF | REPLICAS;

    private static final byte[][] MULTI = {Rewrites.ascii("MULTI")};
    private static final byte[][] EXEC = {Rewrites.ascii("EXEC")};

    private PropagationSink[] sinks = new PropagationSink[0];
    private int[] sinkTargets = new int[0];
    /** Every target some sink takes: as in Redis, a command for nobody is not even collected. */
    private int wanted;
    private int depth;
    private int pendingCount;
    /** Pending commands before this index own their argument arrays (see {@link #enterUnit}). */
    private int protectedCount;
    private int[] pendingDbs = new int[8];
    private int[] pendingTargets = new int[8];
    private byte[][][] pendingArgvs = new byte[8][][];
    private boolean lazyExpire;
    private boolean lazyEviction;
    private boolean removalsAtOnce;

    /** Attaches a sink that takes what is propagated to {@code targets} (AOF, REPLICAS or both). */
    public void addSink(PropagationSink sink, int targets) {
        sinks = Arrays.copyOf(sinks, sinks.length + 1);
        sinks[sinks.length - 1] = sink;
        sinkTargets = Arrays.copyOf(sinkTargets, sinkTargets.length + 1);
        sinkTargets[sinkTargets.length - 1] = targets;
        wanted |= targets;
    }

    public void removeSink(PropagationSink sink) {
        for (int i = 0; i < sinks.length; i++) {
            if (sinks[i] == sink) {
                PropagationSink[] fewer = new PropagationSink[sinks.length - 1];
                int[] fewerTargets = new int[fewer.length];
                System.arraycopy(sinks, 0, fewer, 0, i);
                System.arraycopy(sinks, i + 1, fewer, i, fewer.length - i);
                System.arraycopy(sinkTargets, 0, fewerTargets, 0, i);
                System.arraycopy(sinkTargets, i + 1, fewerTargets, i, fewer.length - i);
                sinks = fewer;
                sinkTargets = fewerTargets;
                wanted = 0;
                for (int t : fewerTargets) {
                    wanted |= t;
                }
                return;
            }
        }
    }

    /** False when nobody listens: callers skip building rewritten commands. */
    public boolean hasSinks() {
        return sinks.length != 0;
    }

    /** Removals by expiry (lazyfree-lazy-expire) and eviction (lazyfree-lazy-eviction) go out as UNLINK. */
    public void setLazyFree(boolean lazyExpire, boolean lazyEviction) {
        this.lazyExpire = lazyExpire;
        this.lazyEviction = lazyEviction;
    }

    // ---------------------------------------------------------------- execution units

    /** Opens a unit; units nest, and only the outermost one's end sends what collected. */
    public void enterUnit() {
        if (pendingCount > protectedCount) {
            protectPending();
        }
        depth++;
    }

    /**
     * A pending command may hold a client's argument arrays, and a value stored from them can be
     * overwritten in place by a later command of the same unit (a same-size SET): before a nested
     * command runs, the pending ones get arrays of their own.
     */
    private void protectPending() {
        for (int i = protectedCount; i < pendingCount; i++) {
            byte[][] argv = pendingArgvs[i].clone();
            for (int k = 0; k < argv.length; k++) {
                argv[k] = argv[k].clone();
            }
            pendingArgvs[i] = argv;
        }
        protectedCount = pendingCount;
    }

    public void exitUnit() {
        if (--depth == 0 && pendingCount != 0) {
            flush();
        }
    }

    /**
     * Adds a command to the current unit's pending list, after whatever its unit propagated so
     * far (Redis's alsoPropagate); outside a unit it is sent at once. The arrays are kept until the
     * unit ends, so a caller must not reuse them meanwhile.
     */
    public void propagate(int db, byte[][] argv, int targets) {
        targets &= wanted;
        if (targets == NONE) {
            return;
        }
        if (pendingCount == pendingDbs.length) {
            int n = pendingCount * 2;
            pendingDbs = Arrays.copyOf(pendingDbs, n);
            pendingTargets = Arrays.copyOf(pendingTargets, n);
            pendingArgvs = Arrays.copyOf(pendingArgvs, n);
        }
        pendingDbs[pendingCount] = db;
        pendingTargets[pendingCount] = targets;
        pendingArgvs[pendingCount] = argv;
        pendingCount++;
        if (depth == 0) {
            flush();
        }
    }

    /** What a command that deletes a key by giving it a past expiry propagates: DEL, or UNLINK under lazyfree-lazy-expire. */
    public byte[] expireDeletion() {
        return lazyExpire ? Rewrites.UNLINK : Rewrites.DEL;
    }

    /** Redis's propagateDeletion: an expired or evicted key reaches AOF and replicas as DEL or UNLINK. */
    @Override
    public void removed(Database db, byte[] key, boolean evicted) {
        if (sinks.length == 0) {
            return;
        }
        boolean lazy = evicted ? lazyEviction : lazyExpire;
        byte[][] argv = {lazy ? Rewrites.UNLINK : Rewrites.DEL, key};
        if (removalsAtOnce && (wanted & ALL) != 0) {
            emit(db.id(), argv, ALL & wanted);
        } else {
            propagate(db.id(), argv, ALL);
        }
    }

    /** While set, expired keys go out at once, each alone, not with the running unit's commands. */
    public void sendRemovalsAtOnce(boolean atOnce) {
        removalsAtOnce = atOnce;
    }

    /** Redis's propagatePendingCommands. */
    private void flush() {
        int count = pendingCount;
        pendingCount = 0;
        protectedCount = 0;
        boolean wrap = count > 1;
        if (wrap) {
            // MULTI takes the first command's database so a SELECT, if due, comes before it;
            // EXEC the last one's so none comes between the last command and EXEC.
            emit(pendingDbs[0], MULTI, ALL);
        }
        for (int i = 0; i < count; i++) {
            emit(pendingDbs[i], pendingArgvs[i], pendingTargets[i]);
            pendingArgvs[i] = null;
        }
        if (wrap) {
            emit(pendingDbs[count - 1], EXEC, ALL);
        }
    }

    private void emit(int db, byte[][] argv, int targets) {
        PropagationSink[] to = sinks;
        int[] takes = sinkTargets;
        for (int i = 0; i < to.length; i++) {
            if ((takes[i] & targets) != 0) {
                to[i].propagate(db, argv, targets);
            }
        }
    }
}
