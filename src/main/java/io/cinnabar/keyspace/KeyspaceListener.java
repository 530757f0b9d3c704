package io.cinnabar.keyspace;

/**
 * The write choke point: every change to a key is announced before it happens and after. WATCH,
 * client tracking, keyspace events and the fork-less snapshot attach here.
 */
public interface KeyspaceListener {
    /** The key is about to change (be set, modified, expired or deleted). */
    default void beforeWrite(Database db, byte[] key) {}

    /** The key has changed; {@code value} is its new value, or null if it no longer exists. */
    default void afterWrite(Database db, byte[] key, Object value) {}

    /** Every key of the database is about to go (FLUSHDB, FLUSHALL). */
    default void beforeFlush(Database db) {}

    /** SWAPDB is about to exchange the contents of two databases. */
    default void beforeSwap(Database a, Database b) {
        beforeFlush(a);
        beforeFlush(b);
    }
}
