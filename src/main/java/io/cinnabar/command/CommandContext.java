package io.cinnabar.command;

import io.cinnabar.keyspace.Database;
import io.cinnabar.protocol.ReplyWriter;
import io.cinnabar.server.Client;
import io.cinnabar.server.Server;
import io.cinnabar.types.Numbers;
import java.nio.charset.StandardCharsets;

/**
 * What a handler sees: the request's arguments, the client's database and its reply writer. One
 * per client, reused for every command, so running a command allocates no context.
 */
public final class CommandContext {
    public final Server server;
    public final Client client;
    public final ReplyWriter reply;
    byte[][] argv;
    CommandSpec spec;
    boolean servingBlocked;
    /** What this command asked of the propagation stream; {@link Dispatcher#call} saves and resets them per command. */
    int propagationForced;
    /** Error replies of the commands EXEC ran for this client so far: they failed, not EXEC. */
    long nestedCallErrors;
    int propagationPrevented;
    byte[][] propagatedArgv;
    /** Where this client's commands may propagate at all (a script's redis.set_repl). */
    int propagationTargets = Propagation.ALL;

    public CommandContext(Server server, Client client, ReplyWriter reply) {
        this.server = server;
        this.client = client;
        this.reply = reply;
    }

    /**
     * True while a blocked command runs again because a key it waits on changed: MONITOR showed
     * it when it first ran, so it does not show it again (Redis serves blocked clients without
     * a second call()).
     */
    public boolean servingBlocked() {
        return servingBlocked;
    }

    // ---------------------------------------------------------------- propagation

    /**
     * True when the propagation stream has a sink. Guard any work done only to propagate (building
     * a rewritten command) with it, so a server without AOF or replicas pays nothing.
     */
    public boolean propagating() {
        return server.propagation().hasSinks();
    }

    /**
     * Propagates this command as {@code argv} instead of as it was called (Redis's
     * rewriteClientCommandVector), if it propagates at all: only when it changed the dataset or
     * forced propagation.
     */
    public void propagateAs(byte[]... argv) {
        propagatedArgv = argv;
    }

    /**
     * Propagates another command now, before this command's own (Redis's alsoPropagate),
     * in the client's current database, to AOF and replicas: even from a script that
     * redis.set_repl restricted, which in Redis 7.0 filters only the commands themselves.
     */
    public void alsoPropagate(byte[]... argv) {
        server.propagation().propagate(client.dbIndex(), argv, Propagation.ALL);
    }

    /** Propagates this command even though it did not change the dataset (Redis's forceCommandPropagation). */
    public void forcePropagation(int targets) {
        propagationForced |= targets;
    }

    /** Does not propagate this command itself, whatever it changed (Redis's preventCommandPropagation). */
    public void preventPropagation() {
        propagationPrevented = Propagation.ALL;
    }

    /** Limits where this client's commands propagate (a script's redis.set_repl flags). */
    public void setPropagationTargets(int targets) {
        propagationTargets = targets;
    }

    public Database db() {
        return server.keyspace().db(client.dbIndex());
    }

    public CommandSpec spec() {
        return spec;
    }

    public int argc() {
        return argv.length;
    }

    public byte[] arg(int i) {
        return argv[i];
    }

    public byte[][] argv() {
        return argv;
    }

    /** Argument as text, for error messages and rare admin paths only. */
    public String argString(int i) {
        return new String(argv[i], StandardCharsets.UTF_8);
    }

    /** True if argument i equals {@code lowerWord} ignoring ASCII case; the word must be lowercase. */
    public boolean argIs(int i, String lowerWord) {
        return equalsIgnoreCase(argv[i], lowerWord);
    }

    public static boolean equalsIgnoreCase(byte[] a, String lowerWord) {
        int n = lowerWord.length();
        if (a.length != n) {
            return false;
        }
        for (int k = 0; k < n; k++) {
            int c = a[k];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lowerWord.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** Argument i as a long, or the standard "not an integer" error. */
    public long argLong(int i) {
        return parseLong(argv[i], CommandError.NOT_INTEGER);
    }

    /** Argument i as a long, failing with the given error text. */
    public long argLong(int i, String error) {
        return parseLong(argv[i], error);
    }

    public static long parseLong(byte[] b, String error) {
        long v = Numbers.parseLongStrict(b);
        if (v == Numbers.NOT_A_LONG && !Numbers.isMinLong(b)) {
            throw new CommandError(error);
        }
        return v;
    }

    /** Argument i as a double the way Redis's getDoubleFromObject reads it. */
    public double argDouble(int i) {
        return parseDouble(argv[i], CommandError.NOT_FLOAT);
    }

    public static double parseDouble(byte[] b, String error) {
        if (b.length == 0 || b.length > 5 * 1024 || Character.isWhitespace(b[0]) || Character.isWhitespace(b[b.length - 1])) {
            throw new CommandError(error);
        }
        String s = new String(b, StandardCharsets.US_ASCII);
        double d;
        try {
            String t = s.toLowerCase(java.util.Locale.ROOT);
            if (t.equals("inf") || t.equals("+inf") || t.equals("infinity") || t.equals("+infinity")) {
                d = Double.POSITIVE_INFINITY;
            } else if (t.equals("-inf") || t.equals("-infinity")) {
                d = Double.NEGATIVE_INFINITY;
            } else {
                for (int k = 0; k < t.length(); k++) {
                    char c = t.charAt(k);
                    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == '-' || c == '+' || c == 'x' || (c >= 'a' && c <= 'f') || c == 'p')) {
                        throw new CommandError(error);
                    }
                }
                d = Double.parseDouble(s);
            }
        } catch (NumberFormatException e) {
            throw new CommandError(error);
        }
        if (Double.isNaN(d)) {
            throw new CommandError(error);
        }
        return d;
    }
}
