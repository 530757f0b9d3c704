package io.cinnabar.pubsub;

import io.cinnabar.server.Client;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * One namespace of subscriptions (channels, patterns or shard channels): for each name its
 * subscribers in subscription order, which is the order they receive a message, and for each
 * client the names it holds in the order it subscribed, which is the order a bare UNSUBSCRIBE
 * reports them. Data thread only.
 */
final class SubscriptionTable {
    private final Map<ChannelName, List<Client>> subscribers = new HashMap<>();
    private final Map<Client, LinkedHashSet<ChannelName>> byClient = new IdentityHashMap<>();
    private final ChannelName probe = new ChannelName(new byte[0]);

    /** Adds a subscription; false if the client already had it. */
    boolean subscribe(Client c, byte[] name) {
        LinkedHashSet<ChannelName> mine = byClient.computeIfAbsent(c, k -> new LinkedHashSet<>());
        if (mine.contains(probe.probe(name))) {
            return false;
        }
        ChannelName key = new ChannelName(name);
        mine.add(key);
        subscribers.computeIfAbsent(key, k -> new ArrayList<>(4)).add(c);
        return true;
    }

    /** Removes a subscription; false if the client did not have it. */
    boolean unsubscribe(Client c, byte[] name) {
        LinkedHashSet<ChannelName> mine = byClient.get(c);
        if (mine == null || !mine.remove(probe.probe(name))) {
            return false;
        }
        if (mine.isEmpty()) {
            byClient.remove(c);
        }
        List<Client> list = subscribers.get(probe.probe(name));
        list.remove(c);
        if (list.isEmpty()) {
            subscribers.remove(probe.probe(name));
        }
        return true;
    }

    /** The names a client holds, as a copy it may unsubscribe from while walking. */
    List<byte[]> namesOf(Client c) {
        LinkedHashSet<ChannelName> mine = byClient.get(c);
        List<byte[]> out = new ArrayList<>(mine == null ? 0 : mine.size());
        if (mine != null) {
            for (ChannelName n : mine) {
                out.add(n.bytes());
            }
        }
        return out;
    }

    int countOf(Client c) {
        LinkedHashSet<ChannelName> mine = byClient.get(c);
        return mine == null ? 0 : mine.size();
    }

    /** The subscribers of a name in subscription order, or null when it has none. */
    List<Client> subscribers(byte[] name) {
        return subscribers.get(probe.probe(name));
    }

    /** Every name with at least one subscriber, with its subscribers. */
    Collection<Map.Entry<ChannelName, List<Client>>> entries() {
        return subscribers.entrySet();
    }

    int size() {
        return subscribers.size();
    }

    boolean isEmpty() {
        return subscribers.isEmpty();
    }
}
