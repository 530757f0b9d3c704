package io.cinnabar.testing;

import java.util.function.BooleanSupplier;

/** Waiting for state in tests without sleeping: spin until a condition holds, or fail after 10 s. */
public final class Poll {
    private Poll() {}

    public static void until(BooleanSupplier condition) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met in time");
            }
            Thread.onSpinWait();
        }
    }
}
