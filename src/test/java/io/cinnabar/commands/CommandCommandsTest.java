package io.cinnabar.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.command.CommandSpec;
import io.cinnabar.command.CommandTable;
import io.cinnabar.server.Client;
import io.cinnabar.testing.AllCommandsBound;
import io.cinnabar.testing.CinnabarFixture;
import io.cinnabar.testing.RespClient;
import io.cinnabar.testing.RespTree;
import io.cinnabar.testing.Servers;
import java.util.ArrayList;
import java.util.HashSet;
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
 * COMMAND against real Redis 7.0, in RESP2 and RESP3. Two Cinnabar servers: the normal one,
 * where only implemented commands exist, and one where every command of the table is given a
 * dummy handler, so the metadata of all 240 commands and 126 subcommands is compared too.
 * Nothing here counts commands: expectations come from the command table.
 */
@Timeout(240)
class CommandCommandsTest {
    @RegisterExtension
    static final Servers servers = Servers.withOracle();
    /** A second Cinnabar on which every Redis 7.0 command is bound, to compare metadata of all. */
    @RegisterExtension
    static final Servers allBound = Servers.cinnabarAlone();

    @BeforeAll
    static void start() {
        AllCommandsBound.hideExtensions(servers.cinnabar());
        AllCommandsBound.install(allBound.cinnabar());
    }

    // ------------------------------------------------------------------ connections

    static RespClient redisClient(int proto) {
        RespClient c = servers.redis().client();
        if (proto == 3) {
            c.call("HELLO", "3");
        }
        return c;
    }

    static RespClient ourClient(CinnabarFixture f, int proto) {
        RespClient c = f.client();
        assertEquals("+PONG\r\n", c.callText("PING"));
        if (proto == 3) {
            CommandSpec hello = f.server().commandTable().get("hello");
            if (hello.handler() != null && f != allBound.cinnabar()) {
                c.call("HELLO", "3");
            } else {
                // HELLO belongs to another family; switch the connection directly until it lands.
                f.onDataThread(() -> {
                    for (Client cl : f.server().clients()) {
                        cl.reply().setProtocol(3);
                    }
                    return null;
                });
            }
        }
        return c;
    }

    /** Implemented (per the table) top-level commands of a server, and their subcommand names. */
    static List<CommandSpec> implemented(CinnabarFixture f) {
        return f.server().commandTable().implemented();
    }

    static Set<String> implementedSubNames(CommandSpec s) {
        Set<String> out = new LinkedHashSet<>();
        for (CommandSpec sub : s.subcommands()) {
            if (sub.handler() != null) {
                out.add(sub.name);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ COMMAND INFO

    /** A COMMAND INFO entry with its subcommand list reduced to {@code subs} and sorted. */
    static RespTree normalizeInfoEntry(RespTree entry, Set<String> subs) {
        List<RespTree> kids = new ArrayList<>(entry.children);
        kids.set(9, kids.get(9).sortedElements(e -> e.children.get(0).text(),
                e -> subs.contains(e.children.get(0).text())));
        return entry.withChildren(kids);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void infoOfEveryImplementedCommandMatchesRedis(int proto) {
        compareInfo(servers.cinnabar(), proto);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void infoOfEveryRedisCommandMatchesRedisWhenAllAreBound(int proto) {
        compareInfo(allBound.cinnabar(), proto);
    }

    private void compareInfo(CinnabarFixture f, int proto) {
        List<String> mismatches = new ArrayList<>();
        int compared = 0;
        try (RespClient ours = ourClient(f, proto); RespClient theirs = redisClient(proto)) {
            for (CommandSpec s : implemented(f)) {
                RespClient.Reply o = ours.call("COMMAND", "INFO", s.name);
                RespClient.Reply t = theirs.call("COMMAND", "INFO", s.name);
                compared++;
                if (!s.hasSubcommands()) {
                    if (!o.text().equals(t.text())) {
                        mismatches.add(s.name + "\n  redis:    " + t + "\n  cinnabar: " + o);
                    }
                    continue;
                }
                Set<String> subs = implementedSubNames(s);
                RespTree ot = RespTree.parse(o.raw);
                RespTree tt = RespTree.parse(t.raw);
                String on = normalizeInfoEntry(ot.children.get(0), subs).render();
                String tn = normalizeInfoEntry(tt.children.get(0), subs).render();
                // our own list is already in name order: only Redis's needed sorting
                assertEquals(on, ot.children.get(0).render(), s.name + ": subcommands not in name order");
                if (!on.equals(tn)) {
                    mismatches.add(s.name + "\n  redis:    " + tn + "\n  cinnabar: " + on);
                }
                for (String sub : subs) {
                    o = ours.call("COMMAND", "INFO", sub);
                    t = theirs.call("COMMAND", "INFO", sub);
                    compared++;
                    if (!o.text().equals(t.text())) {
                        mismatches.add(sub + "\n  redis:    " + t + "\n  cinnabar: " + o);
                    }
                }
            }
        }
        assertTrue(compared > 0);
        assertTrue(mismatches.isEmpty(), () -> mismatches.size() + " COMMAND INFO replies differ (RESP" + proto + "):\n"
                + String.join("\n", mismatches));
    }

    // ------------------------------------------------------------------ COMMAND DOCS

    /**
     * One command's docs without what is ours by design (summary, replaced_by wording) or
     * missing (history), and with subcommands reduced to {@code subs} and sorted by name.
     */
    static RespTree normalizeDocs(RespTree docs, Set<String> subs) {
        RespTree d = docs.withoutKeys(k -> k.equals("summary") || k.equals("history") || k.equals("replaced_by"));
        RespTree sc = d.get("subcommands");
        if (sc != null) {
            RespTree sorted = sc.sortedPairs(subs::contains);
            List<RespTree> kids = new ArrayList<>();
            for (RespTree[] p : sorted.pairs()) {
                kids.add(p[0]);
                kids.add(normalizeDocs(p[1], Set.of()));
            }
            d = d.withValue("subcommands", sorted.withChildren(kids));
        }
        return d;
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void docsOfEveryImplementedCommandMatchRedis(int proto) {
        compareDocs(servers.cinnabar(), proto);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void docsOfEveryRedisCommandMatchRedisWhenAllAreBound(int proto) {
        compareDocs(allBound.cinnabar(), proto);
    }

    private void compareDocs(CinnabarFixture f, int proto) {
        List<String> mismatches = new ArrayList<>();
        try (RespClient ours = ourClient(f, proto); RespClient theirs = redisClient(proto)) {
            for (CommandSpec s : implemented(f)) {
                Set<String> subs = implementedSubNames(s);
                List<String> names = new ArrayList<>();
                names.add(s.name);
                names.addAll(subs);
                for (String name : names) {
                    RespTree o = RespTree.parse(ours.call("COMMAND", "DOCS", name).raw);
                    RespTree t = RespTree.parse(theirs.call("COMMAND", "DOCS", name).raw);
                    assertEquals(2, o.children.size(), name + ": one name and its docs");
                    assertEquals(name, o.children.get(0).text());
                    RespTree od = o.children.get(1);
                    assertNotNull(od.get("summary"), name + " has a summary");
                    assertFalse(od.get("summary").text().isBlank(), name + " has a summary");
                    assertNull(od.get("history"), name + ": we carry no history");
                    String on = normalizeDocs(od, subs).render();
                    String tn = normalizeDocs(t.children.get(1), subs).render();
                    if (!on.equals(tn)) {
                        mismatches.add(name + "\n  redis:    " + tn.replace("\r\n", "|")
                                + "\n  cinnabar: " + on.replace("\r\n", "|"));
                    }
                }
            }
        }
        assertTrue(mismatches.isEmpty(), () -> mismatches.size() + " COMMAND DOCS replies differ (RESP" + proto + "):\n"
                + String.join("\n", mismatches));
    }

    // ------------------------------------------------------------------ only implemented commands exist

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void listsShowExactlyTheImplementedCommands(int proto) {
        CommandTable table = servers.cinnabar().server().commandTable();
        List<String> top = new ArrayList<>();
        List<String> withSubs = new ArrayList<>();
        for (CommandSpec s : table.implemented()) {
            top.add(s.name);
            withSubs.add(s.name);
            withSubs.addAll(implementedSubNames(s));
        }
        try (RespClient c = ourClient(servers.cinnabar(), proto)) {
            assertEquals((long) top.size(), c.callValue("COMMAND", "COUNT"));
            List<String> names = new ArrayList<>();
            for (Object e : (List<?>) c.callValue("COMMAND")) {
                names.add((String) ((List<?>) e).get(0));
            }
            assertEquals(top, names);
            RespClient.Reply all = c.call("COMMAND");
            assertEquals(all.text(), c.call("COMMAND", "INFO").text(), "COMMAND INFO without names is COMMAND");
            assertEquals(withSubs, c.callValue("COMMAND", "LIST"));
            RespTree docs = RespTree.parse(c.call("COMMAND", "DOCS").raw);
            List<String> docNames = new ArrayList<>();
            for (RespTree[] p : docs.pairs()) {
                docNames.add(p[0].text());
            }
            assertEquals(top, docNames);
            assertEquals(proto == 3 ? '%' : '*', docs.type);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void unimplementedCommandsAreUnknown(int proto) {
        CommandTable table = servers.cinnabar().server().commandTable();
        String missing = null;
        String missingSub = null;
        for (CommandSpec s : table.all()) {
            if (missing == null && !s.implemented()) {
                missing = s.name;
            }
            for (CommandSpec sub : s.subcommands()) {
                if (missingSub == null && sub.handler() == null) {
                    missingSub = sub.name;
                }
            }
        }
        try (RespClient c = ourClient(servers.cinnabar(), proto)) {
            String nil = proto == 3 ? "_\r\n" : "$-1\r\n";
            assertEquals("*3\r\n" + nil + nil + nil, c.callText("COMMAND", "INFO", "no-such-command", "get|x", "a|b|c"));
            if (missing != null) {
                assertEquals("*1\r\n" + nil, c.callText("COMMAND", "INFO", missing));
                assertEquals(proto == 3 ? "%0\r\n" : "*0\r\n", c.callText("COMMAND", "DOCS", missing));
                assertFalse(((List<?>) c.callValue("COMMAND", "LIST")).contains(missing));
                assertEquals("-ERR Invalid command specified\r\n", c.callText("COMMAND", "GETKEYS", missing, "a", "b"));
            }
            if (missingSub != null) {
                assertEquals("*1\r\n" + nil, c.callText("COMMAND", "INFO", missingSub));
                assertEquals(proto == 3 ? "%0\r\n" : "*0\r\n", c.callText("COMMAND", "DOCS", missingSub));
            }
            // names are case-insensitive, replies use the lowercase full name
            RespTree t = RespTree.parse(c.call("COMMAND", "INFO", "COMMAND|COUNT").raw);
            assertEquals("command|count", t.children.get(0).children.get(0).text());
        }
    }

    // ------------------------------------------------------------------ COMMAND LIST filters

    @Test
    void listFiltersMatchRedisRestrictedToImplementedCommands() {
        Set<String> ourAll = new HashSet<>();
        try (RespClient ours = ourClient(servers.cinnabar(), 2); RespClient theirs = redisClient(2)) {
            for (Object o : (List<?>) ours.callValue("COMMAND", "LIST")) {
                ourAll.add((String) o);
            }
            String[][] filters = {
                {"PATTERN", "*"}, {"pattern", "c*"}, {"PATTERN", "*|*"}, {"PATTERN", "COMMAND|*"},
                {"PATTERN", "?et"}, {"PATTERN", "[gs]et"}, {"PATTERN", "[^g]et"}, {"PATTERN", "[a-f]*"},
                {"PATTERN", "*o*n*"}, {"PATTERN", "s\\et"}, {"PATTERN", "[g-a]e?"}, {"PATTERN", "nomatch"},
                {"PATTERN", "*[|]c*"}, {"PATTERN", "[[]*"}, {"PATTERN", "x[ab"},
                {"ACLCAT", "string"}, {"aclcat", "CONNECTION"}, {"ACLCAT", "slow"}, {"ACLCAT", "@slow"},
                {"ACLCAT", "no-such-category"}, {"ACLCAT", "keyspace"}, {"ACLCAT", "fast"},
                {"MODULE", "x"},
            };
            for (String[] f : filters) {
                Set<String> expected = new HashSet<>();
                for (Object o : (List<?>) theirs.callValue("COMMAND", "LIST", "FILTERBY", f[0], f[1])) {
                    if (ourAll.contains(o)) {
                        expected.add((String) o);
                    }
                }
                List<?> got = (List<?>) ours.callValue("COMMAND", "LIST", "FILTERBY", f[0], f[1]);
                assertEquals(expected, new HashSet<>(got), "FILTERBY " + f[0] + " " + f[1]);
                assertEquals(got.size(), new HashSet<>(got).size());
            }
            String[][] errors = {
                {"FILTERBY"}, {"FILTERBY", "PATTERN"}, {"FILTERBY", "foo", "bar"}, {"foo"},
                {"FILTERBY", "PATTERN", "x", "extra"}, {"FILTERBY", "PATTERN", "x", "FILTERBY", "ACLCAT", "y"},
            };
            for (String[] e : errors) {
                List<String> cmd = new ArrayList<>(List.of("COMMAND", "LIST"));
                cmd.addAll(List.of(e));
                String[] args = cmd.toArray(new String[0]);
                assertEquals(theirs.callText(args), ours.callText(args), String.join(" ", args));
            }
        }
    }

    @Test
    void globMatchesLikeRedis() {
        assertTrue(io.cinnabar.util.Glob.matchNoCase(b("h?llo"), b("hello")));
        assertTrue(io.cinnabar.util.Glob.matchNoCase(b("h*llo"), b("heeeello")));
        assertTrue(io.cinnabar.util.Glob.matchNoCase(b("h[ae]llo"), b("hallo")));
        assertFalse(io.cinnabar.util.Glob.matchNoCase(b("h[^e]llo"), b("hello")));
        assertTrue(io.cinnabar.util.Glob.matchNoCase(b("h[a-b]llo"), b("hbllo")));
        assertTrue(io.cinnabar.util.Glob.matchNoCase(b("h[b-a]llo"), b("hbllo")));
        assertTrue(io.cinnabar.util.Glob.matchNoCase(b("H\\*"), b("h*")));
        assertFalse(io.cinnabar.util.Glob.matchNoCase(b("H\\*"), b("hx")));
        assertTrue(io.cinnabar.util.Glob.matchNoCase(b("*a*b*c"), b("xaybzc")));
        assertFalse(io.cinnabar.util.Glob.matchNoCase(b("*a*b*c"), b("xaybz")));
        // Redis 7.0 stringmatchlen: an empty subject matches only an empty pattern
        assertFalse(io.cinnabar.util.Glob.matchNoCase(b("***"), b("")));
        assertFalse(io.cinnabar.util.Glob.matchNoCase(b("?"), b("")));
        assertTrue(io.cinnabar.util.Glob.matchNoCase(b("a\\"), b("a\\")));
        // a pathological pattern stays fast
        String many = "a*".repeat(200) + "b";
        long t0 = System.nanoTime();
        assertFalse(io.cinnabar.util.Glob.matchNoCase(b(many), b("a".repeat(5000))));
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L);
    }

    private static byte[] b(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ fixed replies and errors

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void helpAndErrorsMatchRedis(int proto) {
        String[][] cases = {
            {"COMMAND", "HELP"}, {"command", "help", "extra"}, {"COMMAND", "COUNT", "x"}, {"COMMAND", "nosuch"},
            {"COMMAND", "GETKEYS"}, {"COMMAND", "GETKEYS", "get"}, {"COMMAND", "GETKEYS", "nosuch", "a"},
            {"COMMAND", "GETKEYS", "get", "a", "b"}, {"COMMAND", "GETKEYS", "GET", "a"},
            {"COMMAND", "GETKEYSANDFLAGS", "get", "a"}, {"COMMAND", "GETKEYS", "ping", "a"},
            {"COMMAND", "GETKEYS", "command", "count"}, {"COMMAND", "GETKEYS", "command", "nosuch"},
            {"COMMAND", "GETKEYS", "command", "getkeys", "get", "k"},
            {"COMMAND", "GETKEYSANDFLAGS", "set", "k", "v"}, {"COMMAND", "GETKEYSANDFLAGS", "set", "k", "v", "GET"},
            {"COMMAND", "GETKEYS", "set", "k"}, {"COMMAND", "GETKEYS", "echo", "x"},
            {"COMMAND", "DOCS", "no-such"}, {"COMMAND", "INFO", "nosuch"}, {"COMMAND", "INFO", "get", "nosuch", "GET"},
            {"COMMAND", "LIST", "FILTERBY", "MODULE", "m"},
        };
        try (RespClient ours = ourClient(servers.cinnabar(), proto); RespClient theirs = redisClient(proto)) {
            for (String[] c : cases) {
                assertEquals(theirs.callText(c), ours.callText(c), String.join(" ", c));
            }
        }
    }

    @Test
    void bareContainersAreArityErrorsButBareCommandListsEverything() {
        try (RespClient ours = ourClient(allBound.cinnabar(), 2); RespClient theirs = redisClient(2)) {
            for (CommandSpec s : allBound.cinnabar().server().commandTable().all()) {
                if (s.hasSubcommands() && !s.name.equals("command")) {
                    assertEquals(theirs.callText(s.name), ours.callText(s.name), s.name);
                    assertEquals(theirs.callText(s.name, "nosuch"), ours.callText(s.name, "nosuch"), s.name + " nosuch");
                }
            }
            // with every command bound, COMMAND lists as many as Redis does (order aside)
            List<?> all = (List<?>) ours.callValue("COMMAND");
            assertEquals(theirs.callValue("COMMAND", "COUNT"), (long) all.size());
            assertEquals(theirs.callValue("COMMAND", "COUNT"), ours.callValue("COMMAND", "COUNT"));
            Set<Object> redisList = new HashSet<>((List<?>) theirs.callValue("COMMAND", "LIST"));
            assertEquals(redisList, new HashSet<>((List<?>) ours.callValue("COMMAND", "LIST")));
        }
    }

    @Test
    void commandDocsParsesLikeRedisForWholeTable() {
        // the shape a client library reads: name -> map with at least summary, since, group
        try (RespClient c = ourClient(servers.cinnabar(), 3)) {
            Object v = c.callValue("COMMAND", "DOCS");
            assertTrue(v instanceof Map);
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                Map<?, ?> d = (Map<?, ?>) e.getValue();
                assertNotNull(d.get("summary"), String.valueOf(e.getKey()));
                assertNotNull(d.get("since"), String.valueOf(e.getKey()));
                assertNotNull(d.get("group"), String.valueOf(e.getKey()));
            }
        }
    }
}
