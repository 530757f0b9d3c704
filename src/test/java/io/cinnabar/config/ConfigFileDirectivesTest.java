package io.cinnabar.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.Cinnabar;
import io.cinnabar.server.Server;
import io.cinnabar.testing.RespClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Directives of a real redis.conf that are not parameters: include, rename-command, user, ... */
@Timeout(60)
class ConfigFileDirectivesTest {
    @TempDir
    Path tmp;

    private static Config load(String text) throws ConfigFile.FatalConfigError {
        Config c = new Config();
        ConfigFile.load(c, text, Server.REDIS_VERSION);
        return c;
    }

    private static String fatal(String text) {
        return assertThrows(ConfigFile.FatalConfigError.class, () -> load(text)).getMessage();
    }

    @Test
    void includeReadsAnotherFile() throws Exception {
        Path inc = tmp.resolve("inc.conf");
        Files.writeString(inc, "hz 11\nmaxclients 77\n");
        Config c = load("hz 5\ninclude " + inc + "\ntimeout 3\n");
        assertEquals(11, c.hz.value());
        assertEquals(77, c.maxclients.value());
        assertEquals(3, c.timeout.value());
        assertEquals("Fatal error, can't open config file '" + tmp.resolve("nope.conf")
                + "': No such file or directory", fatal("include " + tmp.resolve("nope.conf")));
    }

    @Test
    void deprecatedDirectivesAreIgnoredLikeRedis() throws Exception {
        Config c = load("lua-replicate-commands yes\nlist-max-ziplist-entries 5\nlist-max-ziplist-value 5\n");
        assertEquals(null, c.find("lua-replicate-commands"));
        assertEquals("-2", c.find("list-max-ziplist-size").get());
    }

    @Test
    void unsupportedDirectivesFailWithAReason() {
        assertTrue(fatal("sentinel monitor x 127.0.0.1 6379 2").endsWith("\nsentinel directive while not in sentinel mode"));
        assertTrue(fatal("loadmodule /x.so").endsWith("\nCinnabar cannot load Redis modules (native extensions)"));
        assertTrue(fatal("rename-command nosuch foo").endsWith(">>> 'rename-command nosuch foo'\nNo such command in rename-command"));
        assertTrue(fatal("rename-command get").endsWith("\nBad directive or wrong number of arguments"));
        assertTrue(fatal("user").endsWith("\nBad directive or wrong number of arguments"));
    }

    @Test
    void renameCommandRenamesAndDisables() throws Exception {
        Config c = load("port 0\nbind 127.0.0.1\nrename-command GET fetch\nrename-command echo \"\"\n");
        try (Cinnabar cin = Cinnabar.start(c); RespClient r = new RespClient("127.0.0.1", cin.port())) {
            r.call("SET", "k", "v");
            assertEquals("$1\r\nv\r\n", r.callText("FETCH", "k"));
            assertEquals("$1\r\nv\r\n", r.callText("fetch", "k"));
            assertTrue(r.callText("GET", "k").startsWith("-ERR unknown command 'GET'"));
            assertTrue(r.callText("ECHO", "x").startsWith("-ERR unknown command 'ECHO'"));
            assertEquals("+PONG\r\n", r.callText("PING"));
        }
    }

    @Test
    void defaultUserLineFromRedisRewriteIsAcceptedOthersStopStartup() throws Exception {
        Config ok = load("port 0\nbind 127.0.0.1\nuser default on nopass ~* &* +@all\n");
        try (Cinnabar cin = Cinnabar.start(ok); RespClient r = new RespClient("127.0.0.1", cin.port())) {
            assertEquals("+PONG\r\n", r.callText("PING"));
        }
        Config restricted = load("port 0\nbind 127.0.0.1\nuser default on >secret ~* +@all\n");
        Exception e = assertThrows(IllegalStateException.class, () -> Cinnabar.start(restricted).close());
        assertEquals("ACL user directives are not supported by Cinnabar yet: 'user default on >secret ~* +@all'", e.getMessage());
        // once an ACL module takes the lines, startup does not object
        Config taken = load("port 0\nbind 127.0.0.1\nuser alice on >pw ~* +@all\n");
        assertEquals(1, taken.takeAclUserLines().size());
        try (Cinnabar cin = Cinnabar.start(taken)) {
            assertTrue(cin.port() > 0);
        }
    }
}
