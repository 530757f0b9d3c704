package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testing.RespClient;
import io.cinnabar.testing.Servers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** HELLO, AUTH and RESET over raw RESP, with HELLO checked byte for byte against real Redis. */
@Timeout(60)
class ConnectionCommandsTest {
    private static final String PASS = "s3cret";
    @RegisterExtension
    static final Servers servers = Servers.withOracle();
    /** A second Cinnabar that requires a password. */
    @RegisterExtension
    static final Servers locked = Servers.cinnabarAlone("requirepass " + PASS);

    /** The HELLO reply of Redis 7.0.15 for a given protocol and client id. */
    private static String helloReply(int proto, long id) {
        String head = proto == 3 ? "%7\r\n" : "*14\r\n";
        return head + "$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:" + proto
                + "\r\n$2\r\nid\r\n:" + id + "\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n"
                + "$7\r\nmodules\r\n*0\r\n";
    }

    private static long id(RespClient c) {
        return (Long) c.callValue("CLIENT", "ID");
    }

    @Test
    void helloRepliesExactlyAsRedisInBothProtocols() {
        for (RespClient c : List.of(servers.cinnabar().client(), servers.redis().client())) {
            try (c) {
                long id = id(c);
                assertEquals(helloReply(2, id), c.callText("HELLO"));
                assertEquals(helloReply(3, id), c.callText("HELLO", "3"));
                // now in RESP3: a null is "_", a map stays a map without a version
                assertEquals("_\r\n", c.callText("GET", "missing"));
                assertEquals(helloReply(3, id), c.callText("HELLO"));
                assertEquals("_\r\n", c.callText("CLIENT", "GETNAME"));
                assertEquals(helloReply(3, id), c.callText("HELLO", "3", "AUTH", "default", "anything", "SETNAME", "n1"));
                assertEquals("$2\r\nn1\r\n", c.callText("CLIENT", "GETNAME"));
                assertEquals(helloReply(2, id), c.callText("HELLO", "2"));
                assertEquals("$-1\r\n", c.callText("GET", "missing"));
                assertEquals("-NOPROTO unsupported protocol version\r\n", c.callText("HELLO", "4"));
            }
        }
    }

    @Test
    void clientListAndInfoSpeakVerbatimInResp3() {
        try (RespClient ours = servers.cinnabar().client(); RespClient theirs = servers.redis().client()) {
            for (RespClient c : List.of(ours, theirs)) {
                c.call("HELLO", "3");
                assertTrue(c.callText("CLIENT", "INFO").startsWith("="), "verbatim string in RESP3");
                assertTrue(c.callText("CLIENT", "LIST").startsWith("="), "verbatim string in RESP3");
                String info = (String) c.callValue("CLIENT", "INFO");
                assertTrue(info.startsWith("txt:id="), info);
                assertTrue(info.contains(" resp=3"), info);
                assertEquals(c.callText("CLIENT", "TRACKINGINFO"),
                        "%3\r\n$5\r\nflags\r\n~1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n");
            }
        }
    }

    @Test
    void clientInfoHasRedisFieldsInRedisOrderPlusLibraryFields() {
        try (RespClient ours = servers.cinnabar().client(); RespClient theirs = servers.redis().client()) {
            List<String> redisFields = fieldNames((String) theirs.callValue("CLIENT", "INFO"));
            List<String> expected = new ArrayList<>(redisFields);
            expected.add("lib-name");
            expected.add("lib-ver");
            ours.call("CLIENT", "SETNAME", "me");
            ours.call("SELECT", "2");
            ours.call("CLIENT", "SETINFO", "LIB-NAME", "mylib");
            ours.call("CLIENT", "SETINFO", "lib-ver", "1.2.3");
            String info = (String) ours.callValue("CLIENT", "INFO");
            assertEquals(expected, fieldNames(info));
            assertTrue(info.endsWith("\n"));
            long id = id(ours);
            assertTrue(info.startsWith("id=" + id + " addr=127.0.0.1:"), info);
            assertTrue(info.contains(" laddr=127.0.0.1:" + servers.cinnabar().port() + " "), info);
            assertTrue(info.contains(" name=me age="), info);
            assertTrue(info.contains(" flags=N db=2 "), info);
            assertTrue(info.contains(" cmd=client|info user=default redir=-1 resp=2 lib-name=mylib lib-ver=1.2.3\n"), info);
            // the same line shows up in CLIENT LIST ID
            String list = (String) ours.callValue("CLIENT", "LIST", "ID", Long.toString(id));
            assertTrue(list.contains("name=me") && list.contains("cmd=client|list"), list);
            assertEquals("-ERR lib-name cannot contain spaces, newlines or special characters.\r\n",
                    ours.callText("CLIENT", "SETINFO", "lib-name", "a b"));
            assertEquals("-ERR Unrecognized option 'foo'\r\n", ours.callText("CLIENT", "SETINFO", "foo", "x"));
            assertEquals("+OK\r\n", ours.callText("CLIENT", "NO-TOUCH", "on"));
            assertEquals("+OK\r\n", ours.callText("CLIENT", "NO-EVICT", "on"));
            assertTrue(((String) ours.callValue("CLIENT", "INFO")).contains(" flags=eT "));
        }
    }

    private static List<String> fieldNames(String line) {
        List<String> names = new ArrayList<>();
        for (String f : line.trim().split(" ")) {
            names.add(f.substring(0, f.indexOf('=')));
        }
        return names;
    }

    @Test
    void authWithRequirepass() {
        try (RespClient c = locked.cinnabar().client()) {
            assertEquals("-NOAUTH Authentication required.\r\n", c.callText("PING"));
            assertEquals("-NOAUTH Authentication required.\r\n", c.callText("CLIENT", "ID"));
            assertEquals("-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH "
                    + "<user> <pass> option can be used to authenticate the client and select the RESP protocol version "
                    + "at the same time\r\n", c.callText("HELLO", "3"));
            String wrongpass = "-WRONGPASS invalid username-password pair or user is disabled.\r\n";
            assertEquals(wrongpass, c.callText("AUTH", "nope"));
            assertEquals(wrongpass, c.callText("AUTH", "default", "nope"));
            assertEquals(wrongpass, c.callText("AUTH", "someone", PASS));
            assertEquals(wrongpass, c.callText("HELLO", "3", "AUTH", "default", "nope"));
            assertEquals("-ERR syntax error\r\n", c.callText("AUTH", "a", "b", "c"));
            assertEquals("+OK\r\n", c.callText("AUTH", PASS));
            assertEquals("+PONG\r\n", c.callText("PING"));
            // a failed AUTH does not undo an earlier success
            assertEquals(wrongpass, c.callText("AUTH", "nope"));
            assertEquals("+PONG\r\n", c.callText("PING"));
        }
        try (RespClient c = locked.cinnabar().client()) {
            RespClient.Reply hello = c.call("HELLO", "3", "AUTH", "default", PASS, "SETNAME", "named");
            assertEquals(helloReply(3, id(c)), hello.text());
            assertEquals("$5\r\nnamed\r\n", c.callText("CLIENT", "GETNAME"));
            assertTrue(((String) c.callValue("CLIENT", "INFO")).contains(" resp=3"));
        }
        try (RespClient c = locked.cinnabar().client()) {
            // SETNAME is applied as it is read, even though HELLO then answers NOAUTH (as Redis 7.0 does)
            assertTrue(c.callText("HELLO", "3", "SETNAME", "early").startsWith("-NOAUTH HELLO"));
            assertEquals("+OK\r\n", c.callText("AUTH", "default", PASS));
            assertEquals("$5\r\nearly\r\n", c.callText("CLIENT", "GETNAME"));
            // an AUTH before a bad option stays applied
            assertEquals("-ERR Client names cannot contain spaces, newlines or special characters.\r\n",
                    c.callText("HELLO", "3", "AUTH", "default", PASS, "SETNAME", "a b"));
            assertTrue(((String) c.callValue("CLIENT", "INFO")).contains(" resp=2"), "protocol unchanged on error");
        }
    }

    @Test
    void authLiftsAndResetRestoresTheUnauthenticatedParserLimits() {
        byte[][] big = new byte[20][];
        Arrays.fill(big, "x".getBytes(StandardCharsets.US_ASCII));
        big[0] = "PING".getBytes(StandardCharsets.US_ASCII);
        try (RespClient c = locked.cinnabar().client()) {
            assertEquals("+OK\r\n", c.callText("AUTH", PASS));
            assertEquals("-ERR wrong number of arguments for 'ping' command\r\n", c.call(big).text());
            assertEquals("+RESET\r\n", c.callText("RESET"));
            assertEquals("-NOAUTH Authentication required.\r\n", c.callText("PING"));
            assertEquals("-ERR Protocol error: unauthenticated multibulk length\r\n", c.call(big).text());
            assertTrue(c.isClosedByServer());
        }
        try (RespClient c = locked.cinnabar().client()) {
            assertEquals("-ERR Protocol error: unauthenticated multibulk length\r\n", c.call(big).text());
            assertTrue(c.isClosedByServer());
        }
    }

    @Test
    void authWithoutRequirepass() {
        try (RespClient c = servers.cinnabar().client()) {
            assertEquals("-ERR AUTH <password> called without any password configured for the default user. "
                    + "Are you sure your configuration is correct?\r\n", c.callText("AUTH", "x"));
            assertEquals("+OK\r\n", c.callText("AUTH", "default", "whatever"));
            assertEquals("-WRONGPASS invalid username-password pair or user is disabled.\r\n",
                    c.callText("AUTH", "bob", "whatever"));
        }
    }

    @Test
    void resetRestoresANewConnectionsState() {
        try (RespClient c = servers.cinnabar().client()) {
            long id = id(c);
            c.call("SELECT", "5");
            c.call("HELLO", "3");
            c.call("CLIENT", "SETNAME", "before");
            c.call("CLIENT", "NO-TOUCH", "on");
            c.call("CLIENT", "NO-EVICT", "on");
            c.call("CLIENT", "SETINFO", "lib-name", "keep");
            c.send("CLIENT", "REPLY", "OFF");
            assertEquals("+RESET\r\n", c.callText("RESET"));
            String info = (String) c.callValue("CLIENT", "INFO");
            assertTrue(info.startsWith("id=" + id + " "), "same connection id: " + info);
            // like Redis 7.0, RESET keeps NO-EVICT and the library name
            assertTrue(info.contains(" name= ") && info.contains(" flags=e db=0 ") && info.contains(" resp=2 ")
                    && info.contains(" lib-name=keep "), info);
            assertEquals("$-1\r\n", c.callText("GET", "missing"));
        }
    }
}
