package io.cinnabar.pubsub;

import io.cinnabar.protocol.ReplyWriter;
import io.cinnabar.server.Client;
import io.cinnabar.server.Server;
import io.cinnabar.util.Glob;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Pub/sub as Redis 7.0 has it: channels, patterns and (standalone) shard channels as three
 * separate namespaces. Runs on the data thread. A published message is encoded once per frame
 * and its bytes are copied into each subscriber's reply buffer, which is flushed with the rest of
 * the batch. Keyspace notifications publish through {@link #publish}.
 */
public final class PubSub implements Server.ClientListener {

    /** The three namespaces, with the words of their confirmation replies. */
    public enum Kind {
        CHANNEL("subscribe", "unsubscribe"),
        PATTERN("psubscribe", "punsubscribe"),
        SHARD("ssubscribe", "sunsubscribe");

        final byte[] subscribeWord;
        final byte[] unsubscribeWord;

        Kind(String subscribe, String unsubscribe) {
            this.subscribeWord = subscribe.getBytes(StandardCharsets.US_ASCII);
            this.unsubscribeWord = unsubscribe.getBytes(StandardCharsets.US_ASCII);
        }
    }

    private final Server server;
    private final SubscriptionTable channels = new SubscriptionTable();
    private final SubscriptionTable patterns = new SubscriptionTable();
    private final SubscriptionTable shardChannels = new SubscriptionTable();
    private final MessageFrame frame = new MessageFrame();
    private final List<Client> overLimit = new ArrayList<>();

    private PubSub(Server server) {
        this.server = server;
    }

    /** Creates the module, attaches it to the server and binds its INFO fields and config. */
    public static PubSub install(Server server) {
        PubSub p = new PubSub(server);
        server.addClientListener(p);
        server.info().attach(PubSub.class, p);
        server.info().overrideField("pubsub_channels", () -> Integer.toString(p.channels.size()));
        server.info().overrideField("pubsub_patterns", () -> Integer.toString(p.patterns.size()));
        server.info().overrideField("pubsubshard_channels", () -> Integer.toString(p.shardChannels.size()));
        KeyspaceEvents.install(server, p);
        return p;
    }

    /** The module attached to a server, or null when pub/sub is not installed. */
    public static PubSub of(Server server) {
        return server.info().attachment(PubSub.class);
    }

    // ---------------------------------------------------------------- subscribing

    /** (P|S)SUBSCRIBE of one name, with its confirmation reply. */
    public void subscribe(Client c, Kind kind, byte[] name) {
        if (table(kind).subscribe(c, name)) {
            updateCounts(c);
        }
        confirm(c, kind.subscribeWord, kind, name);
    }

    /** (P|S)UNSUBSCRIBE of one name, with its confirmation reply (also when it was not held). */
    public void unsubscribe(Client c, Kind kind, byte[] name) {
        if (table(kind).unsubscribe(c, name)) {
            updateCounts(c);
        }
        confirm(c, kind.unsubscribeWord, kind, name);
    }

    /** (P|S)UNSUBSCRIBE without arguments: one reply per name held, or one with a null name if none. */
    public void unsubscribeAll(Client c, Kind kind) {
        List<byte[]> held = table(kind).namesOf(c);
        if (held.isEmpty()) {
            confirm(c, kind.unsubscribeWord, kind, null);
            return;
        }
        for (byte[] name : held) {
            unsubscribe(c, kind, name);
        }
    }

    private SubscriptionTable table(Kind kind) {
        return kind == Kind.CHANNEL ? channels : kind == Kind.PATTERN ? patterns : shardChannels;
    }

    /** The (p|s)(un)subscribe confirmation: word, name, and the count of that kind's family. */
    private static void confirm(Client c, byte[] word, Kind kind, byte[] name) {
        ReplyWriter r = c.reply();
        r.push(3);
        r.bulk(word);
        r.bulk(name);
        r.integer(kind == Kind.SHARD ? c.shardSubscriptions() : c.subscriptions() + c.patternSubscriptions());
    }

    private void updateCounts(Client c) {
        c.setSubscriptionCounts(channels.countOf(c), patterns.countOf(c), shardChannels.countOf(c));
    }

    /** Drops every subscription of a client without replies (disconnect, RESET, output limit). */
    private void dropAll(Client c) {
        if (!c.inPubSubMode()) {
            return;
        }
        for (Kind kind : Kind.values()) {
            SubscriptionTable table = table(kind);
            for (byte[] name : table.namesOf(c)) {
                table.unsubscribe(c, name);
            }
        }
        updateCounts(c);
        c.setOutputSoftLimitSince(0);
    }

    @Override
    public void clientClosed(Client c) {
        dropAll(c);
    }

    @Override
    public void clientReset(Client c) {
        dropAll(c);
    }

    // ---------------------------------------------------------------- publishing

    /**
     * PUBLISH: sends the message to the channel's subscribers, then to the clients of every
     * matching pattern; returns how many deliveries were made (a client reached through a channel
     * and two patterns counts three times, as in Redis).
     */
    public long publish(byte[] channel, byte[] message) {
        long receivers = 0;
        List<Client> direct = channels.subscribers(channel);
        if (direct != null) {
            frame.message(MessageFrame.MESSAGE, channel, message);
            receivers += deliver(direct);
        }
        if (!patterns.isEmpty()) {
            for (Map.Entry<ChannelName, List<Client>> e : patterns.entries()) {
                byte[] pattern = e.getKey().bytes();
                if (Glob.match(pattern, channel)) {
                    frame.patternMessage(pattern, channel, message);
                    receivers += deliver(e.getValue());
                }
            }
        }
        cutOffOverLimit();
        return receivers;
    }

    /** SPUBLISH: the shard channel's subscribers only (there is no shard pattern). */
    public long spublish(byte[] channel, byte[] message) {
        List<Client> direct = shardChannels.subscribers(channel);
        if (direct == null) {
            return 0;
        }
        frame.message(MessageFrame.SMESSAGE, channel, message);
        long receivers = deliver(direct);
        cutOffOverLimit();
        return receivers;
    }

    private int deliver(List<Client> subscribers) {
        for (int i = 0; i < subscribers.size(); i++) {
            Client c = subscribers.get(i);
            if (c.closeAfterReply()) {
                continue; // already cut off in this publish
            }
            frame.writeTo(c.reply());
            server.markForFlush(c);
            if (c.closeAfterReply()) {
                overLimit.add(c); // over client-output-buffer-limit
            }
        }
        return subscribers.size();
    }

    /** Drops the subscriptions of the clients cut off during this publish (not while walking lists). */
    private void cutOffOverLimit() {
        if (overLimit.isEmpty()) {
            return;
        }
        for (Client c : overLimit) {
            dropAll(c);
        }
        overLimit.clear();
    }

    // ---------------------------------------------------------------- introspection

    /** PUBSUB CHANNELS / SHARDCHANNELS: names with subscribers matching the pattern (all if null). */
    public List<byte[]> channels(byte[] pattern, boolean shard) {
        List<byte[]> out = new ArrayList<>();
        for (Map.Entry<ChannelName, List<Client>> e : (shard ? shardChannels : channels).entries()) {
            byte[] name = e.getKey().bytes();
            if (pattern == null || Glob.match(pattern, name)) {
                out.add(name);
            }
        }
        return out;
    }

    /** PUBSUB NUMSUB / SHARDNUMSUB for one name. */
    public int subscriberCount(byte[] channel, boolean shard) {
        List<Client> list = (shard ? shardChannels : channels).subscribers(channel);
        return list == null ? 0 : list.size();
    }

    /** PUBSUB NUMPAT: distinct patterns with at least one subscriber (Redis 7.0 counts patterns, not clients). */
    public int patternCount() {
        return patterns.size();
    }
}
