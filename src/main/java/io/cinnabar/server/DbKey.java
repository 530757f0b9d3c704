package io.cinnabar.server;

import java.util.Arrays;

/** A key in a numbered database, as a map key (blocked and watching clients are indexed by it). */
public final class DbKey {
    public final int db;
    public final byte[] key;
    private final int hash;

    public DbKey(int db, byte[] key) {
        this.db = db;
        this.key = key;
        this.hash = 31 * db + Arrays.hashCode(key);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DbKey && ((DbKey) o).db == db && Arrays.equals(((DbKey) o).key, key);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
