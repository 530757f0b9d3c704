package io.cinnabar.types;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Heap bytes per member of a big skiplist-encoded sorted set, measured (used heap after full GCs,
 * before and after building it) and as {@link ZSetValue#memoryUsage} reports it (MEMORY USAGE):
 * the estimate must stay close to what the heap really holds, and the figure is printed for the
 * performance notes.
 */
@Timeout(120)
class ZSetMemoryTest {
    private static final int MEMBERS = 500_000;

    private static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        // A few rounds: one full GC can leave finalizable or soft garbage behind.
        for (int i = 0; i < 4; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    @Test
    void memoryUsageMatchesTheHeapWithinTenPercent() {
        byte[][] members = new byte[MEMBERS][];
        for (int i = 0; i < MEMBERS; i++) {
            members[i] = ("member:" + i).getBytes(StandardCharsets.UTF_8);
        }
        ZSetValue.AddResult result = new ZSetValue.AddResult();
        SplittableRandom random = new SplittableRandom(3);
        long before = usedHeapAfterGc();
        ZSetValue zset = ZSetValue.newSkiplist(0);
        for (int i = 0; i < MEMBERS; i++) {
            zset.add(random.nextInt(MEMBERS), members[i], 0, result, 128, 64);
        }
        long after = usedHeapAfterGc();
        // The member arrays were allocated before the first measurement: add them as the set owns them.
        long memberBytes = 0;
        for (byte[] member : members) {
            memberBytes += Values.byteArraySize(member.length);
        }
        double measured = (after - before + memberBytes) / (double) MEMBERS;
        double reported = zset.memoryUsage() / (double) MEMBERS;
        System.out.printf("zset memory: %d members, heap %.1f bytes/member, MEMORY USAGE %.1f bytes/member (member arrays %.1f of them)%n",
                MEMBERS, measured, reported, memberBytes / (double) MEMBERS);
        assertTrue(Math.abs(reported - measured) < 0.1 * measured, "MEMORY USAGE " + reported + " vs heap " + measured);
        assertTrue(zset.size() == MEMBERS);
    }
}
