package io.cinnabar.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.Server;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * redis.conf.example documents every registered parameter (one comment line each) at its
 * default value, names nothing else, and loads. When a parameter is added, regenerate the file
 * (see {@link RedisConfExample}) and describe the new directive.
 */
class RedisConfExampleTest {
    private static final Path FILE = Path.of("redis.conf.example");
    private static final String HOW = "\nRegenerate with: mvn -q -B -o test-compile && java -cp target/classes:target/test-classes "
            + "io.cinnabar.config.RedisConfExample redis.conf.example   (then replace each 'TODO: describe' comment)";

    private static String text() throws IOException {
        return Files.readString(FILE, StandardCharsets.UTF_8);
    }

    @Test
    void everyRegisteredParameterIsDocumentedAtItsDefault() throws IOException {
        Config config = new Config();
        String text = text();
        String rendered = RedisConfExample.render(config, text);
        if (!rendered.equals(text)) {
            List<String> missing = new ArrayList<>();
            Set<String> present = directives(text);
            for (Param p : RedisConfExample.documented(config)) {
                if (!present.contains(p.name)) {
                    missing.add(p.name);
                }
            }
            assertEquals(text, rendered, "redis.conf.example is out of date (missing: " + missing
                    + ", or a value is not the default)" + HOW);
        }
        assertTrue(!text.contains(RedisConfExample.TODO), "describe every directive marked TODO in redis.conf.example");
    }

    @Test
    void namesOnlyRegisteredParametersEachOnceWithAComment() throws IOException {
        Config config = new Config();
        String[] lines = text().split("\n");
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < lines.length; i++) {
            String name = RedisConfExample.directive(lines[i]);
            if (name == null) {
                continue;
            }
            Param p = config.find(name);
            assertTrue(p != null, "line " + (i + 1) + ": '" + name + "' is not a Cinnabar parameter");
            assertTrue(seen.add(p.name), "line " + (i + 1) + ": '" + name + "' appears twice");
            assertTrue(i > 0 && lines[i - 1].startsWith("# ") && lines[i - 1].length() > 10,
                    "line " + (i + 1) + ": '" + name + "' needs a one-line comment above it");
        }
        for (Param p : RedisConfExample.documented(config)) {
            assertTrue(seen.contains(p.name), p.name + " is missing from redis.conf.example");
        }
    }

    @Test
    void loadsWithConfigFile() throws Exception {
        Config config = new Config();
        ConfigFile.load(config, text(), Server.REDIS_VERSION);
        Config defaults = new Config();
        for (Param p : config.all()) {
            if (!p.name.equals("dir")) {
                assertEquals(defaults.find(p.name).get(), p.get(), p.name);
            }
        }
    }

    /** The config the docker-compose example mounts must load too. */
    @Test
    void dockerExampleConfigLoads() throws Exception {
        Config config = new Config();
        ConfigFile.load(config, Files.readString(Path.of("docker/redis.conf"), StandardCharsets.UTF_8), Server.REDIS_VERSION);
        assertEquals("/data", config.dir.value());
        assertEquals("no", config.protectedMode.get());
    }

    @Test
    void renderAppendsMissingParametersAndFixesValues() {
        Config config = new Config();
        String rendered = RedisConfExample.render(config, "# Listening port.\nport 7000\n");
        assertTrue(rendered.startsWith("# Listening port.\nport 6379\n"), rendered);
        assertTrue(rendered.contains(RedisConfExample.TODO + "databases\ndatabases 16\n"), rendered);
        assertTrue(rendered.contains("\nlogfile \"\"\n"), rendered);
        assertTrue(rendered.contains("\nbind * -::*\n"), rendered);
        assertEquals(rendered, RedisConfExample.render(config, rendered), "rendering is idempotent");
    }

    private static Set<String> directives(String text) {
        Set<String> names = new LinkedHashSet<>();
        for (String line : text.split("\n")) {
            String n = RedisConfExample.directive(line);
            if (n != null) {
                names.add(n);
            }
        }
        return names;
    }
}
