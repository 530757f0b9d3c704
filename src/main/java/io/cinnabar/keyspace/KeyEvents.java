package io.cinnabar.keyspace;

/**
 * Keyspace notifications, as Redis's notifyKeyspaceEvent: commands announce what they did to a
 * key with a class flag and Redis's event name; the configured classes (notify-keyspace-events)
 * decide whether anything is published. When notifications are off the whole cost is one int test.
 * The publishing side (channel names, pub/sub) is attached by the pub/sub module.
 */
public final class KeyEvents {
    // Redis's NOTIFY_* bits, so the class letters map one to one.
    public static final int KEYSPACE = 1;
    public static final int KEYEVENT = 1 << 1;
    public static final int GENERIC = 1 << 2;
    public static final int STRING = 1 << 3;
    public static final int LIST = 1 << 4;
    public static final int SET = 1 << 5;
    public static final int HASH = 1 << 6;
    public static final int ZSET = 1 << 7;
    public static final int EXPIRED = 1 << 8;
    public static final int EVICTED = 1 << 9;
    public static final int STREAM = 1 << 10;
    public static final int KEY_MISS = 1 << 11;
    public static final int MODULE = 1 << 12;
    public static final int NEW = 1 << 13;
    /** 'A': every class but key-miss and new, which must be asked for by name. */
    public static final int ALL = GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;

    /** Receives the events that pass the class test. */
    public interface Publisher {
        void publish(int flags, String event, Database db, byte[] key);
    }

    /** Classes that publish; zero unless at least one of K and E is also set. */
    private int enabled;
    private int flags;
    private Publisher publisher;

    /** Announces an event on a key; publishes only if its class is configured. */
    public void notify(int type, String event, Database db, byte[] key) {
        if ((enabled & type) == 0) {
            return;
        }
        publisher.publish(flags, event, db, key);
    }

    /** True when events of this class would be published (to skip building costly arguments). */
    public boolean wants(int type) {
        return (enabled & type) != 0;
    }

    public void attach(Publisher publisher) {
        this.publisher = publisher;
        enabled = publisher == null ? 0 : activeClasses(flags);
    }

    /** Sets the configured classes (a flag word, see {@link #parse}). */
    public void configure(int flags) {
        this.flags = flags;
        enabled = publisher == null ? 0 : activeClasses(flags);
    }

    public int flags() {
        return flags;
    }

    private static int activeClasses(int flags) {
        return (flags & (KEYSPACE | KEYEVENT)) == 0 ? 0 : flags & ~(KEYSPACE | KEYEVENT);
    }

    /** The flag word of a class string such as "AKE" or "Kl$" (already validated by the config). */
    public static int parse(String classes) {
        int f = 0;
        for (int i = 0; i < classes.length(); i++) {
            f |= switch (classes.charAt(i)) {
                case 'A' -> ALL;
                case 'g' -> GENERIC;
                case '$' -> STRING;
                case 'l' -> LIST;
                case 's' -> SET;
                case 'h' -> HASH;
                case 'z' -> ZSET;
                case 'x' -> EXPIRED;
                case 'e' -> EVICTED;
                case 'K' -> KEYSPACE;
                case 'E' -> KEYEVENT;
                case 't' -> STREAM;
                case 'm' -> KEY_MISS;
                case 'd' -> MODULE;
                case 'n' -> NEW;
                default -> 0;
            };
        }
        return f;
    }
}
