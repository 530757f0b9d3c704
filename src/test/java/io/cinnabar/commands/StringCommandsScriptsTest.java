package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.command.CommandContext;
import io.cinnabar.command.CommandError;
import io.cinnabar.command.CommandHandler;
import io.cinnabar.command.CommandSpec;
import io.cinnabar.command.CommandTable;
import io.cinnabar.keyspace.Database;
import io.cinnabar.keyspace.KeyTable;
import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.DiffScript;
import io.cinnabar.testing.RedisOracle;
import io.cinnabar.testing.RespClient;
import io.cinnabar.types.TypedValue;
import io.cinnabar.types.Values;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/**
 * Runs src/test/resources/diff-pending/strings-*.txt against real Redis, byte for byte, like
 * DifferentialTest. Those scripts also use commands of other families (TTL, OBJECT ENCODING,
 * LPUSH, HELLO, ...); where Cinnabar has no handler for one yet, a small stub stands in, so the
 * string commands' TTL, encoding, WRONGTYPE and RESP3 behaviour is checked now.
 */
@Timeout(120)
class StringCommandsScriptsTest {
    private static RedisOracle redis;
    private static CinnabarFixture cinnabar;

    @BeforeAll
    static void start() {
        redis = RedisOracle.start();
        cinnabar = CinnabarFixture.start();
        cinnabar.onDataThread(() -> {
            installStubs(cinnabar.server().commandTable());
            return null;
        });
    }

    @AfterAll
    static void stop() {
        if (cinnabar != null) {
            cinnabar.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> pendingScripts() throws IOException, URISyntaxException {
        Path dir = Path.of(StringCommandsScriptsTest.class.getResource("/diff-pending").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().startsWith("strings") && p.toString().endsWith(".txt")).sorted().toList();
        }
        assertTrue(!files.isEmpty(), "scripts missing: " + files);
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            String script = Files.readString(file, StandardCharsets.UTF_8);
            try (RespClient ours = cinnabar.client(); RespClient theirs = redis.client()) {
                List<String> mismatches = DiffScript.run(file.getFileName().toString(), script, ours, theirs);
                assertTrue(mismatches.isEmpty(), () -> mismatches.size() + " replies differ:\n" + String.join("\n", mismatches));
            }
        }));
    }

    // ---------------------------------------------------------------- stubs for other families

    /** A stand-in list value: only its type matters to the string commands. */
    static final class FakeList implements TypedValue {
        int size;

        @Override
        public String typeName() {
            return "list";
        }

        @Override
        public String encoding() {
            return "quicklist";
        }

        @Override
        public long memoryUsage() {
            return 64;
        }
    }

    private static void stub(CommandTable t, String name, CommandHandler handler) {
        CommandSpec spec = t.get(name);
        if (spec != null && spec.handler() == null) {
            t.bind(name, handler);
        }
    }

    static void installStubs(CommandTable t) {
        stub(t, "flushall", ctx -> {
            ctx.server.keyspace().flushAll();
            ctx.reply.ok();
        });
        stub(t, "hello", ctx -> {
            if (ctx.argc() > 1 && ctx.argIs(1, "3")) {
                ctx.reply.setProtocol(3);
            }
            ctx.reply.ok();
        });
        stub(t, "lpush", ctx -> {
            Database db = ctx.db();
            Object v = db.lookup(ctx.arg(1));
            if (v != null && !(v instanceof FakeList)) {
                throw CommandError.wrongType();
            }
            FakeList list = v == null ? new FakeList() : (FakeList) v;
            list.size += ctx.argc() - 2;
            db.set(ctx.arg(1), list, Database.KEEP_TTL);
            ctx.reply.integer(list.size);
        });
        stub(t, "exists", ctx -> {
            int n = 0;
            for (int i = 1; i < ctx.argc(); i++) {
                n += ctx.db().exists(ctx.arg(i)) ? 1 : 0;
            }
            ctx.reply.integer(n);
        });
        stub(t, "type", ctx -> {
            Object v = ctx.db().lookup(ctx.arg(1));
            ctx.reply.simple(v == null ? "none" : Values.typeName(v));
        });
        stub(t, "ttl", ctx -> ttl(ctx, true));
        stub(t, "pttl", ctx -> ttl(ctx, false));
        stub(t, "object|encoding", ctx -> {
            Object v = ctx.db().peek(ctx.arg(2));
            if (v == null) {
                ctx.reply.nullBulk();
            } else {
                ctx.reply.bulk(Values.encoding(v));
            }
        });
    }

    private static void ttl(CommandContext ctx, boolean seconds) {
        long when = ctx.db().getExpire(ctx.arg(1));
        if (when == -2 || when == KeyTable.NO_EXPIRE) {
            ctx.reply.integer(when == -2 ? -2 : -1);
            return;
        }
        long left = Math.max(0, when - ctx.server.keyspace().now());
        ctx.reply.integer(seconds ? (left + 500) / 1000 : left);
    }
}
