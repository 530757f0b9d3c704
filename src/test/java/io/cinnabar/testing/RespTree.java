package io.cinnabar.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * A RESP2/RESP3 reply as a tree that keeps every type byte, so a test can reorder or drop parts
 * of a reply (e.g. Redis's randomly ordered subcommands) and still compare the rest byte for byte
 * with {@link #render()}.
 */
public final class RespTree {
    public final char type;
    /** The header line after the type byte (length, integer, simple string text). */
    public final String line;
    /** The payload of bulk, verbatim and blob error strings; null for others. */
    public final byte[] payload;
    /** Elements of arrays, sets, pushes; keys and values alternating for maps. */
    public final List<RespTree> children;

    private RespTree(char type, String line, byte[] payload, List<RespTree> children) {
        this.type = type;
        this.line = line;
        this.payload = payload;
        this.children = children;
    }

    public static RespTree parse(byte[] raw) {
        int[] pos = {0};
        RespTree t = read(raw, pos);
        if (pos[0] != raw.length) {
            throw new IllegalArgumentException("trailing bytes after reply");
        }
        return t;
    }

    private static RespTree read(byte[] raw, int[] pos) {
        char type = (char) raw[pos[0]++];
        int start = pos[0];
        while (raw[pos[0]] != '\r') {
            pos[0]++;
        }
        String line = new String(raw, start, pos[0] - start, StandardCharsets.ISO_8859_1);
        pos[0] += 2;
        switch (type) {
            case '$': case '=': case '!': {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return new RespTree(type, line, null, null);
                }
                byte[] b = java.util.Arrays.copyOfRange(raw, pos[0], pos[0] + n);
                pos[0] += n + 2;
                return new RespTree(type, line, b, null);
            }
            case '*': case '~': case '>': case '%': case '|': {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return new RespTree(type, line, null, null);
                }
                int count = type == '%' || type == '|' ? 2 * n : n;
                List<RespTree> kids = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    kids.add(read(raw, pos));
                }
                return new RespTree(type, line, null, kids);
            }
            default:
                return new RespTree(type, line, null, null);
        }
    }

    /** A copy with new children; the header count follows them. */
    public RespTree withChildren(List<RespTree> kids) {
        int n = type == '%' || type == '|' ? kids.size() / 2 : kids.size();
        return new RespTree(type, Integer.toString(n), null, kids);
    }

    public boolean isAggregate() {
        return children != null;
    }

    /** Text of a bulk or simple string. */
    public String text() {
        return payload != null ? new String(payload, StandardCharsets.UTF_8) : line;
    }

    public boolean isMap() {
        return type == '%';
    }

    /**
     * Key/value pairs of a map: a RESP3 map, or (RESP2) an array of even length whose even
     * elements are strings. The caller knows which arrays are maps.
     */
    public List<RespTree[]> pairs() {
        List<RespTree[]> out = new ArrayList<>();
        for (int i = 0; i + 1 < children.size(); i += 2) {
            out.add(new RespTree[] {children.get(i), children.get(i + 1)});
        }
        return out;
    }

    public RespTree get(String key) {
        for (RespTree[] p : pairs()) {
            if (p[0].text().equals(key)) {
                return p[1];
            }
        }
        return null;
    }

    /** A map (or flat RESP2 map) without the pairs whose key matches. */
    public RespTree withoutKeys(Predicate<String> drop) {
        List<RespTree> kids = new ArrayList<>();
        for (RespTree[] p : pairs()) {
            if (!drop.test(p[0].text())) {
                kids.add(p[0]);
                kids.add(p[1]);
            }
        }
        return withChildren(kids);
    }

    /** A map (or flat RESP2 map) with one value replaced. */
    public RespTree withValue(String key, RespTree value) {
        List<RespTree> kids = new ArrayList<>();
        for (RespTree[] p : pairs()) {
            kids.add(p[0]);
            kids.add(p[0].text().equals(key) ? value : p[1]);
        }
        return withChildren(kids);
    }

    /** Map pairs sorted by key text, keeping only keys that pass the filter. */
    public RespTree sortedPairs(Predicate<String> keep) {
        List<RespTree[]> ps = new ArrayList<>();
        for (RespTree[] p : pairs()) {
            if (keep.test(p[0].text())) {
                ps.add(p);
            }
        }
        ps.sort(Comparator.comparing(p -> p[0].text()));
        List<RespTree> kids = new ArrayList<>();
        for (RespTree[] p : ps) {
            kids.add(p[0]);
            kids.add(p[1]);
        }
        return withChildren(kids);
    }

    /** Elements sorted by a key, keeping only those that pass the filter. */
    public RespTree sortedElements(java.util.function.Function<RespTree, String> key, Predicate<RespTree> keep) {
        List<RespTree> kids = new ArrayList<>();
        for (RespTree c : children) {
            if (keep.test(c)) {
                kids.add(c);
            }
        }
        kids.sort(Comparator.comparing(key));
        return withChildren(kids);
    }

    /** Integers from which on a reply integer is taken for a unix time in milliseconds (2001 on). */
    public static final long UNIX_MS_FLOOR = 1_000_000_000_000L;

    /**
     * A copy where every integer that looks like a unix time in milliseconds reads 0, so replies
     * with delivery or seen times compare by type there and byte for byte everywhere else.
     */
    public RespTree withTimesMasked() {
        if (type == ':' && Long.parseLong(line) >= UNIX_MS_FLOOR) {
            return new RespTree(type, "0", null, null);
        }
        if (children == null) {
            return this;
        }
        List<RespTree> kids = new ArrayList<>(children.size());
        for (RespTree c : children) {
            kids.add(c.withTimesMasked());
        }
        return new RespTree(type, line, null, kids);
    }

    public String render() {
        StringBuilder sb = new StringBuilder();
        render(sb);
        return sb.toString();
    }

    private void render(StringBuilder sb) {
        sb.append(type).append(line).append("\r\n");
        if (payload != null) {
            sb.append(new String(payload, StandardCharsets.ISO_8859_1)).append("\r\n");
        }
        if (children != null) {
            for (RespTree c : children) {
                c.render(sb);
            }
        }
    }

    @Override
    public String toString() {
        return render().replace("\r\n", "|");
    }
}
