package io.cinnabar.commands;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandError;
import io.cinnabar.command.Rewrites;
import io.cinnabar.config.Param;
import io.cinnabar.keyspace.Database;
import io.cinnabar.keyspace.KeyEvents;
import io.cinnabar.keyspace.KeyTable;
import io.cinnabar.persistence.rdb.DumpPayload;
import io.cinnabar.server.MigrateSockets;
import io.cinnabar.server.Server;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password]
 * [AUTH2 username password] [KEYS key ...], as Redis 7.0's cluster.c: the keys travel as
 * {@code RESTORE key ttl payload [REPLACE]} with the DUMP payload and the remaining time to live,
 * preceded by AUTH when given and by SELECT when the cached connection has not selected the
 * database yet, all sent before the first reply is read; each acknowledged key is then deleted
 * here (unless COPY) and the call propagates as DEL of those keys. Redis sends RESTORE-ASKING
 * instead only with cluster-enabled, which Cinnabar does not have.
 *
 * <p>The network I/O happens synchronously on the data thread, bounded by the timeout for each
 * step, exactly as Redis does it on its main thread: the command is atomic, so no other command
 * may see the keys half moved, and a caller reading +OK knows the target has them. Connections
 * are cached per host:port for 10 s ({@link MigrateSockets}). As in Redis, a failure on a cached
 * connection before anything was acknowledged (the target closed it meanwhile) is retried once on
 * a new one, unless it was a timeout.
 */
public final class MigrateCommand {
    private static final String CONNECT_ERROR = "IOERR error or timeout connecting to the client";
    private static final String WRITE_ERROR = "IOERR error or timeout writing to target instance";
    private static final String READ_ERROR = "IOERR error or timeout reading to target instance";
    private static final byte[] AUTH = ascii("AUTH");
    private static final byte[] SELECT = ascii("SELECT");
    private static final byte[] RESTORE = ascii("RESTORE");
    private static final byte[] REPLACE = ascii("REPLACE");
    /** Redis reads each reply line into a 1 KB buffer. */
    private static final int REPLY_LINE_BYTES = 1024;

    private final MigrateSockets sockets = new MigrateSockets();
    private final Param.Bool compression;
    private final Server server;
    private boolean closesAtShutdown;
    /** Each reply line from the target, read into Redis's 1 KB; data thread only. */
    private final byte[] line = new byte[REPLY_LINE_BYTES];

    private MigrateCommand(Server server) {
        this.server = server;
        server.config().markEffective("rdbcompression");
        compression = (Param.Bool) server.config().find("rdbcompression");
    }

    static void install(Server server) {
        MigrateCommand m = new MigrateCommand(server);
        server.commandTable().bind("migrate", m::migrate);
        server.addCronTask(() -> m.sockets.closeIdle(System.currentTimeMillis()));
        server.info().overrideField("migrate_cached_sockets", () -> Integer.toString(m.sockets.size()));
    }

    /** One call: what its arguments ask for, then the keys found and their RESTORE commands. */
    private static final class Migration {
        String host;
        String port;
        long dbid;
        long timeout;
        boolean copy;
        boolean replace;
        byte[] username;
        byte[] password;
        int firstKey = 3;
        int keyCount = 1;
        byte[][] keys;
        int found;
        byte[] restores;
    }

    private void migrate(CommandContext ctx) {
        Migration m = parseOptions(ctx);
        m.timeout = ctx.argLong(5);
        m.dbid = ctx.argLong(4);
        if (m.timeout <= 0) {
            m.timeout = 1000;
        }
        Database db = ctx.db();
        m.keys = new byte[m.keyCount][];
        Object[] values = new Object[m.keyCount];
        for (int i = 0; i < m.keyCount; i++) {
            byte[] key = ctx.arg(m.firstKey + i);
            Object value = db.get(key);
            if (value != null) {
                m.keys[m.found] = key;
                values[m.found++] = value;
            }
        }
        if (m.found == 0) {
            // nothing to move is no error: the key has often just expired
            ctx.reply.simple("NOKEY");
            return;
        }
        m.restores = restoreCommands(db, m.keys, values, m.found, m.replace);
        m.host = new String(ctx.arg(1), StandardCharsets.ISO_8859_1);
        m.port = new String(ctx.arg(2), StandardCharsets.ISO_8859_1);
        for (boolean mayRetry = true; ; mayRetry = false) {
            if (attempt(ctx, m, mayRetry)) {
                return;
            }
        }
    }

    private static Migration parseOptions(CommandContext ctx) {
        Migration o = new Migration();
        for (int i = 6; i < ctx.argc(); i++) {
            int more = ctx.argc() - 1 - i;
            if (ctx.argIs(i, "copy")) {
                o.copy = true;
            } else if (ctx.argIs(i, "replace")) {
                o.replace = true;
            } else if (ctx.argIs(i, "auth") && more >= 1) {
                o.password = ctx.arg(++i);
            } else if (ctx.argIs(i, "auth2") && more >= 2) {
                o.username = ctx.arg(++i);
                o.password = ctx.arg(++i);
            } else if (ctx.argIs(i, "keys")) {
                if (ctx.arg(3).length != 0) {
                    throw new CommandError("ERR When using MIGRATE KEYS option, the key argument"
                            + " must be set to the empty string");
                }
                o.firstKey = i + 1;
                o.keyCount = ctx.argc() - i - 1;
                break;
            } else {
                throw CommandError.syntax();
            }
        }
        return o;
    }

    /**
     * One try over one connection: true when the command has its reply (or error), false to try
     * again on a fresh connection. Redis retries once when a connection fails before the target
     * acknowledged anything, which is what a cached connection the target closed looks like.
     */
    private boolean attempt(CommandContext ctx, Migration m, boolean mayRetry) {
        MigrateSockets.Link link;
        try {
            link = sockets.get(m.host, m.port, System.currentTimeMillis());
        } catch (IOException e) {
            throw new CommandError(CONNECT_ERROR);
        }
        closeAtShutdown();
        boolean select = link.selectedDb != m.dbid;
        RespRequest prefix = new RespRequest(64);
        if (m.password != null) {
            prefix.array(m.username != null ? 3 : 2).bulk(AUTH);
            if (m.username != null) {
                prefix.bulk(m.username);
            }
            prefix.bulk(m.password);
        }
        if (select) {
            prefix.array(2).bulk(SELECT).bulk(Rewrites.decimal(m.dbid));
        }
        try {
            link.write(prefix.bytes, prefix.length, m.timeout);
            link.write(m.restores, m.restores.length, m.timeout);
        } catch (IOException e) {
            return failed(link, e, mayRetry, WRITE_ERROR);
        }
        String prefixError;
        try {
            String authError = m.password != null ? errorIn(link.readLine(line, m.timeout)) : null;
            String selectError = select ? errorIn(link.readLine(line, m.timeout)) : null;
            prefixError = authError != null ? authError : selectError;
        } catch (IOException e) {
            return failed(link, e, mayRetry, READ_ERROR);
        }
        return takeRestoreReplies(ctx, m, link, prefixError, mayRetry);
    }

    /**
     * Reads a RESTORE reply per key and deletes each acknowledged key here (unless COPY). A failed
     * AUTH or SELECT fails every key, and the first error is the reply, as in Redis.
     */
    private boolean takeRestoreReplies(CommandContext ctx, Migration m, MigrateSockets.Link link, String prefixError,
            boolean mayRetry) {
        String targetError = null;
        IOException readFailure = null;
        byte[][] moved = new byte[m.found + 1][];
        int movedCount = 0;
        Database db = ctx.db();
        int acknowledged = 0;
        for (; acknowledged < m.found; acknowledged++) {
            String error;
            try {
                error = errorIn(link.readLine(line, m.timeout));
            } catch (IOException e) {
                readFailure = e;
                break;
            }
            if (prefixError != null || error != null) {
                if (targetError == null) {
                    link.selectedDb = -1; // the target's selected database is no longer known
                    targetError = prefixError != null ? prefixError : error;
                }
            } else if (!m.copy) {
                byte[] key = m.keys[acknowledged];
                db.delete(key);
                db.notify(KeyEvents.GENERIC, "del", key);
                moved[++movedCount] = key;
            }
        }
        if (readFailure != null && targetError == null && acknowledged == 0 && mayRetry
                && !(readFailure instanceof SocketTimeoutException)) {
            sockets.close(link);
            return false;
        }
        if (readFailure != null) {
            sockets.close(link);
        }
        if (movedCount > 0) {
            moved[0] = Rewrites.DEL;
            ctx.propagateAs(Arrays.copyOf(moved, movedCount + 1));
        }
        if (targetError != null) {
            throw new CommandError("ERR Target instance replied with error: " + targetError);
        }
        if (readFailure != null) {
            throw new CommandError(READ_ERROR);
        }
        link.selectedDb = m.dbid;
        ctx.reply.ok();
        return true;
    }

    /** The text after the '-' when the reply line just read is an error, else null. */
    private String errorIn(int length) {
        return length > 0 && line[0] == '-' ? new String(line, 1, length - 1, StandardCharsets.ISO_8859_1) : null;
    }

    /** Closes the connection after an I/O failure; retries unless it timed out or was the retry. */
    private boolean failed(MigrateSockets.Link link, IOException e, boolean mayRetry, String error) {
        sockets.close(link);
        if (mayRetry && !(e instanceof SocketTimeoutException)) {
            return false;
        }
        throw new CommandError(error);
    }

    /** The cached connections die with the data thread: no timer is left to close them after it. */
    private void closeAtShutdown() {
        if (!closesAtShutdown && server.dataThread() != null) {
            closesAtShutdown = true;
            server.dataThread().terminationFuture().addListener(f -> sockets.closeAll());
        }
    }

    /**
     * The RESTORE commands for the keys found, with the time each has left: a key found live
     * has at least a millisecond left by the command clock, the least Redis sends.
     */
    private byte[] restoreCommands(Database db, byte[][] keys, Object[] values, int count, boolean replace) {
        RespRequest request = new RespRequest(256);
        long now = db.keyspace().now();
        boolean compress = compression.value();
        for (int i = 0; i < count; i++) {
            long expireAt = db.getExpire(keys[i]);
            long ttl = expireAt == KeyTable.NO_EXPIRE ? 0 : Math.max(1, expireAt - now);
            request.array(replace ? 5 : 4).bulk(RESTORE).bulk(keys[i]).bulk(Rewrites.decimal(ttl))
                    .bulk(DumpPayload.of(values[i], compress));
            if (replace) {
                request.bulk(REPLACE);
            }
        }
        return request.bytes.length == request.length ? request.bytes : Arrays.copyOf(request.bytes, request.length);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Commands in RESP, built into one growing array. */
    private static final class RespRequest {
        byte[] bytes;
        int length;

        RespRequest(int capacity) {
            bytes = new byte[capacity];
        }

        RespRequest array(int count) {
            header('*', count);
            return this;
        }

        RespRequest bulk(byte[] arg) {
            header('$', arg.length);
            put(arg, arg.length);
            put(CRLF, 2);
            return this;
        }

        private void header(char type, long n) {
            byte[] digits = Rewrites.decimal(n);
            ensure(digits.length + 3);
            bytes[length++] = (byte) type;
            put(digits, digits.length);
            put(CRLF, 2);
        }

        private void put(byte[] b, int n) {
            ensure(n);
            System.arraycopy(b, 0, bytes, length, n);
            length += n;
        }

        private void ensure(int more) {
            if (length + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
            }
        }

        private static final byte[] CRLF = {'\r', '\n'};
    }
}
