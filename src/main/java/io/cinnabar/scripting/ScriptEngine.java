package io.cinnabar.scripting;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandError;
import io.cinnabar.command.CommandFlag;
import io.cinnabar.command.CommandSpec;
import io.cinnabar.command.CommandTable;
import io.cinnabar.protocol.ReplyWriter;
import io.cinnabar.server.Client;
import io.cinnabar.server.Server;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs EVAL scripts as Redis 7.0 does: one Lua world per server, a cache of compiled scripts by
 * SHA1, commands from scripts through the normal command table on a script client whose replies
 * are parsed back into Lua values.
 *
 * <p>A script runs on its own thread while the data thread waits for it, so the script is as
 * atomic as a command and its commands run directly. If it runs past busy-reply-threshold, the
 * data thread stops waiting and goes back to its clients, answering -BUSY to all but SCRIPT KILL
 * and SHUTDOWN NOSAVE (the dispatcher checks {@link Server#busyReply()}); from then on the script
 * hands each command to the data thread, and its caller gets the reply when it ends. A script
 * that loops forever therefore never wedges the server: SCRIPT KILL reaches it through a flag
 * that luaj's instruction hook checks.
 */
public final class ScriptEngine {
    public static final String BUSY = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
    public static final String BUSY_FUNCTION = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";
    private static final Logger log = LoggerFactory.getLogger("cinnabar");
    private static final int SPINS_BEFORE_PARK = 2000;
    private static final long IDLE_THREAD_SECONDS = 60;

    private final Server server;
    private final io.cinnabar.config.Param.Num busyThreshold;
    private final ScriptHook hook = new ScriptHook();
    private final LuaSandbox sandbox;
    private final Map<String, CachedScript> cache = new HashMap<>();
    private final Client scriptClient;
    private final LinkedBlockingQueue<ScriptRun> queue = new LinkedBlockingQueue<>();
    private Thread thread;
    /** The script being run, attached or detached (data thread). */
    private ScriptRun running;
    /** The script the script thread runs (script thread). */
    private ScriptRun current;

    public ScriptEngine(Server server) {
        this.server = server;
        this.scriptClient = server.newInternalClient();
        scriptClient.setInExec(true); // blocking commands answer at once inside scripts
        this.sandbox = new LuaSandbox(hook, RedisApi.create(this), () -> current != null && current.killed());
        busyThreshold = server.config().effectiveNum("busy-reply-threshold");
    }

    ScriptRun current() {
        return current;
    }

    LuaSandbox sandbox() {
        return sandbox;
    }

    ScriptHook hook() {
        return hook;
    }

    /** The script running now (attached or detached), or null: FUNCTION STATS reads it. */
    ScriptRun running() {
        return running;
    }

    /** True while a script runs past busy-reply-threshold and others get -BUSY. */
    public boolean busy() {
        return running != null && running.state.get() != ScriptRun.ATTACHED;
    }

    // ---------------------------------------------------------------- cache

    /** SCRIPT LOAD: compiles and caches the script; its SHA1 hex. */
    public String load(byte[] body) {
        return cached(body).sha;
    }

    /** EVAL, EVALSHA and their _RO forms, once numkeys was checked. */
    public void eval(CommandContext ctx, boolean bySha, int numkeys, boolean readOnlyCommand) {
        CachedScript script;
        if (bySha) {
            script = bySha(ctx.arg(1));
            if (script == null) {
                throw new CommandError("NOSCRIPT No matching script. Please use EVAL.");
            }
        } else {
            script = cached(ctx.arg(1));
        }
        run(ctx, script, numkeys, readOnlyCommand);
    }

    /** FCALL and FCALL_RO of a library function, once numkeys was checked. */
    void fcall(CommandContext ctx, CachedScript function, int numkeys, boolean readOnlyCommand) {
        run(ctx, function, numkeys, readOnlyCommand);
    }

    /** The cached script for this text, compiling it on first sight. */
    private CachedScript cached(byte[] body) {
        String sha = RedisApi.sha1hex(body);
        CachedScript s = cache.get(sha);
        if (s != null) {
            return s;
        }
        Shebang shebang = Shebang.parse(body);
        LuaFunction f;
        try {
            f = sandbox.compile(body, shebang.length, "@user_script");
        } catch (LuaError e) {
            throw new CommandError("ERR Error compiling script (new function): " + ScriptErrors.luaValue(e).tojstring());
        }
        s = new CachedScript(sha, body, shebang, f);
        cache.put(sha, s);
        return s;
    }

    /** EVALSHA: the script by its SHA1 (any case), or null. */
    CachedScript bySha(byte[] sha) {
        if (sha.length != 40) {
            return null;
        }
        return cache.get(new String(sha, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT));
    }

    public boolean exists(byte[] sha) {
        return bySha(sha) != null;
    }

    public void flush() {
        cache.clear();
    }

    int cachedCount() {
        return cache.size();
    }

    // ---------------------------------------------------------------- running

    private void run(CommandContext ctx, CachedScript script, int numkeys, boolean readOnlyCommand) {
        if (readOnlyCommand && !script.shebang.compatMode && !script.shebang.has(Shebang.NO_WRITES)) {
            throw new CommandError("ERR Can not execute a script with write flag using *_ro command.");
        }
        boolean readOnly = readOnlyCommand || script.shebang.has(Shebang.NO_WRITES);
        ScriptRun run = new ScriptRun(ctx.client, script, readOnly, Thread.currentThread());
        if (script.isFunction) {
            run.functionArgs = new LuaValue[] {array(ctx, 3, numkeys), array(ctx, 3 + numkeys, ctx.argc() - 3 - numkeys)};
            run.commandArgv = ctx.argv().clone();
        } else {
            sandbox.env.rawsetUnsealed("KEYS", array(ctx, 3, numkeys));
            sandbox.env.rawsetUnsealed("ARGV", array(ctx, 3 + numkeys, ctx.argc() - 3 - numkeys));
        }
        scriptClient.setDbIndex(ctx.client.dbIndex());
        running = run;
        startThread();
        queue.add(run);
        boolean detachable = !ctx.client.inExec() && ctx.client != scriptClient;
        if (await(run, detachable)) {
            running = null;
            reply(run, ctx.reply);
            return;
        }
        log.warn("Slow script detected: still in execution after {} milliseconds. You can try killing the script using the SCRIPT KILL command. Script name is: {}.",
                (System.nanoTime() - run.startNanos) / 1_000_000, script.sha);
        server.setBusyReply(script.isFunction ? BUSY_FUNCTION : BUSY);
        server.block(ctx.client, run);
    }

    private static LuaTable array(CommandContext ctx, int from, int count) {
        LuaTable t = new LuaTable(count, 0);
        for (int i = 0; i < count; i++) {
            t.rawset(i + 1, LuaString.valueUsing(ctx.arg(from + i)));
        }
        return t;
    }

    /**
     * Waits on the data thread for the script: true once it finished, false if it ran past
     * busy-reply-threshold and the data thread detached from it.
     */
    private boolean await(ScriptRun run, boolean detachable) {
        long threshold = busyThreshold.value();
        long deadline = run.startNanos + TimeUnit.MILLISECONDS.toNanos(threshold);
        int spins = 0;
        while (run.state.get() != ScriptRun.FINISHED) {
            long now = System.nanoTime();
            if (detachable && threshold > 0 && now - deadline >= 0) {
                run.detachRequested = true;
                if (run.state.compareAndSet(ScriptRun.ATTACHED, ScriptRun.DETACHED)) {
                    return false;
                }
                Thread.onSpinWait(); // its command finishes first
                continue;
            }
            if (spins < SPINS_BEFORE_PARK) {
                spins++;
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(this, threshold > 0 ? Math.max(1, Math.min(deadline - now, 1_000_000)) : 1_000_000);
            }
        }
        return true;
    }

    /** The script's reply (or error) to its caller's reply writer. */
    private void reply(ScriptRun run, ReplyWriter out) {
        if (run.crash != null) {
            log.error("Script {} failed", run.script.sha, run.crash);
            out.error("ERR internal error while running script: " + run.crash);
        } else if (run.error != null) {
            out.error(ScriptErrors.reply(run.error, run.script.sha));
        } else {
            LuaToReply.write(run.result, out, run.resp);
        }
    }

    /** A detached script ended: answer its caller and let everyone else run again. */
    private void finishDetached(ScriptRun run) {
        running = null;
        server.setBusyReply(null);
        Client c = run.caller;
        if (!c.isClosed()) {
            reply(run, c.reply());
        }
        server.resume(c);
        if (server.blocking().hasReadyKeys()) {
            server.blocking().serveReadyKeys();
        }
        server.flushPending();
    }

    private synchronized void startThread() {
        if (thread != null && thread.isAlive()) {
            return;
        }
        // Deep script recursion needs a deep Java stack: luaj runs Lua calls on it.
        thread = new Thread(null, this::serve, "cinnabar-script", 64L * 1024 * 1024);
        thread.setDaemon(true);
        thread.start();
    }

    /** The script thread: runs scripts as they come, exits when idle for a while. */
    private void serve() {
        while (true) {
            ScriptRun run;
            try {
                run = queue.poll(IDLE_THREAD_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (run == null) {
                synchronized (this) {
                    if (queue.isEmpty()) {
                        thread = null;
                        return;
                    }
                }
                continue;
            }
            execute(run);
        }
    }

    private void execute(ScriptRun run) {
        current = run;
        hook.arm(run);
        try {
            run.result = run.functionArgs == null ? run.script.function.call()
                    : run.script.function.call(run.functionArgs[0], run.functionArgs[1]);
        } catch (LuaError e) {
            ScriptErrors.reword(e);
            run.error = e;
        } catch (StackOverflowError e) {
            run.error = new ScriptErrors.UnpositionedError("stack overflow");
        } catch (RuntimeException e) {
            run.crash = e;
        } finally {
            hook.arm(null);
            current = null;
        }
        if (run.state.compareAndSet(ScriptRun.ATTACHED, ScriptRun.FINISHED)) {
            LockSupport.unpark(run.waiter);
        } else {
            run.state.set(ScriptRun.FINISHED);
            server.dataThread().execute(() -> finishDetached(run));
        }
    }

    // ---------------------------------------------------------------- SCRIPT KILL, SHUTDOWN NOSAVE

    /** SCRIPT KILL: stops the running script unless it already wrote. */
    public void kill() {
        kill(false);
    }

    /** SCRIPT KILL or FUNCTION KILL: each stops only its own kind of script, as in Redis. */
    void kill(boolean functionKill) {
        ScriptRun run = running;
        if (run == null) {
            throw new CommandError("NOTBUSY No scripts in execution right now.");
        }
        if (run.wrote) {
            throw new CommandError("UNKILLABLE Sorry the script already executed write commands against the dataset. "
                    + "You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.");
        }
        if (run.script.isFunction != functionKill) {
            throw new CommandError(functionKill ? BUSY : BUSY_FUNCTION);
        }
        run.killRequested = true;
    }

    /**
     * Runs a library's body for FUNCTION LOAD on the data thread, under Redis's 500 ms load
     * watchdog (checked by the same instruction hook as SCRIPT KILL).
     */
    void runLibraryBody(LuaFunction body, long timeoutMillis) {
        ScriptRun load = new ScriptRun(null, null, true, Thread.currentThread());
        load.loadDeadlineNanos = load.startNanos + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        hook.arm(load);
        try {
            body.call();
        } finally {
            hook.arm(null);
        }
    }

    /** SHUTDOWN NOSAVE while a script runs: stop it whatever it wrote. */
    public void killForShutdown() {
        ScriptRun run = running;
        if (run != null) {
            run.killRequested = true;
        }
    }

    // ---------------------------------------------------------------- redis.call

    /** redis.call (raise) and redis.pcall, on the script thread. */
    Varargs redisCall(Varargs args, boolean raise) {
        ScriptRun run = current;
        run.checkKilled();
        LuaValue reply;
        byte[][] argv = argv(args);
        if (argv == null) {
            reply = ScriptErrors.errorTable(args.narg() == 0 ? "Please specify at least one argument for this redis lib call"
                    : "Lua redis lib command arguments must be strings or integers");
        } else if (!run.detachRequested && run.state.compareAndSet(ScriptRun.ATTACHED, ScriptRun.IN_CALL)) {
            try {
                reply = command(run, argv);
            } finally {
                run.state.set(ScriptRun.ATTACHED);
            }
        } else {
            while (run.state.get() == ScriptRun.ATTACHED) {
                Thread.onSpinWait(); // the data thread is about to detach
            }
            CompletableFuture<LuaValue> done = new CompletableFuture<>();
            server.dataThread().execute(() -> {
                try {
                    done.complete(command(run, argv));
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                }
            });
            reply = done.join();
        }
        if (raise && reply.istable() && reply.get("err").isstring()) {
            throw new LuaError(reply);
        }
        return reply;
    }

    private static byte[][] argv(Varargs args) {
        int n = args.narg();
        if (n == 0) {
            return null;
        }
        byte[][] argv = new byte[n][];
        for (int i = 0; i < n; i++) {
            LuaValue v = args.arg(i + 1);
            if (v.type() == LuaValue.TNUMBER) {
                argv[i] = LuaNumbers.format17g(v.todouble()).getBytes(StandardCharsets.US_ASCII);
            } else if (v.type() == LuaValue.TSTRING) {
                argv[i] = RedisApi.bytes(v);
            } else {
                return null;
            }
        }
        return argv;
    }

    /** Checks a script's command as Redis's scriptCall does, runs it, and converts its reply. */
    private LuaValue command(ScriptRun run, byte[][] argv) {
        CommandSpec spec = find(argv);
        if (spec == null) {
            return ScriptErrors.errorTable("Unknown Redis command called from script");
        }
        if (!spec.arityAccepts(argv.length) || (spec.hasSubcommands() && spec.handler() == null)) {
            return ScriptErrors.errorTable("Wrong number of args calling Redis command from script");
        }
        if (spec.has(CommandFlag.NOSCRIPT) || (spec.parent != null && spec.parent.has(CommandFlag.NOSCRIPT))) {
            return ScriptErrors.errorTable("This Redis command is not allowed from script");
        }
        if (spec.has(CommandFlag.WRITE)) {
            if (run.readOnly) {
                return ScriptErrors.errorTable("Write commands are not allowed from read-only scripts.");
            }
            run.wrote = true;
        }
        // The propagation stream will attach here: each write of the script is emitted as its
        // own command (effects replication), filtered by run.replicationFlags (redis.set_repl).
        ReplyWriter out = scriptClient.reply();
        out.setProtocol(run.resp);
        server.dispatcher().callQueued(scriptClient, spec, argv);
        ByteBuf reply = out.take();
        try {
            return RespToLua.convert(reply);
        } finally {
            reply.release();
        }
    }

    /** The command or subcommand argv names; null if unknown (or not implemented here). */
    private CommandSpec find(byte[][] argv) {
        CommandTable t = server.commandTable();
        CommandSpec spec = t.lookup(argv[0]);
        if (spec == null || !spec.implemented()) {
            return null;
        }
        if (spec.hasSubcommands() && argv.length > 1) {
            CommandSpec sub = spec.subcommand(argv[1]);
            return sub == null || sub.handler() == null ? null : sub;
        }
        return spec;
    }

    /** redis.acl_check_cmd: with one user of full access, true for every existing command. */
    Varargs aclCheck(Varargs args) {
        byte[][] argv = argv(args);
        if (argv == null) {
            throw RedisApi.raise(args.narg() == 0 ? "Please specify at least one argument for this redis lib call"
                    : "Lua redis lib command arguments must be strings or integers");
        }
        if (find(argv) == null) {
            throw RedisApi.raise("Invalid command passed to redis.acl_check_cmd()");
        }
        return LuaValue.TRUE;
    }

    /** The server's log level as redis.log compares it (0 debug .. 3 warning). */
    int logLevel() {
        switch (server.config().loglevel.value()) {
            case "debug": return 0;
            case "verbose": return 1;
            case "notice": return 2;
            default: return 3;
        }
    }
}
