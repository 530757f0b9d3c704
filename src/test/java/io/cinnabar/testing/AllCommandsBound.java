package io.cinnabar.testing;

import io.cinnabar.command.CommandSpec;
import io.cinnabar.command.CommandTable;
import java.util.ArrayList;
import java.util.List;

/**
 * Gives every command and subcommand of a test server's table that has no handler yet a dummy
 * one (it replies with an error), so the server reports all of Redis's commands as existing.
 * Lets tests compare metadata-only behaviour (COMMAND INFO/DOCS/GETKEYS) for the whole table.
 */
public final class AllCommandsBound {
    private AllCommandsBound() {}

    /**
     * Unbinds the commands we support beyond Redis 7.0 (see CommandSpec.isExtension), so the
     * server's command metadata can be compared with a real Redis 7.0.
     */
    public static void hideExtensions(CinnabarFixture f) {
        f.onDataThread(() -> {
            CommandTable t = f.server().commandTable();
            for (CommandSpec s : t.all()) {
                List<CommandSpec> specs = new ArrayList<>();
                specs.add(s);
                specs.addAll(List.of(s.subcommands()));
                for (CommandSpec x : specs) {
                    if (x.isExtension()) {
                        t.rebind(x.name, null);
                    }
                }
            }
            return null;
        });
    }

    public static void install(CinnabarFixture f) {
        hideExtensions(f);
        f.onDataThread(() -> {
            CommandTable t = f.server().commandTable();
            for (CommandSpec s : t.all()) {
                List<CommandSpec> specs = new ArrayList<>();
                specs.add(s);
                specs.addAll(List.of(s.subcommands()));
                for (CommandSpec x : specs) {
                    if (!x.hasSubcommands() && x.handler() == null && !x.isExtension()) {
                        t.bind(x.name, ctx -> ctx.reply.error("ERR dummy handler for tests"));
                    }
                }
            }
            return null;
        });
    }
}
