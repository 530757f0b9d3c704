package io.cinnabar.persistence.rdb;

import io.cinnabar.types.Listpack;

/**
 * Deep check of one stream block (Redis's streamValidateListpackIntegrity in deep mode, applied
 * always): the master entry (live count, deleted count, field names, 0), then every entry's
 * flags, ID deltas, fields and values and its lp-count, with the master's counts matching the
 * entries' deleted flags. The stream code walks blocks trusting exactly this shape.
 */
final class StreamBlocks {
    private static final int FLAG_DELETED = 1;
    private static final int FLAG_SAMEFIELDS = 2;
    private static final int ENTRY_FIXED_ELEMENTS = 3;

    private StreamBlocks() {}

    /** The number of live entries of a valid block; throws if the block is malformed or empty. */
    static long check(Listpack lp) {
        Walk w = new Walk(lp);
        long live = w.integer();
        long deleted = w.integer();
        long masterFields = w.integer();
        if (live < 0 || deleted < 0 || masterFields < 0 || live + deleted == 0) {
            throw bad();
        }
        for (long i = 0; i < masterFields; i++) {
            w.any();
        }
        if (w.integer() != 0) {
            throw bad();
        }
        long liveSeen = 0;
        long deletedSeen = 0;
        while (w.pos >= 0) {
            long flags = w.integer();
            w.integer();
            w.integer();
            long fields = masterFields;
            long extra = ENTRY_FIXED_ELEMENTS;
            if ((flags & FLAG_SAMEFIELDS) == 0) {
                fields = w.integer();
                if (fields < 0) {
                    throw bad();
                }
                for (long i = 0; i < fields; i++) {
                    w.any();
                }
                extra += fields + 1;
            }
            for (long i = 0; i < fields; i++) {
                w.any();
            }
            if (w.integer() != fields + extra) {
                throw bad();
            }
            if ((flags & FLAG_DELETED) != 0) {
                deletedSeen++;
            } else {
                liveSeen++;
            }
        }
        if (liveSeen != live || deletedSeen != deleted) {
            throw bad();
        }
        return live;
    }

    private static RdbFormatException bad() {
        return new RdbFormatException("stream listpack integrity check failed");
    }

    /** Steps through a listpack's elements, failing at its end. */
    private static final class Walk {
        final Listpack lp;
        int pos;

        Walk(Listpack lp) {
            this.lp = lp;
            this.pos = lp.first();
        }

        void any() {
            if (pos < 0) {
                throw bad();
            }
            pos = lp.next(pos);
        }

        long integer() {
            if (pos < 0 || !lp.isInt(pos)) {
                throw bad();
            }
            long v = lp.intValue(pos);
            pos = lp.next(pos);
            return v;
        }
    }
}
