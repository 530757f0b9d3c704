package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandSpec;
import io.cinnabar.command.CommandTable;
import io.cinnabar.config.Config;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Server.beforeCommand/afterCommand reach every observer that has the hook, in the order added. */
@Timeout(10)
class CommandObserversTest {
    private final Server server = new Server(new Config(), CommandTable.load());
    private final List<String> calls = new ArrayList<>();

    private final class Both implements Server.CommandObserver {
        @Override
        public void beforeCommand(CommandContext ctx, CommandSpec spec) {
            calls.add("both.before");
        }

        @Override
        public void afterCommand(CommandContext ctx, CommandSpec spec, long micros) {
            calls.add("both.after:" + micros);
        }
    }

    private final class AfterOnly implements Server.CommandObserver {
        @Override
        public void afterCommand(CommandContext ctx, CommandSpec spec, long micros) {
            calls.add("after-only:" + spec.name);
        }
    }

    @Test
    void observersSeeTheHooksTheyHaveInOrderUntilRemoved() {
        CommandContext ctx = server.newClient(new EmbeddedChannel()).context();
        CommandSpec get = server.commandTable().lookup("get".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        Server.CommandObserver afterOnly = new AfterOnly();
        Server.CommandObserver both = new Both();
        Server.CommandObserver anonymousBefore = new Server.CommandObserver() {
            @Override
            public void beforeCommand(CommandContext c, CommandSpec s) {
                calls.add("anonymous.before");
            }
        };
        server.addObserver(afterOnly);
        server.addObserver(both);
        server.addObserver(anonymousBefore);
        server.beforeCommand(ctx, get);
        server.afterCommand(ctx, get, 7);
        assertEquals(List.of("both.before", "anonymous.before", "after-only:get", "both.after:7"), calls);

        calls.clear();
        server.removeObserver(both);
        server.beforeCommand(ctx, get);
        server.afterCommand(ctx, get, 1);
        assertEquals(List.of("anonymous.before", "after-only:get"), calls);
    }
}
