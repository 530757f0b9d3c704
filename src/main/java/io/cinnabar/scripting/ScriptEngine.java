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
import java.util.function.Function;
import java.util.concurrent.TimeUnit;
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
 * <p>A script runs on the data thread like any command (the dispatcher first hands it to a task of
 * the loop, see {@link Server#deferScript}). Past busy-reply-threshold it is busy: luaj's
 * instruction hook re-enters the event loop every thousand instructions to read other clients,
 * who get -BUSY except for SCRIPT KILL, FUNCTION KILL and SHUTDOWN NOSAVE (the dispatcher checks
 * {@link Server#busyReply()}); a kill is a flag the same hook then raises on.
 */
public final class ScriptEngine {
    public static final String BUSY = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
    static final String OOM = io.cinnabar.command.Dispatcher.OOM;
    public static final String BUSY_FUNCTION = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";
    private static final Logger log = LoggerFactory.getLogger("cinnabar");

    private final Server server;
    private final io.cinnabar.config.Param.Num busyThreshold;
    private final ScriptHook hook = new ScriptHook(this::check);
    private final LuaSandbox sandbox;
    private final Map<String, CachedScript> cache = new HashMap<>();
    private final Client scriptClient;
    private Function<byte[], CachedScript> functionLookup = name -> null;
    /** The script being run, or null. */
    private ScriptRun running;

    public ScriptEngine(Server server) {
        this.server = server;
        this.scriptClient = server.newInternalClient();
        scriptClient.setInExec(true); // blocking commands answer at once inside scripts
        scriptClient.setCalledFromScript();
        server.setScriptGate(this::refuseByFlags);
        this.sandbox = new LuaSandbox(hook, RedisApi.create(this), () -> running != null && running.killed(),
                this::serveFromCoroutine);
        busyThreshold = server.config().effectiveNum("busy-reply-threshold");
    }

    LuaSandbox sandbox() {
        return sandbox;
    }

    ScriptHook hook() {
        return hook;
    }

    /** The script running now, or null: FUNCTION STATS reads it. */
    ScriptRun running() {
        return running;
    }

    /** True while a script runs past busy-reply-threshold and others get -BUSY. */
    public boolean busy() {
        return running != null && running.busy;
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

    /** INFO number_of_cached_scripts. */
    public int cachedCount() {
        return cache.size();
    }

    /** INFO used_memory_scripts_eval: the cached scripts' source bytes. */
    public long cachedSourceBytes() {
        long total = 0;
        for (CachedScript s : cache.values()) {
            total += s.body.length;
        }
        return total;
    }

    // ---------------------------------------------------------------- flags

    void setFunctionLookup(Function<byte[], CachedScript> lookup) {
        this.functionLookup = lookup;
    }

    /** Redis's OOM state: maxmemory is set and used memory is past it. */
    private boolean overMaxmemory() {
        return server.eviction().overLimit();
    }

    /**
     * What Redis's processCommand refuses from a script's declared flags before running or
     * queueing it (evalGetCommandFlags/fcallGetCommandFlags): a script with flags is deny-oom
     * unless it says allow-oom or no-writes. Without a cluster or replication there is nothing
     * else to refuse: no-cluster matters only with cluster-enabled ("Can not run script on
     * cluster, 'no-cluster' flag is set."), allow-stale only on a replica whose link is down
     * with replica-serve-stale-data no (-MASTERDOWN for scripts without it, flags or not).
     */
    private String refuseByFlags(Client client, CommandSpec spec, byte[][] argv) {
        if (!overMaxmemory()) {
            return null;
        }
        Shebang declared = declaredFlags(spec, argv[1]);
        if (declared == null || declared.compatMode || declared.has(Shebang.ALLOW_OOM) || declared.has(Shebang.NO_WRITES)) {
            return null;
        }
        return OOM;
    }

    /** The flags of the script or function a command names, or null if unknown (it fails later). */
    private Shebang declaredFlags(CommandSpec spec, byte[] scriptOrName) {
        if (spec.name.startsWith("fcall")) {
            CachedScript f = functionLookup.apply(scriptOrName);
            return f == null ? null : f.shebang;
        }
        if (spec.name.startsWith("evalsha")) {
            CachedScript s = bySha(scriptOrName);
            return s == null ? null : s.shebang;
        }
        CachedScript s = cache.get(RedisApi.sha1hex(scriptOrName));
        if (s != null) {
            return s.shebang;
        }
        try {
            return Shebang.parse(scriptOrName);
        } catch (CommandError e) {
            return null; // EVAL reports it
        }
    }

    // ---------------------------------------------------------------- running

    private void run(CommandContext ctx, CachedScript script, int numkeys, boolean readOnlyCommand) {
        if (readOnlyCommand && !script.shebang.compatMode && !script.shebang.has(Shebang.NO_WRITES)) {
            throw new CommandError("ERR Can not execute a script with write flag using *_ro command.");
        }
        boolean readOnly = readOnlyCommand || script.shebang.has(Shebang.NO_WRITES);
        ScriptRun run = new ScriptRun(ctx.client, script, readOnly);
        if (script.isFunction) {
            run.functionArgs = new LuaValue[] {array(ctx, 3, numkeys), array(ctx, 3 + numkeys, ctx.argc() - 3 - numkeys)};
            run.commandArgv = ctx.argv().clone();
        } else {
            sandbox.env.rawsetUnsealed("KEYS", array(ctx, 3, numkeys));
            sandbox.env.rawsetUnsealed("ARGV", array(ctx, 3 + numkeys, ctx.argc() - 3 - numkeys));
        }
        scriptClient.setDbIndex(ctx.client.dbIndex());
        run.busyAfterNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, busyThreshold.value()));
        // Scripts without flags may not start writing deny-oom commands past maxmemory.
        run.denyOom = script.shebang.compatMode && overMaxmemory();
        execute(run);
        if (!ctx.client.isClosed()) { // it may have gone while the script was busy
            reply(run, ctx.reply);
        }
    }

    private static LuaTable array(CommandContext ctx, int from, int count) {
        LuaTable t = new LuaTable(count, 0);
        for (int i = 0; i < count; i++) {
            t.rawset(i + 1, LuaString.valueUsing(ctx.arg(from + i)));
        }
        return t;
    }

    /** Runs the script here, on the data thread, as Redis runs it on its main thread. */
    private void execute(ScriptRun run) {
        running = run;
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
            running = null;
            if (run.busy) {
                endBusy(run);
            }
        }
    }

    /**
     * Every thousand instructions: past busy-reply-threshold the script goes busy, and from then on
     * other clients are served here (Redis's processEventsWhileBlocked from its count hook); then
     * a kill is raised. A coroutine runs on a thread of its own while the data thread waits in
     * resume, so there the hook yields to its resumer, which serves (see {@link ServingCoroutines}).
     */
    private void check(ScriptRun run) {
        if (run.caller != null) {
            boolean due = run.busy || (run.busyAfterNanos > 0 && System.nanoTime() - run.startNanos >= run.busyAfterNanos);
            if (due && server.dataThread().inEventLoop()) {
                if (!run.busy) {
                    goBusy(run);
                }
                server.processEventsWhileBlocked();
            } else if (due) {
                sandbox.coroutines.yieldToServe(); // back here once the data thread has served
            }
        }
        run.checkKilled();
    }

    /** A coroutine's hook asked its resumer to serve clients: check again on this thread. */
    private void serveFromCoroutine() {
        ScriptRun run = running;
        if (run != null) {
            check(run);
        }
    }

    private void goBusy(ScriptRun run) {
        log.warn("Slow script detected: still in execution after {} milliseconds. You can try killing the script using the SCRIPT KILL command. Script name is: {}.",
                (System.nanoTime() - run.startNanos) / 1_000_000, run.script.sha);
        run.busy = true;
        server.setBusyReply(run.script.isFunction ? BUSY_FUNCTION : BUSY);
        if (!run.caller.isBlocked()) {
            // The caller's next requests wait for the script instead of being turned away.
            server.block(run.caller, run);
            run.blockedCaller = true;
        }
    }

    private void endBusy(ScriptRun run) {
        if (run.blockedCaller && run.caller.blockedOn() == run) {
            server.block(run.caller, null); // whoever runs the caller's requests goes on with them
        }
        server.setBusyReply(null);
    }

    /** The script's reply (or error) to its caller's reply writer. */
    private void reply(ScriptRun run, ReplyWriter out) {
        if (run.crash != null) {
            log.error("Script {} failed", run.script.sha, run.crash);
            out.error("ERR internal error while running script: " + run.crash);
        } else if (run.error != null) {
            out.error(ScriptErrors.reply(run.error, run.script.sha), !ScriptErrors.countedBefore(run.error.getMessageObject()));
        } else {
            LuaToReply.write(run.result, out, run.resp);
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
        ScriptRun load = new ScriptRun(null, null, true);
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

    /** redis.call (raise) and redis.pcall. */
    Varargs redisCall(Varargs args, boolean raise) {
        ScriptRun run = running;
        run.checkKilled();
        LuaValue reply;
        byte[][] argv = argv(args);
        if (argv == null) {
            reply = ScriptErrors.errorTable(args.narg() == 0 ? "Please specify at least one argument for this redis lib call"
                    : "Lua redis lib command arguments must be strings or integers");
        } else {
            reply = command(run, argv);
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
            return refused(null, "Unknown Redis command called from script");
        }
        if (!spec.arityAccepts(argv.length) || (spec.hasSubcommands() && spec.handler() == null)) {
            return refused(spec, "Wrong number of args calling Redis command from script");
        }
        if (spec.has(CommandFlag.NOSCRIPT) || (spec.parent != null && spec.parent.has(CommandFlag.NOSCRIPT))) {
            return refused(spec, "This Redis command is not allowed from script");
        }
        if (spec.has(CommandFlag.WRITE) && run.readOnly) {
            return refused(spec, "Write commands are not allowed from read-only scripts.");
        }
        if (run.denyOom && !run.wrote && spec.has(CommandFlag.DENYOOM)) {
            return refused(spec, "-" + OOM);
        }
        if (spec.has(CommandFlag.WRITE)) {
            run.wrote = true;
        }
        // Effects replication: each write the script runs joins the script's unit on its own,
        // only towards what redis.set_repl still allows.
        scriptClient.context().setPropagationTargets(run.replicationFlags);
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

    /** A call the script may not make: counted as an error reply and a rejected call, as scriptCall does. */
    private LuaTable refused(CommandSpec spec, String error) {
        LuaTable table = ScriptErrors.commandErrorTable(error);
        server.stats().countError(table.rawget("err").tojstring());
        if (spec != null) {
            spec.rejectedCalls++;
        }
        return table;
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
