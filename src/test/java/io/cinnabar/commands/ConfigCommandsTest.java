package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.Cinnabar;
import io.cinnabar.config.Config;
import io.cinnabar.config.ConfigFile;
import io.cinnabar.config.Param;
import io.cinnabar.server.Server;
import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RedisOracle;
import io.cinnabar.testing.RespClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class ConfigCommandsTest {
    @TempDir
    Path tmp;

    @SuppressWarnings("unchecked")
    private static Map<String, String> configGet(RespClient c, String pattern) {
        List<Object> flat = (List<Object>) c.callValue("CONFIG", "GET", pattern);
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < flat.size(); i += 2) {
            m.put((String) flat.get(i), (String) flat.get(i + 1));
        }
        return m;
    }

    @Test
    void everyParameterOfTheIssueExists() {
        Config config = new Config();
        for (String name : List.of("bind", "port", "unixsocket", "unixsocketperm", "maxclients", "timeout",
                "tcp-keepalive", "io-threads", "proto-max-bulk-len", "client-query-buffer-limit", "databases", "hz",
                "loglevel", "logfile", "requirepass", "enable-debug-command", "dir", "slowlog-log-slower-than",
                "slowlog-max-len", "save", "appendonly", "maxmemory", "maxmemory-policy", "dbfilename")) {
            assertNotNull(config.find(name), name);
        }
    }

    /** CONFIG GET * names and defaults equal real Redis 7.0's, apart from what the environment sets. */
    @Test
    void defaultsMatchRedis() {
        Set<String> environmental = Set.of("dir", "port", "save", "logfile", "enable-debug-command", "daemonize",
                "pidfile", "appendonly", "bind");
        try (RedisOracle redis = RedisOracle.start(); CinnabarFixture ours = CinnabarFixture.start("enable-debug-command yes");
                RespClient r = redis.client(); RespClient c = ours.client()) {
            Map<String, String> theirs = configGet(r, "*");
            Map<String, String> mine = configGet(c, "*");
            assertEquals(new java.util.TreeSet<>(theirs.keySet()), new java.util.TreeSet<>(mine.keySet()));
            StringBuilder diff = new StringBuilder();
            for (Map.Entry<String, String> e : theirs.entrySet()) {
                if (!environmental.contains(e.getKey()) && !e.getValue().equals(mine.get(e.getKey()))) {
                    diff.append(e.getKey()).append(": redis '").append(e.getValue()).append("' ours '")
                            .append(mine.get(e.getKey())).append("'\n");
                }
            }
            assertEquals("", diff.toString());
        }
    }

    @Test
    void configSetIsAllOrNothing() {
        try (CinnabarFixture s = CinnabarFixture.start(); RespClient c = s.client()) {
            assertEquals("-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value\r\n",
                    c.callText("CONFIG", "SET", "hz", "20", "timeout", "5", "maxmemory", "bad"));
            assertEquals("10", configGet(c, "hz").get("hz"));
            assertEquals("0", configGet(c, "timeout").get("timeout"));
            assertEquals("+OK\r\n", c.callText("CONFIG", "SET", "hz", "20", "timeout", "5", "maxmemory", "2mb"));
            assertEquals(20, s.server().config().hz.value());
            assertEquals(5, s.server().config().timeout.value());
            assertEquals("2097152", configGet(c, "maxmemory").get("maxmemory"));
            assertEquals("+OK\r\n", c.callText("CONFIG", "SET", "save", "100 10 60 5"));
            assertEquals("100 10 60 5", configGet(c, "save").get("save"));
            assertEquals(Map.of("slowlog-log-slower-than", "10000", "slowlog-max-len", "128"), configGet(c, "SLOWLOG*"));
        }
    }

    @Test
    void configRewriteKeepsCommentsAndUnknownLines() throws Exception {
        Path file = tmp.resolve("redis.conf");
        Files.writeString(file, "# my comment\nhz 10\nmaxclients 5000\nsave 900 1\nsave 300 10\n"
                + "  # indented\nslave-read-only yes\nlogfile \"\"\nclient-output-buffer-limit pubsub 32mb 8mb 60\n"
                + "maxmemory 100mb\n");
        Config config = new Config();
        ConfigFile.apply(config, new String[] {file.toString(), "--port", "0", "--bind", "127.0.0.1"}, Server.REDIS_VERSION);
        assertEquals(file.toAbsolutePath().normalize().toString(), config.configFile());
        assertEquals("900 1 300 10", config.find("save").get());
        try (Cinnabar cin = Cinnabar.start(config); RespClient c = new RespClient("127.0.0.1", cin.port())) {
            assertTrue(c.callText("INFO", "server").contains("config_file:" + config.configFile() + "\r\n"));
            c.call("CONFIG", "SET", "maxclients", "10000");
            c.call("CONFIG", "SET", "timeout", "30");
            c.call("CONFIG", "SET", "maxmemory", "1gb");
            c.call("CONFIG", "SET", "notify-keyspace-events", "KEA");
            c.call("CONFIG", "SET", "proto-max-bulk-len", "1000000000");
            assertEquals("+OK\r\n", c.callText("CONFIG", "REWRITE"));
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertTrue(text.startsWith("# my comment\nhz 10\nmaxclients 10000\nsave 900 1\nsave 300 10\n# indented\n"
                + "replica-read-only yes\nlogfile \"\"\n"), text);
        assertTrue(text.contains("\nmaxmemory 1gb\n"), text);
        assertTrue(text.contains("\n\n# Generated by CONFIG REWRITE\n"), text);
        String tail = text.substring(text.indexOf("# Generated by CONFIG REWRITE"));
        for (String line : List.of("timeout 30", "notify-keyspace-events \"AKE\"", "proto-max-bulk-len 1000000000",
                "bind 127.0.0.1")) {
            assertTrue(tail.contains("\n" + line + "\n"), line + " in\n" + text);
        }
        assertFalse(tail.contains("maxclients"), text);
        assertTrue(tail.matches("(?s).*\nport \\d+\n.*"), text); // given on the command line, so appended

        // the rewritten file loads back to the same values, and a second rewrite changes nothing
        Config again = new Config();
        ConfigFile.apply(again, new String[] {file.toString()}, Server.REDIS_VERSION);
        assertEquals(10000, again.maxclients.value());
        assertEquals(30, again.timeout.value());
        assertEquals("900 1 300 10", again.find("save").get());
        assertEquals(1L << 30, again.num("maxmemory").value());
        assertEquals(text, io.cinnabar.config.ConfigRewrite.render(again, text));
    }

    @Test
    void configRewriteWithoutFileFails() {
        try (CinnabarFixture s = CinnabarFixture.start(); RespClient c = s.client()) {
            assertEquals("-ERR The server is running without a config file\r\n", c.callText("CONFIG", "REWRITE"));
        }
    }

    @Test
    void redisDirectivesWeDoNotImplementStillStart() throws Exception {
        Config config = new Config();
        ConfigFile.load(config, "appendonly yes\nmaxmemory 100mb\nmaxmemory-policy allkeys-lru\nsave 60 1000\n"
                + "always-show-logo yes\nhash-max-ziplist-entries 64\n", Server.REDIS_VERSION);
        assertTrue(config.notYetEffective().contains("appendonly"));
        List<String> warned = config.ineffectiveSettings().stream().map(p -> p.name).toList();
        assertTrue(warned.containsAll(List.of("appendonly", "maxmemory", "maxmemory-policy", "save",
                "hash-max-listpack-entries")), warned.toString());
        assertFalse(warned.contains("always-show-logo"), warned.toString()); // cosmetic: accepted silently
        assertEquals("64", config.find("hash-max-listpack-entries").get());

        // a module that implements one registers the real parameter and inherits the file's value
        Param.Bool real = config.register(new Param.Bool("appendonly", false, true));
        assertTrue(real.value());
        assertFalse(config.notYetEffective().contains("appendonly"));
        assertTrue(config.find("appendonly") == real);
        config.markEffective("maxmemory");
        assertFalse(config.ineffectiveSettings().stream().anyMatch(p -> p.name.equals("maxmemory")));

        ConfigFile.FatalConfigError e = assertThrows(ConfigFile.FatalConfigError.class,
                () -> ConfigFile.load(new Config(), "hz 10\nnosuchdirective 1\n", Server.REDIS_VERSION));
        assertEquals("\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n"
                + ">>> 'nosuchdirective 1'\nBad directive or wrong number of arguments", e.getMessage());
        assertThrows(ConfigFile.FatalConfigError.class,
                () -> ConfigFile.load(new Config(), "appendonly maybe\n", Server.REDIS_VERSION));

        // unixsocketperm is octal, as in every redis.conf that sets it
        Config perm = new Config();
        ConfigFile.load(perm, "unixsocketperm 700\n", Server.REDIS_VERSION);
        assertEquals(0700, perm.unixsocketperm.value());
        assertEquals("700", perm.unixsocketperm.get());
        ConfigFile.FatalConfigError bad = assertThrows(ConfigFile.FatalConfigError.class,
                () -> ConfigFile.load(new Config(), "unixsocketperm 999\n", Server.REDIS_VERSION));
        assertTrue(bad.getMessage().endsWith("argument couldn't be parsed as an octal number"), bad.getMessage());
    }
}
