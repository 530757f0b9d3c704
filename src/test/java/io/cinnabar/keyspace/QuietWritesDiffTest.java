package io.cinnabar.keyspace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RedisOracle;
import io.cinnabar.testing.RespClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Writes Redis 7.0.15 makes without signalling the key (consumer-group state, an HLL or bitmap
 * made raw, a sorted set converted by SORT) next to the ones it does signal, run on both servers:
 * for each, whether a WATCH on the key survives, whether a tracking client that read the key is
 * sent an invalidation, the command's reply and the key's encoding afterwards must all agree.
 */
@Timeout(120)
class QuietWritesDiffTest {
    @AutoClose
    private static final RedisOracle redis = RedisOracle.start();
    @AutoClose
    private static final CinnabarFixture cinnabar = CinnabarFixture.start();

    private static final String[][] STREAM_SETUP = {
        {"XADD", "k", "1-0", "f", "v"}, {"XADD", "k", "2-0", "f", "v"}, {"XGROUP", "CREATE", "k", "g", "0"},
        {"XGROUP", "CREATECONSUMER", "k", "g", "c1"},
    };
    private static final String[] READ_ONE = {"XREADGROUP", "GROUP", "g", "c1", "COUNT", "1", "STREAMS", "k", ">"};

    @Test
    void streamGroupStateIsQuiet() {
        expectSame("XREADGROUP >", STREAM_SETUP, READ_ONE);
        expectSame("XREADGROUP > by a new consumer", STREAM_SETUP, "XREADGROUP", "GROUP", "g", "c9", "STREAMS", "k", ">");
        expectSame("XREADGROUP NOACK", STREAM_SETUP, "XREADGROUP", "GROUP", "g", "c1", "NOACK", "STREAMS", "k", ">");
        expectSame("XREADGROUP history by a new consumer", STREAM_SETUP, "XREADGROUP", "GROUP", "g", "c9", "STREAMS", "k", "0");
        expectSame("XCLAIM", withReadOne(), "XCLAIM", "k", "g", "c2", "0", "1-0");
        expectSame("XCLAIM JUSTID of nothing", withReadOne(), "XCLAIM", "k", "g", "c2", "0", "9-0", "JUSTID");
        expectSame("XAUTOCLAIM", withReadOne(), "XAUTOCLAIM", "k", "g", "c2", "0", "0");
        expectSame("XACK", withReadOne(), "XACK", "k", "g", "1-0");
        expectSame("XGROUP CREATE", STREAM_SETUP, "XGROUP", "CREATE", "k", "g2", "$");
        expectSame("XGROUP SETID", STREAM_SETUP, "XGROUP", "SETID", "k", "g", "1-0");
        expectSame("XGROUP CREATECONSUMER", STREAM_SETUP, "XGROUP", "CREATECONSUMER", "k", "g", "c3");
        expectSame("XGROUP DELCONSUMER", withReadOne(), "XGROUP", "DELCONSUMER", "k", "g", "c1");
        expectSame("XGROUP DESTROY", STREAM_SETUP, "XGROUP", "DESTROY", "k", "g");
        expectSame("XSETID", STREAM_SETUP, "XSETID", "k", "5-0");
        // signalled, for contrast
        expectSame("XADD", STREAM_SETUP, "XADD", "k", "3-0", "f", "v");
        expectSame("XGROUP CREATE MKSTREAM", new String[][] {{"SET", "other", "x"}}, "XGROUP", "CREATE", "k", "g", "$", "MKSTREAM");
    }

    private static String[][] withReadOne() {
        String[][] setup = java.util.Arrays.copyOf(STREAM_SETUP, STREAM_SETUP.length + 1);
        setup[STREAM_SETUP.length] = READ_ONE;
        return setup;
    }

    @Test
    void hyperLogLogUnsharingIsQuiet() {
        String[] sparse;
        String[] cached;
        try (RespClient c = redis.client()) {
            c.call("FLUSHALL");
            c.call("PFADD", "tmp", "a", "b", "c");
            sparse = new String[] {"SET", "k", c.callValue("GET", "tmp").toString()};
            c.call("PFCOUNT", "tmp");
            cached = new String[] {"SET", "k", c.callValue("GET", "tmp").toString()};
        }
        expectSame("PFADD of a counted element to an embstr HLL", new String[][] {cached}, "PFADD", "k", "a");
        expectSame("PFCOUNT of an embstr HLL from its cache", new String[][] {cached}, "PFCOUNT", "k");
        // signalled, for contrast: a register changes, or the cache is recomputed
        expectSame("PFADD of a new element to an embstr HLL", new String[][] {cached}, "PFADD", "k", "zz");
        expectSame("PFCOUNT of an embstr HLL without a cache", new String[][] {sparse}, "PFCOUNT", "k");
        expectSame("PFCOUNT of a raw HLL from its cache", new String[][] {{"PFADD", "k", "a"}, {"PFCOUNT", "k"}}, "PFCOUNT", "k");
    }

    @Test
    void bitmapReencodingIsQuiet() {
        expectSame("SETBIT unchanged on an int", new String[][] {{"SET", "k", "12"}}, "SETBIT", "k", "0", "0");
        expectSame("SETBIT unchanged on an embstr", new String[][] {{"SET", "k", "ab"}}, "SETBIT", "k", "0", "0");
        expectSame("BITFIELD SET of the same value on an embstr", new String[][] {{"SET", "k", "a"}}, "BITFIELD", "k", "SET", "u8", "0", "97");
        expectSame("BITFIELD INCRBY 0 on an embstr", new String[][] {{"SET", "k", "a"}}, "BITFIELD", "k", "INCRBY", "u8", "0", "0");
        // signalled, for contrast: a bit flips, or the string grows
        expectSame("SETBIT flipping a bit of an int", new String[][] {{"SET", "k", "12"}}, "SETBIT", "k", "0", "1");
        expectSame("SETBIT growing an embstr", new String[][] {{"SET", "k", "ab"}}, "SETBIT", "k", "100", "0");
        expectSame("BITFIELD changing an embstr", new String[][] {{"SET", "k", "a"}}, "BITFIELD", "k", "SET", "u8", "0", "98");
    }

    @Test
    void sortConvertsListpackSortedSetQuietly() {
        String[][] zset = {{"ZADD", "k", "1", "a", "2", "b"}};
        expectSame("SORT BY nosort", zset, "SORT", "k", "BY", "nosort");
        expectSame("SORT ALPHA", zset, "SORT", "k", "ALPHA");
        expectSame("SORT_RO", zset, "SORT_RO", "k");
        expectSame("SORT of a skiplist", new String[][] {{"ZADD", "k", "1", "a"}, {"SORT", "k"}}, "SORT", "k", "DESC");
    }

    /** Runs the case on both servers and compares what the watcher, tracker and actor saw. */
    private static void expectSame(String name, String[][] setup, String... action) {
        String theirs = observe(redis::client, setup, action);
        String ours = observe(cinnabar::client, setup, action);
        assertEquals(theirs, ours, name);
    }

    private static String observe(java.util.function.Supplier<RespClient> connect, String[][] setup, String[] action) {
        try (RespClient actor = connect.get(); RespClient watcher = connect.get(); RespClient tracker = connect.get()) {
            actor.call("FLUSHALL");
            for (String[] command : setup) {
                actor.call(command);
            }
            tracker.call("HELLO", "3");
            tracker.call("CLIENT", "TRACKING", "ON");
            tracker.call("EXISTS", "k");
            watcher.call("WATCH", "k");
            String reply = actor.call(action).toString();
            String encoding = actor.call("OBJECT", "ENCODING", "k").toString();
            watcher.call("MULTI");
            watcher.call("PING");
            String exec = watcher.call("EXEC").toString();
            List<String> pushes = new ArrayList<>();
            tracker.send("PING", "marker");
            while (true) {
                RespClient.Reply r = tracker.read();
                if (r.raw[0] == '>') {
                    pushes.add(r.toString());
                } else {
                    break;
                }
            }
            return "reply " + reply + "; encoding " + encoding + "; exec " + exec + "; invalidations " + pushes;
        }
    }
}
