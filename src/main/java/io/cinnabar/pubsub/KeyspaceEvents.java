package io.cinnabar.pubsub;

import io.cinnabar.config.Config;
import io.cinnabar.config.ConfigException;
import io.cinnabar.config.Param;
import io.cinnabar.keyspace.Database;
import io.cinnabar.keyspace.KeyEvents;
import io.cinnabar.server.Server;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Publishes keyspace notifications the way Redis does: {@code __keyspace@<db>__:<key>} carries the
 * event name (class K), {@code __keyevent@<db>__:<event>} carries the key (class E). Acts on
 * notify-keyspace-events; only reached when a configured class asks for the event.
 */
public final class KeyspaceEvents implements KeyEvents.Publisher {
    private static final String PARAM = "notify-keyspace-events";
    private static final byte[] KEYSPACE_PREFIX = "__keyspace@".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEYEVENT_PREFIX = "__keyevent@".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEPARATOR = "__:".getBytes(StandardCharsets.US_ASCII);

    private final PubSub pubsub;
    /** Event names are a few dozen literals: their bytes are made once. */
    private final Map<String, byte[]> eventBytes = new HashMap<>();

    private KeyspaceEvents(PubSub pubsub) {
        this.pubsub = pubsub;
    }

    static void install(Server server, PubSub pubsub) {
        KeyEvents events = server.keyspace().events;
        events.attach(new KeyspaceEvents(pubsub));
        ClassesParam param = server.config().register(new ClassesParam());
        events.configure(param.flags);
        param.onChange(changed -> {
            int flags = ((ClassesParam) changed).flags;
            // CONFIG SET runs on the data thread: the next command of the batch already obeys it
            if (server.dataThread() == null || server.dataThread().inEventLoop()) {
                events.configure(flags);
            } else {
                server.dataThread().execute(() -> events.configure(flags));
            }
        });
    }

    /**
     * notify-keyspace-events. Redis reads back "AKEnm" as "AKEm" (with 'A' it prints no single
     * class) yet keeps 'n' in effect, so the flags come from the letters given, not the readback.
     */
    static final class ClassesParam extends Param {
        private String shown = "";
        int flags;

        ClassesParam() {
            super(PARAM, true);
        }

        @Override
        public String get() {
            return shown;
        }

        @Override
        protected void parseAndStore(String[] args) throws ConfigException {
            shown = Config.normalizeKeyspaceEvents(args);
            flags = KeyEvents.parse(String.join("", args));
        }
    }

    @Override
    public void publish(int flags, String event, Database db, byte[] key) {
        byte[] name = eventBytes.computeIfAbsent(event, e -> e.getBytes(StandardCharsets.US_ASCII));
        byte[] dbId = Integer.toString(db.id()).getBytes(StandardCharsets.US_ASCII);
        if ((flags & KeyEvents.KEYSPACE) != 0) {
            pubsub.publish(channel(KEYSPACE_PREFIX, dbId, key), name);
        }
        if ((flags & KeyEvents.KEYEVENT) != 0) {
            pubsub.publish(channel(KEYEVENT_PREFIX, dbId, name), key);
        }
    }

    private static byte[] channel(byte[] prefix, byte[] dbId, byte[] suffix) {
        byte[] c = new byte[prefix.length + dbId.length + SEPARATOR.length + suffix.length];
        System.arraycopy(prefix, 0, c, 0, prefix.length);
        System.arraycopy(dbId, 0, c, prefix.length, dbId.length);
        System.arraycopy(SEPARATOR, 0, c, prefix.length + dbId.length, SEPARATOR.length);
        System.arraycopy(suffix, 0, c, prefix.length + dbId.length + SEPARATOR.length, suffix.length);
        return c;
    }
}
