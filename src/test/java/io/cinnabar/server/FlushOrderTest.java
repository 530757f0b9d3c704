package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.command.CommandTable;
import io.cinnabar.config.Config;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The order in which one batch's reply buffers go out (Server.flushPending). */
@Timeout(10)
class FlushOrderTest {
    private final Server server = new Server(new Config(), CommandTable.load());
    private final List<String> written = new ArrayList<>();

    /** A client whose socket writes are recorded as "name:payload"; onWrite runs after each. */
    private Client client(String name, Runnable onWrite) {
        EmbeddedChannel channel = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                ByteBuf buf = (ByteBuf) msg;
                written.add(name + ":" + buf.toString(StandardCharsets.US_ASCII));
                buf.release();
                promise.trySuccess();
                onWrite.run();
            }
        });
        return server.newClient(channel);
    }

    private void reply(Client c, String text) {
        c.reply().simple(text);
        server.markForFlush(c);
    }

    @Test
    void latestMarkedClientIsWrittenFirstAsInRedis() {
        Client subscriber1 = client("s1", () -> {});
        Client subscriber2 = client("s2", () -> {});
        Client publisher = client("p", () -> {});
        reply(subscriber1, "m1");
        reply(subscriber2, "m1");
        reply(publisher, "1");
        reply(subscriber1, "m2"); // already pending: stays in its place, one write for both
        server.flushPending();
        assertEquals(List.of("p:+1\r\n", "s2:+m1\r\n", "s1:+m1\r\n+m2\r\n"), written);
    }

    @Test
    void clientMarkedWhileWritingIsWrittenInTheSamePassAndCanBeMarkedAgain() {
        Client[] late = new Client[1];
        late[0] = client("late", () -> {});
        Client trigger = client("trigger", () -> {
            if (written.size() == 1) {
                reply(late[0], "from-listener");
            }
        });
        reply(trigger, "x");
        server.flushPending();
        assertEquals(List.of("trigger:+x\r\n", "late:+from-listener\r\n"), written);

        written.clear();
        reply(late[0], "again");
        server.flushPending();
        assertEquals(List.of("late:+again\r\n"), written);
    }
}
