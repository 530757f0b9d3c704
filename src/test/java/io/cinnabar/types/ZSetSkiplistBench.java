package io.cinnabar.types;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH over a skiplist-encoded sorted set of 1M members (random scores, as the ZRANK benchmark
 * loads): insert (of a member then its removal, so the size stays put), score update, rank of a
 * random member, and reading ranks 0..99. Not run by the test suite; run by hand:
 *
 * <pre>
 * mvn -o -q test-compile
 * java -cp target/test-classes:target/classes:$(cat target/jmh.cp) org.openjdk.jmh.Main ZSetSkiplistBench
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx2g", "-XX:+UseParallelGC"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ZSetSkiplistBench {
    private static final int MEMBERS = 1_000_000;
    private static final int NEW_MEMBERS = 1 << 16;

    private ZSetValue zset;
    private byte[][] members;
    private byte[][] newMembers;
    private final ZSetValue.AddResult result = new ZSetValue.AddResult();
    private final ZSetValue.Cursor cursor = new ZSetValue.Cursor();
    private final SplittableRandom random = new SplittableRandom(42);
    private int next;

    @Setup
    public void load() {
        zset = ZSetValue.newSkiplist(MEMBERS);
        members = new byte[MEMBERS][];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < MEMBERS; i++) {
            members[i] = ("member:" + i).getBytes(StandardCharsets.UTF_8);
            zset.add(r.nextInt(MEMBERS), members[i], 0, result, 128, 64);
        }
        newMembers = new byte[NEW_MEMBERS][];
        for (int i = 0; i < NEW_MEMBERS; i++) {
            newMembers[i] = ("fresh:" + i).getBytes(StandardCharsets.UTF_8);
        }
    }

    @Benchmark
    public int insertThenRemove() {
        byte[] member = newMembers[next++ & (NEW_MEMBERS - 1)];
        int out = zset.add(random.nextInt(MEMBERS), member, 0, result, 128, 64);
        zset.remove(member);
        return out;
    }

    @Benchmark
    public int updateScore() {
        return zset.add(random.nextInt(MEMBERS), members[random.nextInt(MEMBERS)], 0, result, 128, 64);
    }

    @Benchmark
    public long rank() {
        return zset.rank(members[random.nextInt(MEMBERS)], false);
    }

    @Benchmark
    public double range0to99() {
        double sum = 0;
        zset.seekRank(cursor, 0, false);
        for (int i = 0; i < 100 && cursor.valid(); i++) {
            sum += cursor.score() + cursor.length();
            cursor.next();
        }
        return sum;
    }
}
