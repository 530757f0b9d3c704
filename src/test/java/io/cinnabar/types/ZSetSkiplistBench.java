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
 *
 * <p>On a machine shared with other work, wall-clock throughput swings with the load; {@link #main}
 * runs the same operations and reports nanoseconds of this thread's CPU time per operation,
 * which the load disturbs much less (caches shared with other processes still do):
 * {@code java -cp target/test-classes:target/classes io.cinnabar.types.ZSetSkiplistBench}.
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

    public static void main(String[] args) {
        ZSetSkiplistBench bench = new ZSetSkiplistBench();
        bench.load();
        int ops = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        String[] names = {"insertThenRemove", "updateScore", "rank", "range0to99"};
        for (int round = 0; round < 3; round++) {
            for (int b = 0; b < names.length; b++) {
                long sink = 0;
                long start = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < ops; i++) {
                    sink += b == 0 ? bench.insertThenRemove() : b == 1 ? bench.updateScore()
                            : b == 2 ? bench.rank() : (long) bench.range0to99();
                }
                double nanos = (threads.getCurrentThreadCpuTime() - start) / (double) ops;
                System.out.printf("round %d %-18s %9.1f ns cpu/op (%d)%n", round, names[b], nanos, sink & 1);
            }
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
