package io.cinnabar.keyspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class KeyEventsTest {
    private final Keyspace keyspace = new Keyspace(2);
    private final List<String> published = new ArrayList<>();

    private void configure(String classes) {
        keyspace.events.attach((flags, event, db, key) -> published.add(db.id() + " " + event + " " + new String(key)));
        keyspace.events.configure(KeyEvents.parse(classes));
    }

    @Test
    void allExcludesKeyMissAndNew() {
        int a = KeyEvents.parse("A");
        assertEquals(0, a & (KeyEvents.KEY_MISS | KeyEvents.NEW));
        assertEquals(KeyEvents.ALL, a);
        assertEquals(KeyEvents.ALL | KeyEvents.NEW | KeyEvents.KEY_MISS | KeyEvents.KEYSPACE, KeyEvents.parse("KAnm"));
    }

    @Test
    void classesWithoutKeyspaceOrKeyeventPublishNothing() {
        configure("A");
        assertFalse(keyspace.events.wants(KeyEvents.GENERIC));
        keyspace.db(0).notify(KeyEvents.GENERIC, "del", "k".getBytes());
        assertTrue(published.isEmpty());
    }

    @Test
    void onlyConfiguredClassesPublish() {
        configure("Kl");
        Database db = keyspace.db(1);
        db.notify(KeyEvents.GENERIC, "del", "k".getBytes());
        db.notify(KeyEvents.LIST, "lpush", "k".getBytes());
        assertEquals(List.of("1 lpush k"), published);
    }

    @Test
    void keyspaceAnnouncesNewKeyMissAndExpired() {
        configure("KEnmx");
        Database db = keyspace.db(0);
        db.set("k".getBytes(), "v".getBytes(), KeyTable.NO_EXPIRE);
        db.set("k".getBytes(), "w".getBytes(), KeyTable.NO_EXPIRE); // an overwrite is not new
        db.get("absent".getBytes());
        db.set("t".getBytes(), "v".getBytes(), keyspace.now() - 1);
        db.get("t".getBytes());
        assertEquals(List.of("0 new k", "0 keymiss absent", "0 new t", "0 expired t", "0 keymiss t"), published);
    }

    @Test
    void nothingIsPublishedUntilAPublisherIsAttached() {
        keyspace.events.configure(KeyEvents.parse("KEA"));
        assertFalse(keyspace.events.wants(KeyEvents.GENERIC));
        keyspace.db(0).notify(KeyEvents.GENERIC, "del", "k".getBytes()); // no publisher: must not throw
    }
}
