package io.cinnabar.command;

/**
 * A consumer of the propagation stream (the AOF, the replication backlog, a test's recorder).
 * Called on the data thread once per propagated command, in order; {@code targets} says whom
 * the command is for ({@link Propagation#AOF}, {@link Propagation#REPLICAS}, or both); a sink
 * is only called for commands meant for the targets it attached with. The argv must not be kept past the call unless copied:
 * its arrays may be the client's own.
 */
public interface PropagationSink {
    void propagate(int db, byte[][] argv, int targets);
}
