package io.cinnabar.command;

import io.cinnabar.server.Client;
import io.cinnabar.server.ClientPause;
import io.cinnabar.server.Server;
import io.cinnabar.server.Transaction;
import java.nio.charset.StandardCharsets;

/**
 * Finds a request's command in the table and checks what the metadata says about it (existence,
 * subcommand, arity, authentication) once, so handlers hold only their logic. Also keeps the
 * per-command statistics.
 */
public final class Dispatcher {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Dispatcher.class);
    /** Commands that run at once inside MULTI instead of being queued (as Redis's processCommand). */
    private static final java.util.Set<String> RUN_INSIDE_MULTI = java.util.Set.of("exec", "discard", "multi", "watch", "quit", "reset");
    /** What a RESP2 client may run while subscribed (Redis's processCommand pub/sub context check). */
    private static final java.util.Set<String> ALLOWED_WHILE_SUBSCRIBED = java.util.Set.of("ping", "subscribe", "ssubscribe",
            "unsubscribe", "sunsubscribe", "psubscribe", "punsubscribe", "quit", "reset");
    /** Inside MULTI while out of memory, these still run (EXEC only if nothing queued may grow memory). */
    private static final java.util.Set<String> RUN_WHILE_OUT_OF_MEMORY_IN_MULTI = java.util.Set.of("exec", "discard", "quit", "reset");
    public static final String OOM = "OOM command not allowed when used memory > 'maxmemory'.";
    private final Server server;
    private final CommandTable table;

    public Dispatcher(Server server, CommandTable table) {
        this.server = server;
        this.table = table;
    }

    public CommandTable table() {
        return table;
    }

    /**
     * Within one read batch, a command starts at the time the previous command of the batch ended:
     * one clock read per command instead of two. A read costs ~30 ns on a VM's kvm-clock, about
     * 3% of a pipelined GET. Outside a batch, or before the batch's first call ends, the next
     * command reads the clock itself.
     */
    private boolean inBatch;
    private boolean batchClockSet;
    private long batchClock;

    /** Starts a batch of requests run back to back, with nothing but commands between them. */
    public void beginBatch() {
        inBatch = true;
        batchClockSet = false;
    }

    public void endBatch() {
        inBatch = false;
        batchClockSet = false;
    }

    /** Runs one request of a client. Called on the data thread only. */
    public void dispatch(Client client, byte[][] argv) {
        CommandContext ctx = client.context();
        long startNanos = batchClockSet ? server.keyspace().advanceTo(batchClock) : server.keyspace().tick();
        CommandSpec spec = client.lookupCommand(table, argv[0]);
        if (spec == null || !spec.implemented()) {
            reject(ctx, null, unknownCommand(argv));
            return;
        }
        if (spec.hasSubcommands()) {
            if (argv.length == 1) {
                // A container called bare runs its own handler if it has one and its arity allows
                // it (COMMAND lists all commands); otherwise it is an arity error, as in Redis.
                if (spec.handler == null || !spec.arityAccepts(1)) {
                    reject(ctx, spec, "ERR wrong number of arguments for '" + spec.name + "' command");
                    return;
                }
            } else {
                CommandSpec sub = spec.subcommand(argv[1]);
                if (sub == null || sub.handler == null) {
                    // Redis finds no command for an unknown subcommand: no commandstats line
                    reject(ctx, null, "ERR unknown subcommand '" + truncate(argv[1]) + "'. Try "
                            + new String(argv[0], StandardCharsets.UTF_8).toUpperCase(java.util.Locale.ROOT) + " HELP.");
                    return;
                }
                spec = sub;
            }
        }
        if (!spec.arityAccepts(argv.length)) {
            reject(ctx, spec, "ERR wrong number of arguments for '" + spec.name + "' command");
            return;
        }
        if (!client.isAuthenticated() && !spec.has(CommandFlag.NO_AUTH)) {
            reject(ctx, spec, "NOAUTH Authentication required.");
            return;
        }
        Transaction transaction = client.transaction();
        if (transaction != null && spec.has(CommandFlag.NO_MULTI)) {
            reject(ctx, spec, "ERR Command not allowed inside a transaction");
            return;
        }
        if (server.eviction().enabled() && outOfMemoryRefuses(spec, transaction)) {
            if (transaction != null && spec.name.equals("exec")) {
                server.discardTransaction(client);
                reject(ctx, spec, "EXECABORT Transaction discarded because of: " + OOM);
            } else {
                reject(ctx, spec, OOM);
            }
            return;
        }
        if (client.isMonitor() && (spec.has(CommandFlag.WRITE) || spec.has(CommandFlag.READONLY)
                || spec.has(CommandFlag.MAY_REPLICATE))) {
            // Redis treats a MONITOR client like a replica: it may not touch the keyspace.
            reject(ctx, spec, "ERR Replica can't interact with the keyspace");
            return;
        }
        if (spec.runsScripts) {
            String refusal = server.scriptGate().refuse(client, spec, argv);
            if (refusal != null) {
                reject(ctx, spec, refusal);
                return;
            }
        }
        if (client.inPubSubMode() && !ctx.reply.resp3() && !ALLOWED_WHILE_SUBSCRIBED.contains(spec.name)) {
            reject(ctx, spec, "ERR Can't execute '" + spec.name
                    + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
            return;
        }
        if (server.busyReply() != null && !spec.has(CommandFlag.ALLOW_BUSY)) {
            reject(ctx, spec, server.busyReply());
            return;
        }
        if (server.pause().shouldPostpone(client, spec)) {
            server.pause().postpone(client, argv);
            return;
        }
        if (transaction != null && !RUN_INSIDE_MULTI.contains(spec.name)) {
            transaction.queue(spec, argv);
            client.setLastCommand(spec);
            ctx.reply.simple("QUEUED");
            return;
        }
        if (!server.scriptsRunInline() && (spec.runsScripts || (transaction != null && transaction.runsScripts() && spec.name.equals("exec")))) {
            server.deferScript(client, spec, argv);
            return;
        }
        call(ctx, spec, argv, startNanos);
    }

    /**
     * Redis's maxmemory step of processCommand: evict what the policy allows first; if memory
     * still does not fit, refuse commands that may grow it, and anything but EXEC, DISCARD, QUIT
     * and RESET inside MULTI (queuing takes memory too). Not while a busy script runs or clients
     * are paused, when the dataset must stay as it is.
     */
    private boolean outOfMemoryRefuses(CommandSpec spec, Transaction transaction) {
        if (server.busyReply() != null || server.pause().mode() != ClientPause.Mode.OFF
                || server.eviction().performEvictions()) {
            return false;
        }
        if (spec.has(CommandFlag.DENYOOM)) {
            return true;
        }
        if (transaction == null) {
            return false;
        }
        return spec.name.equals("exec") ? transaction.denyOom() : !RUN_WHILE_OUT_OF_MEMORY_IN_MULTI.contains(spec.name);
    }

    /** Runs a command that already passed the checks, put off until now (a deferred script). */
    public void rerun(Client client, CommandSpec spec, byte[][] argv) {
        call(client.context(), spec, argv, server.keyspace().tick());
    }

    /** Runs a blocked client's command again, a key it waits on having changed. */
    public void serveBlocked(Client client, CommandSpec spec, byte[][] argv) {
        CommandContext ctx = client.context();
        ctx.servingBlocked = true;
        try {
            rerun(client, spec, argv);
        } finally {
            ctx.servingBlocked = false;
        }
    }

    /**
     * Counts a blocked command once it ends (served, timed out or CLIENT UNBLOCK), as Redis's
     * updateStatsOnUnblock: a command that blocks is counted when it ends, not when it blocks.
     */
    public void countUnblocked(CommandSpec spec, boolean failed) {
        countCall(spec, failed);
    }

    /** INFO commandstats and total_commands_processed: a command that ran (not a rejected one). */
    private void countCall(CommandSpec spec, boolean failed) {
        spec.calls++;
        server.stats().commandsProcessed++;
        if (failed) {
            spec.failedCalls++;
        }
    }

    /**
     * Runs a command EXEC took from the transaction queue; EXEC's own context (its arguments and
     * the command CLIENT LIST shows) is put back afterwards.
     */
    public void callQueued(Client client, CommandSpec spec, byte[][] argv) {
        CommandContext ctx = client.context();
        byte[][] outerArgv = ctx.argv;
        CommandSpec outerSpec = ctx.spec;
        long errorsBefore = client.errorCount();
        call(ctx, spec, argv, System.nanoTime());
        ctx.nestedCallErrors += client.errorCount() - errorsBefore;
        ctx.argv = outerArgv;
        ctx.spec = outerSpec;
        client.restoreLastCommand(outerSpec);
    }

    /**
     * Executes a checked command and accounts for it; its time runs from startNanos
     * (System.nanoTime). Each call is an execution unit of the propagation stream (nested in its
     * caller's when EXEC or a script runs it).
     */
    void call(CommandContext ctx, CommandSpec spec, byte[][] argv, long startNanos) {
        ctx.argv = argv;
        ctx.spec = spec;
        Client client = ctx.client;
        client.setLastCommand(spec);
        server.beforeCommand(ctx, spec);
        Propagation propagation = server.propagation();
        propagation.enterUnit();
        long dirtyBefore = server.keyspace().dirty();
        int outerForced = ctx.propagationForced;
        int outerPrevented = ctx.propagationPrevented;
        byte[][] outerPropagatedArgv = ctx.propagatedArgv;
        ctx.propagationForced = Propagation.NONE;
        ctx.propagationPrevented = Propagation.NONE;
        ctx.propagatedArgv = null;
        long errorsBefore = client.errorCount();
        long nestedErrorsBefore = ctx.nestedCallErrors;
        try {
            spec.handler.execute(ctx);
        } catch (CommandError e) {
            ctx.reply.error(e.getMessage());
        } catch (RuntimeException e) {
            // A bug in a handler must cost one error reply, never the connection or the server.
            LOG.error("Command {} failed", spec.name, e);
            ctx.reply.error("ERR internal error while running '" + spec.name + "': " + e);
        }
        propagateCommand(ctx, spec, argv, dirtyBefore);
        ctx.propagationForced = outerForced;
        ctx.propagationPrevented = outerPrevented;
        ctx.propagatedArgv = outerPropagatedArgv;
        long endNanos = System.nanoTime();
        if (inBatch) {
            batchClock = endNanos;
            batchClockSet = true;
        }
        long micros = (endNanos - startNanos) / 1000;
        spec.micros += micros;
        if (!server.blocking().isBlocked(client)) { // a blocked one counts when it ends
            long ownErrors = client.errorCount() - errorsBefore - (ctx.nestedCallErrors - nestedErrorsBefore);
            countCall(spec, ownErrors != 0);
        }
        server.afterCommand(ctx, spec, micros);
        ctx.argv = null;
        propagation.exitUnit();
    }

    /**
     * Redis's call() step: a command that changed the dataset, or forced it, joins its unit's
     * pending list, as it was called or as it rewrote itself. EXEC, scripts and functions never
     * propagate themselves: the commands they ran did.
     */
    private void propagateCommand(CommandContext ctx, CommandSpec spec, byte[][] argv, long dirtyBefore) {
        Propagation propagation = server.propagation();
        if (!propagation.hasSinks()) {
            return;
        }
        int targets = server.keyspace().dirty() != dirtyBefore ? Propagation.ALL : Propagation.NONE;
        targets = (targets | ctx.propagationForced) & ~ctx.propagationPrevented & ctx.propagationTargets;
        if (targets != Propagation.NONE && !spec.propagatesByEffects) {
            propagation.propagate(ctx.client.dbIndex(), ctx.propagatedArgv != null ? ctx.propagatedArgv : argv, targets);
        }
    }

    private void reject(CommandContext ctx, CommandSpec spec, String error) {
        if (spec != null) {
            spec.rejectedCalls++;
        }
        server.stats().rejectedCalls++;
        if (ctx.client.transaction() != null) {
            ctx.client.transaction().abort(); // EXEC will answer EXECABORT
        }
        ctx.reply.error(error);
    }

    private static String unknownCommand(byte[][] argv) {
        StringBuilder args = new StringBuilder();
        for (int i = 1; i < argv.length && args.length() < 128; i++) {
            int room = 128 - args.length();
            String a = new String(argv[i], StandardCharsets.UTF_8);
            args.append('\'').append(a, 0, Math.min(a.length(), room)).append("' ");
        }
        return "ERR unknown command '" + truncate(argv[0]) + "', with args beginning with: " + args;
    }

    private static String truncate(byte[] b) {
        String s = new String(b, StandardCharsets.UTF_8);
        return s.length() > 128 ? s.substring(0, 128) : s;
    }
}
