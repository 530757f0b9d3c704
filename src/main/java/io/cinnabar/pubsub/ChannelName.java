package io.cinnabar.pubsub;

import io.cinnabar.util.ByteHash;
import java.util.Arrays;

/**
 * A channel or pattern name as a hash key. The bytes are never changed once the name is stored;
 * {@link #probe} re-points a single reusable instance so that looking a name up allocates nothing.
 */
final class ChannelName {
    private byte[] bytes;
    private int hash;

    ChannelName(byte[] bytes) {
        probe(bytes);
    }

    /** Points this (lookup-only) instance at other bytes. */
    ChannelName probe(byte[] name) {
        this.bytes = name;
        this.hash = ByteHash.hash(name);
        return this;
    }

    byte[] bytes() {
        return bytes;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelName && Arrays.equals(bytes, ((ChannelName) o).bytes);
    }
}
