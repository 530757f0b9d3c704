package io.cinnabar.commands;

/** Opens package-private helpers of {@link KeyCommands} to tests in other packages. */
public final class KeyCommandsAccess {
    private KeyCommandsAccess() {}

    public static long lfuDecayedCounter(int clock, long nowMillis, long decayMinutes) {
        return KeyCommands.lfuDecayedCounter(clock, nowMillis, decayMinutes);
    }
}
