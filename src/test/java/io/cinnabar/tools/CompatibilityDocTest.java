package io.cinnabar.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.command.CommandSpec;
import io.cinnabar.command.CommandTable;
import io.cinnabar.commands.Families;
import io.cinnabar.config.Config;
import io.cinnabar.server.Server;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** docs/compatibility.md must be exactly what the generator prints for the current code. */
@Timeout(60)
class CompatibilityDocTest {
    private static final Path DOC = Path.of("docs", "compatibility.md");

    @Test
    void committedDocumentIsUpToDate() throws IOException {
        String expected = CompatibilityDoc.render();
        String actual = Files.exists(DOC) ? Files.readString(DOC, StandardCharsets.UTF_8) : "";
        assertEquals(expected, actual, "docs/compatibility.md is out of date with the command table and the bound"
                + " handlers. Regenerate it with:\n    " + CompatibilityDoc.REGENERATE + "\n");
    }

    @Test
    void documentListsEveryCommandAndSubcommandWithTotals() {
        Server server = new Server(new Config(), CommandTable.load());
        Families.install(server);
        CommandTable table = server.commandTable();
        String doc = CompatibilityDoc.render(table);
        int commands = 0;
        int subs = 0;
        int subsDone = 0;
        for (CommandSpec s : table.all()) {
            commands++;
            assertTrue(doc.contains("`" + s.displayName.toUpperCase(java.util.Locale.ROOT) + "` | "), s.name);
            for (CommandSpec sub : s.subcommands()) {
                subs++;
                subsDone += sub.handler() != null ? 1 : 0;
                assertTrue(doc.contains("`" + sub.displayName.toUpperCase(java.util.Locale.ROOT) + "` | "), sub.name);
            }
        }
        assertTrue(doc.contains("**Supported: " + table.implemented().size() + " of " + commands + " commands, "
                + subsDone + " of " + subs + " subcommands.**"), "totals line");
        assertTrue(doc.contains("`GET` | yes |"), "GET is implemented");
        assertTrue(doc.contains("`COMMAND INFO` | yes |"), "COMMAND INFO is implemented");
    }
}
