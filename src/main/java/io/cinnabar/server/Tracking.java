package io.cinnabar.server;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandFlag;
import io.cinnabar.command.CommandSpec;
import io.cinnabar.command.KeyExtractor;
import io.cinnabar.config.Param;
import io.cinnabar.keyspace.Database;
import io.cinnabar.keyspace.KeyspaceListener;
import io.cinnabar.protocol.ReplyWriter;
import io.cinnabar.util.ByteHash;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Client-side caching (CLIENT TRACKING), with the semantics of Redis 7.0's tracking.c.
 *
 * <p>Default mode: the keys a tracking client reads are remembered in one table, key -> client
 * ids (database-blind, as in Redis). The first write to such a key (by anyone, including expiry)
 * sends each remembered client one invalidation and forgets the key. A client that turns tracking
 * off is not removed from the table: its entries are skipped when they fire, as Redis does.
 *
 * <p>BCAST mode: clients register prefixes; every written key that matches a registered prefix is
 * collected per prefix and sent as one invalidation per prefix at the end of the event-loop batch
 * ({@link #broadcastPending}), like Redis's trackingBroadcastInvalidationMessages before sleep.
 *
 * <p>Invalidations caused by the client that is running a command are queued and sent after that
 * command's reply (after EXEC's for a transaction), so they never interleave with a reply.
 * With nobody tracking, every hook returns after one field test.
 */
public final class Tracking implements KeyspaceListener, Server.ClientListener, Server.CommandObserver {
    private static final String MAX_KEYS_PARAM = "tracking-table-max-keys";
    private static final byte[] INVALIDATE_PUSH = ascii(">2\r\n$10\r\ninvalidate\r\n");
    private static final byte[] INVALIDATE_MESSAGE = ascii("*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n");
    private static final byte[] REDIR_BROKEN_PUSH = ascii(">2\r\n$21\r\ntracking-redir-broken\r\n");
    private static final byte[] RESP2_NULL = ascii("$-1\r\n");
    private static final byte[] RESP3_NULL = ascii("_\r\n");
    /** Client ids in the order Redis's rax stores them: the bytes of a little-endian uint64. */
    private static final Comparator<Long> RAX_ID_ORDER =
            (a, b) -> Long.compareUnsigned(Long.reverseBytes(a), Long.reverseBytes(b));

    /** One client's tracking options (null in Client until tracking is first turned on). */
    public static final class State {
        boolean on;
        boolean bcast;
        boolean optin;
        boolean optout;
        boolean noloop;
        boolean caching;
        boolean brokenRedirect;
        long redirect;
        /** BCAST prefixes this client registered, in Redis's (byte-wise) order. */
        final TreeMap<byte[], Boolean> prefixes = new TreeMap<>(Arrays::compareUnsigned);
    }

    /** A prefix registered by BCAST clients and the keys written under it since the last broadcast. */
    private static final class Broadcast {
        final Set<Client> clients = new LinkedHashSet<>();
        /** Written key -> the client that wrote it last (null: the server itself), for NOLOOP. */
        final TreeMap<byte[], Client> keys = new TreeMap<>(Arrays::compareUnsigned);
    }

    /** A key of the tracking table; a mutable probe instance makes lookups allocation-free. */
    private static final class TrackedKey {
        byte[] bytes;
        int hash;

        TrackedKey set(byte[] key) {
            bytes = key;
            hash = ByteHash.hash(key);
            return this;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof TrackedKey && Arrays.equals(bytes, ((TrackedKey) o).bytes);
        }
    }

    private final Server server;
    private final Map<TrackedKey, TreeSet<Long>> table = new HashMap<>();
    private final TreeMap<byte[], Broadcast> prefixTable = new TreeMap<>(Arrays::compareUnsigned);
    private final TrackedKey probe = new TrackedKey();
    private final KeyExtractor.Keys keys = new KeyExtractor.Keys();
    private final Param.Num maxKeys;
    private int trackingClients;
    private long totalItems;
    private int evictionRounds;

    /** The client whose command is running, its nesting depth (EXEC, scripts) and its deferred invalidations. */
    private Client current;
    private int depth;
    private CommandSpec innermostSpec;
    /** Keys invalidated for {@link #current} while it ran; null stands for "everything" (a flush). */
    private final List<byte[]> pendingForCurrent = new ArrayList<>();

    private Tracking(Server server) {
        this.server = server;
        this.maxKeys = (Param.Num) server.config().find(MAX_KEYS_PARAM);
    }

    public static Tracking install(Server server) {
        Tracking t = new Tracking(server);
        server.keyspace().addListener(t);
        server.addClientListener(t);
        server.addObserver(t);
        server.addBeforeFlushTask(t::broadcastPending);
        server.addCronTask(t::limitTableSize);
        server.info().attach(Tracking.class, t);
        server.info().overrideField("tracking_clients", () -> Integer.toString(t.trackingClients));
        server.info().overrideField("tracking_total_keys", () -> Integer.toString(t.table.size()));
        server.info().overrideField("tracking_total_items", () -> Long.toString(t.totalItems));
        server.info().overrideField("tracking_total_prefixes", () -> Integer.toString(t.prefixTable.size()));
        server.config().markEffective(MAX_KEYS_PARAM);
        return t;
    }

    public static Tracking of(Server server) {
        return server.info().attachment(Tracking.class);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    // ---------------------------------------------------------------- CLIENT TRACKING / CACHING

    public static boolean isOn(Client c) {
        return c.trackingState != null && c.trackingState.on;
    }

    public static boolean isBcast(Client c) {
        return isOn(c) && c.trackingState.bcast;
    }

    public static boolean hasBrokenRedirect(Client c) {
        return isOn(c) && c.trackingState.brokenRedirect;
    }

    /** The redirect of CLIENT GETREDIR and CLIENT LIST's redir=: 0 for none, -1 when tracking is off. */
    public static long redirect(Client c) {
        return isOn(c) ? c.trackingState.redirect : -1;
    }

    /** CLIENT TRACKINGINFO's flags, in Redis's order. */
    public static List<String> flags(Client c) {
        List<String> out = new ArrayList<>(4);
        if (!isOn(c)) {
            out.add("off");
            return out;
        }
        State s = c.trackingState;
        out.add("on");
        if (s.bcast) {
            out.add("bcast");
        }
        if (s.optin) {
            out.add("optin");
            if (s.caching) {
                out.add("caching-yes");
            }
        }
        if (s.optout) {
            out.add("optout");
            if (s.caching) {
                out.add("caching-no");
            }
        }
        if (s.noloop) {
            out.add("noloop");
        }
        if (s.brokenRedirect) {
            out.add("broken_redirect");
        }
        return out;
    }

    /** The BCAST prefixes a client registered (kept after tracking goes off only while in BCAST, as in Redis). */
    public static List<byte[]> prefixes(Client c) {
        return c.trackingState == null ? List.of() : new ArrayList<>(c.trackingState.prefixes.keySet());
    }

    /** The overlap error of a prefix colliding with an already registered one, or null. */
    public static String existingPrefixCollision(Client c, byte[] prefix) {
        if (c.trackingState == null) {
            return null;
        }
        for (byte[] existing : c.trackingState.prefixes.keySet()) {
            if (overlaps(existing, prefix)) {
                return "ERR Prefix '" + text(prefix) + "' overlaps with an existing prefix '" + text(existing)
                        + "'. Prefixes for a single client must not overlap.";
            }
        }
        return null;
    }

    /** One of two byte strings starts with the other. */
    public static boolean overlaps(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        return Arrays.equals(a, 0, n, b, 0, n);
    }

    public static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Turns tracking on with these options (already validated against each other and the client). */
    public void enable(Client c, long redirectTo, boolean bcast, boolean optin, boolean optout, boolean noloop,
            List<byte[]> newPrefixes) {
        State s = c.trackingState;
        if (s == null) {
            s = new State();
            c.trackingState = s;
        }
        if (!s.on) {
            trackingClients++;
        }
        s.on = true;
        s.brokenRedirect = false;
        s.redirect = redirectTo;
        s.bcast = bcast;
        if (bcast) {
            if (newPrefixes.isEmpty()) {
                registerPrefix(c, new byte[0]);
            }
            for (byte[] p : newPrefixes) {
                registerPrefix(c, p);
            }
        }
        s.optin = optin;
        s.optout = optout;
        s.noloop = noloop;
    }

    private void registerPrefix(Client c, byte[] prefix) {
        Broadcast b = prefixTable.computeIfAbsent(prefix, p -> new Broadcast());
        if (b.clients.add(c)) {
            c.trackingState.prefixes.put(prefix, Boolean.TRUE);
        }
    }

    /** CLIENT TRACKING OFF, RESET, disconnect: leaves its prefixes; its table entries die lazily. */
    public void disable(Client c) {
        State s = c.trackingState;
        if (s == null) {
            return;
        }
        if (s.bcast) {
            for (byte[] prefix : s.prefixes.keySet()) {
                Broadcast b = prefixTable.get(prefix);
                b.clients.remove(c);
                if (b.clients.isEmpty()) {
                    prefixTable.remove(prefix);
                }
            }
            s.prefixes.clear();
        }
        if (s.on) {
            trackingClients--;
            s.on = false;
            s.bcast = false;
            s.optin = false;
            s.optout = false;
            s.noloop = false;
            s.brokenRedirect = false;
        }
    }

    /** CLIENT CACHING YES|NO, once validated: the next command's keys follow the opposite default. */
    public static void setCaching(Client c) {
        c.trackingState.caching = true;
    }

    public static boolean optin(Client c) {
        return isOn(c) && c.trackingState.optin;
    }

    public static boolean optout(Client c) {
        return isOn(c) && c.trackingState.optout;
    }

    @Override
    public void clientClosed(Client c) {
        disable(c);
    }

    @Override
    public void clientReset(Client c) {
        disable(c);
    }

    // ---------------------------------------------------------------- remembering reads

    @Override
    public void beforeCommand(CommandContext ctx, CommandSpec spec) {
        if (depth++ == 0) {
            current = ctx.client;
            if (trackingClients > 0) {
                limitTableSize();
            }
        }
        innermostSpec = spec;
    }

    @Override
    public void afterCommand(CommandContext ctx, CommandSpec spec, long micros) {
        if (trackingClients > 0 && spec.has(CommandFlag.READONLY) && !isReadOnlyScript(spec)) {
            // a script's reads belong to the client that called it
            Client reader = current != null ? current : ctx.client;
            if (isOn(reader) && !reader.trackingState.bcast) {
                rememberKeys(reader, spec, ctx.argv());
            }
        }
        if (--depth > 0) {
            return;
        }
        Client c = current;
        current = null;
        innermostSpec = null;
        if (c.trackingState != null && c.trackingState.caching && c.transaction() == null
                && (spec.parent == null || !spec.parent.name.equals("client"))) {
            c.trackingState.caching = false;
        }
        if (!pendingForCurrent.isEmpty()) {
            for (byte[] key : pendingForCurrent) {
                if (key == null) {
                    send(c, c.reply().resp3() ? RESP3_NULL : RESP2_NULL, true);
                } else {
                    send(c, key, false);
                }
            }
            pendingForCurrent.clear();
        }
    }

    private static boolean isReadOnlyScript(CommandSpec spec) {
        return spec.name.equals("eval_ro") || spec.name.equals("evalsha_ro") || spec.name.equals("fcall_ro");
    }

    private void rememberKeys(Client c, CommandSpec spec, byte[][] argv) {
        State s = c.trackingState;
        if ((s.optin && !s.caching) || (s.optout && s.caching)) {
            return;
        }
        int n = KeyExtractor.find(spec, argv, 0, 0, keys);
        for (int i = 0; i < n; i++) {
            byte[] key = argv[keys.positions[i]];
            TreeSet<Long> ids = table.get(probe.set(key));
            if (ids == null) {
                ids = new TreeSet<>(RAX_ID_ORDER);
                table.put(new TrackedKey().set(key), ids);
            }
            if (ids.add(c.id())) {
                totalItems++;
            }
        }
    }

    // ---------------------------------------------------------------- invalidating

    @Override
    public void afterWrite(Database db, byte[] key, Object value) {
        if (trackingClients == 0 && table.isEmpty()) {
            return;
        }
        if (!prefixTable.isEmpty()) {
            collectForBroadcast(key);
        }
        invalidate(key);
    }

    /** Sends one invalidation for the key to each client that read it, then forgets the key. */
    private void invalidate(byte[] key) {
        TreeSet<Long> ids = table.remove(probe.set(key));
        if (ids == null) {
            return;
        }
        totalItems -= ids.size();
        for (Long id : ids) {
            Client target = server.client(id);
            if (target == null || !isOn(target) || target.trackingState.bcast) {
                continue;
            }
            if (target == current) {
                if (target.trackingState.noloop) {
                    continue;
                }
                pendingForCurrent.add(key);
            } else {
                send(target, key, false);
            }
        }
    }

    private void collectForBroadcast(byte[] key) {
        for (Map.Entry<byte[], Broadcast> e : prefixTable.entrySet()) {
            byte[] prefix = e.getKey();
            if (prefix.length <= key.length && Arrays.equals(prefix, 0, prefix.length, key, 0, prefix.length)) {
                e.getValue().keys.put(key, current);
            }
        }
    }

    @Override
    public void beforeFlush(Database db) {
        if (trackingClients == 0 && table.isEmpty()) {
            return;
        }
        // FLUSHALL clears every database in turn; Redis sends one "everything" per FLUSHALL
        if (db.id() != 0 && innermostSpec != null && innermostSpec.name.equals("flushall")) {
            return;
        }
        if (trackingClients > 0) {
            for (Client c : server.clients()) {
                if (!isOn(c)) {
                    continue;
                }
                if (c == current) {
                    pendingForCurrent.add(null);
                } else {
                    send(c, c.reply().resp3() ? RESP3_NULL : RESP2_NULL, true);
                }
            }
        }
        table.clear();
        totalItems = 0;
    }

    @Override
    public void beforeSwap(Database a, Database b) {
        // Redis 7.0's SWAPDB touches WATCHed keys but sends no tracking invalidation
    }

    /**
     * Writes one invalidation to the client or its redirect target. {@code value} is a key, or
     * with {@code encoded} a ready RESP value (a null for a flush, an array for a broadcast).
     */
    private void send(Client c, byte[] value, boolean encoded) {
        State s = c.trackingState;
        Client target = c;
        boolean redirected = false;
        if (s.redirect != 0) {
            target = server.client(s.redirect);
            if (target == null) {
                s.brokenRedirect = true;
                if (c.reply().resp3()) {
                    ReplyWriter r = c.reply();
                    r.raw(REDIR_BROKEN_PUSH);
                    r.integer(s.redirect);
                    server.markForFlush(c);
                }
                return;
            }
            redirected = true;
        }
        ReplyWriter r = target.reply();
        if (r.resp3()) {
            r.raw(INVALIDATE_PUSH);
        } else if (redirected && target.inPubSubMode()) {
            r.raw(INVALIDATE_MESSAGE);
        } else {
            return; // RESP2 has no way to push on a connection that is not subscribed
        }
        if (encoded) {
            r.raw(value);
        } else {
            r.array(1);
            r.bulk(value);
        }
        server.markForFlush(target);
    }

    /** End of an event-loop batch: one invalidation per prefix with the keys written under it. */
    public void broadcastPending() {
        if (trackingClients == 0 || prefixTable.isEmpty()) {
            return;
        }
        for (Broadcast b : prefixTable.values()) {
            if (b.keys.isEmpty()) {
                continue;
            }
            byte[] common = null;
            for (Client c : b.clients) {
                if (c.trackingState.noloop) {
                    byte[] own = encodeKeys(b.keys, c);
                    if (own != null) {
                        send(c, own, true);
                    }
                } else {
                    if (common == null) {
                        common = encodeKeys(b.keys, null);
                    }
                    send(c, common, true);
                }
            }
            b.keys.clear();
        }
    }

    /** The RESP array of the written keys, leaving out those {@code exclude} wrote; null if none remain. */
    private static byte[] encodeKeys(TreeMap<byte[], Client> written, Client exclude) {
        int count = 0;
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        for (Map.Entry<byte[], Client> e : written.entrySet()) {
            if (exclude != null && e.getValue() == exclude) {
                continue;
            }
            byte[] key = e.getKey();
            body.writeBytes(ascii("$" + key.length + "\r\n"));
            body.writeBytes(key);
            body.write('\r');
            body.write('\n');
            count++;
        }
        if (count == 0) {
            return null;
        }
        byte[] header = ascii("*" + count + "\r\n");
        byte[] out = Arrays.copyOf(header, header.length + body.size());
        System.arraycopy(body.toByteArray(), 0, out, header.length, body.size());
        return out;
    }

    /**
     * tracking-table-max-keys: when the table holds more keys, invalidate keys (as if written)
     * until it fits again, with an effort that grows each time one round was not enough.
     */
    void limitTableSize() {
        long max = maxKeys.value();
        if (max == 0 || table.size() <= max) {
            evictionRounds = 0;
            return;
        }
        int effort = 100 * (evictionRounds + 1);
        Client running = current;
        current = null; // an eviction is the server's doing: nobody's reply is in the way
        try {
            while (effort-- > 0 && !table.isEmpty()) {
                Iterator<TrackedKey> it = table.keySet().iterator();
                invalidate(it.next().bytes);
                if (table.size() <= max) {
                    evictionRounds = 0;
                    return;
                }
            }
            evictionRounds++;
        } finally {
            current = running;
        }
    }
}
