package io.cinnabar.command;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.Client;
import io.cinnabar.testing.AllCommandsBound;
import io.cinnabar.testing.RespClient;
import io.cinnabar.testing.Servers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Key extraction against real Redis's COMMAND GETKEYS / GETKEYSANDFLAGS, byte for byte in RESP2
 * and RESP3, for hand-picked edge cases and for requests generated from every command's argument
 * docs. The Cinnabar side has a dummy handler for every command, so commands we do not implement
 * yet are covered too (GETKEYS only needs metadata).
 */
@Timeout(300)
class KeyExtractorTest {
    @RegisterExtension
    static final Servers servers = Servers.withOracle();

    @BeforeAll
    static void start() {
        AllCommandsBound.install(servers.cinnabar());
    }

    /** Requests whose keys are found by specs, by Redis's fallbacks, or not at all. */
    static final String[] CASES = {
        "get k", "set k v", "set k v GET", "set k get", "set k v px get", "set k v GeT", "set k v ex 10 get",
        "mset k v k2 v2", "mset k v k2", "msetnx a 1 b 2 c 3", "mget a b c", "del a b c", "exists a",
        "getex k persist", "getdel k", "append k v", "incrbyfloat k 1.5", "lcs a b", "lcs a b idx",
        "rename a b", "renamenx a b", "copy a b db 1 replace", "move k 1", "object encoding k",
        "object freq k", "memory usage k samples 5", "debug object k", "dump k", "restore k 0 payload",
        "touch a b", "unlink a b", "type k", "expire k 10 nx", "pexpireat k 1 gt", "ttl k",
        "lpush l a b", "rpoplpush a b", "lmove a b left right", "blmove a b left right 0", "brpoplpush a b 0",
        "blpop a b c 0", "brpop a 0", "lmpop 2 a b left count 2", "lmpop 2abc a b left", "lmpop 0 a left",
        "lmpop 3 a b left", "lmpop -1 a left", "lmpop x a left", "blmpop 0 2 a b left", "blmpop 0 1x a left",
        "sinterstore d a b", "sunion a b", "smove a b m", "sintercard 2 a b limit 1", "sintercard 1x a",
        "sintercard 0 a", "sintercard 5 a b",
        "zunionstore dst 2 a b", "zunionstore dst 2 a b weights 1 2", "zunionstore dst 2abc a b",
        "zunionstore dst \" 2\" a b", "zunionstore dst 0 a", "zunionstore dst -1 a", "zunionstore dst 3 a b",
        "zinterstore d 1 a", "zdiffstore d 2 a b", "zunion 2 a b", "zinter 2abc a b", "zinter 0 a",
        "zdiff 1 a", "zintercard 2 a b", "zrangestore d s 0 1", "zmpop 2 a b min", "bzmpop 0 2 a b min",
        "bzmpop 0 2abc a b min", "bzpopmin a b 0", "zadd z 1 m", "zrangebyscore z 0 1",
        "eval s 0", "eval s 1 a b", "eval s 2 a b", "eval s 3 a b", "eval s 2abc a b", "eval s -1 a",
        "eval s x", "evalsha sha 1 k", "eval_ro s 1 k", "evalsha_ro s 2 a b", "fcall f 2abc a b",
        "fcall f 1 k a", "fcall_ro f 0", "fcall f 0 x",
        "sort k", "sort k store d", "sort k store", "sort k limit 0 1 store d", "sort k get # store d",
        "sort k STORE d by store", "sort k store store x", "sort k limit store x y", "sort k by x store a store b",
        "sort_ro k by x", "sort_ro k",
        "migrate h p k 0 5", "migrate h p \"\" 0 5 keys a b", "migrate h p k 0 5 keys a b",
        "migrate h p \"\" 0 5 auth keys keys a", "migrate h p \"\" 0 5 auth2 u keys keys a",
        "migrate h p \"\" 0 5 copy keys a", "migrate h p \"\" 0 5 keys keys", "migrate h p k 0 5 auth keys",
        "migrate h p \"\" 0 5", "migrate h p \"\" 0 5 keys", "migrate h p \"\" 0 5 replace KEYS a",
        "georadius k 0 0 1 m store a storedist b", "georadius k 0 0 1 m store", "georadius k 0 0 1 m",
        "georadius k 0 0 1 m storedist a store b", "georadiusbymember k m 1 km store d",
        "georadius_ro k 0 0 1 m", "geosearchstore d s frommember m byradius 1 m", "geoadd k 0 0 m",
        "xread streams a b c", "xread count streams streams a", "xread streams a", "xread count 1 x y",
        "xread count 1 streams a b c d", "xread block 0 streams a 0", "xread streams", "xread STREAMS a 0",
        "xreadgroup group g c streams a 0", "xreadgroup group g c count 1 streams a b 0 0",
        "xreadgroup group g c streams a", "xadd s * f v", "xgroup create s g $", "xinfo stream s",
        "xautoclaim s g c 0 0", "xclaim s g c 0 1-1", "xsetid s 1-1",
        "bitfield k", "bitfield k get set 0", "bitfield k get u8", "bitfield k overflow wrap get u8 0",
        "bitfield k bogus", "bitfield k overflow", "bitfield k set u8 0 1", "bitfield k incrby u8 0 1",
        "bitfield k get u8 0 set u8 0 1", "bitfield_ro k get u8 0", "bitop and d a b", "bitcount k",
        "pfcount a b", "pfmerge d a b", "pfadd h a", "hset h f v", "hgetall h", "watch a b",
        "spublish c m", "ssubscribe a b", "publish c m", "subscribe a", "ping", "ping x",
        "command getkeys get k", "config get x", "config nosuch x", "client list", "object help",
        "xinfo help", "nosuch a", "get", "get a b", "set k", "lpos k e", "object nosuch k",
        "object encoding", "memory doctor", "memory usage", "cluster keyslot k", "cluster countkeysinslot 1",
        "GET K", "Sort k STORE d", "MiGrAtE h p \"\" 0 5 KeYs a", "XREAD streams a 0",
    };

    static byte[][] split(String line) {
        return io.cinnabar.protocol.InlineSplitter.split(line.getBytes(StandardCharsets.UTF_8));
    }

    static RespClient client(boolean ours, int proto) {
        RespClient c = ours ? servers.cinnabar().client() : servers.redis().client();
        assertEquals("+PONG\r\n", c.callText("PING"));
        if (proto == 3) {
            if (!ours) {
                c.call("HELLO", "3");
            } else {
                servers.cinnabar().onDataThread(() -> {
                    for (Client cl : servers.cinnabar().server().clients()) {
                        cl.reply().setProtocol(3);
                    }
                    return null;
                });
            }
        }
        return c;
    }

    static byte[][] prefixed(String sub, byte[][] args) {
        byte[][] a = new byte[args.length + 2][];
        a[0] = "COMMAND".getBytes(StandardCharsets.US_ASCII);
        a[1] = sub.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(args, 0, a, 2, args.length);
        return a;
    }

    /** Replies seen from Redis by kind in the last comparison: keys found, errors (by text). */
    private static final Map<String, Integer> KINDS = new java.util.TreeMap<>();

    private static List<String> compare(List<byte[][]> requests, int proto) {
        List<String> mismatches = new ArrayList<>();
        KINDS.clear();
        try (RespClient ours = client(true, proto); RespClient theirs = client(false, proto)) {
            for (byte[][] req : requests) {
                for (String sub : new String[] {"GETKEYS", "GETKEYSANDFLAGS"}) {
                    byte[][] cmd = prefixed(sub, req);
                    RespClient.Reply t = theirs.call(cmd);
                    RespClient.Reply o = ours.call(cmd);
                    String kind = t.raw[0] == '-' ? t.text().trim() : t.text().startsWith("*0") ? "empty" : "keys";
                    KINDS.merge(kind, 1, Integer::sum);
                    if (!Arrays.equals(t.raw, o.raw)) {
                        mismatches.add(sub + " " + show(req) + "\n  redis:    " + t + "\n  cinnabar: " + o);
                    }
                }
            }
        }
        return mismatches;
    }

    static String show(byte[][] req) {
        StringBuilder sb = new StringBuilder();
        for (byte[] a : req) {
            sb.append(sb.length() == 0 ? "" : " ").append('"').append(new String(a, StandardCharsets.UTF_8)).append('"');
        }
        return sb.toString();
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void handPickedCasesMatchRedis(int proto) {
        List<byte[][]> reqs = new ArrayList<>();
        for (String c : CASES) {
            reqs.add(split(c));
        }
        List<String> mismatches = compare(reqs, proto);
        assertTrue(mismatches.isEmpty(), () -> mismatches.size() + " differ:\n" + String.join("\n", mismatches));
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void requestsGeneratedFromEveryCommandsDocsMatchRedis(int proto) {
        List<byte[][]> reqs = generated();
        assertTrue(reqs.size() > 500, "generated " + reqs.size());
        List<String> mismatches = compare(reqs, proto);
        assertTrue(mismatches.isEmpty(), () -> mismatches.size() + " differ:\n" + String.join("\n", mismatches));
        // the generated requests reach every outcome, not just one
        assertTrue(KINDS.getOrDefault("keys", 0) > 300, KINDS::toString);
        assertTrue(KINDS.getOrDefault("empty", 0) > 0, KINDS::toString);
        assertTrue(KINDS.getOrDefault("-ERR The command has no key arguments", 0) > 100, KINDS::toString);
        assertTrue(KINDS.getOrDefault("-ERR Invalid number of arguments specified for command", 0) > 10, KINDS::toString);
        assertTrue(KINDS.getOrDefault("-ERR Invalid arguments specified for command", 0) > 0, KINDS::toString);
    }

    // ------------------------------------------------------------------ request generator

    /** Several requests per command and subcommand, built from its argument docs. */
    static List<byte[][]> generated() {
        CommandTable table = CommandTable.load();
        Set<String> seen = new LinkedHashSet<>();
        for (CommandSpec s : table.all()) {
            List<CommandSpec> specs = new ArrayList<>();
            if (s.hasSubcommands()) {
                specs.addAll(List.of(s.subcommands()));
            } else {
                specs.add(s);
            }
            for (CommandSpec x : specs) {
                for (int variant = 0; variant < 4; variant++) {
                    List<String> argv = new ArrayList<>(List.of(x.displayName.split(" ")));
                    int[] counter = {0};
                    generate(x.arguments, argv, variant, counter);
                    seen.add(String.join("\u0000", argv));
                    if (argv.size() > 1) {
                        seen.add(String.join("\u0000", argv.subList(0, argv.size() - 1)));
                    }
                }
            }
        }
        List<byte[][]> out = new ArrayList<>();
        for (String s : seen) {
            String[] parts = s.split("\u0000", -1);
            byte[][] req = new byte[parts.length][];
            for (int i = 0; i < parts.length; i++) {
                req[i] = parts[i].getBytes(StandardCharsets.UTF_8);
            }
            out.add(req);
        }
        return out;
    }

    /**
     * variant 0: required arguments only, once each; 1: optional ones too, multiples twice,
     * first choice of each oneof; 2: the same with the last choice and multiples three times;
     * 3: like 1 but numbers as "2abc" (lenient numkeys parsing).
     */
    @SuppressWarnings("unchecked")
    static void generate(List<Object> args, List<String> argv, int variant, int[] counter) {
        for (Object o : args) {
            Map<String, Object> a = (Map<String, Object>) o;
            List<Object> flags = (List<Object>) a.getOrDefault("flags", List.of());
            boolean optional = flags.contains("optional");
            boolean multiple = flags.contains("multiple");
            boolean multipleToken = flags.contains("multiple_token");
            if (optional && variant == 0) {
                continue;
            }
            int times = multiple ? (variant == 0 ? 1 : variant == 2 ? 3 : 2) : 1;
            String token = (String) a.get("token");
            for (int t = 0; t < times; t++) {
                if (token != null && (t == 0 || multipleToken) && !"pure-token".equals(a.get("type"))) {
                    argv.add(token);
                }
                String type = (String) a.get("type");
                switch (type) {
                    case "key":
                        argv.add("key" + (counter[0]++));
                        break;
                    case "integer":
                        argv.add(variant == 3 ? "2abc" : variant == 0 ? "1" : "2");
                        break;
                    case "double":
                        argv.add("1.5");
                        break;
                    case "unix-time":
                        argv.add("100");
                        break;
                    case "pure-token":
                        argv.add(token);
                        break;
                    case "oneof": {
                        List<Object> choices = (List<Object>) a.get("arguments");
                        Object pick = variant == 2 ? choices.get(choices.size() - 1) : choices.get(0);
                        generate(List.of(pick), argv, variant, counter);
                        break;
                    }
                    case "block":
                        generate((List<Object>) a.get("arguments"), argv, variant, counter);
                        break;
                    default:
                        argv.add(((String) a.get("name")).replace('_', '-') + counter[0]);
                        break;
                }
            }
        }
    }

    // ------------------------------------------------------------------ direct API

    @Test
    void findsPositionsRelativeToBaseWithoutCopying() {
        CommandTable table = CommandTable.load();
        KeyExtractor.Keys keys = new KeyExtractor.Keys(1);
        byte[][] req = split("COMMAND GETKEYS zunionstore dst 2 a b weights 1 2");
        int n = KeyExtractor.find(table.get("zunionstore"), req, 2, 0, keys);
        assertEquals(3, n);
        assertArrayEquals(new int[] {1, 3, 4}, Arrays.copyOf(keys.positions, n));
        assertEquals(KeyExtractor.OW | KeyExtractor.UPDATE, keys.flags[0]);
        assertEquals(KeyExtractor.RO | KeyExtractor.ACCESS, keys.flags[1]);
        // the same result object is reused: a shorter request resets the count
        assertEquals(1, KeyExtractor.find(table.get("get"), split("get k"), 0, 0, keys));
        assertEquals(1, keys.positions[0]);
    }

    @Test
    void optionsIncludeNotKeysAndReturnPartial() {
        CommandTable table = CommandTable.load();
        KeyExtractor.Keys keys = new KeyExtractor.Keys();
        CommandSpec spublish = table.get("spublish");
        assertFalse(KeyExtractor.hasKeys(spublish));
        assertEquals(0, KeyExtractor.find(spublish, split("spublish chan msg"), 0, 0, keys));
        assertEquals(1, KeyExtractor.find(spublish, split("spublish chan msg"), 0, KeyExtractor.INCLUDE_NOT_KEYS, keys));
        assertEquals(1, keys.positions[0]);
        assertEquals(KeyExtractor.NOT_KEY, keys.flags[0]);
        // MIGRATE's KEYS spec is incomplete: by default Redis's own rule answers (here: none, a key
        // and KEYS together are a syntax error); partial keeps whatever the specs found
        CommandSpec migrate = table.get("migrate");
        byte[][] req = split("migrate h p k 0 5 keys a b");
        assertEquals(0, KeyExtractor.find(migrate, req, 0, 0, keys));
        assertEquals(3, KeyExtractor.find(migrate, req, 0, KeyExtractor.RETURN_PARTIAL, keys));
        assertArrayEquals(new int[] {3, 7, 8}, Arrays.copyOf(keys.positions, 3));
        assertTrue((keys.flags[2] & KeyExtractor.INCOMPLETE) != 0);
        assertTrue(KeyExtractor.hasKeys(table.get("sort")));
        assertFalse(KeyExtractor.hasKeys(table.get("ping")));
    }

    @Test
    void largeKeyCountsGrowTheResult() {
        CommandTable table = CommandTable.load();
        KeyExtractor.Keys keys = new KeyExtractor.Keys(1);
        List<String> args = new ArrayList<>(List.of("del"));
        for (int i = 0; i < 1000; i++) {
            args.add("k" + i);
        }
        byte[][] req = split(String.join(" ", args));
        assertEquals(1000, KeyExtractor.find(table.get("del"), req, 0, 0, keys));
        assertEquals(1000, keys.positions[999]);
    }
}
