package io.cinnabar.keyspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.cinnabar.types.StreamId;
import io.cinnabar.types.StreamValue;
import io.cinnabar.types.ZSetValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Database#modifiedQuietly} and {@link Database#replaceQuietly}: the memory total follows
 * the value as a signalled write would make it, while no listener hears of the change, and the
 * expiry stays.
 */
@Timeout(30)
class DatabaseQuietWritesTest {
    private static final byte[] KEY = "k".getBytes(StandardCharsets.UTF_8);

    private final Keyspace keyspace = new Keyspace(2);
    private final List<String> heard = new ArrayList<>();

    DatabaseQuietWritesTest() {
        keyspace.addListener(new KeyspaceListener() {
            @Override
            public void beforeWrite(Database db, byte[] key) {
                heard.add("before");
            }

            @Override
            public void afterWrite(Database db, byte[] key, Object value) {
                heard.add("after");
            }
        });
    }

    /** What the memory total would be with {@code value} stored fresh in an empty database. */
    private long chargedFresh(Object value) {
        Database other = keyspace.db(1);
        other.clear();
        other.set(KEY, value, KeyTable.NO_EXPIRE);
        long m = other.memory();
        other.clear();
        return m;
    }

    @Test
    void modifiedQuietlyRechargesAndCountsTheChangeButAnnouncesNothing() {
        Database db = keyspace.db(0);
        StreamValue s = new StreamValue();
        byte[][] fv = {"f".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8)};
        s.append(new StreamId(1, 0), fv, 0, 2, 4096, 100);
        db.set(KEY, s, KeyTable.NO_EXPIRE);
        long before = db.memory();
        long dirty = keyspace.dirty();
        heard.clear();
        s.createGroup("g".getBytes(StandardCharsets.UTF_8), StreamId.MIN, 0)
                .createConsumer("a-consumer-name".getBytes(StandardCharsets.UTF_8), 0);
        db.modifiedQuietly(KEY);
        assertEquals(List.of(), heard);
        assertEquals(dirty + 1, keyspace.dirty());
        long after = db.memory();
        assertEquals(chargedFresh(s), after);
        assertFalse(after == before, "a group and a consumer cost memory");
    }

    @Test
    void replaceQuietlyKeepsExpiryAndRecharges() {
        Database db = keyspace.db(0);
        ZSetValue z = ZSetValue.newListpack();
        for (int i = 0; i < 20; i++) {
            z.add(i, ("member-" + i).getBytes(StandardCharsets.UTF_8), 0, new ZSetValue.AddResult(), 128, 64);
        }
        long expire = System.currentTimeMillis() + 100_000;
        db.set(KEY, z, expire);
        long dirty = keyspace.dirty();
        heard.clear();
        z.convertToSkiplist();
        db.replaceQuietly(KEY, z);
        assertEquals(List.of(), heard);
        assertEquals(dirty, keyspace.dirty(), "a re-encoding is no change to persist");
        assertEquals(expire, db.getExpire(KEY));
        assertSame(z, db.peek(KEY));
        assertEquals(chargedFresh(z), db.memory());
        assertFalse(db.replaceQuietly("absent".getBytes(StandardCharsets.UTF_8), z));
    }
}
