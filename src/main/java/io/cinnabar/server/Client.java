package io.cinnabar.server;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandSpec;
import io.cinnabar.command.CommandTable;
import io.cinnabar.protocol.ReplyWriter;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.Arrays;

/** The state of one connection. Touched only on the data thread, except where noted. */
public final class Client {
    /** CLIENT REPLY modes. */
    public enum ReplyMode { ON, OFF, SKIP }

    private final long id;
    private final Channel channel;
    private final ReplyWriter reply;
    private final CommandContext context;
    private final long createdAt;
    private final String addr;
    private final String laddr;

    private int dbIndex;
    private boolean authenticated;
    private String user = "default";
    private String name;
    private String libName;
    private String libVer;
    private long lastInteraction;
    private CommandSpec lastCommand;
    /**
     * The command name bytes this client sent last and the table's answer for them: a pipeline
     * mostly repeats one command, and comparing a few bytes costs less than hashing the name
     * case-insensitively and probing the table. The table never changes after startup.
     */
    private byte[] lookedUpName;
    private CommandSpec lookedUpSpec;
    private ReplyMode replyMode = ReplyMode.ON;
    private boolean skipThisReply;
    private boolean skipCurrent;
    private java.util.function.Consumer<Boolean> authListener;
    private boolean noEvict;
    private boolean noTouch;
    private boolean monitor;
    private boolean closeAfterReply;
    private boolean closed;
    private long errorCount;
    private long commandsProcessed;
    private int subscriptions;
    private int patternSubscriptions;
    private int shardSubscriptions;
    private long outputSoftLimitSince;

    private Transaction transaction;
    private boolean dirtyCas;
    private boolean inExec;
    private boolean calledFromScript;
    private java.util.List<DbKey> watchedKeys;
    /** CLIENT TRACKING options; null until tracking is first turned on (owned by {@link Tracking}). */
    Tracking.State trackingState;

    /** Requests that arrived while the client was blocked or paused, in order. */
    final ArrayDeque<byte[][]> queued = new ArrayDeque<>();
    /** Set while waiting on keys, a timeout, or a pause; new requests queue behind it. */
    Object blockedOn;
    /** True while listed in the server's set of clients with output to flush. */
    boolean pendingFlush;

    Client(long id, Channel channel, Server server, boolean authenticated) {
        this.id = id;
        this.channel = channel;
        this.reply = new ReplyWriter(channel.alloc());
        this.context = new CommandContext(server, this, reply);
        this.authenticated = authenticated;
        this.createdAt = System.currentTimeMillis();
        this.lastInteraction = createdAt;
        this.addr = format(channel.remoteAddress());
        this.laddr = format(channel.localAddress());
        reply.setErrorListener((message, countInStats) -> {
            errorCount++;
            if (countInStats) {
                server.stats().countError(message);
            }
        });
    }

    private static String format(SocketAddress a) {
        if (a instanceof InetSocketAddress) {
            InetSocketAddress s = (InetSocketAddress) a;
            String host = s.getAddress() == null ? s.getHostString() : s.getAddress().getHostAddress();
            return host + ":" + s.getPort();
        }
        return a == null ? "" : a.toString() + ":0";
    }

    public long id() {
        return id;
    }

    /** A client without a connection (the script client); connections have ids from 1. */
    public boolean isInternal() {
        return id == 0;
    }

    public Channel channel() {
        return channel;
    }

    public ReplyWriter reply() {
        return reply;
    }

    public CommandContext context() {
        return context;
    }

    public int dbIndex() {
        return dbIndex;
    }

    public void setDbIndex(int dbIndex) {
        this.dbIndex = dbIndex;
    }

    public boolean isAuthenticated() {
        return authenticated;
    }

    public void setAuthenticated(boolean authenticated) {
        boolean changed = this.authenticated != authenticated;
        this.authenticated = authenticated;
        if (changed && authListener != null) {
            authListener.accept(authenticated);
        }
    }

    /** Told when the client authenticates or RESET drops it (the parser's unauthenticated limits). */
    void setAuthListener(java.util.function.Consumer<Boolean> listener) {
        this.authListener = listener;
    }

    public String user() {
        return user;
    }

    public void setUser(String user) {
        this.user = user;
    }

    public String name() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String libName() {
        return libName;
    }

    public void setLibName(String libName) {
        this.libName = libName;
    }

    public String libVer() {
        return libVer;
    }

    public void setLibVer(String libVer) {
        this.libVer = libVer;
    }

    public long createdAt() {
        return createdAt;
    }

    public long lastInteraction() {
        return lastInteraction;
    }

    void touch(long now) {
        lastInteraction = now;
    }

    /** The table's spec for a command name, through the last-name cache above. */
    public CommandSpec lookupCommand(CommandTable table, byte[] name) {
        if (Arrays.equals(name, lookedUpName)) {
            return lookedUpSpec;
        }
        CommandSpec spec = table.lookup(name);
        lookedUpName = name;
        lookedUpSpec = spec;
        return spec;
    }

    public CommandSpec lastCommand() {
        return lastCommand;
    }

    /** The commands queued since MULTI, or null when not in a transaction. */
    public Transaction transaction() {
        return transaction;
    }

    public void setTransaction(Transaction transaction) {
        this.transaction = transaction;
    }

    /** A watched key changed: the next EXEC fails. */
    public boolean dirtyCas() {
        return dirtyCas;
    }

    public void setDirtyCas(boolean dirtyCas) {
        this.dirtyCas = dirtyCas;
    }

    /** The client scripts run their commands on (Redis's CLIENT_SCRIPT). */
    public boolean calledFromScript() {
        return calledFromScript;
    }

    public void setCalledFromScript() {
        this.calledFromScript = true;
    }

    /** True while EXEC runs the queued commands (blocking commands then answer at once). */
    public boolean inExec() {
        return inExec;
    }

    public void setInExec(boolean inExec) {
        this.inExec = inExec;
    }

    java.util.List<DbKey> watchedKeys(boolean create) {
        if (watchedKeys == null && create) {
            watchedKeys = new java.util.ArrayList<>(4);
        }
        return watchedKeys;
    }

    void clearWatchedKeys() {
        watchedKeys = null;
    }

    /** Restores the command CLIENT LIST reports after EXEC ran others in between. */
    public void restoreLastCommand(CommandSpec spec) {
        this.lastCommand = spec;
    }

    public void setLastCommand(CommandSpec spec) {
        this.lastCommand = spec;
        commandsProcessed++;
    }

    public long commandsProcessed() {
        return commandsProcessed;
    }

    public ReplyMode replyMode() {
        return replyMode;
    }

    /** CLIENT REPLY: OFF and SKIP take effect from the next command (SKIP for that one only). */
    public void setReplyMode(ReplyMode mode) {
        this.replyMode = mode;
    }

    /** At the start of a command: whether CLIENT REPLY SKIP drops this command's reply. */
    boolean consumeSkip() {
        skipCurrent = skipThisReply;
        skipThisReply = false;
        return skipCurrent;
    }

    boolean skippingCurrent() {
        return skipCurrent;
    }

    /** CLIENT REPLY ON: also cancels a pending SKIP, including for the running command. */
    public void cancelSkip() {
        skipCurrent = false;
        skipThisReply = false;
    }

    void armSkip() {
        skipThisReply = true;
    }

    public boolean noEvict() {
        return noEvict;
    }

    public void setNoEvict(boolean noEvict) {
        this.noEvict = noEvict;
    }

    public boolean noTouch() {
        return noTouch;
    }

    public void setNoTouch(boolean noTouch) {
        this.noTouch = noTouch;
    }

    public boolean isMonitor() {
        return monitor;
    }

    public void setMonitor(boolean monitor) {
        this.monitor = monitor;
    }

    public boolean closeAfterReply() {
        return closeAfterReply;
    }

    /** Closes the connection once the pending replies are written (QUIT, protocol errors, KILL). */
    public void setCloseAfterReply() {
        this.closeAfterReply = true;
    }

    public boolean isClosed() {
        return closed;
    }

    void markClosed() {
        closed = true;
    }

    public long errorCount() {
        return errorCount;
    }

    public boolean isBlocked() {
        return blockedOn != null;
    }

    public Object blockedOn() {
        return blockedOn;
    }

    public String addr() {
        return addr;
    }

    public String laddr() {
        return laddr;
    }

    /** Pending requests not yet executed. */
    public int queuedCount() {
        return queued.size();
    }

    /** Set by the pub/sub module after every change, for CLIENT LIST and the RESP2 subscribed mode. */
    public void setSubscriptionCounts(int channels, int patterns, int shardChannels) {
        this.subscriptions = channels;
        this.patternSubscriptions = patterns;
        this.shardSubscriptions = shardChannels;
    }

    public int subscriptions() {
        return subscriptions;
    }

    public int patternSubscriptions() {
        return patternSubscriptions;
    }

    public int shardSubscriptions() {
        return shardSubscriptions;
    }

    /** Subscribed to anything (CLIENT LIST flag P, client type pubsub). */
    public boolean inPubSubMode() {
        return subscriptions + patternSubscriptions + shardSubscriptions > 0;
    }

    /** When the output first stayed above the soft output-buffer limit (ms), 0 when below it. */
    public long outputSoftLimitSince() {
        return outputSoftLimitSince;
    }

    public void setOutputSoftLimitSince(long millis) {
        this.outputSoftLimitSince = millis;
    }
}
