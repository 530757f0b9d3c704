package io.cinnabar.server;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.FastThreadLocalThread;

/**
 * Threads for the loop that runs commands: Lua scripts run on it and luaj runs Lua calls on the
 * Java stack, so deep script recursion needs a deep stack (only reserved, not committed).
 */
final class DataThreadFactory extends DefaultThreadFactory {
    static final long STACK_BYTES = 64L * 1024 * 1024;

    DataThreadFactory(String poolName) {
        super(poolName);
    }

    @Override
    protected Thread newThread(Runnable r, String name) {
        return new FastThreadLocalThread(threadGroup, r, name, STACK_BYTES);
    }
}
