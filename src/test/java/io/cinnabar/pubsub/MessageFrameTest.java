package io.cinnabar.pubsub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.cinnabar.protocol.ReplyWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The shared message frame equals what ReplyWriter encodes element by element, in both protocols. */
@Timeout(30)
class MessageFrameTest {
    private static final int[] LENGTHS = {0, 1, 9, 10, 99, 100, 255, 256, 1000, 65536, 100_001};

    private static byte[] bytes(int length, char fill) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) fill);
        return b;
    }

    private static byte[] drain(ReplyWriter w) {
        ByteBuf b = w.take();
        byte[] out = ByteBufUtil.getBytes(b);
        b.release();
        return out;
    }

    private static ReplyWriter writer(int protocol) {
        ReplyWriter w = new ReplyWriter(UnpooledByteBufAllocator.DEFAULT);
        w.setProtocol(protocol);
        return w;
    }

    @Test
    void messageFramesMatchElementwiseEncoding() {
        MessageFrame frame = new MessageFrame();
        for (int protocol = 2; protocol <= 3; protocol++) {
            for (int channelLength : LENGTHS) {
                for (int payloadLength : LENGTHS) {
                    byte[] channel = bytes(channelLength % 1000, 'c');
                    byte[] payload = bytes(payloadLength, 'p');
                    ReplyWriter expected = writer(protocol);
                    expected.push(3);
                    expected.bulk(MessageFrame.MESSAGE);
                    expected.bulk(channel);
                    expected.bulk(payload);
                    ReplyWriter actual = writer(protocol);
                    frame.message(MessageFrame.MESSAGE, channel, payload);
                    frame.writeTo(actual);
                    frame.writeTo(actual); // the frame is reusable until the next message
                    byte[] one = drain(expected);
                    byte[] two = new byte[one.length * 2];
                    System.arraycopy(one, 0, two, 0, one.length);
                    System.arraycopy(one, 0, two, one.length, one.length);
                    assertArrayEquals(two, drain(actual), "RESP" + protocol + " " + channelLength + "/" + payloadLength);
                }
            }
        }
    }

    @Test
    void patternFramesMatchElementwiseEncoding() {
        MessageFrame frame = new MessageFrame();
        byte[] pattern = "news.*".getBytes(StandardCharsets.US_ASCII);
        for (int protocol = 2; protocol <= 3; protocol++) {
            for (int payloadLength : LENGTHS) {
                byte[] channel = "news.sport".getBytes(StandardCharsets.US_ASCII);
                byte[] payload = bytes(payloadLength, 'q');
                ReplyWriter expected = writer(protocol);
                expected.push(4);
                expected.bulk("pmessage");
                expected.bulk(pattern);
                expected.bulk(channel);
                expected.bulk(payload);
                // a long message first, so the scratch is reused with stale bytes past the new end
                frame.message(MessageFrame.SMESSAGE, channel, bytes(200_000, 'z'));
                frame.patternMessage(pattern, channel, payload);
                ReplyWriter actual = writer(protocol);
                frame.writeTo(actual);
                assertArrayEquals(drain(expected), drain(actual), "RESP" + protocol + " " + payloadLength);
            }
        }
    }

    @Test
    void oneFrameServesSubscribersOfBothProtocolsInTurn() {
        MessageFrame frame = new MessageFrame();
        byte[] channel = "ch".getBytes(StandardCharsets.US_ASCII);
        byte[] payload = bytes(64, 'x');
        frame.message(MessageFrame.MESSAGE, channel, payload);
        ReplyWriter resp2 = writer(2);
        ReplyWriter resp3 = writer(3);
        frame.writeTo(resp3);
        frame.writeTo(resp2);
        frame.writeTo(resp3);
        String body = "$7\r\nmessage\r\n$2\r\nch\r\n$64\r\n" + "x".repeat(64) + "\r\n";
        assertArrayEquals(("*3\r\n" + body).getBytes(StandardCharsets.US_ASCII), drain(resp2));
        assertArrayEquals((">3\r\n" + body + ">3\r\n" + body).getBytes(StandardCharsets.US_ASCII), drain(resp3));
    }
}
