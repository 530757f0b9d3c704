package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.Client;
import io.cinnabar.server.Server;
import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RespClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class InfoCommandTest {
    private CinnabarFixture server;
    private RespClient c;

    @BeforeEach
    void start() {
        server = CinnabarFixture.start("enable-debug-command yes");
        c = server.client();
    }

    @AfterEach
    void stop() {
        c.close();
        server.close();
    }

    private String info(String... sections) {
        String[] args = new String[sections.length + 1];
        args[0] = "INFO";
        System.arraycopy(sections, 0, args, 1, sections.length);
        return (String) c.callValue(args);
    }

    /** field -> value of an INFO text; also checks its framing (CRLF lines, blank line between sections). */
    static Map<String, String> fields(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        assertTrue(text.isEmpty() || text.endsWith("\r\n"), text);
        for (String line : text.split("\r\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            assertTrue(colon > 0, "bad line: " + line);
            m.put(line.substring(0, colon), line.substring(colon + 1));
        }
        return m;
    }

    static List<String> headers(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\r\n")) {
            if (line.startsWith("# ")) {
                out.add(line.substring(2));
            }
        }
        return out;
    }

    @Test
    void defaultAllAndSelectedSections() {
        List<String> def = List.of("Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU",
                "Modules", "Errorstats", "Cluster", "Keyspace");
        assertEquals(def, headers(info()));
        assertEquals(def, headers(info("default")));
        List<String> all = List.of("Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU",
                "Modules", "Commandstats", "Errorstats", "Latencystats", "Cluster", "Keyspace");
        assertEquals(all, headers(info("all")));
        assertEquals(all, headers(info("everything")));
        assertEquals(List.of("Server", "Clients"), headers(info("CLIENTS", "server", "nosuch")));
        assertEquals("", info("nosuch"));
        assertTrue(info("server", "clients").contains("\r\n\r\n# Clients\r\n"));
        assertEquals(List.of("Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU",
                "Modules", "Commandstats", "Errorstats", "Cluster", "Keyspace"), headers(info("default", "commandstats")));
    }

    @Test
    void serverSection() {
        Map<String, String> f = fields(info("server"));
        assertEquals(Server.REDIS_VERSION, f.get("redis_version"));
        assertEquals("7.0.15", f.get("redis_version"));
        assertEquals(Server.VERSION, f.get("cinnabar_version"));
        assertEquals("standalone", f.get("redis_mode"));
        assertEquals("64", f.get("arch_bits"));
        assertEquals(Long.toString(ProcessHandle.current().pid()), f.get("process_id"));
        assertTrue(f.get("run_id").matches("[0-9a-f]{40}"));
        assertEquals(server.server().runId().value(), f.get("run_id"));
        assertEquals(Integer.toString(server.port()), f.get("tcp_port"));
        assertEquals("0", f.get("uptime_in_days"));
        assertTrue(Long.parseLong(f.get("uptime_in_seconds")) >= 0);
        assertEquals("10", f.get("hz"));
        assertEquals("10", f.get("configured_hz"));
        assertEquals("", f.get("config_file"));
        assertEquals("0", f.get("io_threads_active"));
        long usec = Long.parseLong(f.get("server_time_usec"));
        assertTrue(Math.abs(usec / 1000 - System.currentTimeMillis()) < 60_000);
        for (String k : List.of("os", "executable", "lru_clock", "multiplexing_api", "redis_build_id", "redis_git_sha1")) {
            assertTrue(f.containsKey(k), k);
        }
    }

    @Test
    void clientsMemoryPersistenceReplicationCpu() {
        Map<String, String> f = fields(info("clients", "memory", "persistence", "replication", "cpu", "cluster"));
        assertEquals("1", f.get("connected_clients"));
        assertEquals("10000", f.get("maxclients"));
        assertEquals("0", f.get("blocked_clients"));
        assertEquals("jvm", f.get("mem_allocator"));
        assertEquals("0", f.get("maxmemory"));
        assertEquals("0B", f.get("maxmemory_human"));
        assertEquals("noeviction", f.get("maxmemory_policy"));
        assertTrue(Long.parseLong(f.get("used_memory")) > 0);
        assertTrue(f.get("used_memory_human").matches("[0-9.]+[BKMGTP]"), f.get("used_memory_human"));
        assertTrue(Long.parseLong(f.get("used_memory_rss")) > 0);
        assertEquals("0", f.get("loading"));
        assertEquals("0", f.get("aof_enabled"));
        assertEquals("ok", f.get("rdb_last_bgsave_status"));
        assertEquals("master", f.get("role"));
        assertEquals("0", f.get("connected_slaves"));
        assertEquals("0", f.get("master_repl_offset"));
        assertTrue(f.get("master_replid").matches("[0-9a-f]{40}"));
        assertNotEquals(f.get("master_replid"), server.server().runId().value());
        assertTrue(Double.parseDouble(f.get("used_cpu_user")) >= 0);
        assertTrue(Double.parseDouble(f.get("used_cpu_sys")) >= 0);
        assertTrue(Double.parseDouble(f.get("used_cpu_user_main_thread")) >= 0);
        assertEquals("0", f.get("cluster_enabled"));

        c.call("CONFIG", "SET", "maxmemory", "1gb");
        c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
        f = fields(info("memory"));
        assertEquals("1073741824", f.get("maxmemory"));
        assertEquals("1.00G", f.get("maxmemory_human"));
        assertEquals("allkeys-lru", f.get("maxmemory_policy"));

        String before = fields(info("replication")).get("master_replid");
        assertEquals("+OK\r\n", c.callText("DEBUG", "CHANGE-REPL-ID"));
        assertNotEquals(before, fields(info("replication")).get("master_replid"));
    }

    @Test
    void memoryAndDirtyFollowTheKeyspace() {
        Map<String, String> before = fields(info("memory", "persistence"));
        c.call("SET", "big", "x".repeat(100_000));
        c.call("SET", "small", "1");
        Map<String, String> after = fields(info("memory", "persistence"));
        assertTrue(Long.parseLong(after.get("used_memory")) >= Long.parseLong(before.get("used_memory")) + 100_000);
        assertTrue(Long.parseLong(after.get("used_memory_dataset")) >= 100_000);
        assertEquals(Long.parseLong(before.get("rdb_changes_since_last_save")) + 2,
                Long.parseLong(after.get("rdb_changes_since_last_save")));
        assertEquals(after.get("rdb_last_save_time"), c.callValue("LASTSAVE").toString());
    }

    @Test
    void keyspaceLines() {
        assertEquals("# Keyspace\r\n", info("keyspace"));
        c.call("SET", "a", "1");
        c.call("SET", "b", "2");
        c.call("SELECT", "3");
        c.call("SET", "c", "3");
        assertEquals("# Keyspace\r\ndb0:keys=2,expires=0,avg_ttl=0\r\ndb3:keys=1,expires=0,avg_ttl=0\r\n", info("keyspace"));
    }

    @Test
    void expiresAndAverageTtl() {
        server.onDataThread(() -> {
            long now = System.currentTimeMillis();
            for (int i = 0; i < 10; i++) {
                server.server().keyspace().db(5).set(("v" + i).getBytes(), "x".getBytes(), now + 100_000);
                server.server().keyspace().db(5).set(("p" + i).getBytes(), "x".getBytes(), 0);
            }
            return null;
        });
        String line = fields(info("keyspace")).get("db5");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("keys=20,expires=10,avg_ttl=(\\d+)").matcher(line);
        assertTrue(m.matches(), line);
        long avg = Long.parseLong(m.group(1));
        assertTrue(avg > 80_000 && avg <= 100_000, line);
    }

    @Test
    void statsCommandstatsAndErrorstats() {
        Map<String, String> s0 = fields(info("stats"));
        c.call("SET", "k", "v");
        c.call("SET", "k", "w");
        c.call("GET", "k");
        c.call("GET", "nokey");
        c.call("GET"); // rejected: arity
        c.call("SELECT", "99"); // failed inside the command
        c.call("CONFIG", "GET", "hz");
        c.call("NOSUCHCOMMAND");
        Map<String, String> s1 = fields(info("stats"));
        // like Redis, commands rejected before running (GET with no key, NOSUCHCOMMAND) are not counted;
        // the first INFO counts once it has run
        assertEquals(Long.parseLong(s0.get("total_commands_processed")) + 7, Long.parseLong(s1.get("total_commands_processed")));
        assertTrue(Long.parseLong(s1.get("total_connections_received")) >= 1);
        assertEquals("1", s1.get("keyspace_hits"));
        assertEquals("1", s1.get("keyspace_misses"));
        assertEquals("3", s1.get("total_error_replies"));
        assertTrue(Long.parseLong(s1.get("total_net_input_bytes")) > 0);
        assertTrue(Long.parseLong(s1.get("total_net_output_bytes")) > 0);
        for (String k : List.of("instantaneous_ops_per_sec", "rejected_connections", "expired_keys", "evicted_keys",
                "pubsub_channels", "instantaneous_input_kbps", "total_forks")) {
            assertTrue(s1.containsKey(k), k);
        }

        Map<String, String> cs = fields(info("commandstats"));
        assertTrue(cs.get("cmdstat_set").matches("calls=2,usec=\\d+,usec_per_call=\\d+\\.\\d\\d,rejected_calls=0,failed_calls=0"),
                cs.get("cmdstat_set"));
        assertTrue(cs.get("cmdstat_get").startsWith("calls=2,"), cs.get("cmdstat_get"));
        assertTrue(cs.get("cmdstat_get").endsWith(",rejected_calls=1,failed_calls=0"), cs.get("cmdstat_get"));
        assertTrue(cs.get("cmdstat_select").endsWith(",rejected_calls=0,failed_calls=1"), cs.get("cmdstat_select"));
        assertTrue(cs.get("cmdstat_config|get").startsWith("calls=1,"), cs.toString());
        assertEquals("count=3", fields(info("errorstats")).get("errorstat_ERR"));

        assertEquals("+OK\r\n", c.callText("CONFIG", "RESETSTAT"));
        cs = fields(info("commandstats"));
        assertEquals(null, cs.get("cmdstat_set"));
        // like Redis, a command is counted after it runs: RESETSTAT itself survives its own reset
        assertTrue(cs.get("cmdstat_config|resetstat").startsWith("calls=1,"), cs.toString());
        assertEquals("# Errorstats\r\n", info("errorstats"));
        Map<String, String> s2 = fields(info("stats"));
        assertEquals("0", s2.get("keyspace_hits"));
        assertEquals("0", s2.get("total_error_replies"));
    }

    @Test
    void latencystatsPerCommand() {
        for (int i = 0; i < 20; i++) {
            c.call("SET", "k" + i, "v");
        }
        c.call("CONFIG", "GET", "hz");
        Map<String, String> f = fields(info("latencystats"));
        assertTrue(f.get("latency_percentiles_usec_set").matches("p50=\\d+\\.\\d{3},p99=\\d+\\.\\d{3},p99\\.9=\\d+\\.\\d{3}"),
                f.toString());
        assertTrue(f.containsKey("latency_percentiles_usec_config|get"), f.toString());
        c.call("CONFIG", "SET", "latency-tracking-info-percentiles", "");
        assertEquals("", fields(info("latencystats")).get("latency_percentiles_usec_set"));
        c.call("CONFIG", "SET", "latency-tracking-info-percentiles", "50 100");
        assertTrue(fields(info("latencystats")).get("latency_percentiles_usec_set").matches("p50=[0-9.]+,p100=[0-9.]+"));
        c.call("CONFIG", "RESETSTAT");
        c.call("CONFIG", "SET", "latency-tracking", "no");
        c.call("SET", "x", "y");
        assertEquals(null, fields(info("latencystats")).get("latency_percentiles_usec_set"));
    }

    @Test
    void latencyHistogramBuckets() {
        long prev = -1;
        for (long v = 0; v < 1_000_000; v = v < 100 ? v + 1 : v * 3 / 2) {
            int b = LatencyStats.bucket(v);
            long ub = LatencyStats.upperBound(b);
            assertTrue(ub >= v && ub <= Math.max(1, v + v / 16 + 1), v + " -> " + ub);
            assertTrue(ub >= prev);
            prev = ub;
        }
        LatencyStats.Histogram h = new LatencyStats.Histogram();
        for (int i = 1; i <= 100; i++) {
            h.record(i);
        }
        assertEquals(50.0, h.valueAt(50), 50 * 0.07);
        assertEquals(99.0, h.valueAt(99), 99 * 0.07);
        assertEquals(100.0, h.valueAt(100));
    }

    @Test
    void instantaneousOpsAreSampled() {
        long deadline = System.nanoTime() + 10_000_000_000L;
        long ops = 0;
        while (ops == 0 && System.nanoTime() < deadline) {
            for (int i = 0; i < 200; i++) {
                c.send("PING");
            }
            for (int i = 0; i < 200; i++) {
                c.read();
            }
            ops = Long.parseLong(fields(info("stats")).get("instantaneous_ops_per_sec"));
        }
        assertTrue(ops > 0, "instantaneous_ops_per_sec stayed 0");
    }

    @Test
    void resp3RepliesAreVerbatimAndMaps() {
        c.call("PING"); // make sure the client is registered
        server.onDataThread(() -> {
            for (Client cl : server.server().clients()) {
                cl.reply().setProtocol(3);
            }
            return null;
        });
        RespClient.Reply r = c.call("INFO", "keyspace");
        assertEquals("=16\r\ntxt:# Keyspace\r\n\r\n", r.text());
        assertEquals("%1\r\n$2\r\nhz\r\n$2\r\n10\r\n", c.callText("CONFIG", "GET", "hz"));
    }
}
