package io.cinnabar.server;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandSpec;
import io.cinnabar.command.CommandTable;
import io.cinnabar.command.Dispatcher;
import io.cinnabar.command.Propagation;
import io.cinnabar.config.Config;
import io.cinnabar.config.Param;
import io.cinnabar.keyspace.Database;
import io.cinnabar.keyspace.Eviction;
import io.cinnabar.keyspace.Keyspace;
import io.cinnabar.util.LatencyMonitor;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data side of the server: keyspace, command table, clients and the cron. Everything here
 * runs on the single data thread ({@link #dataThread()}); the network hands it requests in
 * batches and takes back one buffer of replies per client per batch.
 */
public final class Server {
    /** The Redis release whose behaviour we implement; clients gate features on it. */
    public static final String REDIS_VERSION = "7.0.15";
    public static final String VERSION = versionFromManifest();
    private static final Logger log = LoggerFactory.getLogger(Server.class);

    /** Observes every executed command (MONITOR, SLOWLOG, propagation attach here). */
    public interface CommandObserver {
        default void beforeCommand(CommandContext ctx, CommandSpec spec) {}

        default void afterCommand(CommandContext ctx, CommandSpec spec, long micros) {}
    }

    private final Config config;
    private final Keyspace keyspace;
    private final Eviction eviction;
    private final Propagation propagation = new Propagation();
    private final CommandTable table;
    private final Dispatcher dispatcher;
    private final ServerStats stats = new ServerStats();
    private final Map<Long, Client> clients = new LinkedHashMap<>();
    private final AtomicLong nextClientId = new AtomicLong(1);
    private final List<Client> flushList = new ArrayList<>();
    private final LoopHandoffs handoffs = new LoopHandoffs();
    private final SocketWriter socketWriter = new SocketWriter(stats);
    private final List<CommandObserver> observers = new ArrayList<>();
    /** The observers that override each hook: most only look after a command, and every call counts. */
    private CommandObserver[] beforeObservers = {};
    private CommandObserver[] afterObservers = {};
    private final long startTimeMillis = System.currentTimeMillis();
    private final RunId runId = new RunId();
    private final Blocking blocking;
    private final ClientPause pause;
    private final Watches watches;
    private final ServerInfo info = new ServerInfo();
    private final OutputLimits outputLimits = new OutputLimits();
    private java.util.function.Function<Client, String> clientDescriber = c -> "id=" + c.id() + " addr=" + c.addr();
    private EventExecutor dataThread;
    private ScheduledFuture<?> cronTask;
    private Runnable shutdownAction = () -> {};
    private String busyReply;
    private long cronLoops;
    private int expireDbCursor;

    public Server(Config config, CommandTable table) {
        this.config = config;
        this.keyspace = new Keyspace(config.databases.intValue());
        this.table = table;
        this.dispatcher = new Dispatcher(this, table);
        this.blocking = new Blocking(this);
        this.pause = new ClientPause(this);
        this.watches = new Watches(this);
        pause.setExecMayWrite(c -> c.transaction() != null && c.transaction().mayWrite());
        Param.Num latencyThreshold = config.effectiveNum("latency-monitor-threshold");
        LatencyMonitor latencyMonitor = keyspace.latencyMonitor();
        latencyMonitor.setThreshold(latencyThreshold.value());
        latencyThreshold.onChange(p -> latencyMonitor.setThreshold(latencyThreshold.value()));
        this.eviction = new Eviction(keyspace);
        applyMaxmemory(false);
        for (String name : MAXMEMORY_PARAMS) {
            config.markEffective(name);
            config.find(name).onChange(p -> applyMaxmemory(p.name.equals("maxmemory")));
        }
        keyspace.setRemovalListener(propagation);
        for (String name : LAZYFREE_PARAMS) {
            config.markEffective(name);
            config.find(name).onChange(p -> applyLazyFree());
        }
        applyLazyFree();
        config.find(OUTPUT_LIMIT_PARAM).onChange(this::configureOutputLimits);
        outputLimits.configure(config.find(OUTPUT_LIMIT_PARAM));
        config.markEffective(OUTPUT_LIMIT_PARAM);
    }

    private static final String[] LAZYFREE_PARAMS = {"lazyfree-lazy-expire", "lazyfree-lazy-eviction"};

    /** Only what propagates depends on these: expired and evicted keys go out as UNLINK instead of DEL. */
    private void applyLazyFree() {
        propagation.setLazyFree(((io.cinnabar.config.Param.Bool) config.find(LAZYFREE_PARAMS[0])).value(),
                ((io.cinnabar.config.Param.Bool) config.find(LAZYFREE_PARAMS[1])).value());
    }

    /** The stream of effects AOF and replicas consume; they attach as sinks. */
    public Propagation propagation() {
        return propagation;
    }

    private static final String[] MAXMEMORY_PARAMS = {"maxmemory", "maxmemory-policy", "maxmemory-samples",
        "maxmemory-eviction-tenacity", "lfu-log-factor", "lfu-decay-time"};

    private void applyMaxmemory(boolean maxmemorySet) {
        long maxmemory = config.num("maxmemory").value();
        Eviction.Policy policy = Eviction.Policy.named(config.find("maxmemory-policy").get());
        keyspace.setAccessPolicy(policy.lfu(), config.num("lfu-log-factor").value(), config.num("lfu-decay-time").value());
        eviction.configure(maxmemory, policy, config.num("maxmemory-samples").value(),
                config.num("maxmemory-eviction-tenacity").value());
        if (maxmemorySet && maxmemory > 0 && maxmemory < keyspace.usedMemory()) {
            log.warn("WARNING: the new maxmemory value set via CONFIG SET ({}) is smaller than the current memory usage ({})."
                    + " This will result in key eviction and/or the inability to accept new write commands depending"
                    + " on the maxmemory-policy.", maxmemory, keyspace.usedMemory());
        }
    }

    /** Redis's evictionTimeProc: evicts in budget-sized slices between other work until memory fits. */
    private void continueEviction() {
        if (busyReply != null || pause.mode() != ClientPause.Mode.OFF) {
            return; // the cron tries again
        }
        eviction.performEvictions();
        flushPending();
    }

    public Eviction eviction() {
        return eviction;
    }

    /** LATENCY's event monitor (latency-monitor-threshold). */
    public LatencyMonitor latencyMonitor() {
        return keyspace.latencyMonitor();
    }

    /** Ends a client's MULTI without running it (DISCARD, EXEC, or EXEC refused), unwatching its keys. */
    public void discardTransaction(Client c) {
        c.setTransaction(null);
        watches.unwatchAll(c);
        c.setDirtyCas(false);
    }

    private static final String OUTPUT_LIMIT_PARAM = "client-output-buffer-limit";

    /** CONFIG SET runs on the data thread: apply at once, so the rest of the batch obeys it. */
    private void configureOutputLimits(io.cinnabar.config.Param limits) {
        if (dataThread == null || dataThread.inEventLoop()) {
            outputLimits.configure(limits);
        } else {
            dataThread.execute(() -> outputLimits.configure(limits));
        }
    }

    /** How a client is shown in the log (the CLIENT LIST line, once that command is installed). */
    public void setClientDescriber(java.util.function.Function<Client, String> describer) {
        this.clientDescriber = describer;
    }

    private static String versionFromManifest() {
        String v = Server.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    public Config config() {
        return config;
    }

    public Keyspace keyspace() {
        return keyspace;
    }

    public CommandTable commandTable() {
        return table;
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    public ServerStats stats() {
        return stats;
    }

    public long startTimeMillis() {
        return startTimeMillis;
    }

    public RunId runId() {
        return runId;
    }

    /** Clients blocked on keys and timeouts. */
    public Blocking blocking() {
        return blocking;
    }

    /** CLIENT PAUSE state; the dispatcher asks it before running a command. */
    public ClientPause pause() {
        return pause;
    }

    /** Which clients WATCH which keys. */
    public Watches watches() {
        return watches;
    }

    /** Facts INFO reports that modules own (port, replication ids, last save, overrides). */
    public ServerInfo info() {
        return info;
    }

    public EventExecutor dataThread() {
        return dataThread;
    }

    public void addObserver(CommandObserver observer) {
        observers.add(observer);
        indexObservers();
    }

    public void removeObserver(CommandObserver observer) {
        observers.remove(observer);
        indexObservers();
    }

    private void indexObservers() {
        beforeObservers = observers.stream().filter(o -> overrides(o, "beforeCommand", CommandContext.class, CommandSpec.class))
                .toArray(CommandObserver[]::new);
        afterObservers = observers.stream().filter(o -> overrides(o, "afterCommand", CommandContext.class, CommandSpec.class, long.class))
                .toArray(CommandObserver[]::new);
    }

    private static boolean overrides(CommandObserver o, String hook, Class<?>... parameters) {
        try {
            return o.getClass().getMethod(hook, parameters).getDeclaringClass() != CommandObserver.class;
        } catch (NoSuchMethodException e) {
            return true;
        }
    }

    /** What SHUTDOWN does once the server has stopped (Main exits the JVM; tests do not). */
    public void onShutdown(Runnable action) {
        this.shutdownAction = action;
    }

    public void requestShutdown() {
        shutdownAction.run();
    }

    // ---------------------------------------------------------------- lifecycle

    /** Binds the server to its data thread and starts the cron. */
    public void start(EventExecutor dataThread) {
        this.dataThread = dataThread;
        scheduleCron();
        config.hz.onChange(p -> dataThread.execute(this::scheduleCron));
        eviction.onPending(() -> dataThread.execute(this::continueEviction));
        HeapReclaimer reclaimer = HeapReclaimer.forThisJvm(keyspace::usedMemory);
        if (reclaimer != null) {
            info.attach(HeapReclaimer.class, reclaimer); // INFO's cycle count, MEMORY PURGE
            addCronTask(() -> reclaimer.tick(System.currentTimeMillis()));
        }
    }

    private void scheduleCron() {
        if (cronTask != null) {
            cronTask.cancel(false);
        }
        long hz = Math.max(1, Math.min(500, config.hz.value()));
        long period = 1_000_000L / hz;
        cronTask = dataThread.scheduleAtFixedRate(this::cron, period, period, TimeUnit.MICROSECONDS);
    }

    public void stop() {
        if (cronTask != null) {
            cronTask.cancel(false);
        }
    }

    // ---------------------------------------------------------------- clients

    /**
     * A client without a connection, for a module that runs commands itself (the Lua script
     * client): its replies stay in its own buffer. It takes no client id from the connections.
     */
    public Client newInternalClient() {
        return new Client(0, new io.netty.channel.embedded.EmbeddedChannel(), this, true);
    }

    /**
     * The error every command not flagged allow_busy gets while a script runs past
     * busy-reply-threshold (null when none does). Set by the scripting module; while set, the
     * cron and the serving of blocked clients wait, so the script stays atomic.
     */
    public String busyReply() {
        return busyReply;
    }

    public void setBusyReply(String busyReply) {
        this.busyReply = busyReply;
        if (busyReply == null && !afterBusy.isEmpty()) {
            // After the script's command returns, not inside it.
            for (Runnable task : afterBusy) {
                dataThread.execute(task);
            }
            afterBusy.clear();
        }
    }

    private final List<Runnable> afterBusy = new ArrayList<>();

    /**
     * Runs a timer's work now, or once the busy script ends: a task that was already due when
     * the script went busy can be run by {@link #processEventsWhileBlocked}, and unblocking a
     * client or ending a pause there would turn its waiting requests away with -BUSY.
     */
    public void whenNotBusy(Runnable task) {
        if (busyReply == null) {
            task.run();
        } else {
            afterBusy.add(task);
        }
    }

    /** Refuses a script command before it runs or is queued: an error text, or null to go on. */
    public interface ScriptGate {
        String refuse(Client c, CommandSpec spec, byte[][] argv);
    }

    private ScriptGate scriptGate = (c, spec, argv) -> null;

    /** The scripting module's check of a script's declared flags (allow-oom...). */
    public void setScriptGate(ScriptGate gate) {
        this.scriptGate = gate;
    }

    public ScriptGate scriptGate() {
        return scriptGate;
    }

    /**
     * Reads and answers other clients from inside a busy script (the dispatcher turns away all but
     * allow-busy commands). No-op on a data thread that cannot be re-entered.
     */
    public void processEventsWhileBlocked() {
        if (!(dataThread instanceof EventsWhileBlocked)) {
            return;
        }
        // Others' commands must not move the script's clock or its no-touch mode.
        boolean clockWasFrozen = keyspace.clockFrozen();
        boolean noTouch = keyspace.noTouch();
        keyspace.holdClock();
        processingWhileBlocked = true;
        try {
            ((EventsWhileBlocked) dataThread).processEventsWhileBlocked();
            flushPending();
        } finally {
            processingWhileBlocked = false;
            keyspace.setNoTouch(noTouch);
            if (!clockWasFrozen) {
                keyspace.unfreezeClock();
            }
        }
    }

    /** Set while {@link #processEventsWhileBlocked} runs: only replies go out, as in Redis. */
    private boolean processingWhileBlocked;

    /** True inside the task that runs handed-over script commands (see {@link #deferScript}). */
    private boolean scriptsRunInline;

    /** A client whose script command waits for its task; its later requests queue behind it. */
    private static final Object AWAITING_SCRIPT_TASK = new Object() {
        @Override
        public String toString() {
            return "script task";
        }
    };

    /**
     * True if a command that runs a script may run here and now. Scripts run on the data thread,
     * and a busy one re-enters the event loop to answer other clients, which is only safe from a
     * task of the loop, not from inside its socket reads; so the dispatcher hands such a command
     * to {@link #deferScript} unless it already runs in that task.
     */
    public boolean scriptsRunInline() {
        return scriptsRunInline;
    }

    /**
     * Runs a checked script command (EVAL, FCALL, EXEC of a transaction with one) in a task of the
     * data thread, the client blocked meanwhile so its later requests wait in order behind it.
     */
    public void deferScript(Client c, CommandSpec spec, byte[][] argv) {
        boolean suppressReply = c.skippingCurrent() || c.replyMode() == Client.ReplyMode.OFF;
        block(c, AWAITING_SCRIPT_TASK);
        dataThread.execute(() -> runDeferredScript(c, spec, argv, suppressReply));
    }

    private void runDeferredScript(Client c, CommandSpec spec, byte[][] argv, boolean suppressReply) {
        if (busyReply != null) {
            // Handed over just before another script went busy: it runs once that one ends.
            whenNotBusy(() -> runDeferredScript(c, spec, argv, suppressReply));
            return;
        }
        if (c.isClosed()) {
            return;
        }
        scriptsRunInline = true;
        try {
            c.touch(keyspace.now());
            keyspace.setNoTouch(c.noTouch());
            int mark = c.reply().mark();
            dispatcher.rerun(c, spec, argv);
            if (suppressReply) {
                c.reply().truncate(mark);
            }
            if (c.blockedOn == AWAITING_SCRIPT_TASK) {
                resume(c); // runs what queued meanwhile, later scripts inline
            }
            if (busyReply == null && blocking.hasReadyKeys()) {
                blocking.serveReadyKeys();
            }
        } finally {
            scriptsRunInline = false;
        }
        flushPending();
    }

    public Client newClient(io.netty.channel.Channel channel) {
        boolean authenticated = config.requirepass.value().isEmpty();
        return new Client(nextClientId.getAndIncrement(), channel, this, authenticated);
    }

    /** Registers a connected client; false (after replying the error) when maxclients is reached. */
    boolean register(Client c) {
        if (clients.size() >= config.maxclients.value()) {
            stats.rejectedConnections++;
            c.reply().error("ERR max number of clients reached");
            c.setCloseAfterReply();
            markForFlush(c);
            flushPending();
            return false;
        }
        stats.connectionsReceived++;
        clients.put(c.id(), c);
        return true;
    }

    void unregister(Client c) {
        if (clients.remove(c.id()) != null) {
            c.markClosed();
            c.queued.clear();
            c.reply().discard();
            for (ClientListener l : clientListeners) {
                l.clientClosed(c);
            }
        }
    }

    /** Told when a client goes away (to drop its subscriptions, blocked state, MONITOR, ...). */
    public interface ClientListener {
        void clientClosed(Client c);

        /** RESET: drop the connection state this module keeps (MULTI, WATCH, subscriptions, tracking, MONITOR). */
        default void clientReset(Client c) {}
    }

    /** Tells every module that a client ran RESET. */
    public void notifyReset(Client c) {
        for (ClientListener l : clientListeners) {
            l.clientReset(c);
        }
    }

    private final List<ClientListener> clientListeners = new ArrayList<>();

    public void addClientListener(ClientListener l) {
        clientListeners.add(l);
    }

    public Collection<Client> clients() {
        return Collections.unmodifiableCollection(clients.values());
    }

    public Client client(long id) {
        return clients.get(id);
    }

    public int clientCount() {
        return clients.size();
    }

    /** Closes a client's connection after its pending replies are written. */
    public void closeClient(Client c) {
        c.setCloseAfterReply();
        markForFlush(c);
    }

    // ---------------------------------------------------------------- execution

    /** Runs a request now, or queues it behind an earlier request that is blocked. */
    void execute(Client c, byte[][] argv) {
        if (c.isClosed() || c.closeAfterReply()) {
            return;
        }
        if (c.blockedOn != null || !c.queued.isEmpty()) {
            c.queued.add(argv);
            return;
        }
        run(c, argv);
    }

    private void run(Client c, byte[][] argv) {
        c.touch(keyspace.now());
        int mark = c.reply().mark();
        Client.ReplyMode before = c.replyMode();
        c.consumeSkip();
        keyspace.setNoTouch(c.noTouch());
        dispatcher.dispatch(c, argv);
        if (c.skippingCurrent() || (before == Client.ReplyMode.OFF && c.replyMode() == Client.ReplyMode.OFF)) {
            c.reply().truncate(mark);
        }
        if (c.replyMode() == Client.ReplyMode.SKIP) {
            c.setReplyMode(Client.ReplyMode.ON);
            c.armSkip();
        }
        markForFlush(c);
        if (busyReply == null && blocking.hasReadyKeys()) {
            blocking.serveReadyKeys();
        }
    }

    /** Resumes a client whose block ended: runs the requests that queued behind it. */
    public void resume(Client c) {
        c.blockedOn = null;
        while (!c.queued.isEmpty() && c.blockedOn == null && !c.isClosed()) {
            run(c, c.queued.poll());
        }
        markForFlush(c);
    }

    /** Marks a client as blocked; its later requests queue until {@link #resume}. */
    public void block(Client c, Object on) {
        c.blockedOn = on;
    }

    /**
     * Notes that a client has output to send at the end of this batch. Every producer of output
     * calls this after adding some, so it is also where client-output-buffer-limit is enforced:
     * a client over its limit loses its unsent output and is closed; its later requests are not
     * run (callers that must react, like pub/sub, see {@link Client#closeAfterReply()}).
     */
    public void markForFlush(Client c) {
        if (!c.closeAfterReply() && outputLimits.exceeded(c)) {
            log.warn("Client {} scheduled to be closed ASAP for overcoming of output buffer limits.",
                    clientDescriber.apply(c));
            c.reply().discard();
            c.setCloseAfterReply();
        }
        if (!c.pendingFlush) {
            c.pendingFlush = true;
            flushList.add(c);
        }
    }

    private final List<Runnable> beforeFlushTasks = new ArrayList<>();

    /** Runs a task at the end of every batch, before replies go out (Redis's beforeSleep work). */
    public void addBeforeFlushTask(Runnable task) {
        beforeFlushTasks.add(task);
    }

    private boolean flushScheduled;
    private final Runnable scheduledFlush = () -> {
        flushScheduled = false;
        flushPending();
    };

    /**
     * Flushes once the event loop has read every connection that was ready, as Redis writes
     * replies in beforeSleep: a PUBLISH fan-out fed by several publishers then costs each
     * subscriber one write per loop, not one per publisher's read.
     */
    public void flushSoon() {
        if (!flushScheduled) {
            flushScheduled = true;
            dataThread.execute(scheduledFlush);
        }
    }

    /**
     * Sends every pending reply buffer: one write and one flush per client per batch. The latest
     * marked client goes first, as Redis links a client at the head of clients_pending_write: a
     * publisher is marked after the subscribers its PUBLISH reached, so it gets its replies before
     * the fan-out's writes and its next pipeline arrives while they are going out, which lets the
     * next pass carry more messages per subscriber write.
     */
    public void flushPending() {
        for (int i = 0; !processingWhileBlocked && i < beforeFlushTasks.size(); i++) {
            beforeFlushTasks.get(i).run();
        }
        int marked = flushList.size();
        for (int i = marked - 1; i >= 0; i--) {
            flush(flushList.get(i));
        }
        for (int i = marked; i < flushList.size(); i++) { // marked by a listener of a write just made
            flush(flushList.get(i));
        }
        flushList.clear();
        handoffs.handOver();
    }

    private void flush(Client c) {
        c.pendingFlush = false;
        if (!c.isClosed() && !c.closeAfterReply() && socketWriter.trySend(c)) {
            return;
        }
        ByteBuf out = c.reply().take();
        if (c.isClosed()) {
            if (out != null) {
                out.release();
            }
            return;
        }
        if (out != null && out.isReadable()) {
            stats.netOutputBytes.add(out.readableBytes());
            stats.writesProcessed.increment();
            handoffs.write(c.channel(), out, c.closeAfterReply());
        } else {
            if (out != null) {
                out.release();
            }
            if (c.closeAfterReply()) {
                handoffs.write(c.channel(), null, true);
            }
        }
    }

    public void beforeCommand(CommandContext ctx, CommandSpec spec) {
        CommandObserver[] hooked = beforeObservers;
        for (int i = 0; i < hooked.length; i++) {
            hooked[i].beforeCommand(ctx, spec);
        }
    }

    public void afterCommand(CommandContext ctx, CommandSpec spec, long micros) {
        CommandObserver[] hooked = afterObservers;
        for (int i = 0; i < hooked.length; i++) {
            hooked[i].afterCommand(ctx, spec, micros);
        }
    }

    // ---------------------------------------------------------------- cron

    private void cron() {
        keyspace.calibrateClock(); // also while a script is busy: it changes no command's time
        if (busyReply != null) {
            return; // a script is running: expiring or rehashing now would break its atomicity
        }
        try {
            cronLoops++;
            keyspace.tick();
            long hz = Math.max(1, config.hz.value());
            long tickNanos = 1_000_000_000L / hz;
            activeExpireCycle(System.nanoTime() + tickNanos / 4);
            if (eviction.pending()) {
                continueEviction();
            }
            // Like Redis's incrementallyRehash: at most about 1 ms of bucket moves per tick.
            long rehashDeadline = System.nanoTime() + 1_000_000;
            for (int i = 0; i < keyspace.count(); i++) {
                Database db = keyspace.db(i);
                while (db.cron(100) && System.nanoTime() < rehashDeadline) {
                    // keep moving buckets
                }
            }
            if (cronLoops % hz == 0) {
                closeIdleClients();
            }
            for (Runnable task : cronTasks) {
                task.run();
            }
            flushPending();
        } catch (RuntimeException e) {
            log.error("cron failed", e);
        }
    }

    private final List<Runnable> cronTasks = new ArrayList<>();

    /** Runs a task on every cron tick (hz times a second) on the data thread. */
    public void addCronTask(Runnable task) {
        cronTasks.add(task);
    }

    private boolean activeExpireEnabled = true;

    public void setActiveExpire(boolean enabled) {
        this.activeExpireEnabled = enabled;
    }

    /** Redis's slow expire cycle: visit databases in turn while time remains and keys are stale. */
    private void activeExpireCycle(long deadline) {
        if (!activeExpireEnabled) {
            return;
        }
        LatencyMonitor latencyMonitor = keyspace.latencyMonitor();
        boolean timed = latencyMonitor.enabled();
        long start = timed ? System.nanoTime() : 0;
        int n = keyspace.count();
        for (int k = 0; k < n && System.nanoTime() < deadline; k++) {
            Database db = keyspace.db(expireDbCursor);
            expireDbCursor = (expireDbCursor + 1) % n;
            db.activeExpireCycle(deadline);
        }
        if (timed) {
            latencyMonitor.addElapsedIfNeeded("expire-cycle", start);
        }
    }

    private void closeIdleClients() {
        long timeout = config.timeout.value();
        if (timeout <= 0) {
            return;
        }
        long now = System.currentTimeMillis();
        for (Client c : new ArrayList<>(clients.values())) {
            // as Redis: subscribers only listen, so silence is no sign of a dead client
            if (!c.isBlocked() && !c.isMonitor() && !c.inPubSubMode() && now - c.lastInteraction() > timeout * 1000) {
                log.debug("Closing idle client {}", c.addr());
                c.channel().close();
            }
        }
    }
}
