package io.cinnabar.server;

import java.util.Map;
import java.util.TreeMap;

/** Counters for INFO stats and errorstats. Data thread only, except the network counters. */
public final class ServerStats {
    public long connectionsReceived;
    public long rejectedConnections;
    public long commandsProcessed;
    public long rejectedCalls;
    public long totalErrorReplies;
    public final java.util.concurrent.atomic.LongAdder netInputBytes = new java.util.concurrent.atomic.LongAdder();
    public final java.util.concurrent.atomic.LongAdder netOutputBytes = new java.util.concurrent.atomic.LongAdder();
    /** Socket reads that brought request bytes and flushes of a client's replies: Redis's total_reads/writes_processed. */
    public final java.util.concurrent.atomic.LongAdder readsProcessed = new java.util.concurrent.atomic.LongAdder();
    public final java.util.concurrent.atomic.LongAdder writesProcessed = new java.util.concurrent.atomic.LongAdder();
    private final Map<String, Long> errorsByCode = new TreeMap<>();

    /** Counts an error reply under its code (the first word: ERR, WRONGTYPE, ...). */
    public void countError(String message) {
        totalErrorReplies++;
        int sp = message.indexOf(' ');
        String code = sp < 0 ? message : message.substring(0, sp);
        if (errorsByCode.size() < 128 || errorsByCode.containsKey(code)) {
            errorsByCode.merge(code, 1L, Long::sum);
        }
    }

    public Map<String, Long> errorsByCode() {
        return errorsByCode;
    }

    public void reset() {
        connectionsReceived = 0;
        rejectedConnections = 0;
        commandsProcessed = 0;
        rejectedCalls = 0;
        totalErrorReplies = 0;
        netInputBytes.reset();
        netOutputBytes.reset();
        readsProcessed.reset();
        writesProcessed.reset();
        errorsByCode.clear();
    }
}
