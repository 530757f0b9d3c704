package io.cinnabar.types;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The skip list's share of ZADD on an existing member: {@link ZSkipList#updateScore} of random
 * members of a 1M-member list to random scores (almost every update relinks: walk to the old
 * position, unlink, walk to the new one). No member dict, so the figure is the walks alone.
 * Not run by the test suite; by hand, after {@code mvn -o -q test-compile}:
 *
 * <pre>
 * java -Xmx3g -XX:+UseParallelGC [-Dmembers=N] [-Dseed=S] -cp target/test-classes io.cinnabar.types.ZSkipListUpdateBench \
 *     [rounds] [updates per round] [classes dir of build A] [classes dir of build B] ...
 * </pre>
 *
 * <p>Each build named is loaded by a class loader of its own into this one JVM, given the same
 * list and the same updates, and the builds' rounds alternate: on a machine shared with other
 * work, the load moves figures of separate runs more than the layouts differ, while rounds
 * taken in turn see the same load. Reports this thread's CPU time per update, which the load
 * disturbs less than wall-clock time (shared caches still do), and each build's median.
 */
public final class ZSkipListUpdateBench {
    /** The list's size; a small one (-Dmembers=10000) stays in cache and shows the walks' instruction cost. */
    private static final int MEMBERS = Integer.getInteger("members", 1_000_000);

    /** One build's list, its nodes by member number, and the random source of its updates. */
    private record State(ZSkipList list, ZSkipList.Node[] nodes, SplittableRandom random) {}

    private ZSkipListUpdateBench() {}

    public static Object load(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ZSkipList list = new ZSkipList();
        ZSkipList.Node[] nodes = new ZSkipList.Node[MEMBERS];
        for (int i = 0; i < MEMBERS; i++) {
            nodes[i] = list.insert(random.nextInt(MEMBERS), ("member:" + i).getBytes(StandardCharsets.UTF_8));
        }
        return new State(list, nodes, random);
    }

    /** Runs the updates; returns CPU nanoseconds per update. */
    public static double round(Object loaded, int updates) {
        State state = (State) loaded;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long start = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < updates; i++) {
            state.list.updateScore(state.nodes[state.random.nextInt(MEMBERS)], state.random.nextInt(MEMBERS));
        }
        return (threads.getCurrentThreadCpuTime() - start) / (double) updates;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int updates = args.length > 1 ? Integer.parseInt(args[1]) : 500_000;
        long seed = Long.getLong("seed", 1);
        String[] builds = args.length > 2 ? Arrays.copyOfRange(args, 2, args.length) : new String[] {null};
        URL benchClasses = ZSkipListUpdateBench.class.getProtectionDomain().getCodeSource().getLocation();
        Method[] roundOf = new Method[builds.length];
        Object[] states = new Object[builds.length];
        for (int b = 0; b < builds.length; b++) {
            Class<?> bench = ZSkipListUpdateBench.class;
            if (builds[b] != null) {
                URL[] path = {new File(builds[b]).toURI().toURL(), benchClasses};
                bench = new URLClassLoader(path, ClassLoader.getPlatformClassLoader()).loadClass(bench.getName());
            }
            roundOf[b] = bench.getMethod("round", Object.class, int.class);
            states[b] = bench.getMethod("load", long.class).invoke(null, seed);
        }
        double[][] nanos = new double[builds.length][rounds];
        for (int r = 0; r < rounds; r++) {
            StringBuilder line = new StringBuilder("round " + r + ":");
            for (int b = 0; b < builds.length; b++) {
                nanos[b][r] = (double) roundOf[b].invoke(null, states[b], updates);
                line.append(String.format("  %s %.0f", builds[b] == null ? "this build" : builds[b], nanos[b][r]));
            }
            System.out.println(line.append(" ns cpu/update"));
        }
        for (int b = 0; b < builds.length; b++) {
            double[] sorted = nanos[b].clone();
            Arrays.sort(sorted);
            System.out.printf("%s: median %.0f, best %.0f ns cpu/update over %d rounds of %d%n",
                    builds[b] == null ? "this build" : builds[b], sorted[rounds / 2], sorted[0], rounds, updates);
        }
    }
}
