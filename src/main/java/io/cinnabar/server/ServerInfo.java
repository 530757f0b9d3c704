package io.cinnabar.server;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Facts about the running server that INFO reports and that modules own: the listening port, the
 * replication ids, the last save time, and fields or whole sections a module supplies (the
 * replication module replaces "replication", pub/sub supplies "pubsub_channels", ...).
 */
public final class ServerInfo {
    /** Writes the body lines of one INFO section ("field:value\r\n" each). */
    public interface SectionWriter {
        void write(StringBuilder out);
    }

    private volatile int tcpPort;
    private volatile String multiplexingApi = "epoll";
    private final RunId replId = new RunId();
    private String replId2 = "0000000000000000000000000000000000000000";
    private volatile long lastSaveTime = System.currentTimeMillis() / 1000;
    private final Map<String, Supplier<String>> fieldOverrides = new LinkedHashMap<>();
    private final Map<String, SectionWriter> sectionOverrides = new LinkedHashMap<>();
    private final Map<Class<?>, Object> attachments = new java.util.concurrent.ConcurrentHashMap<>();

    /** Keeps one per-server object of a command family (its samplers, histograms, hooks). */
    public <T> void attach(Class<T> type, T value) {
        attachments.put(type, value);
    }

    /** The object attached under this type, or null. */
    public <T> T attachment(Class<T> type) {
        return type.cast(attachments.get(type));
    }

    public int tcpPort() {
        return tcpPort;
    }

    public void setTcpPort(int tcpPort) {
        this.tcpPort = tcpPort;
    }

    public String multiplexingApi() {
        return multiplexingApi;
    }

    public void setMultiplexingApi(String api) {
        this.multiplexingApi = api;
    }

    /** The replication id (INFO master_replid); distinct from the run id, as in Redis. */
    public RunId replId() {
        return replId;
    }

    public String replId2() {
        return replId2;
    }

    /** DEBUG CHANGE-REPL-ID / a new history: fresh replication id, secondary id cleared. */
    public void changeReplId() {
        replId.regenerate();
        replId2 = "0000000000000000000000000000000000000000";
    }

    /** Unix seconds of the last successful save (LASTSAVE, rdb_last_save_time); start time until then. */
    public long lastSaveTime() {
        return lastSaveTime;
    }

    public void setLastSaveTime(long unixSeconds) {
        this.lastSaveTime = unixSeconds;
    }

    /** Supplies the value of one INFO field (e.g. "pubsub_channels"), replacing the built-in zero. */
    public void overrideField(String field, Supplier<String> value) {
        fieldOverrides.put(field, value);
    }

    /** The override for a field, or null. */
    public Supplier<String> fieldOverride(String field) {
        return fieldOverrides.get(field);
    }

    /** Replaces a whole section's body (e.g. "replication" once the replication module exists). */
    public void overrideSection(String section, SectionWriter writer) {
        sectionOverrides.put(section.toLowerCase(Locale.ROOT), writer);
    }

    public SectionWriter sectionOverride(String section) {
        return sectionOverrides.get(section);
    }
}
