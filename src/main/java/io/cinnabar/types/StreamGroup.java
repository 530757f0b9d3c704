package io.cinnabar.types;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * A consumer group of a stream (Redis's streamCG): the last delivered ID, the entries-read
 * counter, the pending entries list (PEL) and the consumers, each with its own view of the PEL.
 * Consumers are kept in byte order of their names, as Redis's radix tree lists them.
 */
public final class StreamGroup {
    /** Redis's SCG_INVALID_ENTRIES_READ: the group's read counter is unknown. */
    public static final long UNKNOWN_ENTRIES_READ = -1;
    private static final long GROUP_BYTES = 160;
    private static final long CONSUMER_BYTES = 120;
    private static final long PENDING_BYTES = 120;

    /** One delivered, not yet acknowledged entry (Redis's streamNACK). */
    public static final class Pending {
        public long deliveryTime;
        public long deliveryCount;
        public Consumer consumer;

        Pending(Consumer consumer, long now) {
            this.consumer = consumer;
            this.deliveryTime = now;
            this.deliveryCount = 1;
        }
    }

    public static final class Consumer {
        public final byte[] name;
        public long seenTime;
        public final TreeMap<StreamId, Pending> pending = new TreeMap<>();

        Consumer(byte[] name, long now) {
            this.name = name;
            this.seenTime = now;
        }
    }

    private final StreamValue owner;
    public StreamId lastId;
    public long entriesRead;
    public final TreeMap<StreamId, Pending> pending = new TreeMap<>();
    public final TreeMap<byte[], Consumer> consumers = new TreeMap<>(Arrays::compareUnsigned);

    StreamGroup(StreamValue owner, StreamId lastId, long entriesRead) {
        this.owner = owner;
        this.lastId = lastId;
        this.entriesRead = entriesRead;
        owner.charge(GROUP_BYTES);
    }

    /** A deep copy belonging to {@code newOwner} (COPY). */
    StreamGroup copyFor(StreamValue newOwner) {
        StreamGroup g = new StreamGroup(newOwner, lastId, entriesRead);
        for (Consumer c : consumers.values()) {
            Consumer copy = g.createConsumer(c.name, c.seenTime);
            for (Map.Entry<StreamId, Pending> e : c.pending.entrySet()) {
                Pending p = new Pending(copy, e.getValue().deliveryTime);
                p.deliveryCount = e.getValue().deliveryCount;
                copy.pending.put(e.getKey(), p);
                g.pending.put(e.getKey(), p);
                newOwner.charge(PENDING_BYTES);
            }
        }
        return g;
    }

    static long memoryOf(StreamGroup g) {
        long bytes = GROUP_BYTES + (long) g.pending.size() * PENDING_BYTES;
        for (Consumer c : g.consumers.values()) {
            bytes += CONSUMER_BYTES + Values.byteArraySize(c.name.length);
        }
        return bytes;
    }

    public Consumer consumer(byte[] name) {
        return consumers.get(name);
    }

    /** A new consumer, or null if one with this name exists. */
    public Consumer createConsumer(byte[] name, long now) {
        if (consumers.containsKey(name)) {
            return null;
        }
        Consumer c = new Consumer(name.clone(), now);
        consumers.put(c.name, c);
        owner.charge(CONSUMER_BYTES + Values.byteArraySize(name.length));
        return c;
    }

    /** Deletes a consumer and its pending entries; returns how many it had pending. */
    public int deleteConsumer(Consumer c) {
        int n = c.pending.size();
        for (StreamId id : c.pending.keySet()) {
            pending.remove(id);
        }
        consumers.remove(c.name);
        owner.charge(-(CONSUMER_BYTES + Values.byteArraySize(c.name.length) + (long) n * PENDING_BYTES));
        return n;
    }

    /**
     * Records the delivery of {@code id} to {@code consumer}: a new pending entry, or one taken
     * over from whoever had it with its count reset, as Redis does when a re-read meets an entry
     * still pending.
     */
    public void deliver(StreamId id, Consumer consumer, long now) {
        Pending p = pending.get(id);
        if (p == null) {
            p = new Pending(consumer, now);
            pending.put(id, p);
            owner.charge(PENDING_BYTES);
        } else {
            p.consumer.pending.remove(id);
            p.consumer = consumer;
            p.deliveryTime = now;
            p.deliveryCount = 1;
        }
        consumer.pending.put(id, p);
    }

    /** XACK of one ID: true if it was pending. */
    public boolean acknowledge(StreamId id) {
        Pending p = pending.remove(id);
        if (p == null) {
            return false;
        }
        p.consumer.pending.remove(id);
        owner.charge(-PENDING_BYTES);
        return true;
    }

    /** XCLAIM FORCE: a pending entry nobody holds yet, to be handed over by {@link #transfer}. */
    public Pending createUnowned(StreamId id, long now) {
        Pending p = new Pending(null, now);
        pending.put(id, p);
        owner.charge(PENDING_BYTES);
        return p;
    }

    /** Hands a pending entry over to {@code to} (XCLAIM, XAUTOCLAIM). */
    public void transfer(StreamId id, Pending p, Consumer to) {
        if (p.consumer == to) {
            return;
        }
        if (p.consumer != null) {
            p.consumer.pending.remove(id);
        }
        to.pending.put(id, p);
        p.consumer = to;
    }
}
